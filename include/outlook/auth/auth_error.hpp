// outlook-mail: the error of a failed sign-in (Microsoft identity platform).
//
// The token endpoint answers a refused request with an OAuth error body:
//     {"error": "invalid_client", "error_description": "AADSTS7000215: ...",
//      "error_codes": [7000215], "trace_id": "...", "correlation_id": "..."}
// auth_error keeps those fields. Its message never holds a client secret, a refresh
// token, a device code or an access token: the description is redacted before it is kept
// (see outlook/auth/redact.hpp), and request bodies are never described at all.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "outlook/error.hpp"

#include <string>
#include <utility>
#include <vector>

namespace outlook::auth {

class auth_error : public outlook::error {
 public:
  struct details {
    /// The OAuth `error` code: "invalid_client", "invalid_grant", "expired_token",
    /// "authorization_declined", "bad_verification_code", ... Empty when the answer had
    /// none (a non-JSON body, a 200 without an access token).
    std::string code{};
    /// `error_description`, or the client's own explanation; redacted and shortened.
    std::string description{};
    /// HTTP status of the answer; 0 when the error arose in the client (the device code
    /// expired before the user signed in, a malformed answer to a 200).
    int status = 0;
    /// The AADSTS numbers of `error_codes` (7000215 is "invalid client secret").
    std::vector<long long> error_codes{};
    std::string trace_id{};
    std::string correlation_id{};
    /// The endpoint URL (it holds no secret: secrets travel in the request body only).
    std::string endpoint{};
  };

  explicit auth_error(details d) : error(describe(d)), details_(std::move(d)) {}

  [[nodiscard]] const std::string& code() const noexcept { return details_.code; }
  [[nodiscard]] const std::string& description() const noexcept { return details_.description; }
  [[nodiscard]] int status() const noexcept { return details_.status; }
  [[nodiscard]] const std::vector<long long>& error_codes() const noexcept { return details_.error_codes; }
  [[nodiscard]] const std::string& trace_id() const noexcept { return details_.trace_id; }
  [[nodiscard]] const std::string& correlation_id() const noexcept { return details_.correlation_id; }
  [[nodiscard]] const std::string& endpoint() const noexcept { return details_.endpoint; }

 private:
  static std::string describe(const details& d) {
    std::string s = "sign-in failed";
    if (!d.code.empty()) s += ": " + d.code;
    if (d.status != 0) s += " (HTTP " + std::to_string(d.status) + ")";
    if (!d.description.empty()) s += ": " + d.description;
    if (!d.endpoint.empty()) s += " [" + d.endpoint + "]";
    if (!d.trace_id.empty()) s += " (trace id " + d.trace_id + ")";
    return s;
  }
  details details_;
};

}  // namespace outlook::auth
