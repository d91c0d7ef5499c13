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
#include "outlook/detail/beast_response_body.hpp"
#include "outlook/error.hpp"
#include "outlook/http.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <iterator>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
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

/// Whether a Content-Encoding names gzip alone (not a chain such as "gzip, br").
[[nodiscard]] inline bool is_gzip(std::optional<std::string_view> coding) {
  if (!coding) return false;
  auto c = *coding;
  while (!c.empty() && (c.front() == ' ' || c.front() == '\t')) c.remove_prefix(1);
  while (!c.empty() && (c.back() == ' ' || c.back() == '\t')) c.remove_suffix(1);
  return iequals(c, "gzip") || iequals(c, "x-gzip");
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

/// The instant a request must be over by, and which limit set it. The words for an error
/// message are made only when one is thrown: a request that ends well builds no text.
struct deadline_info {
  steady::time_point at;
  const char* option = nullptr;  // "request_timeout", "connect_timeout"; null: the request's own deadline
  std::chrono::milliseconds after{0};

  [[nodiscard]] std::string describe() const {
    if (!option) return "(the request's deadline)";
    return "after " + std::to_string(after.count()) + " ms (" + option + ")";
  }
};

[[nodiscard]] inline transport_error cancelled_error(const std::string& what, std::string_view during) {
  return {transport_error::kind::cancelled, what + ": cancelled while " + std::string(during),
          asio::error::operation_aborted};
}

[[nodiscard]] inline transport_error timed_out_error(const std::string& what, const deadline_info& d,
                                                     std::string_view during) {
  return {transport_error::kind::timeout, what + ": timed out " + d.describe() + " while " + std::string(during),
          asio::error::timed_out};
}

/// An error_code from an I/O step (not a timeout, not a cancellation) as a transport_error.
[[nodiscard]] inline transport_error to_transport_error(const beast::error_code& ec, const std::string& what,
                                                        const beast_transport_options& options,
                                                        bool got_some_response) {
  using kind = transport_error::kind;
  if (ec == asio::error::operation_aborted) return cancelled_error(what, "sending the request");
  if (ec == http::error::body_limit || ec == http::error::buffer_overflow)
    return {kind::too_large,
            what + ": response body larger than the limit of " + std::to_string(options.max_response_body) + " bytes",
            ec};
  if (ec == http::error::header_limit) return {kind::too_large, what + ": response header too large", ec};
  if (ec == make_error_code(gzip_errc::too_large))
    return {kind::too_large,
            what + ": inflated response body larger than the limit of " + std::to_string(options.max_response_body) +
                " bytes",
            ec};
  if (ec.category() == gzip_category()) return {kind::protocol, what + ": " + ec.message(), ec};
  if (ec == ssl::error::stream_truncated && got_some_response)
    return {kind::protocol,
            what + ": response truncated (the connection closed without TLS close_notify before the end of the body)",
            ec};
  if (is_connection_lost(ec))
    return {kind::reset, what + ": connection closed by the server (" + ec.message() + ")", ec};
  if (ec.category() == beast::error_code(http::error::bad_version).category())
    return {kind::protocol, what + ": malformed HTTP response (" + ec.message() + ")", ec};
  if (ec.category() == asio::error::get_ssl_category() || ec.category() == ssl::error::get_stream_category())
    return {kind::tls, what + ": TLS error (" + ec.message() + ")", ec};
  return {kind::reset, what + ": " + ec.message(), ec};
}

using strand_type = asio::strand<asio::any_io_executor>;

/// One keep-alive TLS connection, the read buffer that belongs to it, and the strand every
/// completion handler of its I/O runs on (so that a deadline timer and the caller's
/// cancellation never touch the stream at the same time as one of its operations).
///
/// The stream and the timer are built on the plain executor, not on the strand: every
/// operation on them is started with a handler bound to the strand (run_step and
/// guarded_step), and Asio runs a composed operation's intermediate handlers on its
/// handler's executor, so they all run there anyway. An I/O object whose executor is the
/// strand made each operation ask it for outstanding-work tracking, and an any_io_executor
/// holding a strand is too large for its small-object buffer: callgrind counted about 30
/// heap allocations a small request for that alone.
struct connection : std::enable_shared_from_this<connection> {
  connection(const strand_type& s, const asio::any_io_executor& io, ssl::context& ctx)
      : strand(s), stream(io, ctx), timer(io) {
    buffer.reserve(read_buffer_reserve);
  }
  strand_type strand;
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer{read_buffer_limit};
  // The deadline of the step in progress (run_step while connecting, guarded_step for an
  // exchange). One connection carries one exchange at a time, so one timer serves every
  // step; it lives and dies with the stream.
  asio::steady_timer timer;
  // An exchange's steps (guarded_step): which step the armed deadline belongs to, and
  // whether it passed. The mutex orders a step's start, which may run on the caller's
  // thread, against the deadline's handler, which runs on the strand and cancels the
  // socket; each holds it for a few instructions.
  std::mutex step_mutex;
  std::uint64_t step_id = 0;
  bool step_timed_out = false;
};

/// Destroys `object` on `strand`, after any handler already queued there: a cancellation
/// forwarded to the strand just before an operation completed may still refer to it.
template <class T>
void release_on(const strand_type& strand, std::shared_ptr<T> object) {
  if (!object) return;
  try {
    asio::post(strand, [object = std::move(object)]() mutable { object.reset(); });
  } catch (...) {  // cannot post (out of memory): destroy here
  }
}

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

/// Resolving as a deferred operation whose per-operation cancellation cancels the resolver
/// (Asio's resolver has no cancellation slot support of its own).
struct resolve_initiation {
  std::shared_ptr<tcp::resolver> resolver;
  std::string host;
  std::string port;

  template <class Handler>
  void operator()(Handler&& handler) {
    auto slot = asio::get_associated_cancellation_slot(handler);
    if (slot.is_connected())
      slot.assign([r = resolver](asio::cancellation_type type) {
        if (type != asio::cancellation_type::none) r->cancel();
      });
    resolver->async_resolve(host, port, std::forward<Handler>(handler));
  }
};

/// Any asynchronous operation as a deferred operation (Beast's initiating functions do not
/// take asio::deferred in Boost 1.81): `start(handler)` starts it with the handler it gets.
template <class Signature, class Start>
[[nodiscard]] auto deferred_op(Start start) {
  return asio::async_initiate<const asio::deferred_t, Signature>(
      [](auto handler, Start s) { s(std::move(handler)); }, asio::deferred, std::move(start));
}

/// How one step of I/O raced against its deadline timer: the group's completion order and
/// the results of the operation, then the timer's error_code.
template <class Op>
using step_awaitable = decltype(asio::experimental::make_parallel_group(
                                    asio::bind_executor(std::declval<strand_type>(), std::declval<Op>()),
                                    asio::bind_executor(std::declval<strand_type>(),
                                                        std::declval<asio::steady_timer&>().async_wait(asio::deferred)))
                                    .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable));

