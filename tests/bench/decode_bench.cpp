// outlook-mail: decode/encode throughput of a page of 1,000 full messages.
// SPDX-License-Identifier: BSL-1.0
//
// Compares the typed decode (outlook::decode_text<page<poly<message>>>) with a bare
// boost::json::parse using the default allocator, and the typed re-encode
// (outlook::encode_value + serialize) with serializing the parsed DOM. Every figure is
// the best of N runs, measured in the same process on the same generated document, and
// each run includes destroying what it produced (the DOM, or the typed page). Times are
// the thread's CPU time (POSIX clock_gettime), so that other processes' slices on a shared
// machine do not count.
//
// Usage: outlook_mail_decode_bench [iterations=15] [messages=1000]
// Exits non-zero only when the decode or the round trip is wrong, never because of timing.
#include <outlook/mail/message.hpp>
#include <outlook/page.hpp>

#include "message_pages.hpp"  // bench/: the page generator shared with the paging benchmark
#include "paging_smoke.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <string>
#include <utility>

namespace json = boost::json;

namespace {

using message_page = outlook::page<outlook::poly<outlook::mail::message>>;

std::string make_page(int count) {
  outlook_bench::page_spec spec;
  spec.count = count;
  spec.next_link = "https://outlook.office.com/api/v2.0/me/MailFolders('Inbox')/messages?%24top=" + std::to_string(count) +
                   "&%24skip=" + std::to_string(count);
  return outlook_bench::make_page(spec);
}

/// CPU time of this thread, in seconds. On a shared machine the wall clock also counts the
/// slices given to other processes; on an idle one both agree.
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Best time, in seconds of thread CPU time, of `runs` calls of each of f and g. The calls
/// alternate, so that a burst of load from other processes (cache and memory bandwidth
/// taken) hits both sides of a comparison alike.
template <class F, class G>
std::pair<double, double> best_of(int runs, F&& f, G&& g) {
  auto time = [](auto& fn) {
    const double t0 = thread_seconds();
    fn();
    return thread_seconds() - t0;
  };
  double best_f = 1e300, best_g = 1e300;
  for (int i = 0; i < runs; ++i) {
    best_f = std::min(best_f, time(f));
    best_g = std::min(best_g, time(g));
  }
  return {best_f, best_g};
}

// Results are folded into this so the optimizer cannot drop the work being measured.
volatile std::size_t sink = 0;

}  // namespace

int main(int argc, char** argv) try {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 15;
  const int count = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1000;

  // The paging benchmark's smoke test (paging_smoke.hpp): typed paging == plain parse.
  if (const auto failures = outlook_bench::paging_smoke(); !failures.empty()) {
    std::fprintf(stderr, "FAIL: typed paging differs from a plain parse:\n%s", failures.c_str());
    return 1;
  }
  std::printf("paging smoke: typed paging checksum == plain parse checksum (both dialects)\n");

  const std::string text = make_page(count);
  const double mb = static_cast<double>(text.size()) / 1e6;
  std::printf("document: %d messages, %zu bytes (%.2f MB); best of %d runs\n", count, text.size(), mb, runs);

  // Check once that the typed decode is complete and re-encodes to the same JSON
  // (object comparison ignores member order; the encoder leaves out empty collections).
  const json::value dom = json::parse(text);
  const auto typed = outlook::decode_text<message_page>(text);
  json::value expected = dom;
  for (auto& m : expected.at("value").as_array())
    for (auto it = m.as_object().begin(); it != m.as_object().end();)
      it = it->value().is_array() && it->value().as_array().empty() ? m.as_object().erase(it) : it + 1;
  if (typed.value.size() != static_cast<std::size_t>(count) || !typed.next_link ||
      json::value(outlook::encode_value(typed)) != expected) {
    std::fprintf(stderr, "FAIL: the typed page does not round-trip to the parsed document\n");
    return 1;
  }

  const auto [parse_s, decode_s] = best_of(
      runs,
      [&] {
        json::value v = json::parse(text);
        sink = sink + v.as_object().size();
      },
      [&] {
        auto p = outlook::decode_text<message_page>(text);
        sink = sink + p.value.size();
      });
  std::size_t encoded_size = 0;
  const auto [serialize_s, encode_s] = best_of(
      runs,
      [&] {
        std::string out = json::serialize(dom);
        sink = sink + out.size();
      },
      [&] {
        std::string out = json::serialize(outlook::encode_value(typed));
        encoded_size = out.size();
        sink = sink + out.size();
      });

  const double parse_mbs = mb / parse_s, decode_mbs = mb / decode_s;
  const double serialize_mbs = mb / serialize_s, encode_mbs = mb / encode_s;
  std::printf("typed decode: %.1f MB/s, boost::json::parse: %.1f MB/s, ratio %.2f\n", decode_mbs, parse_mbs,
              decode_mbs / parse_mbs);
  std::printf("typed encode: %.1f MB/s, boost::json::serialize: %.1f MB/s, ratio %.2f\n", encode_mbs, serialize_mbs,
              encode_mbs / serialize_mbs);
  std::printf("(MB = 10^6 bytes of the input document; typed encode writes %zu bytes)\n", encoded_size);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "FAIL: %s\n", e.what());
  return 1;
}
