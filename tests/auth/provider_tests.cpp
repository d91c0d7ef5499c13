// The token providers against an in-process token endpoint, with a fake clock: every
// answer the identity platform gives, caching and expiry, polling intervals, and one
// shared refresh for concurrent callers. No network, no real waiting.
//
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include "fake_endpoint.hpp"

#include "outlook/mail.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <thread>

using namespace auth_test;
using namespace std::chrono_literals;
using outlook::http_request;
using outlook::http_response;
using outlook::token_request;

namespace {

const std::string secret = "s3cr3t~Value.with+plus&amp";
const std::string tenant = "11111111-2222-3333-4444-555555555555";

auth::client_credentials_options app_options(const fake_clock& clock) {
  return {.authority = {.tenant = tenant}, .client_id = "app-id", .client_secret = secret, .clock = clock.clock()};
}

}  // namespace

TEST_CASE("form encoding: the bytes of application/x-www-form-urlencoded, and back") {
  CHECK(auth::form_encode({{"scope", "Mail.Read offline_access"}, {"a+b", "x=y&z/é~"}}) ==
        "scope=Mail.Read+offline_access&a%2Bb=x%3Dy%26z%2F%C3%A9%7E");
  const auth::form_fields fields{{"client_secret", secret}, {"empty", ""}, {"scope", "https://graph.microsoft.com/.default"}};
  CHECK(auth::form_decode(auth::form_encode(fields)) == fields);
  CHECK(auth::form_decode("a=1&&b&c=%zz") == auth::form_fields{{"a", "1"}, {"b", ""}, {"c", "%zz"}});
}

TEST_CASE("authority: v2.0 endpoint URLs; a malformed host or tenant is refused") {
  CHECK(auth::authority{}.token_url() == "https://login.microsoftonline.com/common/oauth2/v2.0/token");
  CHECK(auth::authority{.host = "login.microsoftonline.us", .tenant = "organizations"}.device_code_url() ==
        "https://login.microsoftonline.us/organizations/oauth2/v2.0/devicecode");
  CHECK_THROWS_AS((void)(auth::authority{.tenant = "a/b"}.token_url()), outlook::request_refused);
  CHECK_THROWS_AS((void)(auth::authority{.host = "evil.example/x?", .tenant = "common"}.token_url()), outlook::request_refused);
  CHECK_THROWS_AS((void)(auth::authority{.tenant = ""}.token_url()), outlook::request_refused);
}

TEST_CASE("client credentials: the grant it sends and the token it returns") {
  auto t = std::make_shared<fake_transport>(
      [](const http_request&) -> asio::awaitable<http_response> { co_return token_answer("app-token-1", 3599); });
  fake_clock clock;
  auth::client_credentials_provider app(t, app_options(clock));
  CHECK(run<std::string>([&] { return app(); }) == "app-token-1");

  REQUIRE(t->count() == 1);
  const auto r = t->requests().front();
  CHECK(r.method == "POST");
  CHECK(r.url == "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token");
  CHECK(r.headers.get("Content-Type") == "application/x-www-form-urlencoded");
  CHECK(r.headers.get("Authorization") == std::nullopt);
  CHECK(field(r, "grant_type") == "client_credentials");
  CHECK(field(r, "client_id") == "app-id");
  CHECK(field(r, "client_secret") == secret);
  CHECK(field(r, "scope") == "https://graph.microsoft.com/.default");
  CHECK(r.url.find(secret) == std::string::npos);
}

TEST_CASE("client credentials: configuration errors are refused before any request") {
  auto t = std::make_shared<fake_transport>(
      [](const http_request&) -> asio::awaitable<http_response> { co_return token_answer("x", 3599); });
  auto o = app_options({});
  o.authority.tenant = "common";
  CHECK_THROWS_AS(auth::client_credentials_provider(t, o), outlook::request_refused);
  o = app_options({});
  o.client_secret.clear();
  CHECK_THROWS_AS(auth::client_credentials_provider(t, o), outlook::request_refused);
  CHECK_THROWS_AS(auth::client_credentials_provider(nullptr, app_options({})), outlook::request_refused);
  CHECK(t->count() == 0);
}

