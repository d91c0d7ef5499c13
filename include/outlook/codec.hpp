// outlook-mail: JSON codecs for the primitives of the model, and the dispatch that
// SPDX-License-Identifier: BSL-1.0
// generated code uses for every property.
//
// json_codec<T> is specialised here for strings, booleans, integers, doubles, instants,
// times of day, bytes, raw JSON, open enums, flags, optionals and vectors. Generated types
// provide `decode_json(const value&, T&, const json_path&)` (and the same from a
// detail::tape_value, the recorded parser events of an item of a page) and
// `encode_json(const T&, boost::json::storage_ptr)` in their own namespace; the primary
// template finds them by argument-dependent lookup.
#pragma once

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "outlook/codec_types.hpp"
#include "outlook/detail/json_tape.hpp"
#include "outlook/json_writer.hpp"

namespace outlook {

[[nodiscard]] inline std::string_view json_kind_name(boost::json::kind k) noexcept {
  switch (k) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "number";
    case boost::json::kind::string: return "string";
    case boost::json::kind::array: return "array";
    case boost::json::kind::object: return "object";
  }
  return "value";
}
[[nodiscard]] inline std::string_view json_kind_name(const boost::json::value& v) noexcept { return json_kind_name(v.kind()); }

/// `found` is a boost::json::value or a detail::tape_value (an item of a page being decoded).
template <class V>
[[noreturn]] inline void fail_expected(const json_path& path, std::string_view expected, const V& found) {
  path.fail("expected " + std::string(expected) + ", found " + std::string(json_kind_name(found.kind())));
}

/// Parses a whole response body with the depth limit; malformed, truncated or too deep
/// input is a decode_error, never a crash.
[[nodiscard]] inline boost::json::value parse_json(std::string_view text, boost::json::storage_ptr sp = {}) {
  boost::json::parse_options opts;
  opts.max_depth = max_json_depth;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec, std::move(sp), opts);
  if (ec) {
    if (text.empty()) throw decode_error("", "empty body where JSON was expected");
    throw decode_error("", "invalid JSON (" + ec.message() + ")");
  }
  return v;
}

/// Codecs decode from a boost::json::value, and the ones here (and generated types) also from
/// a detail::tape_value, the recorded events of an item of a page: their decode is a template
/// over the source V. decode_into takes a codec that cannot read a tape through a DOM.
template <class T, class = void>
struct json_codec {
  template <class V>
  static void decode(const V& v, T& out, const json_path& p) {
    if constexpr (std::is_same_v<V, boost::json::value> || requires { decode_json(v, out, p); }) {
      decode_json(v, out, p);
    } else {  // a type generated without tape decoders: through a throwaway DOM
      unsigned char buffer[1024];
      boost::json::monotonic_resource arena(buffer, sizeof buffer);
      decode_json(v.to_value(&arena), out, p);
    }
  }
  static boost::json::value encode(const T& x, const boost::json::storage_ptr& sp) { return encode_json(x, sp); }
  /// Writes x as JSON text (generated types: write_json, straight from the model).
  static void write(json_writer& w, const T& x)
    requires requires { write_json(w, x); }
  {
    write_json(w, x);
  }
  /// Whether an optional/vector member holding this value is written at all.
  static bool present(const T&) { return true; }
};

template <class T>
inline void decode_into(const boost::json::value& v, T& out, const json_path& p) {
  json_codec<T>::decode(v, out, p);
}
template <class T>
inline void decode_into(const detail::tape_value& v, T& out, const json_path& p) {
  if constexpr (requires { json_codec<T>::decode(v, out, p); }) {
    json_codec<T>::decode(v, out, p);
  } else {  // a codec written for boost::json::value only: through a throwaway DOM (codecs copy what they keep)
    unsigned char buffer[1024];
    boost::json::monotonic_resource arena(buffer, sizeof buffer);
    json_codec<T>::decode(v.to_value(&arena), out, p);
  }
}
/// decode_into for a target the caller has just default-constructed (an element of a newly
/// sized vector): types that can use that (poly) skip resetting it first.
template <class V, class T>
inline void decode_into_fresh(const V& v, T& out, const json_path& p) {
  if constexpr (requires { decode_json(v, out, p, detail::fresh_target); }) decode_json(v, out, p, detail::fresh_target);
  else decode_into(v, out, p);
}

