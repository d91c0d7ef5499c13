// outlook-mail: building OData query expressions from user text.
//
// A $filter is an expression sent as given, so a value from a user ("O'Brien") must be
// written as an OData string literal: in single quotes, each quote inside doubled. Built
// by hand, one apostrophe breaks the filter, and a crafted value ("x' or IsRead eq true
// or 'y") changes what it selects. quote() is the one way to do it right:
//
//     options.filter = "Subject eq " + outlook::odata::quote(user_text);
//
// The rest of the escaping ('&', '#', '+', '%', spaces) is the URL's, done by the client
// when it builds the request, so quote() does not percent-encode.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "outlook/error.hpp"

namespace outlook::odata {

namespace detail {

/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
[[nodiscard]] constexpr bool valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    unsigned min_second = 0x80, max_second = 0xBF;
    if (c < 0x80) extra = 0;
    else if (c >= 0xC2 && c <= 0xDF) extra = 1;
    else if (c == 0xE0) { extra = 2; min_second = 0xA0; }
    else if (c == 0xED) { extra = 2; max_second = 0x9F; }   // no UTF-16 surrogates
    else if (c >= 0xE1 && c <= 0xEF) extra = 2;
    else if (c == 0xF0) { extra = 3; min_second = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) extra = 3;
    else if (c == 0xF4) { extra = 3; max_second = 0x8F; }  // not past U+10FFFF
    else return false;
    if (text.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      const unsigned lo = k == 1 ? min_second : 0x80, hi = k == 1 ? max_second : 0xBF;
      if (b < lo || b > hi) return false;
    }
    i += extra + 1;
  }
  return true;
}

}  // namespace detail

/// `text` as an OData string literal: `quote("O'Brien")` is `'O''Brien'`. Whatever the
/// text holds, the result is exactly one literal, so it cannot end the literal early and
/// add to the expression. Throws outlook::request_refused when `text` is not valid UTF-8
/// (the service would refuse the request; this says why before anything is sent).
[[nodiscard]] inline std::string quote(std::string_view text) {
  if (!detail::valid_utf8(text)) throw request_refused("outlook::odata::quote: the text is not valid UTF-8");
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  for (const char c : text) {
    if (c == '\'') out += '\'';  // '' is a quote inside a literal
    out += c;
  }
  out += '\'';
  return out;
}

}  // namespace outlook::odata
