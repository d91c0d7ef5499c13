// outlook_mail_server_load_bench: the load run of load_run.hpp at 1, 8 and 64 concurrent
// clients (or --clients LIST), each level against a fresh server; prints throughput and
// p50/p99 latency per operation and checks that every mailbox's counts add up.
// Built only with -DOUTLOOK_MAIL_BUILD_BENCH=ON; the command is in docs/server.md.
//
// SPDX-License-Identifier: BSL-1.0
#include "load_run.hpp"

#include <outlook/beast_transport_impl.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

int usage() {
  std::cerr << "usage: outlook_mail_server_load_bench [--clients 1,8,64] [--seconds 5] [--db-file] [--plain-http]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> levels{1, 8, 64};
  double seconds = 5;
  bool db_file = false;
  bool plain_http = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--clients" && i + 1 < argc) {
      levels.clear();
      std::stringstream list(argv[++i]);
      for (std::string n; std::getline(list, n, ',');) levels.push_back(std::atoi(n.c_str()));
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (a == "--db-file") {
      db_file = true;
    } else if (a == "--plain-http") {
      plain_http = true;
    } else {
      return usage();
    }
  }
  for (int n : levels)
    if (n < 1 || n > 1000) return usage();

  std::printf("store: %s, %s, %.1f s per level, mix 45%% list / 30%% get / 15%% send / 10%% sync\n",
              db_file ? "SQLite file (WAL, synchronous=FULL)" : ":memory:", plain_http ? "HTTP" : "HTTPS", seconds);
  std::printf("%8s %9s %10s | %-26s | %-26s | %-26s | %-26s | %s\n", "clients", "requests", "req/s", "list p50/p99 ms",
              "get p50/p99 ms", "send p50/p99 ms", "sync p50/p99 ms", "counts");
  bool ok = true;
  for (int n : levels) {
    outlook::server::load::options o;
    o.clients = n;
    o.duration = std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    o.plain_http = plain_http;
    std::filesystem::path file;
    if (db_file) {
      file = std::filesystem::temp_directory_path() / ("outlook-load-" + std::to_string(n) + ".db");
      std::filesystem::remove(file);
      o.database = file.string();
    }
    auto r = outlook::server::load::run(o);
    std::printf("%8d %9zu %10.1f", n, r.requests(), static_cast<double>(r.requests()) / r.seconds);
    for (auto& l : r.latencies_ms) {
      char cell[64];
      std::snprintf(cell, sizeof cell, "%zu x %.2f/%.2f", l.size(), outlook::server::load::percentile(l, 50),
                    outlook::server::load::percentile(l, 99));
      std::printf(" | %-26s", cell);
    }
    std::printf(" | %s (%lld sends)\n", r.counts_add_up ? "add up" : "DO NOT add up", static_cast<long long>(r.sends));
    for (const auto& p : r.count_problems) std::printf("  %s\n", p.c_str());
    if (r.failures) std::printf("  %lld failed requests; first: %s\n", static_cast<long long>(r.failures), r.first_failure.c_str());
    ok = ok && r.counts_add_up && r.failures == 0;
    if (db_file) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
    }
  }
  return ok ? 0 : 1;
}
