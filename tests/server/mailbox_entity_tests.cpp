// Master categories, inbox rules (stored, and applied when a send delivers), Focused Inbox
// overrides (stored, and deciding a delivered message's inferenceClassification) and mail
// tips, through the C++ clients of both dialects against the server.
//
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include "fixture.hpp"

#include <outlook/graph.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>

namespace graph = outlook::graph;
namespace mail = outlook::mail;
namespace json = boost::json;
using server_tests::fixture;

namespace {

graph::recipient to(std::string address) { return {.email_address = graph::email_address{.address = std::move(address)}}; }

graph::message note(std::string subject, std::string body, std::vector<std::string> recipients) {
  graph::message m;
  m.subject = std::move(subject);
  m.body = graph::item_body{.content_type = graph::body_type::text, .content = std::move(body)};
  for (auto& r : recipients) m.to_recipients.push_back(to(std::move(r)));
  return m;
}

/// A folder's messages by subject (Graph).
std::vector<std::string> subjects_in(fixture& f, const graph::mailbox& me, std::string_view folder) {
  auto page = f.go(me.list_messages(folder, {.orderby = "subject", .top = 100}));
  std::vector<std::string> out;
  for (const auto& m : page.value) out.push_back(m->subject.value_or(""));
  return out;
}

}  // namespace

TEST_CASE("Master categories: list, create, duplicate name, get, update colour, delete") {
  fixture f;
  auto me = f.clients.client_of<graph::client>("adele-token", "/v1.0").me();
  CHECK(f.go(me.list_categories()).value.empty());

  auto red = f.go(me.create_category({.color = graph::category_color::preset0, .display_name = "Red category"}));
  REQUIRE(red.id.has_value());
  CHECK(red.display_name == "Red category");
  CHECK(red.color == graph::category_color::preset0);
  auto plain = f.go(me.create_category({.display_name = "Travel"}));
  CHECK(plain.color == graph::category_color::none);

  // The name is unique in the master list, whatever its case.
  auto dup = f.expect_api_error([&] { (void)f.go(me.create_category({.display_name = "red CATEGORY"})); });
  CHECK(dup.status() == 409);
  CHECK(dup.code() == "ErrorDuplicateDisplayName");

  auto listed = f.go(me.list_categories());
  REQUIRE(listed.value.size() == 2);
  CHECK(listed.value[0].display_name == "Red category");
  CHECK(listed.value[1].display_name == "Travel");

  auto recoloured = f.go(me.update_category(*red.id, graph::outlook_category_patch{}.color(graph::category_color::preset15)));
  CHECK(recoloured.color == graph::category_color::preset15);
  CHECK(f.go(me.get_category(*red.id)).color == graph::category_color::preset15);
  // The name is fixed once created.
  auto rename = f.clients.raw("PATCH", "/v1.0/me/outlook/masterCategories/" + *red.id, "adele-token", R"({"displayName":"Blue"})");
  CHECK(rename.status == 400);
  CHECK(rename.body.find("ErrorInvalidPropertySet") != std::string::npos);

  // Another mailbox has its own list; the categories outlive a restart of the store (SQLite).
  auto alex = f.clients.client_of<graph::client>("alex-token", "/v1.0").me();
  CHECK(f.go(alex.list_categories()).value.empty());
  CHECK(f.expect_api_error([&] { (void)f.go(alex.get_category(*red.id)); }).status() == 404);

  f.go(me.delete_category(*red.id));
  CHECK(f.go(me.list_categories()).value.size() == 1);
  CHECK(f.expect_api_error([&] { (void)f.go(me.get_category(*red.id)); }).code() == "ErrorItemNotFound");
}

