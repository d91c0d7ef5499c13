// outlook-mail: the HTTP exchange as the runtime sees it, independent of any transport library.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace outlook {

/// Compares two ASCII strings ignoring case (header names, hosts, enum members).
[[nodiscard]] inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

/// An ordered list of header fields; names compare case-insensitively and may repeat.
class http_headers {
 public:
  using field = std::pair<std::string, std::string>;

  http_headers() = default;
  http_headers(std::initializer_list<field> fields) : fields_(fields) {}

  /// Adds a field, keeping any earlier field of the same name.
  void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }

  /// Room for `n` fields in all, so that adding them allocates once.
  void reserve(std::size_t n) { fields_.reserve(n); }

  /// Replaces every field of this name by one field.
  void set(std::string_view name, std::string value) {
    erase(name);
    fields_.emplace_back(std::string(name), std::move(value));
  }

  void erase(std::string_view name) {
    std::erase_if(fields_, [&](const field& f) { return iequals(f.first, name); });
  }

  /// The value of the first field of this name, if any.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const {
    for (const auto& f : fields_)
      if (iequals(f.first, name)) return std::string_view(f.second);
    return std::nullopt;
  }

  /// Every value of this name, in order.
  [[nodiscard]] std::vector<std::string_view> get_all(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& f : fields_)
      if (iequals(f.first, name)) out.emplace_back(f.second);
    return out;
  }

  [[nodiscard]] const std::vector<field>& fields() const noexcept { return fields_; }
  [[nodiscard]] auto begin() const noexcept { return fields_.begin(); }
  [[nodiscard]] auto end() const noexcept { return fields_.end(); }
  [[nodiscard]] bool empty() const noexcept { return fields_.empty(); }

  bool operator==(const http_headers&) const = default;

 private:
  std::vector<field> fields_;
};

/// A request ready to send: absolute https URL (already percent-encoded), headers, body.
/// The runtime sets Authorization, Accept, Content-Type, Prefer, client-request-id and User-Agent.
struct http_request {
  std::string method;  // "GET", "POST", "PATCH", "DELETE"
  std::string url;     // "https://outlook.office.com/api/v2.0/me/messages?%24top=10"
  http_headers headers;
  std::string body;    // empty when the request has no body
  /// When set, the whole exchange (waiting for a connection, connecting, writing, reading)
  /// must end by then, or fail with transport_error kind::timeout. The session sets it
  /// from the call's deadline so that one deadline covers every attempt of a call.
  std::optional<std::chrono::steady_clock::time_point> deadline{};
};

/// A complete response. Transports read the whole body (bounded by their size limit),
/// unless it went to a response_sink (transport::send_streamed).
struct http_response {
  int status = 0;
  http_headers headers;
  std::string body;
  /// Body bytes handed to a response_sink instead of being kept in `body`.
  std::size_t streamed_body_size = 0;
};

/// Takes a response body piece by piece while it is read, so that a large body (a page of
/// messages, an attachment) is decoded as it arrives instead of being held whole first.
///
/// begin() is called once per response, with the final status and headers, before any
/// body byte; it may be called again for a retried attempt, and must then start afresh.
/// It returns whether this body goes to write() (true) or stays in http_response::body as
/// usual (false; e.g. an error status, whose small body the session turns into api_error).
/// write() must not throw: it records a failure and reports it later (the transport is in
/// the middle of a read, and a throw would cost the connection).
class response_sink {
 public:
  virtual ~response_sink() = default;
  virtual bool begin(int status, const http_headers& headers) = 0;
  virtual void write(std::string_view piece) = 0;
};

}  // namespace outlook