TEST_CASE("caching: a token is reused until expiry_skew before it expires, then fetched again") {
  int issued = 0;
  auto t = std::make_shared<fake_transport>([&](const http_request&) -> asio::awaitable<http_response> {
    co_return token_answer("token-" + std::to_string(++issued), 3600);
  });
  fake_clock clock;
  auth::client_credentials_provider app(t, app_options(clock));  // skew: 5 minutes

  CHECK(run<std::string>([&] { return app(); }) == "token-1");
  clock.advance(3600s - 5min - 1s);
  CHECK(run<std::string>([&] { return app(); }) == "token-1");
  CHECK(t->count() == 1);
  clock.advance(2s);  // now within the skew
  CHECK(run<std::string>([&] { return app(); }) == "token-2");
  CHECK(t->count() == 2);

  // The expiry reported with the token is the request time plus expires_in.
  const auto tok = run<auth::access_token>([&] { return app.token(); });
  CHECK(tok.expires_in == 3600s);
  CHECK(tok.expires_at == clock.now() + 3600s);
}

TEST_CASE("caching: the skew is configurable; a short-lived token is kept for half its life") {
  auto t = std::make_shared<fake_transport>(
      [](const http_request&) -> asio::awaitable<http_response> { co_return token_answer("short", 60); });
  fake_clock clock;
  auto o = app_options(clock);
  o.expiry_skew = 10s;
  auth::client_credentials_provider app(t, o);
  (void)run<std::string>([&] { return app(); });
  clock.advance(49s);
  (void)run<std::string>([&] { return app(); });
  CHECK(t->count() == 1);
  clock.advance(2s);
  (void)run<std::string>([&] { return app(); });
  CHECK(t->count() == 2);

  o.expiry_skew = 5min;  // longer than the token's life: half of 60 s
  auth::client_credentials_provider app2(t, o);
  (void)run<std::string>([&] { return app2(); });
  clock.advance(29s);
  (void)run<std::string>([&] { return app2(); });
  CHECK(t->count() == 3);
  clock.advance(2s);
  (void)run<std::string>([&] { return app2(); });
  CHECK(t->count() == 4);
}

TEST_CASE("force_refresh bypasses the cache once") {
  int issued = 0;
  auto t = std::make_shared<fake_transport>([&](const http_request&) -> asio::awaitable<http_response> {
    co_return token_answer("token-" + std::to_string(++issued), 3600);
  });
  fake_clock clock;
  auth::client_credentials_provider app(t, app_options(clock));
  CHECK(run<std::string>([&] { return app(); }) == "token-1");
  CHECK(run<std::string>([&] { return app(token_request{.force_refresh = true}); }) == "token-2");
  CHECK(run<std::string>([&] { return app(); }) == "token-2");
  CHECK(t->count() == 2);

  // Through outlook::token_provider, as the session calls it.
  outlook::token_provider provider = app;
  CHECK(run<std::string>([&] { return provider(token_request{.force_refresh = true}); }) == "token-3");
  CHECK(run<std::string>([&] { return provider(); }) == "token-3");
}

TEST_CASE("concurrency: many callers on one io_context share one token request") {
  asio::io_context ioc;
  auto t = std::make_shared<fake_transport>([&](const http_request&) -> asio::awaitable<http_response> {
    asio::steady_timer timer(co_await asio::this_coro::executor, 20ms);  // the endpoint takes a while
    co_await timer.async_wait(asio::use_awaitable);
    co_return token_answer("shared-token", 3600);
  });
  auth::client_credentials_provider app(t, app_options({}));
  constexpr int callers = 16;
  std::vector<std::string> got;
  for (int i = 0; i < callers; ++i)
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
      std::string token = co_await app();
      got.push_back(token);
    }, asio::detached);
  ioc.run();
  CHECK(t->count() == 1);
  CHECK(app.fetches_started() == 1);
  REQUIRE(got.size() == callers);
  for (const auto& g : got) CHECK(g == "shared-token");
}

TEST_CASE("concurrency: callers on several threads share one token request, and all see its failure") {
  for (const bool fail : {false, true}) {
    CAPTURE(fail);
    asio::io_context ioc;
    auto t = std::make_shared<fake_transport>([&](const http_request&) -> asio::awaitable<http_response> {
      asio::steady_timer timer(co_await asio::this_coro::executor, 50ms);
      co_await timer.async_wait(asio::use_awaitable);
      if (fail) co_return oauth_error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
      co_return token_answer("shared-token", 3600);
    });
    auth::client_credentials_provider app(t, app_options({}));
    constexpr int callers = 32;
    std::atomic<int> ok{0}, refused{0};
    for (int i = 0; i < callers; ++i)
      asio::co_spawn(
          ioc,
          [&]() -> asio::awaitable<void> {
            try {
              const std::string token = co_await app();
              if (token == "shared-token") ++ok;
            } catch (const auth::auth_error& e) {
              if (e.code() == "invalid_client") ++refused;
            }
          },
          asio::detached);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) threads.emplace_back([&] { ioc.run(); });
    for (auto& th : threads) th.join();
    CHECK(t->count() == 1);
    CHECK(ok.load() == (fail ? 0 : callers));
    CHECK(refused.load() == (fail ? callers : 0));
  }
}

