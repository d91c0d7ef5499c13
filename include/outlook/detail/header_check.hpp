// outlook-mail: what the session checks before a header reaches any transport (the
// Beast one checks again, but a user's own transport might not): names are RFC 7230
// tokens, values carry no CR, LF or NUL (they would split the header line, or cut it),
// and the user cannot set the headers the runtime owns.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <string_view>

#include "outlook/http.hpp"

namespace outlook::detail {

[[nodiscard]] inline bool header_value_ok(std::string_view value) noexcept {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

[[nodiscard]] inline bool header_name_ok(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (char c : name) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

/// Headers the runtime or the transport sets, which a per-request header may not
/// replace: credentials, framing and connection management, and what the session
/// derives from the call (Accept, Content-Type, Prefer, the request IDs, User-Agent).
[[nodiscard]] inline bool runtime_owned_header(std::string_view name) noexcept {
  for (std::string_view owned : {"Authorization", "Proxy-Authorization", "Host", "Content-Length", "Transfer-Encoding",
                                 "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer", "Expect", "Accept",
                                 "Accept-Encoding", "Content-Type", "Content-Encoding", "Prefer", "User-Agent",
                                 "client-request-id", "return-client-request-id"})
    if (iequals(name, owned)) return true;
  return false;
}

}  // namespace outlook::detail
