// outlook-mail: a hook that sees every request attempt and its outcome, for a logger or
// metrics, without writing a transport wrapper.
//
// The URL it gets is redacted: a URL the session built from its base URL keeps its query
// except the values of parameters named like credentials (authtoken, sig, code, ...); a
// URL the session did not build (a next or delta link, an upload URL) has its whole query
// replaced, because such a query may carry a credential under any name. Headers are not
// passed, so the token never reaches an observer.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "outlook/detail/percent.hpp"
#include "outlook/error.hpp"
#include "outlook/http.hpp"

namespace outlook {

/// One attempt of a request, as an observer sees it after the attempt ended.
struct request_event {
  std::string method;
  /// The absolute URL with secrets redacted (see the top of outlook/observer.hpp).
  std::string url;
  /// 1 for the first attempt of a call, 2 for its first retry, ...
  int attempt = 1;
  /// The HTTP status, or 0 when no response came (then `error` says why).
  int status = 0;
  std::optional<transport_error::kind> error{};
  /// From handing the request to the transport to its response or failure.
  std::chrono::steady_clock::duration duration{};
  /// The service's request-id response header (empty without a response).
  std::string request_id;
  /// The client-request-id this attempt sent.
  std::string client_request_id;
  std::size_t bytes_sent = 0;      // request body
  std::size_t bytes_received = 0;  // response body
};

/// Called once per attempt, on the thread that runs the request's coroutine, possibly
/// from several threads at once when the client is. Must not block; an exception it
/// throws is ignored (it cannot change the outcome of the request).
using request_observer = std::function<void(const request_event&)>;

namespace detail {

/// Whether a query parameter's name is one under which credentials travel.
[[nodiscard]] inline bool credential_parameter(std::string_view name) {
  for (std::string_view secret : {"authtoken", "access_token", "token", "sig", "signature", "code", "key", "api_key",
                                  "apikey", "secret", "client_secret", "password", "refresh_token", "id_token", "assertion"})
    if (iequals(name, secret)) return true;
  return false;
}

/// `url` as an observer may see it. `built_from_base`: the session built it from its base
/// URL (only then are query parameters kept, those named like credentials redacted).
[[nodiscard]] inline std::string redact_url(std::string_view url, bool built_from_base) {
  url = url.substr(0, url.find('#'));
  const auto q = url.find('?');
  if (q == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, q + 1));
  if (!built_from_base) return out + "<redacted>";
  std::string_view query = url.substr(q + 1);
  bool first = true;
  while (true) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    const auto name = pair.substr(0, eq);
    if (!first) out += '&';
    first = false;
    if (eq != std::string_view::npos && credential_parameter(percent_decode(name, true))) {
      out += name;
      out += "=<redacted>";
    } else {
      out += pair;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace detail
}  // namespace outlook