template <class T>
[[nodiscard]] inline boost::json::value encode_value(const T& x, const boost::json::storage_ptr& sp = {}) {
  return json_codec<T>::encode(x, sp);
}

/// Writes x as JSON text: straight from the model when its codec can (every generated type
/// and every primitive here), else through encode_value (a codec written elsewhere).
template <class T>
inline void write_value(json_writer& w, const T& x) {
  if constexpr (requires { json_codec<T>::write(w, x); }) json_codec<T>::write(w, x);
  else w.value(json_codec<T>::encode(x, {}));
}

/// The JSON text of x: the same bytes as boost::json::serialize(encode_value(x)), without
/// building the boost::json::value in between.
template <class T>
[[nodiscard]] inline std::string to_json_text(const T& x) {
  std::string out;
  {
    json_writer w(out);  // sizes `out` to what was written when it goes
    write_value(w, x);
  }
  return out;
}

/// Decodes a whole document into T (the entry point for response bodies).
template <class T>
[[nodiscard]] inline T decode_document(const boost::json::value& v) {
  T out{};
  json_path root;
  decode_into(v, out, root);
  return out;
}

namespace detail {

/// Collections whose items decode_text decodes one by one while parsing; specialised with
/// a static `bool decode(std::string_view, T&)` in outlook/detail/streamed_collection.hpp
/// (included by outlook/page.hpp), so that model-only headers do not pay for the parser.
template <class T>
struct streamed_collection : std::false_type {};

}  // namespace detail

template <class T>
[[nodiscard]] inline T decode_text(std::string_view text) {
  if constexpr (detail::streamed_collection<T>::value) {
    T out{};
    if (detail::streamed_collection<T>::decode(text, out)) return out;
  }
  // A monotonic arena makes the throwaway DOM cheap: everything is freed at once.
  unsigned char buffer[16384];
  boost::json::monotonic_resource arena(buffer, sizeof buffer);
  auto dom = parse_json(text, &arena);
  return decode_document<T>(dom);
}

template <>
struct json_codec<std::string> {
  template <class V>
  static void decode(const V& v, std::string& out, const json_path& p) {
    if (!v.is_string()) fail_expected(p, "string", v);
    const auto& s = v.get_string();
    out.assign(s.data(), s.size());
  }
  static boost::json::value encode(const std::string& x, const boost::json::storage_ptr& sp) {
    return boost::json::value(boost::json::string_view(x), sp);
  }
  static void write(json_writer& w, const std::string& x) { w.string(x); }
  static bool present(const std::string&) { return true; }
};

template <>
struct json_codec<bool> {
  template <class V>
  static void decode(const V& v, bool& out, const json_path& p) {
    if (!v.is_bool()) fail_expected(p, "boolean", v);
    out = v.get_bool();
  }
  static boost::json::value encode(bool x, const boost::json::storage_ptr& sp) { return boost::json::value(x, sp); }
  static void write(json_writer& w, bool x) { w.boolean(x); }
  static bool present(bool) { return true; }
};

template <class I>
struct json_codec<I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>>> {
  template <class V>
  static void decode(const V& v, I& out, const json_path& p) {
    if (v.is_int64()) {
      auto x = v.get_int64();
      if (x < static_cast<std::int64_t>(std::numeric_limits<I>::min()) ||
          (x > 0 && static_cast<std::uint64_t>(x) > static_cast<std::uint64_t>(std::numeric_limits<I>::max())))
        p.fail("integer " + std::to_string(x) + " out of range");
      out = static_cast<I>(x);
    } else if (v.is_uint64()) {
      auto x = v.get_uint64();
      if (x > static_cast<std::uint64_t>(std::numeric_limits<I>::max())) p.fail("integer " + std::to_string(x) + " out of range");
      out = static_cast<I>(x);
    } else if (v.is_double() && std::trunc(v.get_double()) == v.get_double() &&
               v.get_double() >= static_cast<double>(std::numeric_limits<I>::min()) &&
               // max()+1 is a power of two, exact as a double; max() itself may round up to it
               v.get_double() < std::ldexp(1.0, std::numeric_limits<I>::digits)) {
      out = static_cast<I>(v.get_double());  // 1.0 written by a lenient server
    } else {
      fail_expected(p, "integer", v);
    }
  }
  static boost::json::value encode(I x, const boost::json::storage_ptr& sp) {
    if constexpr (std::is_signed_v<I>) return boost::json::value(static_cast<std::int64_t>(x), sp);
    else return boost::json::value(static_cast<std::uint64_t>(x), sp);
  }
  static void write(json_writer& w, I x) {
    if constexpr (std::is_signed_v<I>) w.integer(static_cast<std::int64_t>(x));
    else w.integer(static_cast<std::uint64_t>(x));
  }
  static bool present(I) { return true; }
};

