// Unit tests of the runtime codecs and the generated model: date-times, base64, open
// SPDX-License-Identifier: BSL-1.0
// enums and flags, polymorphic values, unknown members, decode errors, hostile input and
// patches. No transport here (see client_tests.cpp).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <random>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "outlook/base64.hpp"
#include "outlook/codec.hpp"
#include "outlook/date_time.hpp"
#include "outlook/error.hpp"
#include "outlook/open_enum.hpp"
#include "outlook/page.hpp"
#include "outlook/poly.hpp"
#include "outlook/mail/body_type.hpp"
#include "outlook/mail/event_message.hpp"
#include "outlook/mail/file_attachment.hpp"
#include "outlook/mail/item_attachment.hpp"
#include "outlook/mail/mail_tips_type.hpp"
#include "outlook/mail/mailbox_settings.hpp"
#include "outlook/mail/meeting_message_type.hpp"
#include "outlook/mail/message.hpp"
#include "outlook/mail/reference_attachment.hpp"

using namespace std::chrono_literals;
namespace mail = outlook::mail;
using outlook::date_time;
using outlook::ticks;

namespace {

date_time utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, std::int64_t t = 0) {
  using namespace std::chrono;
  return date_time(duration_cast<ticks>((sys_days(year{y} / month{mo} / day{d}) + hours(h) + minutes(mi) + seconds(s)).time_since_epoch()) +
                   ticks(t));
}

/// The JSON text of x. Every test that encodes through here also checks that the direct
/// writer (outlook::to_json_text, no DOM) writes the very bytes of serialize(encode_value(x)).
std::string encode_text(const auto& x) {
  std::string via_dom = boost::json::serialize(outlook::encode_value(x));
  CHECK(outlook::to_json_text(x) == via_dom);
  return via_dom;
}

boost::json::value encoded(const auto& x) {
  boost::json::value v = outlook::encode_value(x);
  CHECK(outlook::to_json_text(x) == boost::json::serialize(v));  // the direct writer agrees, byte for byte
  return v;
}

TEST_CASE("json_writer writes what boost::json::serialize writes: every byte, numbers, raw values") {
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
  for (const std::string& s : {every_byte, std::string("plain"), std::string(), std::string("\"\\/\u00e9\n\x7f")}) {
    std::string out;
    outlook::json_writer(out).string(s);
    CHECK(out == boost::json::serialize(boost::json::value(boost::json::string_view(s))));
  }
  // Strings of every length around the 8-byte steps of the scan, escapes at every place.
  std::mt19937 rng(7);
  constexpr char alphabet[] = {'a', 'Z', '"', '\\', '\n', '\x01', '\x1f', ' ', '\x7f', '\xc3', '\xa9', '/'};
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const int length = static_cast<int>(rng() % 40);
    const bool mostly_plain = rng() % 2 == 0;
    for (int j = 0; j < length; ++j)
      s.push_back(mostly_plain && rng() % 8 != 0 ? 'x' : alphabet[rng() % sizeof alphabet]);
    std::string out;
    outlook::json_writer(out).string(s);
    REQUIRE(out == boost::json::serialize(boost::json::value(boost::json::string_view(s))));
  }
  for (double d : {0.0, -0.0, 1.0, 0.1, -2.5e-300, 1e300, 123456789.125}) {
    std::string out;
    outlook::json_writer(out).number(d);
    CHECK(out == boost::json::serialize(boost::json::value(d)));
  }
  for (std::int64_t i : {std::int64_t{0}, std::int64_t{-1}, INT64_MIN, INT64_MAX}) {
    std::string out;
    outlook::json_writer(out).integer(i);
    CHECK(out == boost::json::serialize(boost::json::value(i)));
  }
  const auto raw = boost::json::parse(R"({"a":[1,2.5,null,true,{"b":"\u0001"}],"c":{}})");
  std::string out;
  outlook::json_writer(out).value(raw);
  CHECK(out == boost::json::serialize(raw));
}

