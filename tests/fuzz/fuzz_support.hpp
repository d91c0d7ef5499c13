// outlook-mail fuzzing: what every libFuzzer target shares.
// SPDX-License-Identifier: BSL-1.0
//
// The contract under test: on any input the library either succeeds or throws an
// exception derived from outlook::error. Anything else -- another exception, a crash, a
// sanitizer report, a hang -- is a finding. `expect_library_errors_only` turns "another
// exception" into an abort so libFuzzer records the input; `finding` does the same for a
// broken invariant (a round trip that does not come back).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

#include "outlook/error.hpp"

namespace outlook::fuzz {

[[noreturn]] inline void finding(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "FINDING: %.*s\n", static_cast<int>(what.size()), what.data());
  if (!detail.empty()) std::fprintf(stderr, "  %.*s\n", static_cast<int>(detail.size()), detail.data());
  std::abort();
}

/// Runs `body`; an outlook::error is an accepted outcome, any other exception a finding.
template <class Body>
void expect_library_errors_only(Body&& body) {
  try {
    body();
  } catch (const outlook::error&) {
    // The documented outcome for bad input.
  } catch (const std::exception& e) {
    finding(std::string("an exception that is not an outlook::error: ") + typeid(e).name(), e.what());
  } catch (...) {
    finding("an exception that is not a std::exception");
  }
}

[[nodiscard]] inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace outlook::fuzz
