// Helpers shared by the transport tests: running a coroutine, a CA file for the loopback
// SPDX-License-Identifier: BSL-1.0
// test server, request and handler makers. Included by the test translation units that
// also include outlook/testing/https_test_server.hpp.
#pragma once

#include "outlook/beast_transport.hpp"
#include "outlook/error.hpp"
#include "outlook/testing/https_test_server.hpp"

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <utility>

namespace transport_test {


namespace asio = boost::asio;
using namespace std::chrono_literals;
using outlook::http_request;
using outlook::http_response;
using outlook::transport_error;
using outlook::testing::https_test_server;
using outlook::testing::https_test_server_options;
using kind = outlook::transport_error::kind;

constexpr const char* secret_token = "Bearer SECRET-TOKEN-e3b0c44298fc1c149afb";

/// Runs one coroutine to completion on `ioc` and returns its result (or rethrows).
template <class T>
T run(asio::io_context& ioc, asio::awaitable<T> task) {
  auto future = asio::co_spawn(ioc, std::move(task), asio::use_future);
  ioc.restart();
  ioc.run();
  return future.get();
}

/// A file holding a server's certificate, removed at the end of the test.
class ca_file {
 public:
  explicit ca_file(const https_test_server& server) {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("outlook-mail-transport-test-" + std::to_string(rd()) + "-" + std::to_string(rd()) + ".pem");
    server.write_ca_file(path_);
  }
  ca_file(const ca_file&) = delete;
  ca_file& operator=(const ca_file&) = delete;
  ~ca_file() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Options for a test: defaults changed by `f`, trusting the test server's certificate.
template <class F = void (*)(outlook::beast_transport_options&)>
outlook::beast_transport_options with(F&& f = [](outlook::beast_transport_options&) {}) {
  outlook::beast_transport_options o;
  f(o);
  return o;
}

template <class F = void (*)(outlook::beast_transport_options&)>
outlook::beast_transport_options trusting(const ca_file& ca, F&& f = [](outlook::beast_transport_options&) {}) {
  auto o = with(std::forward<F>(f));
  o.ca_file = ca.path();
  return o;
}

inline http_request get(std::string url) {
  http_request r;
  r.method = "GET";
  r.url = std::move(url);
  r.headers.set("Authorization", secret_token);
  r.headers.set("Accept", "application/json");
  return r;
}

inline https_test_server::handler_type fixed(int status, std::string body, std::string content_type = "application/json") {
  return [status, body = std::move(body), content_type](http_request) -> asio::awaitable<http_response> {
    http_response r;
    r.status = status;
    r.headers.set("Content-Type", content_type);
    r.body = body;
    co_return r;
  };
}

inline std::string pseudo_random_text(std::size_t size, unsigned seed) {
  std::mt19937 gen(seed);
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 {}[]\":,\n";
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(alphabet) - 2);
  std::string s(size, ' ');
  for (auto& c : s) c = alphabet[pick(gen)];
  return s;
}

/// Expects the awaited send to fail with a transport_error; returns it.
inline transport_error expect_error(asio::io_context& ioc, outlook::transport& t, http_request r) {
  try {
    (void)run(ioc, t.send(std::move(r)));
  } catch (const transport_error& e) {
    return e;
  }
  FAIL("expected a transport_error");
  return transport_error(kind::other, "unreachable");
}

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}


}  // namespace transport_test