TEST_CASE("to_json_text: unknown members never repeat a model member, @odata.type is added once") {
  mail::message m;
  m.subject = "S";
  m.extra["Subject"] = "from extra";  // the model's value wins, as in encode_value
  m.extra["@odata.etag"] = "W/1";
  CHECK(outlook::to_json_text(m) == R"({"Subject":"S","@odata.etag":"W/1"})");
  CHECK(outlook::to_json_text(m) == boost::json::serialize(outlook::encode_value(m)));
  m.subject.reset();  // not written by the model: the unknown member is kept
  CHECK(outlook::to_json_text(m) == R"({"Subject":"from extra","@odata.etag":"W/1"})");

  outlook::poly<mail::attachment> a = mail::file_attachment{};
  a.as<mail::file_attachment>()->name = "a.txt";
  CHECK(outlook::to_json_text(a) == boost::json::serialize(outlook::encode_value(a)));
  CHECK(outlook::to_json_text(a).starts_with(R"({"@odata.type":"#Microsoft.OutlookServices.FileAttachment")"));
  a.as<mail::file_attachment>()->extra["@odata.type"] = "#Microsoft.OutlookServices.FileAttachment";
  CHECK(outlook::to_json_text(a) == boost::json::serialize(outlook::encode_value(a)));
}

TEST_CASE("poly::as answers for a plain base object without the exception path, and still finds derived types") {
  outlook::poly<mail::message> plain = mail::message{};
  CHECK(plain.as<mail::event_message>() == nullptr);
  CHECK(plain.as<mail::event_message_request>() == nullptr);
  CHECK(plain.as<mail::message>() != nullptr);
  outlook::poly<mail::message> request = mail::event_message_request{};
  CHECK(request.as<mail::event_message>() != nullptr);  // through the exception path: a base of the held type
  CHECK(request.as<mail::event_message_request>() != nullptr);
  CHECK(request.as<mail::event_message_response>() == nullptr);
  CHECK(outlook::to_json_text(request).starts_with(R"({"@odata.type":"#Microsoft.OutlookServices.EventMessageRequest")"));
}

/// The message of the decode_error thrown by decoding `text` as T ("" when none is thrown).
template <class T>
std::string decode_error_of(std::string_view text) {
  try {
    (void)outlook::decode_text<T>(text);
  } catch (const outlook::decode_error& e) {
    return e.what();
  }
  return {};
}

template <class T>
std::string pointer_of(std::string_view text) {
  try {
    (void)outlook::decode_text<T>(text);
  } catch (const outlook::decode_error& e) {
    return e.pointer();
  }
  return "(no error)";
}

const char* const real_message = R"json({
  "@odata.context": "https://outlook.office.com/api/v2.0/$metadata#Me/Messages/$entity",
  "@odata.id": "https://outlook.office.com/api/v2.0/Users('ddfcd489@1717622f')/Messages('AAMkAGI2THVSAAA=')",
  "@odata.etag": "W/\"CQAAABYAAACd9nJ/tVysQos2hTfspaWRAAADTIKz\"",
  "Id": "AAMkAGI2THVSAAA=",
  "CreatedDateTime": "2014-10-20T00:41:57Z",
  "LastModifiedDateTime": "2014-10-20T00:41:57.1234567Z",
  "ChangeKey": "CQAAABYAAACd9nJ/tVysQos2hTfspaWRAAADTIKz",
  "Categories": ["Red category"],
  "ReceivedDateTime": "2014-10-20T00:41:57Z",
  "SentDateTime": "2014-10-20T00:41:53Z",
  "HasAttachments": true,
  "Subject": "Re: Meeting Notes",
  "Body": {"ContentType": "Text", "Content": "Please send me the meeting notes ASAP\n"},
  "BodyPreview": "Please send me the meeting notes ASAP",
  "Importance": "Normal",
  "InferenceClassification": "Focused",
  "ParentFolderId": "AAMkAGI2AAEMAAA=",
  "Sender": {"EmailAddress": {"Name": "Katie Jordan", "Address": "katiej@contoso.com"}},
  "From": {"EmailAddress": {"Name": "Katie Jordan", "Address": "katiej@contoso.com"}},
  "ToRecipients": [{"EmailAddress": {"Name": "Alex D", "Address": "alexd@contoso.com"}}],
  "CcRecipients": [], "BccRecipients": [], "ReplyTo": [],
  "ConversationId": "AAQkAGI2yEto=",
  "IsDeliveryReceiptRequested": false, "IsReadReceiptRequested": false,
  "IsRead": false, "IsDraft": false,
  "Flag": {"FlagStatus": "Flagged"},
  "Attachments": [{"@odata.type": "#Microsoft.OutlookServices.FileAttachment", "Name": "a.txt", "Size": 5,
                   "ContentBytes": "aGVsbG8="}],
  "WebLink": "https://outlook.office365.com/owa/?ItemID=AAMkAGI2THVSAAA%3D&exvsurl=1&viewmodel=ReadMessageItem"
})json";

}  // namespace

// ---------------------------------------------------------------- date_time

TEST_CASE("date_time: RFC 3339 with Z parses and formats back") {
  auto t = outlook::parse_date_time("2014-10-20T00:41:57Z");
  REQUIRE(t);
  CHECK(*t == utc(2014, 10, 20, 0, 41, 57));
  CHECK(outlook::format_date_time(*t) == "2014-10-20T00:41:57Z");
  CHECK(outlook::parse_date_time("2014-10-20t00:41:57z") == t);
  CHECK(outlook::format_date_time(utc(1969, 12, 31, 23, 59, 59, 5)) == "1969-12-31T23:59:59.0000005Z");
  CHECK(outlook::parse_date_time("1969-12-31T23:59:59.0000005Z") == utc(1969, 12, 31, 23, 59, 59, 5));
  CHECK(outlook::format_date_time(utc(2016, 2, 29, 12)) == "2016-02-29T12:00:00Z");
}

TEST_CASE("date_time: offsets are normalised to UTC") {
  CHECK(outlook::parse_date_time("2016-03-01T01:30:00+01:00") == utc(2016, 3, 1, 0, 30));
  CHECK(outlook::format_date_time(*outlook::parse_date_time("2016-03-01T01:30:00+01:00")) == "2016-03-01T00:30:00Z");
  // -08:00 crosses a day (and a leap day) backwards in local time, forwards in UTC.
  CHECK(outlook::parse_date_time("2016-02-28T20:00:00-08:00") == utc(2016, 2, 29, 4));
  CHECK(outlook::format_date_time(*outlook::parse_date_time("2016-12-31T23:59:59.5-08:00")) == "2017-01-01T07:59:59.5Z");
  CHECK(outlook::parse_date_time("2016-03-01T00:00:00+00:00") == outlook::parse_date_time("2016-03-01T00:00:00Z"));
  CHECK(outlook::parse_date_time("2016-03-01T05:45:00+05:45") == utc(2016, 3, 1));
}

TEST_CASE("date_time: 0 to 7+ fraction digits, 100 ns resolution") {
  const auto base = utc(2014, 10, 20, 0, 41, 57);
  CHECK(outlook::parse_date_time("2014-10-20T00:41:57Z") == base);
  CHECK(outlook::parse_date_time("2014-10-20T00:41:57.1Z") == base + 100ms);
  CHECK(outlook::parse_date_time("2014-10-20T00:41:57.12Z") == base + 120ms);
  CHECK(outlook::parse_date_time("2014-10-20T00:41:57.123Z") == base + 123ms);
  CHECK(outlook::parse_date_time("2014-10-20T00:41:57.1234Z") == base + 123400us);
  CHECK(outlook::parse_date_time("2014-10-20T00:41:57.12345Z") == base + 123450us);
  CHECK(outlook::parse_date_time("2014-10-20T00:41:57.123456Z") == base + 123456us);
  CHECK(outlook::parse_date_time("2014-10-20T00:41:57.1234567Z") == base + ticks(1234567));
  // Beyond 7 digits the service's resolution is reached: extra digits are dropped.
  CHECK(outlook::parse_date_time("2014-10-20T00:41:57.123456789Z") == base + ticks(1234567));
  CHECK(outlook::parse_date_time("2014-10-20T00:41:57.0000000Z") == base);

  CHECK(outlook::format_date_time(base + ticks(1234567)) == "2014-10-20T00:41:57.1234567Z");
  CHECK(outlook::format_date_time(base + ticks(1)) == "2014-10-20T00:41:57.0000001Z");
  CHECK(outlook::format_date_time(base + 120ms) == "2014-10-20T00:41:57.12Z");

  // Round trips of many instants at 100 ns resolution.
  std::mt19937_64 rng(20240501);
  std::uniform_int_distribution<std::int64_t> dist(0, 253402300799LL * 10'000'000LL);  // up to 9999-12-31T23:59:59Z
  for (int i = 0; i < 2000; ++i) {
    const date_time t{ticks(dist(rng))};
    const auto text = outlook::format_date_time(t);
    const auto back = outlook::parse_date_time(text);
    REQUIRE_MESSAGE(back, text);
    CHECK_MESSAGE(*back == t, text);
  }
}

TEST_CASE("date_time: invalid dates and text are rejected") {
  for (const char* bad : {"2016-02-30T00:00:00Z", "2015-02-29T00:00:00Z", "2016-13-01T00:00:00Z", "2016-00-10T00:00:00Z",
                          "2016-04-31T00:00:00Z", "2016-01-00T00:00:00Z", "2016-01-01T25:00:00Z", "2016-01-01T24:00:00Z",
                          "2016-01-01T23:60:00Z", "2016-01-01T23:59:61Z", "garbage", "", "2016", "2016-01-01",
                          "2016-01-01T", "2016-01-01T10", "2016-01-01T10:00:00Zjunk", "2016-01-01T10:00:00Z ",
                          " 2016-01-01T10:00:00Z", "2016-01-01T10:00:00.Z", "2016-01-01T10:00:00+1", "2016-01-01T10:00:00+25:00",
                          "2016-01-01T10:00:00+01:60", "2016-01-01T10:00:00+01:00junk", "2016-1-01T10:00:00Z",
                          "2016-01-01X10:00:00Z", "２016-01-01T10:00:00Z"}) {
    CHECK_MESSAGE(!outlook::parse_date_time(bad), std::string(bad));
  }
  // An embedded NUL (a std::string_view can carry one) is trailing junk, not an end.
  CHECK(!outlook::parse_date_time(std::string_view("2016-01-01T10:00:00Z\0", 21)));
}

TEST_CASE("date_time: an offset or a leap second that leaves years 0000-9999 is refused") {
  // format_date_time writes four-digit years only, so a parsed instant outside them could
  // not be written back (fuzz_date_time found "0000-01-01T00:14+17:28": 31 December of
  // year -1 in UTC, formatted "-1-12-31T06:46:00Z", which parse refused).
  for (const char* outside : {"0000-01-01T00:14+17:28", "0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01",
                              "9999-12-31T23:59:60Z", "9999-12-31T23:30:00.5-00:30"}) {
    CHECK_MESSAGE(!outlook::parse_date_time(outside), std::string(outside));
  }
  // The edges themselves round-trip.
  for (const char* edge : {"0000-01-01T00:00:00Z", "0000-01-01T10:00:00+10:00", "9999-12-31T23:59:59.9999999Z",
                           "9999-12-31T22:59:59-01:00"}) {
    const auto t = outlook::parse_date_time(edge);
    REQUIRE_MESSAGE(t, std::string(edge));
    const auto back = outlook::parse_date_time(outlook::format_date_time(*t));
    REQUIRE_MESSAGE(back, outlook::format_date_time(*t));
    CHECK(*back == *t);
  }
}

TEST_CASE("time_of_day: parse and format") {
  CHECK(outlook::parse_time_of_day("08:00:00") == 8h);
  CHECK(outlook::parse_time_of_day("08:30") == 8h + 30min);
  CHECK(outlook::parse_time_of_day("17:45:30.5") == 17h + 45min + 30s + 500ms);
  CHECK(outlook::parse_time_of_day("23:59:59.9999999") == 23h + 59min + 59s + ticks(9999999));
  CHECK(outlook::format_time_of_day(8h) == "08:00:00.0000000");
  CHECK(outlook::format_time_of_day(17h + 45min + 30s + 500ms) == "17:45:30.5000000");
  CHECK(outlook::format_time_of_day(ticks(0)) == "00:00:00.0000000");
  for (auto t : {ticks(0), ticks(1), outlook::time_of_day(9h + 5min + 7s + ticks(1234567)), outlook::time_of_day(24h - ticks(1))})
    CHECK(outlook::parse_time_of_day(outlook::format_time_of_day(t)) == t);
  for (const char* bad : {"", "8:00", "24:00:00", "12:60:00", "12:00:60", "12:00:00Z", "12:00:00.", "noon", "12-00-00"})
    CHECK_MESSAGE(!outlook::parse_time_of_day(bad), std::string(bad));
}

// ---------------------------------------------------------------- base64

TEST_CASE("base64: round trips of random byte strings of lengths 0..64") {
  std::mt19937 rng(42);
  for (std::size_t len = 0; len <= 64; ++len) {
    for (int rep = 0; rep < 8; ++rep) {
      outlook::bytes b(len);
      for (auto& x : b) x = static_cast<std::byte>(rng() & 0xFF);
      const auto text = outlook::base64_encode(b);
      CHECK(text.size() == (len + 2) / 3 * 4);
      const auto back = outlook::base64_decode(text);
      REQUIRE(back);
      CHECK(*back == b);
    }
  }
  CHECK(outlook::base64_encode(outlook::to_bytes("hello")) == "aGVsbG8=");
  CHECK(outlook::base64_encode(outlook::to_bytes("hell")) == "aGVsbA==");
  CHECK(outlook::base64_encode(outlook::to_bytes("hel")) == "aGVs");
  CHECK(outlook::to_string(*outlook::base64_decode("aGVsbG8=")) == "hello");
  CHECK(outlook::base64_decode("")->empty());
  // Every byte value through the alphabet, '+' and '/' included.
  outlook::bytes all(256);
  for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<std::byte>(i);
  const auto all_text = outlook::base64_encode(all);
  CHECK(all_text.find('+') != std::string::npos);
  CHECK(all_text.find('/') != std::string::npos);
  CHECK(outlook::base64_decode(all_text) == all);
}

TEST_CASE("base64: invalid characters, bad padding and wrong lengths are rejected") {
  for (const char* bad : {"aGVsbG8", "aGVsbG8==", "a", "ab", "abc", "abcde", "aGVs bG8=", "aGVs\nbG8=", "aGVs-bG8=",
                          "aGVs_bG8", "aGVsbG8*", "====", "a===", "ab=c", "a=bc", "=abc", "ab==abcd", "abc=abcd",
                          "aGVsbG8=aGVs", "aGVsbA=\x80", "\xff\xff\xff\xff"}) {
    CHECK_MESSAGE(!outlook::base64_decode(bad), std::string(bad));
  }
  CHECK(!outlook::base64_decode(std::string_view("ab\0=", 4)));
}

// ---------------------------------------------------------------- open enums and flags

TEST_CASE("open_enum: case-insensitive decode, canonical encode") {
  auto html = outlook::decode_document<outlook::open_enum<mail::body_type>>(boost::json::value("html"));
  CHECK(html == mail::body_type::html);
  CHECK(html.known());
  CHECK(html.wire() == "HTML");
  CHECK(encode_text(html) == R"("HTML")");
  CHECK(outlook::open_enum<mail::body_type>::from_wire("tExT") == mail::body_type::text);
  CHECK(encode_text(outlook::open_enum<mail::body_type>::from_wire("tExT")) == R"("Text")");

  // The whole item body, case-insensitive names and values.
  auto body = outlook::decode_text<mail::item_body>(R"({"contentType": "html", "content": "<p>x</p>"})");
  REQUIRE(body.content_type);
  CHECK(*body.content_type == mail::body_type::html);
  CHECK(encoded(body) == boost::json::parse(R"({"ContentType": "HTML", "Content": "<p>x</p>"})"));
}

TEST_CASE("open_enum: aliases decode to the member, encode in the schema's spelling") {
  auto v = outlook::open_enum<mail::meeting_message_type>::from_wire("MeetingTentativelyAccepted");
  CHECK(v == mail::meeting_message_type::meeting_tenatively_accepted);
  CHECK(v.wire() == "MeetingTenativelyAccepted");
  CHECK(outlook::open_enum<mail::meeting_message_type>::from_wire("meetingtentativelyaccepted") ==
        mail::meeting_message_type::meeting_tenatively_accepted);
  CHECK(outlook::open_enum<mail::meeting_message_type>::from_wire("MeetingTenativelyAccepted") == v);
}

TEST_CASE("open_enum: an unknown member keeps its raw text and is re-encoded exactly") {
  auto v = outlook::decode_document<outlook::open_enum<mail::body_type>>(boost::json::value("Markdown-v2 "));
  CHECK(v == mail::body_type::unrecognized);
  CHECK_FALSE(v.known());
  CHECK(v.wire() == "Markdown-v2 ");
  CHECK(encode_text(v) == R"("Markdown-v2 ")");
  // In a model: the message's unknown importance survives a round trip.
  auto m = outlook::decode_text<mail::message>(R"({"Importance": "Critical"})");
  REQUIRE(m.importance);
  CHECK(m.importance->value() == mail::importance::unrecognized);
  CHECK(encoded(m) == boost::json::parse(R"({"Importance": "Critical"})"));
  // An enum given as a number is not a member name.
  CHECK(decode_error_of<mail::message>(R"({"Importance": 1})") == "/Importance: expected enum member name, found number");
}

TEST_CASE("open_enum: switch and equality") {
  auto label = [](outlook::open_enum<mail::body_type> t) -> std::string {
    switch (t) {
      case mail::body_type::text: return "text";
      case mail::body_type::html: return "html";
      case mail::body_type::unrecognized: return "other:" + std::string(t.wire());
    }
    return "?";
  };
  CHECK(label(mail::body_type::text) == "text");
  CHECK(label(outlook::open_enum<mail::body_type>::from_wire("HTML")) == "html");
  CHECK(label(outlook::open_enum<mail::body_type>::from_wire("rtf")) == "other:rtf");

  using E = outlook::open_enum<mail::body_type>;
  CHECK(E::from_wire("html") == E(mail::body_type::html));
  CHECK(E::from_wire("Html") == E::from_wire("HTML"));
  CHECK_FALSE(E::from_wire("html") == E::from_wire("text"));
  CHECK(E::from_wire("rtf") == E::from_wire("RTF"));  // unknown members compare case-insensitively too
  CHECK_FALSE(E::from_wire("rtf") == E::from_wire("markdown"));
  CHECK_FALSE(E::from_wire("rtf") == E(mail::body_type::text));
  CHECK(E{} == mail::body_type::text);  // value-initialised: the first enumerator
}

TEST_CASE("flags: decode and encode in value order, unknown names kept, operator|") {
  using F = outlook::flags<mail::mail_tips_type>;
  auto f = F::from_wire("AutomaticReplies, MailboxFullStatus");
  CHECK(f.has(mail::mail_tips_type::automatic_replies));
  CHECK(f.has(mail::mail_tips_type::mailbox_full_status));
  CHECK_FALSE(f.has(mail::mail_tips_type::custom_mail_tip));
  CHECK(f.bits() == 3);
  CHECK(f.to_wire() == "AutomaticReplies, MailboxFullStatus");

  // Any order and casing and spacing in, value order and schema spelling out.
  auto g = F::from_wire("recipientSuggestions,mailboxfullstatus ,  AutomaticReplies");
  CHECK(g.to_wire() == "AutomaticReplies, MailboxFullStatus, RecipientSuggestions");
  CHECK(outlook::decode_document<F>(boost::json::value("MaxMessageSize, CustomMailTip")).to_wire() == "CustomMailTip, MaxMessageSize");
  CHECK(encode_text(F::from_wire("MaxMessageSize, CustomMailTip")) == R"("CustomMailTip, MaxMessageSize")");

  // Unknown names are kept and written back.
  auto u = F::from_wire("AutomaticReplies, FutureTip, MailboxFullStatus");
  CHECK(u.unknown_members() == "FutureTip");
  CHECK(u.to_wire() == "AutomaticReplies, MailboxFullStatus, FutureTip");
  CHECK(F::from_wire("OnlyNew").to_wire() == "OnlyNew");
  CHECK(F::from_wire("").to_wire().empty());
  CHECK(F{}.bits() == 0);

  // operator| on members (found in outlook::mail) and on sets.
  F both = mail::mail_tips_type::automatic_replies | mail::mail_tips_type::recipient_suggestions;
  CHECK(both.to_wire() == "AutomaticReplies, RecipientSuggestions");
  both |= mail::mail_tips_type::mailbox_full_status;
  CHECK(both.to_wire() == "AutomaticReplies, MailboxFullStatus, RecipientSuggestions");
  CHECK((F(mail::mail_tips_type::custom_mail_tip) | mail::mail_tips_type::custom_mail_tip).bits() == 4);
  CHECK(F::from_wire("AutomaticReplies, MailboxFullStatus") == (mail::mail_tips_type::mailbox_full_status | mail::mail_tips_type::automatic_replies));
  CHECK_FALSE(F::from_wire("AutomaticReplies") == F::from_wire("AutomaticReplies, X"));
}

// Found as a bug (operator| kept only the left side's unknown members when both had some);
// fixed in include/outlook/open_enum.hpp.
TEST_CASE("flags: operator| keeps the unknown members of both sides, each once") {
  using F = outlook::flags<mail::mail_tips_type>;
  CHECK((F::from_wire("FutureA") | F::from_wire("FutureB")).to_wire() == "FutureA, FutureB");
  CHECK((F::from_wire("AutomaticReplies, FutureA") | F::from_wire("FutureA, FutureB, MailboxFullStatus")).to_wire() ==
        "AutomaticReplies, MailboxFullStatus, FutureA, FutureB");
  CHECK((F::from_wire("FutureA") | mail::mail_tips_type::custom_mail_tip).to_wire() == "CustomMailTip, FutureA");
}

// ---------------------------------------------------------------- poly

TEST_CASE("poly: attachments decode by @odata.type to the most derived kind") {
  const auto page = outlook::decode_text<outlook::page<outlook::poly<mail::attachment>>>(R"({
    "@odata.context": "ctx",
    "value": [
      {"@odata.type": "#Microsoft.OutlookServices.FileAttachment", "Id": "f", "Name": "a.txt", "Size": 5, "ContentBytes": "aGVsbG8="},
      {"@odata.type": "#Microsoft.OutlookServices.ItemAttachment", "Id": "i", "Name": "Meeting",
       "Item": {"@odata.type": "#Microsoft.OutlookServices.EventMessage", "Subject": "1:1", "MeetingMessageType": "MeetingRequest"}},
      {"@odata.type": "microsoft.outlookservices.referenceattachment", "Id": "r", "Name": "doc", "SourceUrl": "https://x/doc"},
      {"@odata.type": "#Microsoft.OutlookServices.FutureAttachment", "Id": "u", "Name": "?"},
      {"Id": "n", "Name": "no type"}
    ]})");
  REQUIRE(page.value.size() == 5);
  CHECK(page.extra.at("@odata.context") == "ctx");

  const auto& file = page.value[0];
  CHECK(file.is<mail::file_attachment>());
  CHECK(file->name == "a.txt");  // base members through ->
  CHECK((*file).size == 5);
  REQUIRE(file.as<mail::file_attachment>());
  CHECK(file.as<mail::file_attachment>()->content_bytes == outlook::to_bytes("hello"));
  CHECK(file.as<mail::item_attachment>() == nullptr);
  CHECK(file.as<mail::attachment>() == &*file);  // is-a: a file attachment is an attachment
  CHECK(file.type() == typeid(mail::file_attachment));

  const auto* item = page.value[1].as<mail::item_attachment>();
  REQUIRE(item);
  REQUIRE(item->item);
  const auto* ev = item->item->as<mail::event_message>();
  REQUIRE(ev);
  CHECK((*item->item)->subject == "1:1");
  CHECK(ev->meeting_message_type == mail::meeting_message_type::meeting_request);

  const auto* ref = page.value[2].as<mail::reference_attachment>();
  REQUIRE(ref);
  CHECK(ref->source_url == "https://x/doc");
  CHECK(ref->name == "doc");

  // Unknown @odata.type: the base, with the annotation kept and written back.
  const auto& unknown = page.value[3];
  CHECK(unknown.type() == typeid(mail::attachment));
  CHECK(unknown->id == "u");
  CHECK(unknown->extra.at("@odata.type") == "#Microsoft.OutlookServices.FutureAttachment");
  CHECK(encoded(unknown).as_object().at("@odata.type") == "#Microsoft.OutlookServices.FutureAttachment");
  CHECK(page.value[4].type() == typeid(mail::attachment));
  CHECK_FALSE(encoded(page.value[4]).as_object().contains("@odata.type"));

  // A derived value names its type when encoded.
  CHECK(encoded(file).as_object().at("@odata.type") == "#Microsoft.OutlookServices.FileAttachment");
  CHECK(encoded(file).as_object().at("ContentBytes") == "aGVsbG8=");
}

