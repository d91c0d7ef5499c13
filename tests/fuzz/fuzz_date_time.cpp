// Fuzz target: Edm.DateTimeOffset and Edm.TimeOfDay parsing (outlook/date_time.hpp).
// SPDX-License-Identifier: BSL-1.0
//
// Parsing either refuses the text or gives a value whose formatted form parses back to
// the same value (format -> parse is the identity on parsed values), and a formatted
// value is itself in the canonical form: formatting it again gives the same text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "outlook/date_time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = outlook::fuzz::as_text(data, size);

  if (const auto t = outlook::parse_date_time(text)) {
    const std::string formatted = outlook::format_date_time(*t);
    const auto back = outlook::parse_date_time(formatted);
    if (!back) outlook::fuzz::finding("parse_date_time refuses what format_date_time wrote", formatted);
    if (*back != *t) outlook::fuzz::finding("date-time format -> parse changes the instant", formatted);
    if (outlook::format_date_time(*back) != formatted)
      outlook::fuzz::finding("date-time formatting is not canonical", formatted);
  }

  if (const auto t = outlook::parse_time_of_day(text)) {
    if (*t < outlook::time_of_day::zero() || *t >= std::chrono::hours(24))
      outlook::fuzz::finding("parse_time_of_day gave a time outside one day");
    const std::string formatted = outlook::format_time_of_day(*t);
    const auto back = outlook::parse_time_of_day(formatted);
    if (!back) outlook::fuzz::finding("parse_time_of_day refuses what format_time_of_day wrote", formatted);
    if (*back != *t) outlook::fuzz::finding("time-of-day format -> parse changes the value", formatted);
  }
  return 0;
}
