// Attachments through both dialects' C++ clients over HTTPS: file, item and reference
// kinds, $expand=attachments, attachments travelling with a sent message, and Graph upload
// sessions driven by the library's upload_attachment (ordered ranges, nextExpectedRanges,
// no Authorization on the upload URL).
//
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include "fixture.hpp"

#include <outlook/base64.hpp>
#include <outlook/graph.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace json = boost::json;
using server_tests::fixture;

namespace {

struct outlook_v2 {
  using client = outlook::mail::client;
  using message = outlook::mail::message;
  using recipient = outlook::mail::recipient;
  using email_address = outlook::mail::email_address;
  using attachment = outlook::mail::attachment;
  using file_attachment = outlook::mail::file_attachment;
  static constexpr std::string_view api = "/api/v2.0";
  static constexpr std::string_view item_type = "#Microsoft.OutlookServices.ItemAttachment";
  static constexpr std::string_view message_type = "#Microsoft.OutlookServices.Message";
  static constexpr std::string_view reference_type = "#Microsoft.OutlookServices.ReferenceAttachment";
};

struct graph_v1 {
  using client = outlook::graph::client;
  using message = outlook::graph::message;
  using recipient = outlook::graph::recipient;
  using email_address = outlook::graph::email_address;
  using attachment = outlook::graph::attachment;
  using file_attachment = outlook::graph::file_attachment;
  static constexpr std::string_view api = "/v1.0";
  static constexpr std::string_view item_type = "#microsoft.graph.itemAttachment";
  static constexpr std::string_view message_type = "#microsoft.graph.message";
  static constexpr std::string_view reference_type = "#microsoft.graph.referenceAttachment";
};

outlook::bytes pattern(std::size_t n) {
  outlook::bytes out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>((i * 31 + 7) % 251);
  return out;
}

template <class D>
void three_kinds() {
  fixture f;
  auto adele = f.clients.client_of<typename D::client>("adele-token", D::api).me();
  auto alex = f.clients.client_of<typename D::client>("alex-token", D::api).me();
  const std::string token = "adele-token";

  typename D::message draft;
  draft.subject = "Report attached";
  draft.to_recipients = {typename D::recipient{.email_address = typename D::email_address{.address = "alex@contoso.example"}}};
  auto created = f.go(adele.create_message(draft));
  const std::string id = *created->id;
  CHECK(created->has_attachments == false);

  // A file attachment through the typed client: bytes in, the same bytes back.
  typename D::file_attachment file;
  file.name = "report.bin";
  file.content_type = "application/octet-stream";
  file.content_bytes = pattern(1000);
  auto made = f.go(adele.create_attachment(id, outlook::poly<typename D::attachment>(file)));
  REQUIRE(made.template as<typename D::file_attachment>() != nullptr);
  CHECK(made->size == 1000);
  CHECK(made.template as<typename D::file_attachment>()->content_bytes == pattern(1000));

  // Item and reference attachments, in the dialect's own spelling.
  const std::string base = std::string(D::api) + "/me/messages/" + id + "/attachments";
  const bool v2 = D::api == "/api/v2.0";
  auto item = f.clients.raw("POST", base, token,
                            json::serialize(json::object{{"@odata.type", D::item_type},
                                                         {v2 ? "Name" : "name", "Forwarded note"},
                                                         {v2 ? "Item" : "item", json::object{{"@odata.type", D::message_type},
                                                                                            {v2 ? "Subject" : "subject", "Inner"}}}}));
  REQUIRE(item.status == 201);
  CHECK(json::parse(item.body).at("@odata.type").as_string() == D::item_type);
  auto reference = f.clients.raw("POST", base, token,
                                 json::serialize(json::object{{"@odata.type", D::reference_type},
                                                              {v2 ? "Name" : "name", "Plan on the intranet"},
                                                              {v2 ? "IsInline" : "isInline", false}}));
  REQUIRE(reference.status == 201);

  // The list has all three, each decoded to its most derived type; the message says so.
  auto list = f.go(adele.list_attachments(id));
  REQUIRE(list.value.size() == 3);
  CHECK(list.value[0].template as<typename D::file_attachment>() != nullptr);
  CHECK(std::string(list.value[1].type().name()).find("item_attachment") != std::string::npos);
  CHECK(std::string(list.value[2].type().name()).find("reference_attachment") != std::string::npos);
  CHECK(f.go(adele.get_message(id))->has_attachments == true);

  // $expand=attachments inlines them in the message; without it they are not there.
  CHECK(f.go(adele.get_message(id))->attachments.empty());
  auto expanded = f.go(adele.get_message(id, {.expand = {"attachments"}}));
  CHECK(expanded->attachments.size() == 3);

  // One read back by ID; one deleted.
  const std::string reference_id = *list.value[2]->id;
  CHECK(f.go(adele.get_attachment(id, *list.value[0]->id))->name == "report.bin");
  f.go(adele.delete_attachment(id, reference_id));
  CHECK(f.go(adele.list_attachments(id)).value.size() == 2);
  auto gone = f.clients.raw("GET", base + "/" + reference_id, token);
  CHECK(gone.status == 404);

  // Sent, the attachments travel: Alex's copy has the same bytes.
  f.go(adele.send_message(id));
  auto inbox = f.go(alex.list_messages({.filter = std::string(v2 ? "Subject" : "subject") + " eq 'Report attached'",
                                        .expand = {"attachments"}}));
  REQUIRE(inbox.value.size() == 1);
  CHECK(inbox.value[0]->has_attachments == true);
  REQUIRE(inbox.value[0]->attachments.size() == 2);
  const auto* received = inbox.value[0]->attachments[0].template as<typename D::file_attachment>();
  REQUIRE(received != nullptr);
  CHECK(received->content_bytes == pattern(1000));
}

}  // namespace

