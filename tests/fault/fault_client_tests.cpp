// Fault injection through an outlook::mail::client: what the session adds on top of the
// SPDX-License-Identifier: BSL-1.0
// transport (retries, Retry-After, redirects, decoding) against a misbehaving server.
// The transport itself is compiled in fault_transport_tests.cpp.
#include <outlook/mail.hpp>

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "client_side.hpp"
#include "fault_server.hpp"

namespace {

namespace fault = outlook::testing::fault;
namespace mail = outlook::mail;
using namespace std::chrono_literals;
using fault::connection;

/// A gzip stream of {"Id":"AAMk","Subject":"zipped"} (made with Python's gzip, mtime 0).
constexpr std::string_view gzipped_message(
    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xab\x56\xf2\x4c\x51\xb2\x52\x72\x74\xf4\xcd\x56\xd2\x51\x0a\x2e\x4d"
    "\xca\x4a\x4d\x2e\x01\x0a\x54\x65\x16\x14\xa4\xa6\x28\xd5\x02\x00\x11\xb8\x56\x30\x20\x00\x00\x00",
    51);

std::string response(int status, std::string_view reason, std::string_view headers, std::string_view body) {
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n" + std::string(headers) +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

struct client_setup {
  client_setup(const fault::server& server, outlook::retry_policy retry,
               outlook::beast_transport_options transport = fault::quick_options())
      : side(server, std::move(transport)), client(side.transport, outlook::fixed_token("fault-token"), options(server, retry)) {}

  static outlook::client_options options(const fault::server& server, outlook::retry_policy retry) {
    outlook::client_options o;
    o.base_url = server.url("/api/v2.0");
    o.preview_base_url = server.url("/api/beta");
    o.retry = retry;
    return o;
  }

  /// get_message("AAMk") to completion; errors propagate.
  outlook::poly<mail::message> get_message() {
    auto f = boost::asio::co_spawn(side.ioc, client.me().get_message("AAMk"), boost::asio::use_future);
    side.ioc.restart();
    side.ioc.run();
    return f.get();
  }

  fault::client_side side;
  mail::client client;
};

outlook::retry_policy quick_retries(int attempts) {
  outlook::retry_policy p;
  p.throttling.max_attempts = attempts;
  p.server_errors.max_attempts = attempts;
  p.initial_backoff = 10ms;
  return p;
}

}  // namespace

TEST_CASE("a 429 storm: the client retries as the policy says, waits Retry-After, then gives api_error 429") {
  for (const std::string_view retry_after : {"0", "1"}) {
    CAPTURE(retry_after);
    const int attempts = retry_after == "0" ? 4 : 2;  // keeps the 1 s case to one wait
    fault::server server([retry_after](connection& c) -> boost::asio::awaitable<void> {
      while (co_await c.read_request())
        co_await c.send(response(429, "Too Many Requests", "Retry-After: " + std::string(retry_after) + "\r\n",
                                 R"({"error":{"code":"ApplicationThrottled","message":"slow down"}})"));
    });
    client_setup setup(server, quick_retries(attempts));
    const auto started = std::chrono::steady_clock::now();
    try {
      (void)setup.get_message();
      FAIL("expected api_error 429");
    } catch (const outlook::api_error& e) {
      CHECK(e.status() == 429);
      CHECK(e.code() == "ApplicationThrottled");
      REQUIRE(e.retry_after().has_value());
      CHECK(e.retry_after()->count() == std::stoi(std::string(retry_after)));
    }
    CHECK(server.requests() == static_cast<std::size_t>(attempts));
    if (retry_after == "1") CHECK(std::chrono::steady_clock::now() - started >= 1s);  // it did wait
  }
}

TEST_CASE("a 429 storm that ends: the client recovers with the response") {
  fault::server server([](connection& c) -> boost::asio::awaitable<void> {
    while (co_await c.read_request()) {
      if (c.requests() <= 2) co_await c.send(response(429, "Too Many Requests", "Retry-After: 0\r\n", "{}"));
      else co_await c.send(response(200, "OK", "Content-Type: application/json\r\n", R"({"Id":"AAMk","Subject":"at last"})"));
    }
  });
  client_setup setup(server, quick_retries(4));
  const auto m = setup.get_message();
  CHECK(m->subject == "at last");
  CHECK(server.requests() == 3);
}

TEST_CASE("a redirect loop is not followed: api_error with the 302") {
  fault::server server([](connection& c) -> boost::asio::awaitable<void> {
    while (auto r = co_await c.read_request())
      co_await c.send(response(302, "Found", "Location: " + std::string(r->target()) + "\r\n", ""));
  });
  client_setup setup(server, quick_retries(4));
  try {
    (void)setup.get_message();
    FAIL("expected api_error 302");
  } catch (const outlook::api_error& e) {
    CHECK(e.status() == 302);
  }
  CHECK(server.requests() == 1);
}

TEST_CASE("gzip-encoded content nobody asked for") {
  fault::server server([](connection& c) -> boost::asio::awaitable<void> {
    while (co_await c.read_request())
      co_await c.send(response(200, "OK", "Content-Type: application/json\r\nContent-Encoding: gzip\r\n", gzipped_message));
  });
  // The transport asks for gzip by default (and then inflates it: the next test case);
  // here it does not, so the gzip answer is one nobody asked for.
  auto not_asking = fault::quick_options();
  not_asking.accept_gzip = false;
  SUBCASE("the transport passes it through unchanged, header and bytes") {
    fault::client_side side(server, not_asking);
    const auto r = side.get(server.url("/api/v2.0/me/messages/AAMk"));
    CHECK(r.status == 200);
    CHECK(r.headers.get("Content-Encoding") == "gzip");
    CHECK(r.body == gzipped_message);
  }
  SUBCASE("the client refuses it with a decode_error that names the encoding") {
    client_setup setup(server, quick_retries(1), not_asking);
    try {
      (void)setup.get_message();
      FAIL("expected a decode_error");
    } catch (const outlook::decode_error& e) {
      CHECK(std::string(e.what()).find("gzip") != std::string::npos);
    }
  }
}

TEST_CASE("gzip-encoded content the transport asked for (its default) is inflated and decoded") {
  fault::server server([](connection& c) -> boost::asio::awaitable<void> {
    while (auto r = co_await c.read_request()) {
      const bool asked = (*r)[boost::beast::http::field::accept_encoding].find("gzip") != boost::beast::string_view::npos;
      // Built before co_await: GCC 12 destroys a temporary of a ?: inside co_await twice.
      std::string answer = asked ? response(200, "OK", "Content-Type: application/json\r\nContent-Encoding: gzip\r\n", gzipped_message)
                                 : response(400, "Bad Request", "Content-Type: application/json\r\n", R"({"error":{"code":"NoGzip"}})");
      co_await c.send(std::move(answer));
    }
  });
  client_setup setup(server, quick_retries(1));
  const auto m = setup.get_message();
  CHECK(m->id == "AAMk");
  CHECK(m->subject == "zipped");
}
