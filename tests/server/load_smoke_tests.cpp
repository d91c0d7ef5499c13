// A small run of the load benchmark's code (server/bench/load_run.hpp): a few clients at
// once, a fixed number of requests each, then every mailbox's counts must add up (no send
// lost or delivered twice). It checks correctness under concurrency, not speed.
//
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include "../../server/bench/load_run.hpp"

TEST_CASE("Load run: concurrent clients, no write lost, every mailbox's counts add up") {
  outlook::server::load::options o;
  o.clients = 4;
  o.max_requests_per_client = 15;
  o.duration = std::chrono::seconds(60);  // a bound, not a target: the request count ends the run
  o.seeded_messages = 5;
  auto r = outlook::server::load::run(o);
  INFO(r.first_failure);
  CHECK(r.failures == 0);
  CHECK(r.requests() == 60);
  std::string problems;
  for (const auto& p : r.count_problems) problems += p + "\n";
  INFO(problems);
  CHECK(r.counts_add_up);
  CHECK(r.count_problems.empty());
}
