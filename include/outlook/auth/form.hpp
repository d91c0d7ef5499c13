// outlook-mail: application/x-www-form-urlencoded bodies, as the OAuth token endpoints take them.
//
// The encoding of HTML forms (WHATWG URL standard): unreserved characters stay, a space
// becomes '+', every other byte becomes %XX (so '+' itself travels as %2B).
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "outlook/detail/percent.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace outlook::auth {

using form_fields = std::vector<std::pair<std::string, std::string>>;

/// Encodes one name or value.
[[nodiscard]] inline std::string form_encode_component(std::string_view in) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (const char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '*';
    if (unreserved) {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 0x0f]);
    }
  }
  return out;
}

/// "name=value&name=value", in the order given.
[[nodiscard]] inline std::string form_encode(const form_fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += form_encode_component(name);
    out.push_back('=');
    out += form_encode_component(value);
  }
  return out;
}

/// The fields of a form body, in order ('+' read as a space; a part without '=' is a
/// name with an empty value; empty parts are skipped). Never fails.
[[nodiscard]] inline form_fields form_decode(std::string_view body) {
  form_fields out;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view part = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (part.empty()) continue;
    const auto eq = part.find('=');
    out.emplace_back(outlook::detail::percent_decode(part.substr(0, eq), true),
                     eq == std::string_view::npos ? std::string{} : outlook::detail::percent_decode(part.substr(eq + 1), true));
  }
  return out;
}

}  // namespace outlook::auth
