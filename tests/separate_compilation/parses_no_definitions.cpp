// A user file of a separately compiled program includes both umbrellas; what only the
// definitions need (in the src.hpp file) must stay out of it, or every such file parses it
// again. Each check is a header's include guard: this file does not compile when one of
// those headers came in.
// SPDX-License-Identifier: BSL-1.0
#include <outlook/graph.hpp>
#include <outlook/mail.hpp>

#if OUTLOOK_MAIL_DEFINITIONS
#error "separate compilation is off in this file: it tests nothing"
#endif
// The streaming parsers of the codecs (outlook/codec.hpp).
#if defined(BOOST_JSON_BASIC_PARSER_IMPL_HPP) || defined(BOOST_JSON_VALUE_STACK_HPP)
#error "a declaration header brings in Boost.JSON's parser implementation: the codecs are parsed in every user file"
#endif
// The retry waits of the runtime's coroutines (outlook/upload.hpp, outlook/batch.hpp, ...).
#if defined(BOOST_ASIO_STEADY_TIMER_HPP)
#error "a declaration header brings in asio::steady_timer: a runtime coroutine is parsed in every user file"
#endif

int outlook_mail_parses_no_definitions = 0;
