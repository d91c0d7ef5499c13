// The Beast HTTPS transport when things go wrong: cancellation in every phase, interim 1xx
// SPDX-License-Identifier: BSL-1.0
// responses, a close without TLS close_notify, one deadline for the whole request, error
// codes kept. Only the light transport header is included here (the definitions are
// compiled in transport_tests.cpp); the loopback test server brings Beast and OpenSSL.
#include "test_support.hpp"

#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include <openssl/x509_vfy.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

using namespace transport_test;  // NOLINT: test helpers
using namespace boost::asio::experimental::awaitable_operators;
using outlook::testing::raw_reply;

namespace {

/// What `send(r) || timer` ended in, seen from inside the send's coroutine.
struct race_outcome {
  bool timer_won = false;
  std::optional<http_response> response;  // send() returned
  std::optional<transport_error> error;   // send() threw a transport_error
  std::string foreign;                    // send() threw anything else (never allowed)
};

/// `co_await (t.send(r) || timer.async_wait(use_awaitable))`: the usual Asio pattern, with
/// the send awaited in a coroutine of its own so that its outcome is seen even when the
/// timer wins.
asio::awaitable<race_outcome> race(outlook::transport& t, http_request r, std::chrono::microseconds limit) {
  race_outcome out;
  auto attempt = [&]() -> asio::awaitable<void> {
    try {
      out.response = co_await t.send(std::move(r));
    } catch (const transport_error& e) {
      out.error = e;
    } catch (const std::exception& e) {
      out.foreign = e.what();
    }
  };
  asio::steady_timer timer(co_await asio::this_coro::executor, limit);
  const auto result = co_await (attempt() || timer.async_wait(asio::use_awaitable));
  out.timer_won = result.index() == 1;
  co_return out;
}

/// Runs `send(r)` cancelled after `limit`, and returns the error the send itself ended in
/// (the send is awaited in its own coroutine so that its exception is seen).
asio::awaitable<std::optional<transport_error>> cancelled_send(outlook::transport& t, http_request r,
                                                               std::chrono::milliseconds limit) {
  std::optional<transport_error> seen;
  auto send_and_catch = [&]() -> asio::awaitable<void> {
    try {
      (void)co_await t.send(std::move(r));
    } catch (const transport_error& e) {
      seen = e;
    }
  };
  asio::steady_timer timer(co_await asio::this_coro::executor, limit);
  (void)co_await (send_and_catch() || timer.async_wait(asio::use_awaitable));
  co_return seen;
}

std::size_t iterations_from_env(const char* name, std::size_t fallback) {
  if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return static_cast<std::size_t>(std::stoul(v));
  return fallback;
}

https_test_server::handler_type sleepy(std::chrono::milliseconds delay, std::string body) {
  return [delay, body = std::move(body)](http_request) -> asio::awaitable<http_response> {
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::use_awaitable);
    co_return http_response{200, {}, body};
  };
}

/// A TCP listener on 127.0.0.1 that accepts connections and never says anything: a TLS
/// handshake against it never completes.
class silent_listener {
 public:
  silent_listener() : acceptor_(ioc_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  silent_listener(const silent_listener&) = delete;
  silent_listener& operator=(const silent_listener&) = delete;
  ~silent_listener() {
    ioc_.stop();
    thread_.join();
  }
  [[nodiscard]] std::string url(std::string_view path) const {
    return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + std::string(path);
  }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket s) {
      if (ec) return;
      sockets_.push_back(std::move(s));
      accept();
    });
  }
  asio::io_context ioc_;
  asio::ip::tcp::acceptor acceptor_;
  std::vector<asio::ip::tcp::socket> sockets_;
  std::thread thread_;
};

void check_cancelled(const std::optional<transport_error>& e) {
  REQUIRE(e.has_value());
  CHECK(e->reason() == kind::cancelled);
  CHECK(e->code() == asio::error::operation_aborted);
  CHECK(contains(e->what(), "cancelled"));
  CHECK_FALSE(contains(e->what(), "SECRET-TOKEN"));
}

}  // namespace

