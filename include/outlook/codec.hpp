// outlook-mail: JSON codecs for the primitives of the model, and the dispatch that
// generated code uses for every property.
//
// json_codec<T> is specialised here for strings, booleans, integers, doubles, instants,
// times of day, bytes, raw JSON, open enums, flags, optionals and vectors. Generated types
// provide `decode_json(const value&, T&, const json_path&)` and
// `encode_json(const T&, boost::json::storage_ptr)` in their own namespace; the primary
// template finds them by argument-dependent lookup.
#pragma once

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "outlook/base64.hpp"
#include "outlook/date_time.hpp"
#include "outlook/error.hpp"
#include "outlook/json_path.hpp"
#include "outlook/open_enum.hpp"
#include "outlook/patch.hpp"
#include "outlook/poly.hpp"

namespace outlook {

/// Nesting deeper than this is a decode_error (a contract of DESIGN.md): the parser
/// refuses it before any recursion can exhaust the stack.
inline constexpr std::size_t max_json_depth = 64;

[[nodiscard]] inline std::string_view json_kind_name(const boost::json::value& v) noexcept {
  switch (v.kind()) {
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

[[noreturn]] inline void fail_expected(const json_path& path, std::string_view expected, const boost::json::value& found) {
  path.fail("expected " + std::string(expected) + ", found " + std::string(json_kind_name(found)));
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

template <class T, class = void>
struct json_codec {
  static void decode(const boost::json::value& v, T& out, const json_path& p) { decode_json(v, out, p); }
  static boost::json::value encode(const T& x, const boost::json::storage_ptr& sp) { return encode_json(x, sp); }
  /// Whether an optional/vector member holding this value is written at all.
  static bool present(const T&) { return true; }
};

template <class T>
inline void decode_into(const boost::json::value& v, T& out, const json_path& p) {
  json_codec<T>::decode(v, out, p);
}
namespace detail {
/// Tag of the decode_json overloads for a target the caller has just default-constructed.
struct fresh_target_t {
  explicit fresh_target_t() = default;
};
inline constexpr fresh_target_t fresh_target{};
}  // namespace detail

/// decode_into for a target the caller has just default-constructed (an element of a newly
/// sized vector): types that can use that (poly) skip resetting it first.
template <class T>
inline void decode_into_fresh(const boost::json::value& v, T& out, const json_path& p) {
  if constexpr (requires { decode_json(v, out, p, detail::fresh_target); }) decode_json(v, out, p, detail::fresh_target);
  else json_codec<T>::decode(v, out, p);
}

template <class T>
[[nodiscard]] inline boost::json::value encode_value(const T& x, const boost::json::storage_ptr& sp = {}) {
  return json_codec<T>::encode(x, sp);
}

/// Decodes a whole document into T (the entry point for response bodies).
template <class T>
[[nodiscard]] inline T decode_document(const boost::json::value& v) {
  T out{};
  json_path root;
  decode_into(v, out, root);
  return out;
}

// Defined in outlook/page.hpp; named here so that decode_text can stream their items.
template <class T>
struct page;
template <class T>
struct sync_page;

namespace detail {

/// Collections whose items decode_text decodes one by one while parsing.
template <class T>
struct streamed_collection : std::false_type {};
template <class T>
struct streamed_collection<page<T>> : std::true_type {
  static auto& items(page<T>& p) noexcept { return p.value; }
};
template <class T>
struct streamed_collection<sync_page<T>> : std::true_type {
  static auto& items(sync_page<T>& p) noexcept { return p.changes; }
};

/// A boost::json::basic_parser handler for a collection page {"value": [item, ...], ...}.
///
/// Why: decoding a page of 1,000 messages from a whole DOM reads back megabytes the parser
/// wrote long before, which are no longer in the CPU caches. This handler builds a small DOM
/// for one item at a time (in a reused arena) and hands it to `on_item` as soon as the item
/// ends, while it is still cached; the rest of the page is built as an ordinary DOM whose
/// "value" array is left empty. Both are built by boost::json::value_stack, as
/// boost::json::parse does, so the values are exactly those parse would give.
///
/// Anything else (not an object, "value" not an array, two "value" members) sets an error
/// and the caller falls back to the whole-DOM decode, which handles every shape.
///
/// Not a template: the parser is instantiated once, however many page types a program
/// decodes. One instantiation per page type tripled the fixture runner's compile time and
/// tipped GCC 12 into a false -Wmismatched-new-delete on the operations' coroutine frames.
class collection_handler {
 public:
  /// Called with each item and its index; may throw decode_error.
  using item_callback = void (*)(void* context, const boost::json::value& item, std::size_t index);

  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  collection_handler(item_callback on_item, void* context, boost::json::storage_ptr rest_sp)
      : on_item_(on_item),
        context_(context),
        item_buffer_(item_buffer_size),
        rest_sp_(std::move(rest_sp)) {}

  /// The page without its items, after a successful parse.
  boost::json::value release_rest() { return rest_.release(); }

  bool on_document_begin(boost::system::error_code&) {
    rest_.reset(rest_sp_);
    return true;
  }
  bool on_document_end(boost::system::error_code&) { return true; }

  bool on_object_begin(boost::system::error_code& ec) {
    if (depth_ == 0) {  // the page itself
      depth_ = 1;
      return true;
    }
    if (expecting_items_) return fail(ec);  // "value" is not an array
    return begin_container();
  }
  bool on_object_end(std::size_t n, boost::system::error_code&) {
    --depth_;
    if (depth_ >= items_depth && in_items_) {
      item_.push_object(n);
      return depth_ == items_depth ? end_item() : true;
    }
    rest_.push_object(n);
    return true;
  }
  bool on_array_begin(boost::system::error_code& ec) {
    if (depth_ == 0) return fail(ec);  // a bare array is not a page
    if (depth_ == 1 && expecting_items_) {
      expecting_items_ = false;
      in_items_ = true;
      ++depth_;
      return true;
    }
    return begin_container();
  }
  bool on_array_end(std::size_t n, boost::system::error_code&) {
    --depth_;
    if (in_items_ && depth_ == 1) {  // the end of "value": the rest keeps an empty array
      in_items_ = false;
      rest_.push_array(0);
      return true;
    }
    if (depth_ >= items_depth && in_items_) {
      item_.push_array(n);
      return depth_ == items_depth ? end_item() : true;
    }
    rest_.push_array(n);
    return true;
  }

  bool on_key_part(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    if (in_item()) item_.push_chars(s);
    else {
      rest_.push_chars(s);
      if (depth_ == 1) key_.append(s.data(), s.size());
    }
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    if (in_item()) {
      item_.push_key(s);
      return true;
    }
    rest_.push_key(s);
    if (depth_ == 1) {
      key_.append(s.data(), s.size());
      const bool is_items = iequals(key_, "value");
      key_.clear();
      if (is_items) {
        if (seen_items_) return fail(ec);  // "value" twice: leave it to the DOM decode
        seen_items_ = expecting_items_ = true;
      }
    }
    return true;
  }

  bool on_string_part(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    if (!scalar_allowed()) return fail(ec);
    if (in_items_ && depth_ == items_depth && !item_open_) start_item();  // a string item
    (in_items_ ? item_ : rest_).push_chars(s);
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    return scalar(ec, [&](boost::json::value_stack& st) { st.push_string(s); });
  }
  bool on_number_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t i, boost::json::string_view, boost::system::error_code& ec) {
    return scalar(ec, [&](boost::json::value_stack& st) { st.push_int64(i); });
  }
  bool on_uint64(std::uint64_t u, boost::json::string_view, boost::system::error_code& ec) {
    return scalar(ec, [&](boost::json::value_stack& st) { st.push_uint64(u); });
  }
  bool on_double(double d, boost::json::string_view, boost::system::error_code& ec) {
    return scalar(ec, [&](boost::json::value_stack& st) { st.push_double(d); });
  }
  bool on_bool(bool b, boost::system::error_code& ec) {
    return scalar(ec, [&](boost::json::value_stack& st) { st.push_bool(b); });
  }
  bool on_null(boost::system::error_code& ec) {
    return scalar(ec, [&](boost::json::value_stack& st) { st.push_null(); });
  }
  bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }

 private:
  /// Depth of the items array's elements: document object = 1, "value" array = 2.
  static constexpr std::size_t items_depth = 2;
  /// One item of a message page is about 10 KB of DOM; larger ones spill to the heap.
  static constexpr std::size_t item_buffer_size = 64 * 1024;

  static bool fail(boost::system::error_code& ec) {
    ec = boost::json::error::syntax;  // any error: the caller decodes the whole DOM instead
    return false;
  }
  [[nodiscard]] bool in_item() const noexcept { return in_items_ && depth_ > items_depth; }
  /// Scalars are fine anywhere but in place of the document or of the items array.
  [[nodiscard]] bool scalar_allowed() const noexcept { return depth_ > 0 && !expecting_items_; }

  bool begin_container() {
    if (in_items_ && depth_ == items_depth) start_item();
    ++depth_;
    return true;
  }
  void start_item() {
    arena_.emplace(item_buffer_.data(), item_buffer_.size());
    item_.reset(boost::json::storage_ptr(&*arena_));
    item_open_ = true;
  }
  bool end_item() {
    {
      boost::json::value item = item_.release();
      on_item_(context_, item, index_++);
    }
    item_open_ = false;
    arena_.reset();  // frees what the item took beyond the buffer; the buffer is reused
    return true;
  }
  template <class Push>
  bool scalar(boost::system::error_code& ec, Push&& push) {
    if (!scalar_allowed()) return fail(ec);
    if (in_items_ && depth_ == items_depth) {  // a scalar item
      if (!item_open_) start_item();
      push(item_);
      return end_item();
    }
    push(in_item() ? item_ : rest_);
    return true;
  }

  item_callback on_item_;
  void* context_;
  std::vector<unsigned char> item_buffer_;
  std::optional<boost::json::monotonic_resource> arena_;
  boost::json::storage_ptr rest_sp_;
  boost::json::value_stack rest_;
  boost::json::value_stack item_;
  std::string key_;
  std::size_t depth_ = 0;
  std::size_t index_ = 0;
  bool expecting_items_ = false;  // the last key of the page was "value"
  bool in_items_ = false;         // inside the "value" array
  bool seen_items_ = false;
  bool item_open_ = false;        // item_ is building an item
};

/// Parses a collection page with collection_handler: calls `on_item` for each item and
/// returns the rest of the page (allocated with `rest_sp`). Nothing when the document is
/// not a plain page or not valid JSON; decode_error thrown by `on_item` propagates.
[[nodiscard]] inline std::optional<boost::json::value> parse_collection(std::string_view text,
                                                                       collection_handler::item_callback on_item,
                                                                       void* context, boost::json::storage_ptr rest_sp) {
  boost::json::parse_options opts;
  opts.max_depth = max_json_depth;
  boost::json::basic_parser<collection_handler> parser(opts, on_item, context, std::move(rest_sp));
  boost::system::error_code ec;
  const auto n = parser.write_some(false, text.data(), text.size(), ec);
  if (ec || n != text.size()) return std::nullopt;
  return parser.handler().release_rest();
}

/// decode_text for a collection page: items are decoded as they are parsed (see
/// collection_handler). Returns false, with `out` unspecified, when the document must be
/// decoded the ordinary way: not a plain page, invalid JSON, or an item or annotation that
/// does not decode (the ordinary way then reports the first error in document order).
template <class T>
[[nodiscard]] inline bool decode_collection_text(std::string_view text, T& out) {
  using traits = streamed_collection<T>;
  using items_type = std::remove_reference_t<decltype(traits::items(out))>;
  items_type items;
  auto on_item = [](void* context, const boost::json::value& v, std::size_t index) {
    static constexpr json_path root{};
    static constexpr json_path items_path{root, "value"};
    json_path item_path(items_path, index);
    auto& items = *static_cast<items_type*>(context);
    decode_into_fresh(v, items.emplace_back(), item_path);
  };
  unsigned char buffer[4096];
  boost::json::monotonic_resource rest_arena(buffer, sizeof buffer);
  try {
    const auto rest = parse_collection(text, on_item, &items, &rest_arena);
    if (!rest) return false;
    json_path root;
    decode_into(*rest, out, root);  // the annotations; its "value" is empty
  } catch (const decode_error&) {
    return false;
  }
  traits::items(out) = std::move(items);
  return true;
}

}  // namespace detail

template <class T>
[[nodiscard]] inline T decode_text(std::string_view text) {
  if constexpr (detail::streamed_collection<T>::value) {
    T out{};
    if (detail::decode_collection_text(text, out)) return out;
  }
  // A monotonic arena makes the throwaway DOM cheap: everything is freed at once.
  unsigned char buffer[16384];
  boost::json::monotonic_resource arena(buffer, sizeof buffer);
  auto dom = parse_json(text, &arena);
  return decode_document<T>(dom);
}

template <>
struct json_codec<std::string> {
  static void decode(const boost::json::value& v, std::string& out, const json_path& p) {
    if (!v.is_string()) fail_expected(p, "string", v);
    const auto& s = v.get_string();
    out.assign(s.data(), s.size());
  }
  static boost::json::value encode(const std::string& x, const boost::json::storage_ptr& sp) {
    return boost::json::value(boost::json::string_view(x), sp);
  }
  static bool present(const std::string&) { return true; }
};

template <>
struct json_codec<bool> {
  static void decode(const boost::json::value& v, bool& out, const json_path& p) {
    if (!v.is_bool()) fail_expected(p, "boolean", v);
    out = v.get_bool();
  }
  static boost::json::value encode(bool x, const boost::json::storage_ptr& sp) { return boost::json::value(x, sp); }
  static bool present(bool) { return true; }
};

template <class I>
struct json_codec<I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>>> {
  static void decode(const boost::json::value& v, I& out, const json_path& p) {
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
  static bool present(I) { return true; }
};

template <>
struct json_codec<double> {
  static void decode(const boost::json::value& v, double& out, const json_path& p) {
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
  static bool present(double) { return true; }
};

template <>
struct json_codec<date_time> {
  static void decode(const boost::json::value& v, date_time& out, const json_path& p) {
    if (!v.is_string()) fail_expected(p, "date-time string", v);
    auto s = v.get_string();
    auto t = parse_date_time(std::string_view(s.data(), s.size()));
    if (!t) p.fail("expected an RFC 3339 date-time, found \"" + std::string(s.data(), std::min<std::size_t>(s.size(), 64)) + "\"");
    out = *t;
  }
  static boost::json::value encode(const date_time& x, const boost::json::storage_ptr& sp) {
    return boost::json::value(format_date_time(x), sp);
  }
  static bool present(const date_time&) { return true; }
};

template <>
struct json_codec<time_of_day> {
  static void decode(const boost::json::value& v, time_of_day& out, const json_path& p) {
    if (!v.is_string()) fail_expected(p, "time-of-day string", v);
    auto s = v.get_string();
    auto t = parse_time_of_day(std::string_view(s.data(), s.size()));
    if (!t) p.fail("expected a time of day HH:MM:SS, found \"" + std::string(s.data(), std::min<std::size_t>(s.size(), 64)) + "\"");
    out = *t;
  }
  static boost::json::value encode(const time_of_day& x, const boost::json::storage_ptr& sp) {
    return boost::json::value(format_time_of_day(x), sp);
  }
  static bool present(const time_of_day&) { return true; }
};

template <>
struct json_codec<bytes> {
  static void decode(const boost::json::value& v, bytes& out, const json_path& p) {
    if (!v.is_string()) fail_expected(p, "base64 string", v);
    auto s = v.get_string();
    auto b = base64_decode(std::string_view(s.data(), s.size()));
    if (!b) p.fail("invalid base64");
    out = std::move(*b);
  }
  static boost::json::value encode(const bytes& x, const boost::json::storage_ptr& sp) {
    return boost::json::value(base64_encode(x), sp);
  }
  static bool present(const bytes&) { return true; }
};

template <>
struct json_codec<boost::json::value> {
  static void decode(const boost::json::value& v, boost::json::value& out, const json_path&) { out = v; }
  static boost::json::value encode(const boost::json::value& x, const boost::json::storage_ptr& sp) {
    return boost::json::value(x, sp);
  }
  static bool present(const boost::json::value& x) { return !x.is_null(); }
};

template <class E>
struct json_codec<open_enum<E>> {
  static void decode(const boost::json::value& v, open_enum<E>& out, const json_path& p) {
    if (!v.is_string()) fail_expected(p, "enum member name", v);
    auto s = v.get_string();
    out = open_enum<E>::from_wire(std::string_view(s.data(), s.size()));
  }
  static boost::json::value encode(const open_enum<E>& x, const boost::json::storage_ptr& sp) {
    auto w = x.wire();
    return boost::json::value(boost::json::string_view(w.data(), w.size()), sp);
  }
  static bool present(const open_enum<E>&) { return true; }
};

template <class E>
struct json_codec<flags<E>> {
  static void decode(const boost::json::value& v, flags<E>& out, const json_path& p) {
    if (!v.is_string()) fail_expected(p, "flags string", v);
    auto s = v.get_string();
    out = flags<E>::from_wire(std::string_view(s.data(), s.size()));
  }
  static boost::json::value encode(const flags<E>& x, const boost::json::storage_ptr& sp) {
    return boost::json::value(x.to_wire(), sp);
  }
  static bool present(const flags<E>&) { return true; }
};

template <class T>
struct json_codec<std::optional<T>> {
  static void decode(const boost::json::value& v, std::optional<T>& out, const json_path& p) {
    if (v.is_null()) {
      out.reset();
      return;
    }
    json_codec<T>::decode(v, out.emplace(), p);
  }
  static boost::json::value encode(const std::optional<T>& x, const boost::json::storage_ptr& sp) {
    return x ? json_codec<T>::encode(*x, sp) : boost::json::value(nullptr, sp);
  }
  static bool present(const std::optional<T>& x) { return x.has_value(); }
};

template <class T>
struct json_codec<std::vector<T>> {
  static void decode(const boost::json::value& v, std::vector<T>& out, const json_path& p) {
    out.clear();
    if (v.is_null()) return;  // the service sends null or [] for an empty collection
    if (!v.is_array()) fail_expected(p, "array", v);
    const auto& a = v.get_array();
    out.resize(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      json_path item(p, i);
      decode_into_fresh(a[i], out[i], item);
    }
  }
  static boost::json::value encode(const std::vector<T>& x, const boost::json::storage_ptr& sp) {
    boost::json::array a(sp);
    a.reserve(x.size());
    for (const auto& e : x) a.push_back(json_codec<T>::encode(e, sp));
    return a;
  }
  static bool present(const std::vector<T>& x) { return !x.empty(); }
};

template <class T>
struct json_codec<patch_field<T>> {
  static boost::json::value encode(const patch_field<T>& x, const boost::json::storage_ptr& sp) {
    return x.has_value() ? json_codec<T>::encode(x.value(), sp) : boost::json::value(nullptr, sp);
  }
  static void decode(const boost::json::value& v, patch_field<T>& out, const json_path& p) {
    if (v.is_null()) {
      out.set_null();
      return;
    }
    T value{};
    json_codec<T>::decode(v, value, p);
    out.set(std::move(value));
  }
  static bool present(const patch_field<T>& x) { return !x.absent(); }
};

namespace detail {

/// One decodable member of a generated type: its wire name and how to decode it.
template <class T>
struct member_decoder {
  std::string_view wire;
  void (*decode)(const boost::json::value&, T&, const json_path&);
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

/// Copies the unknown members back, without overwriting a member the model wrote.
inline void encode_extra(boost::json::object& obj, const boost::json::object& extra) {
  for (const auto& kv : extra)
    if (!obj.contains(kv.key())) obj.emplace(kv.key(), kv.value());
}

/// The @odata.type of an object, if it has one (exact key, then any casing).
/// Runs once per polymorphic item over all of its members, so the length and the '@' are
/// checked before the case-insensitive comparison.
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
template <class T, class Base>
inline void decode_poly_as(const boost::json::value& v, poly<Base>& out, const json_path& p, bool fresh) {
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
