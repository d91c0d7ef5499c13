// outlook-mail: the three grants the providers send to the token endpoint, and the
// settings they share.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "outlook/auth/authority.hpp"
#include "outlook/auth/clock.hpp"
#include "outlook/auth/protocol.hpp"
#include "outlook/transport.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace outlook::auth::detail {

/// Scopes as the endpoints take them: one string, space-separated.
[[nodiscard]] inline std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) {
    if (s.empty()) continue;
    if (!out.empty()) out.push_back(' ');
    out += s;
  }
  return out;
}

/// What every grant needs besides its own fields.
struct endpoint_settings {
  transport_ptr transport;
  authority where;
  std::string client_id;
  std::chrono::milliseconds request_timeout;
};

// The grants are awaited at once by their callers, so their arguments are references: GCC
// 12 destroys the by-value argument of a coroutine called inside co_await twice.

/// The refresh_token grant. `client_secret` is empty for a public client.
[[nodiscard]] inline boost::asio::awaitable<token_grant> redeem_refresh_token(const endpoint_settings& e, const auth_clock& clock,
                                                                              const std::string& refresh_token,
                                                                              const std::string& scope,
                                                                              const std::string& client_secret) {
  const std::string url = e.where.token_url();
  form_fields form{{"grant_type", "refresh_token"}, {"client_id", e.client_id}, {"refresh_token", refresh_token}};
  if (!scope.empty()) form.emplace_back("scope", scope);
  if (!client_secret.empty()) form.emplace_back("client_secret", client_secret);
  const auto sent_at = clock.current();
  const http_response r = co_await post_form(*e.transport, url, form, e.request_timeout);
  if (r.status != 200) throw error_from_answer(r, url, {refresh_token, client_secret});
  co_return read_token_answer(r, url, sent_at);
}

/// The client_credentials grant (app-only, with a secret).
[[nodiscard]] inline boost::asio::awaitable<token_grant> redeem_client_secret(const endpoint_settings& e, const auth_clock& clock,
                                                                              const std::string& client_secret,
                                                                              const std::string& scope) {
  const std::string url = e.where.token_url();
  const form_fields form{{"grant_type", "client_credentials"},
                         {"client_id", e.client_id},
                         {"client_secret", client_secret},
                         {"scope", scope}};
  const auto sent_at = clock.current();
  const http_response r = co_await post_form(*e.transport, url, form, e.request_timeout);
  if (r.status != 200) throw error_from_answer(r, url, {client_secret});
  co_return read_token_answer(r, url, sent_at);
}

}  // namespace outlook::auth::detail
