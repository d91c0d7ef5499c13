// The mailbox service: turns one HTTP request into one response over the store. Both
// dialects share it: Outlook v2.0 under /api/v2.0 (and /api/beta), Graph v1.0 under /v1.0.
// Independent of any HTTP library (the listener adapts Beast to it).
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "attachments.hpp"
#include "service_error.hpp"
#include "store.hpp"

#include <outlook/http.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>

namespace outlook::server {

struct service_options {
  /// Share (0-100) of requests answered 429 with Retry-After, for resilience tests.
  int throttle_percent = 0;
};

class service {
 public:
  explicit service(store& s, service_options options = {});

  /// Loads users, app tokens, folders and messages (see docs/server.md) into an empty
  /// store, and makes every mailbox's well-known folders. A store that already holds
  /// users (a database file from an earlier run) is left as it is.
  void load_seed(const boost::json::value& seed);

  /// Answers one request. `request.url` is the request target ("/v1.0/me/messages?..."),
  /// `origin` the server's own "https://127.0.0.1:PORT", used in the links it writes.
  [[nodiscard]] http_response handle(const http_request& request, std::string_view origin);

  struct context;  // one request's state (service.cpp)

 private:
  store& store_;
  service_options options_;
  std::mt19937_64 random_;
  upload_sessions uploads_;
};

}  // namespace outlook::server
