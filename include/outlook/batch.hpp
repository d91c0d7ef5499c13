// outlook-mail: JSON batching (Microsoft Graph `POST /$batch`): up to 20 requests, built by
// the generated `<op>_request(...)` functions, sent in one exchange and answered one by one.
// SPDX-License-Identifier: BSL-1.0
//
//     outlook::json_batch batch;
//     auto a = batch.add(me.update_message_request(id1, patch));
//     auto b = batch.add(me.update_message_request(id2, patch));
//     auto c = batch.add(me.get_message_request(id2), {b});     // dependsOn: after b
//     co_await batch.send();
//     a.get();                 // the typed result, or the item's own api_error
//
// Graph answers the items in any order and each with its own status: the outer exchange is
// 200 whenever the batch could be read. Each item is throttled on its own, so an item
// answered 429 (or 503 with Retry-After) is sent again, alone with the other throttled
// items and the items that failed only because one of those had not run (424), after the
// longest Retry-After among them; the retry policy of the client counts those attempts.
// Items that already have an answer are never sent twice.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <exception>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "outlook/codec.hpp"
#include "outlook/error.hpp"
#include "outlook/prepared.hpp"
#include "outlook/session.hpp"

namespace outlook {

/// The most requests Graph accepts in one batch.
inline constexpr std::size_t json_batch_max_requests = 20;

namespace detail {

/// One item's outcome, shared by the batch and the item's handle.
struct batch_outcome {
  int status = 0;
  bool answered = false;
  std::exception_ptr error;
  virtual ~batch_outcome() = default;
  virtual void decode(const http_response& r) = 0;
};

template <class T>
struct typed_batch_outcome final : batch_outcome {
  std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> value;
  void decode(const http_response& r) override {
    if constexpr (std::is_void_v<T>) {
      prepared_request<T>::decode(r);
      value = true;
    } else {
      value = prepared_request<T>::decode(r);
    }
  }
};

/// What batch_item<T>::get() returns: a reference to the result, or nothing.
template <class T>
struct batch_result_ref {
  using type = const T&;
};
template <>
struct batch_result_ref<void> {
  using type = void;
};

}  // namespace detail

/// What any item handle of a batch has: its place in the batch and its outcome. Pass
/// handles in add()'s dependency list.
class batch_item_base {
 public:
  /// Position in the batch, from 0 (its request id is index() + 1).
  [[nodiscard]] std::size_t index() const noexcept { return index_; }
  /// The answer's HTTP status; 0 before send() or when the item was never answered.
  [[nodiscard]] int status() const noexcept { return outcome_->status; }
  /// Whether the item has a successfully decoded result.
  [[nodiscard]] bool ok() const noexcept { return outcome_->answered && !outcome_->error; }
  /// The item's error (api_error for a non-2xx answer, decode_error, request_refused...),
  /// or null.
  [[nodiscard]] std::exception_ptr error() const noexcept { return outcome_->error; }

 protected:
  batch_item_base(const void* owner, std::size_t index, std::shared_ptr<detail::batch_outcome> outcome)
      : outcome_(std::move(outcome)), owner_(owner), index_(index) {}
  void check() const {
    if (outcome_->error) std::rethrow_exception(outcome_->error);
    if (!outcome_->answered) throw request_refused("this batch item has no answer yet: await send() of its batch first");
  }
  std::shared_ptr<detail::batch_outcome> outcome_;

 private:
  friend class json_batch;
  const void* owner_;
  std::size_t index_;
};

/// The handle add() returns: after send(), get() gives the item's typed result or throws
/// its error.
template <class T>
class batch_item : public batch_item_base {
 public:
  /// The result (nothing for an operation without one); throws the item's error.
  typename detail::batch_result_ref<T>::type get() const {
    check();
    if constexpr (!std::is_void_v<T>) return *static_cast<const detail::typed_batch_outcome<T>&>(*outcome_).value;
  }

