// Fuzz target: percent-decoding and URL splitting.
// SPDX-License-Identifier: BSL-1.0
//
// - outlook/detail/percent.hpp: decoding never fails; encoding a segment or a query
//   value and decoding it again gives the input back (with '+' read as a space in
//   queries, which the encoder must therefore escape).
// - the session's split_url (outlook/session.hpp), which decides which host a link goes
//   to before the token is attached: its host never contains a path, query or fragment
//   delimiter, and the rest starts with one.
// - the cassette matcher's URL handling (outlook/testing/request_matcher.hpp): splitting,
//   path segments, query pairs, header items, and matching a URL against itself (which
//   must always match) and against a second URL (input split at the first NUL).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "outlook/detail/percent.hpp"
#include "outlook/session.hpp"
#include "outlook/testing/request_matcher.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace d = outlook::detail;
  namespace m = outlook::testing::match_detail;
  const auto text = outlook::fuzz::as_text(data, size);

  (void)d::percent_decode(text, false);
  (void)d::percent_decode(text, true);
  if (d::percent_decode(d::percent_encode_segment(text), false) != text)
    outlook::fuzz::finding("percent_encode_segment does not round-trip");
  if (d::percent_encode_segment(text).find('/') != std::string::npos)
    outlook::fuzz::finding("an encoded path segment contains '/'");
  if (d::percent_decode(d::percent_encode_query_value(text), true) != text)
    outlook::fuzz::finding("percent_encode_query_value does not round-trip (with '+' as space)");

  if (const auto parts = d::split_url(text)) {
    if (parts->host.empty() || parts->host.find_first_of("/?#@") != std::string::npos)
      outlook::fuzz::finding("session split_url gave a host with a delimiter", parts->host);
    if (!parts->rest.empty() && parts->rest.find_first_of("/?#") != 0)
      outlook::fuzz::finding("session split_url gave a rest that does not start a path, query or fragment");
  }

  outlook::fuzz::expect_library_errors_only([&] {
    const auto u = m::split_url(text);
    (void)m::path_segments(u.path);
    (void)m::query_params(u.query);
    (void)m::header_items(text);
    if (const auto mismatch = m::match_url(text, text))
      outlook::fuzz::finding("a URL does not match itself", *mismatch);
    const auto nul = text.find('\0');
    if (nul != std::string_view::npos) (void)m::match_url(text.substr(0, nul), text.substr(nul + 1));
  });
  return 0;
}
