// Mail behaviour through the C++ client: OData query options and their errors, paging,
// replies and forwards, change tracking.
//
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include "fixture.hpp"

#include <boost/json/parse.hpp>

namespace mail = outlook::mail;
namespace json = boost::json;
using server_tests::fixture;
using server_tests::outgoing;
using server_tests::subjects;

TEST_CASE("$filter: comparisons, and/or/not, parentheses, literals, paths, functions, any") {
  fixture f;
  auto q = [&](std::string filter) {
    return subjects(f.inbox(f.adele, {.filter = filter, .orderby = std::nullopt}));
  };
  using v = std::vector<std::string>;
  CHECK(q("IsRead eq false") == v{"Budget approved", "Lunch", "Welcome"});
  CHECK(q("isRead ne false") == v{"Newsletter", "Budget review"});
  CHECK(q("Importance eq 'High'") == v{"Budget approved", "Budget review"});
  CHECK(q("From/EmailAddress/Address eq 'alex@contoso.example'") == v{"Lunch", "Welcome"});
  CHECK(q("ReceivedDateTime ge 2026-01-03T00:00:00Z and ReceivedDateTime lt 2026-01-05T00:00:00Z") ==
        v{"Budget approved", "Budget review"});
  CHECK(q("not (IsRead eq true) and (Importance eq 'low' or Importance eq 'high')") == v{"Budget approved", "Welcome"});
  CHECK(q("startswith(Subject, 'Budget')") == v{"Budget approved", "Budget review"});
  CHECK(q("endswith(subject,'letter')") == v{"Newsletter"});
  CHECK(q("contains(Subject, 'UNC')") == v{"Lunch"});
  CHECK(q("CcRecipients/any(r: r/EmailAddress/Address eq 'alex@contoso.example')") == v{"Budget review"});
  CHECK(q("Subject eq 'it''s'").empty());
  CHECK(q("HasAttachments eq false").size() == 5);
  CHECK(q("BodyPreview eq null").empty());

  for (const char* bad : {"Subject eq", "Subject eq 'x", "(IsRead eq true", "substringof('a', Subject)",
                          "Subject has 'x'", "IsRead eq false)"}) {
    CAPTURE(bad);
    auto e = f.expect_api_error([&] { (void)q(bad); });
    CHECK(e.status() == 400);
    CHECK(e.code() == "ErrorInvalidUrlQueryFilter");
  }
  auto named = f.expect_api_error([&] { (void)q("substringof('a', Subject)"); });
  CHECK(std::string(named.what()).find("substringof") != std::string::npos);
}

TEST_CASE("$orderby on several keys, $top/$skip, $count, $select") {
  fixture f;
  auto by = f.inbox(f.adele, {.orderby = "Importance asc, ReceivedDateTime desc"});
  CHECK(subjects(by) == std::vector<std::string>{"Budget approved", "Budget review", "Newsletter", "Welcome", "Lunch"});

  auto page = f.go(f.adele.me().list_messages(mail::folder::inbox, {.select = {"Subject"}, .orderby = "Subject",
                                                                    .top = 2, .skip = 1, .count = true}));
  REQUIRE(page.value.size() == 2);
  CHECK(page.value[0]->subject == "Budget review");
  CHECK(page.value[1]->subject == "Lunch");
  CHECK(page.count == 5);
  CHECK(page.next_link.has_value());
  CHECK(page.value[0]->id.has_value());
  CHECK(!page.value[0]->from.has_value());  // not selected

  // The service's rule: every $orderby property is also in $filter, in the same order,
  // before any filter property that is not sorted on.
  auto ok = f.inbox(f.adele, {.filter = "Importance eq 'high' and ReceivedDateTime ge 2020-01-01T00:00:00Z",
                              .orderby = "Importance, ReceivedDateTime desc"});
  CHECK(subjects(ok) == std::vector<std::string>{"Budget approved", "Budget review"});
  // Filter properties after the sorted ones are allowed.
  auto more = f.inbox(f.adele, {.filter = "startswith(Subject, 'Budget') and Importance eq 'high'", .orderby = "Subject desc"});
  CHECK(subjects(more) == std::vector<std::string>{"Budget review", "Budget approved"});
  for (const auto& [filter, orderby] : std::vector<std::pair<std::string, std::string>>{
           {"Importance eq 'high'", "Subject"},                             // not in the filter
           {"Importance eq 'high'", "Importance, ReceivedDateTime desc"},   // the second key is not in the filter
           {"IsRead eq false and Importance eq 'high'", "Importance"}}) {   // not first in the filter
    CAPTURE(orderby);
    auto e = f.expect_api_error([&] { (void)f.inbox(f.adele, {.filter = filter, .orderby = orderby}); });
    CHECK(e.status() == 400);
    CHECK(e.code() == "InefficientFilter");
  }
}