TEST_CASE("cancellation race: send() || a short timer, thousands of times, then the pool still works") {
  // Issue 6, defect 1: with a co_spawn per request, ASan reported heap-use-after-free in
  // cancellation_signal::emit within a few thousand iterations. OUTLOOK_MAIL_CANCEL_ITERATIONS
  // runs it longer.
  const std::size_t iterations = iterations_from_env("OUTLOOK_MAIL_CANCEL_ITERATIONS", 2000);
  https_test_server server(fixed(200, R"({"value":[]})"));
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca, [](auto& o) { o.max_connections_per_host = 2; }));

  std::size_t won = 0;
  std::size_t cancelled = 0;
  std::size_t wrong = 0;
  std::string first_wrong;
  auto loop = [&]() -> asio::awaitable<void> {
    for (std::size_t i = 0; i < iterations; ++i) {
      // 0 to ~3 ms: cancels land in every phase (connect, handshake, write, read, pool wait).
      const auto limit = std::chrono::microseconds((i * 37) % 3000);
      auto out = co_await race(*t, get(server.url("/race/" + std::to_string(i))), limit);
      const bool answered = out.response && out.response->body == R"({"value":[]})" && !out.error;
      const bool cancelled_cleanly = out.timer_won && out.error && out.error->reason() == kind::cancelled &&
                                     out.error->code() == asio::error::operation_aborted;
      if (answered) {
        ++won;
      } else if (cancelled_cleanly) {
        ++cancelled;
      } else {
        ++wrong;
        if (first_wrong.empty())
          first_wrong = !out.foreign.empty() ? "foreign exception: " + out.foreign
                        : out.error          ? std::string(out.error->what())
                                             : std::string("no response");
      }
    }
  };
  try {
    run(ioc, loop());
  } catch (const std::exception& e) {
    FAIL("an exception escaped the race: " << e.what());
  }
  MESSAGE(iterations << " iterations: " << won << " answered, " << cancelled << " cancelled, " << wrong
                     << " wrong (first: " << first_wrong << ")");
  CHECK(wrong == 0);
  CHECK(cancelled > 0);

  // Every slot came back: max_connections_per_host sequential-but-overlapping requests work.
  for (int i = 0; i < 5; ++i) CHECK(run(ioc, t->send(get(server.url("/after")))).status == 200);
  const auto stats = t->stats();
  CHECK(stats.connections_opened - stats.connections_closed <= 2);
}

TEST_CASE("a cancelled send ends in kind::cancelled with operation_aborted in every phase, and the pool recovers") {
  https_test_server server(sleepy(300ms, "slow"));
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca, [](auto& o) { o.max_connections_per_host = 1; }));

  SUBCASE("reading the response") {
    CHECK(run(ioc, t->send(get(server.url("/warm-up")))).body == "slow");  // a pooled connection
    check_cancelled(run(ioc, cancelled_send(*t, get(server.url("/slow")), 100ms)));
    auto stats = t->stats();
    CHECK(stats.connections_reused == 1);
    CHECK(stats.retries == 0);             // a cancelled request is never retried
    CHECK(stats.connections_closed == 1);  // the connection with a response in flight is closed
    CHECK(run(ioc, t->send(get(server.url("/next")))).body == "slow");
    CHECK(t->stats().connections_opened == 2);
  }
  SUBCASE("waiting for a free connection") {
    // The one connection is busy with a slow request; a second request waits for it and
    // is cancelled while waiting.
    std::optional<transport_error> waiting_error;
    std::optional<http_response> first;
    auto both = [&]() -> asio::awaitable<void> {
      auto ex = co_await asio::this_coro::executor;
      auto a = asio::co_spawn(ex, t->send(get(server.url("/first"))), asio::use_awaitable);
      auto b = asio::co_spawn(ex, cancelled_send(*t, get(server.url("/second")), 100ms), asio::use_awaitable);
      auto [ra, rb] = co_await (std::move(a) && std::move(b));
      first = std::move(ra);
      waiting_error = std::move(rb);
    };
    run(ioc, both());
    check_cancelled(waiting_error);
    REQUIRE(first.has_value());
    CHECK(first->body == "slow");
    CHECK(run(ioc, t->send(get(server.url("/third")))).body == "slow");
    CHECK(t->stats().connections_opened == 1);  // the waiter took no slot
  }
  SUBCASE("the TLS handshake") {
    silent_listener silent;
    check_cancelled(run(ioc, cancelled_send(*t, get(silent.url("/x")), 100ms)));
    CHECK(run(ioc, t->send(get(server.url("/next")))).body == "slow");
  }
}

TEST_CASE("an interim 1xx response is skipped, and the pooled connection serves the right body next") {
  // Issue 6, defect 2: a 103 Early Hints was taken as the response, and the next request on
  // the connection got the body meant for the first.
  auto raw = [](const http_request& r) -> std::optional<raw_reply> {
    if (contains(r.url, "/early"))
      return raw_reply{"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                       "HTTP/1.1 100 Continue\r\n\r\n"
                       "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nearly"};
    if (contains(r.url, "/switch"))
      return raw_reply{"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"};
    return std::nullopt;
  };
  https_test_server server(fixed(200, "second", "text/plain"), {}, raw);
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca, [](auto& o) { o.max_connections_per_host = 1; }));

  auto early = run(ioc, t->send(get(server.url("/early"))));
  CHECK(early.status == 200);
  CHECK(early.body == "early");
  CHECK_FALSE(early.headers.get("Link"));  // headers of the interim response are not the response's
  auto second = run(ioc, t->send(get(server.url("/second"))));
  CHECK(second.status == 200);
  CHECK(second.body == "second");
  CHECK(t->stats().connections_reused == 1);

  auto e = expect_error(ioc, *t, get(server.url("/switch")));
  CHECK(e.reason() == kind::protocol);
  CHECK(contains(e.what(), "101"));
  CHECK(run(ioc, t->send(get(server.url("/third")))).body == "second");
}

