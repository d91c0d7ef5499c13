// outlook-mail fuzzing: strict JSON equality for round-trip checks, except that two
// SPDX-License-Identifier: BSL-1.0
// doubles a few ULPs apart are equal (Boost.JSON 1.81 does not promise that parsing the
// text it serialised gives back the identical double; that is not the library's bug).
#pragma once

#include <boost/json/value.hpp>

#include <cmath>
#include <cstddef>

namespace outlook::fuzz {

[[nodiscard]] inline bool close_doubles(double a, double b) {
  if (a == b) return true;
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= 1e-12 * std::fmax(std::fabs(a), std::fabs(b));
}

[[nodiscard]] inline bool json_equal(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() || b.is_double()) {
    if (!a.is_number() || !b.is_number()) return false;
    return close_doubles(a.to_number<double>(), b.to_number<double>());
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!json_equal(x[i], y[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& [key, value] : x) {
      const auto* other = y.if_contains(key);
      if (!other || !json_equal(value, *other)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace outlook::fuzz