TEST_CASE("$search over subject, body and from; not combined with $filter or $orderby") {
  fixture f;
  CHECK(subjects(f.inbox(f.adele, {.search = "\"budget\""})) == std::vector<std::string>{"Budget approved", "Budget review"});
  CHECK(subjects(f.inbox(f.adele, {.search = "pizza"})) == std::vector<std::string>{"Lunch"});
  CHECK(subjects(f.inbox(f.adele, {.search = "fabrikam"})) == std::vector<std::string>{"Newsletter"});
  CHECK(subjects(f.inbox(f.adele, {.search = "aboard"})) == std::vector<std::string>{"Welcome"});  // inside HTML
  auto raw = f.clients.raw("GET", "/api/v2.0/me/messages?$search=%22budget%22&$filter=IsRead%20eq%20true", "adele-token");
  CHECK(raw.status == 400);
  CHECK(raw.body.find("ErrorInvalidUrlQuery") != std::string::npos);
  auto raw2 = f.clients.raw("GET", "/api/v2.0/me/messages?$search=%22budget%22&$orderby=Subject", "adele-token");
  CHECK(raw2.status == 400);
  auto unknown = f.clients.raw("GET", "/api/v2.0/me/messages?$apply=groupby", "adele-token");
  CHECK(unknown.status == 400);
  CHECK(unknown.body.find("$apply") != std::string::npos);
}

TEST_CASE("paging: @odata.nextLink and Prefer odata.maxpagesize on every page, on the server's own origin") {
  fixture f;
  mail::list_messages_options o;
  o.prefer.max_page_size = 2;
  o.prefer.body_content_type = outlook::body_content_type::text;
  o.orderby = "ReceivedDateTime asc";
  auto pages = f.adele.me().list_messages_pages(mail::folder::inbox, o);
  std::vector<std::size_t> sizes;
  std::vector<std::string> all;
  while (auto p = f.go(pages.next())) {
    sizes.push_back(p->value.size());
    for (auto& m : p->value) {
      all.push_back(m->subject.value_or(""));
      if (m->subject == "Welcome") {  // HTML turned into text on the later pages too
        CHECK(m->body->content == "Welcome aboard");
        CHECK(m->body->content_type == mail::body_type::text);
      }
    }
    if (p->next_link) CHECK(p->next_link->starts_with(f.server.origin()));
  }
  CHECK(sizes == std::vector<std::size_t>{2, 2, 1});
  CHECK(all == std::vector<std::string>{"Welcome", "Lunch", "Budget review", "Budget approved", "Newsletter"});
}

TEST_CASE("reply, reply-all and forward, in one step and as drafts") {
  fixture f;
  auto review = f.inbox(f.adele, {.filter = "Subject eq 'Budget review'"}).at(0);

  // Reply-all: to the sender plus the other To recipients, Cc kept, never oneself.
  auto draft = f.go(f.adele.me().create_reply_all(*review.id));
  CHECK(draft->is_draft == true);
  CHECK(draft->subject == "RE: Budget review");
  REQUIRE(draft->to_recipients.size() == 1);
  CHECK(draft->to_recipients[0].email_address->address == "megan@contoso.example");
  REQUIRE(draft->cc_recipients.size() == 1);
  CHECK(draft->cc_recipients[0].email_address->address == "alex@contoso.example");
  CHECK(draft->conversation_id == review.conversation_id);

  // One step: the reply reaches Alex's Inbox with the comment above the quoted original.
  auto lunch = f.inbox(f.adele, {.filter = "Subject eq 'Lunch'"}).at(0);
  f.go(f.adele.me().reply(*lunch.id, "Yes, see you there"));
  auto alex_inbox = f.inbox(f.alex);
  REQUIRE(alex_inbox.size() == 1);
  CHECK(alex_inbox[0].subject == "RE: Lunch");
  const auto body = alex_inbox[0].body->content.value_or("");
  CHECK(body.find("Yes, see you there") < body.find("Pizza at noon?"));
  CHECK(body.find("Subject: Lunch") != std::string::npos);
  // A reply to a reply keeps one prefix.
  f.go(f.alex.me().reply(*alex_inbox[0].id, "Great"));
  CHECK(f.inbox(f.adele)[0].subject == "RE: Lunch");

  // Forward: the given recipients, FW: prefix.
  f.go(f.adele.me().forward(*review.id, "FYI", {mail::recipient{.email_address = mail::email_address{.address = "alex@contoso.example"}}}));
  CHECK(f.inbox(f.alex, {.filter = "startswith(Subject, 'FW:')"}).at(0).subject == "FW: Budget review");
  auto fw = f.go(f.adele.me().create_forward(*review.id));
  CHECK(fw->subject == "FW: Budget review");
  CHECK(fw->to_recipients.empty());
  CHECK(f.go(f.adele.me().list_messages("drafts")).value.size() == 2);
}

