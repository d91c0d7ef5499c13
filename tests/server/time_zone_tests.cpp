// Prefer: outlook.timezone through the Graph C++ client: dateTimeTimeZone values (a
// message's follow-up flag, the automatic-reply schedule) come back in the requested zone,
// on every page, with daylight saving time applied; an unknown zone gets InvalidTimeZone.
//
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include "fixture.hpp"

#include <outlook/graph.hpp>

namespace graph = outlook::graph;
using server_tests::fixture;

namespace {

graph::date_time_time_zone at(std::string date_time, std::string zone) {
  return {.date_time = std::move(date_time), .time_zone = std::move(zone)};
}

graph::message flagged(std::string subject, graph::date_time_time_zone start, graph::date_time_time_zone due) {
  graph::message m;
  m.subject = std::move(subject);
  m.flag = graph::followup_flag{.flag_status = graph::followup_flag_status::flagged,
                                .start_date_time = std::move(start),
                                .due_date_time = std::move(due)};
  return m;
}

/// The start and due times of the flags of Drafts, page by page (one message a page),
/// ordered by subject, as "dateTime timeZone".
std::vector<std::string> flag_times(fixture& f, graph::mailbox me, std::optional<std::string> zone) {
  graph::list_messages_options o{.orderby = "subject"};
  o.prefer.max_page_size = 1;
  o.prefer.time_zone = std::move(zone);
  auto pages = me.list_messages_pages(graph::folder::drafts, o);
  std::vector<std::string> out;
  int page_count = 0;
  while (auto page = f.go(pages.next())) {
    ++page_count;
    for (const auto& m : page->value) {
      out.push_back(*m->flag->start_date_time->date_time + " " + *m->flag->start_date_time->time_zone);
      out.push_back(*m->flag->due_date_time->date_time + " " + *m->flag->due_date_time->time_zone);
    }
  }
  CHECK(page_count == 2);
  return out;
}

}  // namespace

TEST_CASE("Prefer outlook.timezone converts dateTimeTimeZone values on every page") {
  fixture f;
  auto client = f.clients.client_of<graph::client>("adele-token", "/v1.0");
  auto me = client.me();
  using v = std::vector<std::string>;
  // Summer and winter, stored in UTC; and around the US spring change, stored in Pacific time.
  f.go(me.create_message(flagged("a", at("2026-07-01T09:00:00.0000000", "UTC"), at("2026-01-15T18:30:00.0000000", "UTC"))));
  f.go(me.create_message(flagged("b", at("2026-03-08T01:30:00.0000000", "Pacific Standard Time"),
                                 at("2026-03-08T03:30:00.5000000", "Pacific Standard Time"))));

  // Without the preference a value keeps its own zone.
  CHECK(flag_times(f, me, std::nullopt) == v{"2026-07-01T09:00:00.0000000 UTC", "2026-01-15T18:30:00.0000000 UTC",
                                             "2026-03-08T01:30:00.0000000 Pacific Standard Time",
                                             "2026-03-08T03:30:00.5000000 Pacific Standard Time"});
  // Pacific: PDT (-7) in July, PST (-8) in January.
  CHECK(flag_times(f, me, "Pacific Standard Time") ==
        v{"2026-07-01T02:00:00.0000000 Pacific Standard Time", "2026-01-15T10:30:00.0000000 Pacific Standard Time",
          "2026-03-08T01:30:00.0000000 Pacific Standard Time", "2026-03-08T03:30:00.5000000 Pacific Standard Time"});
  // To UTC: 01:30 PST is 09:30Z; 03:30 PDT (after the change at 02:00) is 10:30Z.
  CHECK(flag_times(f, me, "UTC") == v{"2026-07-01T09:00:00.0000000 UTC", "2026-01-15T18:30:00.0000000 UTC",
                                      "2026-03-08T09:30:00.0000000 UTC", "2026-03-08T10:30:00.5000000 UTC"});
  // An IANA name, European summer time (+2) and winter time (+1).
  CHECK(flag_times(f, me, "Europe/Berlin") ==
        v{"2026-07-01T11:00:00.0000000 Europe/Berlin", "2026-01-15T19:30:00.0000000 Europe/Berlin",
          "2026-03-08T10:30:00.0000000 Europe/Berlin", "2026-03-08T11:30:00.5000000 Europe/Berlin"});
  // The southern hemisphere: Sydney is on daylight time (+11) in January, standard (+10) in July.
  CHECK(flag_times(f, me, "AUS Eastern Standard Time") ==
        v{"2026-07-01T19:00:00.0000000 AUS Eastern Standard Time", "2026-01-16T05:30:00.0000000 AUS Eastern Standard Time",
          "2026-03-08T20:30:00.0000000 AUS Eastern Standard Time", "2026-03-08T21:30:00.5000000 AUS Eastern Standard Time"});

  // A single message, and the answer says the preference was applied.
  auto drafts = f.go(me.list_messages(graph::folder::drafts, {.filter = "subject eq 'a'"}));
  REQUIRE(drafts.value.size() == 1);
  outlook::response_info info;
  graph::get_message_options one;
  one.prefer.time_zone = "Tokyo Standard Time";
  one.response = &info;
  auto got = f.go(me.get_message(*drafts.value[0]->id, one));
  CHECK(got->flag->start_date_time->date_time == "2026-07-01T18:00:00.0000000");
  CHECK(info.preference_applied() == v{"outlook.timezone=\"Tokyo Standard Time\""});

  // The automatic-reply schedule (stored in UTC) in India Standard Time (+5:30).
  graph::get_automatic_replies_setting_options ar;
  ar.prefer.time_zone = "India Standard Time";
  auto setting = f.go(me.get_automatic_replies_setting(ar));
  CHECK(setting.scheduled_start_date_time->date_time == "2026-01-01T05:30:00.0000000");
  CHECK(setting.scheduled_start_date_time->time_zone == "India Standard Time");
  graph::get_mailbox_settings_options all;
  all.prefer.time_zone = "Eastern Standard Time";
  auto settings = f.go(me.get_mailbox_settings(all));
  CHECK(settings.automatic_replies_setting->scheduled_end_date_time->date_time == "2026-01-01T19:00:00.0000000");

  // An unknown zone, in either dialect.
  for (const char* api : {"/v1.0/me/messages", "/api/v2.0/me/messages"}) {
    CAPTURE(api);
    auto r = f.clients.raw("GET", api, "adele-token", {}, {{"Prefer", "outlook.timezone=\"Mars Standard Time\""}});
    CHECK(r.status == 400);
    CHECK(r.body.find("InvalidTimeZone") != std::string::npos);
    CHECK(r.body.find("Mars Standard Time") != std::string::npos);
  }
}
