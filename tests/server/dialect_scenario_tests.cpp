// The issue's two-user scenario driven end to end, over HTTPS, by the C++ client of EACH
// dialect: Outlook v2.0 (outlook::mail) and Graph v1.0 (outlook::graph). One scenario body,
// written once against the C++ names both bindings share; a traits struct picks the
// namespace. Adele sends Alex a message, it lands in his Inbox, he replies, each side's sync
// round reports exactly those changes, and automatic replies are changed and read back.
//
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include "fixture.hpp"

#include <outlook/graph.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>

namespace json = boost::json;
using server_tests::fixture;

namespace {

struct outlook_v2 {
  using client = outlook::mail::client;
  using message = outlook::mail::message;
  using recipient = outlook::mail::recipient;
  using email_address = outlook::mail::email_address;
  using item_body = outlook::mail::item_body;
  using body_type = outlook::mail::body_type;
  using sync_messages_options = outlook::mail::sync_messages_options;
  using sync_folders_options = outlook::mail::sync_folders_options;
  using automatic_replies_setting = outlook::mail::automatic_replies_setting;
  using automatic_replies_status = outlook::mail::automatic_replies_status;
  using external_audience_scope = outlook::mail::external_audience_scope;
  using mailbox_settings_patch = outlook::mail::mailbox_settings_patch;
  static constexpr std::string_view inbox = outlook::mail::folder::inbox;
  static constexpr std::string_view api = "/api/v2.0";
};

struct graph_v1 {
  using client = outlook::graph::client;
  using message = outlook::graph::message;
  using recipient = outlook::graph::recipient;
  using email_address = outlook::graph::email_address;
  using item_body = outlook::graph::item_body;
  using body_type = outlook::graph::body_type;
  using sync_messages_options = outlook::graph::sync_messages_options;
  using sync_folders_options = outlook::graph::sync_folders_options;
  using automatic_replies_setting = outlook::graph::automatic_replies_setting;
  using automatic_replies_status = outlook::graph::automatic_replies_status;
  using external_audience_scope = outlook::graph::external_audience_scope;
  using mailbox_settings_patch = outlook::graph::mailbox_settings_patch;
  static constexpr std::string_view inbox = outlook::graph::folder::inbox;
  static constexpr std::string_view api = "/v1.0";
};

/// Subjects of a round's changed items, and the IDs of its removals.
template <class Result>
std::pair<std::vector<std::string>, std::vector<std::string>> round_contents(const Result& round) {
  std::vector<std::string> changed;
  std::vector<std::string> removed;
  for (const auto& c : round.changes) {
    if (c.removed()) removed.push_back(c.removal()->item_id());
    else changed.push_back((*c.item())->subject.value_or(""));
  }
  std::sort(changed.begin(), changed.end());
  return {changed, removed};
}

template <class D>
void two_user_scenario() {
  fixture f;
  auto adele = f.clients.client_of<typename D::client>("adele-token", D::api).me();
  auto alex = f.clients.client_of<typename D::client>("alex-token", D::api).me();

  // Both sides start from a complete round, so the next one holds only what follows.
  typename D::sync_messages_options adele_sync;
  typename D::sync_messages_options alex_sync;
  adele_sync.state = f.go(adele.sync_messages(D::inbox, adele_sync)).state;
  alex_sync.state = f.go(alex.sync_messages(D::inbox, alex_sync)).state;
  REQUIRE(adele_sync.state.complete());
  REQUIRE(alex_sync.state.complete());

  // Adele sends; Alex's Inbox gets an unread copy from her.
  typename D::message outgoing;
  outgoing.subject = "Lunch on Friday?";
  outgoing.body = typename D::item_body{.content_type = D::body_type::html, .content = "<p>Noon at the usual place?</p>"};
  outgoing.to_recipients = {typename D::recipient{.email_address = typename D::email_address{.address = "alex@contoso.example"}}};
  f.go(adele.send_mail(outgoing));

  auto alex_inbox = f.go(alex.list_messages(D::inbox, {.filter = std::string(D::api == "/v1.0" ? "subject" : "Subject") +
                                                                  " eq 'Lunch on Friday?'"}));
  REQUIRE(alex_inbox.value.size() == 1);
  const auto& received = *alex_inbox.value[0];
  CHECK(received.is_read == false);
  CHECK(received.is_draft == false);
  REQUIRE(received.from.has_value());
  CHECK(received.from->email_address->address == "adele@contoso.example");
  CHECK(received.sender->email_address->name == "Adele Vance");
  CHECK(received.received_date_time.has_value());

  // Alex replies in one step; the reply reaches Adele with RE: and quotes the original.
  f.go(alex.reply(*received.id, "Yes, see you there."));
  auto adele_inbox = f.go(adele.list_messages(D::inbox, {.top = 50}));
  auto reply = std::find_if(adele_inbox.value.begin(), adele_inbox.value.end(),
                            [](const auto& m) { return m->subject == "RE: Lunch on Friday?"; });
  REQUIRE(reply != adele_inbox.value.end());
  CHECK((*reply)->from->email_address->address == "alex@contoso.example");
  CHECK((*reply)->to_recipients.at(0).email_address->address == "adele@contoso.example");
  CHECK((*reply)->conversation_id == received.conversation_id);

  // Each side's sync round reports exactly what happened since: one new message each.
  auto adele_round = f.go(adele.sync_messages(D::inbox, adele_sync));
  auto alex_round = f.go(alex.sync_messages(D::inbox, alex_sync));
  CHECK(round_contents(adele_round).first == std::vector<std::string>{"RE: Lunch on Friday?"});
  CHECK(round_contents(adele_round).second.empty());
  CHECK(round_contents(alex_round).first == std::vector<std::string>{"Lunch on Friday?"});
  CHECK(round_contents(alex_round).second.empty());

  // Alex moves the message away: his next round reports exactly that removal.
  alex_sync.state = alex_round.state;
  auto moved = f.go(alex.move_message(*received.id, "archive"));
  CHECK(moved->id != received.id);
  auto after_move = f.go(alex.sync_messages(D::inbox, alex_sync));
  CHECK(round_contents(after_move).first.empty());
  CHECK(round_contents(after_move).second == std::vector<std::string>{*received.id});

  // Settings: automatic replies changed and read back; Adele's stay as they were.
  typename D::automatic_replies_setting ar;
  ar.status = D::automatic_replies_status::always_enabled;
  ar.internal_reply_message = "Out until Monday";
  auto updated = f.go(alex.update_mailbox_settings(typename D::mailbox_settings_patch{}.automatic_replies_setting(ar)));
  CHECK(updated.automatic_replies_setting->status == D::automatic_replies_status::always_enabled);
  auto read_back = f.go(alex.get_automatic_replies_setting());
  CHECK(read_back.status == D::automatic_replies_status::always_enabled);
  CHECK(read_back.internal_reply_message == "Out until Monday");
  CHECK(read_back.external_audience == D::external_audience_scope::all);
  CHECK(f.go(adele.get_automatic_replies_setting()).status == D::automatic_replies_status::disabled);
}

}  // namespace

