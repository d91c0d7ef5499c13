// outlook-mail: the runtime every generated operation calls.
// SPDX-License-Identifier: BSL-1.0
//
// A session owns the transport, the token provider and the configuration. Generated
// functions build a request_spec (path, query, Prefer, headers, body) eagerly, keeping an
// argument error in it for later (prepare), then hand it to one of the fetch_* coroutines
// here, which send it, map failures to exceptions and decode the body. Paging and change
// tracking (sync rounds) live here too, so that every operation shares one
// implementation of them.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "outlook/codec_types.hpp"
#include "outlook/config.hpp"
#include "outlook/detail/content_coding.hpp"
#include "outlook/detail/header_check.hpp"
#include "outlook/detail/percent.hpp"
#include "outlook/error.hpp"
#include "outlook/http.hpp"
#include "outlook/observer.hpp"
#include "outlook/options.hpp"
#include "outlook/page.hpp"
#include "outlook/retry.hpp"
#include "outlook/token.hpp"
#include "outlook/transport.hpp"
#include "outlook/version.hpp"

#if OUTLOOK_MAIL_DEFINITIONS
// Only the definitions (session::execute, the pagers' next()) wait on timers, read the
// cancellation state, limit requests per mailbox, draw random numbers and parse pages; a
// separately compiled file is spared these headers.
#include <random>

#include "outlook/codec.hpp"
#include "outlook/detail/collection_stream.hpp"
#include "outlook/detail/mailbox_limiter.hpp"

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#endif

// GCC 12 at -O2 reports -Wmismatched-new-delete at the end of the coroutines below: it
// pairs the coroutine frame's deallocation (Asio's awaitable_frame_base::operator
// delete(void*, size_t)) with a different allocation function after inlining, although
// the frame is allocated by the matching operator new of the same class. A false
// positive (this header has no new or delete of its own); silenced for this header only,
// so that a user's -O2 -Wall -Werror build stays clean.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#define OUTLOOK_MAIL_SESSION_DIAGNOSTICS_PUSHED
#endif

