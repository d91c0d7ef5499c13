// A page decoded while its body arrives (outlook/detail/collection_stream.hpp) against
// SPDX-License-Identifier: BSL-1.0
// decode_text on the whole body: the same page or the same error, however the body is cut.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "outlook/codec.hpp"
#include "outlook/detail/collection_stream.hpp"
#include "outlook/detail/content_member_stream.hpp"
#include "outlook/error.hpp"
#include "outlook/mail/attachment.hpp"
#include "outlook/mail/file_attachment.hpp"
#include "outlook/mail/message.hpp"
#include "outlook/page.hpp"

namespace {

using page_type = outlook::page<outlook::mail::message>;
using sync_type = outlook::sync_page<outlook::mail::message>;

/// The page, or the error message, of decoding `text` one way or the other.
struct outcome {
  std::optional<page_type> page;
  std::string error;
};

outcome whole(std::string_view text) {
  try {
    return {outlook::decode_text<page_type>(text), {}};
  } catch (const outlook::decode_error& e) {
    return {std::nullopt, e.what()};
  }
}

outcome streamed(std::string_view text, std::size_t piece, outlook::http_headers headers = {}) {
  outlook::detail::collection_stream<page_type> sink;
  REQUIRE(sink.begin(200, headers));
  for (std::size_t at = 0; at < text.size(); at += piece) sink.write(text.substr(at, piece));
  try {
    return {sink.finish(), {}};
  } catch (const outlook::decode_error& e) {
    return {std::nullopt, e.what()};
  }
}

const std::vector<std::string> documents = {
    // a plain page, annotations before and after the items
    R"({"@odata.context":"ctx","value":[{"Id":"a","Subject":"one"},{"Id":"b","Subject":"two \u00e9"}],"@odata.nextLink":"https://h/next"})",
    R"({"value":[]})",
    // an item that does not decode, then one more: the first is reported
    R"({"value":[{"Id":"a"},{"Id":1},{"Id":[]}]})",
    // an annotation that does not decode wins over an item that does not (decode_text's order)
    R"({"value":[{"Id":1}],"@odata.nextLink":42})",
    R"({"@odata.nextLink":42,"value":[{"Id":1}]})",
    // unusual shapes: decoded the ordinary way
    R"({"value":{"Id":"a"}})",
    R"({"@odata.context":"x","value":"text"})",
    R"([{"Id":"a"}])",
    R"({"other":1})",
    // invalid JSON, early and late
    R"({"value":[{"Id":"a"},)",
    R"({"value":[{"Id":"a"}]} trailing)",
    R"(<html>not json</html>)",
    R"({"value":[{"Id":"a"}],"@odata.nextLink":"x")",
};

}  // namespace

TEST_CASE("a page decoded as it streams equals decode_text of the whole body, however it is cut") {
  for (const auto& doc : documents) {
    CAPTURE(doc);
    const auto expected = whole(doc);
    for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{16}, doc.size()}) {
      CAPTURE(piece);
      const auto got = streamed(doc, piece);
      CHECK(got.error == expected.error);
      CHECK(got.page == expected.page);
    }
  }
}

TEST_CASE("a streamed page: an empty body and an undecoded content coding are decode errors") {
  CHECK(streamed("", 1).error == "(document): empty response body (HTTP 200) where JSON was expected");
  const auto gz = streamed(R"({"value":[]})", 4, {{"Content-Encoding", "br"}});
  CHECK(gz.error == "(document): response body has Content-Encoding 'br', which was not asked for and cannot be decoded");
}

