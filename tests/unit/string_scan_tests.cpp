// The scan for the end of a plain run inside a JSON string (outlook/detail/json_string_scan.hpp),
// both ways it is done: 16 bytes at a time with SSE2 (this machine's path) and 8 bytes at a
// time in a 64-bit word (the path of a machine without SSE2). Both must find exactly the
// first byte a byte-by-byte loop finds, wherever it sits in the word and whatever follows it.
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

#include "outlook/detail/json_string_scan.hpp"

namespace {

using outlook::detail::find_quote_or_backslash;
using outlook::detail::find_string_special;
using outlook::detail::find_string_special_swar;
using outlook::detail::is_string_special;

std::size_t reference(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (is_string_special(static_cast<unsigned char>(s[i]))) return i;
  return s.size();
}

/// Checks both scans on `s`; with `unaligned`, also from every start inside its first 8 bytes.
void check(const std::string& s, bool unaligned = false) {
  for (std::size_t from = 0; from <= s.size() && from < (unaligned ? 8U : 1U); ++from) {
    const std::string tail = s.substr(from);
    const char* b = tail.data();
    const char* e = b + tail.size();
    const std::size_t want = reference(tail);
    const auto swar = static_cast<std::size_t>(find_string_special_swar(b, e) - b);
    const auto simd = static_cast<std::size_t>(find_string_special(b, e) - b);
    if (swar != want || simd != want) {
      std::string hex;
      for (const char c : tail) hex += std::to_string(static_cast<unsigned char>(c)) + ' ';
      FAIL_CHECK("input bytes " << hex << ": expected " << want << ", SWAR " << swar << ", find_string_special " << simd);
      return;
    }
  }
}

}  // namespace

TEST_CASE("the string scan: the special bytes are '\"', '\\\\', below 0x20 and 0x80 and above") {
  int specials = 0;
  for (int c = 0; c < 256; ++c) specials += is_string_special(static_cast<unsigned char>(c)) ? 1 : 0;
  CHECK(specials == 2 + 0x20 + 0x80);
  CHECK(is_string_special('"'));
  CHECK(is_string_special('\\'));
  CHECK(is_string_special(0x1F));
  CHECK(is_string_special(0x80));
  CHECK_FALSE(is_string_special(0x20));
  CHECK_FALSE(is_string_special(0x7F));
  CHECK_FALSE(is_string_special('/'));
}

TEST_CASE("the string scan finds every byte value at every place of a word, both ways") {
  // Plain neighbours chosen next to the special values, where a borrow or carry between
  // the bytes of a word would show: 0x21 and 0x23 beside '"', 0x5B and 0x5D beside '\\',
  // 0x20 just above the control characters, 0x7F just below the non-ASCII bytes.
  for (const char plain : {'a', '\x21', '\x23', '\x5B', '\x5D', '\x20', '\x7F'}) {
    for (std::size_t size = 0; size <= 40; ++size) {
      check(std::string(size, plain));
      for (std::size_t at = 0; at < size; ++at) {
        for (int c = 0; c < 256; ++c) {
          std::string s(size, plain);
          s[at] = static_cast<char>(c);
          check(s);
        }
      }
    }
  }
}

TEST_CASE("the string scan returns the first of two special bytes in one word, both ways") {
  // A borrow from a hit may flag a byte above it, never one below: the lowest flag is the
  // answer. Every pair of byte values at every pair of places in the first word.
  for (std::size_t first = 0; first < 8; ++first) {
    for (std::size_t second = first + 1; second < 9; ++second) {
      for (int a = 0; a < 256; ++a) {
        for (int b = 0; b < 256; b += (a % 3 == 0 ? 1 : 17)) {
          std::string s(20, 'a');
          s[first] = static_cast<char>(a);
          s[second] = static_cast<char>(b);
          const char* p = s.data();
          const auto want = reference(s);
          REQUIRE(static_cast<std::size_t>(find_string_special_swar(p, p + s.size()) - p) == want);
          REQUIRE(static_cast<std::size_t>(find_string_special(p, p + s.size()) - p) == want);
        }
      }
    }
  }
}

TEST_CASE("the string scan agrees with a byte loop on random text, both ways") {
  std::mt19937 random(20261201);
  // Mostly plain ASCII as in message bodies, with a few special bytes of every kind.
  std::uniform_int_distribution<int> kind(0, 99), plain(0x20, 0x7F), any(0, 255), size(0, 200);
  for (int round = 0; round < 20000; ++round) {
    std::string s(static_cast<std::size_t>(size(random)), ' ');
    for (char& c : s) {
      const int k = kind(random);
      c = static_cast<char>(k < 97 ? plain(random) : any(random));
    }
    check(s, true);
  }
}

TEST_CASE("find_quote_or_backslash stops at '\"' and '\\\\' only") {
  for (std::size_t size = 1; size <= 40; ++size) {
    for (std::size_t at = 0; at < size; ++at) {
      for (int c = 0; c < 256; ++c) {
        std::string s(size, '\x01');
        s[at] = static_cast<char>(c);
        const char* p = s.data();
        const std::size_t want = (c == '"' || c == '\\') ? at : size;
        REQUIRE(static_cast<std::size_t>(find_quote_or_backslash(p, p + size) - p) == want);
      }
    }
  }
}
