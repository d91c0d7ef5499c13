// outlook-mail: the time a token provider sees, replaceable in tests.
//
// Providers read the time to decide whether a cached token is still good and to know
// when a device code expires, and they sleep between device code polls. Both go through
// an auth_clock, so a test can run a 15-minute device code flow in microseconds.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <functional>

namespace outlook::auth {

struct auth_clock {
  using time_point = std::chrono::steady_clock::time_point;
  /// The current time; empty: std::chrono::steady_clock::now.
  std::function<time_point()> now{};
  /// Waits this long; empty: a steady_timer on the calling coroutine's executor.
  std::function<boost::asio::awaitable<void>(std::chrono::milliseconds)> sleep{};

  [[nodiscard]] time_point current() const { return now ? now() : std::chrono::steady_clock::now(); }

  [[nodiscard]] boost::asio::awaitable<void> wait(std::chrono::milliseconds d) const {
    if (sleep) {
      co_await sleep(d);
      co_return;
    }
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, d);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
};

}  // namespace outlook::auth
