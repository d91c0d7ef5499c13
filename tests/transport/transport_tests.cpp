// The Beast HTTPS transport against the loopback HTTPS test server.
// SPDX-License-Identifier: BSL-1.0
// This is the one translation unit of the test program that compiles Beast and OpenSSL.
#include "outlook/beast_transport_impl.hpp"
#include "outlook/testing/https_test_server.hpp"

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace transport_test;  // NOLINT: test helpers

TEST_CASE("TLS handshake and a GET with a JSON body") {
  std::mutex m;
  std::vector<http_request> seen;
  https_test_server server([&](http_request r) -> asio::awaitable<http_response> {
    {
      std::lock_guard lock(m);
      seen.push_back(r);
    }
    co_return http_response{200, {{"Content-Type", "application/json"}, {"request-id", "r-1"}},
                            R"({"Id":"AAMkAGI2THVSAAA=","Subject":"Re: Meeting Notes"})"};
  });
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(),
                                         trusting(ca, [](auto& o) { o.user_agent = "outlook-mail-tests/1.0"; }));

  auto request = get(server.url("/api/v2.0/me/messages/AAMkAGI2THVSAAA=?$select=Subject"));
  auto response = run(ioc, t->send(request));
  CHECK(response.status == 200);
  CHECK(response.headers.get("content-type") == "application/json");
  CHECK(response.headers.get("Request-Id") == "r-1");
  CHECK(response.body == R"({"Id":"AAMkAGI2THVSAAA=","Subject":"Re: Meeting Notes"})");

  std::lock_guard lock(m);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "GET");
  CHECK(seen[0].url == "https://localhost:" + std::to_string(server.port()) +
                           "/api/v2.0/me/messages/AAMkAGI2THVSAAA=?$select=Subject");
  CHECK(seen[0].headers.get("Host") == "localhost:" + std::to_string(server.port()));
  CHECK(seen[0].headers.get("Authorization") == secret_token);
  CHECK(seen[0].headers.get("User-Agent") == "outlook-mail-tests/1.0");
  CHECK(seen[0].body.empty());
  CHECK(t->stats().connections_opened == 1);
}

TEST_CASE("a POST body reaches the server; an IP address is verified against the IP subjectAltName") {
  std::mutex m;
  std::vector<http_request> seen;
  https_test_server server([&](http_request r) -> asio::awaitable<http_response> {
    std::lock_guard lock(m);
    seen.push_back(r);
    co_return http_response{202, {}, ""};
  });
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca));
  http_request r;
  r.method = "POST";
  r.url = server.url("/api/v2.0/me/sendmail", "127.0.0.1");
  r.headers.set("Content-Type", "application/json");
  r.body = R"({"Message":{"Subject":"Lunch?"}})";
  auto response = run(ioc, t->send(r));
  CHECK(response.status == 202);
  CHECK(response.body.empty());
  std::lock_guard lock(m);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].url == "https://127.0.0.1:" + std::to_string(server.port()) + "/api/v2.0/me/sendmail");
  CHECK(seen[0].body == r.body);
  CHECK(seen[0].headers.get("Content-Length") == std::to_string(r.body.size()));
}

TEST_CASE("HEAD: no body is read, and the connection stays reusable") {
  https_test_server server(fixed(200, std::string(5000, 'x'), "text/plain"));
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca));
  auto head = get(server.url("/page"));
  head.method = "HEAD";
  auto r = run(ioc, t->send(head));
  CHECK(r.status == 200);
  CHECK(r.headers.get("Content-Length") == "5000");
  CHECK(r.body.empty());
  CHECK(run(ioc, t->send(get(server.url("/page")))).body == std::string(5000, 'x'));
  CHECK(t->stats().connections_opened == 1);
  CHECK(server.connections_accepted() == 1);
}

TEST_CASE("keep-alive: five sequential requests share one connection") {
  https_test_server server(fixed(200, R"({"value":[]})"));
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca));
  for (int i = 0; i < 5; ++i) {
    auto response = run(ioc, t->send(get(server.url("/api/v2.0/me/messages?n=" + std::to_string(i)))));
    CHECK(response.status == 200);
    CHECK(response.body == R"({"value":[]})");
  }
  CHECK(server.connections_accepted() == 1);
  const auto stats = outlook::beast_transport_stats(*t);
  CHECK(stats.connections_opened == 1);
  CHECK(stats.connections_reused == 4);
  CHECK(stats.requests_sent == 5);
  CHECK(stats.retries == 0);
}

