// outlook-mail: a transport that plays a cassette back instead of going to the network.
// SPDX-License-Identifier: BSL-1.0
//
// Each send() must match the next recorded request (request_matcher.hpp); anything else
// is a cassette_mismatch. That exception deliberately does not derive from
// outlook::error: a test expecting, say, an api_error must not be satisfied by a request
// the cassette never recorded.
//
// sent() keeps every request with its secrets replaced (Authorization, Cookie,
// Proxy-Authorization), so a test log or a dump of sent() never shows a token. send() may
// be called from several threads (a mutex guards the state); the order of concurrent
// requests is then whatever order they reach it.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "outlook/error.hpp"
#include "outlook/http.hpp"
#include "outlook/testing/cassette.hpp"
#include "outlook/testing/request_matcher.hpp"
#include "outlook/transport.hpp"

namespace outlook::testing {

/// The client sent a request the cassette does not have at that point.
class cassette_mismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class replay_transport : public transport {
 public:
  explicit replay_transport(std::vector<interaction> interactions) : interactions_(std::move(interactions)) {}

  boost::asio::awaitable<http_response> send(http_request request) override {
    co_return respond(request);
  }

  /// Every recorded interaction has been consumed.
  [[nodiscard]] bool finished() const {
    std::lock_guard lock(mutex_);
    return next_ == interactions_.size();
  }
  [[nodiscard]] std::size_t consumed() const {
    std::lock_guard lock(mutex_);
    return next_;
  }
  /// Every request handed to send(), matched or not, in order, with secret header values
  /// replaced ("Bearer <redacted>" for a bearer token, "<redacted>" otherwise).
  [[nodiscard]] std::vector<http_request> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  static http_request without_secrets(http_request r) {
    http_headers clean;
    for (const auto& [name, value] : r.headers) {
      if (iequals(name, "Authorization") || iequals(name, "Proxy-Authorization"))
        clean.add(name, value.starts_with("Bearer ") ? "Bearer <redacted>" : "<redacted>");
      else if (iequals(name, "Cookie"))
        clean.add(name, "<redacted>");
      else
        clean.add(name, value);
    }
    r.headers = std::move(clean);
    return r;
  }

  http_response respond(const http_request& request) {
    std::lock_guard lock(mutex_);
    sent_.push_back(without_secrets(request));
    // Method and URL identify the request in messages; headers (the token) never do.
    const std::string what = request.method + " " + request.url;
    const std::size_t total = interactions_.size();
    if (next_ >= total)
      throw cassette_mismatch("request " + std::to_string(next_ + 1) + " (" + what + ") was not recorded: the cassette has " +
                              std::to_string(total) + " interaction" + (total == 1 ? "" : "s"));

    const interaction& x = interactions_[next_];
    const std::string label = "interaction " + std::to_string(next_ + 1) + " of " + std::to_string(total);
    // A decode-only interaction records no request: whatever was sent gets its response.
    if (x.request) {
      if (auto why = mismatch(*x.request, request))
        throw cassette_mismatch(label + " (" + what + "): " + *why);
    }
    ++next_;

    const recorded_response& r = x.response;
    if (r.transport_error) {
      const auto k = *r.transport_error == "timeout" ? transport_error::kind::timeout : transport_error::kind::reset;
      throw transport_error(k, "replayed " + *r.transport_error + " for " + what);
    }
    http_response response;
    response.status = r.status;
    response.headers = r.headers;
    response.body = response_body_text(r);
    return response;
  }

  mutable std::mutex mutex_;
  std::vector<interaction> interactions_;
  std::size_t next_ = 0;
  std::vector<http_request> sent_;
};

}  // namespace outlook::testing
