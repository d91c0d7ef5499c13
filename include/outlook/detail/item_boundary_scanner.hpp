// outlook-mail: where an item of a page ends, found over any number of pieces of input.
// SPDX-License-Identifier: BSL-1.0
//
// Why: the item tokenizer (json_item_tokenizer.hpp) needs an item's bytes all at once, but
// a page arrives in pieces and an item can span two of them (or many: a message with a
// large attachment). Retrying the tokenizer as each piece arrives would read a long item
// again and again; this scanner instead remembers the little it needs (the nesting depth,
// whether it is in a string, whether the last byte was a backslash) and reads each byte
// once. It does not check the syntax: for valid JSON its end is the item's end, and for
// invalid JSON Boost's parser, which then reads the same bytes, reports the error.
#pragma once

#include <cstddef>

#include "outlook/detail/json_string_scan.hpp"

namespace outlook::detail {

class item_boundary_scanner {
 public:
  /// Starts afresh, before the first byte (a '{') of an item.
  void reset() noexcept {
    depth_ = 0;
    in_string_ = false;
    after_backslash_ = false;
  }

  /// Reads [p, end): one past the bracket that closes the item, or nullptr when the item
  /// goes on after `end` (the next call continues with the next piece).
  [[nodiscard]] const char* scan(const char* p, const char* end) noexcept {
    while (p != end) {
      if (in_string_) {
        if (after_backslash_) {  // the escaped character, whatever it is (\u's digits are plain)
          after_backslash_ = false;
          ++p;
          continue;
        }
        p = find_quote_or_backslash(p, end);
        if (p == end) return nullptr;
        if (*p == '\\') after_backslash_ = true;
        else in_string_ = false;
        ++p;
        continue;
      }
      switch (*p++) {
        case '"': in_string_ = true; break;
        case '{':
        case '[': ++depth_; break;
        case '}':
        case ']':
          // depth_ is at least 1 here: the scan starts at the item's '{'.
          if (--depth_ == 0) return p;
          break;
        default: break;
      }
    }
    return nullptr;
  }

 private:
  std::size_t depth_ = 0;
  bool in_string_ = false;
  bool after_backslash_ = false;
};

}  // namespace outlook::detail
