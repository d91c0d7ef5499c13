// Helpers shared by the session test files: run an awaitable to completion, catch the
// exception it ends with, script responses for the replay transport, and a transport
// that keeps every request as sent (token included) so tests can check the token
// without the replay transport keeping it.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "outlook/http.hpp"
#include "outlook/testing/replay_transport.hpp"
#include "outlook/testing/run.hpp"
#include "outlook/transport.hpp"

namespace session_test {

using outlook::testing::interaction;

inline interaction respond(int status, std::string body, outlook::http_headers headers = {{"Content-Type", "application/json"}}) {
  interaction x;
  x.response.status = status;
  x.response.headers = std::move(headers);
  x.response.body = std::move(body);
  return x;
}

inline interaction fail_with(std::string kind) {
  interaction x;
  x.response.transport_error = std::move(kind);
  return x;
}

/// Wraps a transport and keeps a copy of every request handed to it, as it was.
class capturing_transport : public outlook::transport {
 public:
  explicit capturing_transport(outlook::transport_ptr inner) : inner_(std::move(inner)) {}
  boost::asio::awaitable<outlook::http_response> send(outlook::http_request request) override {
    {
      std::lock_guard lock(mutex_);
      sent_.push_back(request);
    }
    co_return co_await inner_->send(std::move(request));
  }
  [[nodiscard]] std::vector<outlook::http_request> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  outlook::transport_ptr inner_;
  mutable std::mutex mutex_;
  std::vector<outlook::http_request> sent_;
};

/// Runs the awaitable `f()` returns on an io_context and gives its result (or rethrows);
/// f() is called inside the coroutine, so an argument refused while the request is built
/// surfaces as it would in a user's coroutine.
using outlook::testing::run;

/// The exception of type E that running f() throws; fails the test when none is thrown.
template <class E, class F>
std::optional<E> thrown(F f) {
  try {
    run(std::move(f));
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    FAIL_CHECK("expected another exception type, got: " << e.what());
    return std::nullopt;
  }
  FAIL_CHECK("expected an exception, none was thrown");
  return std::nullopt;
}

inline std::string header(const outlook::http_request& r, std::string_view name) {
  auto v = r.headers.get(name);
  return v ? std::string(*v) : std::string("(absent)");
}

}  // namespace session_test