 private:
  friend class json_batch;
  batch_item(const void* owner, std::size_t index, std::shared_ptr<detail::batch_outcome> outcome)
      : batch_item_base(owner, index, std::move(outcome)) {}
};

/// A Graph JSON batch of at most 20 requests of one client. Not thread-safe: one coroutine
/// adds and sends. A batch is sent once.
class json_batch {
 public:
  json_batch() = default;
  json_batch(const json_batch&) = delete;
  json_batch& operator=(const json_batch&) = delete;

  /// Adds a request; `depends_on` lists items of this batch added earlier that must succeed
  /// before this one runs (Graph's dependsOn; a failed one makes this item fail with 424).
  /// Errors of the request itself (an empty ID, a beta operation, a request of another
  /// client) become this item's error; the other items are still sent.
  template <class T>
  batch_item<T> add(prepared_request<T> request, std::initializer_list<batch_item_base> depends_on = {}) {
    auto outcome = std::make_shared<detail::typed_batch_outcome<T>>();
    entry e;
    e.client = request.session();
    e.spec = request.spec();
    e.outcome = outcome;
    for (const auto& d : depends_on) {
      if (d.owner_ != this || d.index_ >= entries_.size()) {
        e.refused = std::make_exception_ptr(request_refused("a batch item can only depend on items added to the same batch before it"));
        break;
      }
      e.depends_on.push_back(d.index_);
    }
    entries_.push_back(std::move(e));
    return batch_item<T>(this, entries_.size() - 1, std::move(outcome));
  }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

  /// Sends the batch (and the retries of throttled items) and fills every item's outcome.
  /// Throws request_refused for more than 20 items, a second send() or items of different
  /// clients; api_error or transport_error when the batch request itself fails, decode_error
  /// when its answer is not a batch answer (every unanswered item then holds that error).
  boost::asio::awaitable<void> send();

 private:
  struct entry {
    std::shared_ptr<session> client;
    request_spec spec;
    std::vector<std::size_t> depends_on;
    std::shared_ptr<detail::batch_outcome> outcome;
    std::exception_ptr refused;
    boost::json::object request;  // the inner request, built once
    int attempts = 0;
    bool retry = false;
  };

  void build_entries();
  [[nodiscard]] static boost::json::object inner_request(const session& s, const request_spec& spec, std::size_t index);
  void settle(std::size_t i, std::exception_ptr error, int status = 0) {
    entries_[i].outcome->error = std::move(error);
    entries_[i].outcome->status = status;
    entries_[i].outcome->answered = true;
  }
  [[nodiscard]] bool settled(std::size_t i) const { return entries_[i].outcome->answered; }
  /// Reads one round's answer; returns the wait before the next round (nullopt: no retry).
  std::optional<std::chrono::milliseconds> read_answer(const http_response& r, const std::vector<std::size_t>& sent,
                                                       const std::string& client_request_id);

  std::vector<entry> entries_;
  bool sent_ = false;
};

namespace detail {

[[nodiscard]] inline std::string batch_id(std::size_t index) { return std::to_string(index + 1); }

[[nodiscard]] inline const boost::json::value* batch_member(const boost::json::object& o, std::string_view name) {
  for (const auto& kv : o)
    if (iequals(std::string_view(kv.key().data(), kv.key().size()), name)) return &kv.value();
  return nullptr;
}

}  // namespace detail

inline boost::json::object json_batch::inner_request(const session& s, const request_spec& spec, std::size_t index) {
  if (spec.preview) throw request_refused("a preview (beta) operation cannot be sent in a v1.0 batch");
  if (spec.raw_body) throw request_refused("a request with a non-JSON body cannot be sent in a JSON batch");
  http_request req = s.build_request(spec);
  // Inner URLs are relative to the version root the client is configured with.
  const std::string& base = s.options().base_url;
  if (!req.url.starts_with(base) || req.url.size() == base.size() || req.url[base.size()] != '/')
    throw request_refused("a batch can only hold requests below the client's base URL");
  boost::json::object inner;
  inner["id"] = detail::batch_id(index);
  inner["method"] = req.method;
  inner["url"] = req.url.substr(base.size());
  boost::json::object headers;
  for (const auto& [name, value] : req.headers) {
    // The outer request carries these for the whole batch.
    if (iequals(name, "User-Agent") || iequals(name, "return-client-request-id")) continue;
    if (auto* existing = headers.if_contains(name)) {
      std::string joined(existing->get_string());
      joined += ", ";
      joined += value;
      *existing = joined;
    } else {
      headers[name] = value;
    }
  }
  if (!headers.empty()) inner["headers"] = std::move(headers);
  if (spec.body) inner["body"] = *spec.body;
  return inner;
}

inline void json_batch::build_entries() {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    auto& e = entries_[i];
    try {
      if (e.refused) std::rethrow_exception(e.refused);
      if (e.client != entries_.front().client)
        throw request_refused("every request of a batch must come from the same client");
      e.request = inner_request(*e.client, e.spec, i);
    } catch (...) {
      settle(i, std::current_exception());
    }
  }
}

