// The code docs/sign-in.md shows, compiled and run here against a fake token endpoint so
// the documentation cannot drift from the API. Each region between "snippet-begin" and
// "snippet-end" is a block the page quotes (tests/docs/check_snippets.py compares them).
//
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include "fake_endpoint.hpp"

#include "outlook/graph.hpp"
#include "outlook/mail.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace auth_test;

// snippet-begin: app-only
#include <outlook/auth.hpp>

// An app-only client for a daemon: application permissions, admin consent, a secret.
outlook::graph::client make_app_client(outlook::transport_ptr transport, std::string tenant_id,
                                      std::string client_id, std::string client_secret,
                                      outlook::client_options options) {
  outlook::auth::client_credentials_provider app(transport, {
      .authority = {.tenant = std::move(tenant_id)},
      .client_id = std::move(client_id),
      .client_secret = std::move(client_secret)});   // from a vault, never from the source
  return outlook::graph::client(transport, app, std::move(options));  // then client.user("alex@contoso.com")
}
// snippet-end: app-only

// snippet-begin: refresh-token
// Signs in silently with the refresh token saved by an earlier run, and saves every new
// one (the service rotates them). Keep the file readable by its user only.
outlook::auth::refresh_token_provider silent_sign_in(outlook::transport_ptr transport, std::string client_id,
                                                     const std::string& saved_path) {
  std::ifstream in(saved_path);
  std::string saved((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return outlook::auth::refresh_token_provider(transport, {
      .client_id = std::move(client_id),
      .refresh_token = saved,
      .on_refresh_token = [saved_path](const std::string& fresh) { std::ofstream(saved_path) << fresh; }});
}
// snippet-end: refresh-token

// The page's one-line example of handing a provider to a client, in a function that is
// compiled but not run.
[[maybe_unused]] static void client_for_graph(outlook::transport_ptr transport, outlook::auth::device_code_provider user) {
  // snippet-begin: graph-client
  outlook::graph::client client(transport, user);  // Microsoft Graph: https://graph.microsoft.com/v1.0
  // snippet-end: graph-client
  (void)client;
}

TEST_CASE("docs snippet: the app-only client sends its token to the mailbox") {
  auto t = std::make_shared<fake_transport>([](const outlook::http_request& r) -> asio::awaitable<outlook::http_response> {
    if (r.url.ends_with("/oauth2/v2.0/token")) co_return token_answer("app-token", 3600);
    co_return outlook::http_response{200, {{"Content-Type", "application/json"}}, R"({"id": "m1"})"};
  });
  auto client = make_app_client(t, "contoso.onmicrosoft.com", "app-id", "the-secret", {});
  (void)run<std::string>([&]() -> asio::awaitable<std::string> {
    auto m = co_await client.user("alex@contoso.com").get_message("m1");
    co_return m->id.value_or("");
  });
  REQUIRE(t->count() == 2);
  CHECK(t->requests()[0].url == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
  CHECK(t->requests()[1].url == "https://graph.microsoft.com/v1.0/users/alex@contoso.com/messages/m1");
  CHECK(t->requests()[1].headers.get("Authorization") == "Bearer app-token");
}

TEST_CASE("docs snippet: the refresh token is read from and saved to a file") {
  const auto path = (std::filesystem::temp_directory_path() / "outlook-mail-auth-snippet-rt.txt").string();
  std::ofstream(path) << "rt-saved";
  auto t = std::make_shared<fake_transport>([](const outlook::http_request& r) -> asio::awaitable<outlook::http_response> {
    co_return token_answer("user-token", 3600, field(r, "refresh_token") == "rt-saved" ? "rt-rotated" : "wrong");
  });
  auto user = silent_sign_in(t, "public-app", path);
  CHECK(run<std::string>([&] { return user(); }) == "user-token");
  std::ifstream in(path);
  std::stringstream saved;
  saved << in.rdbuf();
  CHECK(saved.str() == "rt-rotated");
  std::filesystem::remove(path);
}