TEST_CASE("concurrent requests open more connections, up to the per-host limit") {
  std::atomic<int> in_flight{0};
  std::atomic<int> max_in_flight{0};
  https_test_server server([&](http_request) -> asio::awaitable<http_response> {
    const int now = ++in_flight;
    int seen = max_in_flight.load();
    while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, 150ms);
    co_await timer.async_wait(asio::use_awaitable);
    --in_flight;
    co_return http_response{200, {}, "ok"};
  });
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca, [](auto& o) { o.max_connections_per_host = 3; }));

  std::vector<std::future<http_response>> results;
  for (int i = 0; i < 7; ++i)
    results.push_back(asio::co_spawn(ioc, t->send(get(server.url("/c/" + std::to_string(i)))), asio::use_future));
  ioc.run();
  for (auto& f : results) {
    auto r = f.get();
    CHECK(r.status == 200);
    CHECK(r.body == "ok");
  }
  const auto stats = t->stats();
  CHECK(stats.connections_opened == 3);
  CHECK(stats.requests_sent == 7);
  CHECK(stats.connections_reused == 4);
  CHECK(server.connections_accepted() == 3);
  CHECK(max_in_flight.load() == 3);
}

TEST_CASE("6 MB bodies arrive intact, with Content-Length and chunked") {
  const std::string page = pseudo_random_text(std::size_t{6} * 1024 * 1024, 42);
  https_test_server_options options;
  options.encoding = https_test_server_options::body_encoding::alternate;
  options.chunk_size = 12345;  // chunks that do not line up with TLS records or read sizes
  https_test_server server(fixed(200, page, "text/plain"), options);
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca));

  auto first = run(ioc, t->send(get(server.url("/big"))));
  CHECK(first.headers.get("Content-Length") == std::to_string(page.size()));
  CHECK_FALSE(first.headers.get("Transfer-Encoding"));
  CHECK(first.body.size() == page.size());
  CHECK(first.body == page);

  auto second = run(ioc, t->send(get(server.url("/big"))));
  CHECK(second.headers.get("Transfer-Encoding") == "chunked");
  CHECK_FALSE(second.headers.get("Content-Length"));
  CHECK(second.body.size() == page.size());
  CHECK(second.body == page);

  CHECK(server.connections_accepted() == 1);
}

TEST_CASE("a response larger than max_response_body is too_large") {
  const std::string page = pseudo_random_text(std::size_t{2} * 1024 * 1024, 7);
  for (auto encoding : {https_test_server_options::body_encoding::content_length,
                        https_test_server_options::body_encoding::chunked}) {
    CAPTURE(static_cast<int>(encoding));
    https_test_server_options options;
    options.encoding = encoding;
    https_test_server server(fixed(200, page, "text/plain"), options);
    ca_file ca(server);
    asio::io_context ioc;
    auto t = outlook::make_beast_transport(ioc.get_executor(),
                                           trusting(ca, [](auto& o) { o.max_response_body = std::size_t{1} * 1024 * 1024; }));
    auto e = expect_error(ioc, *t, get(server.url("/big")));
    CHECK(e.reason() == kind::too_large);
    CHECK(contains(e.what(), "GET https://localhost:" + std::to_string(server.port()) + "/big"));
    CHECK_FALSE(contains(e.what(), "SECRET-TOKEN"));

    // The connection was discarded; the transport still works.
    auto t2 = outlook::make_beast_transport(ioc.get_executor(), trusting(ca));
    CHECK(run(ioc, t2->send(get(server.url("/big")))).body == page);
  }
}

TEST_CASE("a server that never answers: timeout within the request timeout") {
  https_test_server server([](http_request) -> asio::awaitable<http_response> {
    asio::steady_timer timer(co_await asio::this_coro::executor, 30s);
    co_await timer.async_wait(asio::use_awaitable);
    co_return http_response{200, {}, "too late"};
  });
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca, [](auto& o) { o.request_timeout = 400ms; }));
  const auto start = std::chrono::steady_clock::now();
  auto e = expect_error(ioc, *t, get(server.url("/slow?token=abc")));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(e.reason() == kind::timeout);
  CHECK(elapsed >= 350ms);
  CHECK(elapsed < 400ms + 3s);
  CHECK(contains(e.what(), "GET https://localhost:" + std::to_string(server.port()) + "/slow"));
  CHECK_FALSE(contains(e.what(), "token=abc"));  // the query is left out of messages
  CHECK_FALSE(contains(e.what(), "SECRET-TOKEN"));
  MESSAGE("timeout error after " << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                                 << " ms: " << std::string(e.what()));
}

