# SPDX-License-Identifier: BSL-1.0
# cmake -DPYTHON=<python> -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch> -P drift_detects_edit.cmake
#
# Guards the drift check itself: a copy of include/ is brought up to date with a fresh
# generation (so this test does not depend on the committed headers being current, which
# codegen_drift checks), `generate.py --check` must pass on it; then one generated header is
# edited by hand and --check must exit 1 and name that file.
foreach(var PYTHON SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "drift_detects_edit: -D${var}=... is required")
  endif()
endforeach()

set(schema ${SOURCE_DIR}/schema/outlook-mail-v2.0.json)
set(copy ${WORK_DIR}/include)
set(edited_rel outlook/mail/message.hpp)

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
file(COPY ${SOURCE_DIR}/include DESTINATION ${WORK_DIR})

execute_process(COMMAND ${PYTHON} ${SOURCE_DIR}/codegen/generate.py --schema ${schema} --out ${copy}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "generating into the copy failed (${rc}):\n${out}")
endif()

execute_process(COMMAND ${PYTHON} ${SOURCE_DIR}/codegen/generate.py --schema ${schema} --out ${copy} --check
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "--check on a freshly generated copy must exit 0, got ${rc}:\n${out}")
endif()

if(NOT EXISTS ${copy}/${edited_rel})
  message(FATAL_ERROR "${edited_rel} is not generated any more; pick another header for this test")
endif()
file(APPEND ${copy}/${edited_rel} "// edited by hand\n")

execute_process(COMMAND ${PYTHON} ${SOURCE_DIR}/codegen/generate.py --schema ${schema} --out ${copy} --check
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "--check after a hand edit must exit 1, got ${rc}:\n${out}")
endif()
string(FIND "${out}" "differs: ${edited_rel}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "--check did not name ${edited_rel}:\n${out}")
endif()
string(REGEX MATCHALL "differs: [^\n]*" reported "${out}")
list(LENGTH reported n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "--check reported ${n} files, expected only ${edited_rel}:\n${out}")
endif()
message(STATUS "--check exit 1 and named the edited file: ${edited_rel}")
file(REMOVE_RECURSE ${WORK_DIR})
