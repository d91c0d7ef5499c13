// Fuzz target: the typed decoder of every top-level type and collection page.
// SPDX-License-Identifier: BSL-1.0
//
// The first input byte picks an entry of the generated decode table
// (outlook/mail/testing/decode_table.hpp: every entity, collection<T> and sync_page<T>),
// the rest is the response body. Pages go through decode_text, i.e. the streaming path
// (outlook/detail/streamed_collection.hpp) with its whole-DOM fallback.
//
// Oracle: decoding either succeeds or throws an outlook::error; when it succeeds, the
// encoding of the result must decode again to the same encoding (decode -> encode ->
// decode is stable). A body the decoder accepted but whose re-encoding it rejects, or
// that re-decodes to something else, is a finding.
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "json_equal.hpp"
#include "outlook/mail/testing/decode_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& table = outlook::mail::testing::decoders();
  // Not a structured binding: clang 14 cannot capture one in a lambda.
  const std::string_view name = table[data[0] % table.size()].first;
  const auto decode = table[data[0] % table.size()].second;
  const auto body = outlook::fuzz::as_text(data + 1, size - 1);

  boost::json::value first;
  bool decoded = false;
  outlook::fuzz::expect_library_errors_only([&] {
    first = decode(body);
    decoded = true;
  });
  if (!decoded) return 0;

  const std::string again = boost::json::serialize(first);
  boost::json::value second;
  try {
    second = decode(again);
  } catch (const std::exception& e) {
    outlook::fuzz::finding(std::string("re-decoding the encoding of a decoded ") + std::string(name) + " fails",
                           e.what());
  }
  if (!outlook::fuzz::json_equal(first, second))
    outlook::fuzz::finding(std::string("decode -> encode -> decode of ") + std::string(name) + " is not stable",
                           again + "\n  became\n  " + boost::json::serialize(second));
  return 0;
}
