// outlook-mail: names of properties as used in $select, $expand and $orderby.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <string>
#include <string_view>

namespace outlook {

/// A property's wire name, generated as `message::field::subject`. Converts to the
/// std::string the option lists hold, so generated names and plain strings mix freely:
/// `.select = {message::field::subject, "From"}`.
struct field_ref {
  std::string_view wire;

  constexpr operator std::string_view() const noexcept { return wire; }  // NOLINT: implicit on purpose
  operator std::string() const { return std::string(wire); }             // NOLINT: implicit on purpose
};

}  // namespace outlook
