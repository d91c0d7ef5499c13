// outlook-mail: comparing a re-encoded result with a recorded body, under the
// SPDX-License-Identifier: BSL-1.0
// normalisation of docs/cassettes.md: keys and enum values case-insensitive, date-times as
// instants, times of day as durations, null or [] equal to an absent member.
#pragma once

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "outlook/date_time.hpp"
#include "outlook/http.hpp"
#include "outlook/json_path.hpp"

namespace outlook::testing {

namespace detail {

inline bool empty_like(const boost::json::value& v) {
  return v.is_null() || (v.is_array() && v.get_array().empty());
}

inline const boost::json::value* find_key(const boost::json::object& o, std::string_view key) {
  if (auto it = o.find(boost::json::string_view(key.data(), key.size())); it != o.end()) return &it->value();
  for (const auto& kv : o)
    if (iequals(std::string_view(kv.key().data(), kv.key().size()), key)) return &kv.value();
  return nullptr;
}

inline std::string brief(const boost::json::value& v) {
  auto s = boost::json::serialize(v);
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

inline bool same_string(std::string_view a, std::string_view b) {
  if (a == b || iequals(a, b)) return true;
  if (auto ta = parse_date_time(a))
    if (auto tb = parse_date_time(b)) return *ta == *tb;
  if (auto ta = parse_time_of_day(a))
    if (auto tb = parse_time_of_day(b)) return *ta == *tb;
  return false;
}

inline std::optional<std::string> compare(const boost::json::value& expected, const boost::json::value& actual, const json_path& p) {
  auto differ = [&](const std::string& why) -> std::optional<std::string> {
    auto ptr = p.pointer();
    return (ptr.empty() ? std::string("(document)") : ptr) + ": " + why;
  };
  if (empty_like(expected) && empty_like(actual)) return std::nullopt;
  if (expected.is_number() && actual.is_number()) {
    boost::system::error_code e1, e2;
    double a = expected.to_number<double>(e1), b = actual.to_number<double>(e2);
    if (a == b || (std::isnan(a) && std::isnan(b))) return std::nullopt;
    return differ("expected " + brief(expected) + ", got " + brief(actual));
  }
  if (expected.kind() != actual.kind()) return differ("expected " + brief(expected) + ", got " + brief(actual));
  switch (expected.kind()) {
    case boost::json::kind::string: {
      std::string_view a(expected.get_string().data(), expected.get_string().size());
      std::string_view b(actual.get_string().data(), actual.get_string().size());
      if (same_string(a, b)) return std::nullopt;
      return differ("expected " + brief(expected) + ", got " + brief(actual));
    }
    case boost::json::kind::bool_:
      if (expected.get_bool() == actual.get_bool()) return std::nullopt;
      return differ("expected " + brief(expected) + ", got " + brief(actual));
    case boost::json::kind::array: {
      const auto& a = expected.get_array();
      const auto& b = actual.get_array();
      if (a.size() != b.size())
        return differ("expected " + std::to_string(a.size()) + " elements, got " + std::to_string(b.size()));
      for (std::size_t i = 0; i < a.size(); ++i) {
        json_path child(p, i);
        if (auto d = compare(a[i], b[i], child)) return d;
      }
      return std::nullopt;
    }
    case boost::json::kind::object: {
      const auto& a = expected.get_object();
      const auto& b = actual.get_object();
      for (const auto& kv : a) {
        std::string_view key(kv.key().data(), kv.key().size());
        json_path child(p, key);
        const auto* other = find_key(b, key);
        if (!other) {
          if (empty_like(kv.value())) continue;
          return child.pointer() + ": missing in the result (neither decoded nor kept)";
        }
        if (auto d = compare(kv.value(), *other, child)) return d;
      }
      for (const auto& kv : b) {
        std::string_view key(kv.key().data(), kv.key().size());
        if (!find_key(a, key) && !empty_like(kv.value())) {
          json_path child(p, key);
          return child.pointer() + ": not in the recorded body, but the result has " + brief(kv.value());
        }
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace detail

/// nullopt when equal under the normalisation; else where and how they differ.
[[nodiscard]] inline std::optional<std::string> json_difference(const boost::json::value& expected, const boost::json::value& actual) {
  json_path root;
  return detail::compare(expected, actual, root);
}

}  // namespace outlook::testing
