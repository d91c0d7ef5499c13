# SPDX-License-Identifier: BSL-1.0
# cmake -P script: installs outlook-mail into PREFIX (removed first, so that nothing
# stale is picked up). Uses the build tree BUILD_DIR when HAS_INSTALL_RULES is true;
# otherwise configures SOURCE_DIR in SCRATCH_DIR with install rules on and installs that.
foreach(var CMAKE_COMMAND SOURCE_DIR BUILD_DIR SCRATCH_DIR PREFIX GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "install_prefix.cmake: ${var} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE "${PREFIX}")

function(run)
  message(STATUS "Running: ${ARGN}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "Command failed (${rc}): ${ARGN}")
  endif()
endfunction()

if(HAS_INSTALL_RULES)
  set(tree "${BUILD_DIR}")
else()
  set(tree "${SCRATCH_DIR}")
  run("${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${SCRATCH_DIR}" -G "${GENERATOR}"
      -DOUTLOOK_MAIL_INSTALL=ON -DOUTLOOK_MAIL_BUILD_TESTS=OFF -DOUTLOOK_MAIL_BUILD_EXAMPLES=OFF)
endif()
run("${CMAKE_COMMAND}" --install "${tree}" --prefix "${PREFIX}")

file(GLOB_RECURSE config_files "${PREFIX}/*/outlook_mailConfig.cmake")
if(NOT config_files)
  message(FATAL_ERROR "no outlook_mailConfig.cmake was installed under ${PREFIX}")
endif()
file(GLOB_RECURSE header_files "${PREFIX}/*/outlook/error.hpp")
if(NOT header_files)
  message(FATAL_ERROR "the headers were not installed under ${PREFIX}")
endif()
message(STATUS "Installed outlook-mail into ${PREFIX}")
