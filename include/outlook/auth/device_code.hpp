// outlook-mail: signing a user in with the device code flow (RFC 8628), for programs
// SPDX-License-Identifier: BSL-1.0
// without a browser of their own: command-line tools, services on a remote machine.
//
// The provider asks the devicecode endpoint for a code, shows the user where to enter it
// (through `prompt`; by default the endpoint's message goes to std::cerr), then polls the
// token endpoint every `interval` seconds until the user has signed in:
//   authorization_pending   the user has not finished yet: poll again;
//   slow_down               poll again, 5 seconds further apart from now on;
//   authorization_declined, bad_verification_code, expired_token, anything else:
//                           auth_error with that code;
// and when the code's lifetime (expires_in) runs out first: auth_error "expired_token".
//
// With the offline_access scope the sign-in also yields a refresh token. The provider
// then renews access tokens with it, silently, and prompts again only when the refresh
// token is refused (invalid_grant, interaction_required). A refresh token persisted from
// an earlier run can be passed in `refresh_token` to skip the prompt altogether.
//
#pragma once

#include "outlook/auth/grants.hpp"
#include "outlook/auth/refresh_token.hpp"
#include "outlook/auth/shared_refresh.hpp"

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace outlook::auth {

/// What the user must be told to sign in.
struct device_code_prompt {
  std::string verification_uri{};  // "https://microsoft.com/devicelogin"
  std::string user_code{};         // "FJ8Q2KXLM"
  /// The endpoint's own sentence with both of the above, in the user's language.
  std::string message{};
  std::chrono::seconds expires_in{0};
};

struct device_code_options {
  /// "common" signs in work/school and personal accounts; "organizations", "consumers"
  /// or a tenant id narrow that (the app registration must allow it).
  auth::authority authority{};
  std::string client_id{};
  /// ".default" asks for the delegated permissions configured on the app registration;
  /// offline_access adds a refresh token.
  std::vector<std::string> scopes{"https://graph.microsoft.com/.default", "offline_access"};
  /// A refresh token from an earlier sign-in: tried first, so no prompt while it works.
  std::string refresh_token{};
  /// Shows the code to the user; empty: writes prompt.message to std::cerr.
  std::function<void(const device_code_prompt&)> prompt{};
  /// Called with every new refresh token (to persist it).
  std::function<void(const std::string&)> on_refresh_token{};
  std::chrono::seconds expiry_skew{std::chrono::minutes(5)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  auth_clock clock{};
};

class device_code_provider : public detail::provider_handle {
 public:
  /// Throws outlook::request_refused when client_id or the scopes are missing. Nothing
  /// is sent before the first token is asked for.
  device_code_provider(transport_ptr transport, device_code_options options)
      : provider_handle(std::make_shared<state>(std::move(transport), std::move(options))) {}

  /// The newest refresh token (empty before a sign-in with offline_access).
  [[nodiscard]] std::string current_refresh_token() const { return state_as<state>().refresh.get(); }

 private:
  struct state final : detail::shared_refresh {
    state(transport_ptr t, device_code_options o)
        : shared_refresh(o.clock, o.expiry_skew),
          endpoint{std::move(t), std::move(o.authority), std::move(o.client_id), o.request_timeout},
          scope(detail::join_scopes(o.scopes)),
          prompt(std::move(o.prompt)),
          refresh(std::move(o.refresh_token), std::move(o.on_refresh_token)) {
      if (!endpoint.transport) throw request_refused("outlook::auth::device_code_provider needs a transport");
      if (endpoint.client_id.empty()) throw request_refused("outlook::auth::device_code_provider needs a client_id");
      if (scope.empty()) throw request_refused("outlook::auth::device_code_provider needs a scope");
      (void)endpoint.where.device_code_url();
    }

    boost::asio::awaitable<access_token> fetch() override {
      if (const std::string rt = refresh.get(); !rt.empty()) {
        const std::string no_secret;  // a public client
        bool refused = false;
        try {
          auto grant = co_await detail::redeem_refresh_token(endpoint, clock(), rt, scope, no_secret);
          refresh.keep(grant.refresh_token);
          co_return std::move(grant.access);
        } catch (const auth_error& e) {
          // The refresh token is dead (revoked, expired, consent withdrawn): sign in again.
          if (e.code() != "invalid_grant" && e.code() != "interaction_required") throw;
          refused = true;
        }
        if (refused) refresh.forget();
      }
      co_return co_await sign_in();
    }

    boost::asio::awaitable<access_token> sign_in() {
      const std::string code_url = endpoint.where.device_code_url();
      const std::string token_url = endpoint.where.token_url();
      const auto started = clock().current();
      const form_fields code_form{{"client_id", endpoint.client_id}, {"scope", scope}};
      const http_response r = co_await detail::post_form(*endpoint.transport, code_url, code_form, endpoint.request_timeout);
      if (r.status != 200) throw detail::error_from_answer(r, code_url, {});

      auto o = detail::json_object(r.body);
      const std::string device_code = o ? detail::string_member(*o, "device_code") : std::string{};
      device_code_prompt p;
      if (o) {
        p.user_code = detail::string_member(*o, "user_code");
        p.verification_uri = detail::string_member(*o, "verification_uri");
        if (p.verification_uri.empty()) p.verification_uri = detail::string_member(*o, "verification_url");
        p.message = detail::string_member(*o, "message");
      }
      if (device_code.empty() || p.user_code.empty() || p.verification_uri.empty())
        throw auth_error({.code = {},
                          .description = "the devicecode endpoint answered 200 without a device_code, user_code and verification_uri",
                          .status = r.status,
                          .endpoint = code_url});
      p.expires_in = std::chrono::seconds(detail::seconds_member(*o, "expires_in").value_or(900));
      if (p.message.empty())
        p.message = "To sign in, open " + p.verification_uri + " and enter the code " + p.user_code + ".";
      // At least a second between polls, whatever the answer says (0 would hammer the endpoint).
      std::chrono::seconds interval(std::max<std::int64_t>(1, detail::seconds_member(*o, "interval").value_or(5)));
      const auto expires_at = started + p.expires_in;

      if (prompt)
        prompt(p);
      else
        std::cerr << p.message << std::endl;

      const form_fields poll_form{{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                                  {"client_id", endpoint.client_id},
                                  {"device_code", device_code}};
      for (;;) {
        co_await clock().wait(interval);
        if (clock().current() >= expires_at)
          throw auth_error({.code = "expired_token",
                            .description = "the device code expired before the user signed in",
                            .status = 0,
                            .endpoint = token_url});
        const auto sent_at = clock().current();
        const http_response a = co_await detail::post_form(*endpoint.transport, token_url, poll_form, endpoint.request_timeout);
        if (a.status == 200) {
          auto grant = detail::read_token_answer(a, token_url, sent_at);
          refresh.keep(grant.refresh_token);
          co_return std::move(grant.access);
        }
        auto error = detail::error_from_answer(a, token_url, {device_code});
        if (error.code() == "authorization_pending") continue;
        if (error.code() == "slow_down") {
          interval += std::chrono::seconds(5);
          continue;
        }
        throw error;
      }
    }

    detail::endpoint_settings endpoint;
    std::string scope;
    std::function<void(const device_code_prompt&)> prompt;
    detail::refresh_token_slot refresh;
  };
};

}  // namespace outlook::auth
