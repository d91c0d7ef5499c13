# SPDX-License-Identifier: BSL-1.0
# The ctest `server_examples`: every example program runs against a started local mailbox
# server (tests/server/run_examples.sh), in each dialect the examples are built for:
# Outlook v2.0 (examples/<name>) and, when the Graph builds exist, Graph v1.0
# (<name>_graph targets). Included at the end of examples/CMakeLists.txt, once the example
# targets exist. sign_in is not run: it needs Microsoft's sign-in service.
if(NOT OUTLOOK_MAIL_BUILD_TESTS OR NOT TARGET outlook_mail_server)
  return()
endif()

set(outlook_mail_server_examples list_inbox send_with_attachment sync_folder download_attachments set_automatic_replies
    outlook_mail_demo)
set(outlook_mail_server_example_dialects)
foreach(suffix_api IN ITEMS "|/api/v2.0" "_graph|/v1.0")
  string(REPLACE "|" ";" parts "${suffix_api}")
  list(GET parts 0 suffix)
  list(GET parts 1 api)
  set(all_built TRUE)
  foreach(name IN LISTS outlook_mail_server_examples)
    if(NOT TARGET ${name}${suffix})
      set(all_built FALSE)
    endif()
  endforeach()
  if(all_built)
    list(APPEND outlook_mail_server_example_dialects "${api}=$<TARGET_FILE_DIR:list_inbox${suffix}>")
  endif()
endforeach()

if(outlook_mail_server_example_dialects)
  add_test(NAME server_examples
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/server/run_examples.sh $<TARGET_FILE:outlook_mail_server>
                   ${PROJECT_SOURCE_DIR}/server/seeds/two_users.json ${PROJECT_SOURCE_DIR}/examples/demo/agenda.txt
                   ${CMAKE_CURRENT_BINARY_DIR}/server_examples_work ${outlook_mail_server_example_dialects})
  set_tests_properties(server_examples PROPERTIES TIMEOUT 600)
endif()
