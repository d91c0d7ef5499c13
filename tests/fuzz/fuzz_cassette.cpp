// Fuzz target: the cassette reader (outlook/testing/cassette.hpp) and the request matcher
// SPDX-License-Identifier: BSL-1.0
// it feeds (outlook/testing/request_matcher.hpp).
//
// A malformed cassette must be an outlook::decode_error naming where it is broken. For a
// cassette that loads, each recorded request is replayed to the matcher as if the client
// had sent exactly what was recorded (a bearer token in place of the recorded
// Authorization value, which is never compared): that request must match.
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "outlook/testing/cassette.hpp"
#include "outlook/testing/request_matcher.hpp"

namespace {

outlook::http_request as_sent(const outlook::testing::recorded_request& r) {
  outlook::http_request sent;
  sent.method = r.method;
  sent.url = r.url;
  for (const auto& field : r.headers) {
    const std::string_view name(field.key().data(), field.key().size());  // not a structured binding: clang 14 cannot capture one
    const auto& value = field.value();
    // A header the cassette also lists as absent is not sent: the client must not send it.
    const auto absent = std::any_of(r.absent_headers.begin(), r.absent_headers.end(),
                                    [&](const std::string& a) { return outlook::iequals(a, name); });
    if (absent) continue;
    if (outlook::iequals(name, "Authorization")) {
      sent.headers.add("Authorization", "Bearer fuzz");
    } else if (value.is_string()) {
      sent.headers.add(std::string(name), std::string(value.get_string()));
    } else {
      for (const auto& item : value.get_array()) sent.headers.add(std::string(name), std::string(item.get_string()));
    }
  }
  if (r.body) sent.body = *r.body;
  else if (r.json) sent.body = boost::json::serialize(*r.json);
  return sent;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  outlook::fuzz::expect_library_errors_only([&] {
    const auto c = outlook::testing::parse_cassette(outlook::fuzz::as_text(data, size), "fuzz.json");
    for (const auto& x : c.interactions) {
      (void)outlook::testing::response_body_text(x.response);
      if (!x.request) continue;
      if (const auto why = outlook::testing::mismatch(*x.request, as_sent(*x.request)))
        outlook::fuzz::finding("a recorded request does not match itself", *why);
    }
  });
  return 0;
}