TEST_CASE("a streamed page declines an error status (the session keeps that body) and starts afresh on a retry") {
  outlook::detail::collection_stream<sync_type> sink;
  CHECK_FALSE(sink.begin(503, {}));
  REQUIRE(sink.begin(200, {}));
  sink.write(R"({"value":[{"Id":"half)");  // an attempt cut short
  REQUIRE(sink.begin(200, {}));
  sink.write(R"json({"value":[{"Id":"a"},{"id":"Messages('b')","reason":"deleted"}],"@odata.deltaLink":"https://h/d"})json");
  const auto page = sink.finish();
  CHECK(page == outlook::decode_text<sync_type>(
                    R"json({"value":[{"Id":"a"},{"id":"Messages('b')","reason":"deleted"}],"@odata.deltaLink":"https://h/d"})json"));
  REQUIRE(page.changes.size() == 2);
  CHECK(page.changes[1].removed());
}

TEST_CASE("a second \"value\" after the items is refused when the start of the page was not kept") {
  const std::string doc = R"({"value":[{"Id":"a"}],"value":[]})";
  // Cut so that the items begin in an earlier piece than the second "value".
  const auto got = streamed(doc, 12);
  CHECK(got.error == "(document): the page has more than one \"value\" member");
}

namespace {

/// fetch_one_to_sink's stream fed in pieces of `piece` bytes: what the sink got, the rest.
struct member_outcome {
  std::string sunk;
  boost::json::value rest;
  std::string error;
};

member_outcome stream_member(std::string_view text, std::size_t piece) {
  member_outcome out;
  std::function<void(std::string_view)> sink = [&](std::string_view bytes) { out.sunk += bytes; };
  outlook::detail::content_member_stream stream("ContentBytes", sink);
  REQUIRE(stream.begin(200, {}));
  for (std::size_t at = 0; at < text.size(); at += piece) stream.write(text.substr(at, piece));
  try {
    out.rest = stream.finish();
  } catch (const outlook::error& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace

TEST_CASE("a base64 member streams to the sink however the body is cut; the rest is the DOM without it") {
  // "\/" is an escaped '/', which the JSON parser unescapes before the base64 decoder.
  const std::string doc =
      R"({"Name":"a.bin","Nested":{"ContentBytes":"stays"},"contentbytes":"aGVsbG8g\/w==","Size":7,"List":[1,{"x":null}]})";
  const auto expected_rest = boost::json::parse(R"({"Name":"a.bin","Nested":{"ContentBytes":"stays"},"Size":7,"List":[1,{"x":null}]})");
  for (std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, doc.size()}) {
    CAPTURE(piece);
    const auto got = stream_member(doc, piece);
    CHECK(got.error.empty());
    CHECK(got.sunk == std::string("hello \xff", 7));
    CHECK(got.rest == expected_rest);
  }
  // A member that is not a string stays in the DOM; nothing reaches the sink.
  const auto null_member = stream_member(R"({"ContentBytes":null,"Name":"x"})", 4);
  CHECK(null_member.sunk.empty());
  CHECK(null_member.rest == boost::json::parse(R"({"ContentBytes":null,"Name":"x"})"));
  // Invalid base64 and invalid JSON are decode errors.
  CHECK(stream_member(R"({"ContentBytes":"aGVs*G8="})", 3).error ==
        "/ContentBytes: invalid base64 (the bytes before the fault were handed to the sink)");
  CHECK(stream_member(R"({"ContentBytes":"aGVsbG8"})", 3).error ==
        "/ContentBytes: invalid base64 (the bytes before the fault were handed to the sink)");
  CHECK(stream_member(R"({"ContentBytes":"aGVsbG8=")", 3).error == "(document): invalid JSON (incomplete JSON)");
}

TEST_CASE("a base64 member stream refuses a retried attempt once bytes reached the sink") {
  std::string sunk;
  std::function<void(std::string_view)> sink = [&](std::string_view bytes) { sunk += bytes; };
  outlook::detail::content_member_stream stream("ContentBytes", sink);
  REQUIRE(stream.begin(200, {}));
  stream.write(R"({"ContentBytes":"aGVsbG8g)");  // cut short by a reset
  REQUIRE(stream.begin(200, {}));                  // the session retries
  stream.write(R"({"ContentBytes":"aGVsbG8gd29ybGQ="})");
  CHECK_THROWS_AS((void)stream.finish(), outlook::transport_error);
  CHECK(sunk == "hello ");  // nothing handed over twice
}

namespace {

/// The items of a page are decoded from a tape of parser events (outlook/detail/json_tape.hpp);
/// decode_document on a DOM of the whole page is the reference they must match exactly.
template <class Page>
std::string reference_outcome(std::string_view text, Page& page) {
  try {
    page = outlook::decode_document<Page>(outlook::parse_json(text));
    return {};
  } catch (const outlook::decode_error& e) {
    return e.what();
  }
}

template <class Page>
void check_tape_matches_dom(const std::string& doc) {
  CAPTURE(doc);
  Page expected{};
  const std::string expected_error = reference_outcome(doc, expected);
  std::string error;
  Page got{};
  try {
    got = outlook::decode_text<Page>(doc);
  } catch (const outlook::decode_error& e) {
    error = e.what();
  }
  CHECK(error == expected_error);
  if (expected_error.empty()) CHECK(got == expected);
  for (std::size_t piece : {std::size_t{1}, std::size_t{7}, doc.size()}) {
    CAPTURE(piece);
    outlook::detail::collection_stream<Page> sink;
    REQUIRE(sink.begin(200, {}));
    for (std::size_t at = 0; at < doc.size(); at += piece) sink.write(std::string_view(doc).substr(at, piece));
    std::string streamed_error;
    try {
      const Page streamed = sink.finish();
      if (expected_error.empty()) CHECK(streamed == expected);
    } catch (const outlook::decode_error& e) {
      streamed_error = e.what();
    }
    CHECK(streamed_error == expected_error);
  }
}

// Items that exercise every way a tape decode could differ from a DOM decode.
const std::vector<std::string> message_items = {
    // a member given twice (the DOM keeps one), in two casings, an unknown one twice
    R"({"Subject":"a","Subject":"b"})",
    R"({"Subject":1,"Subject":"b"})",
    R"({"Subject":"b","Subject":1})",
    R"({"Subject":"a","subject":"b"})",
    R"({"X":1,"X":{"y":2}})",
    R"({"@odata.etag":"a","@odata.etag":"b","Id":"c"})",
    // unknown members of every kind, nested, kept in extra in their order
    R"({"Z":{"a":[1,-2,18446744073709551615,1.5e3,true,false,null,"s\u00e9\n",{}],"b":{"c":[]}},"Id":"i","A":null})",
    // escapes and non-ASCII text in known members and keys
    R"({"Subject":"tab\tquote\"slash\/\\ \ud83d\ude00 \u00e9","Body":{"ContentType":"HTML","Content":"<p>\r\n</p>"}})",
    R"({"Sub\u006aect":"escaped key"})",
    // recipients, dates, enums, flags, nulls for collections and optionals
    R"({"ToRecipients":[{"EmailAddress":{"Name":"A","Address":"a@b"}},{"EmailAddress":null}],"CcRecipients":null,)"
    R"("ReceivedDateTime":"2024-01-02T03:04:05.678Z","Importance":"High","Flag":{"FlagStatus":"Flagged"},"Categories":["x","y"]})",
    // errors, at every depth: the DOM decode's message
    R"({"ToRecipients":[{"EmailAddress":{"Address":5}}]})",
    R"({"ReceivedDateTime":"yesterday"})",
    R"({"Categories":[1]})",
    R"({"IsRead":"yes"})",
    R"({"ToRecipients":{}})",
    // not objects
    R"(1)",
    R"("text")",
    R"(null)",
    R"([{"Id":"a"}])",
    R"({})",
};

const std::vector<std::string> attachment_items = {
    // @odata.type after the other members, twice, in another casing, not a string
    R"({"Name":"f","ContentBytes":"aGk=","@odata.type":"#Microsoft.OutlookServices.FileAttachment"})",
    R"({"@odata.type":"#Microsoft.OutlookServices.ItemAttachment","@odata.type":"#Microsoft.OutlookServices.FileAttachment"})",
    R"({"@OData.Type":"#Microsoft.OutlookServices.ReferenceAttachment","IsFolder":true})",
    R"({"@odata.type":1,"Name":"n"})",
    R"({"@odata.type":"#Microsoft.OutlookServices.ItemAttachment","Item":{"@odata.type":"#Microsoft.OutlookServices.EventMessage","Subject":"s"}})",
    // integers: in range, as 2.0, out of range, fractional; base64 that is not
    R"({"Size":2,"IsInline":false})",
    R"({"Size":2.0})",
    R"({"Size":2147483648})",
    R"({"Size":-1.5})",
    R"({"@odata.type":"#Microsoft.OutlookServices.FileAttachment","ContentBytes":"!!"})",
};

std::string page_of(const std::string& item) { return R"({"@odata.context":"c","value":[)" + item + "," + item + R"(],"@odata.nextLink":"n"})"; }

}  // namespace

TEST_CASE("items decoded from their tape equal decode_document of the DOM: results and errors") {
  for (const auto& item : message_items) {
    check_tape_matches_dom<page_type>(page_of(item));
    check_tape_matches_dom<outlook::page<outlook::poly<outlook::mail::message>>>(page_of(item));
    check_tape_matches_dom<sync_type>(page_of(item));
  }
  for (const auto& item : attachment_items)
    check_tape_matches_dom<outlook::page<outlook::poly<outlook::mail::attachment>>>(page_of(item));
}

TEST_CASE("a tape decode of an attachment follows @odata.type even when it comes last") {
  const auto page = outlook::decode_text<outlook::page<outlook::poly<outlook::mail::attachment>>>(
      R"({"value":[{"Name":"f","ContentBytes":"aGk=","@odata.type":"#Microsoft.OutlookServices.FileAttachment"}]})");
  REQUIRE(page.value.size() == 1);
  const auto* file = page.value[0].as<outlook::mail::file_attachment>();
  REQUIRE(file != nullptr);
  CHECK(file->content_bytes == outlook::bytes{std::byte{'h'}, std::byte{'i'}});
  CHECK(page.value[0]->extra.contains("@odata.type"));
}