TEST_CASE("two-user scenario through the Outlook v2.0 C++ client (outlook::mail) over HTTPS") {
  two_user_scenario<outlook_v2>();
}

TEST_CASE("two-user scenario through the Graph v1.0 C++ client (outlook::graph) over HTTPS") {
  two_user_scenario<graph_v1>();
}

TEST_CASE("Graph answers are written by the generated outlook::graph model") {
  fixture f;
  // Seeded in v2.0 spelling with an upper-case enum value; Graph reads it back camelCase,
  // with the date-time in the model's form, and members the model does not know kept.
  auto created = f.clients.raw("POST", "/v1.0/me/messages", "adele-token",
                               R"({"subject": "Model", "importance": "HIGH", "singleValueExtendedProperties": [],
                                   "x-custom": {"kept": true}})");
  REQUIRE(created.status == 201);
  const auto body = json::parse(created.body).as_object();
  CHECK(body.at("importance") == "high");
  CHECK(body.at("x-custom").at("kept") == true);
  CHECK(!body.contains("Subject"));
  // A body whose member has the wrong JSON type is refused by the Graph model with its pointer.
  auto bad = f.clients.raw("POST", "/v1.0/me/messages", "adele-token", R"({"subject": "x", "isRead": "yes"})");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("RequestBodyRead") != std::string::npos);
  CHECK(bad.body.find("/isRead") != std::string::npos);
}

