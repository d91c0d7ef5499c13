// outlook-mail: access tokens from a refresh token (the OAuth refresh_token grant).
//
// A refresh token comes from an interactive sign-in (the device code flow with the
// offline_access scope gives one). The endpoint usually answers a refresh with a NEW
// refresh token and the old one should no longer be relied on: this provider keeps the
// newest, calls on_refresh_token with it, and current_refresh_token() returns it, so a
// program can persist it (somewhere only its user can read) and sign in silently next time.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "outlook/auth/grants.hpp"
#include "outlook/auth/shared_refresh.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace outlook::auth {

struct refresh_token_options {
  auth::authority authority{};
  std::string client_id{};
  /// Empty for a public client (a desktop or command-line app); a web app's secret otherwise.
  std::string client_secret{};
  std::string refresh_token{};
  std::vector<std::string> scopes{"https://graph.microsoft.com/.default", "offline_access"};
  /// Called with every new refresh token the endpoint hands out (on the thread of the
  /// fetch; never concurrently with itself for one provider).
  std::function<void(const std::string&)> on_refresh_token{};
  std::chrono::seconds expiry_skew{std::chrono::minutes(5)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  auth_clock clock{};
};

namespace detail {

/// The refresh token a provider holds, readable from any thread while a fetch replaces it.
class refresh_token_slot {
 public:
  refresh_token_slot(std::string initial, std::function<void(const std::string&)> on_change)
      : token_(std::move(initial)), on_change_(std::move(on_change)) {}

  [[nodiscard]] std::string get() const {
    std::lock_guard lock(mutex_);
    return token_;
  }
  /// Keeps a rotated token (an answer without one leaves the current one in place).
  void keep(const std::optional<std::string>& fresh) {
    if (!fresh || fresh->empty()) return;
    {
      std::lock_guard lock(mutex_);
      if (token_ == *fresh) return;
      token_ = *fresh;
    }
    if (on_change_) on_change_(*fresh);
  }
  void forget() {
    std::lock_guard lock(mutex_);
    token_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::string token_;
  std::function<void(const std::string&)> on_change_;
};

}  // namespace detail

class refresh_token_provider : public detail::provider_handle {
 public:
  /// Throws outlook::request_refused when client_id or refresh_token is missing.
  refresh_token_provider(transport_ptr transport, refresh_token_options options)
      : provider_handle(std::make_shared<state>(std::move(transport), std::move(options))) {}

  /// The newest refresh token (the one to persist).
  [[nodiscard]] std::string current_refresh_token() const { return state_as<state>().refresh.get(); }

 private:
  struct state final : detail::shared_refresh {
    state(transport_ptr t, refresh_token_options o)
        : shared_refresh(o.clock, o.expiry_skew),
          endpoint{std::move(t), std::move(o.authority), std::move(o.client_id), o.request_timeout},
          secret(std::move(o.client_secret)),
          scope(detail::join_scopes(o.scopes)),
          refresh(std::move(o.refresh_token), std::move(o.on_refresh_token)) {
      if (!endpoint.transport) throw request_refused("outlook::auth::refresh_token_provider needs a transport");
      if (endpoint.client_id.empty()) throw request_refused("outlook::auth::refresh_token_provider needs a client_id");
      if (refresh.get().empty()) throw request_refused("outlook::auth::refresh_token_provider needs a refresh_token");
      (void)endpoint.where.token_url();
    }
    boost::asio::awaitable<access_token> fetch() override {
      const std::string current = refresh.get();
      auto grant = co_await detail::redeem_refresh_token(endpoint, clock(), current, scope, secret);
      refresh.keep(grant.refresh_token);
      co_return std::move(grant.access);
    }
    detail::endpoint_settings endpoint;
    std::string secret;
    std::string scope;
    detail::refresh_token_slot refresh;
  };
};

}  // namespace outlook::auth