TEST_CASE("poly: copies are deep, equality compares dynamic type and value") {
  mail::file_attachment fa;
  fa.name = "a.txt";
  fa.content_bytes = outlook::to_bytes("hi");
  outlook::poly<mail::attachment> a = fa;
  outlook::poly<mail::attachment> b = a;
  CHECK(a == b);
  CHECK(&*a != &*b);
  b->name = "b.txt";
  b.as<mail::file_attachment>()->content_bytes = outlook::to_bytes("changed");
  CHECK(a->name == "a.txt");
  CHECK(a.as<mail::file_attachment>()->content_bytes == outlook::to_bytes("hi"));
  CHECK_FALSE(a == b);

  // Same base values but a different dynamic type: not equal.
  outlook::poly<mail::attachment> base = mail::attachment{.name = "a.txt"};
  mail::reference_attachment ra;
  ra.name = "a.txt";
  mail::file_attachment fb;
  fb.name = "a.txt";
  outlook::poly<mail::attachment> ref = ra;
  outlook::poly<mail::attachment> file = fb;
  CHECK_FALSE(base == file);
  CHECK_FALSE(ref == file);
  CHECK(base == outlook::poly<mail::attachment>(mail::attachment{.name = "a.txt"}));

  // Assignment and moves.
  base = file;
  CHECK(base.is<mail::file_attachment>());
  CHECK(base == file);
  outlook::poly<mail::attachment> moved = std::move(base);
  CHECK(moved == file);
  base = ref;  // a moved-from poly can be assigned again
  CHECK(base == ref);
  outlook::poly<mail::attachment> self = ref;
  const auto& same = self;  // through a reference: clang rejects a literal `self = self`
  self = same;
  CHECK(self == ref);

  // A default poly holds a default base.
  outlook::poly<mail::message> m;
  CHECK(m.type() == typeid(mail::message));
  CHECK_FALSE(m->subject);
  // Messages compare through the base too: an event_message copy is deep.
  outlook::poly<mail::message> e = mail::event_message{};
  e->subject = "x";
  auto e2 = e;
  e2->subject = "y";
  CHECK(e->subject == "x");
  CHECK(e2.is<mail::event_message>());
}

