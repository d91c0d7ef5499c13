// The local mailbox server driven by the real C++ client (outlook::mail::client over the
// Beast HTTPS transport, trusting the server's certificate) against an in-process server.
//
// SPDX-License-Identifier: BSL-1.0
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "fixture.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace mail = outlook::mail;
namespace json = boost::json;
using server_tests::run;

using server_tests::fixture;
using server_tests::outgoing;
using server_tests::subjects;

TEST_CASE("well-known folders exist per mailbox and are addressed by name in any case") {
  fixture f;
  auto folders = f.go(f.adele.me().list_folders({.top = 50}));
  std::vector<std::string> names;
  for (auto& folder : folders.value) names.push_back(folder->display_name.value_or(""));
  for (const char* expected : {"Inbox", "Drafts", "Sent Items", "Deleted Items", "Junk Email", "Outbox", "Archive"})
    CHECK(std::find(names.begin(), names.end(), expected) != names.end());

  const auto a = f.go(f.adele.me().get_folder("inbox"));
  const auto b = f.go(f.adele.me().get_folder("INBOX"));
  const auto c = f.go(f.adele.me().get_folder("Inbox"));
  CHECK(a->id == b->id);
  CHECK(a->id == c->id);
  CHECK(a->total_item_count == 5);
  CHECK(a->unread_item_count == 3);
  CHECK(a->child_folder_count == 1);
  // Alex has his own, different Inbox.
  const auto alex_inbox = f.go(f.alex.me().get_folder("inbox"));
  CHECK(alex_inbox->id != a->id);
  CHECK(alex_inbox->total_item_count == 0);
}

TEST_CASE("seeded messages are read in either spelling and get the service's defaults") {
  fixture f;
  auto messages = f.inbox(f.adele);
  REQUIRE(messages.size() == 5);
  // Default order: newest first.
  CHECK(subjects(messages) == std::vector<std::string>{"Newsletter", "Budget approved", "Budget review", "Lunch", "Welcome"});
  const auto& review = messages[2];
  CHECK(review.importance == mail::importance::high);
  CHECK(review.is_read == true);
  CHECK(review.is_draft == false);
  REQUIRE(review.cc_recipients.size() == 1);
  CHECK(review.id.value_or("").starts_with("AAMk"));
  CHECK(review.parent_folder_id == f.go(f.adele.me().get_folder("inbox"))->id);
}

TEST_CASE("drafts: create, update with a patch, read back, delete; read-only properties get 400") {
  fixture f;
  auto draft = f.go(f.adele.me().create_message(outgoing("Draft one", {"alex@contoso.example"})));
  REQUIRE(draft->id);
  CHECK(draft->is_draft == true);
  CHECK(draft->parent_folder_id == f.go(f.adele.me().get_folder("drafts"))->id);

  auto updated = f.go(f.adele.me().update_message(*draft->id, mail::message_patch{}.subject("Draft two").is_read(false)));
  CHECK(updated->subject == "Draft two");
  CHECK(updated->is_read == false);
  CHECK(updated->change_key != draft->change_key);
  CHECK(f.go(f.adele.me().get_message(*draft->id))->subject == "Draft two");

  // The typed patch cannot even name a read-only property; a raw PATCH does.
  auto r = f.clients.raw("PATCH", "/api/v2.0/me/messages/" + *draft->id, "adele-token",
                         R"({"ReceivedDateTime": "2020-01-01T00:00:00Z"})");
  CHECK(r.status == 400);
  CHECK(r.body.find("ErrorInvalidPropertySet") != std::string::npos);
  CHECK(r.body.find("ReceivedDateTime") != std::string::npos);
  CHECK(r.headers.get("request-id"));

  f.go(f.adele.me().delete_message(*draft->id));
  auto e = f.expect_api_error([&] { (void)f.go(f.adele.me().get_message(*draft->id)); });
  CHECK(e.status() == 404);
  CHECK(e.code() == "ErrorItemNotFound");
  // Deleted Items has it now, under a new ID.
  auto deleted = f.go(f.adele.me().list_messages("deleteditems"));
  REQUIRE(deleted.value.size() == 1);
  CHECK(deleted.value[0]->subject == "Draft two");
  CHECK(deleted.value[0]->id != draft->id);
}