namespace outlook {

struct client_options {
  /// Base URL of the v2.0 API; empty means the schema's ("https://outlook.office.com/api/v2.0").
  std::string base_url;
  /// Base URL for preview operations; empty means the schema's (".../api/beta").
  std::string preview_base_url;
  /// Hosts (host or host:port) the token may be sent to; empty means the schema's hosts
  /// plus the hosts of the two base URLs.
  std::vector<std::string> allowed_hosts;
  retry_policy retry{};
  /// Sent as User-Agent; empty means "outlook-mail/<version>".
  std::string user_agent;
  /// Largest request body sent, in bytes (0: no limit); a larger one is refused before
  /// sending. The Graph client sets the service's 4 MB limit.
  std::size_t max_request_body = 0;
  /// One deadline per request: every attempt of it, the retries and the waits between
  /// them must end within this time from when the call starts, or the call fails with
  /// transport_error kind::timeout (or with the last error, when a retry could not end in
  /// time and so was not started). Each page of a pager or sync round is one request.
  /// Empty: no overall deadline (each exchange is still bounded by the transport's own
  /// timeouts). An operation's `options.timeout` overrides it for one call.
  std::optional<std::chrono::milliseconds> timeout{};
  /// Sees every request attempt (outlook/observer.hpp); empty for none.
  request_observer observer{};
  /// Requests of one mailbox in flight at once ("me" and each "users/<id>" apart; the
  /// service allows 4 per mailbox and answers more with 429); further ones wait for one
  /// to end. 0: no limit. Connections per host are bounded by the transport
  /// (beast_transport_options::max_connections_per_host). Waiting for a place is not
  /// bounded by `timeout`; it ends when a request of that mailbox ends.
  std::size_t max_requests_per_mailbox = 4;
};

/// Everything needed to send one request, built by generated code.
struct request_spec {
  std::string method;
  bool preview = false;
  /// Percent-encoded path below the base URL, starting with the mailbox ("me/messages/AAMk%2F").
  std::string path;
  /// Decoded query parameters, in order.
  std::vector<std::pair<std::string, std::string>> query;
  prefer_options prefer;
  /// The Prefer value that asks for change tracking (sync rounds); empty otherwise.
  std::string change_tracking;
  std::optional<boost::json::value> body;
  /// The caller's response_info for this one call (options.response); pagers refuse it.
  response_info* info = nullptr;
  /// An absolute URL to send instead (a next or delta link); checked against allowed hosts.
  std::string url;
  /// A body that is not JSON (MIME sent base64 as text/plain), with its Content-Type.
  std::optional<std::string> raw_body;
  std::string raw_content_type;
  /// Accept header; empty means application/json.
  std::string accept;
  /// This operation's own body limit in bytes (0: none) and what the refusal says.
  std::size_t body_limit = 0;
  std::string body_limit_message;
  /// Headers the caller adds to this request (options.headers).
  http_headers headers;
  /// Overrides client_options::timeout for this request (options.timeout).
  std::optional<std::chrono::milliseconds> timeout{};
  /// Set when building the request failed (an empty ID, a refused option combination):
  /// the error surfaces when the call is awaited, not when it is made.
  std::exception_ptr refused;
};

/// Builds a request now, keeping an argument error for when the call is awaited: every
/// operation can then be made (and handed to co_spawn) without throwing.
template <class Build>
[[nodiscard]] request_spec prepare(Build&& build) noexcept {
  try {
    return std::forward<Build>(build)();
  } catch (...) {
    request_spec r;
    r.refused = std::current_exception();
    return r;
  }
}

/// A copy of an operation's options without the response pointer (for a whole sync
/// round, which fills the pointer itself at the end instead of handing it to its pager).
template <class Options>
[[nodiscard]] Options without_response(const Options& o) {
  Options copy = o;
  copy.response = nullptr;
  return copy;
}

namespace detail {

struct url_parts {
  std::string scheme, host;  // host includes ":port" when one is given
  std::string_view rest;     // path and query
};

[[nodiscard]] inline std::optional<url_parts> split_url(std::string_view url) {
  auto colon = url.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  url_parts p;
  p.scheme = std::string(url.substr(0, colon));
  auto after = url.substr(colon + 3);
  auto slash = after.find_first_of("/?#");
  p.host = std::string(after.substr(0, slash));
  p.rest = slash == std::string_view::npos ? std::string_view{} : after.substr(slash);
  if (p.host.empty() || p.host.find('@') != std::string::npos) return std::nullopt;
  return p;
}

/// A random number in [0, 1) (backoff jitter), from the calling thread's engine.
OUTLOOK_MAIL_DECL double random_unit();
/// A version-4 UUID (a client-request-id) from the calling thread's engine.
OUTLOOK_MAIL_DECL std::string new_request_id();

#if OUTLOOK_MAIL_DEFINITIONS
/// The random engine of the calling thread: the session is used from several threads,
/// and a shared engine would be a data race (each thread seeds its own).
inline std::mt19937_64& thread_random_engine() {
  thread_local std::mt19937_64 engine = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return engine;
}

/// A random number in [0, 1) (backoff jitter).
OUTLOOK_MAIL_DECL double random_unit() { return std::uniform_real_distribution<double>(0.0, 1.0)(thread_random_engine()); }

inline std::string new_request_id(std::mt19937_64& rng) {
  std::uniform_int_distribution<std::uint64_t> d;
  std::uint64_t a = d(rng), b = d(rng);
  a = (a & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  b = (b & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 1
  static constexpr char hex[] = "0123456789abcdef";
  // Written in place (8-4-4-4-12): one allocation per request, not one per character.
  std::string s(36, '-');
  std::size_t at = 0;
  auto put = [&](std::uint64_t bits, int from_nibble, int count) {
    for (int i = from_nibble; i > from_nibble - count; --i) {
      if (at == 8 || at == 13 || at == 18 || at == 23) ++at;  // the dashes
      s[at++] = hex[(bits >> (i * 4)) & 15];
    }
  };
  put(a, 15, 16);
  put(b, 15, 16);
  return s;
}

/// A version-4 UUID from the calling thread's engine.
OUTLOOK_MAIL_DECL std::string new_request_id() { return new_request_id(thread_random_engine()); }

#endif  // OUTLOOK_MAIL_DEFINITIONS

/// Whether one more attempt of kind `k` is allowed after `retries_so_far` retries.
[[nodiscard]] inline bool may_retry(const retry_policy& policy, const retry_policy::kind& k, int retries_so_far) noexcept {
  return policy.enabled && k.enabled && retries_so_far + 1 < k.max_attempts;
}

/// Whether the caller asked to cancel (a template: Asio's cancellation headers are only
/// included where the session's definitions are).
template <class CancellationState>
[[nodiscard]] bool cancel_requested(const CancellationState& state) {
  return state.cancelled() != decltype(state.cancelled()){};
}

/// The one outcome of a cancelled call.
[[nodiscard]] inline transport_error cancelled_error() {
  return transport_error(transport_error::kind::cancelled, "the request was cancelled",
                         boost::asio::error::operation_aborted);
}

/// A raw system_error (from a user's transport, a timer, a token provider) as the
/// library's own error: operation_aborted is a cancellation, the rest keep their code.
[[nodiscard]] inline transport_error to_transport_error(const boost::system::error_code& ec) {
  namespace e = boost::asio::error;
  using k = transport_error::kind;
  if (ec == e::operation_aborted) return cancelled_error();
  k kind = k::other;
  if (ec == e::timed_out) kind = k::timeout;
  else if (ec == e::connection_refused || ec == e::host_unreachable || ec == e::network_unreachable ||
           ec == e::host_not_found)
    kind = k::connect;
  else if (ec == e::connection_reset || ec == e::connection_aborted || ec == e::broken_pipe || ec == e::eof)
    kind = k::reset;
  return transport_error(kind, "request failed: " + ec.message(), ec);
}

/// Replaces every occurrence of `secret` in `text` (a gateway may echo request headers in
/// an error body; the token must still never reach an exception message).
inline void redact(std::string& text, std::string_view secret) {
  if (secret.size() < 4) return;
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos))
    text.replace(pos, secret.size(), "<redacted>");
}

/// The api_error for a non-2xx response; the body may be anything (or nothing).
/// `secret` (the token sent) is removed from everything the error keeps.
[[nodiscard]] inline api_error make_api_error(const http_response& r, std::string client_request_id, std::string_view secret = {}) {
  api_error::details d;
  d.status = r.status;
  d.request_id = std::string(r.headers.get("request-id").value_or(""));
  d.client_request_id = std::move(client_request_id);
  d.retry_after = parse_retry_after(r.headers.get("Retry-After"));
  // Redact the whole body before cutting it, so a token across the cut leaves no trace.
  std::string body = r.body;
  redact(body, secret);
  d.body = body.substr(0, 4096);
  boost::system::error_code ec;
  boost::json::parse_options po;
  po.max_depth = max_json_depth;
  auto v = boost::json::parse(r.body, ec, {}, po);
  const boost::json::object* err = nullptr;
  if (!ec && v.is_object())
    for (const auto& kv : v.get_object())
      if (iequals(std::string_view(kv.key().data(), kv.key().size()), "error") && kv.value().is_object()) err = &kv.value().get_object();
  if (err) {
    for (const auto& kv : *err) {
      std::string_view k(kv.key().data(), kv.key().size());
      if (iequals(k, "code") && kv.value().is_string()) d.code = std::string(kv.value().get_string());
      if (iequals(k, "message") && kv.value().is_string()) d.message = std::string(kv.value().get_string());
    }
  } else if (!body.empty()) {
    // Not an OData error body (an HTML page from a proxy, plain text): keep a readable start.
    std::string text;
    for (char c : body.substr(0, 200)) text += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
    d.message = "non-JSON error body: " + text;
  } else if (auto www = r.headers.get("WWW-Authenticate")) {
    d.message = "WWW-Authenticate: " + std::string(www->substr(0, 200));
  }
  redact(d.message, secret);
  redact(d.body, secret);
  redact(d.code, secret);
  redact(d.request_id, secret);
  return api_error(std::move(d));
}

}  // namespace detail

namespace detail {
class mailbox_limiter;  // outlook/detail/mailbox_limiter.hpp, included with the definitions
template <class Collection>
class collection_stream;  // outlook/detail/collection_stream.hpp, likewise
}  // namespace detail

/// The shared state behind a client: transport, token provider and configuration.
///
/// Threads: a session (and so a client, its mailbox handles and their operations) may be
/// used from several threads at once, for example by coroutines spawned on one io_context
/// that several threads run. After construction it holds no mutable state (request IDs
/// and jitter come from a per-thread engine), so the rule is on what you give it: the
/// transport, the token provider and the observer are called concurrently from those
/// threads and must be safe for that (the Beast transport, fixed_token and the providers
/// of outlook/auth are). A pager or sync pager is one sequence: await one next() at a
/// time, from one coroutine.
class session : public std::enable_shared_from_this<session> {
 public:
  session(transport_ptr transport, token_provider tokens, client_options options);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  [[nodiscard]] const client_options& options() const noexcept { return options_; }
  /// The transport, for requests that must not carry the token (upload URLs, upload.hpp).
  [[nodiscard]] const transport_ptr& transport() const noexcept { return transport_; }