TEST_CASE("invalid_client: an auth_error with the OAuth code, and no secret in its message") {
  // A misbehaving endpoint that echoes the request body in its description.
  auto t = std::make_shared<fake_transport>([](const http_request& r) -> asio::awaitable<http_response> {
    co_return oauth_error(401, "invalid_client", "AADSTS7000215: Invalid client secret provided. Request: " + r.body +
                                                     " secret=" + field(r, "client_secret"));
  });
  auto e = expect_auth_error<std::string>([&]() { return auth::client_credentials_provider(t, app_options({}))(); });
  CHECK(e.code() == "invalid_client");
  CHECK(e.status() == 401);
  CHECK(e.error_codes() == std::vector<long long>{7000215});
  CHECK(e.trace_id() == "0b5a6c2e-0000-4000-8000-000000000001");
  const std::string what = e.what();
  CHECK(what.find("invalid_client") != std::string::npos);
  CHECK(what.find("AADSTS7000215") != std::string::npos);
  CHECK(what.find(secret) == std::string::npos);
  CHECK(what.find(auth::form_encode_component(secret)) == std::string::npos);
  CHECK(what.find("<redacted>") != std::string::npos);
}

TEST_CASE("a non-JSON 500 is a clear auth_error that shows none of the body") {
  auto t = std::make_shared<fake_transport>([](const http_request& r) -> asio::awaitable<http_response> {
    co_return http_response{500, {{"Content-Type", "text/html"}}, "<html><body>Oops " + r.body + "</body></html>"};
  });
  auto e = expect_auth_error<std::string>([&]() { return auth::client_credentials_provider(t, app_options({}))(); });
  CHECK(e.status() == 500);
  CHECK(e.code().empty());
  const std::string what = e.what();
  CHECK(what.find("HTTP 500") != std::string::npos);
  CHECK(what.find("not JSON") != std::string::npos);
  CHECK(what.find("text/html") != std::string::npos);
  CHECK(what.find("Oops") == std::string::npos);
  CHECK(what.find(secret) == std::string::npos);
}

TEST_CASE("a 200 that is not a token is an auth_error, not a crash") {
  for (const std::string& body : std::vector<std::string>{"not json", "{\"access_token\": \"\"}",
                                                        "{\"access_token\": \"abc\", \"expires_in\": -5}", "[1,2]"}) {
    CAPTURE(body);
    auto t = std::make_shared<fake_transport>([body](const http_request&) -> asio::awaitable<http_response> {
      co_return http_response{200, {{"Content-Type", "application/json"}}, body};
    });
    auto e = expect_auth_error<std::string>([&]() { return auth::client_credentials_provider(t, app_options({}))(); });
    CHECK(e.status() == 200);
  }
}

TEST_CASE("refresh tokens: redeemed, rotated, kept and reported; never in an error") {
  int issued = 0;
  auto t = std::make_shared<fake_transport>([&](const http_request& r) -> asio::awaitable<http_response> {
    if (field(r, "refresh_token") == "rt-dead")
      co_return oauth_error(400, "invalid_grant",
                            "AADSTS70008: The refresh token has expired. It was rt-dead; the access token was "
                            "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2lnbmF0dXJl");
    ++issued;
    co_return token_answer("access-" + std::to_string(issued), 3600, "rt-" + std::to_string(issued));
  });
  fake_clock clock;
  std::vector<std::string> persisted;
  auth::refresh_token_provider user(t, {.authority = {.tenant = "organizations"},
                                        .client_id = "public-app",
                                        .refresh_token = "rt-0",
                                        .on_refresh_token = [&](const std::string& rt) { persisted.push_back(rt); },
                                        .clock = clock.clock()});
  CHECK(user.current_refresh_token() == "rt-0");
  CHECK(run<std::string>([&] { return user(); }) == "access-1");
  REQUIRE(t->count() == 1);
  const auto r = t->requests().front();
  CHECK(r.url == "https://login.microsoftonline.com/organizations/oauth2/v2.0/token");
  CHECK(field(r, "grant_type") == "refresh_token");
  CHECK(field(r, "refresh_token") == "rt-0");
  CHECK(field(r, "client_id") == "public-app");
  CHECK(field(r, "scope") == "https://graph.microsoft.com/.default offline_access");
  CHECK(field(r, "client_secret").empty());
  CHECK(user.current_refresh_token() == "rt-1");

  clock.advance(2h);  // expired: the rotated token is the one redeemed
  CHECK(run<std::string>([&] { return user(); }) == "access-2");
  CHECK(field(t->requests().back(), "refresh_token") == "rt-1");
  CHECK(user.current_refresh_token() == "rt-2");
  CHECK(persisted == std::vector<std::string>{"rt-1", "rt-2"});

  auth::refresh_token_provider dead(t, {.client_id = "public-app", .refresh_token = "rt-dead"});
  auto e = expect_auth_error<std::string>([&]() { return dead(); });
  CHECK(e.code() == "invalid_grant");
  CHECK(e.status() == 400);
  const std::string what = e.what();
  CHECK(what.find("AADSTS70008") != std::string::npos);
  CHECK(what.find("rt-dead") == std::string::npos);
  CHECK(what.find("eyJ") == std::string::npos);
  CHECK(what.find("c2lnbmF0dXJl") == std::string::npos);
}