TEST_CASE("Inbox rules: stored through both dialects") {
  fixture f;
  auto me = f.clients.client_of<graph::client>("adele-token", "/v1.0").me();
  graph::message_rule r;
  r.display_name = "From Megan";
  r.sequence = 2;
  r.conditions = graph::message_rule_predicates{};
  r.conditions->sender_contains = {"megan"};
  r.actions = graph::message_rule_actions{};
  r.actions->mark_as_read = true;
  auto created = f.go(me.create_rule(r));
  REQUIRE(created.id.has_value());
  CHECK(created.is_enabled == true);
  CHECK(created.has_error == false);
  CHECK(created.conditions->sender_contains == std::vector<std::string>{"megan"});

  // Outlook (beta) reads the same rule in its own spelling.
  outlook::client_options beta;
  beta.base_url = f.server.origin() + "/api/v2.0";
  beta.preview_base_url = f.server.origin() + "/api/beta";
  mail::client outlook_client(outlook::make_beast_transport(f.clients.ioc.get_executor(), {.ca_file = f.ca}),
                              outlook::fixed_token("adele-token"), beta);
  auto v2 = f.go(outlook_client.me().list_rules());
  REQUIRE(v2.value.size() == 1);
  CHECK(v2.value[0].display_name == "From Megan");
  CHECK(v2.value[0].actions->mark_as_read == true);

  auto disabled = f.go(me.update_rule(*created.id, graph::message_rule_patch{}.is_enabled(false)));
  CHECK(disabled.is_enabled == false);
  CHECK(disabled.display_name == "From Megan");
  CHECK(f.go(me.get_rule(*created.id)).is_enabled == false);

  // Required members, and a folder that does not exist.
  auto missing = f.clients.raw("POST", "/v1.0/me/mailFolders/inbox/messageRules", "adele-token", R"({"displayName":"x"})");
  CHECK(missing.status == 400);
  CHECK(missing.body.find("sequence") != std::string::npos);
  auto bad_folder = f.clients.raw("POST", "/v1.0/me/mailFolders/inbox/messageRules", "adele-token",
                                  R"({"displayName":"x","sequence":1,"actions":{"moveToFolder":"AAMkNoSuchFolder0"}})");
  CHECK(bad_folder.status == 400);

  f.go(me.delete_rule(*created.id));
  CHECK(f.go(me.list_rules()).value.empty());
  CHECK(f.expect_api_error([&] { (void)f.go(me.get_rule(*created.id)); }).status() == 404);
}

TEST_CASE("Inbox rules are applied when a send delivers to the mailbox") {
  fixture f;
  auto adele = f.clients.client_of<graph::client>("adele-token", "/v1.0").me();
  auto alex = f.clients.client_of<graph::client>("alex-token", "/v1.0").me();
  const std::string projects = *f.go(alex.create_folder("Projects"))->id;
  const std::string receipts = *f.go(alex.create_folder("Receipts"))->id;

  auto rule = [&](std::string name, int sequence, graph::message_rule_predicates when, graph::message_rule_actions then) {
    graph::message_rule r;
    r.display_name = std::move(name);
    r.sequence = sequence;
    r.conditions = std::move(when);
    r.actions = std::move(then);
    return f.go(alex.create_rule(r));
  };
  // 1: subject "project" -> Projects, and no later rule.
  rule("projects", 1, {.subject_contains = {"PROJECT"}}, {.move_to_folder = projects, .stop_processing_rules = true});
  // 2: body "receipt" -> Receipts, read.
  rule("receipts", 2, {.body_contains = {"receipt"}}, {.move_to_folder = receipts, .mark_as_read = true});
  // 3: from Adele, subject "urgent" -> high importance (stays in the Inbox).
  rule("urgent", 3, {.subject_contains = {"urgent"}, .from_addresses = {to("adele@contoso.example")}},
       {.mark_importance = graph::importance::high});
  // 4: sender "adele" and subject "spam" -> Deleted Items.
  rule("spam", 4, {.subject_contains = {"spam"}, .sender_contains = {"ADELE"}}, {.delete_ = true});
  // 5: subject "project" too, but rule 1 stops processing first.
  rule("never", 5, {.subject_contains = {"project"}}, {.mark_as_read = true});
  // 6: disabled.
  auto off = rule("disabled", 6, {.subject_contains = {"quiet"}}, {.delete_ = true});
  f.go(alex.update_rule(*off.id, graph::message_rule_patch{}.is_enabled(false)));

  for (auto [subject, body] : std::vector<std::pair<std::string, std::string>>{{"Project kickoff", "Agenda attached"},
                                                                               {"Your order", "Here is your receipt"},
                                                                               {"Urgent: call me", "Now"},
                                                                               {"Cheap spam offer", "Buy"},
                                                                               {"Quiet week", "Nothing"},
                                                                               {"Hello", "Just saying hi"}}) {
    auto m = note(subject, body, {"alex@contoso.example"});
    f.go(adele.send_mail(m));
  }
  using v = std::vector<std::string>;
  CHECK(subjects_in(f, alex, projects) == v{"Project kickoff"});
  CHECK(subjects_in(f, alex, receipts) == v{"Your order"});
  CHECK(subjects_in(f, alex, "deleteditems") == v{"Cheap spam offer"});
  CHECK(subjects_in(f, alex, "inbox") == v{"Hello", "Quiet week", "Urgent: call me"});

  auto read_state = [&](std::string_view folder, const std::string& subject) {
    auto page = f.go(alex.list_messages(folder, {.filter = "subject eq '" + subject + "'"}));
    REQUIRE(page.value.size() == 1);
    return *page.value[0];
  };
  CHECK(read_state(projects, "Project kickoff").is_read == false);  // rule 5 never ran
  CHECK(read_state(receipts, "Your order").is_read == true);
  CHECK(read_state("inbox", "Urgent: call me").importance == graph::importance::high);
  CHECK(read_state("inbox", "Hello").importance == graph::importance::normal);
  // The sender's own copies are untouched by the recipient's rules.
  CHECK(subjects_in(f, adele, "sentitems").size() == 6);
}

