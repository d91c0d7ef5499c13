// outlook-mail: responses that are bytes, not JSON (a message's MIME or an attachment's
// SPDX-License-Identifier: BSL-1.0
// content from $value), and attachments whose base64 content goes to a sink as it arrives.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "outlook/base64.hpp"
#include "outlook/detail/sink_delivery.hpp"
#include "outlook/error.hpp"
#include "outlook/http.hpp"
#include "outlook/session.hpp"

namespace outlook {

/// Receives a body piece by piece, in order, as the transport reads it (to write a .eml
/// file or a large attachment without holding it). Pieces are at most 64 KiB each. An
/// exception it throws ends the call with that exception once the response is read.
using byte_sink = std::function<void(std::string_view piece)>;

namespace detail {

/// Hands a 2xx body to a byte_sink as it arrives, in pieces of at most 64 KiB.
///
/// A retry after some bytes already reached the sink would hand them over twice, so that
/// attempt is not delivered: the call fails instead (finish()).
class byte_sink_forwarder final : public response_sink {
 public:
  explicit byte_sink_forwarder(byte_sink& sink) : delivery_(sink) {}

  bool begin(int status, const http_headers&) override {
    if (status < 200 || status >= 300) return false;
    delivery_.begin_attempt();
    return true;
  }
  void write(std::string_view piece) override { delivery_.deliver(piece); }
  void finish() const { delivery_.rethrow_if_failed(); }

 private:
  sink_delivery delivery_;
};

}  // namespace detail

/// The body of a 2xx response as bytes (an attachment's or a message's raw content).
OUTLOOK_MAIL_DECL boost::asio::awaitable<bytes> fetch_bytes(std::shared_ptr<session> s, request_spec spec);

/// The body of a 2xx response into `sink` as the transport reads it: with the Beast
/// transport, a body of any size costs a bounded buffer, never its own size.
OUTLOOK_MAIL_DECL boost::asio::awaitable<void> fetch_to_sink(std::shared_ptr<session> s, request_spec spec, byte_sink sink);

#if OUTLOOK_MAIL_DEFINITIONS  // separate compilation: in the src.hpp translation unit only
OUTLOOK_MAIL_DECL boost::asio::awaitable<bytes> fetch_bytes(std::shared_ptr<session> s, request_spec spec) {
  if (spec.accept.empty()) spec.accept = "*/*";
  auto r = co_await s->execute(std::move(spec));
  co_return to_bytes(r.body);
}

OUTLOOK_MAIL_DECL boost::asio::awaitable<void> fetch_to_sink(std::shared_ptr<session> s, request_spec spec, byte_sink sink) {
  if (spec.accept.empty()) spec.accept = "*/*";
  detail::byte_sink_forwarder forward(sink);
  co_await s->execute(std::move(spec), &forward);
  forward.finish();
}
#endif

#if OUTLOOK_MAIL_DEFINITIONS
}  // namespace outlook

// The streaming parser and the codecs, for the generated operations' bodies only (under
// separate compilation, the src.hpp translation unit).
#include "outlook/codec.hpp"
#include "outlook/detail/content_member_stream.hpp"

namespace outlook {

/// A JSON entity whose base64 member `member` (a file attachment's ContentBytes) is decoded
/// into `sink` as the response arrives; the rest of the entity is decoded as usual and
/// returned, with that member absent. An invalid base64 text is a decode_error (the bytes
/// before the fault have reached the sink by then).
template <class T>
boost::asio::awaitable<T> fetch_one_to_sink(std::shared_ptr<session> s, request_spec spec, std::string member,
                                            byte_sink sink) {
  detail::content_member_stream stream(std::move(member), sink);
  co_await s->execute(std::move(spec), &stream);
  const boost::json::value rest = stream.finish();
  co_return decode_document<T>(rest);
}
#endif  // OUTLOOK_MAIL_DEFINITIONS

}  // namespace outlook
