// The items of a page read by our own tokenizer (outlook/detail/collection_item_splitter.hpp)
// SPDX-License-Identifier: BSL-1.0
// against Boost's parser reading every byte: the same tapes, the same rest of the page, the
// same error, however the body is cut; and the tokenizer really reads the ordinary items.
#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "collection_split_harness.hpp"
#include "outlook/detail/json_item_tokenizer.hpp"

namespace {

using outlook::test::parse_in_pieces;
using outlook::test::pieces_of;
using outlook::test::split_outcome;

/// Both paths on `text`, each in the same pieces: in one piece, in pieces of 1, 2, 3, 7 and
/// 64 bytes, and cut in two at every offset. (Boost's own error can depend on where a piece
/// ends, so the fast path is held to Boost reading the same pieces.) Returns the fast
/// path's outcome in one piece.
split_outcome check_same(const std::string& text) {
  CAPTURE(text);
  const auto whole = parse_in_pieces(text, {}, true);
  CHECK(whole == parse_in_pieces(text, {}, false));
  for (std::size_t size : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, std::size_t{64}}) {
    CAPTURE(size);
    const auto cuts = pieces_of(size, text.size());
    CHECK(parse_in_pieces(text, cuts, true) == parse_in_pieces(text, cuts, false));
  }
  for (std::size_t cut = 1; cut < text.size(); ++cut) {
    CAPTURE(cut);
    CHECK(parse_in_pieces(text, {cut}, true) == parse_in_pieces(text, {cut}, false));
  }
  return whole;
}

/// `item` as the middle one of three items of a page with annotations around them.
std::string page_with(std::string_view item) {
  return std::string(R"({"@odata.context":"c","value":[{"Id":"before"},)") + std::string(item) +
         R"(,{"Id":"after"}],"@odata.nextLink":"n"})";
}

std::string nested(std::size_t depth) {
  std::string s;
  for (std::size_t i = 1; i < depth; ++i) s += R"({"a":)";
  s += "{}";
  for (std::size_t i = 1; i < depth; ++i) s += '}';
  return s;
}

}  // namespace

TEST_CASE("the tokenizer reads an ordinary page itself, in one piece or in many") {
  const std::string doc =
      R"({"@odata.context":"c","value":[{"Id":"a","Body":{"Content":"<p>\r\n\"x\"</p>\u00e9\ud83d\ude00"},"To":[{"N":"x"}],)"
      R"("IsRead":true,"Flag":null,"Size":-12,"Big":9999999999999999999},{"Id":"b"},{}],"@odata.nextLink":"n"})";
  const auto whole = check_same(doc);
  CHECK(whole.error.empty());
  REQUIRE(whole.items.size() == 3);
  CHECK(whole.tokenized == 3);
  CHECK(parse_in_pieces(doc, pieces_of(1, doc.size()), true).tokenized == 3);  // gathered across pieces
  CHECK(whole.rest == R"({"@odata.context":"c","value":[],"@odata.nextLink":"n"})");
  // The escapes decoded as the JSON text says: CR LF, quotes, e-acute, U+1F600.
  CHECK(whole.items[0].find("s18:<p>\r\n\"x\"</p>\xc3\xa9\xf0\x9f\x98\x80") != std::string::npos);
  CHECK(whole.items[0].find("u9999999999999999999") != std::string::npos);
  CHECK(whole.items[0].find("i-12") != std::string::npos);
}

TEST_CASE("escapes of every kind give the tape Boost gives") {
  for (const char* s : {R"("\"\\\/\b\f\n\r\t")", R"("\u0000\u001f\u0041\u00e9\u00E9\u07ff\u0800\uffff\uFFFD")",
                        R"("\ud800\udc00\udbff\udfff\uD83D\uDE00")", R"("a\nb\rc")", R"("\n")", R"("x\\")",
                        R"("\\x")", "\"\\u2028 \xe2\x80\xa8 \xf0\x9f\x98\x80 \xc3\xa9\"",
                        // more consecutive escapes than the tokenizer decodes in one go
                        R"("\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00\ud83d\ude00")",
                        R"("\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nend")"}) {
    const std::string item = std::string(R"({"k":)") + s + R"(,)" + s + R"(:1})";
    const auto got = check_same(page_with(item));
    CHECK(got.error.empty());
    CHECK(got.tokenized == 3);
  }
}