/// Runs a deferred operation on `c` against the deadline: whichever of the operation and
/// c.timer at `deadline` completes first cancels the other. Both complete on c's strand; the
/// caller's cancellation (operator||, a cancellation_signal) is forwarded to them through
/// the group, and they end with operation_aborted. No coroutine frame, timer or shared
/// state is made per step: a small request takes two or three steps, and callgrind showed
/// each one's timer, frame and deferred release as a large share of its client CPU.
template <class Op>
step_awaitable<Op> run_step(connection& c, steady::time_point deadline, Op op) {
  c.timer.expires_at(deadline);
  return asio::experimental::make_parallel_group(asio::bind_executor(c.strand, std::move(op)),
                                                 asio::bind_executor(c.strand, c.timer.async_wait(asio::deferred)))
      .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
}

/// An exchange's step against the deadline, lighter than run_step: the operation is
/// awaited directly (the caller's cancellation reaches it through the coroutine's own
/// cancellation slot, as for any awaited operation), and c.timer, armed at `deadline`,
/// cancels the socket if it expires first. No parallel group, shared state or cancellation
/// signal is made per step: on a small request those were about a tenth of its heap
/// allocations. The caller reads end_guarded_step() once the operation has completed.
template <class Signature, class Start>
[[nodiscard]] auto guarded_step(connection& c, steady::time_point deadline, Start start) {
  std::uint64_t id;
  {
    std::lock_guard lock(c.step_mutex);
    id = ++c.step_id;
    c.step_timed_out = false;
  }
  c.timer.expires_at(deadline);
  c.timer.async_wait(asio::bind_executor(c.strand, [weak = c.weak_from_this(), id](boost::system::error_code ec) {
    if (ec) return;  // cancelled: the step ended first
    auto conn = weak.lock();
    if (!conn) return;
    std::lock_guard lock(conn->step_mutex);
    if (conn->step_id != id) return;  // a later step's deadline governs
    conn->step_timed_out = true;
    boost::system::error_code ignored;
    beast::get_lowest_layer(conn->stream).socket().cancel(ignored);
  }));
  return deferred_op<Signature>([&c, start = std::move(start)](auto handler) mutable {
    std::lock_guard lock(c.step_mutex);
    start(std::move(handler));
    // The deadline passed before the operation began: nothing was pending to cancel then.
    if (c.step_timed_out) {
      boost::system::error_code ignored;
      beast::get_lowest_layer(c.stream).socket().cancel(ignored);
    }
  })(asio::bind_executor(c.strand, asio::as_tuple(asio::use_awaitable)));
}

/// Ends the step guarded_step began: whether its deadline passed first. The deadline's
/// handler, if still queued, finds a newer step number and leaves the socket alone.
[[nodiscard]] inline bool end_guarded_step(connection& c) {
  bool timed_out;
  {
    std::lock_guard lock(c.step_mutex);
    ++c.step_id;
    timed_out = std::exchange(c.step_timed_out, false);
  }
  c.timer.cancel();
  return timed_out;
}