TEST_CASE("poly: messages decode by @odata.type; unknown types keep their annotation") {
  auto ev = outlook::decode_text<outlook::poly<mail::message>>(
      R"({"@odata.type": "#Microsoft.OutlookServices.EventMessage", "Subject": "S", "IsAllDay": true})");
  REQUIRE(ev.as<mail::event_message>());
  CHECK(ev.as<mail::event_message>()->is_all_day == true);
  CHECK(ev->subject == "S");

  auto other = outlook::decode_text<outlook::poly<mail::message>>(
      R"({"@odata.type": "#Microsoft.OutlookServices.CalendarSharingMessage", "Subject": "S", "SharingMessageAction": "Accept"})");
  CHECK(other.type() == typeid(mail::message));
  CHECK(other->extra.at("@odata.type") == "#Microsoft.OutlookServices.CalendarSharingMessage");
  CHECK(other->extra.at("SharingMessageAction") == "Accept");
  CHECK(encoded(other) == boost::json::parse(
      R"({"@odata.type": "#Microsoft.OutlookServices.CalendarSharingMessage", "Subject": "S", "SharingMessageAction": "Accept"})"));
}

// ---------------------------------------------------------------- unknown members, casing

TEST_CASE("unknown properties are kept in extra and re-encoded; names match case-insensitively") {
  const auto m = outlook::decode_text<mail::message>(R"({
    "Subject": "Hi",
    "NewServiceProperty": {"nested": [1, 2, {"deep": null}]},
    "@odata.etag": "W/\"abc\"",
    "toRecipients": [{"emailAddress": {"address": "a@contoso.com", "NAME": "A"}}],
    "flag": {"flagStatus": "flagged"},
    "isread": true
  })");
  CHECK(m.subject == "Hi");
  CHECK(m.is_read == true);
  REQUIRE(m.to_recipients.size() == 1);
  REQUIRE(m.to_recipients[0].email_address);
  CHECK(m.to_recipients[0].email_address->address == "a@contoso.com");
  CHECK(m.to_recipients[0].email_address->name == "A");
  REQUIRE(m.flag);
  CHECK(m.flag->flag_status == mail::followup_flag_status::flagged);
  CHECK(m.extra.size() == 2);
  CHECK(m.extra.at("NewServiceProperty") == boost::json::parse(R"({"nested": [1, 2, {"deep": null}]})"));

  // Known members come back in the schema's spelling; unknown ones exactly as received.
  CHECK(encoded(m) == boost::json::parse(R"({
    "Subject": "Hi",
    "NewServiceProperty": {"nested": [1, 2, {"deep": null}]},
    "@odata.etag": "W/\"abc\"",
    "ToRecipients": [{"EmailAddress": {"Address": "a@contoso.com", "Name": "A"}}],
    "Flag": {"FlagStatus": "Flagged"},
    "IsRead": true
  })"));

  // Decode, encode, decode gives the same value.
  CHECK(outlook::decode_document<mail::message>(encoded(m)) == m);

  // Mailbox settings keep unknown members too.
  auto s = outlook::decode_text<mail::mailbox_settings>(R"({"timeZone": "UTC", "DateFormat": "dd.MM.yyyy"})");
  CHECK(s.time_zone == "UTC");
  CHECK(s.extra.at("DateFormat") == "dd.MM.yyyy");
  CHECK(encoded(s) == boost::json::parse(R"({"TimeZone": "UTC", "DateFormat": "dd.MM.yyyy"})"));
}

TEST_CASE("a real message decodes and round-trips") {
  const auto m = outlook::decode_text<outlook::poly<mail::message>>(real_message);
  CHECK(m.type() == typeid(mail::message));
  CHECK(m->id == "AAMkAGI2THVSAAA=");
  CHECK(m->received_date_time == utc(2014, 10, 20, 0, 41, 57));
  CHECK(m->last_modified_date_time == utc(2014, 10, 20, 0, 41, 57, 1234567));
  CHECK(m->inference_classification == mail::inference_classification_type::focused);
  REQUIRE(m->attachments.size() == 1);
  CHECK(m->attachments[0].as<mail::file_attachment>()->content_bytes == outlook::to_bytes("hello"));
  CHECK(m->extra.at("@odata.etag") == "W/\"CQAAABYAAACd9nJ/tVysQos2hTfspaWRAAADTIKz\"");
  CHECK(outlook::decode_document<outlook::poly<mail::message>>(encoded(m)) == m);
}

// ---------------------------------------------------------------- decode errors

TEST_CASE("decode errors name the JSON pointer of the offending value") {
  using P = outlook::page<outlook::poly<mail::message>>;
  CHECK(decode_error_of<P>(R"({"value":[{},{},{},{"ToRecipients":[{"EmailAddress":{"Address":42}}]}]})") ==
        "/value/3/ToRecipients/0/EmailAddress/Address: expected string, found number");
  CHECK(pointer_of<P>(R"({"value":[{},{},{},{"ToRecipients":[{"EmailAddress":{"Address":42}}]}]})") ==
        "/value/3/ToRecipients/0/EmailAddress/Address");
  CHECK(decode_error_of<mail::message>(R"({"Subject": true})") == "/Subject: expected string, found boolean");
  CHECK(decode_error_of<mail::message>(R"({"IsRead": "False"})") == "/IsRead: expected boolean, found string");
  CHECK(decode_error_of<mail::message>(R"({"ToRecipients": {}})") == "/ToRecipients: expected array, found object");
  CHECK(decode_error_of<mail::message>(R"({"Body": []})") == "/Body: expected object, found array");
  CHECK(decode_error_of<mail::message>(R"([])") == "(document): expected object, found array");
  CHECK(decode_error_of<P>(R"({"value": {}})") == "/value: expected array, found object");
  CHECK(pointer_of<P>(R"({"@odata.nextLink": 1, "value": []})") == "/@odata.nextLink");
  // JSON pointer escaping of '/' and '~' in keys is not reachable through known members,
  // but array indices and nested poly items are.
  CHECK(pointer_of<mail::message>(R"({"Attachments": [{}, {"@odata.type": "#Microsoft.OutlookServices.ItemAttachment",
        "Item": {"Attachments": [{"@odata.type": "#Microsoft.OutlookServices.FileAttachment", "Size": "big"}]}}]})") ==
        "/Attachments/1/Item/Attachments/0/Size");
}