TEST_CASE("a server whose certificate is not trusted is refused before any request") {
  https_test_server trusted(fixed(200, "{}"));
  std::atomic<int> calls{0};
  https_test_server untrusted([&](http_request) -> asio::awaitable<http_response> {
    ++calls;
    co_return http_response{200, {}, "{}"};
  });
  ca_file ca(trusted);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca));

  auto e = expect_error(ioc, *t, get(untrusted.url("/api/v2.0/me")));
  CHECK(e.reason() == kind::tls);
  CHECK_FALSE(contains(e.what(), "SECRET-TOKEN"));
  MESSAGE("untrusted certificate: " << std::string(e.what()));
  CHECK(calls.load() == 0);
  CHECK(untrusted.requests_received() == 0);

  // And the same transport talks to the trusted server.
  CHECK(run(ioc, t->send(get(trusted.url("/api/v2.0/me")))).status == 200);

  // verify_peer = false (tests only) accepts any certificate.
  auto lax = outlook::make_beast_transport(ioc.get_executor(), with([](auto& o) { o.verify_peer = false; }));
  CHECK(run(ioc, lax->send(get(untrusted.url("/api/v2.0/me")))).status == 200);
  CHECK(calls.load() == 1);
}

TEST_CASE("a trusted certificate for another host name is refused") {
  https_test_server_options options;
  options.dns_names = {"other.example"};
  options.ip_addresses = {};
  std::atomic<int> calls{0};
  https_test_server server(
      [&](http_request) -> asio::awaitable<http_response> {
        ++calls;
        co_return http_response{200, {}, "{}"};
      },
      options);
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca));

  auto by_name = expect_error(ioc, *t, get(server.url("/x", "localhost")));
  CHECK(by_name.reason() == kind::tls);
  MESSAGE("host name mismatch: " << std::string(by_name.what()));
  auto by_ip = expect_error(ioc, *t, get(server.url("/x", "127.0.0.1")));
  CHECK(by_ip.reason() == kind::tls);
  CHECK(calls.load() == 0);
  CHECK(server.requests_received() == 0);
}

TEST_CASE("Connection: close from the server: the next request opens a new connection") {
  https_test_server_options options;
  options.max_requests_per_connection = 1;
  options.announce_close = true;
  https_test_server server(fixed(200, "{}"), options);
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca));
  for (int i = 0; i < 3; ++i) {
    auto r = run(ioc, t->send(get(server.url("/x"))));
    CHECK(r.status == 200);
    CHECK(r.headers.get("Connection") == "close");
  }
  CHECK(server.connections_accepted() == 3);
  const auto stats = t->stats();
  CHECK(stats.connections_opened == 3);
  CHECK(stats.connections_reused == 0);
  CHECK(stats.retries == 0);
}

TEST_CASE("a pooled connection the server dropped: GET retried once, POST not repeated") {
  https_test_server_options options;
  options.max_requests_per_connection = 1;
  options.announce_close = false;  // keeps the connection open, then drops the next request
  https_test_server server(fixed(200, "{}"), options);
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca));

  CHECK(run(ioc, t->send(get(server.url("/one")))).status == 200);
  CHECK(run(ioc, t->send(get(server.url("/two")))).status == 200);  // dropped, retried
  auto stats = t->stats();
  CHECK(stats.connections_opened == 2);
  CHECK(stats.connections_reused == 1);
  CHECK(stats.retries == 1);
  CHECK(stats.requests_sent == 3);

  http_request post;
  post.method = "POST";
  post.url = server.url("/api/v2.0/me/sendmail");
  post.headers.set("Authorization", secret_token);
  post.body = "{}";
  auto e = expect_error(ioc, *t, post);
  CHECK(e.reason() == kind::reset);
  CHECK(contains(e.what(), "POST https://localhost:" + std::to_string(server.port()) + "/api/v2.0/me/sendmail"));
  CHECK_FALSE(contains(e.what(), "SECRET-TOKEN"));
  CHECK(t->stats().retries == 1);
  // The next request goes over a new connection.
  CHECK(run(ioc, t->send(get(server.url("/three")))).status == 200);
}