template <>
struct json_codec<double> {
  template <class V>
  static void decode(const V& v, double& out, const json_path& p) {
    if (v.is_double()) out = v.get_double();
    else if (v.is_int64()) out = static_cast<double>(v.get_int64());
    else if (v.is_uint64()) out = static_cast<double>(v.get_uint64());
    else if (v.is_string()) {
      // OData writes INF, -INF and NaN as strings.
      auto s = v.get_string();
      if (s == "INF") out = std::numeric_limits<double>::infinity();
      else if (s == "-INF") out = -std::numeric_limits<double>::infinity();
      else if (s == "NaN") out = std::numeric_limits<double>::quiet_NaN();
      else fail_expected(p, "number", v);
    } else fail_expected(p, "number", v);
  }
  static boost::json::value encode(double x, const boost::json::storage_ptr& sp) {
    if (std::isnan(x)) return boost::json::value("NaN", sp);
    if (std::isinf(x)) return boost::json::value(x > 0 ? "INF" : "-INF", sp);
    return boost::json::value(x, sp);
  }
  static void write(json_writer& w, double x) {
    if (std::isnan(x)) w.string("NaN");
    else if (std::isinf(x)) w.string(x > 0 ? "INF" : "-INF");
    else w.number(x);
  }
  static bool present(double) { return true; }
};

template <>
struct json_codec<date_time> {
  template <class V>
  static void decode(const V& v, date_time& out, const json_path& p) {
    if (!v.is_string()) fail_expected(p, "date-time string", v);
    auto s = v.get_string();
    auto t = parse_date_time(std::string_view(s.data(), s.size()));
    if (!t) p.fail("expected an RFC 3339 date-time, found \"" + std::string(s.data(), std::min<std::size_t>(s.size(), 64)) + "\"");
    out = *t;
  }
  static boost::json::value encode(const date_time& x, const boost::json::storage_ptr& sp) {
    return boost::json::value(format_date_time(x), sp);
  }
  static void write(json_writer& w, const date_time& x) { w.string(format_date_time(x)); }
  static bool present(const date_time&) { return true; }
};

template <>
struct json_codec<time_of_day> {
  template <class V>
  static void decode(const V& v, time_of_day& out, const json_path& p) {
    if (!v.is_string()) fail_expected(p, "time-of-day string", v);
    auto s = v.get_string();
    auto t = parse_time_of_day(std::string_view(s.data(), s.size()));
    if (!t) p.fail("expected a time of day HH:MM:SS, found \"" + std::string(s.data(), std::min<std::size_t>(s.size(), 64)) + "\"");
    out = *t;
  }
  static boost::json::value encode(const time_of_day& x, const boost::json::storage_ptr& sp) {
    return boost::json::value(format_time_of_day(x), sp);
  }
  static void write(json_writer& w, const time_of_day& x) { w.string(format_time_of_day(x)); }
  static bool present(const time_of_day&) { return true; }
};

template <>
struct json_codec<bytes> {
  template <class V>
  static void decode(const V& v, bytes& out, const json_path& p) {
    if (!v.is_string()) fail_expected(p, "base64 string", v);
    auto s = v.get_string();
    auto b = base64_decode(std::string_view(s.data(), s.size()));
    if (!b) p.fail("invalid base64");
    out = std::move(*b);
  }
  static boost::json::value encode(const bytes& x, const boost::json::storage_ptr& sp) {
    return boost::json::value(base64_encode(x), sp);
  }
  static void write(json_writer& w, const bytes& x) { w.string(base64_encode(x)); }
  static bool present(const bytes&) { return true; }
};