  /// Whether `url` is an https URL to a host the token may be sent to.
  [[nodiscard]] bool allowed(std::string_view url) const;

  /// The absolute URL of a request.
  [[nodiscard]] std::string url_of(const request_spec& spec) const;

  /// Sends a request and returns its 2xx response; retries as the policy says (and once
  /// after a 401, with a fresh token); throws api_error for any other status,
  /// transport_error when no response came (kind::cancelled when the caller cancelled),
  /// and request_refused when the request cannot be sent as asked. Nothing else: a raw
  /// boost::system::system_error from a transport, a timer or a token provider becomes a
  /// transport_error. spec.info, when set, is filled once, at the end.
  ///
  /// With a `sink`, a 2xx body goes to it as it is read (transport::send_streamed) when
  /// sink->begin() asks for it; error statuses are buffered and handled as above.
  boost::asio::awaitable<http_response> execute(request_spec spec, response_sink* sink = nullptr);

  /// The request `spec` describes, as execute() would first send it but without the
  /// per-attempt headers (Authorization, client-request-id): for a JSON batch, which sends
  /// it inside another request. Throws what execute() would throw before sending
  /// (request_refused, or the argument error kept in spec.refused).
  [[nodiscard]] http_request build_request(const request_spec& spec) const;

 private:
  /// The request without the per-attempt headers (client-request-id, Authorization).
  [[nodiscard]] http_request make_request(const request_spec& spec) const;