TEST_CASE("immutable IDs (Graph, Prefer IdType=\"ImmutableId\"): a move keeps the ID; change tracking still sees it leave") {
  fixture f;
  namespace graph = outlook::graph;
  auto alex = f.clients.client_of<graph::client>("alex-token", "/v1.0").me();
  graph::message m;
  m.subject = "Keep my ID";
  m.to_recipients = {graph::recipient{.email_address = graph::email_address{.address = "alex@contoso.example"}}};
  f.go(f.clients.client_of<graph::client>("adele-token", "/v1.0").me().send_mail(m));
  f.go(f.clients.client_of<graph::client>("adele-token", "/v1.0").me().send_mail(m));
  auto inbox = f.go(alex.list_messages(graph::folder::inbox));
  REQUIRE(inbox.value.size() == 2);
  const std::string first = *inbox.value[0]->id;
  const std::string second = *inbox.value[1]->id;

  graph::sync_messages_options sync;
  sync.state = f.go(alex.sync_messages(graph::folder::inbox, sync)).state;

  graph::move_message_options immutable;
  immutable.prefer.immutable_id = true;
  auto kept = f.go(alex.move_message(first, "archive", immutable));
  CHECK(kept->id == first);
  CHECK(f.go(alex.get_message(first))->parent_folder_id == f.go(alex.get_folder("archive"))->id);
  auto renamed = f.go(alex.move_message(second, "archive"));
  CHECK(renamed->id != second);  // without the preference, the service's usual new ID

  auto round = f.go(alex.sync_messages(graph::folder::inbox, sync));
  std::vector<std::string> removed;
  for (const auto& c : round.changes) {
    CHECK(c.removed());
    if (c.removed()) removed.push_back(c.removal()->item_id());
  }
  std::sort(removed.begin(), removed.end());
  auto expected = std::vector<std::string>{first, second};
  std::sort(expected.begin(), expected.end());
  CHECK(removed == expected);
}

namespace {

template <class D>
void folder_hierarchy_sync() {
  fixture f;
  auto adele = f.clients.client_of<typename D::client>("adele-token", D::api).me();
  // A full round: the whole hierarchy (well-known folders, Projects, Projects/Q3).
  auto full = f.go(adele.sync_folders());
  std::vector<std::string> names;
  std::string projects;
  for (const auto& c : full.changes) {
    REQUIRE(!c.removed());
    names.push_back((*c.item())->display_name.value_or(""));
    if ((*c.item())->display_name == "Projects") projects = *(*c.item())->id;
  }
  CHECK(std::find(names.begin(), names.end(), "Inbox") != names.end());
  CHECK(std::find(names.begin(), names.end(), "Q3") != names.end());
  REQUIRE(!projects.empty());

  typename D::sync_messages_options inbox_sync;
  inbox_sync.state = f.go(adele.sync_messages(D::inbox, inbox_sync)).state;

  // A new folder, a renamed one, a deleted one: the next round has exactly those.
  auto made = f.go(adele.create_folder(D::inbox, "Receipts"));
  f.go(adele.update_folder(projects, "Projects 2026"));
  auto doomed = f.go(adele.create_folder("msgfolderroot", "Scratch"));
  typename D::sync_folders_options next;
  next.state = full.state;
  f.go(adele.delete_folder(*doomed->id));
  auto round = f.go(adele.sync_folders(next));
  std::vector<std::string> changed;
  std::vector<std::string> removed;
  for (const auto& c : round.changes) {
    if (c.removed()) removed.push_back(c.removal()->item_id());
    else changed.push_back((*c.item())->display_name.value_or(""));
  }
  std::sort(changed.begin(), changed.end());
  CHECK(changed == std::vector<std::string>{"Projects 2026", "Receipts"});
  CHECK(removed == std::vector<std::string>{*doomed->id});

  // Folders are not messages: the Inbox's message sync saw none of that.
  f.go(adele.delete_folder(*made->id));
  CHECK(f.go(adele.sync_messages(D::inbox, inbox_sync)).changes.empty());
}

}  // namespace

TEST_CASE("folder hierarchy sync through the Outlook v2.0 client") {
  folder_hierarchy_sync<outlook_v2>();
}

TEST_CASE("folder hierarchy sync through the Graph v1.0 client") {
  folder_hierarchy_sync<graph_v1>();
}
