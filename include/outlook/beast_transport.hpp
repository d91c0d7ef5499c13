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
  /// Resolving the host, the TCP connect and the TLS handshake of a new connection together
  /// (within the request's own deadline, never beyond it).
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  /// The whole send(): waiting for a free connection, connecting, writing the request,
  /// reading the whole response, and a retry on a fresh connection all share ONE deadline,
  /// now + request_timeout (or http_request::deadline when that is earlier).
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
  /// Ask for gzip (Accept-Encoding: gzip, unless the request names an Accept-Encoding
  /// itself) and inflate a gzip body as it is read, so that callers and recordings see the
  /// body as if it had been sent plain (Content-Encoding and Content-Length removed). A
  /// server that ignores it still works. max_response_body limits the inflated size; a
  /// corrupt or truncated gzip body is transport_error kind::protocol.
  bool accept_gzip = true;
};

/// Counters of a Beast transport since it was made.
struct transport_stats {
  std::size_t connections_opened = 0;  // TCP+TLS connections established
  std::size_t requests_sent = 0;       // requests written (retries included)
  std::size_t connections_reused = 0;  // requests sent on a pooled keep-alive connection
  std::size_t retries = 0;             // requests retried once after a dead pooled connection
  std::size_t connections_closed = 0;  // established connections closed (not reusable, cancelled, found dead)
  std::size_t body_bytes_received = 0;  // response body bytes as they came over the wire (compressed or not)
  std::size_t body_bytes_inflated = 0;  // what the gzip bodies among them inflated to
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
/// - HTTP/1.1 keep-alive: idle connections are pooled per host:port and reused. A
///   connection goes back to the pool only when its exchange ended cleanly (the response
///   complete by its own framing, keep-alive by the parser's account, nothing unread).
///   Interim 1xx responses (100 Continue, 103 Early Hints) are skipped; a 101 is a protocol
///   error. A pooled connection found dead before any response byte was read is replaced
///   and the request retried once (always for GET/HEAD/PUT/DELETE/OPTIONS; for POST/PATCH
///   only when writing the request failed, so a request the server may have processed is
///   never sent twice). A complete response followed by a TCP close without TLS
///   close_notify is accepted; a body delimited only by the end of the stream is not
///   (kind::protocol, "truncated").
/// - Errors: every failure is an outlook::transport_error (never a raw system_error), with
///   reason() connect, tls, timeout, reset, too_large, protocol or cancelled; code() holds
///   the Asio/Beast/SSL error_code (connection_refused, timed_out for a timeout,
///   operation_aborted for a cancellation, ...), certificate_error() the X509_V_ERR_*
///   verification result when the server's certificate was rejected. Messages name the
///   method, host and path (never the query or a header value) and, for a timeout, which
///   limit and which phase ("timed out after 600 ms (request_timeout) while reading the
///   response").
/// - Cancellation: send() runs in the awaiting coroutine (no co_spawn), so Asio's
///   per-operation cancellation (`co_await (t->send(r) || timer.async_wait(...))`, a
///   bound cancellation_slot) reaches whatever it is doing: waiting for a connection,
///   resolving, connecting, the handshake, writing or reading. A cancelled send always ends
///   in transport_error kind::cancelled with code() == asio::error::operation_aborted; it
///   is never retried, the connection it used is closed (not pooled) and its slot is freed.
///   Only terminal cancellation is honoured (Asio's default filter for coroutines).
/// - Threading: send() may be called concurrently from any number of coroutines on any
///   threads, e.g. an io_context run by several threads. The pool is guarded by a mutex
///   never held across a suspension; each connection's I/O, its deadline timer and a
///   forwarded cancellation run on a strand of `executor` made for that connection, so a
///   caller's executor need not be a strand. The caller resumes on its own executor. As
///   Asio requires for any operation, cancel a send from the executor of the coroutine
///   awaiting it (operator|| does).
/// - Lifetime: the transport keeps itself alive while requests are in flight; it (and every
///   copy of the shared_ptr) must be destroyed before the execution context of `executor`
///   (its sockets belong to that context). Closed connections are destroyed on their
///   strand, so run the context until its work is done before destroying it.
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
