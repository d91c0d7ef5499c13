// outlook-mail: app-only tokens with a client secret (the OAuth client_credentials grant).
//
//     outlook::auth::client_credentials_provider app(transport, {
//         .authority = {.tenant = "contoso.onmicrosoft.com"},   // one tenant, not "common"
//         .client_id = "...", .client_secret = secret_from_a_vault});
//     outlook::graph::client client(transport, app, {});
//     auto alex = client.user("alex@contoso.com");          // app-only: no /me
//
// The app needs Microsoft Graph *application* permissions (Mail.ReadWrite, ...) with
// admin consent. There is no refresh token: a new token is simply requested again.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "outlook/auth/grants.hpp"
#include "outlook/auth/shared_refresh.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace outlook::auth {

struct client_credentials_options {
  /// The tenant must be one tenant (its id or a verified domain).
  auth::authority authority{.tenant = ""};
  std::string client_id{};
  std::string client_secret{};
  /// App-only tokens take "<resource>/.default": every application permission granted.
  std::vector<std::string> scopes{"https://graph.microsoft.com/.default"};
  /// A cached token is renewed this long before it expires.
  std::chrono::seconds expiry_skew{std::chrono::minutes(5)};
  /// Bound of each exchange with the token endpoint (0: the transport's own timeouts).
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  auth_clock clock{};
};

class client_credentials_provider : public detail::provider_handle {
 public:
  /// Throws outlook::request_refused when a field is missing or the tenant is not one tenant.
  client_credentials_provider(transport_ptr transport, client_credentials_options options)
      : provider_handle(std::make_shared<state>(std::move(transport), std::move(options))) {}


 private:
  struct state final : detail::shared_refresh {
    state(transport_ptr t, client_credentials_options o)
        : shared_refresh(o.clock, o.expiry_skew),
          endpoint{std::move(t), std::move(o.authority), std::move(o.client_id), o.request_timeout},
          secret(std::move(o.client_secret)),
          scope(detail::join_scopes(o.scopes)) {
      if (!endpoint.transport) throw request_refused("outlook::auth::client_credentials_provider needs a transport");
      if (endpoint.client_id.empty()) throw request_refused("outlook::auth::client_credentials_provider needs a client_id");
      if (secret.empty()) throw request_refused("outlook::auth::client_credentials_provider needs a client_secret");
      if (scope.empty()) throw request_refused("outlook::auth::client_credentials_provider needs a scope");
      (void)endpoint.where.token_url();  // refuses a malformed host or tenant now rather than at the first request
      if (!endpoint.where.single_tenant())
        throw request_refused("outlook::auth::client_credentials_provider needs one tenant (its id or domain), not \"" +
                              endpoint.where.tenant + "\"");
    }
    boost::asio::awaitable<access_token> fetch() override {
      token_grant grant = co_await detail::redeem_client_secret(endpoint, clock(), secret, scope);
      co_return std::move(grant.access);
    }
    detail::endpoint_settings endpoint;
    std::string secret;
    std::string scope;
  };
};

}  // namespace outlook::auth