TEST_CASE("decode errors: bad base64 and bad dates name their pointer") {
  CHECK(decode_error_of<mail::message>(
            R"({"Attachments": [{"@odata.type": "#Microsoft.OutlookServices.FileAttachment", "ContentBytes": "aGVsbG8"}]})") ==
        "/Attachments/0/ContentBytes: invalid base64");
  CHECK(pointer_of<outlook::poly<mail::attachment>>(
            R"({"@odata.type": "#Microsoft.OutlookServices.FileAttachment", "ContentBytes": "!!!!"})") == "/ContentBytes");
  CHECK(pointer_of<outlook::poly<mail::attachment>>(
            R"({"@odata.type": "#Microsoft.OutlookServices.FileAttachment", "ContentBytes": 12})") == "/ContentBytes");
  CHECK(decode_error_of<mail::message>(R"({"ReceivedDateTime": "2016-02-30T00:00:00Z"})") ==
        "/ReceivedDateTime: expected an RFC 3339 date-time, found \"2016-02-30T00:00:00Z\"");
  CHECK(pointer_of<outlook::page<outlook::poly<mail::message>>>(R"({"value": [{"SentDateTime": "yesterday"}]})") ==
        "/value/0/SentDateTime");
  CHECK(pointer_of<mail::message>(R"({"CreatedDateTime": 1413765717})") == "/CreatedDateTime");
  // A very long bad value is quoted only in part.
  const std::string longbad = R"({"SentDateTime": ")" + std::string(10000, 'x') + R"("})";
  CHECK(decode_error_of<mail::message>(longbad).size() < 200);
}

TEST_CASE("decode errors: integers out of range for Int32") {
  using A = outlook::poly<mail::attachment>;
  CHECK(decode_error_of<A>(R"({"Size": 2147483648})") == "/Size: integer 2147483648 out of range");
  CHECK(decode_error_of<A>(R"({"Size": -2147483649})") == "/Size: integer -2147483649 out of range");
  CHECK(decode_error_of<A>(R"({"Size": 18446744073709551615})") == "/Size: integer 18446744073709551615 out of range");
  CHECK(decode_error_of<A>(R"({"Size": 1.5})") == "/Size: expected integer, found number");
  CHECK(decode_error_of<A>(R"({"Size": 1e300})") == "/Size: expected integer, found number");
  CHECK(decode_error_of<A>(R"({"Size": "5"})") == "/Size: expected integer, found string");
  CHECK(outlook::decode_text<A>(R"({"Size": 2147483647})")->size == 2147483647);
  CHECK(outlook::decode_text<A>(R"({"Size": -2147483648})")->size == -2147483647 - 1);
  CHECK(outlook::decode_text<A>(R"({"Size": 5.0})")->size == 5);
}

// Regression test (was a bug: the Int64 decoder accepts the double 9223372036854775808.0 (2^63) because ...).
TEST_CASE("decode errors: a double of 2^63 is out of range for Int64") {
  using P = outlook::page<outlook::poly<mail::message>>;
  CHECK(pointer_of<P>(R"({"value": [], "@odata.count": 9223372036854775808.0})") == "/@odata.count");
  CHECK(pointer_of<P>(R"({"value": [], "@odata.count": 1e19})") == "/@odata.count");
}

TEST_CASE("decode errors: deep nesting is a decode_error, not a crash") {
  auto nested = [](std::size_t levels, std::string_view open, std::string_view close) {
    std::string s;
    s.reserve(levels * (open.size() + close.size()));
    for (std::size_t i = 0; i < levels; ++i) s += open;
    for (std::size_t i = 0; i < levels; ++i) s += close;
    return s;
  };
  // {"X": [[...]]}: the object is one level, the arrays the rest.
  auto in_message = [&](std::size_t depth) { return R"({"X": )" + nested(depth - 1, "[", "]") + "}"; };
  CHECK_NOTHROW((void)outlook::decode_text<mail::message>(in_message(64)));
  CHECK(pointer_of<mail::message>(in_message(65)) == "");
  CHECK(pointer_of<mail::message>(in_message(66)) == "");
  CHECK(pointer_of<mail::message>(in_message(1000)) == "");
  CHECK(pointer_of<mail::message>(in_message(100000)) == "");
  CHECK(pointer_of<outlook::poly<mail::message>>(nested(100000, "[", "]")) == "");
  CHECK(pointer_of<outlook::poly<mail::message>>(nested(100000, R"({"a":)", "}")) == "");
  CHECK(pointer_of<outlook::poly<mail::message>>(nested(100000, "[", "")) == "");  // and unterminated
  // Deep but legal through the model itself: item attachments of item attachments.
  std::string chain = "{}";
  for (int i = 0; i < 30; ++i)
    chain = R"({"Attachments": [{"@odata.type": "#Microsoft.OutlookServices.ItemAttachment", "Item": )" + chain + "}]}";
  CHECK(pointer_of<outlook::poly<mail::message>>(chain) == "");  // 91 levels: refused by the parser
  std::string shallow = "{}";
  for (int i = 0; i < 20; ++i)
    shallow = R"({"Attachments": [{"@odata.type": "#Microsoft.OutlookServices.ItemAttachment", "Item": )" + shallow + "}]}";
  CHECK_NOTHROW((void)outlook::decode_text<outlook::poly<mail::message>>(shallow));  // 61 levels
}

TEST_CASE("decode errors: truncated, empty and non-JSON bodies") {
  using M = outlook::poly<mail::message>;
  const std::string full = real_message;
  CHECK(decode_error_of<M>("") == "(document): empty body where JSON was expected");
  for (const char* bad : {" ", "null", "<html><body>502 Bad Gateway</body></html>", "{", "{\"Subject\":", "{\"Subject\": \"x\"",
                          "{\"Subject\": \"x\",}", "{'Subject': 'x'}", "{\"Subject\": \"x\"} trailing", "\xEF\xBB\xBF{}",
                          "{\"Subject\": \"\xff\xfe\"}", "{\"Subject\": \"\\ud800\"}", "NaN", "[1,]", "\"just a string\"", "42"}) {
    CHECK_MESSAGE(!decode_error_of<M>(bad).empty(), std::string(bad));
  }
  for (std::size_t cut = 0; cut + 1 < full.size(); cut += 7) CHECK_MESSAGE(!decode_error_of<M>(full.substr(0, cut)).empty(), cut);
}

TEST_CASE("hostile input: 2000 mutations of a real message either decode or throw decode_error") {
  const std::string original = real_message;
  std::mt19937 rng(0xC0FFEE);
  int decoded = 0, refused = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string s = original;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const std::size_t at = rng() % s.size();
      switch (rng() % 6) {
        case 0: s[at] = static_cast<char>(s[at] ^ (1u << (rng() % 8))); break;  // bit flip
        case 1: s[at] = static_cast<char>(rng() & 0xFF); break;                 // byte replace
        case 2: s.resize(at); break;                                            // truncation
        case 3: s.insert(at, std::string(1 + rng() % 100, '[')); break;
        case 4: s.insert(at, std::string(1 + rng() % 100, '{')); break;
        case 5: s.erase(at, 1 + rng() % 8); break;
      }
    }
    try {
      auto m = outlook::decode_text<outlook::poly<mail::message>>(s);
      ++decoded;
      // What decoded must encode, and decode again to the same value.
      auto again = outlook::decode_document<outlook::poly<mail::message>>(encoded(m));
      CHECK_MESSAGE(again == m, s);
    } catch (const outlook::decode_error&) {
      ++refused;
    } catch (const std::exception& e) {
      FAIL_CHECK("mutation " << i << " threw something other than decode_error: " << e.what() << "\n" << s);
    } catch (...) {
      FAIL_CHECK("mutation " << i << " threw a non-standard exception\n" << s);
    }
  }
  CHECK(decoded + refused == 2000);
  CHECK(decoded > 50);  // the mutations are not all fatal: decoding paths get exercised
  CHECK(refused > 50);
  MESSAGE("mutations: " << decoded << " decoded, " << refused << " refused");
}

// ---------------------------------------------------------------- patches

TEST_CASE("patches: only what was set, null when set to null") {
  CHECK(encode_text(mail::message_patch{}.is_read(true)) == R"({"IsRead":true})");
  CHECK(encode_text(mail::message_patch{}.is_read(false)) == R"({"IsRead":false})");
  CHECK(encode_text(mail::message_patch{}) == "{}");
  CHECK(mail::message_patch{}.empty());
  CHECK_FALSE(mail::message_patch{}.is_read(true).empty());
  CHECK_FALSE(mail::message_patch{}.flag(nullptr).empty());

  CHECK(encoded(mail::message_patch{}.flag(nullptr).categories(nullptr)) ==
        boost::json::parse(R"({"Flag": null, "Categories": null})"));
  // An empty collection is a value ("remove all categories"), distinct from null and absent.
  auto cleared = mail::message_patch{}.categories(std::vector<std::string>{});
  CHECK(cleared.categories().has_value());
  CHECK_FALSE(cleared.empty());

  auto p = mail::message_patch{}
               .subject("New subject")
               .importance(mail::importance::high)
               .inference_classification(mail::inference_classification_type::other)
               .flag(mail::followup_flag{.flag_status = mail::followup_flag_status::flagged})
               .to_recipients({mail::recipient{.email_address = mail::email_address{.address = "a@contoso.com"}}});
  CHECK(encoded(p) == boost::json::parse(R"({"Subject": "New subject", "Importance": "High", "InferenceClassification": "Other",
      "Flag": {"FlagStatus": "Flagged"}, "ToRecipients": [{"EmailAddress": {"Address": "a@contoso.com"}}]})"));
  CHECK(p.subject().has_value());
  CHECK(p.is_read().absent());
  CHECK(p == outlook::decode_document<mail::message_patch>(encoded(p)));

  // Lvalue chaining works the same.
  mail::message_patch q;
  q.is_read(true).subject(nullptr);
  CHECK(encoded(q) == boost::json::parse(R"({"IsRead": true, "Subject": null})"));
  CHECK(q.subject().is_null());

  // Reading a patch refuses members that cannot be written.
  CHECK(pointer_of<mail::message_patch>(R"({"Id": "x"})") == "/Id");
  CHECK(pointer_of<mail::message_patch>(R"({"IsRead": "yes"})") == "/IsRead");
}

TEST_CASE("patches: mailbox settings") {
  CHECK(mail::mailbox_settings_patch{}.empty());
  CHECK(encode_text(mail::mailbox_settings_patch{}.time_zone("Pacific Standard Time")) == R"({"TimeZone":"Pacific Standard Time"})");
  auto p = mail::mailbox_settings_patch{}.automatic_replies_setting(mail::automatic_replies_setting{
      .status = mail::automatic_replies_status::always_enabled,
      .internal_reply_message = "Away"});
  CHECK(encoded(p) == boost::json::parse(R"({"AutomaticRepliesSetting": {"Status": "AlwaysEnabled", "InternalReplyMessage": "Away"}})"));
  CHECK(encoded(mail::mailbox_settings_patch{}.language(nullptr)) == boost::json::parse(R"({"Language": null})"));
  CHECK_FALSE(p.empty());
}