TEST_CASE("attachments: file, item and reference kinds through the Outlook v2.0 client") { three_kinds<outlook_v2>(); }

TEST_CASE("attachments: file, item and reference kinds through the Graph v1.0 client") { three_kinds<graph_v1>(); }

TEST_CASE("attachments: bad input gets the service's errors") {
  fixture f;
  auto draft = f.clients.raw("POST", "/v1.0/me/messages", "adele-token", R"({"subject": "x"})");
  const std::string base = "/v1.0/me/messages/" + std::string(json::parse(draft.body).at("id").as_string()) + "/attachments";
  auto no_type = f.clients.raw("POST", base, "adele-token", R"({"name": "a.txt", "contentBytes": "aGk="})");
  CHECK(no_type.status == 400);
  CHECK(no_type.body.find("@odata.type") != std::string::npos);
  auto bad_base64 = f.clients.raw("POST", base, "adele-token",
                                  R"({"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.txt", "contentBytes": "%%%"})");
  CHECK(bad_base64.status == 400);
  auto no_name = f.clients.raw("POST", base, "adele-token",
                               R"({"@odata.type": "#microsoft.graph.fileAttachment", "contentBytes": "aGk="})");
  CHECK(no_name.status == 400);
  auto missing = f.clients.raw("GET", base + "/AAMkAAAAAAAAAAAA", "adele-token");
  CHECK(missing.status == 404);
  CHECK(missing.body.find("ErrorItemNotFound") != std::string::npos);
  auto value = f.clients.raw("POST", base, "adele-token",
                             R"({"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.txt", "contentType": "text/plain", "contentBytes": "aGVsbG8="})");
  REQUIRE(value.status == 201);
  auto raw = f.clients.raw("GET", base + "/" + std::string(json::parse(value.body).at("id").as_string()) + "/$value", "adele-token");
  CHECK(raw.status == 200);
  CHECK(raw.body == "hello");
  CHECK(raw.headers.get("Content-Type").value_or("") == "text/plain");
}

TEST_CASE("upload sessions: the Graph client's upload_attachment sends ordered ranges to the server") {
  fixture f;
  auto adele = f.clients.client_of<outlook::graph::client>("adele-token", "/v1.0").me();
  outlook::graph::message draft;
  draft.subject = "Big file";
  const std::string id = *f.go(adele.create_message(draft))->id;

  const auto content = pattern(700 * 1024 + 13);  // three ranges of 256 KiB, the last one short
  std::vector<std::uint64_t> progress;
  outlook::graph::attachment_item item;
  item.attachment_type = outlook::graph::attachment_type::file;
  item.name = "big.bin";
  item.content_type = "application/octet-stream";
  const std::string attachment_id = f.go(adele.upload_attachment(
      id, item, content, {.progress = [&](std::uint64_t done, std::uint64_t) { progress.push_back(done); }, .range_size = 256 * 1024}));
  CHECK(!attachment_id.empty());
  CHECK(progress == std::vector<std::uint64_t>{256 * 1024, 512 * 1024, content.size()});

  auto stored = f.go(adele.get_attachment(id, attachment_id));
  REQUIRE(stored.as<outlook::graph::file_attachment>() != nullptr);
  CHECK(stored->name == "big.bin");
  CHECK(stored->size == static_cast<std::int32_t>(content.size()));
  CHECK(stored.as<outlook::graph::file_attachment>()->content_bytes == content);
  CHECK(f.go(adele.get_message(id))->has_attachments == true);
}

TEST_CASE("upload sessions: the upload URL is the credential; ranges in order; nextExpectedRanges") {
  fixture f;
  auto draft = f.clients.raw("POST", "/v1.0/me/messages", "adele-token", R"({"subject": "x"})");
  const std::string id(json::parse(draft.body).at("id").as_string());
  auto session = f.clients.raw("POST", "/v1.0/me/messages/" + id + "/attachments/createUploadSession", "adele-token",
                               R"({"AttachmentItem": {"attachmentType": "file", "name": "n.txt", "size": 10}})");
  REQUIRE(session.status == 201);
  const auto s = json::parse(session.body);
  CHECK(s.at("nextExpectedRanges").at(0) == "0-");
  const std::string url(s.at("uploadUrl").as_string());
  REQUIRE(url.find("authtoken=") != std::string::npos);
  const std::string path = url.substr(url.find('/', 8));
  auto put = [&](std::string range, std::string body, std::string token = {}, std::string p = {}) {
    return f.clients.raw("PUT", p.empty() ? path : p, token, std::move(body), {{"Content-Range", std::move(range)}});
  };

  // Bearer tokens are refused on the upload URL, and so is a wrong authtoken.
  CHECK(put("bytes 0-3/10", "0123", "adele-token").status == 400);
  CHECK(put("bytes 0-3/10", "0123", {}, path.substr(0, path.find("authtoken=") + 10) + "wrong").status == 401);
  // Out of order: the server says what it expects.
  CHECK(put("bytes 4-9/10", "456789").status == 416);
  auto first = put("bytes 0-3/10", "0123");
  CHECK(first.status == 200);
  CHECK(json::parse(first.body).at("nextExpectedRanges").at(0) == "4-");
  // The same range again (a lost answer) is acknowledged without adding bytes twice.
  CHECK(json::parse(put("bytes 0-3/10", "0123").body).at("nextExpectedRanges").at(0) == "4-");
  CHECK(put("bytes 4-8/10", "4567").status == 400);  // length differs from the range
  auto last = put("bytes 4-9/10", "456789");
  CHECK(last.status == 201);
  const std::string location(last.headers.get("Location").value_or(""));
  CHECK(location.find("/Attachments('") != std::string::npos);
  auto list = json::parse(f.clients.raw("GET", "/v1.0/me/messages/" + id + "/attachments", "adele-token").body);
  REQUIRE(list.at("value").as_array().size() == 1);
  CHECK(list.at("value").at(0).at("contentBytes") == "MDEyMzQ1Njc4OQ==");  // "0123456789"
  // The session is closed once complete.
  CHECK(put("bytes 0-3/10", "0123").status == 404);
  // Only Graph has upload sessions.
  CHECK(f.clients.raw("POST", "/api/v2.0/me/messages/" + id + "/attachments/createUploadSession", "adele-token",
                      R"({"AttachmentItem": {"name": "n.txt", "size": 10}})").status == 400);
}
