// outlook-mail: an operation's request, built but not sent, with how to decode its answer.
// SPDX-License-Identifier: BSL-1.0
//
// Every operation with one JSON answer has a generated `<op>_request(...)` twin taking the
// same arguments and options: it builds the same request_spec the operation would send and
// returns it here, typed by what the operation returns. A JSON batch (outlook/batch.hpp)
// sends many of them in one exchange and decodes each answer with decode() below, so a
// request in a batch is exactly the request the operation sends alone.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

#include "outlook/http.hpp"
#include "outlook/session.hpp"

namespace outlook {

/// A request built by a generated `..._request(...)` function, answered by a T (void: no body).
template <class T>
class prepared_request {
 public:
  using result_type = T;

  prepared_request(std::shared_ptr<outlook::session> s, request_spec spec) : session_(std::move(s)), spec_(std::move(spec)) {}

  /// The client this request belongs to.
  [[nodiscard]] const std::shared_ptr<outlook::session>& session() const noexcept { return session_; }
  /// What would be sent; `refused` holds an argument error found while building it.
  [[nodiscard]] const request_spec& spec() const noexcept { return spec_; }

  /// The typed result of a 2xx answer, decoded as the operation itself decodes it.
  [[nodiscard]] static T decode(const http_response& r) {
    if constexpr (std::is_void_v<T>) {
      (void)r;
    } else {
      return decode_response<T>(r);
    }
  }

 private:
  std::shared_ptr<outlook::session> session_;
  request_spec spec_;
};

}  // namespace outlook