TEST_CASE("change tracking: a full round, then exactly the changes since (v2.0 and Graph)") {
  fixture f;
  auto me = f.alex.me();
  mail::sync_messages_options o;
  o.prefer.max_page_size = 1;
  f.go(f.adele.me().send_mail(outgoing("First", {"alex@contoso.example"})));
  f.go(f.adele.me().send_mail(outgoing("Second", {"alex@contoso.example"})));
  auto full = f.go(me.sync_messages(mail::folder::inbox, o));
  CHECK(full.changes.size() == 2);
  REQUIRE(full.state.complete());

  // Nothing changed: an empty round.
  o.state = full.state;
  auto none = f.go(me.sync_messages(mail::folder::inbox, o));
  CHECK(none.changes.empty());

  // A new message, a read flag, a move away.
  const auto first = f.inbox(f.alex, {.filter = "Subject eq 'First'"}).at(0);
  const auto second = f.inbox(f.alex, {.filter = "Subject eq 'Second'"}).at(0);
  f.go(f.adele.me().send_mail(outgoing("Third", {"alex@contoso.example"})));
  f.go(me.update_message(*first.id, mail::message_patch{}.is_read(true)));
  f.go(me.move_message(*second.id, "archive"));
  auto delta = f.go(me.sync_messages(mail::folder::inbox, o));
  std::vector<std::string> changed;
  std::vector<std::string> removed;
  for (const auto& c : delta.changes) {
    if (c.removed()) removed.push_back(c.removal()->item_id());
    else changed.push_back((*c.item())->subject.value_or(""));
  }
  std::sort(changed.begin(), changed.end());
  CHECK(changed == std::vector<std::string>{"First", "Third"});
  CHECK(removed == std::vector<std::string>{*second.id});

  // Graph: /delta with @removed; a stale token gets the service's answer.
  auto r = f.clients.raw("GET", "/v1.0/me/mailFolders/inbox/messages/delta", "alex-token");
  REQUIRE(r.status == 200);
  auto body = json::parse(r.body);
  CHECK(body.at("value").as_array().size() == 2);
  CHECK(body.as_object().contains("@odata.deltaLink"));
  auto stale = f.clients.raw("GET", "/v1.0/me/mailFolders/inbox/messages/delta?$deltatoken=d999999", "alex-token");
  CHECK(stale.status == 410);
  CHECK(stale.body.find("SyncStateNotFound") != std::string::npos);
}

TEST_CASE("mailbox settings: automatic replies changed and read back, each user their own") {
  fixture f;
  auto before = f.go(f.alex.me().get_automatic_replies_setting());
  CHECK(before.status == mail::automatic_replies_status::disabled);

  mail::automatic_replies_setting ar;
  ar.status = mail::automatic_replies_status::always_enabled;
  ar.internal_reply_message = "Away until Monday";
  auto updated = f.go(f.alex.me().update_mailbox_settings(mail::mailbox_settings_patch{}.automatic_replies_setting(ar)));
  CHECK(updated.automatic_replies_setting->status == mail::automatic_replies_status::always_enabled);
  CHECK(updated.time_zone == "UTC");  // untouched settings stay

  auto after = f.go(f.alex.me().get_automatic_replies_setting());
  CHECK(after.status == mail::automatic_replies_status::always_enabled);
  CHECK(after.internal_reply_message == "Away until Monday");
  CHECK(after.external_audience == mail::external_audience_scope::all);  // a partial patch keeps the rest
  CHECK(f.go(f.adele.me().get_automatic_replies_setting()).status == mail::automatic_replies_status::disabled);

  auto graph = f.clients.raw("GET", "/v1.0/me/mailboxSettings/automaticRepliesSetting", "alex-token");
  REQUIRE(graph.status == 200);
  CHECK(json::parse(graph.body).at("internalReplyMessage") == "Away until Monday");
}

TEST_CASE("--throttle: that share of requests gets 429 ApplicationThrottled with Retry-After") {
  outlook::server::mail_server server({.seed_json = server_tests::two_user_seed(), .throttle_percent = 100});
  const auto ca = server.write_certificate(std::filesystem::temp_directory_path() /
                                           ("outlook-server-throttle-" + std::to_string(server.port()) + ".pem"));
  {
    server_tests::client_set clients(server.origin(), ca);
    auto r = clients.raw("GET", "/api/v2.0/me/messages", "adele-token");
    CHECK(r.status == 429);
    CHECK(r.headers.get("Retry-After") == "1");
    CHECK(r.body.find("ApplicationThrottled") != std::string::npos);
  }
  std::filesystem::remove(ca);
}