TEST_CASE("Focused Inbox overrides: CRUD, and delivery classifies by sender") {
  fixture f;
  auto adele = f.clients.client_of<graph::client>("adele-token", "/v1.0").me();
  auto alex = f.clients.client_of<graph::client>("alex-token", "/v1.0").me();
  auto created = f.go(alex.create_override(
      {.classify_as = graph::inference_classification_type::other,
       .sender_email_address = graph::email_address{.name = "Adele Vance", .address = "adele@contoso.example"}}));
  REQUIRE(created.id.has_value());
  CHECK(created.classify_as == graph::inference_classification_type::other);

  // Posting the same sender again updates that override.
  auto again = f.go(alex.create_override({.classify_as = graph::inference_classification_type::other,
                                          .sender_email_address = graph::email_address{.address = "ADELE@contoso.example"}}));
  CHECK(again.id == created.id);
  auto listed = f.go(f.alex.me().list_overrides());  // Outlook v2.0 reads the same list
  REQUIRE(listed.value.size() == 1);
  CHECK(listed.value[0].sender_email_address->address == "adele@contoso.example");

  auto classification_of = [&](const std::string& subject) {
    auto page = f.go(alex.list_messages("inbox", {.filter = "subject eq '" + subject + "'"}));
    REQUIRE(page.value.size() == 1);
    return *page.value[0]->inference_classification;
  };
  auto first = note("Status report", "Weekly", {"alex@contoso.example"});
  f.go(adele.send_mail(first));
  CHECK(classification_of("Status report") == graph::inference_classification_type::other);

  auto focused = f.go(alex.update_override(*created.id, graph::inference_classification_type::focused));
  CHECK(focused.classify_as == graph::inference_classification_type::focused);
  auto second = note("Second report", "Weekly", {"alex@contoso.example"});
  f.go(adele.send_mail(second));
  CHECK(classification_of("Second report") == graph::inference_classification_type::focused);
  // Only the classification may change.
  auto readdress = f.clients.raw("PATCH", "/v1.0/me/inferenceClassification/overrides/" + *created.id, "alex-token",
                                 R"({"senderEmailAddress":{"address":"x@y.example"}})");
  CHECK(readdress.status == 400);

  f.go(alex.delete_override(*created.id));
  CHECK(f.go(alex.list_overrides()).value.empty());
  // Without an override, the "other" sender's message is focused again (the default).
  auto third = note("Third report", "Weekly", {"alex@contoso.example"});
  f.go(alex.create_override({.classify_as = graph::inference_classification_type::other,
                             .sender_email_address = graph::email_address{.address = "megan@contoso.example"}}));
  f.go(adele.send_mail(third));
  CHECK(classification_of("Third report") == graph::inference_classification_type::focused);
}

