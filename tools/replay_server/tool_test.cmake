# cmake -P script: the outlook_mail_replay_server executable starts, prints what to source,
# writes the certificate, times out when no client comes, and reports bad input clearly.
# SPDX-License-Identifier: BSL-1.0
foreach(var SERVER CASSETTE WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "tool_test.cmake: ${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(expect what rc_expected out_regex err_regex)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 30)
  if(NOT rc STREQUAL "${rc_expected}" OR NOT out MATCHES "${out_regex}" OR NOT err MATCHES "${err_regex}")
    message(FATAL_ERROR "${what}: exit ${rc} (expected ${rc_expected})\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  message(STATUS "ok: ${what}")
endfunction()

expect("no arguments: usage" 2 "^$" "usage: outlook_mail_replay_server CASSETTE" "${SERVER}")
expect("a missing cassette is named" 1 "^$" "cannot serve .*no-such-file\\.json" "${SERVER}" "${WORK_DIR}/no-such-file.json")
file(WRITE "${WORK_DIR}/broken.json" "{\"interactions\": [ {\"request\": 7} ]}")
expect("a malformed cassette is reported" 1 "^$" "cannot serve .*broken\\.json" "${SERVER}" "${WORK_DIR}/broken.json")
expect("serves, prints the environment, times out unanswered" 1
       "export OUTLOOK_BASE_URL=https://127\\.0\\.0\\.1:[0-9]+/api/v2\\.0\nexport OUTLOOK_CA_FILE=.*ca\\.pem\nexport OUTLOOK_TOKEN=any-token\n# listening https://127\\.0\\.0\\.1:[0-9]+, serving [1-9][0-9]* recorded"
       "timed out before every interaction was answered"
       "${SERVER}" "${CASSETTE}" --ca-out "${WORK_DIR}/ca.pem" --timeout 1)
file(READ "${WORK_DIR}/ca.pem" pem)
if(NOT pem MATCHES "-----BEGIN CERTIFICATE-----")
  message(FATAL_ERROR "--ca-out did not write a PEM certificate")
endif()
