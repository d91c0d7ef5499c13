// outlook_mail_server: ASCII case folding for names the service compares without case
// (well-known folder names, OData keywords and property names, addresses).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace outlook::server {

/// `s` with A-Z folded to a-z (bytes outside ASCII are left as they are).
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace outlook::server
