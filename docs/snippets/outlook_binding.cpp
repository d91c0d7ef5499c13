// SPDX-License-Identifier: BSL-1.0
// README's separate-compilation file, and a real one: the fixture runner
// (tests/fixture_runner) is built in that mode from runner.cpp and this file, so every
// cassette also proves the mode links and works (tests/loopback replays the same
// cassettes header-only).
// snippet-begin: binding
// outlook_binding.cpp: the only file that compiles the generated operations and codecs
#include <outlook/mail/src.hpp>
#include <outlook/graph/src.hpp>  // for a program that uses both dialects
// snippet-end: binding