  void check_body_limits(const request_spec& spec, std::size_t size) const;

  void observe(const std::string& shown_url, const http_request& req, int attempt, std::chrono::steady_clock::time_point started,
               const http_response* resp, const std::optional<transport_error>& failure, const std::string& client_request_id) const;

  static std::string host_of(std::string_view url);

  transport_ptr transport_;
  token_provider tokens_;
  client_options options_;
  std::unique_ptr<detail::mailbox_limiter> limiter_;
  std::vector<std::string> extra_hosts_;
};

#if OUTLOOK_MAIL_DEFINITIONS
// The session's members, out of the class: in the separate-compilation mode only the
// src.hpp translation unit compiles them (above all the coroutines, which GCC compiles in
// every file that sees their bodies, used or not).

OUTLOOK_MAIL_DECL session::session(transport_ptr transport, token_provider tokens, client_options options)
    : transport_(std::move(transport)),
      tokens_(std::move(tokens)),
      options_(std::move(options)),
      limiter_(std::make_unique<detail::mailbox_limiter>(options_.max_requests_per_mailbox)) {
  if (!transport_) throw std::invalid_argument("outlook::session needs a transport");
  if (!tokens_) throw std::invalid_argument("outlook::session needs a token provider");
  // The hosts of the two base URLs may always receive the token, besides allowed_hosts.
  for (std::string* base : {&options_.base_url, &options_.preview_base_url}) {
    auto parts = detail::split_url(*base);
    if (!parts || parts->scheme != "https") throw std::invalid_argument("base URLs must be absolute https URLs");
    while (!base->empty() && base->back() == '/') base->pop_back();
    auto same_host = [&](const std::string& h) { return iequals(h, parts->host); };
    if (std::none_of(options_.allowed_hosts.begin(), options_.allowed_hosts.end(), same_host))
      extra_hosts_.push_back(parts->host);
  }
  if (options_.user_agent.empty()) options_.user_agent = std::string("outlook-mail/") + version_string;
}

OUTLOOK_MAIL_DECL bool session::allowed(std::string_view url) const {
  auto p = detail::split_url(url);
  if (!p || p->scheme != "https") return false;
  auto match = [&](const std::string& h) { return iequals(h, p->host); };
  return std::any_of(options_.allowed_hosts.begin(), options_.allowed_hosts.end(), match) ||
         std::any_of(extra_hosts_.begin(), extra_hosts_.end(), match);
}

OUTLOOK_MAIL_DECL std::string session::url_of(const request_spec& spec) const {
  if (!spec.url.empty()) return spec.url;
  std::string url = spec.preview ? options_.preview_base_url : options_.base_url;
  url += '/';
  url += spec.path;
  char sep = '?';
  for (const auto& [name, value] : spec.query) {
    url += sep;
    sep = '&';
    url += detail::percent_encode_query_value(name);
    url += '=';
    url += detail::percent_encode_query_value(value);
  }
  return url;
}

OUTLOOK_MAIL_DECL http_request session::build_request(const request_spec& spec) const {
  if (spec.refused) std::rethrow_exception(spec.refused);
  return make_request(spec);
}

OUTLOOK_MAIL_DECL boost::asio::awaitable<http_response> session::execute(request_spec spec, response_sink* sink) {
  // One coroutine for the whole call, each frame being an allocation of its own; the try
  // turns a raw system_error (from a token provider, a transport or a timer) into a
  // transport_error.
  try {
    if (spec.refused) std::rethrow_exception(spec.refused);
    const bool built_from_base = spec.url.empty();
    http_request req = make_request(spec);
    std::optional<std::chrono::steady_clock::time_point> deadline;
    if (auto timeout = spec.timeout ? spec.timeout : options_.timeout) {
      if (timeout->count() <= 0) throw request_refused("a timeout must be positive");
      deadline = std::chrono::steady_clock::now() + *timeout;
      req.deadline = deadline;
    }
    const std::string shown_url = options_.observer ? detail::redact_url(req.url, built_from_base) : std::string();
    const bool idempotent = spec.method == "GET" || spec.method == "DELETE";
    const retry_policy& policy = options_.retry;
    int throttled_retries = 0, server_retries = 0, backoff_step = 0;
    bool refreshed = false, force_refresh = false;
    auto cancellation = co_await boost::asio::this_coro::cancellation_state;
    // No lambdas in this coroutine: its frame would hold them, and a frame with a member of
    // a type without linkage is refused (-Wsubobject-linkage) where the function is not inline.

    for (int attempt = 1;; ++attempt) {
      if (detail::cancel_requested(cancellation)) throw detail::cancelled_error();
      std::string client_request_id = detail::new_request_id();
      req.headers.set("client-request-id", client_request_id);
      std::string token = co_await tokens_(token_request{.force_refresh = std::exchange(force_refresh, false)});
      if (!detail::header_value_ok(token))
        throw request_refused("the token provider gave a token containing CR, LF or NUL; it was not sent");
      if (detail::cancel_requested(cancellation)) throw detail::cancelled_error();
      if (deadline && std::chrono::steady_clock::now() >= *deadline)
        throw transport_error(transport_error::kind::timeout, "the call's deadline passed before attempt " + std::to_string(attempt) + " could be sent",
                              boost::asio::error::timed_out);
      req.headers.set("Authorization", "Bearer " + token);

      const auto started = std::chrono::steady_clock::now();
      std::optional<transport_error> failure;
      http_response resp;
      try {
        auto in_flight = co_await limiter_->acquire(detail::mailbox_key(spec.path));  // held for this attempt only
        // Two statements: GCC 12 miscompiles co_await in both arms of a conditional.
        if (sink)
          resp = co_await transport_->send_streamed(req, *sink);
        else
          resp = co_await transport_->send(req);
      } catch (const transport_error& e) {
        failure = e;
      } catch (const boost::system::system_error& e) {
        failure = detail::to_transport_error(e.code());
      }
      // However the transport reported it, a cancelled call has one outcome.
      if (failure && detail::cancel_requested(cancellation)) failure = detail::cancelled_error();
      observe(shown_url, req, attempt, started, failure ? nullptr : &resp, failure, client_request_id);

      std::chrono::milliseconds wait{0};
      std::exception_ptr last_error;
      if (failure) {
        using k = transport_error::kind;
        const bool transient = failure->reason() == k::reset || failure->reason() == k::timeout || failure->reason() == k::connect;
        if (!(transient && idempotent && detail::may_retry(policy, policy.server_errors, server_retries))) throw *failure;
        ++server_retries;
        wait = detail::backoff_delay(policy, backoff_step++, detail::random_unit());
        last_error = std::make_exception_ptr(*failure);
      } else {
        if (resp.status >= 200 && resp.status < 300) {
          if (spec.info) *spec.info = response_info{resp.status, resp.headers, client_request_id};
          co_return resp;
        }
        if (resp.status == 401 && !refreshed) {  // the token was refused: one fresh token, one more try
          refreshed = force_refresh = true;
          continue;
        }
        if (spec.info) *spec.info = response_info{resp.status, resp.headers, client_request_id};
        const auto retry_after = detail::parse_retry_after(resp.headers.get("Retry-After"));
        const bool throttled = resp.status == 429 || (resp.status == 503 && retry_after);
        const bool server_error = !throttled && resp.status >= 500 && idempotent;
        bool retry = throttled ? detail::may_retry(policy, policy.throttling, throttled_retries)
                               : server_error && detail::may_retry(policy, policy.server_errors, server_retries);
        if (retry_after && *retry_after > policy.max_retry_after) retry = false;
        if (!retry) throw detail::make_api_error(resp, client_request_id, token);
        ++(throttled ? throttled_retries : server_retries);
        wait = retry_after ? std::chrono::duration_cast<std::chrono::milliseconds>(*retry_after)
                           : detail::backoff_delay(policy, backoff_step++, detail::random_unit());
        last_error = std::make_exception_ptr(detail::make_api_error(resp, client_request_id, token));
      }
      // A retry that cannot start before the deadline is not made: the call ends with
      // the error it has.
      if (deadline && std::chrono::steady_clock::now() + wait >= *deadline) std::rethrow_exception(last_error);
      if (wait.count() > 0) {
        boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
        timer.expires_after(wait);
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        if (ec == boost::asio::error::operation_aborted || detail::cancel_requested(cancellation)) throw detail::cancelled_error();
      }
    }
  } catch (const boost::system::system_error& e) {
    throw detail::to_transport_error(e.code());
  }
}

OUTLOOK_MAIL_DECL http_request session::make_request(const request_spec& spec) const {
  std::string url = url_of(spec);
  if (!allowed(url))
    throw request_refused("refusing to send a request to a host this client is not configured for: " + host_of(url));
  if (!detail::header_value_ok(options_.user_agent))
    throw request_refused("client_options::user_agent contains CR, LF or NUL, which a header cannot carry");
  http_request req;
  req.method = spec.method;
  req.url = std::move(url);
  req.headers.add("Accept", spec.accept.empty() ? std::string("application/json") : spec.accept);
  req.headers.add("User-Agent", options_.user_agent);
  req.headers.add("return-client-request-id", "true");
  auto prefer = prefer_values(spec.prefer, spec.change_tracking);
  if (!prefer.empty()) req.headers.add("Prefer", detail::join(prefer, ", "));  // one line, RFC 7240
  for (const auto& [name, value] : spec.headers) {
    if (!detail::header_name_ok(name)) throw request_refused("options.headers: \"" + name + "\" is not a header name");
    if (detail::runtime_owned_header(name))
      throw request_refused("options.headers: " + name + " is set by the library and cannot be given per request");
    if (!detail::header_value_ok(value))
      throw request_refused("options.headers: the value of " + name + " contains CR, LF or NUL");
    req.headers.add(name, value);
  }
  if (spec.raw_body) {
    req.headers.add("Content-Type", spec.raw_content_type);
    req.body = *spec.raw_body;
  } else if (spec.body) {
    req.headers.add("Content-Type", "application/json");
    req.body = boost::json::serialize(*spec.body);
  }
  check_body_limits(spec, req.body.size());
  return req;
}

OUTLOOK_MAIL_DECL void session::check_body_limits(const request_spec& spec, std::size_t size) const {
  if (spec.body_limit && size > spec.body_limit) throw request_refused(spec.body_limit_message);
  if (options_.max_request_body && size > options_.max_request_body)
    throw request_refused("the request body (" + std::to_string(size) + " bytes) is larger than the service accepts (" +
                          std::to_string(options_.max_request_body) + " bytes)");
}

OUTLOOK_MAIL_DECL void session::observe(const std::string& shown_url, const http_request& req, int attempt,
                                        std::chrono::steady_clock::time_point started, const http_response* resp,
                                        const std::optional<transport_error>& failure, const std::string& client_request_id) const {
  if (!options_.observer) return;
  request_event ev;
  ev.method = req.method;
  ev.url = shown_url;
  ev.attempt = attempt;
  ev.duration = std::chrono::steady_clock::now() - started;
  ev.client_request_id = client_request_id;
  ev.bytes_sent = req.body.size();
  if (resp) {
    ev.status = resp->status;
    ev.request_id = std::string(resp->headers.get("request-id").value_or(""));
    ev.bytes_received = resp->body.size() + resp->streamed_body_size;
  }
  if (failure) ev.error = failure->reason();
  try {
    options_.observer(ev);
  } catch (...) {
    // An observer cannot change the outcome of a request (documented).
  }
}

OUTLOOK_MAIL_DECL session::~session() = default;

OUTLOOK_MAIL_DECL std::string session::host_of(std::string_view url) {
  auto p = detail::split_url(url);
  return p ? p->host : std::string("(not an absolute URL)");
}

#endif  // OUTLOOK_MAIL_DEFINITIONS

/// What a generated mailbox handle holds: the session and the encoded mailbox prefix.
struct mailbox_context {
  std::shared_ptr<outlook::session> session;
  std::string prefix;  // "me" or "users/alex%40contoso.com"
};

/// One path segment from an argument: percent-encoded, never empty, never "." or "..":
/// those would change the path instead of naming an item, and URL parsers normalise even
/// their encoded forms (%2E%2E), so they are refused.
[[nodiscard]] inline std::string path_segment(std::string_view value, std::string_view name) {
  if (value.empty()) throw request_refused(std::string(name) + " must not be empty");
  if (value == "." || value == "..") throw request_refused(std::string(name) + " must not be \".\" or \"..\"");
  return detail::percent_encode_segment(value);
}

// ----- fetching and decoding

/// Refuses a body in a content coding the transport did not decode (gzip, br...): such a
/// body is not JSON, and saying which coding it was beats "invalid JSON".
inline void check_identity_coding(const http_response& r) {
  if (auto coding = detail::unsupported_content_coding(r.headers))
    throw decode_error("", "response body has Content-Encoding '" + *coding + "', which was not asked for and cannot be decoded");
}

template <class T>
[[nodiscard]] inline T decode_response(const http_response& r) {
  check_identity_coding(r);
  if (r.body.empty()) throw decode_error("", "empty response body (HTTP " + std::to_string(r.status) + ") where JSON was expected");
  return decode_text<T>(r.body);
}

OUTLOOK_MAIL_DECL boost::asio::awaitable<void> fetch_none(std::shared_ptr<session> s, request_spec spec);
#if OUTLOOK_MAIL_DEFINITIONS
OUTLOOK_MAIL_DECL boost::asio::awaitable<void> fetch_none(std::shared_ptr<session> s, request_spec spec) {
  co_await s->execute(std::move(spec));
}
#endif

template <class T>
boost::asio::awaitable<T> fetch_one(std::shared_ptr<session> s, request_spec spec) {
  auto r = co_await s->execute(std::move(spec));
  co_return decode_response<T>(r);
}

/// For a single primitive returned as {"value": ...}.
template <class T>
boost::asio::awaitable<value_envelope<T>> fetch_value(std::shared_ptr<session> s, request_spec spec) {
  auto r = co_await s->execute(std::move(spec));
  co_return decode_response<value_envelope<T>>(r);
}

namespace detail {
/// Pagers answer with last_response() instead of options.response: a pager outlives the
/// call that made it, and a pointer kept that long would dangle.
inline void refuse_response_pointer(request_spec& spec) {
  if (spec.info && !spec.refused)
    spec.refused = std::make_exception_ptr(request_refused(
        "options.response is not used by pagers (the pointer would be kept beyond the call): read last_response() of the pager"));
  spec.info = nullptr;
}
}  // namespace detail

/// Follows @odata.nextLink lazily, one page per next(), with the same Prefer options and
/// headers. A next link to a host the client is not configured for makes the following
/// next() throw request_refused before anything is sent. One next() at a time.
template <class T>
class pager {
 public:
  pager(std::shared_ptr<session> s, request_spec first) : session_(std::move(s)), spec_(std::move(first)) {
    detail::refuse_response_pointer(spec_);
  }

