// The recording round trip: the C++ clients of both dialects, each over the library's
// recording transport, run operations against the started server (HTTPS); every call is
// written as a cassette into a temporary directory; then the fixture runner (the program
// `fixtures` runs, replaying through the library's replay transport) plays that directory
// and must pass every cassette. No token may appear in a written cassette.
//
// The runner's clients use the services' base URLs, so the server's origin in a written
// cassette is mapped to the service's host, as a recording made against the service holds.
//
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include "fixture.hpp"

#include <outlook/codec.hpp>
#include <outlook/graph.hpp>
#include <outlook/testing/recording_transport.hpp>

#include <boost/json/serialize.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#ifndef OUTLOOK_MAIL_FIXTURE_RUNNER
#error "OUTLOOK_MAIL_FIXTURE_RUNNER must name the fixture runner program"
#endif

namespace graph = outlook::graph;
namespace mail = outlook::mail;
namespace json = boost::json;
using server_tests::fixture;

namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

/// Records one call per cassette into `dir`.
class recorder {
 public:
  recorder(fixture& f, std::filesystem::path dir)
      : f_(f), dir_(std::move(dir)), inner_(outlook::make_beast_transport(f.clients.ioc.get_executor(), {.ca_file = f.ca})) {}

  /// Runs `call(mailbox)` on a fresh client of `Client` over a recording transport and
  /// writes the cassette `name`.json describing it with `call_json`. Returns the result.
  template <class Client, class Call>
  auto record(const std::string& name, std::string_view api, const std::string& token, json::object call_json, Call call) {
    auto rec = std::make_shared<outlook::testing::recording_transport>(inner_);
    auto result = f_.go(call(client_over<Client>(rec, api, token).me()));
    save(*rec, name, api, std::move(call_json));
    return result;
  }

  template <class Client, class Call>
  void record_void(const std::string& name, std::string_view api, const std::string& token, json::object call_json, Call call) {
    auto rec = std::make_shared<outlook::testing::recording_transport>(inner_);
    f_.go(call(client_over<Client>(rec, api, token).me()));
    save(*rec, name, api, std::move(call_json));
  }

  std::vector<std::string> written;

 private:
  /// A client of `Client` that talks to the started server through `rec`, without retries
  /// (a retry would record a second exchange).
  template <class Client>
  Client client_over(std::shared_ptr<outlook::testing::recording_transport> rec, std::string_view api, const std::string& token) {
    outlook::client_options options;
    options.base_url = f_.server.origin() + std::string(api);
    options.preview_base_url = f_.server.origin() + "/api/beta";  // v2.0's preview operations (rules)
    options.retry.enabled = false;
    return Client(std::move(rec), outlook::fixed_token(token), options);
  }

  void save(const outlook::testing::recording_transport& rec, const std::string& name, std::string_view api, json::object call) {
    auto cassette = rec.to_cassette("Recorded against the local mailbox server: " + name, std::move(call));
    cassette["api"] = api == "/v1.0" ? "graph-v1.0" : "outlook-v2.0";
    std::string text = json::serialize(cassette);
    const std::string origin = f_.server.origin();
    replace_all(text, origin + "/v1.0", "https://graph.microsoft.com/v1.0");
    replace_all(text, origin + "/api/", "https://outlook.office.com/api/");
    const auto file = dir_ / (name + ".json");
    std::ofstream(file) << text << '\n';
    written.push_back(text);
  }

  fixture& f_;
  std::filesystem::path dir_;
  std::shared_ptr<outlook::beast_transport> inner_;
};

json::object call_of(std::string operation, json::object args, json::object options = {}) {
  json::object call{{"operation", std::move(operation)}, {"mailbox", "me"}, {"args", std::move(args)}};
  if (!options.empty()) call["options"] = std::move(options);
  return call;
}

/// Runs the fixture runner on `dir` alone; its output.
std::pair<int, std::string> run_fixture_runner(const std::filesystem::path& dir) {
  const std::string command = "env -u OUTLOOK_FIXTURE_DIRS '" + std::string(OUTLOOK_MAIL_FIXTURE_RUNNER) + "' '" + dir.string() + "' 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  while (auto n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  return {status, out};
}

}  // namespace