namespace {

/// A devicecode + token endpoint whose token answers come from a script, one per poll.
struct device_flow {
  std::vector<http_response> polls;
  std::size_t next = 0;
  int expires_in = 900;
  int interval = 5;
  std::shared_ptr<fake_transport> transport = std::make_shared<fake_transport>(
      [this](const http_request& r) -> asio::awaitable<http_response> {
        if (r.url.ends_with("/devicecode")) co_return device_code_answer("device-code-secret", expires_in, interval);
        if (field(r, "grant_type") == "refresh_token") co_return token_answer("refreshed", 3600, "rt-next");
        if (next < polls.size()) co_return polls[next++];
        co_return oauth_error(400, "authorization_pending", "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.");
      });
};

http_response pending() {
  return oauth_error(400, "authorization_pending", "AADSTS70016: Authorization is pending. Continue polling.");
}

}  // namespace

TEST_CASE("device code: prompt, authorization_pending twice, then a token and a refresh token") {
  device_flow flow;
  flow.polls = {pending(), pending(), token_answer("user-token", 3600, "rt-user")};
  fake_clock clock;
  std::vector<auth::device_code_prompt> prompts;
  auth::device_code_provider user(flow.transport,
                                  {.client_id = "public-app",
                                   .scopes = {"Mail.ReadWrite", "offline_access"},
                                   .prompt = [&](const auth::device_code_prompt& p) { prompts.push_back(p); },
                                   .clock = clock.clock()});
  CHECK(run<std::string>([&] { return user(); }) == "user-token");
  REQUIRE(prompts.size() == 1);
  CHECK(prompts[0].user_code == "FJ8Q2KXLM");
  CHECK(prompts[0].verification_uri == "https://microsoft.com/devicelogin");
  CHECK(prompts[0].message.find("FJ8Q2KXLM") != std::string::npos);
  CHECK(prompts[0].expires_in == 900s);
  CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{5s, 5s, 5s});
  CHECK(user.current_refresh_token() == "rt-user");

  const auto requests = flow.transport->requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[0].url == "https://login.microsoftonline.com/common/oauth2/v2.0/devicecode");
  CHECK(field(requests[0], "client_id") == "public-app");
  CHECK(field(requests[0], "scope") == "Mail.ReadWrite offline_access");
  CHECK(requests[1].url == "https://login.microsoftonline.com/common/oauth2/v2.0/token");
  CHECK(field(requests[1], "grant_type") == "urn:ietf:params:oauth:grant-type:device_code");
  CHECK(field(requests[1], "device_code") == "device-code-secret");

  // Cached; once expired, renewed silently with the refresh token (no second prompt).
  CHECK(run<std::string>([&] { return user(); }) == "user-token");
  clock.advance(1h);
  CHECK(run<std::string>([&] { return user(); }) == "refreshed");
  CHECK(prompts.size() == 1);
  CHECK(field(flow.transport->requests().back(), "refresh_token") == "rt-user");
  CHECK(user.current_refresh_token() == "rt-next");
}

TEST_CASE("device code: slow_down adds 5 seconds to the interval from then on") {
  device_flow flow;
  flow.polls = {pending(), oauth_error(400, "slow_down", "Slow down."), pending(),
                oauth_error(400, "slow_down", "Slow down."), token_answer("user-token", 3600)};
  fake_clock clock;
  auth::device_code_provider user(flow.transport,
                                  {.client_id = "public-app", .prompt = [](const auth::device_code_prompt&) {}, .clock = clock.clock()});
  CHECK(run<std::string>([&] { return user(); }) == "user-token");
  CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{5s, 5s, 10s, 10s, 15s});
  CHECK(user.current_refresh_token().empty());  // no offline_access answer: none
}

