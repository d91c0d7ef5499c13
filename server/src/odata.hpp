// OData query options over the canonical JSON of messages: $filter (a real parser and
// evaluator), $orderby, $search, $select, $top, $skip, $count. Property paths are matched
// case-insensitively, so "From/EmailAddress/Address" (v2.0) and "from/emailAddress/address"
// (Graph) name the same value.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "service_error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace outlook::server::odata {

/// A parsed $filter; evaluates against one canonical object.
class filter {
 public:
  /// Throws service_error 400 (ErrorInvalidUrlQueryFilter) naming what it cannot read.
  explicit filter(std::string_view text);
  ~filter();
  filter(filter&&) noexcept;
  filter& operator=(filter&&) noexcept;
  [[nodiscard]] bool matches(const boost::json::object& item) const;
  /// The property paths the filter reads, in order of first appearance (lower case, '/'-joined).
  [[nodiscard]] const std::vector<std::string>& properties() const noexcept { return properties_; }

  struct node;

 private:
  std::unique_ptr<node> root_;
  std::vector<std::string> properties_;
};

struct order_key {
  std::string path;  // as written
  bool descending = false;
};

/// The query options of a request (names with or without '$', case-insensitive).
struct query {
  std::optional<std::string> filter_text;
  std::optional<std::string> search;
  std::vector<order_key> orderby;
  std::vector<std::string> select;
  std::vector<std::string> expand;
  std::optional<std::int64_t> top;
  std::int64_t skip = 0;
  bool count = false;
  std::optional<std::string> delta_token;
  std::optional<std::string> skip_token;
  /// Every decoded name/value pair, in order (to rebuild links).
  std::vector<std::pair<std::string, std::string>> raw;
};

/// Parses a query string (without '?'). Unknown '$' options get a 400 naming them.
[[nodiscard]] query parse_query(std::string_view query_string);

/// A value at a property path of a canonical object (case-insensitive keys), or null.
[[nodiscard]] const boost::json::value* lookup(const boost::json::object& item, std::string_view path);

/// Compares two JSON scalars as OData does: numbers, booleans, strings (case-insensitive),
/// date-times as instants; null sorts first. -1, 0 or 1.
[[nodiscard]] int compare_values(const boost::json::value* a, const boost::json::value* b);

/// Applies $search (words over subject, body and from, all required) to one item.
[[nodiscard]] bool search_matches(const boost::json::object& item, std::string_view search);

/// Checks the service's rules on combining options (throws service_error):
/// $search with $filter or $orderby; $orderby properties not leading the $filter's.
void check_combination(const query& q, const filter* f);

}  // namespace outlook::server::odata