TEST_CASE("Cassettes recorded against the server replay in the fixture runner") {
  fixture f;
  const auto dir = std::filesystem::temp_directory_path() / ("outlook-server-cassettes-" + std::to_string(f.server.port()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  recorder r(f, dir);

  // ---- Graph v1.0 ----
  using G = graph::client;
  graph::message note;
  note.subject = "Recorded hello";
  note.body = graph::item_body{.content_type = graph::body_type::text, .content = "Hi Alex"};
  note.to_recipients = {graph::recipient{.email_address = graph::email_address{.address = "alex@contoso.example"}}};
  r.record_void<G>("graph_send_mail", "/v1.0", "adele-token",
                   call_of("send_mail", {{"message", outlook::encode_value(note)}}),
                   [&](graph::mailbox me) { return me.send_mail(note); });
  auto folder = r.record<G>("graph_create_folder", "/v1.0", "alex-token", call_of("create_folder", {{"display_name", "Recorded"}}),
                            [](graph::mailbox me) { return me.create_folder("Recorded"); });
  auto listed = r.record<G>("graph_list_messages", "/v1.0", "alex-token",
                            call_of("list_messages", {{"folder_id", "inbox"}}, {{"top", 5}, {"select", json::array{"subject", "from"}}}),
                            [](graph::mailbox me) { return me.list_messages("inbox", {.select = {"subject", "from"}, .top = 5}); });
  REQUIRE(listed.value.size() == 1);
  const std::string received = *listed.value[0]->id;
  (void)r.record<G>("graph_get_message", "/v1.0", "alex-token", call_of("get_message", {{"message_id", received}}),
                    [&](graph::mailbox me) { return me.get_message(received); });
  (void)r.record<G>("graph_move_message", "/v1.0", "alex-token",
                    call_of("move_message", {{"message_id", received}, {"destination_id", *folder->id}}),
                    [&](graph::mailbox me) { return me.move_message(received, *folder->id); });
  (void)r.record<G>("graph_sync_messages", "/v1.0", "alex-token", call_of("sync_messages", {{"folder_id", *folder->id}}),
                    [&](graph::mailbox me) { return me.sync_messages(*folder->id); });
  (void)r.record<G>("graph_create_category", "/v1.0", "alex-token",
                    call_of("create_category", {{"category", {{"displayName", "Recorded"}, {"color", "preset3"}}}}),
                    [](graph::mailbox me) {
                      return me.create_category({.color = graph::category_color::preset3, .display_name = "Recorded"});
                    });
  (void)r.record<G>("graph_get_mail_tips", "/v1.0", "adele-token",
                    call_of("get_mail_tips", {{"email_addresses", json::array{"alex@contoso.example"}},
                                              {"mail_tips_options", "automaticReplies, mailboxFullStatus"}}),
                    [](graph::mailbox me) {
                      return me.get_mail_tips({"alex@contoso.example"},
                                              outlook::flags<graph::mail_tips_type>(graph::mail_tips_type::automatic_replies) |
                                                  graph::mail_tips_type::mailbox_full_status);
                    });
  (void)r.record<G>("graph_get_mailbox_settings", "/v1.0", "alex-token",
                    call_of("get_mailbox_settings", {}, {{"prefer", {{"time_zone", "Pacific Standard Time"}}}}),
                    [](graph::mailbox me) {
                      graph::get_mailbox_settings_options o;
                      o.prefer.time_zone = "Pacific Standard Time";
                      return me.get_mailbox_settings(o);
                    });

  // ---- Outlook v2.0 ----
  using M = mail::client;
  auto inbox = r.record<M>("v2_list_messages", "/api/v2.0", "adele-token",
                           call_of("list_messages", {{"folder_id", "Inbox"}}, {{"top", 2}, {"orderby", "Subject"}}),
                           [](mail::mailbox me) { return me.list_messages("Inbox", {.orderby = "Subject", .top = 2}); });
  REQUIRE(inbox.value.size() == 2);
  const std::string first = *inbox.value[0]->id;
  (void)r.record<M>("v2_update_message", "/api/v2.0", "adele-token",
                    call_of("update_message", {{"message_id", first}, {"patch", {{"IsRead", true}}}}),
                    [&](mail::mailbox me) { return me.update_message(first, mail::message_patch{}.is_read(true)); });
  (void)r.record<M>("v2_list_folders", "/api/v2.0", "adele-token", call_of("list_folders", {}),
                    [](mail::mailbox me) { return me.list_folders(); });
  mail::message v2_note;
  v2_note.subject = "Recorded in v2.0";
  v2_note.to_recipients = {mail::recipient{.email_address = mail::email_address{.address = "alex@contoso.example"}}};
  r.record_void<M>("v2_send_mail", "/api/v2.0", "adele-token", call_of("send_mail", {{"message", outlook::encode_value(v2_note)}}),
                   [&](mail::mailbox me) { return me.send_mail(v2_note); });
  (void)r.record<M>("v2_create_rule", "/api/v2.0", "adele-token",
                    call_of("create_rule", {{"rule", {{"DisplayName", "Recorded"}, {"Sequence", 1},
                                                      {"Actions", {{"MarkAsRead", true}}}}}}),
                    [](mail::mailbox me) {
                      mail::message_rule rule;
                      rule.display_name = "Recorded";
                      rule.sequence = 1;
                      rule.actions = mail::message_rule_actions{.mark_as_read = true};
                      return me.create_rule(rule);
                    });

  // No token in any written cassette.
  REQUIRE(r.written.size() == 14);
  for (const auto& text : r.written) {
    CHECK(text.find("adele-token") == std::string::npos);
    CHECK(text.find("alex-token") == std::string::npos);
    CHECK(text.find("Bearer <redacted>") != std::string::npos);
  }

  const auto [status, output] = run_fixture_runner(dir);
  INFO(output);
  CHECK(status == 0);
  CHECK(output.find("14 passed, 0 failed") != std::string::npos);
  std::filesystem::remove_all(dir);
}
