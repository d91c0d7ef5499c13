// outlook-mail: responses that are bytes, not JSON (a message's MIME from $value).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>

#include "outlook/base64.hpp"
#include "outlook/session.hpp"

namespace outlook {

/// Receives a body piece by piece, in order (e.g. to write a .eml file without keeping a
/// second copy). The transport reads the whole response first; the pieces are at most
/// 64 KiB each.
using byte_sink = std::function<void(std::string_view piece)>;

inline boost::asio::awaitable<bytes> fetch_bytes(std::shared_ptr<session> s, request_spec spec) {
  if (spec.accept.empty()) spec.accept = "*/*";
  auto r = co_await s->execute(std::move(spec));
  co_return to_bytes(r.body);
}

inline boost::asio::awaitable<void> fetch_to_sink(std::shared_ptr<session> s, request_spec spec, byte_sink sink) {
  if (spec.accept.empty()) spec.accept = "*/*";
  auto r = co_await s->execute(std::move(spec));
  constexpr std::size_t piece = 64 * 1024;
  std::string_view body = r.body;
  for (std::size_t at = 0; at < body.size(); at += piece) sink(body.substr(at, std::min(piece, body.size() - at)));
}

}  // namespace outlook
