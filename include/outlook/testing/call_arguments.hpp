// outlook-mail: reading an operation's arguments and options from a cassette's "call"
// SPDX-License-Identifier: BSL-1.0
// object (names and shapes in docs/cassettes.md), for the generated operation table.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "outlook/codec.hpp"
#include "outlook/error.hpp"
#include "outlook/options.hpp"
#include "outlook/page.hpp"

namespace outlook::testing {

namespace detail {

template <class T>
concept plain_generated_enum = std::is_enum_v<T> && requires { outlook::enum_traits<T>::members; };

inline const json_path& args_root() {
  static const json_path root;
  static const json_path call(root, "call");
  static const json_path args(call, "args");
  return args;
}

inline const json_path& options_root() {
  static const json_path root;
  static const json_path call(root, "call");
  static const json_path options(call, "options");
  return options;
}

template <class T>
T read_value(const boost::json::value& v, const json_path& p) {
  if constexpr (plain_generated_enum<T>) {
    open_enum<T> e;
    decode_into(v, e, p);
    return e.value();
  } else {
    T out{};
    decode_into(v, out, p);
    return out;
  }
}

inline const boost::json::value* find(const boost::json::object& o, std::string_view name) {
  auto it = o.find(boost::json::string_view(name.data(), name.size()));
  return it == o.end() ? nullptr : &it->value();
}

}  // namespace detail

/// A required argument.
template <class T>
T read_arg(const boost::json::object& args, std::string_view name) {
  json_path p(detail::args_root(), name);
  const auto* v = detail::find(args, name);
  if (!v) p.fail("missing argument");
  return detail::read_value<T>(*v, p);
}

/// An optional argument that selects a path (absent or null: not given).
template <class T>
std::optional<T> read_optional_value(const boost::json::object& args, std::string_view name) {
  const auto* v = detail::find(args, name);
  if (!v || v->is_null()) return std::nullopt;
  json_path p(detail::args_root(), name);
  return detail::read_value<T>(*v, p);
}

/// An optional argument that lives in the options struct (e.g. save_to_sent_items).
template <class T>
void read_optional_arg(const boost::json::object& args, std::string_view name, std::optional<T>& out) {
  const auto* v = detail::find(args, name);
  if (!v || v->is_null()) return;
  json_path p(detail::args_root(), name);
  out = detail::read_value<T>(*v, p);
}

inline sync_state read_sync_state(const boost::json::object& args) {
  sync_state s;
  if (auto d = read_optional_value<std::string>(args, "delta_token")) s.delta_token = *d;
  if (auto k = read_optional_value<std::string>(args, "skip_token")) s.skip_token = *k;
  return s;
}

/// An argument the operation does not take is a mistake in the cassette, not something to ignore.
inline void check_known_args(const boost::json::object& args, std::initializer_list<std::string_view> known) {
  for (const auto& kv : args) {
    std::string_view k(kv.key().data(), kv.key().size());
    bool ok = false;
    for (auto n : known) ok = ok || (n == k && !n.empty());
    if (!ok) json_path(detail::args_root(), k).fail("not an argument of this operation");
  }
}

inline bool wants_all_pages(const boost::json::object& options) {
  const auto* v = detail::find(options, "pages");
  return v && v->is_string() && v->get_string() == "all";
}

[[noreturn]] inline void no_overload(std::string_view op) {
  throw decode_error("/call/args", "no form of " + std::string(op) + " takes this combination of arguments");
}

/// Fills a generated *_options struct from the cassette's "options" object. An option the
/// operation does not accept is an error.
template <class Options>
void read_options(const boost::json::object& in, Options& o) {
  const json_path& root = detail::options_root();
  for (const auto& kv : in) {
    std::string_view k(kv.key().data(), kv.key().size());
    json_path p(root, k);
    const auto& v = kv.value();
    bool used = false;
    auto take = [&](auto& member) {
      decode_into(v, member, p);
      used = true;
    };
    if (k == "pages") {
      if (!v.is_string() || v.get_string() != "all") p.fail("expected \"all\"");
      used = true;
    }
    if constexpr (requires { o.select; }) if (k == "select") take(o.select);
    if constexpr (requires { o.filter; }) if (k == "filter") take(o.filter);
    if constexpr (requires { o.orderby; }) if (k == "orderby") take(o.orderby);
    if constexpr (requires { o.top; }) if (k == "top") take(o.top);
    if constexpr (requires { o.skip; }) if (k == "skip") take(o.skip);
    if constexpr (requires { o.expand; }) if (k == "expand") take(o.expand);
    if constexpr (requires { o.search; }) if (k == "search") take(o.search);
    if constexpr (requires { o.count; }) if (k == "count") take(o.count);
    if constexpr (requires { o.range_size; }) if (k == "range_size") take(o.range_size);  // upload_attachment
    if constexpr (requires { o.prefer; }) {
      if (k == "prefer") {
        if (!v.is_object()) fail_expected(p, "object", v);
        for (const auto& pk : v.get_object()) {
          std::string_view name(pk.key().data(), pk.key().size());
          json_path pp(p, name);
          if (name == "body_content_type") {
            std::string t;
            decode_into(pk.value(), t, pp);
            if (iequals(t, "text")) o.prefer.body_content_type = body_content_type::text;
            else if (iequals(t, "html")) o.prefer.body_content_type = body_content_type::html;
            else pp.fail("expected \"text\" or \"html\"");
          } else if (name == "allow_unsafe_html") {
            decode_into(pk.value(), o.prefer.allow_unsafe_html, pp);
          } else if (name == "max_page_size") {
            decode_into(pk.value(), o.prefer.max_page_size, pp);
          } else if (name == "time_zone") {
            decode_into(pk.value(), o.prefer.time_zone, pp);
          } else if (name == "immutable_id") {
            decode_into(pk.value(), o.prefer.immutable_id, pp);
          } else {
            pp.fail("not a Prefer option");
          }
        }
        used = true;
      }
    }
    if (!used) p.fail("not an option of this operation");
  }
}

}  // namespace outlook::testing
