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

#include "outlook/codec.hpp"
#include "outlook/detail/streamed_collection.hpp"
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

template <class T>
struct json_codec<value_envelope<T>> {
  static void decode(const boost::json::value& v, value_envelope<T>& out, const json_path& p) {
    if (!v.is_object()) fail_expected(p, "object with a value member", v);
    bool found = false;
    for (const auto& kv : v.get_object()) {
      std::string_view key(kv.key().data(), kv.key().size());
      if (iequals(key, "value")) {
        json_path child(p, key);
        decode_into(kv.value(), out.value, child);
        found = true;
      } else {
        out.extra.emplace(kv.key(), kv.value());
      }
    }
    if (!found) p.fail("expected a \"value\" member");
  }
  static boost::json::value encode(const value_envelope<T>& x, const boost::json::storage_ptr& sp) {
    boost::json::object obj(sp);
    obj.emplace("value", encode_value(x.value, sp));
    detail::encode_extra(obj, x.extra);
    return obj;
  }
  static void write(json_writer& w, const value_envelope<T>& x) {
    detail::object_writer o(w, !x.extra.empty());
    write_value(o.key("value"), x.value);
    o.extra(x.extra);
    o.end();
  }
  static bool present(const value_envelope<T>&) { return true; }
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

template <class Page>
inline void decode_page_annotations(const boost::json::object& obj, Page& out, const json_path& p,
                                    const boost::json::value*& items) {
  items = nullptr;
  for (const auto& kv : obj) {
    std::string_view key(kv.key().data(), kv.key().size());
    json_path child(p, key);
    if (iequals(key, "value")) {
      items = &kv.value();
    } else if (iequals(key, "@odata.nextLink")) {
      decode_into(kv.value(), out.next_link, child);
    } else if constexpr (requires { out.delta_link; }) {
      if (iequals(key, "@odata.deltaLink")) decode_into(kv.value(), out.delta_link, child);
      else out.extra.emplace(kv.key(), kv.value());
    } else if constexpr (requires { out.count; }) {
      if (iequals(key, "@odata.count")) decode_into(kv.value(), out.count, child);
      else out.extra.emplace(kv.key(), kv.value());
    } else {
      out.extra.emplace(kv.key(), kv.value());
    }
  }
}

}  // namespace detail

template <class T>
struct json_codec<page<T>> {
  static void decode(const boost::json::value& v, page<T>& out, const json_path& p) {
    if (!v.is_object()) fail_expected(p, "object with a value array", v);
    const boost::json::value* items = nullptr;
    detail::decode_page_annotations(v.get_object(), out, p, items);
    if (!items) p.fail("expected a collection (no \"value\" member)");
    json_path vp(p, "value");
    decode_into(*items, out.value, vp);
  }
  static boost::json::value encode(const page<T>& x, const boost::json::storage_ptr& sp) {
    boost::json::object obj(sp);
    obj.emplace("value", encode_value(x.value, sp));
    if (x.next_link) obj.emplace("@odata.nextLink", *x.next_link);
    if (x.count) obj.emplace("@odata.count", *x.count);
    detail::encode_extra(obj, x.extra);
    return obj;
  }
  static void write(json_writer& w, const page<T>& x) {
    detail::object_writer o(w, !x.extra.empty());
    write_value(o.key("value"), x.value);
    if (x.next_link) o.key("@odata.nextLink").string(*x.next_link);
    if (x.count) write_value(o.key("@odata.count"), *x.count);
    o.extra(x.extra);
    o.end();
  }
  static bool present(const page<T>&) { return true; }
};

