// outlook-mail: when a failed request is tried again, and how long to wait first.
//
// Two kinds of failure are told apart, each with its own switch and attempt count:
// throttling (429, and 503 with Retry-After: the service asks the client to slow down and
// did not act on the request, so any method may be sent again, after Retry-After) and
// server errors (other 5xx, and connect, reset or timeout failures: retried only for
// idempotent requests, after an exponential backoff with jitter).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace outlook {

/// Automatic retries. A 401 is not a retry of this policy: the session asks the token
/// provider once for a fresh token and sends once more, whatever the policy says.
struct retry_policy {
  /// One kind of failure: whether it is retried, and how many attempts a call may make
  /// for it (the first attempt included).
  struct kind {
    bool enabled = true;
    int max_attempts = 4;
  };

  /// false: nothing is retried.
  bool enabled = true;
  /// 429, and 503 with Retry-After; any method.
  kind throttling{};
  /// Other 5xx, and transport failures (connect, reset, timeout); GET and DELETE only.
  kind server_errors{};
  /// The first backoff wait, doubled on each retry without Retry-After, up to max_backoff.
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  /// The random share of each backoff wait (0 to 1): the wait is drawn from
  /// [backoff * (1 - jitter), backoff], so clients that failed together retry apart.
  double jitter = 0.5;
  /// A longer Retry-After is not waited for: the call fails with the api_error.
  std::chrono::seconds max_retry_after{120};
};

namespace detail {

/// The backoff wait before retry number `step` (0 for the first), with `unit` a random
/// number in [0, 1).
[[nodiscard]] inline std::chrono::milliseconds backoff_delay(const retry_policy& p, int step, double unit) {
  using ms = std::chrono::milliseconds;
  const ms cap = std::max(p.max_backoff, ms(0));
  ms base = std::max(p.initial_backoff, ms(0));
  for (int i = 0; i < step && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  const double jitter = std::clamp(p.jitter, 0.0, 1.0);
  const double factor = 1.0 - jitter * std::clamp(unit, 0.0, 1.0);
  return ms(static_cast<ms::rep>(static_cast<double>(base.count()) * factor));
}

/// An HTTP-date in the preferred form of RFC 7231 (IMF-fixdate, "Sun, 06 Nov 1994
/// 08:49:37 GMT"); nullopt for anything else.
[[nodiscard]] inline std::optional<std::chrono::sys_seconds> parse_imf_fixdate(std::string_view s) {
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
      s[22] != ':' || s.substr(25) != " GMT")
    return std::nullopt;
  auto number = [&](std::size_t at, std::size_t n) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  static constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto month = std::find(months.begin(), months.end(), s.substr(8, 3));
  const auto day = number(5, 2), year = number(12, 4), h = number(17, 2), m = number(20, 2), sec = number(23, 2);
  if (month == months.end() || !day || !year || !h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*year),
                                        std::chrono::month(static_cast<unsigned>(month - months.begin() + 1)),
                                        std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd) + std::chrono::hours(*h) + std::chrono::minutes(*m) + std::chrono::seconds(*sec);
}

/// Retry-After as a wait: delta-seconds, or an HTTP-date (the time from `now` until then,
/// zero when it has passed). Clamped to a day; anything unreadable reads as one second.
[[nodiscard]] inline std::optional<std::chrono::seconds> parse_retry_after(
    std::optional<std::string_view> v, std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
  if (!v) return std::nullopt;
  std::string_view s = *v;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  constexpr std::chrono::seconds day(86400);
  if (auto date = parse_imf_fixdate(s)) {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(*date - now);
    return std::clamp(left, std::chrono::seconds(0), day);
  }
  std::int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::chrono::seconds(1);
    n = n * 10 + (c - '0');
    if (n > day.count()) return day;
  }
  return std::chrono::seconds(n);
}

}  // namespace detail
}  // namespace outlook