TEST_CASE("the end of a response and TLS close_notify") {
  // Issue 6, defect 6: a complete response followed by a TCP close without close_notify is
  // a response; a body that only the end of the stream delimits is truncated without it.
  auto raw = [](const http_request& r) -> std::optional<raw_reply> {
    using then = raw_reply::then;
    if (contains(r.url, "/length-then-tcp-close"))
      return raw_reply{"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody", then::tcp_close};
    if (contains(r.url, "/chunked-then-tcp-close"))
      return raw_reply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n", then::tcp_close};
    if (contains(r.url, "/eof-body-close-notify"))
      return raw_reply{"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", then::close_notify};
    if (contains(r.url, "/eof-body-tcp-close"))
      return raw_reply{"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", then::tcp_close};
    if (contains(r.url, "/extra-bytes"))
      return raw_reply{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale",
                       then::keep_open};
    return std::nullopt;
  };
  https_test_server server(fixed(200, "fresh", "text/plain"), {}, raw);
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca, [](auto& o) { o.max_connections_per_host = 1; }));

  CHECK(run(ioc, t->send(get(server.url("/length-then-tcp-close")))).body == "body");
  CHECK(run(ioc, t->send(get(server.url("/chunked-then-tcp-close")))).body == "body");
  CHECK(run(ioc, t->send(get(server.url("/eof-body-close-notify")))).body == "until the end");
  auto truncated = expect_error(ioc, *t, get(server.url("/eof-body-tcp-close")));
  CHECK(truncated.reason() == kind::protocol);
  CHECK(contains(truncated.what(), "truncated"));
  CHECK(truncated.code() != boost::system::error_code{});
  // Bytes after the response: the connection is not pooled, so "stale" is never served.
  CHECK(run(ioc, t->send(get(server.url("/extra-bytes")))).body == "ok");
  CHECK(run(ioc, t->send(get(server.url("/next")))).body == "fresh");
  // (A connection the server closed after a complete response may still be picked from the
  // pool before its FIN arrives; the GET is then retried, so no count of reuses is checked.)
}

TEST_CASE("one deadline covers waiting for a connection and the exchange") {
  // Issue 6, defect 7: waiting for a free connection and the exchange each got a whole
  // request_timeout. The server takes 1 s; the second request waits ~1 s for the only
  // connection, and must then fail at 1.5 s rather than finish at ~2 s. (The margins are
  // wide because the first request also connects, slowly under TSan on a loaded machine.)
  https_test_server server(sleepy(1000ms, "slow"));
  ca_file ca(server);
  asio::io_context ioc;
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca, [](auto& o) {
                                           o.max_connections_per_host = 1;
                                           o.request_timeout = 1500ms;
                                         }));
  std::optional<http_response> first;
  std::optional<transport_error> second;
  std::chrono::steady_clock::duration second_took{};
  auto both = [&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto timed = [&]() -> asio::awaitable<void> {
      const auto start = std::chrono::steady_clock::now();
      try {
        (void)co_await t->send(get(server.url("/second")));
      } catch (const transport_error& e) {
        second = e;
      }
      second_took = std::chrono::steady_clock::now() - start;
    };
    auto a = asio::co_spawn(ex, t->send(get(server.url("/first"))), asio::use_awaitable);
    auto b = asio::co_spawn(ex, timed(), asio::use_awaitable);
    first = co_await (std::move(a) && std::move(b));
  };
  run(ioc, both());
  REQUIRE(first.has_value());
  CHECK(first->body == "slow");
  REQUIRE(second.has_value());
  CHECK(second->reason() == kind::timeout);
  CHECK(contains(second->what(), "timed out"));
  CHECK(contains(second->what(), "1500 ms"));
  CHECK(second_took < 3000ms);  // generous: the limit is 1500 ms
  MESSAGE("second request failed after "
          << std::chrono::duration_cast<std::chrono::milliseconds>(second_took).count() << " ms: " << std::string(second->what()));

  SUBCASE("the request's own deadline, when earlier") {
    auto t2 = outlook::make_beast_transport(ioc.get_executor(), trusting(ca, [](auto& o) { o.request_timeout = 60s; }));
    auto r = get(server.url("/deadline"));
    r.deadline = std::chrono::steady_clock::now() + 200ms;
    const auto start = std::chrono::steady_clock::now();
    auto e = expect_error(ioc, *t2, r);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(e.reason() == kind::timeout);
    CHECK(contains(e.what(), "deadline"));
    CHECK(took < 400ms + 1s);
    CHECK(e.code() == asio::error::timed_out);
  }
}