inline std::optional<std::chrono::milliseconds> json_batch::read_answer(const http_response& r, const std::vector<std::size_t>& sent,
                                                                        const std::string& client_request_id) {
  check_identity_coding(r);
  const auto doc = parse_json(r.body);
  const boost::json::value* responses = doc.is_object() ? detail::batch_member(doc.get_object(), "responses") : nullptr;
  if (!responses || !responses->is_array()) throw decode_error("", "a batch answer must be an object with a \"responses\" array");

  const retry_policy& policy = entries_.front().client->options().retry;
  std::optional<std::chrono::milliseconds> wait;
  std::vector<bool> got(entries_.size(), false);
  for (const auto& item : responses->get_array()) {
    const boost::json::object* o = item.if_object();
    const boost::json::value* id = o ? detail::batch_member(*o, "id") : nullptr;
    const boost::json::value* status = o ? detail::batch_member(*o, "status") : nullptr;
    if (!id || !id->is_string() || !status || !status->is_int64())
      throw decode_error("", "a batch response needs a string \"id\" and a number \"status\"");
    const std::string_view id_text(id->get_string());
    const auto it = std::find_if(sent.begin(), sent.end(), [&](std::size_t i) { return detail::batch_id(i) == id_text; });
    if (it == sent.end() || got[*it])
      throw decode_error("", "the batch answer has a response for request id \"" + std::string(id_text.substr(0, 20)) +
                                 "\", which was not sent or was answered twice");
    const std::size_t i = *it;
    got[i] = true;

    http_response inner;
    inner.status = static_cast<int>(status->get_int64());
    if (const auto* h = detail::batch_member(*o, "headers"); h && h->is_object())
      for (const auto& kv : h->get_object())
        if (kv.value().is_string()) inner.headers.add(std::string(kv.key()), std::string(kv.value().get_string()));
    if (const auto* b = detail::batch_member(*o, "body"); b && !b->is_null()) inner.body = boost::json::serialize(*b);
    if (entries_[i].spec.info) *entries_[i].spec.info = response_info{inner.status, inner.headers, client_request_id};

    auto& e = entries_[i];
    const auto retry_after = detail::parse_retry_after(inner.headers.get("Retry-After"));
    const bool throttled = inner.status == 429 || (inner.status == 503 && retry_after);
    if (throttled && policy.enabled && policy.throttling.enabled && e.attempts < policy.throttling.max_attempts &&
        !(retry_after && *retry_after > policy.max_retry_after)) {
      e.retry = true;
      const auto w = retry_after ? std::chrono::duration_cast<std::chrono::milliseconds>(*retry_after)
                                 : detail::backoff_delay(policy, e.attempts - 1, detail::random_unit());
      wait = std::max(wait.value_or(w), w);
      continue;
    }
    if (inner.status >= 200 && inner.status < 300) {
      try {
        e.outcome->decode(inner);
        settle(i, nullptr, inner.status);
      } catch (...) {
        settle(i, std::current_exception(), inner.status);
      }
    } else if (inner.status != 424) {
      settle(i, std::make_exception_ptr(detail::make_api_error(inner, client_request_id)), inner.status);
    } else {
      e.outcome->status = 424;  // settled below, once it is known whether a prerequisite runs again
    }
  }
  // In request order, so that a prerequisite's fate is known before its dependants'.
  for (std::size_t i : sent) {
    auto& e = entries_[i];
    if (e.retry || settled(i)) continue;
    if (!got[i]) {
      settle(i, std::make_exception_ptr(decode_error("", "the batch answer has no response for request id " + detail::batch_id(i))));
      continue;
    }
    const bool prerequisite_retried =
        std::any_of(e.depends_on.begin(), e.depends_on.end(), [&](std::size_t d) { return entries_[d].retry; });
    if (prerequisite_retried) {
      e.retry = true;
      if (!wait) wait = std::chrono::milliseconds(0);
      continue;
    }
    http_response failed;
    failed.status = 424;
    failed.body = R"({"error":{"code":"FailedDependency","message":"a request this one depends on failed"}})";
    settle(i, std::make_exception_ptr(detail::make_api_error(failed, client_request_id)), 424);
  }
  return wait;
}

