// outlook-mail: percent-encoding (RFC 3986) for URL building and request matching.
// SPDX-License-Identifier: BSL-1.0
//
// The runtime builds URLs with the encoders; the cassette matcher compares URLs after
// decoding. Decoding never fails: a '%' that does not start a valid escape is kept as
// it is, because servers do the same and a hostile URL must not crash the client.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace outlook::detail {

/// The value of an ASCII hex digit, or -1.
[[nodiscard]] constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Decodes %XX escapes. `plus_as_space` is for query components, where servers read
/// '+' as a space (so a literal plus travels as %2B). Invalid escapes ("%zz", a '%' near
/// the end) are copied literally.
[[nodiscard]] inline std::string percent_decode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%' && in.size() - i > 2) {  // two more characters follow the '%'
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(static_cast<unsigned char>(hi * 16 + lo)));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && c == '+' ? ' ' : c);
  }
  return out;
}

namespace percent_detail {

[[nodiscard]] constexpr bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

template <class KeepLiterally>
[[nodiscard]] std::string encode(std::string_view in, KeepLiterally keep) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (const char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80 && (is_unreserved(c) || keep(c))) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0x0F]);
    }
  }
  return out;
}

}  // namespace percent_detail

/// Encodes one path segment. Sub-delimiters, ':' and '@' stay readable (ids are base64
/// with '=' and '+'), but '/' must be escaped or an id would become two segments, and
/// '\'' is escaped so an id can never close an OData key literal `('...')`.
[[nodiscard]] inline std::string percent_encode_segment(std::string_view in) {
  return percent_detail::encode(in, [](unsigned char c) {
    switch (c) {
      case '!': case '$': case '&': case '(': case ')': case '*': case '+':
      case ',': case ';': case '=': case ':': case '@':
        return true;
      default:
        return false;
    }
  });
}

/// Encodes a query parameter value. OData expressions keep their punctuation readable
/// (`$select=Subject,From`, `$filter=IsRead eq false` -> `IsRead%20eq%20false`), while
/// '&', '#', '+' and '%' are escaped because the query parser would misread them.
[[nodiscard]] inline std::string percent_encode_query_value(std::string_view in) {
  return percent_detail::encode(in, [](unsigned char c) {
    switch (c) {
      case ',': case '$': case '\'': case '(': case ')': case ':': case '=':
      case '/': case '@': case '!': case '*': case ';':
        return true;
      default:
        return false;
    }
  });
}

}  // namespace outlook::detail