  /// The next page, or nullopt after the last one.
  boost::asio::awaitable<std::optional<page<T>>> next();

  /// Status and headers of the last response next() got (a 2xx, or the status of an
  /// api_error); status 0 before the first.
  [[nodiscard]] const response_info& last_response() const noexcept { return last_response_; }

 private:
  std::shared_ptr<session> session_;
  request_spec spec_;
  response_info last_response_;
  bool done_ = false;
};

#if OUTLOOK_MAIL_DEFINITIONS
// Out of the class, so that a separately compiled file needs no page parser: the pagers
// that the operations return are instantiated in the src.hpp translation unit.
template <class T>
boost::asio::awaitable<std::optional<page<T>>> pager<T>::next() {
  if (done_) co_return std::nullopt;
  request_spec spec = spec_;
  spec.info = &last_response_;
  detail::collection_stream<page<T>> body;  // decoded as it arrives
  co_await session_->execute(std::move(spec), &body);
  auto p = body.finish();
  if (p.next_link && !p.next_link->empty()) {  // an empty link is no link: never re-send the first URL
    spec_.url = *p.next_link;
    spec_.query.clear();
  } else {
    done_ = true;
  }
  co_return p;
}

template <class T>
boost::asio::awaitable<page<T>> fetch_page(std::shared_ptr<session> s, request_spec spec) {
  detail::collection_stream<page<T>> body;
  co_await s->execute(std::move(spec), &body);
  co_return body.finish();
}
#endif  // OUTLOOK_MAIL_DEFINITIONS

/// One sync round, page by page. Rules (from the service's documentation): a round that
/// starts without a token gets a delta link at once, which is followed one time; after
/// any request that carried a token, a next link (skip token) is followed and a delta
/// link ends the round. state() after each page is what to store to resume.
template <class T>
class sync_pager {
 public:
  /// The three strings are the service's spelling of change tracking (from the schema):
  /// the Prefer value that asks for it and the query parameters of the two tokens.
  sync_pager(std::shared_ptr<session> s, request_spec first, sync_state start, std::string change_tracking_prefer,
             std::string delta_param, std::string skip_param)
      : session_(std::move(s)), spec_(std::move(first)), state_(std::move(start)), delta_param_(std::move(delta_param)),
        skip_param_(std::move(skip_param)) {
    detail::refuse_response_pointer(spec_);
    spec_.change_tracking = std::move(change_tracking_prefer);
    if (state_.skip_token.starts_with("link:")) {  // a next link without a skip token, kept whole
      spec_.url = state_.skip_token.substr(5);
      spec_.query.clear();
      tokenless_ = false;
    } else if (!state_.skip_token.empty()) {
      spec_.query.emplace_back(skip_param_, state_.skip_token);
      tokenless_ = false;
    } else if (!state_.delta_token.empty()) {
      spec_.query.emplace_back(delta_param_, state_.delta_token);
      tokenless_ = false;
    }
  }