template <>
struct json_codec<boost::json::value> {
  static void decode(const boost::json::value& v, boost::json::value& out, const json_path&) { out = v; }
  static void decode(const detail::tape_value& v, boost::json::value& out, const json_path&) { out = v.to_value(out.storage()); }
  static boost::json::value encode(const boost::json::value& x, const boost::json::storage_ptr& sp) {
    return boost::json::value(x, sp);
  }
  static void write(json_writer& w, const boost::json::value& x) { w.value(x); }
  static bool present(const boost::json::value& x) { return !x.is_null(); }
};

template <class E>
struct json_codec<open_enum<E>> {
  template <class V>
  static void decode(const V& v, open_enum<E>& out, const json_path& p) {
    if (!v.is_string()) fail_expected(p, "enum member name", v);
    auto s = v.get_string();
    out = open_enum<E>::from_wire(std::string_view(s.data(), s.size()));
  }
  static boost::json::value encode(const open_enum<E>& x, const boost::json::storage_ptr& sp) {
    auto w = x.wire();
    return boost::json::value(boost::json::string_view(w.data(), w.size()), sp);
  }
  static void write(json_writer& w, const open_enum<E>& x) { w.string(x.wire()); }
  static bool present(const open_enum<E>&) { return true; }
};

template <class E>
struct json_codec<flags<E>> {
  template <class V>
  static void decode(const V& v, flags<E>& out, const json_path& p) {
    if (!v.is_string()) fail_expected(p, "flags string", v);
    auto s = v.get_string();
    out = flags<E>::from_wire(std::string_view(s.data(), s.size()));
  }
  static boost::json::value encode(const flags<E>& x, const boost::json::storage_ptr& sp) {
    return boost::json::value(x.to_wire(), sp);
  }
  static void write(json_writer& w, const flags<E>& x) { w.string(x.to_wire()); }
  static bool present(const flags<E>&) { return true; }
};

template <class T>
struct json_codec<std::optional<T>> {
  template <class V>
  static void decode(const V& v, std::optional<T>& out, const json_path& p) {
    if (v.is_null()) {
      out.reset();
      return;
    }
    decode_into(v, out.emplace(), p);
  }
  static boost::json::value encode(const std::optional<T>& x, const boost::json::storage_ptr& sp) {
    return x ? json_codec<T>::encode(*x, sp) : boost::json::value(nullptr, sp);
  }
  static void write(json_writer& w, const std::optional<T>& x) {
    if (x) write_value(w, *x);
    else w.null();
  }
  static bool present(const std::optional<T>& x) { return x.has_value(); }
};

template <class T>
struct json_codec<std::vector<T>> {
  template <class V>
  static void decode(const V& v, std::vector<T>& out, const json_path& p) {
    out.clear();
    if (v.is_null()) return;  // the service sends null or [] for an empty collection
    if (!v.is_array()) fail_expected(p, "array", v);
    const auto& a = v.get_array();
    out.resize(a.size());
    std::size_t i = 0;
    for (const auto& e : a) {
      json_path item(p, i);
      decode_into_fresh(e, out[i], item);
      ++i;
    }
  }
  static boost::json::value encode(const std::vector<T>& x, const boost::json::storage_ptr& sp) {
    boost::json::array a(sp);
    a.reserve(x.size());
    for (const auto& e : x) a.push_back(json_codec<T>::encode(e, sp));
    return a;
  }
  static void write(json_writer& w, const std::vector<T>& x) {
    w.punct('[');
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (i) w.punct(',');
      write_value(w, x[i]);
    }
    w.punct(']');
  }
  static bool present(const std::vector<T>& x) { return !x.empty(); }
};

template <class T>
struct json_codec<patch_field<T>> {
  static boost::json::value encode(const patch_field<T>& x, const boost::json::storage_ptr& sp) {
    return x.has_value() ? json_codec<T>::encode(x.value(), sp) : boost::json::value(nullptr, sp);
  }
  template <class V>
  static void decode(const V& v, patch_field<T>& out, const json_path& p) {
    if (v.is_null()) {
      out.set_null();
      return;
    }
    T value{};
    decode_into(v, value, p);
    out.set(std::move(value));
  }
  static void write(json_writer& w, const patch_field<T>& x) {
    if (x.has_value()) write_value(w, x.value());
    else w.null();
  }
  static bool present(const patch_field<T>& x) { return !x.absent(); }
};

