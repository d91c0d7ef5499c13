// Time zones for `Prefer: outlook.timezone`: a fixed table of the zones the service names
// most often (Windows names, with their IANA equivalents as aliases), each with its
// standard offset and daylight-saving rule, and the conversion of dateTimeTimeZone values
// ({"dateTime": "2026-03-14T07:00:00.0000000", "timeZone": "..."}) between them.
//
// No tz database: the rules are today's (US, EU, south-east Australia, New Zealand, or
// none) applied to every year, which is what a local test mailbox needs.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/json/value.hpp>

#include <string_view>

namespace outlook::server {

/// When a zone observes daylight saving time (one hour ahead of its standard offset).
enum class dst_rule {
  none,
  united_states,  // second Sunday of March 02:00 local to first Sunday of November 02:00 local
  european_union, // last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC
  south_east_australia,  // first Sunday of October 02:00 to first Sunday of April 03:00 local
  new_zealand,    // last Sunday of September 02:00 to first Sunday of April 03:00 local
};

struct time_zone {
  std::string_view windows_name;  // "Pacific Standard Time"
  std::string_view iana_name;     // "America/Los_Angeles" (the first of its IANA aliases)
  int standard_offset_minutes;    // east of UTC
  dst_rule rule;
};

/// The zone a Windows or IANA name (case-insensitive) names, or nullptr.
[[nodiscard]] const time_zone* find_time_zone(std::string_view name);

/// Rewrites every dateTimeTimeZone value inside `v` (any object whose string members are
/// `dateTime` and `timeZone`) into `target`, spelled `target_name` (the name the client
/// asked for). A value in a zone the table does not know, or whose dateTime does not
/// parse, is left as it is.
void convert_date_time_zones(boost::json::value& v, const time_zone& target, std::string_view target_name);

}  // namespace outlook::server
