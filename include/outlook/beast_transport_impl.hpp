// outlook-mail: the definitions of the default HTTPS transport (Boost.Beast + OpenSSL).
// SPDX-License-Identifier: BSL-1.0
//
// Include this header in exactly ONE .cpp file of a program (as Boost.JSON does with
// <boost/json/src.hpp>); every other file includes <outlook/beast_transport.hpp> only.
// It defines the non-inline function outlook::make_beast_transport, so including it in
// two translation units of one program is a "multiple definition" link error.
//
// This translation unit is the one that pays for Beast, Asio's SSL stream and OpenSSL.
#pragma once

#include "outlook/beast_transport.hpp"
#include "outlook/error.hpp"
#include "outlook/http.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>
#define OUTLOOK_MAIL_BEAST_TRANSPORT_HAS_MSG_PEEK 1
#endif

namespace outlook::detail::beast_transport_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using steady = std::chrono::steady_clock;

inline constexpr std::size_t read_buffer_reserve = std::size_t{64} * 1024;
inline constexpr std::size_t response_header_limit = std::size_t{64} * 1024;
/// The most a connection's read buffer may hold. Beast keeps a chunk-size line (with its
/// extensions) whole in the buffer before parsing it, and neither the header limit nor the
/// body limit counts those bytes: without a cap, a server could fill memory with one
/// endless chunk extension. A full buffer fails the read with http::error::buffer_overflow.
inline constexpr std::size_t read_buffer_limit = std::size_t{1024} * 1024;

/// The parts of "https://host[:port]/path?query" the transport needs.
struct target_url {
  std::string host;         // as written, without brackets for IPv6 (SNI, verification)
  std::string port;         // "443" by default
  std::string target;       // "/path?query"
  std::string host_header;  // "host" or "host:port" ("[v6]:port" for IPv6)
  std::string pool_key;     // lower-case "host:port"
  bool host_is_ip = false;
  std::string description;  // "GET https://host[:port]/path" for error messages (no query)
};

[[nodiscard]] inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

[[nodiscard]] inline bool has_control_or_space(std::string_view s) {
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f) return true;
  return false;
}

[[nodiscard]] inline target_url parse_url(std::string_view method, std::string_view url) {
  auto refuse = [&](const std::string& why) {
    return transport_error(transport_error::kind::protocol, std::string(method) + ": " + why);
  };
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) throw refuse("not an absolute URL");
  if (!iequals(url.substr(0, scheme_end), "https"))
    throw refuse("unsupported URL scheme '" + lower_ascii(url.substr(0, scheme_end)) + "' (only https is allowed)");
  const std::string_view rest = url.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view target =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (const auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (authority.find('@') != std::string_view::npos) throw refuse("URLs with user information are not allowed");
  if (has_control_or_space(authority) || has_control_or_space(target))
    throw refuse("URL contains spaces or control characters");

  target_url u;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw refuse("malformed IPv6 host in URL");
    u.host = std::string(authority.substr(1, close - 1));
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') throw refuse("malformed host in URL");
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) throw refuse("URL has no host");
  if (!port.empty()) {
    unsigned long value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) throw refuse("malformed port in URL");
      value = value * 10 + static_cast<unsigned long>(c - '0');
    }
    if (value == 0 || value > 65535) throw refuse("port out of range in URL");
    u.port = std::to_string(value);
  } else {
    u.port = "443";
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(u.host, ec);
  u.host_is_ip = !ec;
  const std::string bracketed = (u.host_is_ip && address.is_v6()) ? "[" + u.host + "]" : u.host;
  u.host_header = u.port == "443" ? bracketed : bracketed + ":" + u.port;
  u.pool_key = lower_ascii(bracketed) + ":" + u.port;
  u.target = target.empty() || target.front() == '?' ? "/" + std::string(target) : std::string(target);
  const auto path_end = u.target.find('?');
  u.description = std::string(method) + " https://" + u.host_header + u.target.substr(0, path_end);
  return u;
}