TEST_CASE("device code: the endpoint's refusals end the flow with their code") {
  for (const std::string& code : std::vector<std::string>{"expired_token", "authorization_declined", "bad_verification_code"}) {
    CAPTURE(code);
    device_flow flow;
    flow.polls = {pending(), oauth_error(400, code, "AADSTS7000222: " + code + " for device-code-secret")};
    fake_clock clock;
    auth::device_code_provider user(flow.transport,
                                    {.client_id = "public-app", .prompt = [](const auth::device_code_prompt&) {}, .clock = clock.clock()});
    auto e = expect_auth_error<std::string>([&]() { return user(); });
    CHECK(e.code() == code);
    CHECK(e.status() == 400);
    CHECK(std::string(e.what()).find("device-code-secret") == std::string::npos);
    CHECK(flow.transport->count() == 3);  // devicecode + two polls: no poll after a refusal
  }
}

TEST_CASE("device code: the code's own expiry ends the polling (expired_token, from the client)") {
  device_flow flow;  // the user never signs in
  flow.expires_in = 12;
  flow.interval = 5;
  fake_clock clock;
  auth::device_code_provider user(flow.transport,
                                  {.client_id = "public-app", .prompt = [](const auth::device_code_prompt&) {}, .clock = clock.clock()});
  auto e = expect_auth_error<std::string>([&]() { return user(); });
  CHECK(e.code() == "expired_token");
  CHECK(e.status() == 0);
  CHECK(flow.transport->count() == 3);  // devicecode, polls at 5 s and 10 s; at 15 s the code is gone
}

TEST_CASE("device code: a refused refresh token means a new sign-in; other errors do not") {
  int device_codes = 0;
  auto t = std::make_shared<fake_transport>([&](const http_request& r) -> asio::awaitable<http_response> {
    if (r.url.ends_with("/devicecode")) {
      ++device_codes;
      co_return device_code_answer("dc", 900, 1);
    }
    if (field(r, "refresh_token") == "revoked") co_return oauth_error(400, "invalid_grant", "AADSTS50173: revoked");
    if (field(r, "refresh_token") == "server-down") co_return http_response{503, {}, ""};
    co_return token_answer("after-sign-in", 3600, "rt-new");
  });
  fake_clock clock;
  auth::device_code_provider user(t, {.client_id = "public-app",
                                      .refresh_token = "revoked",
                                      .prompt = [](const auth::device_code_prompt&) {},
                                      .clock = clock.clock()});
  CHECK(run<std::string>([&] { return user(); }) == "after-sign-in");
  CHECK(device_codes == 1);
  CHECK(user.current_refresh_token() == "rt-new");

  auth::device_code_provider down(t, {.client_id = "public-app",
                                      .refresh_token = "server-down",
                                      .prompt = [](const auth::device_code_prompt&) {},
                                      .clock = clock.clock()});
  auto e = expect_auth_error<std::string>([&]() { return down(); });
  CHECK(e.status() == 503);
  CHECK(device_codes == 1);
  CHECK(down.current_refresh_token() == "server-down");
}

TEST_CASE("a provider plugs into mail::client: its token goes out as the bearer token") {
  int issued = 0;
  auto t = std::make_shared<fake_transport>([&](const http_request& r) -> asio::awaitable<http_response> {
    if (r.url.find("/oauth2/v2.0/token") != std::string::npos)
      co_return token_answer("mailbox-token-" + std::to_string(++issued), 3600);
    co_return http_response{200, {{"Content-Type", "application/json"}}, R"({"Id": "AAMk1", "Subject": "hello"})"};
  });
  auth::client_credentials_provider app(t, app_options({}));
  outlook::mail::client client(t, app, {});
  const auto subject = run<std::string>([&]() -> asio::awaitable<std::string> {
    auto m = co_await client.user("alex@contoso.com").get_message("AAMk1");
    auto again = co_await client.user("alex@contoso.com").get_message("AAMk1");
    (void)again;
    co_return m->subject.value_or("");
  });
  CHECK(subject == "hello");
  const auto requests = t->requests();
  REQUIRE(requests.size() == 3);  // one token, two mailbox requests with the cached token
  CHECK(requests[1].headers.get("Authorization") == "Bearer mailbox-token-1");
  CHECK(requests[2].headers.get("Authorization") == "Bearer mailbox-token-1");
}
