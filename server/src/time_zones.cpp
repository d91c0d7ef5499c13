// The time zone table and dateTimeTimeZone conversion (see time_zones.hpp).
//
// SPDX-License-Identifier: BSL-1.0
#include "time_zones.hpp"

#include <outlook/date_time.hpp>
#include <outlook/http.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string>

namespace outlook::server {
namespace {

namespace json = boost::json;
using namespace std::chrono;

struct zone_entry {
  time_zone zone;
  std::array<std::string_view, 4> more_iana;  // further IANA names of the same zone
};

// Windows names as the service spells them; the offsets are the standard ones.
constexpr std::array<zone_entry, 29> zones{{
    {{"UTC", "Etc/UTC", 0, dst_rule::none}, {"UTC", "Etc/GMT", "GMT", "Coordinated Universal Time"}},
    {{"GMT Standard Time", "Europe/London", 0, dst_rule::european_union}, {"Europe/Dublin", "Europe/Lisbon", {}, {}}},
    {{"Greenwich Standard Time", "Atlantic/Reykjavik", 0, dst_rule::none}, {}},
    {{"W. Europe Standard Time", "Europe/Berlin", 60, dst_rule::european_union},
     {"Europe/Amsterdam", "Europe/Rome", "Europe/Vienna", "Europe/Zurich"}},
    {{"Romance Standard Time", "Europe/Paris", 60, dst_rule::european_union},
     {"Europe/Brussels", "Europe/Madrid", "Europe/Copenhagen", {}}},
    {{"Central Europe Standard Time", "Europe/Budapest", 60, dst_rule::european_union},
     {"Europe/Prague", "Europe/Belgrade", {}, {}}},
    {{"Central European Standard Time", "Europe/Warsaw", 60, dst_rule::european_union}, {"Europe/Zagreb", {}, {}, {}}},
    {{"W. Central Africa Standard Time", "Africa/Lagos", 60, dst_rule::none}, {}},
    {{"FLE Standard Time", "Europe/Helsinki", 120, dst_rule::european_union}, {"Europe/Kiev", "Europe/Riga", {}, {}}},
    {{"GTB Standard Time", "Europe/Athens", 120, dst_rule::european_union}, {"Europe/Bucharest", {}, {}, {}}},
    {{"South Africa Standard Time", "Africa/Johannesburg", 120, dst_rule::none}, {}},
    {{"Russian Standard Time", "Europe/Moscow", 180, dst_rule::none}, {}},
    {{"Arabian Standard Time", "Asia/Dubai", 240, dst_rule::none}, {}},
    {{"India Standard Time", "Asia/Kolkata", 330, dst_rule::none}, {"Asia/Calcutta", {}, {}, {}}},
    {{"China Standard Time", "Asia/Shanghai", 480, dst_rule::none}, {"Asia/Hong_Kong", {}, {}, {}}},
    {{"Singapore Standard Time", "Asia/Singapore", 480, dst_rule::none}, {}},
    {{"Tokyo Standard Time", "Asia/Tokyo", 540, dst_rule::none}, {}},
    {{"Korea Standard Time", "Asia/Seoul", 540, dst_rule::none}, {}},
    {{"E. Australia Standard Time", "Australia/Brisbane", 600, dst_rule::none}, {}},
    {{"AUS Eastern Standard Time", "Australia/Sydney", 600, dst_rule::south_east_australia},
     {"Australia/Melbourne", "Australia/Canberra", {}, {}}},
    {{"New Zealand Standard Time", "Pacific/Auckland", 720, dst_rule::new_zealand}, {}},
    {{"Hawaiian Standard Time", "Pacific/Honolulu", -600, dst_rule::none}, {}},
    {{"Alaskan Standard Time", "America/Anchorage", -540, dst_rule::united_states}, {}},
    {{"Pacific Standard Time", "America/Los_Angeles", -480, dst_rule::united_states}, {"America/Vancouver", {}, {}, {}}},
    {{"US Mountain Standard Time", "America/Phoenix", -420, dst_rule::none}, {}},
    {{"Mountain Standard Time", "America/Denver", -420, dst_rule::united_states}, {"America/Edmonton", {}, {}, {}}},
    {{"Central Standard Time", "America/Chicago", -360, dst_rule::united_states}, {"America/Winnipeg", {}, {}, {}}},
    {{"Eastern Standard Time", "America/New_York", -300, dst_rule::united_states},
     {"America/Toronto", "America/Detroit", {}, {}}},
    {{"E. South America Standard Time", "America/Sao_Paulo", -180, dst_rule::none}, {}},
}};

/// The UTC instant of `local` wall-clock time (hours after midnight, in the zone's standard
/// time) on a day.
sys_seconds at(year_month_day day, int hour_standard, const time_zone& z) {
  return sys_seconds(sys_days(day)) + hours(hour_standard) - minutes(z.standard_offset_minutes);
}

year_month_day nth_sunday(year y, month m, unsigned n) { return year_month_day(sys_days(y / m / Sunday[n])); }
year_month_day last_sunday(year y, month m) { return year_month_day(sys_days(y / m / Sunday[last])); }

/// Whether the zone is on daylight saving time at the UTC instant `t`.
bool in_daylight_time(const time_zone& z, sys_seconds t) {
  const year y = year_month_day(floor<days>(t)).year();
  switch (z.rule) {
    case dst_rule::none:
      return false;
    case dst_rule::united_states:
      // Ends at 02:00 daylight time, 01:00 standard.
      return t >= at(nth_sunday(y, March, 2), 2, z) && t < at(nth_sunday(y, November, 1), 1, z);
    case dst_rule::european_union:
      return t >= sys_seconds(sys_days(last_sunday(y, March))) + hours(1) &&
             t < sys_seconds(sys_days(last_sunday(y, October))) + hours(1);
    case dst_rule::south_east_australia:
      // Southern hemisphere: daylight time spans the turn of the year; ends 03:00 daylight.
      return t < at(nth_sunday(y, April, 1), 2, z) || t >= at(nth_sunday(y, October, 1), 2, z);
    case dst_rule::new_zealand:
      return t < at(nth_sunday(y, April, 1), 2, z) || t >= at(last_sunday(y, September), 2, z);
  }
  return false;
}

minutes offset_at(const time_zone& z, sys_seconds utc) {
  return minutes(z.standard_offset_minutes + (in_daylight_time(z, utc) ? 60 : 0));
}

/// The UTC instant of a wall-clock time of the zone. In the hour that repeats when daylight
/// time ends, the first (daylight) reading wins; a time in the skipped hour is read with
/// the standard offset.
sys_seconds to_utc(const time_zone& z, sys_seconds wall) {
  const sys_seconds as_daylight = wall - minutes(z.standard_offset_minutes + 60);
  if (z.rule != dst_rule::none && in_daylight_time(z, as_daylight)) return as_daylight;
  return wall - minutes(z.standard_offset_minutes);
}

/// "YYYY-MM-DDTHH:MM:SS.fffffff", as the service writes dateTimeTimeZone's dateTime.
std::string format_wall_clock(outlook::date_time t) {
  std::string text = outlook::format_date_time(floor<seconds>(t));
  text.resize(19);  // drop the 'Z'
  auto fraction = (t - floor<seconds>(t)).count();
  std::string digits = std::to_string(fraction);
  text += '.';
  text.append(7 - digits.size(), '0');
  text += digits;
  return text;
}

std::optional<std::string> convert(std::string_view date_time_text, const time_zone& from, const time_zone& to) {
  // The wall-clock text has no offset; parse_date_time reads it as if it were UTC.
  const auto wall = outlook::parse_date_time(date_time_text);
  if (!wall) return std::nullopt;
  const auto whole = floor<seconds>(*wall);
  const auto fraction = *wall - whole;
  const sys_seconds utc = to_utc(from, sys_seconds(whole.time_since_epoch()));
  const sys_seconds target = utc + offset_at(to, utc);
  return format_wall_clock(outlook::date_time(duration_cast<outlook::ticks>(target.time_since_epoch())) + fraction);
}

void convert_at(json::value& v, const time_zone& target, std::string_view target_name, int depth) {
  if (depth > 64) return;
  if (auto* o = v.if_object()) {
    auto* dt = o->if_contains("dateTime");
    auto* tz = o->if_contains("timeZone");
    if (dt && tz && dt->is_string() && tz->is_string()) {
      if (const auto* from = find_time_zone(tz->as_string())) {
        if (auto text = convert(dt->as_string(), *from, target)) {
          *dt = *text;
          *tz = target_name;
        }
      }
      return;
    }
    for (auto& [k, member] : *o) convert_at(member, target, target_name, depth + 1);
  } else if (auto* a = v.if_array()) {
    for (auto& e : *a) convert_at(e, target, target_name, depth + 1);
  }
}

}  // namespace

const time_zone* find_time_zone(std::string_view name) {
  for (const auto& e : zones) {
    if (outlook::iequals(e.zone.windows_name, name) || outlook::iequals(e.zone.iana_name, name)) return &e.zone;
    for (auto alias : e.more_iana)
      if (!alias.empty() && outlook::iequals(alias, name)) return &e.zone;
  }
  return nullptr;
}

void convert_date_time_zones(json::value& v, const time_zone& target, std::string_view target_name) {
  convert_at(v, target, target_name, 0);
}

}  // namespace outlook::server
