// outlook-mail: running a coroutine to completion, for tests and small programs.
// SPDX-License-Identifier: BSL-1.0
//
// Every operation is a boost::asio::awaitable, which only runs inside a coroutine on an
// executor. A test wants the plain result, or the exception:
//
//     auto page = outlook::testing::run([&] { return me.list_messages(mail::folder::inbox); });
//
// run() makes an io_context, co_spawns the coroutine, runs the context until it is done
// and returns the result or rethrows the exception. A transport bound to an io_context of
// its own (make_beast_transport(io.get_executor())) needs that context run instead:
// run(io, f). The callable is invoked inside the
// coroutine, so an argument refused while a request is being built surfaces as it would
// in a program's own coroutine.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace outlook::testing {

/// Runs the awaitable `f()` returns to completion on `io` (run until it has no more work,
/// then restarted so that it can be run again); returns its result or rethrows its exception.
template <class F>
  requires std::is_invocable_v<F&>
auto run(boost::asio::io_context& io, F f) -> typename std::invoke_result_t<F&>::value_type {
  using T = typename std::invoke_result_t<F&>::value_type;
  io.restart();
  std::exception_ptr error;
  if constexpr (std::is_void_v<T>) {
    boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> { co_await f(); },
                          [&](std::exception_ptr e) { error = e; });
    io.run();
    if (error) std::rethrow_exception(error);
  } else {
    std::optional<T> result;
    boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<T> { co_return co_await f(); },
                          [&](std::exception_ptr e, T value) {
                            error = e;
                            if (!e) result.emplace(std::move(value));
                          });
    io.run();
    if (error) std::rethrow_exception(error);
    return std::move(*result);
  }
}

/// Runs the awaitable `f()` returns to completion on a fresh io_context; returns its
/// result or rethrows its exception.
template <class F>
  requires std::is_invocable_v<F&>
auto run(F f) -> typename std::invoke_result_t<F&>::value_type {
  boost::asio::io_context io;
  return run(io, std::move(f));
}

/// Runs an awaitable to completion on a fresh io_context (the awaitable must not depend on
/// another execution context); returns its result or rethrows its exception.
template <class T>
T run(boost::asio::awaitable<T> awaitable) {
  return run([&]() -> boost::asio::awaitable<T> { return std::move(awaitable); });
}

}  // namespace outlook::testing