TEST_CASE("numbers at the int64, uint64 and double edges give the tape Boost gives") {
  // Taken by the tokenizer: integers Boost reports as int64 or uint64 with at most 19 digits.
  for (const char* n : {"0", "-0", "7", "-7", "9223372036854775807", "-9223372036854775807", "-9223372036854775808",
                        "9223372036854775808", "9999999999999999999", "1000000000000000000"}) {
    const auto got = check_same(page_with(std::string(R"({"n":)") + n + "}"));
    CHECK(got.error.empty());
    CHECK(got.tokenized == 3);
  }
  // Left to Boost (doubles, 20 digits), with the rest of the page: the same tape all the same.
  for (const char* n : {"-9223372036854775809", "18446744073709551615", "18446744073709551616", "99999999999999999999",
                        "1.5", "-0.0", "1e5", "1E+5", "2.5e-3", "0.1", "123456789012345678901234567890", "1.7976931348623157e308",
                        "4.9e-324", "1e400"}) {
    const auto got = check_same(page_with(std::string(R"({"n":)") + n + "}"));
    CHECK(got.tokenized == 1);
  }
}

TEST_CASE("invalid items give Boost's error, and unusual ones Boost's tape") {
  for (const char* item : {
           // syntax
           R"({"a":1,})", R"({"a" 1})", R"({"a":})", R"({"a":tru})", R"({"a":nul})", R"({"a":falsey})", R"({a:1})",
           R"({"a":1]})", R"({"a":[1,2}})", R"({"a":[1,]})", R"({"a":{}}})", R"({,"a":1})", R"({"a":01})", R"({"a":-})",
           R"({"a":-x})", R"({"a":1.})", R"({"a":.5})", R"({"a":+1})", R"({"a":1e})", R"({"a":'x'})", "{\"a\":1}}",
           // strings
           "{\"a\":\"\x01\"}", "{\"a\":\"\x1f\"}", "{\"a\":\"tab\there\"}", R"({"a":"\q"})", R"({"a":"\u12"})",
           R"({"a":"\u12g4"})", R"({"a":"\uD800"})", R"({"a":"\uD800\u0041"})", R"({"a":"\uDC00"})", R"({"a":"\uD800x"})",
           R"({"a":"\uDBFF\uDBFF"})", R"({"a":"\uD800\n"})", R"({"a":"\)", "{\"a\":\"\x7f\"}",
           // UTF-8: overlong, surrogates, above U+10FFFF, stray continuation, truncated
           "{\"a\":\"\xc0\x80\"}", "{\"a\":\"\xc1\xbf\"}", "{\"a\":\"\xe0\x80\x80\"}", "{\"a\":\"\xed\xa0\x80\"}",
           "{\"a\":\"\xf0\x80\x80\x80\"}", "{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":\"\xf5\x80\x80\x80\"}", "{\"a\":\"\x80\"}",
           "{\"a\":\"\xe2\x82\"}", "{\"a\":\"\xe2\"}", "{\"\xff\":1}", "{\"a\":\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\xed\x9f\xbf\"}",
           // valid but unusual: a repeated key, whitespace everywhere, empty containers
           R"({"a":1,"a":2})", " {\t\"a\"\r\n:\n[ 1 , { } , [ ] ] , \"b\" : { \"c\" : null } } ", R"({"a":[[[[]]]]})"}) {
    check_same(page_with(item));
  }
}