TEST_CASE("send_mail: Sent Items copy and one new unread copy in each local recipient's Inbox") {
  fixture f;
  f.go(f.adele.me().send_mail(outgoing("Quarterly numbers", {"alex@contoso.example"}, {"nobody@elsewhere.example"},
                                       {"adele@contoso.example"})));
  auto alex_inbox = f.inbox(f.alex);
  REQUIRE(alex_inbox.size() == 1);
  const auto& received = alex_inbox[0];
  CHECK(received.subject == "Quarterly numbers");
  CHECK(received.is_read == false);
  CHECK(received.is_draft == false);
  CHECK(received.received_date_time.has_value());
  REQUIRE(received.from);
  CHECK(received.from->email_address->address == "adele@contoso.example");
  CHECK(received.from->email_address->name == "Adele Vance");
  CHECK(received.sender->email_address->address == "adele@contoso.example");
  CHECK(received.bcc_recipients.empty());  // recipients do not see Bcc

  auto sent = f.go(f.adele.me().list_messages("sentitems"));
  REQUIRE(sent.value.size() == 1);
  CHECK(sent.value[0]->subject == "Quarterly numbers");
  CHECK(sent.value[0]->id != received.id);
  CHECK(sent.value[0]->bcc_recipients.size() == 1);
  // The Bcc recipient (Adele herself) got a copy in her Inbox as well.
  auto adele_inbox = f.inbox(f.adele);
  CHECK(adele_inbox.size() == 6);
  CHECK(adele_inbox[0].subject == "Quarterly numbers");

  // save_to_sent_items = false: delivered, no Sent Items copy.
  f.go(f.adele.me().send_mail(outgoing("No copy", {"alex@contoso.example"}), {.save_to_sent_items = false}));
  CHECK(f.go(f.adele.me().list_messages("sentitems")).value.size() == 1);
  CHECK(f.inbox(f.alex).size() == 2);

  // A message without recipients is refused.
  auto e = f.expect_api_error([&] { f.go(f.adele.me().send_mail(outgoing("Nobody", {}))); });
  CHECK(e.status() == 400);
  CHECK(e.code() == "ErrorInvalidRecipients");
}

TEST_CASE("a draft is sent with send_message and leaves Drafts") {
  fixture f;
  auto draft = f.go(f.alex.me().create_message(outgoing("From a draft", {"adele@contoso.example"})));
  f.go(f.alex.me().send_message(*draft->id));
  CHECK(f.go(f.alex.me().list_messages("drafts")).value.empty());
  CHECK(f.go(f.alex.me().list_messages("sentitems")).value.size() == 1);
  CHECK(f.inbox(f.adele)[0].subject == "From a draft");
  auto e = f.expect_api_error([&] { f.go(f.alex.me().send_message(*draft->id)); });
  CHECK(e.code() == "ErrorItemNotFound");
}

TEST_CASE("tokens: /me is the token's user; another mailbox needs an app token") {
  fixture f;
  auto e = f.expect_api_error([&] { (void)f.go(f.alex.user("adele@contoso.example").list_messages()); });
  CHECK(e.status() == 403);
  CHECK(e.code() == "ErrorAccessDenied");

  auto page = f.go(f.app.user("adele@contoso.example").list_messages(mail::folder::inbox, {.top = 50}));
  CHECK(page.value.size() == 5);

  auto unknown = f.clients.client("no-such-token");
  auto u = f.expect_api_error([&] { (void)f.go(unknown.me().list_messages()); });
  CHECK(u.status() == 401);
  auto missing = f.clients.raw("GET", "/api/v2.0/me/messages", "");
  CHECK(missing.status == 401);

  auto nobody = f.expect_api_error([&] { (void)f.go(f.app.user("nobody@contoso.example").list_messages()); });
  CHECK(nobody.status() == 404);
}

TEST_CASE("errors have the service's shape, codes and request-id / client-request-id headers") {
  fixture f;
  auto malformed = f.expect_api_error([&] { (void)f.go(f.adele.me().get_message("not-an-id")); });
  CHECK(malformed.status() == 400);
  CHECK(malformed.code() == "ErrorInvalidIdMalformed");

  auto r = f.clients.raw("GET", "/v1.0/me/messages/AAMkdoesnotexist", "adele-token", {},
                         {{"client-request-id", "my-correlation-id"}});
  CHECK(r.status == 404);
  CHECK(r.headers.get("client-request-id") == "my-correlation-id");
  CHECK(r.headers.get("request-id").has_value());
  const auto body = json::parse(r.body);
  CHECK(body.at("error").at("code") == "ErrorItemNotFound");
  CHECK(body.at("error").at("message").is_string());
}

