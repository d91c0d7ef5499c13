// The fixture runner: plays every cassette of tests/fixtures (and of each directory in
// SPDX-License-Identifier: BSL-1.0
// OUTLOOK_FIXTURE_DIRS) against the generated binding, prints one line per failure and
// a closing "N passed, N failed" line. Format and rules: docs/cassettes.md.
//
// Call cassettes go through the generated operation table (operation name -> function),
// a client whose transport replays the recorded responses and checks each request.
// Decode cassettes go through the generated decode table. Either way the typed result is
// encoded again and compared with the recorded body under the normalisation of docs/cassettes.md.
// The per-cassette logic lives in run_cassette.hpp (shared with tests/loopback).
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>

#include "outlook/testing/cassette.hpp"
#include "run_cassette.hpp"

int main(int argc, char** argv) {
  std::filesystem::path default_dir = argc > 1 ? argv[1] : "tests/fixtures";
  auto files = outlook::testing::find_cassettes(outlook::testing::cassette_dirs_from_env(default_dir));
  int passed = 0, failed = 0;
  for (const auto& f : files) {
    std::string why;
    try {
      auto c = outlook::testing::load_cassette(f);
      if (c.raw.contains("decode")) why = fixture_runner::run_decode(c);
      else if (c.raw.contains("call")) why = fixture_runner::run_call(c);
      else why = "neither \"call\" nor \"decode\"";
    } catch (const std::exception& e) {
      why = std::string("could not run: ") + e.what();
    }
    if (why.empty()) {
      ++passed;
    } else {
      ++failed;
      std::cout << "FAIL " << f.string() << ": " << why << '\n';
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return (failed == 0 && passed > 0) ? EXIT_SUCCESS : EXIT_FAILURE;
}
