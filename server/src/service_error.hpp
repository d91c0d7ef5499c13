// The error a request gets, in the service's shape: HTTP status, OData error code, message.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <stdexcept>
#include <string>

namespace outlook::server {

class service_error : public std::runtime_error {
 public:
  service_error(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}
  [[nodiscard]] int status() const noexcept { return status_; }
  [[nodiscard]] const std::string& code() const noexcept { return code_; }

 private:
  int status_;
  std::string code_;
};

/// A seed file that cannot be loaded; what() says which entry and why.
class seed_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace outlook::server
