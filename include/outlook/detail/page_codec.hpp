// outlook-mail: the JSON codecs of the page types of outlook/page.hpp.
// SPDX-License-Identifier: BSL-1.0
//
// Included at the end of outlook/codec.hpp, so that whoever has the codecs has these too;
// apart from the types, so that a file that only names pages (separate compilation) does
// not compile them.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string_view>

#include "outlook/codec.hpp"
#include "outlook/detail/streamed_collection.hpp"
#include "outlook/page.hpp"

namespace outlook {

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

namespace detail {
/// The codec of page<T> and sync_page<T>, whose items are the member `Items`:
/// {"value": [...], "@odata.nextLink": ...} with @odata.count (a page) or @odata.deltaLink
/// (a sync page), every other member kept in extra.
template <class Page, auto Items>
struct collection_page_codec {
  static constexpr bool is_sync = requires(const Page& x) { x.delta_link; };

  static void decode(const boost::json::value& v, Page& out, const json_path& p) {
    if (!v.is_object()) fail_expected(p, "object with a value array", v);
    const boost::json::value* items = nullptr;
    decode_page_annotations(v.get_object(), out, p, items);
    if (!items) p.fail(is_sync ? "expected a sync page (no \"value\" member)" : "expected a collection (no \"value\" member)");
    json_path vp(p, "value");
    decode_into(*items, out.*Items, vp);
  }
  static boost::json::value encode(const Page& x, const boost::json::storage_ptr& sp) {
    boost::json::object obj(sp);
    obj.emplace("value", encode_value(x.*Items, sp));
    if (x.next_link) obj.emplace("@odata.nextLink", *x.next_link);
    if constexpr (is_sync) {
      if (x.delta_link) obj.emplace("@odata.deltaLink", *x.delta_link);
    } else {
      if (x.count) obj.emplace("@odata.count", *x.count);
    }
    encode_extra(obj, x.extra);
    return obj;
  }
  static void write(json_writer& w, const Page& x) {
    object_writer o(w, !x.extra.empty());
    write_value(o.key("value"), x.*Items);
    if (x.next_link) o.key("@odata.nextLink").string(*x.next_link);
    if constexpr (is_sync) {
      if (x.delta_link) o.key("@odata.deltaLink").string(*x.delta_link);
    } else {
      if (x.count) write_value(o.key("@odata.count"), *x.count);
    }
    o.extra(x.extra);
    o.end();
  }
  static bool present(const Page&) { return true; }
};
}  // namespace detail

template <class T>
struct json_codec<page<T>> : detail::collection_page_codec<page<T>, &page<T>::value> {};

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
struct json_codec<sync_page<T>> : detail::collection_page_codec<sync_page<T>, &sync_page<T>::changes> {};

}  // namespace outlook