inline boost::asio::awaitable<void> json_batch::send() {
  if (sent_) throw request_refused("a batch is sent once; make a new json_batch");
  sent_ = true;
  if (entries_.empty()) co_return;
  if (entries_.size() > json_batch_max_requests)
    throw request_refused("a JSON batch holds at most " + std::to_string(json_batch_max_requests) + " requests, this one has " +
                          std::to_string(entries_.size()) + ": split it into several batches");
  if (!entries_.front().client) throw request_refused("a batch request without a client");
  build_entries();
  // A refused prerequisite means its dependants cannot run either.
  for (std::size_t i = 0; i < entries_.size(); ++i)
    if (!settled(i))
      for (std::size_t d : entries_[i].depends_on)
        if (settled(d) && entries_[d].outcome->error) {
          settle(i, std::make_exception_ptr(request_refused("request " + detail::batch_id(i) + " depends on request " +
                                                            detail::batch_id(d) + ", which could not be sent")));
          break;
        }
  session& s = *entries_.front().client;

  try {
    for (;;) {
      std::vector<std::size_t> round;
      boost::json::array requests;
      for (std::size_t i = 0; i < entries_.size(); ++i) {
        auto& e = entries_[i];
        if (settled(i)) continue;
        e.retry = false;
        ++e.attempts;
        round.push_back(i);
        boost::json::object inner = e.request;
        // A prerequisite answered in an earlier round is no longer a prerequisite.
        boost::json::array depends;
        for (std::size_t d : e.depends_on)
          if (!settled(d)) depends.emplace_back(detail::batch_id(d));
        if (!depends.empty()) inner["dependsOn"] = std::move(depends);
        requests.emplace_back(std::move(inner));
      }
      if (round.empty()) co_return;

      request_spec outer;
      outer.method = "POST";
      outer.path = "$batch";
      outer.body = boost::json::object{{"requests", std::move(requests)}};
      response_info info;
      outer.info = &info;
      const http_response answer = co_await s.execute(std::move(outer));
      const auto wait = read_answer(answer, round, info.client_request_id);
      if (!wait) co_return;
      if (wait->count() > 0) {
        boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
        timer.expires_after(*wait);
        boost::system::error_code ec;
        co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        auto cancellation = co_await boost::asio::this_coro::cancellation_state;
        if (ec == boost::asio::error::operation_aborted || cancellation.cancelled() != boost::asio::cancellation_type::none)
          throw detail::cancelled_error();
      }
    }
  } catch (...) {
    // Whatever ended the batch is also the outcome of every item still without one.
    for (std::size_t i = 0; i < entries_.size(); ++i)
      if (!settled(i)) settle(i, std::current_exception());
    throw;
  }
}

}  // namespace outlook
