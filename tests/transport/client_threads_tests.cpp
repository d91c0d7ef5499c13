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

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
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

namespace {

/// A field of /proc/self/status in kB (VmRSS, VmHWM), or -1.
long status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  return -1;
}

/// Resets VmHWM to the current RSS (Linux: "5" to clear_refs), so the peak measured is this
/// test's own, not an earlier test's.
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

/// The attachment's bytes, made as the server writes them and checked as the client gets them.
struct byte_pattern {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  char next() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<char>(state >> 56);
  }
};

/// Bytes checked in order, with a checksum over them.
struct checked_bytes {
  byte_pattern expected;
  std::uint64_t count = 0;
  std::uint64_t mismatches = 0;
  std::size_t largest_piece = 0;
  void take(std::string_view piece) {
    largest_piece = std::max(largest_piece, piece.size());
    for (char c : piece) mismatches += c != expected.next();
    count += piece.size();
  }
};

// A 100 MB attachment where the build is optimized and without a sanitizer; a smaller one
// under ASan/TSan/Debug, where 100 MB through TLS takes minutes. The bound is the same.
#if defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
constexpr std::uint64_t large_attachment_size = std::uint64_t{100} * 1024 * 1024;
#else
constexpr std::uint64_t large_attachment_size = std::uint64_t{24} * 1024 * 1024;
#endif

}  // namespace

TEST_CASE("a large file attachment streams to a sink: base64 decoded as it arrives, peak RSS bounded") {
  const std::string head =
      R"({"@odata.type":"#Microsoft.OutlookServices.FileAttachment","Id":"AAMkAtt=","Name":"big.bin",)"
      R"("ContentType":"application/octet-stream","Size":)" + std::to_string(large_attachment_size) + R"(,"ContentBytes":")";
  https_test_server_options server_options;
  server_options.generated_body = [&](const http_request&) {
    // {head}{base64 of the pattern, 48 KiB of bytes a piece}"}: never held whole.
    struct state {
      byte_pattern pattern;
      std::uint64_t left = large_attachment_size;
      int stage = 0;
    };
    auto st = std::make_shared<state>();
    return std::function<bool(std::string&)>([st, &head](std::string& piece) {
      if (st->stage == 0) {
        piece += head;
        st->stage = 1;
        return true;
      }
      if (st->left == 0) {
        if (st->stage == 2) return false;
        piece += R"("})";
        st->stage = 2;
        return true;
      }
      // Encoded into `piece` in place: the server reuses its buffer, so the test's own
      // allocations do not grow the peak (ASan keeps freed blocks in quarantine).
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(st->left, 48 * 1024));
      static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      for (std::size_t i = 0; i < n; i += 3) {
        const std::size_t k = std::min<std::size_t>(3, n - i);
        std::uint32_t v = 0;
        for (std::size_t j = 0; j < 3; ++j)
          v = (v << 8) | (j < k ? static_cast<std::uint32_t>(static_cast<unsigned char>(st->pattern.next())) : 0u);
        piece += alphabet[(v >> 18) & 63];
        piece += alphabet[(v >> 12) & 63];
        piece += k > 1 ? alphabet[(v >> 6) & 63] : '=';
        piece += k > 2 ? alphabet[v & 63] : '=';
      }
      st->left -= n;
      return true;
    });
  };
  https_test_server server([](http_request) -> asio::awaitable<http_response> {
    co_return http_response{200, {{"Content-Type", "application/json"}}, ""};
  }, server_options);
  ca_file ca(server);
  asio::io_context ioc;
  outlook::client_options options;
  options.base_url = server.url("/api/v2.0");
  mail::client client(outlook::make_beast_transport(ioc.get_executor(), trusting(ca, [](auto& o) {
                        o.max_response_body = std::size_t{256} * 1024 * 1024;
                      })),
                      outlook::fixed_token("token-1"), options);

  REQUIRE(reset_peak_rss());
  const long baseline_kb = status_kb("VmRSS");
  checked_bytes got;
  auto attachment = run(ioc, client.me().get_attachment("AAMkMsg=", "AAMkAtt=", [&](std::string_view piece) { got.take(piece); }));
  const long peak_kb = status_kb("VmHWM");

  CHECK(got.count == large_attachment_size);
  CHECK(got.mismatches == 0);
  CHECK(got.largest_piece <= std::size_t{64} * 1024);
  const auto* file = attachment.as<mail::file_attachment>();
  REQUIRE(file != nullptr);
  CHECK(file->name == "big.bin");
  CHECK_FALSE(file->content_bytes.has_value());  // went to the sink, not into the result
  REQUIRE(baseline_kb > 0);
  REQUIRE(peak_kb > 0);
  MESSAGE("attachment of " << large_attachment_size / (1024 * 1024) << " MiB: peak RSS " << (peak_kb - baseline_kb) / 1024
                           << " MiB above the baseline");
  CHECK(peak_kb - baseline_kb < 32 * 1024);
}