class transport_impl final : public beast_transport, public std::enable_shared_from_this<transport_impl> {
 public:
  transport_impl(asio::any_io_executor executor, beast_transport_options options)
      : executor_(std::move(executor)), options_(std::move(options)) {
    if (options_.max_connections_per_host == 0) options_.max_connections_per_host = 1;
    ::SSL_CTX_set_min_proto_version(ctx_.native_handle(), TLS1_2_VERSION);
    ctx_.set_options(ssl::context::default_workarounds);
    boost::system::error_code ec;
    ctx_.set_default_verify_paths(ec);  // a machine without a trust store still works with ca_file
    if (options_.ca_file) {
      ctx_.load_verify_file(options_.ca_file->string(), ec);
      if (ec)
        throw transport_error(transport_error::kind::tls,
                              "cannot load the CA file " + options_.ca_file->string() + " (" + ec.message() + ")", ec);
    }
    ctx_.set_verify_mode(options_.verify_peer ? ssl::verify_peer : ssl::verify_none);
  }

  transport_impl(const transport_impl&) = delete;
  transport_impl& operator=(const transport_impl&) = delete;

  ~transport_impl() override {
    // Idle connections go the way of every other one: destroyed on their strand.
    for (auto& [key, pool] : pools_)
      for (auto& c : pool.idle) {
        auto strand = c->strand;
        release_on(strand, std::move(c));
      }
  }