[[nodiscard]] inline bool is_idempotent(std::string_view method) {
  return iequals(method, "GET") || iequals(method, "HEAD") || iequals(method, "PUT") ||
         iequals(method, "DELETE") || iequals(method, "OPTIONS");
}

/// The error means the peer closed or reset the connection.
[[nodiscard]] inline bool is_connection_lost(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted ||
         ec == asio::error::not_connected || ec == ssl::error::stream_truncated;
}

[[nodiscard]] inline transport_error to_transport_error(const beast::error_code& ec, const std::string& what,
                                                        const beast_transport_options& options,
                                                        std::chrono::milliseconds timeout) {
  using kind = transport_error::kind;
  if (ec == beast::error::timeout)
    return {kind::timeout, what + ": timed out after " + std::to_string(timeout.count()) + " ms"};
  if (ec == http::error::body_limit || ec == http::error::buffer_overflow)
    return {kind::too_large,
            what + ": response body larger than the limit of " + std::to_string(options.max_response_body) + " bytes"};
  if (ec == http::error::header_limit) return {kind::too_large, what + ": response header too large"};
  if (is_connection_lost(ec)) return {kind::reset, what + ": connection closed by the server (" + ec.message() + ")"};
  if (ec.category() == beast::error_code(http::error::bad_version).category() || ec == http::error::partial_message)
    return {kind::protocol, what + ": malformed HTTP response (" + ec.message() + ")"};
  if (ec.category() == asio::error::get_ssl_category() || ec.category() == ssl::error::get_stream_category())
    return {kind::tls, what + ": TLS error (" + ec.message() + ")"};
  if (ec == asio::error::operation_aborted) return {kind::other, what + ": cancelled"};
  return {kind::reset, what + ": " + ec.message()};
}

/// One keep-alive TLS connection and the read buffer that belongs to it.
struct connection {
  connection(const asio::any_io_executor& ex, ssl::context& ctx) : stream(ex, ctx) {
    buffer.reserve(read_buffer_reserve);
  }
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer{read_buffer_limit};
};

/// Whether an idle pooled connection can carry a new request: nothing left unread and,
/// where the platform lets us peek, the server has neither closed it nor sent anything.
[[nodiscard]] inline bool still_usable(connection& c) {
  auto& socket = beast::get_lowest_layer(c.stream).socket();
  if (!socket.is_open() || c.buffer.size() != 0) return false;
  if (::SSL_pending(c.stream.native_handle()) > 0) return false;
#ifdef OUTLOOK_MAIL_BEAST_TRANSPORT_HAS_MSG_PEEK
  char byte = 0;
  const auto n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return false;                                        // orderly close
  if (n > 0) return false;                                         // unexpected data (close_notify, ...)
  return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;  // nothing to read: alive
#else
  boost::system::error_code ec;
  return socket.available(ec) == 0 && !ec;
#endif
}

class transport_impl final : public beast_transport, public std::enable_shared_from_this<transport_impl> {
 public:
  transport_impl(asio::any_io_executor executor, beast_transport_options options)
      : strand_(asio::make_strand(std::move(executor))), options_(std::move(options)) {
    if (options_.max_connections_per_host == 0) options_.max_connections_per_host = 1;
    ::SSL_CTX_set_min_proto_version(ctx_.native_handle(), TLS1_2_VERSION);
    ctx_.set_options(ssl::context::default_workarounds);
    boost::system::error_code ec;
    ctx_.set_default_verify_paths(ec);  // a machine without a trust store still works with ca_file
    if (options_.ca_file) {
      ctx_.load_verify_file(options_.ca_file->string(), ec);
      if (ec)
        throw transport_error(transport_error::kind::tls,
                              "cannot load the CA file " + options_.ca_file->string() + " (" + ec.message() + ")");
    }
    ctx_.set_verify_mode(options_.verify_peer ? ssl::verify_peer : ssl::verify_none);
  }

