// Each flow end to end: the real Beast HTTPS transport against a token endpoint on
// 127.0.0.1 (outlook::testing::https_test_server, certificate made at start-up).
// This is the program's one translation unit with Beast, Asio SSL and OpenSSL.
//
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include "fake_endpoint.hpp"

#include "outlook/beast_transport_impl.hpp"
#include "outlook/testing/https_test_server.hpp"

#include <atomic>
#include <filesystem>

using namespace auth_test;
using namespace std::chrono_literals;
using outlook::http_request;
using outlook::http_response;

namespace {

/// A loopback Microsoft identity platform: /{tenant}/oauth2/v2.0/token and /devicecode.
struct loopback_endpoint {
  std::atomic<int> token_requests{0};
  std::atomic<int> polls{0};
  outlook::testing::https_test_server server{[this](http_request r) -> asio::awaitable<http_response> {
    co_return answer(r);
  }};
  std::filesystem::path ca = server.write_ca_file(std::filesystem::temp_directory_path() /
                                                  ("outlook-mail-auth-ca-" + std::to_string(server.port()) + ".pem"));

  ~loopback_endpoint() {
    server.stop();
    std::error_code ignored;
    std::filesystem::remove(ca, ignored);
  }

  [[nodiscard]] auth::authority authority(std::string tenant) const {
    return {.host = "localhost:" + std::to_string(server.port()), .tenant = std::move(tenant)};
  }

