// The typed client (outlook::mail::client) over the real Beast transport, used from several
// SPDX-License-Identifier: BSL-1.0
// threads at once: what a user gets with one client and an io_context run by a thread pool.
// The transport's own 4-thread test (robustness_tests.cpp) covers send(); this one adds
// the session above it: request IDs, the token provider called concurrently, retries after
// 429 with their backoff timers, decoding, and calls cancelled by a racing timer.
// .ci/stages/30-tsan.sh runs it under ThreadSanitizer.
#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "outlook/mail.hpp"
#include "test_support.hpp"

using namespace transport_test;  // NOLINT: test helpers
using namespace boost::asio::experimental::awaitable_operators;
namespace mail = outlook::mail;

namespace {

/// What the server saw, written from the server's thread and read after the run.
struct server_log {
  std::mutex m;
  std::set<std::string> request_ids;
  int duplicate_request_ids = 0;
  int requests = 0;
  int without_token = 0;

  void note(const http_request& r) {
    std::lock_guard lock(m);
    ++requests;
    if (r.headers.get("Authorization").value_or("") != "Bearer token-1") ++without_token;
    // Every attempt gets a fresh ID (a retry too): two requests with one ID mean the
    // session's ID generator raced.
    if (!request_ids.insert(std::string(r.headers.get("client-request-id").value_or(""))).second) ++duplicate_request_ids;
  }
};

}  // namespace

TEST_CASE("4 threads, one client: 400 concurrent calls with retries and cancellations, each gets its own answer") {
  server_log log;
  std::atomic<int> throttled{0};
  std::mutex throttled_m;
  std::set<std::string> throttled_once;  // message IDs already answered 429 once
  https_test_server server([&](http_request r) -> asio::awaitable<http_response> {
    log.note(r);
    // GET /api/v2.0/me/messages/<id>: the message with that ID; IDs containing "retried"
    // get a 429 with Retry-After: 0 first.
    const auto at = r.url.find("/messages/");
    const std::string id = at == std::string::npos ? "" : r.url.substr(at + 10, r.url.find('?', at) - at - 10);
    if (id.find("retried") != std::string::npos) {
      std::lock_guard lock(throttled_m);
      if (throttled_once.insert(id).second) {
        ++throttled;
        http_response busy{429, {}, R"({"error":{"code":"ApplicationThrottled","message":"slow down"}})"};
        busy.headers.set("Retry-After", "0");
        busy.headers.set("Content-Type", "application/json");
        co_return busy;
      }
    }
    http_response ok{200, {}, R"({"Id":")" + id + R"(","Subject":"subject of )" + id + R"("})"};
    ok.headers.set("Content-Type", "application/json");
    co_return ok;
  });
  ca_file ca(server);

  asio::io_context ioc(4);
  outlook::client_options options;
  options.base_url = server.url("/api/v2.0");
  options.retry.initial_backoff = std::chrono::milliseconds(1);
  // The token provider is called by every attempt, from whichever thread runs it.
  std::atomic<int> token_calls{0};
  mail::client client(outlook::make_beast_transport(ioc.get_executor(), trusting(ca, [](auto& o) {
                        o.max_connections_per_host = 6;
                      })),
                      [&]() -> asio::awaitable<std::string> {
                        ++token_calls;
                        co_return "token-1";
                      },
                      options);

  constexpr int calls = 400;
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
  auto get_and_check = [&](std::string id) -> asio::awaitable<bool> {
    auto message = co_await client.me().get_message(id);
    if (message->id.value_or("") == id && message->subject.value_or("") == "subject of " + id) co_return true;
    note_wrong("message '" + message->id.value_or("") + "' for " + id);
    co_return false;
  };

  for (int i = 0; i < calls; ++i) {
    const std::string id = (i % 3 == 0 ? "retried-" : "m-") + std::to_string(i);
    if (i % 2 == 0) {
      // On the io_context itself: coroutines of one client resumed by any of the threads.
      asio::co_spawn(ioc, [&, id]() -> asio::awaitable<void> {
        try {
          if (co_await get_and_check(id)) ++answered;
        } catch (const std::exception& e) {
          note_wrong(id + ": " + e.what());
        }
      }, asio::detached);
    } else {
      // On strands, racing a timer: a short one for half of them (cancelled while queued for
      // a connection or mid-exchange), a long one for the others (answered on a strand).
      asio::co_spawn(asio::make_strand(ioc), [&, id, i]() -> asio::awaitable<void> {
        bool got = false;
        std::string error;
        auto attempt = [&]() -> asio::awaitable<void> {
          try {
            got = co_await get_and_check(id);
          } catch (const outlook::transport_error& e) {
            if (e.reason() != outlook::transport_error::kind::cancelled) error = e.what();
          } catch (const std::exception& e) {
            error = e.what();
          }
        };
        asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::microseconds(i % 4 == 1 ? 10'000'000 : 300 + (i * 97) % 20000));
        const auto winner = co_await (attempt() || timer.async_wait(asio::use_awaitable));
        if (!error.empty()) note_wrong(id + ": " + error);
        else if (got) ++answered;
        else if (winner.index() == 1) ++cancelled;
      }, asio::detached);
    }
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { ioc.run(); });
  for (auto& t : threads) t.join();

  MESSAGE(calls << " calls on 4 threads: " << answered.load() << " answered, " << cancelled.load() << " cancelled, "
                << wrong.load() << " wrong " << first_wrong << "; " << throttled.load() << " answered 429 first, "
                << log.requests << " requests, " << token_calls.load() << " token calls");
  CHECK(wrong.load() == 0);
  CHECK(answered.load() + cancelled.load() == calls);
  CHECK(answered.load() >= calls / 2);
  CHECK(throttled.load() > 0);
  CHECK(log.without_token == 0);
  CHECK(log.duplicate_request_ids == 0);
  CHECK(token_calls.load() >= log.requests);

  // The client and its pool still work afterwards.
  ioc.restart();
  const auto after = run(ioc, client.me().get_message("after"));
  CHECK(after->id.value_or("") == "after");
}
