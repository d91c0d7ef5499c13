// outlook-mail: how the generated code is compiled (header-only, or separately).
// SPDX-License-Identifier: BSL-1.0
//
// Header-only is the default: every translation unit that includes a binding compiles the
// codecs of the types it uses and the operations it calls. A program with many such files
// can compile them once instead, as Asio and Boost.JSON allow:
//
//  - define OUTLOOK_MAIL_SEPARATE_COMPILATION for EVERY translation unit of the program
//    (CMake: link the target outlook::mail_separate, or add the definition yourself);
//  - include <outlook/mail/src.hpp> (and/or <outlook/graph/src.hpp>) in exactly ONE .cpp
//    file, before any other header of this library.
//
// The other files then see the types, the patch classes and the operations' signatures,
// but neither the codec bodies nor the operation bodies, nor the runtime's coroutines
// (session, fetch_*, the pagers' next(), the connection limiter) and streaming parsers:
// they compile much faster. Nor do they see the codec templates (decode_text,
// to_json_text, json_codec, ...): a file that decodes or encodes JSON by itself includes
// <outlook/codec.hpp> (in header-only mode every binding header brings it). (The pagers the operations return are explicitly
// instantiated in the src.hpp file; a pager of any other type needs header-only mode.) The runtime's definitions come with either src.hpp, so when a program uses both
// dialects, both src.hpp go in the SAME file (in two files they are defined twice and the
// link fails). Mixing the two modes in one program breaks the one-definition rule: choose
// one per program.
#pragma once

#if defined(OUTLOOK_MAIL_SEPARATE_COMPILATION)
/// Functions compiled once (generated codecs, the runtime's coroutines) are ordinary
/// functions, defined in the src.hpp translation unit.
#define OUTLOOK_MAIL_DECL
#else
#define OUTLOOK_MAIL_DECL inline
#endif

#if !defined(OUTLOOK_MAIL_SEPARATE_COMPILATION) || defined(OUTLOOK_MAIL_SOURCE)
/// 1 where this translation unit compiles the definitions (header-only: all of them;
/// separate compilation: only the src.hpp translation unit).
#define OUTLOOK_MAIL_DEFINITIONS 1
#else
#define OUTLOOK_MAIL_DEFINITIONS 0
#endif