  /// The next page of the round, or nullopt after the last one.
  boost::asio::awaitable<std::optional<sync_page<T>>> next();

  [[nodiscard]] const sync_state& state() const noexcept { return state_; }
  [[nodiscard]] bool done() const noexcept { return done_; }
  /// Status and headers of the last response next() got; status 0 before the first.
  [[nodiscard]] const response_info& last_response() const noexcept { return last_response_; }

 private:
  void follow(const std::string& link) {
    spec_.url = link;  // execute() refuses a host the client is not configured for
    spec_.query.clear();
  }

  std::shared_ptr<session> session_;
  request_spec spec_;
  sync_state state_;
  response_info last_response_;
  std::string delta_param_, skip_param_;
  bool tokenless_ = true;
  bool done_ = false;
};

#if OUTLOOK_MAIL_DEFINITIONS
template <class T>
boost::asio::awaitable<std::optional<sync_page<T>>> sync_pager<T>::next() {
  if (done_) co_return std::nullopt;
  request_spec spec = spec_;
  spec.info = &last_response_;
  detail::collection_stream<sync_page<T>> body;
  co_await session_->execute(std::move(spec), &body);
  auto p = body.finish();
  const bool had_token = !tokenless_;
  tokenless_ = false;
  if (p.next_link && !p.next_link->empty()) {
    follow(*p.next_link);
    state_ = {{}, detail::query_parameter(*p.next_link, skip_param_).value_or("")};
    if (state_.skip_token.empty()) state_.skip_token = "link:" + *p.next_link;
  } else if (p.delta_link && !p.delta_link->empty()) {
    state_ = {detail::query_parameter(*p.delta_link, delta_param_).value_or(""), {}};
    if (had_token) done_ = true;
    else follow(*p.delta_link);
  } else {
    throw decode_error("", "a sync page has neither a non-empty @odata.nextLink nor @odata.deltaLink");
  }
  co_return p;
}

/// A whole round; `info` (the call's options.response) gets the last page's response.
template <class T>
boost::asio::awaitable<sync_result<T>> fetch_sync_round(sync_pager<T> pager, response_info* info = nullptr) {
  sync_result<T> out;
  try {
    while (auto p = co_await pager.next())
      for (auto& c : p->changes) out.changes.push_back(std::move(c));
  } catch (...) {
    if (info && pager.last_response().status != 0) *info = pager.last_response();
    throw;
  }
  if (info) *info = pager.last_response();
  out.state = pager.state();
  co_return out;
}
#endif  // OUTLOOK_MAIL_DEFINITIONS

}  // namespace outlook

#ifdef OUTLOOK_MAIL_SESSION_DIAGNOSTICS_PUSHED
#undef OUTLOOK_MAIL_SESSION_DIAGNOSTICS_PUSHED
#pragma GCC diagnostic pop
#endif
