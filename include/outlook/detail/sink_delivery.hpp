// outlook-mail: handing a response's bytes to a caller's sink, once, in bounded pieces.
// SPDX-License-Identifier: BSL-1.0
//
// Two response sinks deliver bytes to user code as they arrive: byte_sink_forwarder (a raw
// body, media.hpp) and content_member_stream (a base64 member, decoded). Both need the same
// three rules, kept here once:
//  - pieces of at most 64 KiB, whatever the transport read at once;
//  - an exception from the sink is kept, delivery stops, and finish() rethrows it after
//    the response is read (throwing through the transport would leave the connection
//    half-read);
//  - a retried attempt after some bytes reached the sink is not delivered: the call fails,
//    because the sink would otherwise see the same bytes twice.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>
#include <string>
#include <string_view>

#include "outlook/error.hpp"

namespace outlook::detail {

class sink_delivery {
 public:
  /// Largest piece handed to the sink at once.
  static constexpr std::size_t most = 64 * 1024;

  explicit sink_delivery(std::function<void(std::string_view)>& sink) : sink_(sink) {}

  /// A new response attempt begins (the first, or a retry).
  void begin_attempt() noexcept {
    if (delivered_ > 0) repeated_ = true;
  }

  /// True when nothing more should be delivered (the sink threw, or this is a repeat).
  [[nodiscard]] bool stopped() const noexcept { return failure_ || repeated_; }

  void deliver(std::string_view bytes) {
    if (stopped()) return;
    try {
      for (std::size_t at = 0; at < bytes.size(); at += most) {
        const auto part = bytes.substr(at, std::min(most, bytes.size() - at));
        sink_(part);
        delivered_ += part.size();
      }
    } catch (...) {
      failure_ = std::current_exception();
    }
  }

  /// Throws what the sink threw, or transport_error when a retry would have repeated bytes.
  void rethrow_if_failed() const {
    if (failure_) std::rethrow_exception(failure_);
    if (repeated_)
      throw transport_error(transport_error::kind::reset,
                            "the response was interrupted after " + std::to_string(delivered_) +
                                " bytes had reached the sink; it was not read again, which would repeat them");
  }

 private:
  std::function<void(std::string_view)>& sink_;
  std::exception_ptr failure_;
  std::size_t delivered_ = 0;
  bool repeated_ = false;
};

}  // namespace outlook::detail