  asio::awaitable<http_response> send(http_request request) override {
    auto self = shared_from_this();
    // All transport state lives on the strand; the caller resumes on its own executor.
    co_return co_await asio::co_spawn(strand_, self->do_send(std::move(request)), asio::use_awaitable);
  }

  [[nodiscard]] transport_stats stats() const override {
    transport_stats s;
    s.connections_opened = connections_opened_.load();
    s.requests_sent = requests_sent_.load();
    s.connections_reused = connections_reused_.load();
    s.retries = retries_.load();
    return s;
  }

 private:
  struct waiter {
    asio::steady_timer* timer;
    bool woken = false;
  };
  struct host_pool {
    std::vector<std::unique_ptr<connection>> idle;  // most recently used last
    std::size_t open = 0;                           // idle + busy + connecting
    std::list<waiter> waiters;                      // requests waiting for a free slot
  };
  struct lease {
    std::unique_ptr<connection> conn;
    bool reused = false;
  };
  enum class phase { write, read };
  struct exchange_result {
    beast::error_code ec;
    phase where = phase::write;
    bool got_some = false;  // some bytes of the response were received
    bool reusable = false;
    http_response response;
  };

  static void wake_one(host_pool& pool) {
    for (auto& w : pool.waiters) {
      if (!w.woken) {
        w.woken = true;
        w.timer->cancel();
        return;
      }
    }
  }

  void release(const std::string& key, std::unique_ptr<connection> conn, bool reusable) {
    auto& pool = pools_[key];
    if (reusable && conn) {
      pool.idle.push_back(std::move(conn));
    } else {
      if (conn) {
        boost::system::error_code ignored;
        beast::get_lowest_layer(conn->stream).socket().close(ignored);
      }
      --pool.open;
    }
    wake_one(pool);
  }

  asio::awaitable<lease> acquire(const target_url& u, steady::time_point deadline) {
    auto& pool = pools_[u.pool_key];  // std::map: references stay valid
    for (;;) {
      while (!pool.idle.empty()) {
        auto conn = std::move(pool.idle.back());
        pool.idle.pop_back();
        if (still_usable(*conn)) co_return lease{std::move(conn), true};
        --pool.open;  // dead idle connection: dropped
      }
      if (pool.open < options_.max_connections_per_host) {
        ++pool.open;
        std::unique_ptr<connection> conn;
        try {
          conn = co_await connect(u);
        } catch (...) {
          --pool.open;
          wake_one(pool);
          throw;
        }
        co_return lease{std::move(conn), false};
      }
      // Every connection to this host is busy: wait until one is released.
      asio::steady_timer timer(strand_, deadline);
      auto it = pool.waiters.insert(pool.waiters.end(), waiter{&timer});
      struct unlink {
        std::list<waiter>& list;
        std::list<waiter>::iterator it;
        ~unlink() { list.erase(it); }
      } guard{pool.waiters, it};
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (!it->woken)
        throw transport_error(transport_error::kind::timeout,
                              u.description + ": timed out after " + std::to_string(options_.request_timeout.count()) +
                                  " ms waiting for a free connection");
    }
  }

