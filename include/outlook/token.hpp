// outlook-mail: where the access token of each request comes from.
// SPDX-License-Identifier: BSL-1.0
//
// A token_provider is called before every request attempt. It gets a token_request
// saying whether the service has just refused the previous token (HTTP 401): a provider
// that caches tokens must then fetch a new one instead of answering from its cache.
// The providers of the Microsoft identity platform live in outlook/auth/.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <concepts>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "outlook/config.hpp"

namespace outlook {

/// What the session asks of a token provider for one request attempt.
struct token_request {
  /// The service answered 401 to the last token this provider gave: do not answer from a
  /// cache, get a fresh token.
  bool force_refresh = false;
};

/// Produces the OAuth access token for each request. Built from any callable returning
/// `asio::awaitable<std::string>` that takes a token_request, or takes nothing (such a
/// provider is simply called again when a fresh token is wanted).
class token_provider {
 public:
  using function = std::function<boost::asio::awaitable<std::string>(token_request)>;

  token_provider() = default;

  template <class F>
    requires(!std::same_as<std::remove_cvref_t<F>, token_provider> &&
             std::is_invocable_r_v<boost::asio::awaitable<std::string>, F&, token_request>)
  token_provider(F f) : f_(std::move(f)) {}  // NOLINT(google-explicit-constructor): a callable is a provider

  template <class F>
    requires(!std::same_as<std::remove_cvref_t<F>, token_provider> &&
             !std::is_invocable_v<F&, token_request> && std::is_invocable_r_v<boost::asio::awaitable<std::string>, F&>)
  token_provider(F f)  // NOLINT(google-explicit-constructor)
      : f_([g = std::move(f)](token_request) mutable { return g(); }) {}

  /// The token for one request attempt.
  [[nodiscard]] boost::asio::awaitable<std::string> operator()(token_request request = {}) const { return f_(request); }

  [[nodiscard]] explicit operator bool() const noexcept { return static_cast<bool>(f_); }

 private:
  function f_;
};

/// A provider that always answers `token` (a token obtained elsewhere, a test token).
[[nodiscard]] OUTLOOK_MAIL_DECL token_provider fixed_token(std::string token);

#if OUTLOOK_MAIL_DEFINITIONS  // separate compilation: in the src.hpp translation unit only
OUTLOOK_MAIL_DECL token_provider fixed_token(std::string token) {
  return [t = std::move(token)](token_request) -> boost::asio::awaitable<std::string> { co_return t; };
}
#endif

}  // namespace outlook
