// outlook-mail: Edm.DateTimeOffset and Edm.TimeOfDay values.
// SPDX-License-Identifier: BSL-1.0
//
// The service sends instants with up to 7 fractional digits (100 ns ticks), so the time
// point type counts ticks of 100 ns; parsing accepts any offset and normalises to UTC,
// formatting always writes UTC with 'Z'.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ratio>
#include <string>
#include <string_view>

namespace outlook {

using ticks = std::chrono::duration<std::int64_t, std::ratio<1, 10'000'000>>;
/// An instant (Edm.DateTimeOffset), UTC, 100 ns resolution.
using date_time = std::chrono::time_point<std::chrono::system_clock, ticks>;
/// A time of day (Edm.TimeOfDay), as the duration since midnight, 100 ns resolution.
using time_of_day = ticks;

namespace detail {

inline bool read_digits(std::string_view s, std::size_t& pos, std::size_t count, int& out) {
  if (pos + count > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += count;
  out = v;
  return true;
}

inline bool expect_char(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

/// Reads ".fffffff" (any number of digits; beyond 7 they are dropped) as ticks.
inline bool read_fraction(std::string_view s, std::size_t& pos, std::int64_t& ticks_out) {
  ticks_out = 0;
  if (pos >= s.size() || s[pos] != '.') return true;
  ++pos;
  std::size_t digits = 0;
  std::int64_t value = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (digits < 7) value = value * 10 + (s[pos] - '0');
    ++digits;
    ++pos;
  }
  if (digits == 0) return false;
  for (std::size_t i = digits; i < 7; ++i) value *= 10;
  ticks_out = value;
  return true;
}

inline void append_2(std::string& out, unsigned v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

inline void append_fraction(std::string& out, std::int64_t t) {
  if (t == 0) return;
  char buf[8] = {};
  for (int i = 6; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + t % 10);
    t /= 10;
  }
  int len = 7;
  while (len > 0 && buf[len - 1] == '0') --len;
  out += '.';
  out.append(buf, static_cast<std::size_t>(len));
}

}  // namespace detail

/// Parses RFC 3339 / ISO 8601 "YYYY-MM-DDTHH:MM:SS[.f+][Z|+hh:mm|-hh:mm]". A value without
/// an offset is read as UTC (the service writes Z). Returns nullopt on anything else, and on
/// an instant that falls outside years 0000-9999 in UTC once the offset is applied.
[[nodiscard]] inline std::optional<date_time> parse_date_time(std::string_view s) {
  using namespace std::chrono;
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!detail::read_digits(s, pos, 4, y) || !detail::expect_char(s, pos, '-') ||
      !detail::read_digits(s, pos, 2, mo) || !detail::expect_char(s, pos, '-') ||
      !detail::read_digits(s, pos, 2, d))
    return std::nullopt;
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) return std::nullopt;
  ++pos;
  if (!detail::read_digits(s, pos, 2, h) || !detail::expect_char(s, pos, ':') ||
      !detail::read_digits(s, pos, 2, mi))
    return std::nullopt;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!detail::read_digits(s, pos, 2, sec)) return std::nullopt;
  }
  std::int64_t frac = 0;
  if (!detail::read_fraction(s, pos, frac)) return std::nullopt;
  int offset_minutes = 0;
  if (pos < s.size()) {
    char c = s[pos++];
    if (c == 'Z' || c == 'z') {
    } else if (c == '+' || c == '-') {
      int oh = 0, om = 0;
      if (!detail::read_digits(s, pos, 2, oh)) return std::nullopt;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (!detail::read_digits(s, pos, 2, om)) return std::nullopt;
      if (oh > 23 || om > 59) return std::nullopt;
      offset_minutes = (c == '+' ? 1 : -1) * (oh * 60 + om);
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  if (h > 23 || mi > 59 || sec > 60) return std::nullopt;  // 60: leap second, folded below
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  auto t = sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec) - minutes(offset_minutes);
  const date_time result(duration_cast<ticks>(t.time_since_epoch()) + ticks(frac));
  // The offset or a leap second can carry the instant out of years 0000-9999 in UTC, which
  // format_date_time could not write back in this form: refuse it like any other bad value.
  constexpr sys_days first_day{year{0} / January / 1};
  constexpr sys_days past_last_day{year{10000} / January / 1};
  if (result < date_time(first_day) || result >= date_time(past_last_day)) return std::nullopt;
  return result;
}

/// Formats as "YYYY-MM-DDTHH:MM:SS[.fffffff]Z" (fraction only when non-zero, trailing zeros trimmed).
[[nodiscard]] inline std::string format_date_time(date_time t) {
  using namespace std::chrono;
  auto day_point = floor<days>(t);
  year_month_day ymd{sys_days(day_point.time_since_epoch())};
  auto rest = t - day_point;
  auto h = duration_cast<hours>(rest);
  rest -= h;
  auto m = duration_cast<minutes>(rest);
  rest -= m;
  auto s = duration_cast<seconds>(rest);
  rest -= s;
  std::string out;
  out.reserve(28);
  int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) {
    out += std::to_string(y);
  } else {
    out += static_cast<char>('0' + y / 1000);
    out += static_cast<char>('0' + y / 100 % 10);
    out += static_cast<char>('0' + y / 10 % 10);
    out += static_cast<char>('0' + y % 10);
  }
  out += '-';
  detail::append_2(out, static_cast<unsigned>(ymd.month()));
  out += '-';
  detail::append_2(out, static_cast<unsigned>(ymd.day()));
  out += 'T';
  detail::append_2(out, static_cast<unsigned>(h.count()));
  out += ':';
  detail::append_2(out, static_cast<unsigned>(m.count()));
  out += ':';
  detail::append_2(out, static_cast<unsigned>(s.count()));
  detail::append_fraction(out, rest.count());
  out += 'Z';
  return out;
}

/// Parses "HH:MM[:SS[.f+]]".
[[nodiscard]] inline std::optional<time_of_day> parse_time_of_day(std::string_view s) {
  std::size_t pos = 0;
  int h = 0, m = 0, sec = 0;
  if (!detail::read_digits(s, pos, 2, h) || !detail::expect_char(s, pos, ':') || !detail::read_digits(s, pos, 2, m))
    return std::nullopt;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!detail::read_digits(s, pos, 2, sec)) return std::nullopt;
  }
  std::int64_t frac = 0;
  if (!detail::read_fraction(s, pos, frac) || pos != s.size()) return std::nullopt;
  if (h > 23 || m > 59 || sec > 59) return std::nullopt;
  return std::chrono::hours(h) + std::chrono::minutes(m) + std::chrono::seconds(sec) + ticks(frac);
}

/// Formats as "HH:MM:SS.fffffff" (seven digits, as the service writes it).
[[nodiscard]] inline std::string format_time_of_day(time_of_day t) {
  using namespace std::chrono;
  auto h = duration_cast<hours>(t);
  t -= h;
  auto m = duration_cast<minutes>(t);
  t -= m;
  auto s = duration_cast<seconds>(t);
  t -= s;
  std::string out;
  detail::append_2(out, static_cast<unsigned>(h.count() % 100));
  out += ':';
  detail::append_2(out, static_cast<unsigned>(m.count()));
  out += ':';
  detail::append_2(out, static_cast<unsigned>(s.count()));
  out += '.';
  std::int64_t f = t.count();
  char buf[7];
  for (int i = 6; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + f % 10);
    f /= 10;
  }
  out.append(buf, 7);
  return out;
}

}  // namespace outlook