namespace detail {

/// One decodable member of a generated type: its wire name and how to decode it, from a
/// boost::json::value or from a tape. Made from one generic lambda, which becomes both.
template <class T>
struct member_decoder {
  template <class F>
  constexpr member_decoder(std::string_view w, F f) noexcept : wire(w), decode(f), decode_tape(f) {}

  std::string_view wire;
  void (*decode)(const boost::json::value&, T&, const json_path&);
  void (*decode_tape)(const tape_value&, T&, const json_path&);
};

/// Finds the member for `key` in any casing (real responses send "address", "flagStatus").
/// Only reached when the generated exact lookup missed, so it may be a plain scan.
template <class T, std::size_t N>
[[nodiscard]] inline const member_decoder<T>* find_member_ignoring_case(const member_decoder<T> (&table)[N],
                                                                        std::string_view key) noexcept {
  for (const auto& m : table)
    if (!m.wire.empty() && iequals(m.wire, key)) return &m;  // "" marks a type without members
  return nullptr;
}

/// Finds the member for `key`: exact spelling first (the common case, cheap), then
/// case-insensitively.
template <class T, std::size_t N>
[[nodiscard]] inline const member_decoder<T>* find_member(const member_decoder<T> (&table)[N], std::string_view key) noexcept {
  for (const auto& m : table)
    if (!m.wire.empty() && m.wire.size() == key.size() && m.wire == key) return &m;
  return find_member_ignoring_case(table, key);
}

/// Decodes every member of `v` (which must be an object) into `out`; unknown members,
/// including @odata annotations, are kept in `extra` so nothing the server sent is lost.
///
/// `find_exact(key)` returns the table entry spelled exactly `key`, or nullptr. Generated
/// types pass a switch on the key's length followed by comparisons of known length, which
/// the compiler inlines: a linear scan with a memcmp call per candidate was the largest cost
/// of decoding a message (about 30 keys, each looked up among 45 members). Keys in another
/// casing fall back to the case-insensitive scan.
template <class T, std::size_t N, class FindExact>
inline void decode_object(const boost::json::value& v, T& out, boost::json::object& extra, const member_decoder<T> (&table)[N],
                          FindExact&& find_exact, const json_path& p) {
  const auto* obj = v.if_object();
  if (!obj) fail_expected(p, "object", v);
  for (const auto& kv : *obj) {
    std::string_view key(kv.key().data(), kv.key().size());
    const member_decoder<T>* m = find_exact(key);
    if (!m) m = find_member_ignoring_case(table, key);
    if (m) {
      json_path child(p, key);
      m->decode(kv.value(), out, child);
    } else {
      extra.emplace(kv.key(), kv.value());
    }
  }
}

/// decode_object for an item recorded on a tape: the same lookups, in document order. A
/// member that comes twice (the same key, or one in two casings) or an unknown key that
/// comes twice throws tape_fallback: the DOM keeps one of a repeated key, so only the
/// decode of that DOM gives the right result.
template <class T, std::size_t N, class FindExact>
inline void decode_object(const tape_value& v, T& out, boost::json::object& extra, const member_decoder<T> (&table)[N],
                          FindExact&& find_exact, const json_path& p) {
  if (!v.is_object()) fail_expected(p, "object", v);
  bool seen[N] = {};
  for (const auto [key, index] : v.get_object()) {
    const member_decoder<T>* m = find_exact(key);
    if (!m) m = find_member_ignoring_case(table, key);
    const tape_value value(v.tape(), index);
    if (m) {
      bool& was_seen = seen[static_cast<std::size_t>(m - table)];
      if (was_seen) throw tape_fallback{};
      was_seen = true;
      json_path child(p, key);
      m->decode_tape(value, out, child);
    } else {
      const boost::json::string_view k(key.data(), key.size());
      bool inserted = false;
      if (value.is_string()) {  // the common case (@odata.etag, @odata.id): no value_stack
        const auto s = value.get_string();
        inserted = extra.emplace(k, boost::json::string_view(s.data(), s.size())).second;
      } else {
        inserted = extra.emplace(k, value.to_value(extra.storage())).second;
      }
      if (!inserted) throw tape_fallback{};
    }
  }
}

/// The same with a linear exact lookup, for tables without a generated one.
template <class T, std::size_t N>
inline void decode_object(const boost::json::value& v, T& out, boost::json::object& extra, const member_decoder<T> (&table)[N],
                          const json_path& p) {
  decode_object(
      v, out, extra, table,
      [&table](std::string_view key) -> const member_decoder<T>* {
        for (const auto& m : table)
          if (!m.wire.empty() && m.wire == key) return &m;
        return nullptr;
      },
      p);
}

/// Writes `value` under `wire` when it holds something (absent optionals and empty
/// collections are left out: the service reads them as "not set").
template <class V>
inline void encode_member(boost::json::object& obj, std::string_view wire, const V& value, const boost::json::storage_ptr& sp) {
  if (json_codec<V>::present(value)) obj.emplace(boost::json::string_view(wire.data(), wire.size()), json_codec<V>::encode(value, sp));
}

/// write_json's encode_member: writes `value` under `wire` when it holds something.
template <class V>
inline void write_member(object_writer& o, std::string_view wire, const V& value) {
  if (json_codec<V>::present(value)) write_value(o.key(wire), value);
}

/// Copies the unknown members back, without overwriting a member the model wrote.
inline void encode_extra(boost::json::object& obj, const boost::json::object& extra) {
  for (const auto& kv : extra)
    if (!obj.contains(kv.key())) obj.emplace(kv.key(), kv.value());
}

/// The @odata.type of an object, if it has one (exact key, then any casing).
/// Runs once per polymorphic item over all of its members, so the length and the '@' are
/// checked before the case-insensitive comparison.
[[nodiscard]] inline std::string_view odata_type_of(const tape_value& v) noexcept {
  constexpr std::string_view name = "@odata.type";
  if (!v.is_object()) return {};
  for (const auto [k, index] : v.get_object()) {
    if (k.size() == name.size() && k.front() == '@' && iequals(k, name)) {
      const tape_value value(v.tape(), index);
      if (value.is_string()) return value.get_string();
    }
  }
  return {};
}
[[nodiscard]] inline std::string_view odata_type_of(const boost::json::value& v) noexcept {
  constexpr std::string_view name = "@odata.type";
  const auto* obj = v.if_object();
  if (!obj) return {};
  for (const auto& kv : *obj) {
    std::string_view k(kv.key().data(), kv.key().size());
    if (k.size() == name.size() && k.front() == '@' && iequals(k, name) && kv.value().is_string()) {
      const auto& s = kv.value().get_string();
      return {s.data(), s.size()};
    }
  }
  return {};
}

/// Decodes `v` as exactly a T (Base or one of its subtypes) into `out`. When `out` already
/// holds a T, the object is decoded in place: decoding into a temporary and moving it into
/// the poly cost a heap allocation and a move of every member per item. Unless the caller
/// says `out` is `fresh` (it has just been default-constructed, as the elements of a newly
/// sized vector are), the object is first reset, since decode_json expects a fresh object;
/// skipping that reset for the items of a page is worth about 6% of decoding it.
template <class T, class V, class Base>
inline void decode_poly_as(const V& v, poly<Base>& out, const json_path& p, bool fresh) {
  T* target = out.template as<T>();
  if (!target) {
    out = T{};
    target = out.template as<T>();
  } else if (!fresh) {
    *target = T{};
  }
  decode_json(v, *target, p);
}

/// Whether `odata_type` ("#Microsoft.OutlookServices.FileAttachment", with or without '#')
/// names `type_name` in namespace `ns`, ignoring case.
[[nodiscard]] inline bool odata_type_is(std::string_view odata_type, std::string_view ns, std::string_view type_name) noexcept {
  if (!odata_type.empty() && odata_type.front() == '#') odata_type.remove_prefix(1);
  if (odata_type.size() != ns.size() + 1 + type_name.size()) return false;
  return iequals(odata_type.substr(0, ns.size()), ns) && odata_type[ns.size()] == '.' &&
         iequals(odata_type.substr(ns.size() + 1), type_name);
}

}  // namespace detail
}  // namespace outlook

// The codecs of the page types (outlook/page.hpp), which need both.
#include "outlook/detail/page_codec.hpp"
