// outlook-mail: one item of a page, from its complete bytes to a json_tape, without Boost's parser.
// SPDX-License-Identifier: BSL-1.0
//
// Why: boost::json::basic_parser is resumable, so it keeps a state machine it can suspend
// at any byte; after the first escape in a string (and every HTML body has "\r\n" near its
// start) Boost 1.81 reads the rest of that string one character at a time. The items of a
// page arrive whole far more often than not, so this tokenizer reads a complete item in
// one go: it copies plain runs of a string at once (json_string_scan.hpp) and decodes
// escapes in between.
//
// It must record exactly the events basic_parser would report for the same bytes, so it is
// strict and modest: it accepts only what it is sure Boost accepts in the same way and
// answers "not sure" (false) for everything else -- invalid or unusual UTF-8, a lone
// surrogate, a number with a fraction, an exponent or more than 19 digits, a control
// character, too deep a nesting, anything that is not plain JSON. The caller then feeds the
// same bytes to Boost, which decides, so results and error messages never change.
#pragma once

#include <boost/json/kind.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "outlook/detail/json_string_scan.hpp"
#include "outlook/detail/json_tape.hpp"

namespace outlook::detail {

/// The length of the well-formed UTF-8 sequence at `p` (before `end`), or 0. The same table
/// as Boost.JSON's and Unicode's (no overlong forms, no surrogates, nothing above U+10FFFF).
[[nodiscard]] inline std::size_t utf8_sequence_length(const char* p, const char* end) noexcept {
  const auto at = [p](std::size_t i) { return static_cast<unsigned char>(p[i]); };
  const auto continuation = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  const auto left = static_cast<std::size_t>(end - p);
  const unsigned char c = at(0);
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && continuation(at(1)) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !continuation(at(1)) || !continuation(at(2))) return 0;
    if (c == 0xE0 && at(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && at(1) > 0x9F) return 0;  // a surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !continuation(at(1)) || !continuation(at(2)) || !continuation(at(3))) return 0;
    if (c == 0xF0 && at(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && at(1) > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

/// Records one JSON value (an item of a page) on a json_tape, as collection_handler would
/// from basic_parser's events. Not resumable: the value's bytes must all be there.
class json_item_tokenizer {
 public:
  /// `max_depth`: the most containers the item may nest (the item itself counts as one).
  json_item_tokenizer(json_tape& tape, std::size_t max_depth) noexcept : tape_(tape), max_depth_(max_depth) {}

  /// Records the object that begins at `begin` (a '{') on the tape, which must be empty.
  /// Returns the end of the object (one past its '}', before `end`), or nullptr when not
  /// sure; the tape then holds a partial record the caller must clear.
  [[nodiscard]] const char* object_item(const char* begin, const char* end) {
    p_ = begin;
    end_ = end;
    if (p_ == end_ || *p_ != '{') return nullptr;
    return object(1) ? p_ : nullptr;
  }

 private:
  void skip_whitespace() noexcept {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  /// At '{'. Members are counted as Boost counts them: every key, duplicates included.
  bool object(std::size_t depth) {
    if (depth > max_depth_) return false;
    tape_.begin_container(boost::json::kind::object);
    ++p_;
    skip_whitespace();
    if (p_ == end_) return false;
    std::size_t members = 0;
    if (*p_ != '}') {
      for (;;) {
        if (p_ == end_ || *p_ != '"' || !string(true)) return false;
        ++members;
        skip_whitespace();
        if (p_ == end_ || *p_ != ':') return false;
        ++p_;
        skip_whitespace();
        if (!value(depth)) return false;
        skip_whitespace();
        if (p_ == end_) return false;
        if (*p_ == '}') break;
        if (*p_ != ',') return false;
        ++p_;
        skip_whitespace();
      }
    }
    ++p_;  // the '}'
    tape_.end_container(members);
    return true;
  }

  /// At '['.
  bool array(std::size_t depth) {
    if (depth > max_depth_) return false;
    tape_.begin_container(boost::json::kind::array);
    ++p_;
    skip_whitespace();
    if (p_ == end_) return false;
    std::size_t elements = 0;
    if (*p_ != ']') {
      for (;;) {
        if (!value(depth)) return false;
        ++elements;
        skip_whitespace();
        if (p_ == end_) return false;
        if (*p_ == ']') break;
        if (*p_ != ',') return false;
        ++p_;
        skip_whitespace();
      }
    }
    ++p_;  // the ']'
    tape_.end_container(elements);
    return true;
  }

  /// A value inside a container at `depth`.
  bool value(std::size_t depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': return string(false);
      case 't':
        if (!literal("true", 4)) return false;
        tape_.boolean(true);
        return true;
      case 'f':
        if (!literal("false", 5)) return false;
        tape_.boolean(false);
        return true;
      case 'n':
        if (!literal("null", 4)) return false;
        tape_.null();
        return true;
      default: return number();
    }
  }

  bool literal(const char* word, std::size_t size) noexcept {
    if (static_cast<std::size_t>(end_ - p_) < size || std::memcmp(p_, word, size) != 0) return false;
    p_ += size;
    return true;
  }

  /// Only integers Boost reports as int64 or uint64: an optional '-', no leading zero, at
  /// most 19 digits (so no overflow), and no fraction or exponent. Boost converts doubles
  /// with its own algorithm; anything else is left to it.
  bool number() {
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_) return false;
    std::uint64_t mantissa = 0;
    if (*p_ == '0') {
      ++p_;
    } else {
      const char* first = p_;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') mantissa = 10 * mantissa + static_cast<unsigned>(*p_++ - '0');
      if (p_ == first || p_ - first > 19) return false;
    }
    // What follows must end the number: not a digit (a leading zero), '.', 'e' or 'E'.
    if (p_ == end_ || (*p_ >= '0' && *p_ <= '9') || *p_ == '.' || *p_ == 'e' || *p_ == 'E') return false;
    constexpr std::uint64_t int64_max = 9223372036854775807ULL;
    if (negative) {
      if (mantissa > int64_max + 1) return false;  // Boost makes it a double
      tape_.int64(static_cast<std::int64_t>(~mantissa + 1));
    } else if (mantissa <= int64_max) {
      tape_.int64(static_cast<std::int64_t>(mantissa));
    } else {
      tape_.uint64(mantissa);
    }
    return true;
  }

  static int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  /// The four hex digits at `p` (which has at least 4 bytes before end_), or -1.
  static long hex4(const char* p) noexcept {
    const int a = hex_digit(p[0]), b = hex_digit(p[1]), c = hex_digit(p[2]), d = hex_digit(p[3]);
    if ((a | b | c | d) < 0) return -1;
    return (long{a} << 12) | (long{b} << 8) | (long{c} << 4) | long{d};
  }
  static std::size_t put_utf8(char* out, unsigned long cp) noexcept {
    if (cp < 0x80) {
      out[0] = static_cast<char>(cp);
      return 1;
    }
    if (cp < 0x800) {
      out[0] = static_cast<char>(0xC0 | (cp >> 6));
      out[1] = static_cast<char>(0x80 | (cp & 0x3F));
      return 2;
    }
    if (cp < 0x10000) {
      out[0] = static_cast<char>(0xE0 | (cp >> 12));
      out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out[2] = static_cast<char>(0x80 | (cp & 0x3F));
      return 3;
    }
    out[0] = static_cast<char>(0xF0 | (cp >> 18));
    out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[3] = static_cast<char>(0x80 | (cp & 0x3F));
    return 4;
  }

  /// Decodes the escapes from p_ (a '\\') while one follows another, into one append: the
  /// "\r\n" of a body is one call, not two. False for anything Boost would refuse or for a
  /// lone surrogate.
  bool escapes() {
    char out[64];
    std::size_t used = 0;
    while (p_ != end_ && *p_ == '\\' && used <= sizeof out - 4) {
      if (end_ - p_ < 2) return false;
      char c = 0;
      switch (p_[1]) {
        case '"': c = '"'; break;
        case '\\': c = '\\'; break;
        case '/': c = '/'; break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u': {
          if (end_ - p_ < 6) return false;
          const long u1 = hex4(p_ + 2);
          if (u1 < 0 || (u1 >= 0xDC00 && u1 <= 0xDFFF)) return false;
          if (u1 < 0xD800 || u1 > 0xDBFF) {
            used += put_utf8(out + used, static_cast<unsigned long>(u1));
            p_ += 6;
            continue;
          }
          // A leading surrogate: only a trailing one escaped right after it makes a pair.
          if (end_ - p_ < 12 || p_[6] != '\\' || p_[7] != 'u') return false;
          const long u2 = hex4(p_ + 8);
          if (u2 < 0xDC00 || u2 > 0xDFFF) return false;
          const auto cp = 0x10000UL + (static_cast<unsigned long>(u1 - 0xD800) << 10) + static_cast<unsigned long>(u2 - 0xDC00);
          used += put_utf8(out + used, cp);
          p_ += 12;
          continue;
        }
        default: return false;
      }
      out[used++] = c;
      p_ += 2;
    }
    tape_.chars(std::string_view(out, used));
    return true;
  }

  /// At '"': a string, or a key when `is_key`.
  bool string(bool is_key) {
    ++p_;
    const char* run = p_;  // the plain characters not yet on the tape
    for (;;) {
      p_ = find_string_special(p_, end_);
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c == '\\') {
        tape_.chars(std::string_view(run, static_cast<std::size_t>(p_ - run)));
        if (!escapes()) return false;
        run = p_;
        continue;
      }
      if (c < 0x20) return false;  // Boost refuses a raw control character
      const std::size_t n = utf8_sequence_length(p_, end_);
      if (n == 0) return false;
      p_ += n;
    }
    const std::string_view last(run, static_cast<std::size_t>(p_ - run));
    if (is_key) tape_.key(last);
    else tape_.string(last);
    ++p_;  // the closing '"'
    return true;
  }

  json_tape& tape_;
  std::size_t max_depth_;
  const char* p_ = nullptr;
  const char* end_ = nullptr;
};

}  // namespace outlook::detail
