// outlook-mail: change tracking through a delta function (Microsoft Graph).
// SPDX-License-Identifier: BSL-1.0
//
// Graph tracks changes with a function URL (mailFolders/{id}/messages/delta): the first
// request of a round carries the query options, every later page is its @odata.nextLink
// copied verbatim (the options are encoded in its $skiptoken), and the last page carries
// an @odata.deltaLink, which is stored whole and starts the next round. A removed item
// comes as {"id": ..., "@removed": {"reason": "deleted"}} (outlook::removed_entry).
//
// Here a sync_state holds whole links, not bare tokens: state().skip_token is the next
// link to resume an interrupted round from, state().delta_token the delta link that
// starts the next round. When the service no longer knows a stored state (410 Gone, or
// the codes syncStateNotFound / resyncRequired), the round throws sync_reset_required:
// drop the stored state and start a full round.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "outlook/error.hpp"
#include "outlook/page.hpp"
#include "outlook/session.hpp"

namespace outlook {

/// The service has forgotten the stored sync state: the caller must throw it away and
/// run a full round (no delta link). Derives from api_error, so status() and code() say
/// which answer it was (410 Gone, syncStateNotFound, resyncRequired).
class sync_reset_required : public api_error {
 public:
  explicit sync_reset_required(const api_error& e) : api_error(e) {}
};

namespace detail {
[[nodiscard]] inline bool means_sync_reset(const api_error& e) {
  return e.status() == 410 || iequals(e.code(), "syncStateNotFound") || iequals(e.code(), "resyncRequired");
}
}  // namespace detail

/// One delta round, page by page; state() after each page is what to store.
template <class T>
class delta_pager {
 public:
  /// Starts from `state` (whole links, see above) or else `delta_link`; with neither, from `first`.
  delta_pager(std::shared_ptr<session> s, request_spec first, sync_state state, std::optional<std::string> delta_link)
      : session_(std::move(s)), spec_(std::move(first)), state_(std::move(state)) {
    detail::refuse_response_pointer(spec_);
    if (!state_.skip_token.empty()) follow(state_.skip_token);
    else if (delta_link && !delta_link->empty()) follow(*delta_link), state_.delta_token = *delta_link;
    else if (!state_.delta_token.empty()) follow(state_.delta_token);
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
  bool done_ = false;
};

#if OUTLOOK_MAIL_DEFINITIONS
// Out of the class, as the other pagers' (see outlook/session.hpp).
template <class T>
boost::asio::awaitable<std::optional<sync_page<T>>> delta_pager<T>::next() {
  if (done_) co_return std::nullopt;
  detail::collection_stream<sync_page<T>> body;  // decoded as it arrives
  request_spec spec = spec_;
  spec.info = &last_response_;
  try {
    co_await session_->execute(std::move(spec), &body);
  } catch (const api_error& e) {
    if (detail::means_sync_reset(e)) throw sync_reset_required(e);
    throw;
  }
  auto p = body.finish();
  if (p.next_link && !p.next_link->empty()) {
    follow(*p.next_link);
    state_ = {{}, *p.next_link};
  } else if (p.delta_link && !p.delta_link->empty()) {
    state_ = {*p.delta_link, {}};
    done_ = true;
  } else {
    throw decode_error("", "a delta page has neither a non-empty @odata.nextLink nor @odata.deltaLink");
  }
  co_return p;
}

/// A whole round; `info` (the call's options.response) gets the last page's response.
template <class T>
boost::asio::awaitable<sync_result<T>> fetch_delta_round(delta_pager<T> pager, response_info* info = nullptr) {
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
