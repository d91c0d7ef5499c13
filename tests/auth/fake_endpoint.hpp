// Test helpers: an in-process token endpoint (a fake transport), a fake clock, canned
// answers, and a runner for coroutines.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "outlook/auth.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace auth_test {

namespace asio = boost::asio;
namespace auth = outlook::auth;

/// A transport that hands every request to `handler` and keeps a copy of each.
class fake_transport : public outlook::transport {
 public:
  using handler_type = std::function<asio::awaitable<outlook::http_response>(const outlook::http_request&)>;
  explicit fake_transport(handler_type h) : handler_(std::move(h)) {}

  asio::awaitable<outlook::http_response> send(outlook::http_request request) override {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    co_return co_await handler_(request);
  }
  [[nodiscard]] std::vector<outlook::http_request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  [[nodiscard]] std::size_t count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

 private:
  handler_type handler_;
  mutable std::mutex mutex_;
  std::vector<outlook::http_request> requests_;
};

/// The value of a form field of a request body ("" when absent).
inline std::string field(const outlook::http_request& r, std::string_view name) {
  for (const auto& [k, v] : auth::form_decode(r.body))
    if (k == name) return v;
  return {};
}

/// A clock whose time moves only when a provider sleeps (or a test advances it).
struct fake_clock {
  struct state {
    std::mutex mutex;
    std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
    std::vector<std::chrono::milliseconds> sleeps;
  };
  std::shared_ptr<state> s = std::make_shared<state>();

  void advance(std::chrono::steady_clock::duration d) const {
    std::lock_guard lock(s->mutex);
    s->now += d;
  }
  [[nodiscard]] std::chrono::steady_clock::time_point now() const {
    std::lock_guard lock(s->mutex);
    return s->now;
  }
  [[nodiscard]] std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard lock(s->mutex);
    return s->sleeps;
  }
  [[nodiscard]] auth::auth_clock clock() const {
    auto st = s;
    return {.now = [st] {
              std::lock_guard lock(st->mutex);
              return st->now;
            },
            .sleep = [st](std::chrono::milliseconds d) -> asio::awaitable<void> {
              {
                std::lock_guard lock(st->mutex);
                st->sleeps.push_back(d);
                st->now += d;
              }
              co_return;
            }};
  }
};

inline outlook::http_response json_answer(int status, const boost::json::object& o) {
  return {status, {{"Content-Type", "application/json; charset=utf-8"}}, boost::json::serialize(o)};
}

inline outlook::http_response token_answer(std::string access, int expires_in, std::optional<std::string> refresh = {}) {
  boost::json::object o{{"token_type", "Bearer"}, {"scope", "https://graph.microsoft.com/Mail.ReadWrite"},
                        {"expires_in", expires_in}, {"ext_expires_in", expires_in}, {"access_token", access}};
  if (refresh) o["refresh_token"] = *refresh;
  return json_answer(200, o);
}

inline outlook::http_response oauth_error(int status, std::string code, std::string description) {
  return json_answer(status, {{"error", code},
                              {"error_description", description},
                              {"error_codes", boost::json::array{7000215}},
                              {"timestamp", "2026-11-29 23:00:00Z"},
                              {"trace_id", "0b5a6c2e-0000-4000-8000-000000000001"},
                              {"correlation_id", "5e9d1f00-0000-4000-8000-000000000002"}});
}

inline outlook::http_response device_code_answer(std::string device_code, int expires_in, int interval) {
  return json_answer(200, {{"user_code", "FJ8Q2KXLM"},
                           {"device_code", device_code},
                           {"verification_uri", "https://microsoft.com/devicelogin"},
                           {"expires_in", expires_in},
                           {"interval", interval},
                           {"message", "To sign in, use a web browser to open the page https://microsoft.com/devicelogin "
                                       "and enter the code FJ8Q2KXLM to authenticate."}});
}

/// Runs a coroutine to completion on a fresh io_context and returns its result (or rethrows).
template <class T>
T run(std::function<asio::awaitable<T>()> body) {
  asio::io_context ioc;
  std::optional<T> result;
  std::exception_ptr error;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        try {
          result = co_await body();
        } catch (...) {
          error = std::current_exception();
        }
      },
      asio::detached);
  ioc.run();
  if (error) std::rethrow_exception(error);
  if (!result) throw std::runtime_error("the coroutine never finished");
  return std::move(*result);
}

/// Runs `body`, expecting an auth_error, and returns it.
template <class T>
auth::auth_error expect_auth_error(std::function<asio::awaitable<T>()> body) {
  try {
    (void)run<T>(std::move(body));
  } catch (const auth::auth_error& e) {
    return e;
  }
  throw std::runtime_error("expected an auth_error");
}

}  // namespace auth_test
