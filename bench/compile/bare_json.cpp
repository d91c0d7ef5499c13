// The reference translation unit of the compile-time budget: Boost.JSON alone, parsing
// and serializing, as a user file that uses nothing else would.
// SPDX-License-Identifier: BSL-1.0
#include <boost/json.hpp>

#include <string>

std::string round_trip(const std::string& text) {
  boost::json::value v = boost::json::parse(text);
  v.as_object()["seen"] = true;
  return boost::json::serialize(v);
}
