// client_options::max_requests_per_mailbox: a transport that holds each request a moment
// counts how many of each mailbox are in flight at once, while many more are started.
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "outlook/detail/mailbox_limiter.hpp"
#include "outlook/graph/client.hpp"

namespace graph = outlook::graph;
namespace asio = boost::asio;

namespace {

/// Answers every request after a short wait, counting requests in flight per mailbox.
class counting_transport : public outlook::transport {
 public:
  asio::awaitable<outlook::http_response> send(outlook::http_request request) override {
    const auto path = request.url.substr(request.url.find("/v1.0/") + 6);
    const auto mailbox = outlook::detail::mailbox_key(path);
    {
      std::lock_guard lock(mutex_);
      const int now = ++in_flight_[mailbox];
      if (now > peak_[mailbox]) peak_[mailbox] = now;
    }
    asio::steady_timer hold(co_await asio::this_coro::executor);
    hold.expires_after(std::chrono::milliseconds(2));
    co_await hold.async_wait(asio::use_awaitable);
    {
      std::lock_guard lock(mutex_);
      --in_flight_[mailbox];
    }
    outlook::http_response r;
    r.status = 200;
    r.headers.add("Content-Type", "application/json");
    r.body = R"({"id":"m","isRead":true})";
    co_return r;
  }

  int peak(const std::string& mailbox) {
    std::lock_guard lock(mutex_);
    return peak_[mailbox];
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> in_flight_, peak_;
};

/// Starts `per_mailbox` get_message calls on each of three mailboxes at once and runs them.
void start_many(const graph::client& client, int per_mailbox, asio::io_context& ioc) {
  std::vector<std::future<outlook::poly<graph::message>>> calls;
  for (const auto& mb : {client.me(), client.user("Alex@contoso.example"), client.user("megan@contoso.example")})
    for (int i = 0; i < per_mailbox; ++i) calls.push_back(asio::co_spawn(ioc, mb.get_message("m" + std::to_string(i)), asio::use_future));
  // "Alex@..." and "alex@..." are one mailbox: these share Alex's places.
  for (int i = 0; i < per_mailbox; ++i)
    calls.push_back(asio::co_spawn(ioc, client.user("alex@contoso.example").get_message("x"), asio::use_future));
  ioc.run();
  for (auto& c : calls) CHECK(c.get()->id == "m");
}

}  // namespace

TEST_CASE("requests per mailbox: never more in flight than the limit, each mailbox on its own") {
  for (std::size_t limit : {std::size_t{4}, std::size_t{1}, std::size_t{0}}) {
    CAPTURE(limit);
    asio::io_context ioc;
    auto transport = std::make_shared<counting_transport>();
    outlook::client_options options;
    if (limit != 4) options.max_requests_per_mailbox = limit;  // 4 is the default
    graph::client client(transport, outlook::fixed_token("t"), options);
    start_many(client, 12, ioc);
    if (limit == 0) {
      CHECK(transport->peak("me") == 12);  // no limit: all of them at once
      CHECK(transport->peak("users/alex@contoso.example") == 24);
    } else {
      CHECK(transport->peak("me") == static_cast<int>(limit));
      CHECK(transport->peak("users/alex@contoso.example") == static_cast<int>(limit));
      CHECK(transport->peak("users/megan@contoso.example") == static_cast<int>(limit));
    }
  }
}

TEST_CASE("requests per mailbox: a waiting request can be cancelled, and its place is not lost") {
  asio::io_context ioc;
  outlook::detail::mailbox_limiter limiter(1);
  std::vector<std::string> events;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        auto held = co_await limiter.acquire("me");
        asio::cancellation_signal cancel;
        auto waiting = asio::co_spawn(ioc, limiter.acquire("me"), asio::bind_cancellation_slot(cancel.slot(), asio::use_future));
        asio::steady_timer tick(ioc);
        tick.expires_after(std::chrono::milliseconds(1));
        co_await tick.async_wait(asio::use_awaitable);
        cancel.emit(asio::cancellation_type::terminal);
        tick.expires_after(std::chrono::milliseconds(1));
        co_await tick.async_wait(asio::use_awaitable);
        if (waiting.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
          events.push_back("still waiting");
          co_return;
        }
        try {
          (void)waiting.get();
          events.push_back("granted");
        } catch (const boost::system::system_error& e) {
          events.push_back(e.code() == asio::error::operation_aborted ? "cancelled" : "other");
        }
        held = {};  // gives the place back
        auto again = co_await limiter.acquire("me");
        events.push_back("acquired again");
      },
      asio::detached);
  ioc.run();
  CHECK(events == std::vector<std::string>{"cancelled", "acquired again"});
  CHECK(limiter.active_mailboxes() == 0);
}

TEST_CASE("requests per mailbox: the key of a path") {
  using outlook::detail::mailbox_key;
  CHECK(mailbox_key("me/messages/x") == "me");
  CHECK(mailbox_key("me") == "me");
  CHECK(mailbox_key("users/Alex%40Contoso.com/messages") == "users/alex%40contoso.com");
  CHECK(mailbox_key("$batch").empty());
  CHECK(mailbox_key("meeting/x").empty());
}