template <>
struct json_codec<removed_entry> {
  static void decode(const boost::json::value& v, removed_entry& out, const json_path& p) {
    if (!v.is_object()) fail_expected(p, "object", v);
    for (const auto& kv : v.get_object()) {
      std::string_view key(kv.key().data(), kv.key().size());
      json_path child(p, key);
      if (iequals(key, "id")) decode_into(kv.value(), out.id, child);
      else if (iequals(key, "reason")) decode_into(kv.value(), out.reason, child);
      else {
        if (key == "@removed" && kv.value().is_object())
          if (const auto* r = kv.value().get_object().if_contains("reason"); r && r->is_string()) out.reason = r->get_string();
        out.extra.emplace(kv.key(), kv.value());
      }
    }
  }
  static boost::json::value encode(const removed_entry& x, const boost::json::storage_ptr& sp) {
    boost::json::object obj(sp);
    obj.emplace("id", x.id);
    if (!x.extra.contains("@removed")) obj.emplace("reason", x.reason);  // Graph's reason lives in @removed
    detail::encode_extra(obj, x.extra);
    return obj;
  }
  static void write(json_writer& w, const removed_entry& x) {
    detail::object_writer o(w, !x.extra.empty());
    write_value(o.key("id"), x.id);
    if (!x.extra.contains("@removed")) write_value(o.key("reason"), x.reason);
    o.extra(x.extra);
    o.end();
  }
  static bool present(const removed_entry&) { return true; }
};

namespace detail {
/// Whether a key of a delta item says it is a removal: "reason" ("deleted") or, on Graph, "@removed".
[[nodiscard]] inline bool is_removal_key(std::string_view key) noexcept { return iequals(key, "reason") || key == "@removed"; }
[[nodiscard]] inline bool is_removal(const boost::json::value& v) noexcept {
  if (const auto* obj = v.if_object())
    for (const auto& kv : *obj)
      if (is_removal_key(std::string_view(kv.key().data(), kv.key().size()))) return true;
  return false;
}
[[nodiscard]] inline bool is_removal(const tape_value& v) noexcept {
  if (v.is_object())
    for (const auto member : v.get_object())
      if (is_removal_key(member.key)) return true;
  return false;
}
}  // namespace detail

template <class T>
struct json_codec<sync_change<T>> {
  /// `v`: a boost::json::value, or a tape_value (an item of a page being parsed).
  template <class V>
  static void decode(const V& v, sync_change<T>& out, const json_path& p) {
    // A removal carries a "reason" ("deleted") or, on Graph, "@removed"; everything else is an item.
    const bool removal = detail::is_removal(v);
    if (removal) {
      removed_entry r;
      decode_into(v, r, p);
      out.value = std::move(r);
    } else {
      T item{};
      decode_into(v, item, p);
      out.value = std::move(item);
    }
  }
  static boost::json::value encode(const sync_change<T>& x, const boost::json::storage_ptr& sp) {
    if (const auto* r = x.removal()) return encode_value(*r, sp);
    return encode_value(*x.item(), sp);
  }
  static void write(json_writer& w, const sync_change<T>& x) {
    if (const auto* r = x.removal()) write_value(w, *r);
    else write_value(w, *x.item());
  }
  static bool present(const sync_change<T>&) { return true; }
};

template <class T>
struct json_codec<sync_page<T>> {
  static void decode(const boost::json::value& v, sync_page<T>& out, const json_path& p) {
    if (!v.is_object()) fail_expected(p, "object with a value array", v);
    const boost::json::value* items = nullptr;
    detail::decode_page_annotations(v.get_object(), out, p, items);
    if (!items) p.fail("expected a sync page (no \"value\" member)");
    json_path vp(p, "value");
    decode_into(*items, out.changes, vp);
  }
  static boost::json::value encode(const sync_page<T>& x, const boost::json::storage_ptr& sp) {
    boost::json::object obj(sp);
    obj.emplace("value", encode_value(x.changes, sp));
    if (x.next_link) obj.emplace("@odata.nextLink", *x.next_link);
    if (x.delta_link) obj.emplace("@odata.deltaLink", *x.delta_link);
    detail::encode_extra(obj, x.extra);
    return obj;
  }
  static void write(json_writer& w, const sync_page<T>& x) {
    detail::object_writer o(w, !x.extra.empty());
    write_value(o.key("value"), x.changes);
    if (x.next_link) o.key("@odata.nextLink").string(*x.next_link);
    if (x.delta_link) o.key("@odata.deltaLink").string(*x.delta_link);
    o.extra(x.extra);
    o.end();
  }
  static bool present(const sync_page<T>&) { return true; }
};

}  // namespace outlook
