// Percent-encoding helpers: round trips, the characters each encoder must escape, and
// SPDX-License-Identifier: BSL-1.0
// hostile input to the decoder.
#include <doctest/doctest.h>

#include <string>

#include "outlook/detail/percent.hpp"

using outlook::detail::percent_decode;
using outlook::detail::percent_encode_query_value;
using outlook::detail::percent_encode_segment;

TEST_CASE("percent_decode decodes escapes in either case") {
  CHECK(percent_decode("a%2Fb", false) == "a/b");
  CHECK(percent_decode("a%2fb", false) == "a/b");
  CHECK(percent_decode("%24select", false) == "$select");
  CHECK(percent_decode("%00", false) == std::string(1, '\0'));
  CHECK(percent_decode("%E2%82%AC", false) == "\xE2\x82\xAC");
}

TEST_CASE("percent_decode reads + as a space only when asked") {
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK(percent_decode("a+b", false) == "a+b");
  CHECK(percent_decode("a%2Bb", true) == "a+b");
}

TEST_CASE("percent_decode keeps invalid escapes literally") {
  CHECK(percent_decode("%", false) == "%");
  CHECK(percent_decode("%4", false) == "%4");
  CHECK(percent_decode("%zz", false) == "%zz");
  CHECK(percent_decode("%4g", false) == "%4g");
  CHECK(percent_decode("%g4", false) == "%g4");
  CHECK(percent_decode("abc%", true) == "abc%");
  CHECK(percent_decode("%%41", false) == "%A");
  CHECK(percent_decode("", true).empty());
  CHECK(percent_decode("%%%", false) == "%%%");
}

TEST_CASE("percent_encode_segment keeps ids readable but escapes what would split or quote them") {
  CHECK(percent_encode_segment("AAMkAGI2THVSAAA=") == "AAMkAGI2THVSAAA=");
  CHECK(percent_encode_segment("a+b") == "a+b");
  CHECK(percent_encode_segment("a/b") == "a%2Fb");
  CHECK(percent_encode_segment("a?b#c%d") == "a%3Fb%23c%25d");
  CHECK(percent_encode_segment("it's") == "it%27s");
  CHECK(percent_encode_segment("a b") == "a%20b");
  CHECK(percent_encode_segment("!$&()*+,;=:@-._~") == "!$&()*+,;=:@-._~");
  CHECK(percent_encode_segment("\xC3\xA9") == "%C3%A9");
  CHECK(percent_encode_segment("\"<>[]\\^`{|}") == "%22%3C%3E%5B%5D%5C%5E%60%7B%7C%7D");
}

TEST_CASE("percent_encode_query_value keeps OData punctuation but escapes query syntax") {
  CHECK(percent_encode_query_value("Subject,From") == "Subject,From");
  CHECK(percent_encode_query_value("IsRead eq false") == "IsRead%20eq%20false");
  CHECK(percent_encode_query_value("Subject eq 'a&b'") == "Subject%20eq%20'a%26b'");
  CHECK(percent_encode_query_value("c++ #1 100%") == "c%2B%2B%20%231%20100%25");
  CHECK(percent_encode_query_value("MentionsPreview/IsMentioned") == "MentionsPreview/IsMentioned");
  CHECK(percent_encode_query_value("$x:=@!*;()") == "$x:=@!*;()");
  CHECK(percent_encode_query_value("a?b") == "a%3Fb");
}

TEST_CASE("every byte survives an encode/decode round trip") {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  CHECK(percent_decode(percent_encode_segment(all), false) == all);
  CHECK(percent_decode(percent_encode_query_value(all), true) == all);
  const std::string hostile = "%zz%4%+ '/?#&=\xFF";
  CHECK(percent_decode(percent_encode_segment(hostile), false) == hostile);
  CHECK(percent_decode(percent_encode_query_value(hostile), true) == hostile);
}