TEST_CASE("errors keep the system error code and the certificate verification result") {
  // Issue 6, defect 8.
  asio::io_context ioc;
  unsigned short closed_port = 0;
  {
    asio::ip::tcp::acceptor a(ioc, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = a.local_endpoint().port();
  }
  auto t = outlook::make_beast_transport(ioc.get_executor());
  auto refused = expect_error(ioc, *t, get("https://127.0.0.1:" + std::to_string(closed_port) + "/"));
  CHECK(refused.reason() == kind::connect);
  CHECK(refused.code() == asio::error::connection_refused);
  CHECK_FALSE(refused.certificate_error().has_value());

  https_test_server untrusted(fixed(200, "{}"));
  auto self_signed = expect_error(ioc, *t, get(untrusted.url("/x")));
  CHECK(self_signed.reason() == kind::tls);
  REQUIRE(self_signed.certificate_error().has_value());
  CHECK(*self_signed.certificate_error() == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
  CHECK(self_signed.code() != boost::system::error_code{});

  https_test_server_options other_name;
  other_name.dns_names = {"other.example"};
  other_name.ip_addresses = {};
  https_test_server wrong_host(fixed(200, "{}"), other_name);
  ca_file ca(wrong_host);
  auto t2 = outlook::make_beast_transport(ioc.get_executor(), trusting(ca));
  auto mismatch = expect_error(ioc, *t2, get(wrong_host.url("/x")));
  CHECK(mismatch.reason() == kind::tls);
  REQUIRE(mismatch.certificate_error().has_value());
  CHECK(*mismatch.certificate_error() == X509_V_ERR_HOSTNAME_MISMATCH);
}

TEST_CASE("4 threads on one io_context: 400 concurrent sends through one transport, some cancelled") {
  // Issue 6: run under ThreadSanitizer by .ci/stages/30-tsan.sh. Half the sends run on the
  // io_context's own (unserialised) executor, half on strands racing a short timer.
  https_test_server server([](http_request r) -> asio::awaitable<http_response> {
    co_return http_response{200, {}, "echo " + r.url.substr(r.url.find("/mt/"))};
  });
  ca_file ca(server);
  asio::io_context ioc(4);
  auto t = outlook::make_beast_transport(ioc.get_executor(), trusting(ca, [](auto& o) { o.max_connections_per_host = 6; }));
  constexpr int requests = 400;
  std::atomic<int> answered{0};
  std::atomic<int> cancelled{0};
  std::atomic<int> wrong{0};
  std::mutex m;
  std::string first_wrong;
  auto note_wrong = [&](std::string what) {
    ++wrong;
    std::lock_guard lock(m);
    if (first_wrong.empty()) first_wrong = std::move(what);
  };
  for (int i = 0; i < requests; ++i) {
    const std::string path = "/mt/" + std::to_string(i);
    if (i % 2 == 0) {
      asio::co_spawn(ioc, [&, path]() -> asio::awaitable<void> {
        try {
          auto r = co_await t->send(get(server.url(path)));
          if (r.body == "echo " + path) ++answered; else note_wrong("body '" + r.body + "' for " + path);
        } catch (const std::exception& e) {
          note_wrong(e.what());
        }
      }, asio::detached);
    } else {
      asio::co_spawn(asio::make_strand(ioc), [&, path, i]() -> asio::awaitable<void> {
        auto out = co_await race(*t, get(server.url(path)), std::chrono::microseconds(500 + (i * 53) % 4000));
        if (out.response && !out.error && out.response->body == "echo " + path)
          ++answered;
        else if (out.timer_won && out.error && out.error->reason() == kind::cancelled)
          ++cancelled;
        else
          note_wrong(!out.foreign.empty() ? out.foreign : out.error ? out.error->what() : "wrong body");
      }, asio::detached);
    }
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { ioc.run(); });
  for (auto& th : threads) th.join();
  MESSAGE(requests << " concurrent sends on 4 threads: " << answered.load() << " answered, " << cancelled.load()
                   << " cancelled, " << wrong.load() << " wrong " << first_wrong);
  CHECK(wrong.load() == 0);
  CHECK(answered.load() + cancelled.load() == requests);
  CHECK(answered.load() >= requests / 2);
  ioc.restart();
  CHECK(run(ioc, t->send(get(server.url("/mt/after")))).body == "echo /mt/after");
  const auto stats = t->stats();
  CHECK(stats.connections_opened - stats.connections_closed <= 6);
}