TEST_CASE("Graph dialect: the same store in camelCase under /v1.0") {
  fixture f;
  f.go(f.adele.me().send_mail(outgoing("Both dialects", {"alex@contoso.example"})));
  auto r = f.clients.raw("GET", "/v1.0/me/mailFolders/inbox/messages?$select=subject,isRead,from", "alex-token");
  REQUIRE(r.status == 200);
  const auto body = json::parse(r.body);
  const auto& value = body.at("value").as_array();
  REQUIRE(value.size() == 1);
  const auto& m = value[0].as_object();
  CHECK(m.at("subject") == "Both dialects");
  CHECK(m.at("isRead") == false);
  CHECK(m.at("from").at("emailAddress").at("address") == "adele@contoso.example");
  CHECK(!m.contains("Subject"));
  CHECK(!m.contains("body"));  // not selected

  // A Graph write is visible through v2.0.
  const std::string id(m.at("id").as_string());
  auto patch = f.clients.raw("PATCH", "/v1.0/me/messages/" + id, "alex-token", R"({"isRead": true})");
  CHECK(patch.status == 200);
  CHECK(f.go(f.alex.me().get_message(id))->is_read == true);

  // Graph sendMail with camelCase parameters.
  auto send = f.clients.raw("POST", "/v1.0/me/sendMail", "alex-token",
                            R"({"message": {"subject": "Graph send", "toRecipients": [{"emailAddress": {"address": "adele@contoso.example"}}]},
                                "saveToSentItems": false})");
  CHECK(send.status == 202);
  CHECK(f.inbox(f.adele)[0].subject == "Graph send");
  CHECK(f.go(f.alex.me().list_messages("sentitems")).value.empty());
}

TEST_CASE("folders: create, children, rename, move, copy, delete") {
  fixture f;
  auto me = f.adele.me();
  auto top = f.go(me.create_folder("msgfolderroot", "Receipts"));
  CHECK(top->display_name == "Receipts");
  auto child = f.go(me.create_folder(*top->id, "2026"));
  CHECK(child->parent_folder_id == top->id);
  CHECK(f.go(me.get_folder(*top->id))->child_folder_count == 1);
  auto dup = f.expect_api_error([&] { (void)f.go(me.create_folder(*top->id, "2026")); });
  CHECK(dup.status() == 409);

  auto renamed = f.go(me.update_folder(*child->id, "Year 2026"));
  CHECK(renamed->display_name == "Year 2026");
  auto children = f.go(me.list_child_folders(*top->id));
  REQUIRE(children.value.size() == 1);
  CHECK(children.value[0]->display_name == "Year 2026");

  auto moved = f.go(me.move_folder(*child->id, "inbox"));
  CHECK(moved->parent_folder_id == f.go(me.get_folder("inbox"))->id);
  auto copied = f.go(me.copy_folder(*top->id, "archive"));
  CHECK(copied->id != top->id);
  CHECK(copied->display_name == "Receipts");

  f.go(me.delete_folder(*top->id));
  auto gone = f.expect_api_error([&] { (void)f.go(me.get_folder(*top->id)); });
  CHECK(gone.code() == "ErrorItemNotFound");
  auto wk = f.expect_api_error([&] { f.go(me.delete_folder("inbox")); });
  CHECK(wk.status() == 400);
}

TEST_CASE("move and copy give new IDs") {
  fixture f;
  auto me = f.adele.me();
  auto messages = f.inbox(f.adele);
  const auto original = *messages[0].id;
  auto copy = f.go(me.copy_message(original, "archive"));
  CHECK(copy->id != original);
  CHECK(copy->subject == messages[0].subject);
  CHECK(f.go(me.get_message(original))->subject == messages[0].subject);

  auto moved = f.go(me.move_message(original, "Archive"));
  CHECK(moved->id != original);
  CHECK(moved->id != copy->id);
  CHECK(f.expect_api_error([&] { (void)f.go(me.get_message(original)); }).status() == 404);
  CHECK(f.go(me.list_messages("archive")).value.size() == 2);
  CHECK(f.inbox(f.adele).size() == 4);
}