TEST_CASE("separators, stray values and the end of the array are judged by Boost") {
  for (const char* doc : {
           R"({"value":[{"a":1}{"b":2}]})", R"({"value":[{"a":1},,{"b":2}]})", R"({"value":[{"a":1},]})",
           R"({"value":[,{"a":1}]})", R"({"value":[{"a":1}5]})", R"({"value":[{"a":1}null]})", R"({"value":[{"a":1}e]})",
           R"({"value":[{"a":1}.5]})", R"({"value":[{"a":1} , 5, {"b":2}]})", R"({"value":[{"a":1},"s",{"b":2}]})",
           R"({"value":[{"a":1},[1],{"b":2}]})", R"({"value":[{"a":1},null,{"b":2}]})", R"({"value":[ ]})", R"({"value":[]})",
           R"({"value":[{"a":1}]})", R"({"value":[{"a":1}]}   )", R"({"value":[{"a":1}]} x)", R"({"value":[{"a":1}],"value":[]})",
           R"({"value":[{"a":1}],"x":[1,{"b":[2]}]})", R"({"x":[1,2],"value":[{"a":1}]})", R"({"x":"[","value":[{"a":"["}]})",
           R"({"VALUE":[{"a":1}]})", R"({"value":{"a":1}})", R"([{"a":1}])", R"({"value":[{"a":1})", R"({"value":[{"a":1},)",
           R"({"value":[{"a":1}, )", R"({"value":[{"a":1},{"b":)", R"({"value":[{"a":"x)", R"({"value":[{"a":"x\)", R"({"value":[{)",
           R"({"value":[)", R"({"value":)", "", "   "}) {
    check_same(doc);
  }
}

TEST_CASE("the depth limit: the tokenizer takes what Boost takes and leaves the rest to it") {
  // The page and its array are two levels: an item may nest max_json_depth - 2 objects.
  const auto deepest = check_same(page_with(nested(outlook::max_json_depth - 2)));
  CHECK(deepest.error.empty());
  CHECK(deepest.tokenized == 3);
  const auto too_deep = check_same(page_with(nested(outlook::max_json_depth - 1)));
  CHECK(too_deep.error == parse_in_pieces(page_with(nested(outlook::max_json_depth - 1)), {}, false).error);
  CHECK_FALSE(too_deep.error.empty());
}

TEST_CASE("an item longer than the held limit that spans pieces goes to Boost as it arrives, with the rest of the page") {
  const std::string big = R"({"Id":"big","Content":")" + std::string(1536 * 1024, 'x') + "\\r\\n\"}";
  const std::string doc = page_with(big);
  const auto reference = parse_in_pieces(doc, {}, false);
  CHECK(reference.error.empty());
  const auto whole = parse_in_pieces(doc, {}, true);
  CHECK(whole == reference);
  CHECK(whole.tokenized == 3);  // in one piece it is tokenized like any other
  const auto streamed = parse_in_pieces(doc, pieces_of(64 * 1024, doc.size()), true);
  CHECK(streamed == reference);
  CHECK(streamed.tokenized == 1);
  // Cut short inside it: Boost's error.
  const std::string cut = doc.substr(0, doc.size() / 2);
  CHECK(parse_in_pieces(cut, pieces_of(64 * 1024, cut.size()), true) == parse_in_pieces(cut, {}, false));
}

TEST_CASE("the UTF-8 check of the tokenizer is Unicode's table") {
  using outlook::detail::utf8_sequence_length;
  const auto length = [](std::string_view s) { return utf8_sequence_length(s.data(), s.data() + s.size()); };
  CHECK(length("\xc2\x80") == 2);
  CHECK(length("\xdf\xbf") == 2);
  CHECK(length("\xe0\xa0\x80") == 3);
  CHECK(length("\xed\x9f\xbf") == 3);
  CHECK(length("\xee\x80\x80") == 3);
  CHECK(length("\xf0\x90\x80\x80") == 4);
  CHECK(length("\xf4\x8f\xbf\xbf") == 4);
  for (std::string_view bad : {"\x80", "\xc1\xbf", "\xc2", "\xc2\x41", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xe1\x80", "\xf0\x8f\xbf\xbf",
                               "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff"})
    CHECK(length(bad) == 0);
}
