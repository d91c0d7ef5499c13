# SPDX-License-Identifier: BSL-1.0
# cmake -DCMAKE_COMMAND=<cmake> -DBUILD_DIR=<build> -DTARGET=<target> -DMEMBER=<name>
#       -P expect_compile_failure.cmake
#
# Builds TARGET and passes only when the build fails with a compiler message saying that
# MEMBER is not a member (GCC: "has no member named 'id'", Clang: "no member named 'id'").
# Any other outcome fails: a successful build (the read-only setter exists), or a failure
# for an unrelated reason.
foreach(var CMAKE_COMMAND BUILD_DIR TARGET MEMBER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "expect_compile_failure: -D${var}=... is required")
  endif()
endforeach()

execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled, but setting the read-only property ${MEMBER} of a patch "
                      "must not compile:\n${out}")
endif()
# The quotes around the name differ by compiler and locale ('id', ‘id’, `id').
if(NOT out MATCHES "no member named [^A-Za-z0-9_]*${MEMBER}[^A-Za-z0-9_]")
  message(FATAL_ERROR "${TARGET} failed to compile, but not because ${MEMBER} is missing:\n${out}")
endif()
message(STATUS "${TARGET} does not compile, as required: no member named ${MEMBER}")