TEST_CASE("URLs and connection failures") {
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), with([](auto& o) { o.connect_timeout = 2s; }));

  auto plain = expect_error(ioc, *t, get("http://localhost/api/v2.0/me"));
  CHECK(plain.reason() == kind::protocol);
  CHECK(contains(plain.what(), "only https"));
  CHECK(expect_error(ioc, *t, get("localhost/api")).reason() == kind::protocol);
  CHECK(expect_error(ioc, *t, get("https://localhost:99999/")).reason() == kind::protocol);
  CHECK(expect_error(ioc, *t, get("https://user:pw@localhost/")).reason() == kind::protocol);
  CHECK(expect_error(ioc, *t, get("https://localhost/a b")).reason() == kind::protocol);
  auto bad_method = get("https://localhost/");
  bad_method.method = "GET / HTTP/1.1\r\nX:";
  CHECK(expect_error(ioc, *t, bad_method).reason() == kind::protocol);
  auto injected = get("https://localhost/");
  injected.headers.set("X-Evil", "a\r\nAuthorization: stolen");
  CHECK(expect_error(ioc, *t, injected).reason() == kind::protocol);

  // A port nobody listens on.
  unsigned short closed_port = 0;
  {
    asio::ip::tcp::acceptor a(ioc, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = a.local_endpoint().port();
  }
  auto refused = expect_error(ioc, *t, get("https://127.0.0.1:" + std::to_string(closed_port) + "/api/v2.0/me"));
  CHECK(refused.reason() == kind::connect);
  CHECK(contains(refused.what(), "GET https://127.0.0.1:" + std::to_string(closed_port) + "/api/v2.0/me"));
  CHECK_FALSE(contains(refused.what(), "SECRET-TOKEN"));
  CHECK(t->stats().connections_opened == 0);
}

TEST_CASE("no error message contains the Authorization value") {
  const std::string page = pseudo_random_text(std::size_t{256} * 1024, 3);
  https_test_server server([&](http_request r) -> asio::awaitable<http_response> {
    if (contains(r.url, "/slow")) {
      asio::steady_timer timer(co_await asio::this_coro::executor, 30s);
      co_await timer.async_wait(asio::use_awaitable);
    }
    co_return http_response{200, {}, page};
  });
  https_test_server untrusted(fixed(200, "{}"));
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(
      ioc.get_executor(), trusting(ca, [](auto& o) {
        o.request_timeout = 300ms;
        o.max_response_body = 1024;
      }));
  std::vector<transport_error> errors;
  errors.push_back(expect_error(ioc, *t, get(server.url("/slow"))));
  errors.push_back(expect_error(ioc, *t, get(server.url("/big"))));
  errors.push_back(expect_error(ioc, *t, get(untrusted.url("/x"))));
  errors.push_back(expect_error(ioc, *t, get("http://localhost/x")));
  for (const auto& e : errors) {
    const std::string message = e.what();
    CAPTURE(message);
    CHECK_FALSE(contains(e.what(), "SECRET-TOKEN"));
    CHECK_FALSE(contains(e.what(), "Bearer"));
    CHECK_FALSE(contains(e.what(), "Authorization"));
  }
}

TEST_CASE("throughput of a 6 MB page over loopback (informational)") {
  const std::string page = pseudo_random_text(std::size_t{6} * 1024 * 1024, 99);
  for (auto encoding : {https_test_server_options::body_encoding::content_length,
                        https_test_server_options::body_encoding::chunked}) {
    https_test_server_options options;
    options.encoding = encoding;
    https_test_server server(fixed(200, page, "text/html"), options);
    ca_file ca(server);
    asio::io_context ioc;
    auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca));
    CHECK(run(ioc, t->send(get(server.url("/page")))).body.size() == page.size());  // warm-up: connect
    constexpr int rounds = 5;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < rounds; ++i) CHECK(run(ioc, t->send(get(server.url("/page")))).body.size() == page.size());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double mib_per_s = rounds * static_cast<double>(page.size()) / (1024.0 * 1024.0) / seconds;
    std::ostringstream line;
    line.precision(3);
    line << "6 MiB page, "
         << (encoding == https_test_server_options::body_encoding::chunked ? "chunked" : "Content-Length") << ": "
         << (seconds / rounds * 1000.0) << " ms per request, " << mib_per_s << " MiB/s (keep-alive, loopback)";
    MESSAGE(line.str());
  }
}
