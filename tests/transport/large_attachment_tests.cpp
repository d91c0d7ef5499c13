// A 100 MB file attachment through the Beast transport from the loopback HTTPS server,
// SPDX-License-Identifier: BSL-1.0
// its base64 decoded into a sink as it arrives, with the process's peak RSS bounded. Its
// own small program so that the -O2 stage (.ci/stages/10-release.sh) can run it at full
// size without building every transport test; this TU also compiles the transport.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "outlook/beast_transport_impl.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "outlook/mail.hpp"
#include "test_support.hpp"

using namespace transport_test;  // NOLINT: test helpers
namespace mail = outlook::mail;

namespace {

/// A field of /proc/self/status in kB (VmRSS, VmHWM), or -1.
long status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  return -1;
}

/// Resets VmHWM to the current RSS (Linux: "5" to clear_refs), so the peak measured is this
/// test's own, not an earlier test's.
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

/// The attachment's bytes, made as the server writes them and checked as the client gets them.
struct byte_pattern {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  char next() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<char>(state >> 56);
  }
};

/// Bytes checked in order, with a checksum over them.
struct checked_bytes {
  byte_pattern expected;
  std::uint64_t count = 0;
  std::uint64_t mismatches = 0;
  std::size_t largest_piece = 0;
  void take(std::string_view piece) {
    largest_piece = std::max(largest_piece, piece.size());
    for (char c : piece) mismatches += c != expected.next();
    count += piece.size();
  }
};

// A 100 MB attachment where the build is optimized and without a sanitizer; a smaller one
// under ASan/TSan/Debug, where 100 MB through TLS takes minutes. The bound is the same.
#if defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
constexpr std::uint64_t large_attachment_size = std::uint64_t{100} * 1024 * 1024;
#else
constexpr std::uint64_t large_attachment_size = std::uint64_t{24} * 1024 * 1024;
#endif

}  // namespace

#if defined(__SANITIZE_ADDRESS__)
// ASan keeps freed blocks in a quarantine (256 MiB by default) instead of reusing them, so
// under ASan the peak RSS grows with everything ever freed, whatever the transport holds at
// once: 78 MiB for a 24 MiB attachment. A small quarantine makes the bound mean the same in
// this build as in the others; use-after-free is still caught by every other suite.
// ASAN_OPTIONS in the environment still overrides this.
extern "C" const char* __asan_default_options() { return "quarantine_size_mb=1:thread_local_quarantine_size_kb=64"; }
#endif

TEST_CASE("a large file attachment streams to a sink: base64 decoded as it arrives, peak RSS bounded") {
  const std::string head =
      R"({"@odata.type":"#Microsoft.OutlookServices.FileAttachment","Id":"AAMkAtt=","Name":"big.bin",)"
      R"("ContentType":"application/octet-stream","Size":)" + std::to_string(large_attachment_size) + R"(,"ContentBytes":")";
  https_test_server_options server_options;
  server_options.generated_body = [&](const http_request&) {
    // {head}{base64 of the pattern, 48 KiB of bytes a piece}"}: never held whole.
    struct state {
      byte_pattern pattern;
      std::uint64_t left = large_attachment_size;
      int stage = 0;
    };
    auto st = std::make_shared<state>();
    return std::function<bool(std::string&)>([st, &head](std::string& piece) {
      if (st->stage == 0) {
        piece += head;
        st->stage = 1;
        return true;
      }
      if (st->left == 0) {
        if (st->stage == 2) return false;
        piece += R"("})";
        st->stage = 2;
        return true;
      }
      // Encoded into `piece` in place: the server reuses its buffer, so the test's own
      // allocations do not grow the peak (ASan keeps freed blocks in quarantine).
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(st->left, 48 * 1024));
      static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      for (std::size_t i = 0; i < n; i += 3) {
        const std::size_t k = std::min<std::size_t>(3, n - i);
        std::uint32_t v = 0;
        for (std::size_t j = 0; j < 3; ++j)
          v = (v << 8) | (j < k ? static_cast<std::uint32_t>(static_cast<unsigned char>(st->pattern.next())) : 0u);
        piece += alphabet[(v >> 18) & 63];
        piece += alphabet[(v >> 12) & 63];
        piece += k > 1 ? alphabet[(v >> 6) & 63] : '=';
        piece += k > 2 ? alphabet[v & 63] : '=';
      }
      st->left -= n;
      return true;
    });
  };
  https_test_server server([](http_request) -> asio::awaitable<http_response> {
    co_return http_response{200, {{"Content-Type", "application/json"}}, ""};
  }, server_options);
  ca_file ca(server);
  asio::io_context ioc;
  outlook::client_options options;
  options.base_url = server.url("/api/v2.0");
  mail::client client(outlook::make_beast_transport(ioc.get_executor(), trusting(ca, [](auto& o) {
                        o.max_response_body = std::size_t{256} * 1024 * 1024;
                      })),
                      outlook::fixed_token("token-1"), options);

  REQUIRE(reset_peak_rss());
  const long baseline_kb = status_kb("VmRSS");
  checked_bytes got;
  auto attachment = run(ioc, client.me().get_attachment("AAMkMsg=", "AAMkAtt=", [&](std::string_view piece) { got.take(piece); }));
  const long peak_kb = status_kb("VmHWM");

  CHECK(got.count == large_attachment_size);
  CHECK(got.mismatches == 0);
  CHECK(got.largest_piece <= std::size_t{64} * 1024);
  const auto* file = attachment.as<mail::file_attachment>();
  REQUIRE(file != nullptr);
  CHECK(file->name == "big.bin");
  CHECK_FALSE(file->content_bytes.has_value());  // went to the sink, not into the result
  REQUIRE(baseline_kb > 0);
  REQUIRE(peak_kb > 0);
  MESSAGE("attachment of " << large_attachment_size / (1024 * 1024) << " MiB: peak RSS " << (peak_kb - baseline_kb) / 1024
                           << " MiB above the baseline");
  CHECK(peak_kb - baseline_kb < 32 * 1024);
}
