// outlook-mail: the transport interface every request goes through.
// SPDX-License-Identifier: BSL-1.0
//
// Operations never see Beast or OpenSSL: they hand an http_request to a transport and
// await an http_response. The default HTTPS transport (outlook/beast_transport.hpp), the
// cassette replay transport and the recording transport all implement this interface, and
// so can a user's own (a proxy, a mock, a different HTTP stack).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>

#include "outlook/config.hpp"
#include "outlook/http.hpp"

namespace outlook {

class transport {
 public:
  virtual ~transport() = default;

  /// Sends one request and returns the complete response, whatever its status.
  /// Throws outlook::transport_error when no response could be had (connect failure,
  /// TLS failure, timeout, reset, a response larger than the configured limit, a
  /// malformed HTTP message). Must never include the Authorization value in an error.
  virtual boost::asio::awaitable<http_response> send(http_request request) = 0;

  /// Sends one request and hands the body of the response to `sink` as it arrives when
  /// sink.begin() asks for it (then http_response::body stays empty and
  /// streamed_body_size counts the bytes). Same errors as send().
  ///
  /// This default calls send() and then gives the sink the whole body in one piece, so a
  /// transport that only implements send() (replay, recording, a user's own) keeps working;
  /// the Beast transport overrides it and never holds the whole body.
  virtual boost::asio::awaitable<http_response> send_streamed(http_request request, response_sink& sink);
};

#if OUTLOOK_MAIL_DEFINITIONS  // separate compilation: in the src.hpp translation unit only
OUTLOOK_MAIL_DECL boost::asio::awaitable<http_response> transport::send_streamed(http_request request, response_sink& sink) {
  http_response response = co_await send(std::move(request));
  if (sink.begin(response.status, response.headers)) {
    response.streamed_body_size = response.body.size();
    if (!response.body.empty()) sink.write(response.body);
    std::string().swap(response.body);
  }
  co_return response;
}
#endif

using transport_ptr = std::shared_ptr<transport>;

}  // namespace outlook
