// outlook-mail: OData collection pages and change-tracking (sync) pages.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "outlook/codec_types.hpp"
#include "outlook/detail/percent.hpp"

namespace outlook {

/// One page of a collection: {"value": [...], "@odata.nextLink": ..., ...}.
template <class T>
struct page {
  std::vector<T> value;
  /// Absolute URL of the next page; absent on the last page.
  std::optional<std::string> next_link{};
  /// @odata.count, when $count=true was asked for.
  std::optional<std::int64_t> count{};
  /// Other members and annotations (@odata.context, ...), kept as received.
  boost::json::object extra{};

  bool operator==(const page&) const = default;
};

/// An entry of a sync round that reports a removed item: Outlook v2.0 writes
/// {"id": "Messages('AAMk...')", "reason": "deleted"}, Graph's delta functions
/// {"id": "AAMk...", "@removed": {"reason": "deleted"}} (kept in extra; reason is copied out).
struct removed_entry {
  std::string id;
  std::string reason;
  boost::json::object extra{};

  /// The item ID inside the OData key form ("Messages('AAMk=')" gives "AAMk="; '' reads as ').
  [[nodiscard]] std::string item_id() const {
    auto open = id.find("('");
    if (open == std::string::npos || id.size() < open + 4 || id.compare(id.size() - 2, 2, "')") != 0) return id;
    std::string out;
    for (std::size_t i = open + 2; i < id.size() - 2; ++i) {
      out += id[i];
      if (id[i] == '\'' && i + 1 < id.size() - 2 && id[i + 1] == '\'') ++i;
    }
    return out;
  }
  bool operator==(const removed_entry&) const = default;
};

/// One change of a sync round: an added or changed item, or a removal.
template <class T>
struct sync_change {
  std::variant<T, removed_entry> value;

  [[nodiscard]] bool removed() const noexcept { return value.index() == 1; }
  [[nodiscard]] const T* item() const noexcept { return std::get_if<0>(&value); }
  [[nodiscard]] const removed_entry* removal() const noexcept { return std::get_if<1>(&value); }
  bool operator==(const sync_change&) const = default;
};

/// Where a sync stands: a delta token (round complete; the next round starts from it) or
/// a skip token (inside a round; resume from it after a crash). Stored as text by
/// to_string() and read back by parse().
struct sync_state {
  std::string delta_token;
  std::string skip_token;

  [[nodiscard]] bool empty() const noexcept { return delta_token.empty() && skip_token.empty(); }
  [[nodiscard]] bool complete() const noexcept { return skip_token.empty() && !delta_token.empty(); }
  [[nodiscard]] std::string to_string() const {
    if (!skip_token.empty()) return "skip:" + skip_token;
    if (!delta_token.empty()) return "delta:" + delta_token;
    return {};
  }
  [[nodiscard]] static sync_state parse(std::string_view text) {
    sync_state s;
    if (text.starts_with("skip:")) s.skip_token = text.substr(5);
    else if (text.starts_with("delta:")) s.delta_token = text.substr(6);
    else if (!text.empty()) throw request_refused("not a stored sync state (expected delta:... or skip:...)");
    return s;
  }
  bool operator==(const sync_state&) const = default;
};

/// One page of a sync round.
template <class T>
struct sync_page {
  std::vector<sync_change<T>> changes;
  std::optional<std::string> next_link{};
  std::optional<std::string> delta_link{};
  boost::json::object extra{};

  bool operator==(const sync_page&) const = default;
};

/// A whole sync round: every change in order, and the state to start the next round from.
template <class T>
struct sync_result {
  std::vector<sync_change<T>> changes;
  sync_state state;
};

/// A single primitive returned as {"value": ...} (e.g. MailboxSettings/TimeZone).
template <class T>
struct value_envelope {
  T value{};
  boost::json::object extra{};
  bool operator==(const value_envelope&) const = default;
};

namespace detail {

/// The value of query parameter `name` (case-insensitive, decoded) in an absolute URL.
[[nodiscard]] inline std::optional<std::string> query_parameter(std::string_view url, std::string_view name) {
  auto q = url.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  auto query = url.substr(q + 1);
  if (auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    if (iequals(key, name)) return percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace detail

}  // namespace outlook

#if OUTLOOK_MAIL_DEFINITIONS
// The codecs of these types (outlook/detail/page_codec.hpp, which outlook/codec.hpp
// includes). Under separate compilation only the src.hpp translation unit needs them.
#include "outlook/codec.hpp"
#endif