  asio::awaitable<std::unique_ptr<connection>> connect(const target_url& u) {
    using kind = transport_error::kind;
    const auto deadline = steady::now() + options_.connect_timeout;
    const auto timed_out = [&] {
      return transport_error(kind::timeout, u.description + ": connecting timed out after " +
                                                std::to_string(options_.connect_timeout.count()) + " ms");
    };

    // Resolve, bounded by the connect timeout (the resolver has no deadline of its own).
    auto resolver = std::make_shared<tcp::resolver>(strand_);
    auto expired = std::make_shared<bool>(false);
    asio::steady_timer resolve_timer(strand_, deadline);
    resolve_timer.async_wait([weak = std::weak_ptr<tcp::resolver>(resolver), expired](boost::system::error_code ec) {
      if (ec) return;
      *expired = true;
      if (auto r = weak.lock()) r->cancel();
    });
    auto [rec, endpoints] = co_await resolver->async_resolve(u.host, u.port, asio::as_tuple(asio::use_awaitable));
    resolve_timer.cancel();
    if (*expired) throw timed_out();
    if (rec) throw transport_error(kind::connect, u.description + ": cannot resolve the host (" + rec.message() + ")");

    auto conn = std::make_unique<connection>(strand_, ctx_);
    SSL* ssl_handle = conn->stream.native_handle();
    if (!u.host_is_ip && !::SSL_set_tlsext_host_name(ssl_handle, u.host.c_str()))
      throw transport_error(kind::tls, u.description + ": cannot set the TLS server name");
    if (options_.verify_peer) {
      X509_VERIFY_PARAM* param = ::SSL_get0_param(ssl_handle);
      int ok = 0;
      if (u.host_is_ip) {
        ok = ::X509_VERIFY_PARAM_set1_ip_asc(param, u.host.c_str());
      } else {
        ::X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        ok = ::SSL_set1_host(ssl_handle, u.host.c_str());
      }
      if (!ok) throw transport_error(kind::tls, u.description + ": cannot set up host name verification");
    }

    auto& tcp_layer = beast::get_lowest_layer(conn->stream);
    tcp_layer.expires_at(deadline);
    auto [cec, endpoint] = co_await tcp_layer.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
    (void)endpoint;
    if (cec == beast::error::timeout) throw timed_out();
    if (cec) throw transport_error(kind::connect, u.description + ": cannot connect (" + cec.message() + ")");
    boost::system::error_code ignored;
    tcp_layer.socket().set_option(tcp::no_delay(true), ignored);

    auto [hec] = co_await conn->stream.async_handshake(ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
    if (hec == beast::error::timeout) throw timed_out();
    if (hec) {
      const long verify = ::SSL_get_verify_result(ssl_handle);
      std::string why = verify != X509_V_OK ? std::string("certificate rejected: ") +
                                                  ::X509_verify_cert_error_string(verify)
                                            : hec.message();
      throw transport_error(kind::tls, u.description + ": TLS handshake failed (" + why + ")");
    }
    tcp_layer.expires_never();
    ++connections_opened_;
    co_return conn;
  }

  http::request<http::string_body> build_request(const target_url& u, http_request& r) const {
    http::request<http::string_body> req;
    const auto verb = http::string_to_verb(r.method);
    if (verb == http::verb::unknown)
      req.method_string(r.method);
    else
      req.method(verb);
    req.target(u.target);
    req.version(11);
    req.set(http::field::host, u.host_header);
    bool has_user_agent = false;
    for (const auto& [name, value] : r.headers) {
      if (name.empty() || has_control_or_space(name) || value.find_first_of("\r\n") != std::string::npos)
        throw transport_error(transport_error::kind::protocol,
                              u.description + ": invalid request header '" + (has_control_or_space(name) ? "?" : name) + "'");
      // Framing and connection management belong to the transport.
      if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Connection") ||
          iequals(name, "Keep-Alive") || iequals(name, "TE") || iequals(name, "Upgrade"))
        continue;
      if (iequals(name, "Host")) {
        req.set(http::field::host, value);
        continue;
      }
      if (iequals(name, "User-Agent")) has_user_agent = true;
      req.insert(name, value);
    }
    if (!has_user_agent && !options_.user_agent.empty()) req.set(http::field::user_agent, options_.user_agent);
    req.body() = std::move(r.body);
    req.prepare_payload();
    req.keep_alive(true);
    return req;
  }

