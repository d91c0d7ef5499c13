# SPDX-License-Identifier: BSL-1.0
# cmake -DNM=nm -DOBJECT=file.o -DDIALECT=mail|graph -P check_symbols.cmake
# Fails when the object defines one of the functions only the src.hpp file may compile,
# or does not call the operations it should (then the check would prove nothing).
cmake_minimum_required(VERSION 3.20)
execute_process(COMMAND "${NM}" -C "${OBJECT}" OUTPUT_VARIABLE symbols RESULT_VARIABLE status)
if(NOT DIALECT MATCHES "^(mail|graph)$")
  message(FATAL_ERROR "DIALECT must be mail or graph")
endif()
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${NM} failed on ${OBJECT}")
endif()
# Square brackets ([abi:cxx11], [clone .actor]) would group list elements in CMake.
string(REPLACE "[" "(" symbols "${symbols}")
string(REPLACE "]" ")" symbols "${symbols}")
string(REPLACE ";" "," symbols "${symbols}")
string(REPLACE "\n" ";" lines "${symbols}")

# Defined (T, W, t: text, weak, local) here, these would be compiled by every user file.
set(compiled_once
    "outlook::session::run("
    "outlook::session::execute("
    "outlook::session::make_request("
    "outlook::fetch_none("
    "outlook::fetch_bytes("
    "outlook::transport::send_streamed("
    "outlook::detail::mailbox_limiter::acquire("
    "outlook::detail::collection_parser::write_some("
    "outlook::detail::content_member_stream::begin("
    "outlook::upload_through_session("
    "boost::json::basic_parser<"
    "outlook::${DIALECT}::messages_operations<outlook::${DIALECT}::mailbox>::get_message(")
# Called, and so undefined here (U): the proof that the file uses what it must not define.
set(called
    "outlook::${DIALECT}::messages_operations<outlook::${DIALECT}::mailbox>::get_message("
    "outlook::${DIALECT}::messages_operations<outlook::${DIALECT}::mailbox>::list_messages(")

set(failures "")
foreach(line IN LISTS lines)
  if(line MATCHES "^[0-9a-f]* *[TWt] (.*)$")
    set(name "${CMAKE_MATCH_1}")
    foreach(pattern IN LISTS compiled_once)
      string(FIND "${name}" "${pattern}" at)
      if(at EQUAL 0)
        string(APPEND failures "  defined here: ${name}\n")
      endif()
    endforeach()
  endif()
endforeach()
foreach(pattern IN LISTS called)
  set(found FALSE)
  foreach(line IN LISTS lines)
    if(line MATCHES "^ *U (.*)$")
      string(FIND "${CMAKE_MATCH_1}" "${pattern}" at)
      if(at EQUAL 0)
        set(found TRUE)
      endif()
    endif()
  endforeach()
  if(NOT found)
    string(APPEND failures "  not called (no undefined reference): ${pattern}\n")
  endif()
endforeach()
if(failures)
  message(FATAL_ERROR "separate compilation: ${OBJECT}\n${failures}")
endif()
list(LENGTH lines count)
message(STATUS "separate compilation: ${count} symbols, none of the src.hpp file's definitions")
