// outlook-mail: the default HTTPS transport (Boost.Beast + OpenSSL), declarations only.
// SPDX-License-Identifier: BSL-1.0
//
// This header is cheap to include: it pulls in neither Beast nor Asio's socket machinery
// nor OpenSSL. The definitions live in outlook/beast_transport_impl.hpp, which exactly ONE
// .cpp file of a program must include (as Boost.JSON does with <boost/json/src.hpp>):
//
//     // outlook_transport.cpp -- the only file that compiles the Beast transport
//     #include <outlook/beast_transport_impl.hpp>
//
// Every other file includes this header and calls make_beast_transport().
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "outlook/transport.hpp"

namespace outlook {

struct beast_transport_options {
  /// Resolving the host, the TCP connect and the TLS handshake together.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  /// Writing the request and reading the whole response (and waiting for a free
  /// connection when max_connections_per_host are all busy).
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  /// A larger response body fails with transport_error kind::too_large.
  std::size_t max_response_body = std::size_t{64} * 1024 * 1024;
  /// Connections open at the same time to one host:port (busy or idle); further
  /// concurrent requests wait for one to be released.
  std::size_t max_connections_per_host = 4;
  /// An extra trusted CA certificate file (PEM), in addition to the system trust store.
  std::optional<std::filesystem::path> ca_file{};
  /// Verify the server's certificate chain and host name. Turn off only for tests.
  bool verify_peer = true;
  /// Sent as User-Agent when the request has none (the client sets one if this is empty).
  std::string user_agent{};
};

/// Counters of a Beast transport since it was made.
struct transport_stats {
  std::size_t connections_opened = 0;  // TCP+TLS connections established
  std::size_t requests_sent = 0;       // requests written (retries included)
  std::size_t connections_reused = 0;  // requests sent on a pooled keep-alive connection
  std::size_t retries = 0;             // requests retried once after a dead pooled connection
};

/// The interface the Beast transport implements on top of outlook::transport.
class beast_transport : public transport {
 public:
  [[nodiscard]] virtual transport_stats stats() const = 0;
};

/// Makes the default HTTPS transport.
///
/// - HTTPS only (an http:// URL is refused with transport_error kind::protocol), TLS 1.2+,
///   SNI, certificate chain verification against the system trust store (plus
///   options.ca_file), host name verification (DNS names and IP addresses).
/// - HTTP/1.1 keep-alive: idle connections are pooled per host:port and reused; a
///   pooled connection found dead before any response byte was read is replaced and the
///   request retried once (always for GET/HEAD/PUT/DELETE/OPTIONS; for POST/PATCH only
///   when writing the request failed, so a request the server may have processed is
///   never sent twice).
/// - Errors are transport_error with kind connect, tls, timeout, reset, too_large or
///   protocol; messages name the method, host and path, never a header value.
///
/// Thread safety: all state of the transport lives on a strand of `executor`; send() may
/// be called concurrently from coroutines running on any executor (the caller resumes on
/// its own executor). The transport keeps itself alive while requests are in flight; it
/// (and every copy of the shared_ptr) must be destroyed before the execution context of
/// `executor` (its pooled sockets belong to that context). Use request_timeout rather
/// than cancellation to bound a request.
///
/// Defined in outlook/beast_transport_impl.hpp (include that in exactly one .cpp file).
[[nodiscard]] std::shared_ptr<beast_transport> make_beast_transport(boost::asio::any_io_executor executor,
                                                                    beast_transport_options options = {});

/// The counters of a transport made by make_beast_transport.
/// Throws std::invalid_argument for any other transport.
[[nodiscard]] inline transport_stats beast_transport_stats(const transport& t) {
  if (const auto* b = dynamic_cast<const beast_transport*>(&t)) return b->stats();
  throw std::invalid_argument("outlook::beast_transport_stats: not a Beast transport");
}

}  // namespace outlook
