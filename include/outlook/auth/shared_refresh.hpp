// outlook-mail: the token cache every provider shares, with one refresh at a time.
// SPDX-License-Identifier: BSL-1.0
//
// A provider answers from its cache while the token is good (until `expiry_skew` before
// it expires, or half its lifetime for short-lived tokens). When it is not, the first
// caller starts ONE fetch and every caller that arrives while it runs waits for that same
// result: a burst of requests after expiry costs one round trip to the token endpoint, not
// one each (no thundering herd). `force_refresh` skips the cache once (it still joins a
// fetch already running, whose token is new anyway).
//
// How the waiting works, on one io_context or across threads: each waiter parks its
// completion handler (with its own executor) in a list guarded by a mutex. The fetch runs
// as its own coroutine, spawned on the executor of the caller that started it, so the
// cancellation or failure of one caller never cancels the others' token. When it ends,
// the result (or the exception) is posted to every waiter's executor; waiters resume on
// their own executors. A fetch is bounded by the provider's request timeout, not by
// cancellation of a waiter.
//
#pragma once

#include "outlook/auth/clock.hpp"
#include "outlook/auth/protocol.hpp"
#include "outlook/token.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace outlook::auth::detail {

class shared_refresh : public std::enable_shared_from_this<shared_refresh> {
 public:
  using signature = void(std::exception_ptr, access_token);

  shared_refresh(auth_clock clock, std::chrono::seconds expiry_skew)
      : clock_(std::move(clock)), skew_(std::max(expiry_skew, std::chrono::seconds(0))) {}
  shared_refresh(const shared_refresh&) = delete;
  shared_refresh& operator=(const shared_refresh&) = delete;
  virtual ~shared_refresh() = default;

  /// The cached token when it is good, else the result of the one fetch in progress (or
  /// of a new one).
  [[nodiscard]] static boost::asio::awaitable<access_token> get(std::shared_ptr<shared_refresh> self, token_request request) {
    namespace asio = boost::asio;
    if (!request.force_refresh) {
      std::lock_guard lock(self->mutex_);
      if (self->fresh_locked()) co_return *self->cached_;
    }
    // The initiation captures a plain pointer (`self` keeps the state alive meanwhile): GCC
    // 12 destroys some temporaries of a co_await expression twice, and a lambda holding a
    // shared_ptr copy would then release the state once too often.
    shared_refresh* state = self.get();
    access_token token = co_await asio::async_initiate<const asio::use_awaitable_t<>&, signature>(
        [state, force = request.force_refresh](auto handler) { state->join(std::move(handler), force); },
        asio::use_awaitable);
    co_return token;
  }

  /// The cached token, good or not (nullopt before the first success).
  [[nodiscard]] std::optional<access_token> cached() const {
    std::lock_guard lock(mutex_);
    return cached_;
  }

  /// Fetches started so far (one per cache miss or forced refresh, however many waited).
  [[nodiscard]] std::size_t fetches_started() const {
    std::lock_guard lock(mutex_);
    return fetches_;
  }

 protected:
  /// One round trip (or, for the device code flow, one whole sign-in) for a new token.
  [[nodiscard]] virtual boost::asio::awaitable<access_token> fetch() = 0;

  [[nodiscard]] const auth_clock& clock() const noexcept { return clock_; }

 private:
  struct waiter {
    boost::asio::any_io_executor executor;
    boost::asio::any_completion_handler<signature> handler;
  };

  // Clears the fetch's place when its coroutine is destroyed without finishing (its
  // io_context was destroyed): the waiters' handlers are destroyed with it, as Asio
  // destroys the handlers of any operation pending at shutdown.
  struct abandon_guard {
    shared_refresh* self;
    bool finished = false;
    ~abandon_guard() {
      if (finished) return;
      std::vector<waiter> dropped;
      {
        std::lock_guard lock(self->mutex_);
        self->in_flight_ = false;
        dropped.swap(self->waiters_);
      }
    }
  };

  [[nodiscard]] bool fresh_locked() const {
    if (!cached_) return false;
    const auto margin = std::min<std::chrono::steady_clock::duration>(skew_, cached_->expires_in / 2);
    return clock_.current() < cached_->expires_at - margin;
  }

  template <class Handler>
  void join(Handler handler, bool force) {
    namespace asio = boost::asio;
    asio::any_io_executor executor = asio::get_associated_executor(handler);  // the awaiting coroutine's
    std::unique_lock lock(mutex_);
    if (!force && fresh_locked()) {  // a fetch ended between the fast path and here
      access_token token = *cached_;
      lock.unlock();
      asio::post(executor, [h = std::move(handler), t = std::move(token)]() mutable { std::move(h)(nullptr, std::move(t)); });
      return;
    }
    waiters_.push_back(waiter{executor, asio::any_completion_handler<signature>(std::move(handler))});
    if (in_flight_) return;
    in_flight_ = true;
    ++fetches_;
    lock.unlock();
    std::shared_ptr<shared_refresh> self = shared_from_this();
    asio::co_spawn(executor, run(std::move(self)), asio::detached);
  }

  static boost::asio::awaitable<void> run(std::shared_ptr<shared_refresh> self) {
    abandon_guard guard{self.get()};
    std::exception_ptr error;
    access_token token;
    try {
      token = co_await self->fetch();
    } catch (...) {
      error = std::current_exception();
    }
    guard.finished = true;
    self->publish(error, std::move(token));
  }

  void publish(std::exception_ptr error, access_token token) {
    std::vector<waiter> waiting;
    {
      std::lock_guard lock(mutex_);
      if (!error) cached_ = token;  // a failed refresh keeps the previous token (it may still be good)
      in_flight_ = false;
      waiting.swap(waiters_);
    }
    for (auto& w : waiting)
      boost::asio::post(w.executor, [h = std::move(w.handler), error, token]() mutable { std::move(h)(error, token); });
  }

  auth_clock clock_;
  std::chrono::seconds skew_;
  mutable std::mutex mutex_;
  std::optional<access_token> cached_;
  bool in_flight_ = false;
  std::size_t fetches_ = 0;
  std::vector<waiter> waiters_;
};

/// The public face the three providers share: a copyable handle on their state (copies
/// share one cache and one refresh), usable as an outlook::token_provider.
class provider_handle {
 public:
  /// The access token (cached, or fetched once for all concurrent callers).
  [[nodiscard]] boost::asio::awaitable<std::string> operator()(token_request request = {}) const {
    return value_of(state_, request);
  }
  /// The access token with its expiry.
  [[nodiscard]] boost::asio::awaitable<access_token> token(token_request request = {}) const {
    return shared_refresh::get(state_, request);
  }
  /// Round trips to the token endpoint so far.
  [[nodiscard]] std::size_t fetches_started() const { return state_->fetches_started(); }

 protected:
  explicit provider_handle(std::shared_ptr<shared_refresh> state) : state_(std::move(state)) {}
  /// The provider's own state (the type it made the handle with).
  template <class State>
  [[nodiscard]] State& state_as() const {
    return static_cast<State&>(*state_);
  }

 private:
  static boost::asio::awaitable<std::string> value_of(std::shared_ptr<shared_refresh> s, token_request request) {
    access_token token = co_await shared_refresh::get(std::move(s), request);
    co_return std::move(token.value);
  }

  std::shared_ptr<shared_refresh> state_;
};

}  // namespace outlook::auth::detail
