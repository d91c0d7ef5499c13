// outlook-mail: where a decoder is inside a JSON document, kept as a chain of stack frames.
// SPDX-License-Identifier: BSL-1.0
//
// Decoding a page of 1,000 messages visits tens of thousands of values; building a string
// path for each would cost more than the decode. A json_path is a pointer to the parent
// frame plus a key or index; the JSON pointer text is only built when something fails.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "outlook/error.hpp"

namespace outlook {

class json_path {
 public:
  /// The document root.
  constexpr json_path() noexcept = default;
  /// A member of the object at `parent`.
  constexpr json_path(const json_path& parent, std::string_view key) noexcept
      : parent_(&parent), key_(key), is_index_(false) {}
  /// An element of the array at `parent`.
  constexpr json_path(const json_path& parent, std::size_t index) noexcept
      : parent_(&parent), index_(index), is_index_(true) {}

  /// RFC 6901 JSON pointer text, e.g. "/value/3/ToRecipients/0/EmailAddress/Address".
  [[nodiscard]] std::string pointer() const {
    std::vector<const json_path*> frames;
    for (const json_path* p = this; p && p->parent_; p = p->parent_) frames.push_back(p);
    std::string out;
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
      out += '/';
      if ((*it)->is_index_) {
        out += std::to_string((*it)->index_);
      } else {
        for (char c : (*it)->key_) {
          if (c == '~') out += "~0";
          else if (c == '/') out += "~1";
          else out += c;
        }
      }
    }
    return out;
  }

  /// Throws decode_error naming this place.
  [[noreturn]] void fail(const std::string& problem) const { throw decode_error(pointer(), problem); }

 private:
  const json_path* parent_ = nullptr;
  std::string_view key_{};
  std::size_t index_ = 0;
  bool is_index_ = false;
};

}  // namespace outlook