  http_response answer(const http_request& r) {
    if (r.method != "POST" || r.headers.get("Content-Type") != "application/x-www-form-urlencoded")
      return oauth_error(400, "invalid_request", "expected a form POST");
    if (r.url.ends_with("/contoso.example/oauth2/v2.0/devicecode")) return device_code_answer("dc-1", 900, 1);
    if (r.url.ends_with("/broken/oauth2/v2.0/token"))
      return {500, {{"Content-Type", "text/html"}}, "<html>Internal Server Error</html>"};
    if (!r.url.ends_with("/oauth2/v2.0/token")) return {404, {{"Content-Type", "text/plain"}}, "no such endpoint"};
    const std::string grant = field(r, "grant_type");
    if (grant == "client_credentials") {
      if (field(r, "client_secret") != "right secret+/=") return oauth_error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
      ++token_requests;
      return token_answer("cc-token-" + std::to_string(token_requests.load()), 3599);
    }
    if (grant == "refresh_token") {
      if (field(r, "refresh_token") != "rt-1") return oauth_error(400, "invalid_grant", "AADSTS70008: expired");
      ++token_requests;
      return token_answer("rt-access", 3600, "rt-2");
    }
    if (grant == "urn:ietf:params:oauth:grant-type:device_code" && field(r, "device_code") == "dc-1") {
      // The user signs in after the first poll.
      if (polls++ == 0) return oauth_error(400, "authorization_pending", "AADSTS70016: pending");
      ++token_requests;
      return token_answer("dc-access", 3600, "rt-from-device-code");
    }
    return oauth_error(400, "unsupported_grant_type", "unknown grant");
  }
};

/// Runs `body(transport)` with a Beast transport that trusts the loopback endpoint.
template <class T>
T over_https(const loopback_endpoint& ep, std::function<asio::awaitable<T>(outlook::transport_ptr)> body) {
  asio::io_context ioc;
  std::optional<T> result;
  std::exception_ptr error;
  {
    outlook::transport_ptr transport = outlook::make_beast_transport(ioc.get_executor(), {.ca_file = ep.ca});
    asio::co_spawn(
        ioc,
        [&, transport]() -> asio::awaitable<void> {
          try {
            result = co_await body(transport);
          } catch (...) {
            error = std::current_exception();
          }
        },
        asio::detached);
  }
  ioc.run();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace

TEST_CASE("loopback HTTPS: client credentials, cached, shared by concurrent callers; a wrong secret is invalid_client") {
  loopback_endpoint ep;
  const auto tokens = over_https<std::vector<std::string>>(ep, [&](outlook::transport_ptr t) -> asio::awaitable<std::vector<std::string>> {
    auth::client_credentials_provider app(t, {.authority = ep.authority("contoso.example"),
                                              .client_id = "app",
                                              .client_secret = "right secret+/="});
    // Eight callers at once, then one more from the cache. A caller that fails still
    // counts as done (its error is rethrown below), so the wait cannot hang.
    auto ex = co_await asio::this_coro::executor;
    std::vector<std::string> got;
    std::exception_ptr failure;
    int done = 0;
    for (int i = 0; i < 8; ++i)
      asio::co_spawn(
          ex,
          [&]() -> asio::awaitable<void> {
            try {
              std::string token = co_await app();
              got.push_back(token);
            } catch (...) {
              failure = std::current_exception();
            }
            ++done;
          },
          asio::detached);
    while (done < 8) {
      asio::steady_timer tick(ex, 5ms);
      co_await tick.async_wait(asio::use_awaitable);
    }
    if (failure) std::rethrow_exception(failure);
    std::string last = co_await app();
    got.push_back(last);
    co_return got;
  });
  CHECK(ep.token_requests.load() == 1);
  REQUIRE(tokens.size() == 9);
  for (const auto& t : tokens) CHECK(t == "cc-token-1");

  try {
    (void)over_https<std::string>(ep, [&](outlook::transport_ptr t) {
      return auth::client_credentials_provider(t, {.authority = ep.authority("contoso.example"),
                                                   .client_id = "app",
                                                   .client_secret = "wrong secret"})();
    });
    FAIL("expected invalid_client");
  } catch (const auth::auth_error& e) {
    CHECK(e.code() == "invalid_client");
    CHECK(e.status() == 401);
    CHECK(std::string(e.what()).find("wrong secret") == std::string::npos);
  }
}

TEST_CASE("loopback HTTPS: a non-JSON 500 from the token endpoint") {
  loopback_endpoint ep;
  try {
    (void)over_https<std::string>(ep, [&](outlook::transport_ptr t) {
      return auth::client_credentials_provider(t, {.authority = ep.authority("broken"),
                                                   .client_id = "app",
                                                   .client_secret = "right secret+/="})();
    });
    FAIL("expected an auth_error");
  } catch (const auth::auth_error& e) {
    CHECK(e.status() == 500);
    CHECK(std::string(e.what()).find("not JSON") != std::string::npos);
  }
}

TEST_CASE("loopback HTTPS: a refresh token redeemed and rotated") {
  loopback_endpoint ep;
  std::string kept;
  const auto access = over_https<std::string>(ep, [&](outlook::transport_ptr t) -> asio::awaitable<std::string> {
    auth::refresh_token_provider user(t, {.authority = ep.authority("common"), .client_id = "public", .refresh_token = "rt-1"});
    auto a = co_await user();
    kept = user.current_refresh_token();
    co_return a;
  });
  CHECK(access == "rt-access");
  CHECK(kept == "rt-2");
}

TEST_CASE("loopback HTTPS: device code flow with the real clock (one pending poll, 1 s interval)") {
  loopback_endpoint ep;
  std::string shown;
  std::string kept;
  const auto started = std::chrono::steady_clock::now();
  const auto access = over_https<std::string>(ep, [&](outlook::transport_ptr t) -> asio::awaitable<std::string> {
    auth::device_code_provider user(t, {.authority = ep.authority("contoso.example"),
                                        .client_id = "public",
                                        .prompt = [&](const auth::device_code_prompt& p) { shown = p.user_code; }});
    auto a = co_await user();
    kept = user.current_refresh_token();
    co_return a;
  });
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(access == "dc-access");
  CHECK(shown == "FJ8Q2KXLM");
  CHECK(kept == "rt-from-device-code");
  CHECK(ep.polls.load() == 2);
  CHECK(elapsed >= 2s);  // two polls, each after a full interval: the lower bound cannot flake
}
