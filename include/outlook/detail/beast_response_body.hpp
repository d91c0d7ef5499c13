// outlook-mail: the Beast body type the HTTPS transport reads responses into.
// SPDX-License-Identifier: BSL-1.0
//
// Included by outlook/beast_transport_impl.hpp only. One body type serves both ways of
// reading a response: kept whole in a string (send), or handed piece by piece to a
// response_sink as Beast parses it (send_streamed), so that a large body is never held.
#pragma once

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "outlook/detail/gzip_inflater.hpp"
#include "outlook/http.hpp"

namespace outlook::detail::beast_transport_detail {

struct response_body {
  struct value_type {
    /// Set by the transport once the final header is read and the sink asked for the body.
    response_sink* sink = nullptr;
    std::string text;                 // the body when there is no sink
    std::size_t streamed = 0;         // bytes given to the sink
    std::uint64_t announced = 0;      // Content-Length, when the response has one
    bool has_announced = false;
    std::exception_ptr sink_failure;  // the sink broke its promise not to throw
    /// Set by the transport for a gzip body it asked for: the body is inflated as it is read.
    std::unique_ptr<detail::gzip_inflater> inflater;
    std::size_t wire_bytes = 0;       // body bytes as received (before inflating)
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
      // The string is not reserved here: the sink, when there is one, is only known after
      // this (Beast calls init as soon as the header ends).
      body_.has_announced = length.has_value();
      body_.announced = length.value_or(0);
      ec = {};
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      ec = {};
      std::size_t n = 0;
      for (const auto b : boost::beast::buffers_range_ref(buffers)) {
        const std::string_view piece(static_cast<const char*>(b.data()), b.size());
        n += piece.size();
        body_.wire_bytes += piece.size();
        if (body_.inflater) {
          ec = body_.inflater->feed(piece, [this](std::string_view out) { deliver(out); });
          if (ec) return n;
        } else {
          deliver(piece);
        }
      }
      return n;
    }

    void finish(boost::beast::error_code& ec) {
      ec = {};
      if (body_.inflater) ec = body_.inflater->finish();
    }

   private:
    void deliver(std::string_view piece) {
      if (body_.sink) {
        body_.streamed += piece.size();
        if (body_.sink_failure) return;
        try {
          body_.sink->write(piece);
        } catch (...) {
          body_.sink_failure = std::current_exception();
        }
        return;
      }
      // The parser's body limit has already refused a larger announced length (of the
      // body as sent: an inflated one is not reserved ahead).
      if (body_.text.empty() && body_.has_announced && !body_.inflater)
        body_.text.reserve(static_cast<std::size_t>(body_.announced));
      body_.text.append(piece);
    }

    value_type& body_;
  };
};

}  // namespace outlook::detail::beast_transport_detail