  asio::awaitable<exchange_result> exchange(connection& c, const http::request<http::string_body>& req, bool head) {
    exchange_result result;
    auto& tcp_layer = beast::get_lowest_layer(c.stream);
    tcp_layer.expires_after(options_.request_timeout);  // one deadline for write + whole read
    ++requests_sent_;
    auto [wec, written] = co_await http::async_write(c.stream, req, asio::as_tuple(asio::use_awaitable));
    (void)written;
    if (wec) {
      result.ec = wec;
      result.where = phase::write;
      co_return result;
    }
    result.where = phase::read;

    // string_body reserves the whole body up front when Content-Length is known; the
    // 64 KiB buffer keeps each read large, and the body is copied once into the string.
    http::response_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(response_header_limit));
    parser.body_limit(options_.max_response_body);
    if (head) parser.skip(true);
    auto [hec, hn] = co_await http::async_read_header(c.stream, c.buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)hn;
    if (hec) {
      result.ec = hec;
      result.got_some = parser.got_some() || c.buffer.size() != 0;
      co_return result;
    }
    result.got_some = true;
    if (!parser.is_done()) {
      auto [bec, bn] = co_await http::async_read(c.stream, c.buffer, parser, asio::as_tuple(asio::use_awaitable));
      (void)bn;
      if (bec) {
        result.ec = bec;
        co_return result;
      }
    }
    tcp_layer.expires_never();

    auto message = parser.release();
    result.reusable = message.keep_alive() && c.buffer.size() == 0;
    result.response.status = static_cast<int>(message.result_int());
    for (const auto& field : message)
      result.response.headers.add(std::string(field.name_string()), std::string(field.value()));
    result.response.body = std::move(message.body());
    co_return result;
  }

  asio::awaitable<http_response> do_send(http_request request) {
    const bool method_is_token =
        !request.method.empty() && std::all_of(request.method.begin(), request.method.end(), [](char c) {
          return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
        });
    if (!method_is_token) throw transport_error(transport_error::kind::protocol, "invalid HTTP method");
    const auto u = parse_url(request.method, request.url);
    const bool head = iequals(request.method, "HEAD");
    const bool idempotent = is_idempotent(request.method);
    const auto req = build_request(u, request);
    const auto deadline = steady::now() + options_.request_timeout;

    for (int attempt = 0;; ++attempt) {
      auto [conn, reused] = co_await acquire(u, deadline);
      if (reused) ++connections_reused_;
      exchange_result result;
      try {
        result = co_await exchange(*conn, req, head);
      } catch (...) {
        release(u.pool_key, std::move(conn), false);
        throw;
      }
      if (!result.ec) {
        release(u.pool_key, std::move(conn), result.reusable);
        co_return std::move(result.response);
      }
      release(u.pool_key, std::move(conn), false);
      // A pooled connection the server had already closed: try once more on a fresh one,
      // unless the server may have acted on a non-idempotent request.
      const bool retry = reused && attempt == 0 && !result.got_some && is_connection_lost(result.ec) &&
                         (idempotent || result.where == phase::write);
      if (!retry) throw to_transport_error(result.ec, u.description, options_, options_.request_timeout);
      ++retries_;
    }
  }

  asio::strand<asio::any_io_executor> strand_;
  beast_transport_options options_;
  ssl::context ctx_{ssl::context::tls_client};
  std::map<std::string, host_pool> pools_;
  std::atomic<std::size_t> connections_opened_{0};
  std::atomic<std::size_t> requests_sent_{0};
  std::atomic<std::size_t> connections_reused_{0};
  std::atomic<std::size_t> retries_{0};
};

}  // namespace outlook::detail::beast_transport_detail

namespace outlook {

// Not inline on purpose: this header belongs in exactly one translation unit.
std::shared_ptr<beast_transport> make_beast_transport(boost::asio::any_io_executor executor,
                                                      beast_transport_options options) {
  return std::make_shared<detail::beast_transport_detail::transport_impl>(std::move(executor), std::move(options));
}

}  // namespace outlook
