# cmake -P script: every source file of the repository names its licence in an SPDX line
# ("SPDX-License-Identifier: BSL-1.0") near its top: C++ (.hpp, .cpp), Python, shell
# (.sh and the .ci scripts) and CMake (CMakeLists.txt, .cmake, .cmake.in). Generated
# headers carry it in their banner; the generator's templates (.j2) put it there.
#   cmake -DSOURCE_DIR=<repository> -P check_spdx.cmake
# SPDX-License-Identifier: BSL-1.0
if(NOT DEFINED SOURCE_DIR)
  message(FATAL_ERROR "check_spdx.cmake: SOURCE_DIR is not set")
endif()

set(patterns *.hpp *.cpp *.py *.sh *.cmake *.cmake.in CMakeLists.txt)
set(files "")
foreach(top include codegen tests examples tools docs cmake .ci)
  foreach(pattern IN LISTS patterns)
    file(GLOB_RECURSE found LIST_DIRECTORIES false "${SOURCE_DIR}/${top}/${pattern}")
    list(APPEND files ${found})
  endforeach()
endforeach()
list(APPEND files "${SOURCE_DIR}/CMakeLists.txt" "${SOURCE_DIR}/.ci/test" "${SOURCE_DIR}/.ci/run"
                  "${SOURCE_DIR}/.ci/deps" "${SOURCE_DIR}/.ci/demo")
list(REMOVE_DUPLICATES files)
list(SORT files)

set(missing "")
set(count 0)
foreach(file IN LISTS files)
  if(NOT EXISTS "${file}")
    continue()
  endif()
  math(EXPR count "${count} + 1")
  # Within the first 12 lines: after a shebang, a banner or a short header comment.
  file(STRINGS "${file}" head LIMIT_COUNT 12)
  string(FIND "${head}" "SPDX-License-Identifier: BSL-1.0" at)
  if(at EQUAL -1)
    file(RELATIVE_PATH rel "${SOURCE_DIR}" "${file}")
    list(APPEND missing "${rel}")
  endif()
endforeach()

list(LENGTH missing missing_count)
if(missing_count GREATER 0)
  list(JOIN missing "\n  " listed)
  message(FATAL_ERROR "${missing_count} of ${count} source files have no 'SPDX-License-Identifier: BSL-1.0' "
                      "line in their first 12 lines:\n  ${listed}")
endif()
message(STATUS "${count} source files name their licence")