  asio::awaitable<http_response> send_to(http_request request, response_sink* sink) {
    // Runs in the caller's coroutine: no co_spawn, so the caller's per-operation
    // cancellation reaches every step directly. Every failure leaves as outlook::error.
    // One coroutine for the whole call (and none for taking an idle connection): each
    // frame is a heap allocation of its own.
    auto self = shared_from_this();  // pooled sockets stay valid while the request runs
    target_url u;
    try {
      const bool method_is_token =
          !request.method.empty() && std::all_of(request.method.begin(), request.method.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
          });
      if (!method_is_token) throw transport_error(transport_error::kind::protocol, "invalid HTTP method");
      u = parse_url(request.method, request.url);

      const bool head = iequals(request.method, "HEAD");
      const bool idempotent = is_idempotent(request.method);
      // Only a body this transport asked to be gzipped is inflated; one the caller asked for
      // itself (its own Accept-Encoding) is passed on as it came.
      const bool asked_gzip = options_.accept_gzip && !request.headers.get("Accept-Encoding");
      const auto req = build_request(u, request);

      // One deadline for the whole call: waiting for a connection, connecting, writing and
      // reading, and a retry, all share it.
      deadline_info deadline{steady::now() + options_.request_timeout, "request_timeout",
                             std::chrono::duration_cast<std::chrono::milliseconds>(options_.request_timeout)};
      if (request.deadline && *request.deadline < deadline.at) deadline = {*request.deadline};

      for (int attempt = 0;; ++attempt) {
        std::optional<lease> l = take_idle(u);
        if (!l) l.emplace(co_await acquire(u, deadline));
        if (l->reused) ++connections_reused_;
        auto result = co_await exchange(*l->conn, req, head, u, deadline, sink, asked_gzip);
        if (!result.ec) {
          l->give_back(result.reusable);
          if (result.sink_failure) std::rethrow_exception(result.sink_failure);
          co_return std::move(result.response);
        }
        l->give_back(false);
        // A pooled connection the server had already closed: try once more on a fresh one,
        // unless the server may have acted on a non-idempotent request.
        const bool retry = l->reused && attempt == 0 && !result.got_some && is_connection_lost(result.ec) &&
                           (idempotent || result.where == phase::write);
        if (!retry) throw to_transport_error(result.ec, u.description, options_, result.got_some);
        ++retries_;
      }
    } catch (const boost::system::system_error& e) {
      const std::string what = u.description.empty() ? std::string("request") : u.description;
      // Asio throws operation_aborted at the next co_await once the caller cancelled.
      if (e.code() == asio::error::operation_aborted) throw cancelled_error(what, "sending the request");
      throw to_transport_error(e.code(), what, self->options_, false);
    }
  }

  asio::awaitable<http_response> send(http_request request) override {
    return send_to(std::move(request), nullptr);
  }

  /// The body goes to the sink as each read brings it (read_buffer_reserve at a time).
  asio::awaitable<http_response> send_streamed(http_request request, response_sink& sink) override {
    return send_to(std::move(request), &sink);
  }

  [[nodiscard]] transport_stats stats() const override {
    transport_stats s;
    s.connections_opened = connections_opened_.load();
    s.requests_sent = requests_sent_.load();
    s.connections_reused = connections_reused_.load();
    s.retries = retries_.load();
    s.connections_closed = connections_closed_.load();
    s.body_bytes_received = body_bytes_received_.load();
    s.body_bytes_inflated = body_bytes_inflated_.load();
    return s;
  }

 private:
  /// A request waiting for a connection slot. Its timer expires at the request's deadline;
  /// releasing a slot wakes it by cancelling the timer on the waiter's own strand.
  struct waiter {
    waiter(const strand_type& s, steady::time_point deadline) : strand(s), timer(s, deadline) {}
    strand_type strand;
    asio::steady_timer timer;
    bool woken = false;      // guarded by mutex_
    bool cancelled = false;  // only touched on `strand`
  };

  /// Waiting as a deferred operation that starts on the waiter's strand, where a wake-up
  /// (timer.cancel() posted by wake_one) and the caller's cancellation (forwarded there by
  /// the parallel group) also run: neither can be lost by arriving before the wait starts.
  struct wait_initiation {
    std::shared_ptr<waiter> w;
    std::mutex* mutex;

    template <class Handler>
    void operator()(Handler handler) {
      auto slot = asio::get_associated_cancellation_slot(handler);
      if (slot.is_connected())
        slot.assign([w = w](asio::cancellation_type type) {
          if (type == asio::cancellation_type::none) return;
          w->cancelled = true;
          w->timer.cancel();
        });
      asio::post(w->strand, [w = w, mutex = mutex, handler = std::move(handler)]() mutable {
        bool woken = false;
        {
          std::lock_guard lock(*mutex);
          woken = w->woken;
        }
        if (woken || w->cancelled) {
          std::move(handler)(boost::system::error_code(asio::error::operation_aborted));
          return;
        }
        w->timer.async_wait([handler = std::move(handler)](boost::system::error_code ec) mutable {
          std::move(handler)(ec);
        });
      });
    }
  };
  struct host_pool {
    std::vector<std::shared_ptr<connection>> idle;  // most recently used last
    std::size_t open = 0;                           // idle + busy + connecting
    std::list<std::shared_ptr<waiter>> waiters;     // requests waiting for a free slot
  };

  /// A connection slot held by one request. Giving it back is explicit (keep); any other
  /// way out, an exception or the caller's cancellation included, closes the connection
  /// and frees the slot.
  class lease {
   public:
    lease(transport_impl& owner, std::string key) : owner_(&owner), key_(std::move(key)) {}
    lease(lease&& other) noexcept
        : conn(std::move(other.conn)), reused(other.reused), owner_(std::exchange(other.owner_, nullptr)),
          key_(std::move(other.key_)) {}
    lease& operator=(lease&&) = delete;
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    ~lease() {
      if (owner_) owner_->release(key_, std::move(conn), false);
    }
    /// Returns the slot; the connection goes back to the pool when `reusable`.
    void give_back(bool reusable) {
      if (auto* o = std::exchange(owner_, nullptr)) o->release(key_, std::move(conn), reusable);
    }

    std::shared_ptr<connection> conn;
    bool reused = false;

   private:
    transport_impl* owner_;
    std::string key_;
  };

  enum class phase { write, read };
  struct exchange_result {
    beast::error_code ec;
    phase where = phase::write;
    bool got_some = false;  // some bytes of the response were received
    bool reusable = false;
    http_response response;
    std::exception_ptr sink_failure;  // a response_sink threw (the connection is not kept)
  };

  static constexpr int max_interim_responses = 16;

  // --- the pool (every function here takes mutex_; none of them awaits) ---

  /// Wakes the first waiter not yet woken. Called with mutex_ held.
  static void wake_one(host_pool& pool) {
    for (auto& w : pool.waiters) {
      if (!w->woken) {
        w->woken = true;
        asio::post(w->strand, [w] { w->timer.cancel(); });
        return;
      }
    }
  }

  void close_connection(std::shared_ptr<connection> conn) {
    if (!conn) return;
    ++connections_closed_;
    auto strand = conn->strand;
    try {
      asio::post(strand, [conn = std::move(conn)]() mutable {
        boost::system::error_code ignored;
        beast::get_lowest_layer(conn->stream).socket().close(ignored);
        conn.reset();
      });
    } catch (...) {  // cannot post: the destructor closes the socket
    }
  }

  void release(const std::string& key, std::shared_ptr<connection> conn, bool reusable) {
    std::shared_ptr<connection> to_close;
    {
      std::lock_guard lock(mutex_);
      auto& pool = pools_[key];
      if (reusable && conn) {
        pool.idle.push_back(std::move(conn));
      } else {
        to_close = std::move(conn);
        --pool.open;
      }
      wake_one(pool);
    }
    close_connection(std::move(to_close));
  }

  /// The most recently used idle connection that can still carry a request; the dead ones
  /// met on the way go to `dead`, to be closed once mutex_ is released. Called with mutex_ held.
  static std::shared_ptr<connection> pop_usable(host_pool& pool, std::vector<std::shared_ptr<connection>>& dead) {
    while (!pool.idle.empty()) {
      auto conn = std::move(pool.idle.back());
      pool.idle.pop_back();
      if (still_usable(*conn)) return conn;
      --pool.open;
      dead.push_back(std::move(conn));
    }
    return nullptr;
  }

  /// A lease on an idle pooled connection, when there is one, without waiting: the common
  /// case of a keep-alive client, taken without a coroutine frame of its own.
  std::optional<lease> take_idle(const target_url& u) {
    std::shared_ptr<connection> idle;
    std::vector<std::shared_ptr<connection>> dead;
    {
      std::lock_guard lock(mutex_);
      idle = pop_usable(pools_[u.pool_key], dead);
    }
    for (auto& c : dead) close_connection(std::move(c));
    if (!idle) return std::nullopt;
    std::optional<lease> l(std::in_place, *this, u.pool_key);
    l->conn = std::move(idle);
    l->reused = true;
    return l;
  }

  /// A lease on a connection: an idle one, a new one (when the host has a free slot), or,
  /// after waiting for a slot, either of those.
  asio::awaitable<lease> acquire(const target_url& u, const deadline_info& deadline) {
    for (;;) {
      std::shared_ptr<connection> idle;
      bool open_new = false;
      std::shared_ptr<waiter> w;
      std::vector<std::shared_ptr<connection>> dead;
      {
        std::lock_guard lock(mutex_);
        auto& pool = pools_[u.pool_key];  // std::map: references stay valid
        idle = pop_usable(pool, dead);
        if (!idle) {
          if (pool.open < options_.max_connections_per_host) {
            ++pool.open;
            open_new = true;
          } else {
            w = std::make_shared<waiter>(asio::make_strand(executor_), deadline.at);
            pool.waiters.push_back(w);
          }
        }
      }
      for (auto& c : dead) close_connection(std::move(c));
      if (idle) {
        lease l(*this, u.pool_key);
        l.conn = std::move(idle);
        l.reused = true;
        co_return std::move(l);
      }
      if (open_new) {
        lease l(*this, u.pool_key);  // holds the slot: freed if connecting fails or is cancelled
        l.conn = co_await connect(u, deadline);
        co_return std::move(l);
      }
      waiter_registration registration(*this, u.pool_key, std::move(w));  // before any co_await
      co_await wait_for_slot(u, deadline, registration);
    }
  }

  /// A waiter's place in its pool's queue, removed on every way out. A waiter that was
  /// woken but leaves without trying again (cancelled, or its deadline raced the wake-up)
  /// passes the wake-up on, or a free slot could go unnoticed.
  class waiter_registration {
   public:
    waiter_registration(transport_impl& self, std::string key, std::shared_ptr<waiter> w)
        : self_(self), key_(std::move(key)), w_(std::move(w)) {}
    waiter_registration(const waiter_registration&) = delete;
    waiter_registration& operator=(const waiter_registration&) = delete;
    ~waiter_registration() {
      {
        std::lock_guard lock(self_.mutex_);
        auto& pool = self_.pools_[key_];
        pool.waiters.remove(w_);
        if (w_->woken && !retrying) wake_one(pool);
      }
      auto strand = w_->strand;
      release_on(strand, std::move(w_));
    }
    [[nodiscard]] const std::shared_ptr<waiter>& get() const { return w_; }
    bool retrying = false;

   private:
    transport_impl& self_;
    std::string key_;
    std::shared_ptr<waiter> w_;
  };

  /// Waits until a slot may be free (then the caller tries again), or throws on the
  /// deadline or the caller's cancellation.
  asio::awaitable<void> wait_for_slot(const target_url& u, const deadline_info& deadline,
                                      waiter_registration& registration) {
    const auto& w = registration.get();
    auto wait = asio::async_initiate<const asio::deferred_t, void(boost::system::error_code)>(
        wait_initiation{w, &mutex_}, asio::deferred);
    (void)co_await asio::experimental::make_parallel_group(asio::bind_executor(w->strand, std::move(wait)))
        .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    const auto cancelled = (co_await asio::this_coro::cancellation_state).cancelled();
    bool woken = false;
    {
      std::lock_guard lock(mutex_);
      woken = w->woken;
    }
    if (cancelled != asio::cancellation_type::none) throw cancelled_error(u.description, "waiting for a free connection");
    if (!woken) throw timed_out_error(u.description, deadline, "waiting for a free connection");
    registration.retrying = true;
  }

  // --- one request ---

  /// Throws for the caller's cancellation or the deadline after a step.
  template <std::size_t N>
  static void check_step(const std::array<std::size_t, N>& order, const boost::system::error_code& timer_ec,
                         asio::cancellation_type cancelled, const target_url& u, const deadline_info& d,
                         std::string_view during) {
    if (cancelled != asio::cancellation_type::none) throw cancelled_error(u.description, during);
    if (order[0] == 1 && !timer_ec) throw timed_out_error(u.description, d, during);
  }

  /// The same after a guarded_step.
  static void check_guarded(bool timed_out, asio::cancellation_type cancelled, const target_url& u,
                            const deadline_info& d, std::string_view during) {
    if (cancelled != asio::cancellation_type::none) throw cancelled_error(u.description, during);
    if (timed_out) throw timed_out_error(u.description, d, during);
  }

  asio::awaitable<std::shared_ptr<connection>> connect(const target_url& u, const deadline_info& request_deadline) {
    using kind = transport_error::kind;
    deadline_info d = request_deadline;
    if (const auto limit = steady::now() + options_.connect_timeout; limit < d.at)
      d = {limit, "connect_timeout", std::chrono::duration_cast<std::chrono::milliseconds>(options_.connect_timeout)};

    const auto strand = asio::make_strand(executor_);
    auto conn = std::make_shared<connection>(strand, executor_, ctx_);
    struct discard_unless_kept {
      std::shared_ptr<connection>& conn;
      ~discard_unless_kept() {
        if (conn) {
          auto s = conn->strand;
          release_on(s, std::move(conn));
        }
      }
    } guard{conn};

    std::vector<tcp::endpoint> endpoints;
    boost::system::error_code aec;
    const auto address = asio::ip::make_address(u.host, aec);
    if (!aec) {
      endpoints.emplace_back(address, static_cast<unsigned short>(std::stoul(u.port)));
    } else {
      auto resolver = std::make_shared<tcp::resolver>(strand);
      struct release_resolver {
        const strand_type& strand;
        std::shared_ptr<tcp::resolver>& resolver;
        ~release_resolver() { release_on(strand, std::move(resolver)); }
      } resolver_guard{strand, resolver};
      auto op = asio::async_initiate<const asio::deferred_t, void(boost::system::error_code, tcp::resolver::results_type)>(
          resolve_initiation{resolver, u.host, u.port}, asio::deferred);
      auto [order, rec, results, tec] = co_await run_step(*conn, d.at, std::move(op));
      check_step(order, tec, (co_await asio::this_coro::cancellation_state).cancelled(), u, d, "resolving the host");
      if (rec)
        throw transport_error(kind::connect, u.description + ": cannot resolve the host (" + rec.message() + ")", rec);
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
    }

    SSL* ssl_handle = conn->stream.native_handle();
    // Asio sets SSL_MODE_RELEASE_BUFFERS, which frees OpenSSL's read and write record
    // buffers (about 17 KiB each) whenever they run empty, so every request allocated and
    // freed them again; a connection carries many requests, so it keeps them instead.
    ::SSL_clear_mode(ssl_handle, SSL_MODE_RELEASE_BUFFERS);
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
    {
      auto [order, cec, endpoint, tec] =
          co_await run_step(*conn, d.at, deferred_op<void(boost::system::error_code, tcp::endpoint)>([&](auto handler) {
                              tcp_layer.async_connect(endpoints, std::move(handler));
                            }));
      (void)endpoint;
      check_step(order, tec, (co_await asio::this_coro::cancellation_state).cancelled(), u, d, "connecting");
      if (cec) throw transport_error(kind::connect, u.description + ": cannot connect (" + cec.message() + ")", cec);
    }
    boost::system::error_code ignored;
    tcp_layer.socket().set_option(tcp::no_delay(true), ignored);
    {
      auto [order, hec, tec] =
          co_await run_step(*conn, d.at, deferred_op<void(boost::system::error_code)>([&](auto handler) {
                              conn->stream.async_handshake(ssl::stream_base::client, std::move(handler));
                            }));
      check_step(order, tec, (co_await asio::this_coro::cancellation_state).cancelled(), u, d, "in the TLS handshake");
      if (hec) {
        const long verify = ::SSL_get_verify_result(ssl_handle);
        if (verify != X509_V_OK)
          throw transport_error(kind::tls,
                                u.description + ": TLS handshake failed (certificate rejected: " +
                                    ::X509_verify_cert_error_string(verify) + ")",
                                hec, verify);
        throw transport_error(kind::tls, u.description + ": TLS handshake failed (" + hec.message() + ")", hec);
      }
    }
    ++connections_opened_;
    co_return std::exchange(conn, nullptr);
  }

  /// A request as it goes on the wire. Beast's message and serializer are left out on
  /// purpose: building the header fields one allocation each and walking them through
  /// the serializer's buffer views was about 15% of a small request's client CPU
  /// (callgrind). The text is what Beast wrote for the same message (the request line,
  /// Host, the caller's fields in their order and spelling, then User-Agent,
  /// Accept-Encoding and Content-Length where the transport adds them), except that a Host
  /// given by the caller stays first (RFC 9110 7.2), where Beast's set() moved it.
  struct wire_request {
    std::string head;  // request line and header fields, up to and including the empty line
    std::string body;
  };

  /// Writes a request and reads the response header that follows as one operation, so
  /// that a small exchange races its deadline once (run_step) instead of once per step.
  /// Completes with the error and whether the request was written in full, which says in
  /// which phase a failure, a timeout or a cancellation came.
  struct write_then_read_header {
    connection& c;
    const wire_request& req;
    http::response_parser<response_body>& parser;
    enum class stage { head, body, header } at = stage::head;

    template <class Self>
    void operator()(Self& self) {
      asio::async_write(c.stream, asio::buffer(req.head), std::move(self));
    }
    template <class Self>
    void operator()(Self& self, boost::system::error_code ec, std::size_t) {
      if (ec || at == stage::header) {
        self.complete(ec, at == stage::header);
        return;
      }
      // A large body is written from where it is, after the header, in a write of its own.
      // Not as one sequence of two buffers: once the header is out, Beast's SSL stream
      // (flat_stream) writes 0 bytes of a sequence that starts with an empty buffer and
      // goes on with one over 16 KiB, and asio::async_write ends on a write of 0 bytes,
      // so the body was never sent (the test "the request as written" caught it).
      if (at == stage::head && !req.body.empty()) {
        at = stage::body;
        asio::async_write(c.stream, asio::buffer(req.body), std::move(self));
        return;
      }
      at = stage::header;
      http::async_read_header(c.stream, c.buffer, parser, std::move(self));
    }
  };

  /// Bodies up to this size are copied behind the header so that the request is one
  /// buffer (one TLS write); a larger body is written from where it is.
  static constexpr std::size_t inline_body_limit = std::size_t{16} * 1024;

  wire_request build_request(const target_url& u, http_request& r) const {
    const std::string_view bad_value("\r\n\0", 3);
    std::string_view host = u.host_header;
    bool has_user_agent = false, has_accept_encoding = false;
    std::size_t size = r.method.size() + u.target.size() + host.size() + 64 + options_.user_agent.size();
    for (const auto& [name, value] : r.headers) {
      if (name.empty() || has_control_or_space(name) || value.find_first_of(bad_value) != std::string::npos)
        throw transport_error(transport_error::kind::protocol,
                              u.description + ": invalid request header '" + (has_control_or_space(name) ? "?" : name) + "'");
      if (iequals(name, "Host")) host = value;  // the last one given, as a field set twice
      has_user_agent = has_user_agent || iequals(name, "User-Agent");
      has_accept_encoding = has_accept_encoding || iequals(name, "Accept-Encoding");
      size += name.size() + value.size() + 4;
    }
    wire_request w;
    w.head.reserve(size + (r.body.size() <= inline_body_limit ? r.body.size() : 0));
    auto field = [&](std::string_view name, std::string_view value) {
      w.head.append(name).append(": ").append(value).append("\r\n");
    };
    w.head.append(r.method).append(" ").append(u.target).append(" HTTP/1.1\r\n");
    field("Host", host);
    for (const auto& [name, value] : r.headers) {
      // Framing and connection management belong to the transport.
      if (iequals(name, "Host") || iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
          iequals(name, "Connection") || iequals(name, "Keep-Alive") || iequals(name, "TE") || iequals(name, "Upgrade"))
        continue;
      field(name, value);
    }
    if (!has_user_agent && !options_.user_agent.empty()) field("User-Agent", options_.user_agent);
    if (options_.accept_gzip && !has_accept_encoding) field("Accept-Encoding", "gzip");
    // As Beast's prepare_payload: a length for any body, and an explicit 0 where the
    // method usually has one (POST, PUT, OPTIONS).
    if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "OPTIONS")
      field("Content-Length", std::to_string(r.body.size()));
    w.head.append("\r\n");
    if (r.body.size() <= inline_body_limit)
      w.head.append(r.body);
    else
      w.body = std::move(r.body);
    return w;
  }

  asio::awaitable<exchange_result> exchange(connection& c, const wire_request& req, bool head,
                                            const target_url& u, const deadline_info& d, response_sink* sink,
                                            bool asked_gzip) {
    exchange_result result;
    ++requests_sent_;

    // response_body keeps the body in a string reserved from Content-Length, or hands it
    // to the sink read by read; the 64 KiB buffer keeps each read large.
    std::optional<http::response_parser<response_body>> parser;
    const auto fresh_parser = [&] {
      parser.emplace();
      parser->header_limit(static_cast<std::uint32_t>(response_header_limit));
      parser->body_limit(options_.max_response_body);
      if (head) parser->skip(true);
    };
    fresh_parser();
    {
      auto [ec, written] = co_await guarded_step<void(boost::system::error_code, bool)>(
          c, d.at, [&](auto handler) {
            asio::async_compose<decltype(handler), void(boost::system::error_code, bool)>(
                write_then_read_header{c, req, *parser}, handler, c.stream);
          });
      check_guarded(end_guarded_step(c), (co_await asio::this_coro::cancellation_state).cancelled(), u, d,
                    written ? "reading the response" : "writing the request");
      if (ec) {
        result.ec = ec;
        result.where = written ? phase::read : phase::write;
        result.got_some = written && (parser->got_some() || c.buffer.size() != 0);
        co_return result;
      }
    }
    result.where = phase::read;

    for (int interim = 0;; ++interim) {
      if (interim > 0) {
        // A 1xx response is interim (100 Continue, 103 Early Hints): the final one follows
        // on the same connection, read with a fresh parser.
        fresh_parser();
        auto [hec, n] = co_await guarded_step<void(boost::system::error_code, std::size_t)>(c, d.at, [&](auto handler) {
          http::async_read_header(c.stream, c.buffer, *parser, std::move(handler));
        });
        (void)n;
        check_guarded(end_guarded_step(c), (co_await asio::this_coro::cancellation_state).cancelled(), u, d,
                      "reading the response");
        if (hec) {
          result.ec = hec;
          result.got_some = true;
          co_return result;
        }
      }
      result.got_some = true;
      const unsigned status = parser->get().result_int();
      if (status / 100 != 1) break;
      if (status == 101)
        throw transport_error(transport_error::kind::protocol,
                              u.description + ": unexpected 101 Switching Protocols (no upgrade was asked for)");
      if (interim + 1 >= max_interim_responses)
        throw transport_error(transport_error::kind::protocol,
                              u.description + ": more than " + std::to_string(max_interim_responses) +
                                  " interim 1xx responses");
    }
    // The final header: the sink learns the status and decides where the body goes.
    {
      const auto& header = parser->get();
      result.response.status = static_cast<int>(header.result_int());
      result.response.headers.reserve(static_cast<std::size_t>(std::distance(header.begin(), header.end())));
      for (const auto& field : header)
        result.response.headers.add(std::string(field.name_string()), std::string(field.value()));
      if (asked_gzip && !head && is_gzip(result.response.headers.get("Content-Encoding"))) {
        // Inflated as it is read: the caller sees the body as if it had come plain.
        parser->get().body().inflater = std::make_unique<gzip_inflater>(options_.max_response_body);
        result.response.headers.erase("Content-Encoding");
        result.response.headers.erase("Content-Length");
      }
      if (sink && sink->begin(result.response.status, result.response.headers)) parser->get().body().sink = sink;
    }
    bool clean_end = true;
    if (!parser->is_done() && c.buffer.size() != 0) {
      // A small response usually arrived whole with its header: parse the rest from the
      // buffer here rather than in one more asynchronous step (each costs a timer, a
      // parallel group and several handler dispatches; callgrind showed them as a large
      // share of a small request).
      beast::error_code pec;
      const auto used = parser->put(c.buffer.data(), pec);
      c.buffer.consume(used);
      if (pec && pec != http::error::need_more) {
        result.ec = pec;
        co_return result;
      }
    }
    if (!parser->is_done()) {
      auto [bec, n] = co_await guarded_step<void(boost::system::error_code, std::size_t)>(c, d.at, [&](auto handler) {
        http::async_read(c.stream, c.buffer, *parser, std::move(handler));
      });
      (void)n;
      check_guarded(end_guarded_step(c), (co_await asio::this_coro::cancellation_state).cancelled(), u, d,
                    "reading the response");
      if (bec) {
        // A response whose length was known and fully read stands even when the server then
        // closed without close_notify; a body delimited by the end of the stream does not.
        if (!(parser->is_done() && (bec == ssl::error::stream_truncated || is_connection_lost(bec)))) {
          result.ec = bec;
          co_return result;
        }
        clean_end = false;
      }
    }

    // Pool only a connection whose exchange ended cleanly, by the parser's account: the
    // message is complete, its framing did not need the end of the stream, the server
    // allows keep-alive, and nothing was received beyond it.
    result.reusable = clean_end && parser->is_done() && parser->keep_alive() && !parser->need_eof() &&
                      c.buffer.size() == 0;
    auto& body = parser->get().body();
    body_bytes_received_ += body.wire_bytes;
    if (body.inflater) body_bytes_inflated_ += body.inflater->inflated();
    if (body.sink_failure) {
      result.reusable = false;
      result.sink_failure = body.sink_failure;
    }
    result.response.body = std::move(body.text);
    result.response.streamed_body_size = body.streamed;
    co_return result;
  }

  asio::any_io_executor executor_;
  beast_transport_options options_;
  ssl::context ctx_{ssl::context::tls_client};
  std::mutex mutex_;                        // guards pools_ (never held across a co_await)
  std::map<std::string, host_pool> pools_;
  std::atomic<std::size_t> connections_opened_{0};
  std::atomic<std::size_t> requests_sent_{0};
  std::atomic<std::size_t> connections_reused_{0};
  std::atomic<std::size_t> retries_{0};
  std::atomic<std::size_t> connections_closed_{0};
  std::atomic<std::size_t> body_bytes_received_{0};
  std::atomic<std::size_t> body_bytes_inflated_{0};
};

}  // namespace outlook::detail::beast_transport_detail

namespace outlook {

// Not inline on purpose: this header belongs in exactly one translation unit.
std::shared_ptr<beast_transport> make_beast_transport(boost::asio::any_io_executor executor,
                                                      beast_transport_options options) {
  return std::make_shared<detail::beast_transport_detail::transport_impl>(std::move(executor), std::move(options));
}

}  // namespace outlook
