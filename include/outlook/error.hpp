// outlook-mail: the exceptions the library throws. None of their messages ever contains
// SPDX-License-Identifier: BSL-1.0
// the access token: requests are described by method and URL only, never by headers.
#pragma once

#include <boost/system/error_code.hpp>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace outlook {

/// Base of every exception thrown by outlook-mail.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The service answered with a non-2xx status.
class api_error : public error {
 public:
  struct details {
    int status = 0;
    std::string code;               // OData error code, e.g. "ErrorItemNotFound" (may be empty)
    std::string message;            // OData error message or a readable fallback
    std::string request_id;         // response header request-id
    std::string client_request_id;  // the client-request-id this library sent
    std::optional<std::chrono::seconds> retry_after;
    std::string body;               // raw response body, truncated to a few KiB
  };

  explicit api_error(details d)
      : error(describe(d)), details_(std::move(d)) {}

  [[nodiscard]] int status() const noexcept { return details_.status; }
  [[nodiscard]] const std::string& code() const noexcept { return details_.code; }
  [[nodiscard]] const std::string& service_message() const noexcept { return details_.message; }
  [[nodiscard]] const std::string& request_id() const noexcept { return details_.request_id; }
  [[nodiscard]] const std::string& client_request_id() const noexcept { return details_.client_request_id; }
  [[nodiscard]] std::optional<std::chrono::seconds> retry_after() const noexcept { return details_.retry_after; }
  [[nodiscard]] const std::string& body() const noexcept { return details_.body; }

 private:
  static std::string describe(const details& d) {
    std::string s = "HTTP " + std::to_string(d.status);
    if (!d.code.empty()) s += " " + d.code;
    if (!d.message.empty()) s += ": " + d.message;
    if (!d.request_id.empty()) s += " (request-id " + d.request_id + ")";
    return s;
  }
  details details_;
};

/// No HTTP response could be had: connection, TLS, timeout, reset, size limit, malformed
/// HTTP, or the caller cancelled the request.
class transport_error : public error {
 public:
  /// `cancelled`: the awaiting coroutine's cancellation slot was emitted (for example by
  /// `operator||` or a timer); code() is then boost::asio::error::operation_aborted and
  /// the request is never retried.
  enum class kind { connect, tls, timeout, reset, too_large, protocol, cancelled, other };

  transport_error(kind k, const std::string& what, boost::system::error_code code = {},
                  std::optional<long> certificate_error = std::nullopt)
      : error(what), kind_(k), code_(code), certificate_error_(certificate_error) {}

  [[nodiscard]] kind reason() const noexcept { return kind_; }
  /// The system, Asio, Beast or SSL error code behind the failure (empty when there is none,
  /// e.g. a malformed URL refused before any I/O).
  [[nodiscard]] const boost::system::error_code& code() const noexcept { return code_; }
  /// The X509 verification result (X509_V_ERR_*) when the server's certificate was rejected.
  [[nodiscard]] std::optional<long> certificate_error() const noexcept { return certificate_error_; }

 private:
  kind kind_;
  boost::system::error_code code_;
  std::optional<long> certificate_error_;
};

/// A response body (or a cassette value) does not match the expected shape.
/// `pointer()` is the JSON pointer of the offending value ("" for the whole document).
class decode_error : public error {
 public:
  decode_error(std::string pointer, const std::string& problem)
      : error((pointer.empty() ? std::string("(document)") : pointer) + ": " + problem),
        pointer_(std::move(pointer)) {}
  [[nodiscard]] const std::string& pointer() const noexcept { return pointer_; }

 private:
  std::string pointer_;
};

/// The client refused to send a request: an option combination the service rejects
/// ($search with $filter or $orderby), a link to a host it was not configured for, an
/// argument that cannot be sent. Nothing went over the network.
class request_refused : public error {
 public:
  using error::error;
};

}  // namespace outlook
