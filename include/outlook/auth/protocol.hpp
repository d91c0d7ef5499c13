// outlook-mail: one exchange with the token endpoint (OAuth 2.0 as the Microsoft identity
// platform speaks it): a form POST, and the reading of its answer into a token or an
// auth_error.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "outlook/auth/auth_error.hpp"
#include "outlook/auth/form.hpp"
#include "outlook/auth/redact.hpp"
#include "outlook/http.hpp"
#include "outlook/transport.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace outlook::auth {

/// An access token and what the endpoint said about it.
struct access_token {
  std::string value{};
  std::string token_type{};// "Bearer"
  std::string scope{};     // the scopes granted, space-separated
  /// When the token expires (by the provider's clock: the time the request was sent plus
  /// expires_in, so a slow answer errs on the early side).
  std::chrono::steady_clock::time_point expires_at{};
  std::chrono::seconds expires_in{0};
};

/// A successful answer of the token endpoint.
struct token_grant {
  access_token access;
  /// Present when the scopes held offline_access (public clients) or the grant was a refresh.
  std::optional<std::string> refresh_token;
};

namespace detail {

/// POSTs a form to `url` and returns the answer, whatever its status.
[[nodiscard]] inline boost::asio::awaitable<http_response> post_form(transport& t, const std::string& url, const form_fields& fields,
                                                                     std::chrono::milliseconds timeout) {
  http_request req;
  req.method = "POST";
  req.url = url;
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  req.headers.set("Accept", "application/json");
  req.body = form_encode(fields);
  if (timeout.count() > 0) req.deadline = std::chrono::steady_clock::now() + timeout;
  co_return co_await t.send(std::move(req));
}

[[nodiscard]] inline const boost::json::value* member(const boost::json::object& o, std::string_view key) {
  return o.if_contains(key);
}

[[nodiscard]] inline std::string string_member(const boost::json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string{};
}

/// A non-negative whole number of seconds, sent as a number or (by older endpoints) a string.
[[nodiscard]] inline std::optional<std::int64_t> seconds_member(const boost::json::object& o, std::string_view key) {
  const auto* v = member(o, key);
  if (!v) return std::nullopt;
  if (v->is_int64() && v->get_int64() >= 0) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= 100000000ULL) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double() && v->get_double() >= 0 && v->get_double() <= 1e8) return static_cast<std::int64_t>(v->get_double());
  if (v->is_string()) {
    const auto s = v->get_string();
    if (s.empty() || s.size() > 9) return std::nullopt;
    std::int64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  }
  return std::nullopt;
}

/// Parses an answer body as a JSON object; nullopt when it is not one.
[[nodiscard]] inline std::optional<boost::json::object> json_object(std::string_view body) {
  boost::system::error_code ec;
  boost::json::parse_options po;
  po.max_depth = 32;
  auto v = boost::json::parse(body, ec, {}, po);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

/// The auth_error for an answer that is not a success. `secrets` are removed from
/// everything kept.
[[nodiscard]] inline auth_error error_from_answer(const http_response& r, std::string_view url,
                                                  std::initializer_list<std::string_view> secrets) {
  auth_error::details d;
  d.status = r.status;
  d.endpoint = std::string(url);
  if (auto o = json_object(r.body)) {
    d.code = redact_text(string_member(*o, "error"), secrets, 100);
    d.description = redact_text(string_member(*o, "error_description"), secrets);
    d.trace_id = redact_text(string_member(*o, "trace_id"), secrets, 100);
    d.correlation_id = redact_text(string_member(*o, "correlation_id"), secrets, 100);
    if (const auto* codes = member(*o, "error_codes"); codes && codes->is_array())
      for (const auto& c : codes->get_array())
        if (c.is_int64()) d.error_codes.push_back(c.get_int64());
    if (d.code.empty() && d.description.empty()) d.description = "the answer is JSON but holds no OAuth error";
  } else {
    // Not JSON: an HTML page from a proxy or a load balancer. Its text is not shown at
    // all (it could echo the request); its type says enough to tell what answered.
    const auto type = r.headers.get("Content-Type").value_or("no Content-Type");
    d.description = "the token endpoint answered with a body that is not JSON (" +
                    redact_text(type, secrets, 80) + ", " + std::to_string(r.body.size()) + " bytes)";
  }
  return auth_error(std::move(d));
}

/// Reads a 200 answer carrying a token. `sent_at` is when the request left.
[[nodiscard]] inline token_grant read_token_answer(const http_response& r, std::string_view url,
                                                   std::chrono::steady_clock::time_point sent_at) {
  auto malformed = [&](std::string what) {
    auth_error::details d;
    d.status = r.status;
    d.endpoint = std::string(url);
    d.description = std::move(what);
    return auth_error(std::move(d));
  };
  auto o = json_object(r.body);
  if (!o) throw malformed("the token endpoint answered 200 with a body that is not a JSON object");
  token_grant g;
  g.access.value = string_member(*o, "access_token");
  if (g.access.value.empty()) throw malformed("the token endpoint answered 200 without an access_token");
  g.access.token_type = string_member(*o, "token_type");
  g.access.scope = string_member(*o, "scope");
  const auto expires_in = seconds_member(*o, "expires_in");
  if (!expires_in) throw malformed("the token endpoint answered 200 without a valid expires_in");
  g.access.expires_in = std::chrono::seconds(*expires_in);
  g.access.expires_at = sent_at + g.access.expires_in;
  if (auto rt = string_member(*o, "refresh_token"); !rt.empty()) g.refresh_token = std::move(rt);
  return g;
}

}  // namespace detail
}  // namespace outlook::auth