TEST_CASE("Mail tips: automatic replies, mailbox full, scope, unknown recipients") {
  // Alex has a tiny quota; his mailbox is full once a message is in it.
  std::string seed = server_tests::two_user_seed();
  seed.replace(seed.find(R"("token": "alex-token" })"), std::string(R"("token": "alex-token" })").size(),
               R"("token": "alex-token", "quota_bytes": 1500 })");
  outlook::server::mail_server server{{.seed_json = seed}};
  auto ca = server.write_certificate(std::filesystem::temp_directory_path() /
                                     ("outlook-server-tips-" + std::to_string(server.port()) + ".pem"));
  server_tests::client_set clients{server.origin(), ca};
  auto adele = clients.client_of<graph::client>("adele-token", "/v1.0").me();
  auto alex = clients.client_of<graph::client>("alex-token", "/v1.0").me();
  auto go = [&](auto aw) { return server_tests::run(clients.ioc, std::move(aw)); };
  const auto wanted = outlook::flags<graph::mail_tips_type>(graph::mail_tips_type::automatic_replies) |
                      graph::mail_tips_type::mailbox_full_status | graph::mail_tips_type::recipient_scope;
  const std::vector<std::string> addresses{"alex@contoso.example", "nobody@contoso.example", "someone@fabrikam.example"};

  auto tips = go(adele.get_mail_tips(addresses, wanted));
  REQUIRE(tips.value.size() == 3);
  CHECK(tips.value[0].email_address->name == "Alex Wilber");
  CHECK(tips.value[0].automatic_replies->message == "");
  CHECK(tips.value[0].mailbox_full == false);
  CHECK(tips.value[0].recipient_scope->has(graph::recipient_scope_type::internal));
  CHECK(!tips.value[0].error.has_value());
  CHECK(tips.value[1].error->code == "ErrorRecipientNotFound");
  CHECK(!tips.value[1].automatic_replies.has_value());
  CHECK(tips.value[2].recipient_scope->has(graph::recipient_scope_type::external));
  CHECK(!tips.value[2].error.has_value());

  // Alex turns on his automatic reply, and a message fills his mailbox.
  graph::automatic_replies_setting ar;
  ar.status = graph::automatic_replies_status::always_enabled;
  ar.internal_reply_message = "Back on Monday";
  go(alex.update_mailbox_settings(graph::mailbox_settings_patch{}.automatic_replies_setting(ar)));
  auto filler = note("Big", std::string(2000, 'x'), {"alex@contoso.example"});
  go(adele.send_mail(filler));
  auto after = go(adele.get_mail_tips({"alex@contoso.example"}, wanted));
  REQUIRE(after.value.size() == 1);
  CHECK(after.value[0].automatic_replies->message == "Back on Monday");
  CHECK(after.value[0].mailbox_full == true);

  // A schedule that ended is off again; one that runs now is on, with its window.
  ar.status = graph::automatic_replies_status::scheduled;
  ar.scheduled_start_date_time = graph::date_time_time_zone{.date_time = "2020-01-01T00:00:00", .time_zone = "UTC"};
  ar.scheduled_end_date_time = graph::date_time_time_zone{.date_time = "2020-01-02T00:00:00", .time_zone = "UTC"};
  go(alex.update_mailbox_settings(graph::mailbox_settings_patch{}.automatic_replies_setting(ar)));
  CHECK(go(adele.get_mail_tips({"alex@contoso.example"}, wanted)).value[0].automatic_replies->message == "");
  ar.scheduled_end_date_time = graph::date_time_time_zone{.date_time = "2099-01-01T00:00:00", .time_zone = "Pacific Standard Time"};
  go(alex.update_mailbox_settings(graph::mailbox_settings_patch{}.automatic_replies_setting(ar)));
  auto scheduled = go(adele.get_mail_tips({"alex@contoso.example"}, wanted)).value.at(0);
  CHECK(scheduled.automatic_replies->message == "Back on Monday");
  CHECK(scheduled.automatic_replies->scheduled_end_time->time_zone == "Pacific Standard Time");

  // Only the tips asked for come back; Outlook beta answers the same in its spelling.
  auto only_full = clients.raw("POST", "/api/beta/me/GetMailTips", "adele-token",
                               R"({"EmailAddresses":["alex@contoso.example"],"MailTipsOptions":"MailboxFullStatus"})");
  CHECK(only_full.status == 200);
  auto body = json::parse(only_full.body);
  const auto& entry = body.at("value").at(0).as_object();
  CHECK(entry.at("MailboxFull") == true);
  CHECK(!entry.contains("AutomaticReplies"));
  CHECK(entry.at("EmailAddress").at("Address") == "alex@contoso.example");
  auto bad = clients.raw("POST", "/v1.0/me/getMailTips", "adele-token",
                         R"({"EmailAddresses":["alex@contoso.example"],"MailTipsOptions":"automaticReplies, horoscope"})");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("horoscope") != std::string::npos);
  std::filesystem::remove(ca);
}
