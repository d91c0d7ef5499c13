// Per-request control (headers, extra Prefer values, response metadata as a value), the
// retry policy (throttling apart from server errors, jitter, HTTP-date Retry-After), the
// per-call deadline and the request observer.
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "outlook/error.hpp"
#include "outlook/mail/client.hpp"
#include "outlook/observer.hpp"
#include "outlook/retry.hpp"
#include "outlook/testing/replay_transport.hpp"
#include "session_test_support.hpp"

namespace mail = outlook::mail;
namespace asio = boost::asio;
using namespace session_test;
using namespace std::chrono_literals;
using outlook::testing::replay_transport;

namespace {

const std::string token = "eyJ0eXAiOiJKV1Qi.API-TOKEN-5d1e.c2lnbmF0dXJl";
const std::string base = "https://outlook.office.com/api/v2.0/";

struct rig {
  std::shared_ptr<replay_transport> replay;
  std::shared_ptr<capturing_transport> capture;
  mail::client client;
  explicit rig(std::vector<interaction> xs, outlook::client_options o = quick())
      : replay(std::make_shared<replay_transport>(std::move(xs))),
        capture(std::make_shared<capturing_transport>(replay)),
        client(capture, outlook::fixed_token(token), std::move(o)) {}
  static outlook::client_options quick() {
    outlook::client_options o;
    o.retry.initial_backoff = 1ms;
    return o;
  }
  [[nodiscard]] std::vector<outlook::http_request> sent() const { return capture->sent(); }
};

}  // namespace

// ---------------------------------------------------------------- per-request headers

TEST_CASE("per-request headers are sent with that call only, and on every page of a pager") {
  const std::string next = base + "me/messages?%24skip=1";
  rig r({respond(200, "{}"), respond(200, "{}"),
         respond(200, R"({"value": [], "@odata.nextLink": ")" + next + R"("})"), respond(200, R"({"value": []})")});
  auto me = r.client.me();
  mail::update_message_options with_etag;
  with_etag.headers = {{"If-Match", R"(W/"CQAAABYAAAA")"}, {"X-AnchorMailbox", "alex@contoso.com"}};
  run([&] { return me.update_message("m", mail::message_patch{}.is_read(true), with_etag); });
  run([&] { return me.get_message("m"); });
  mail::list_messages_options consistency;
  consistency.headers.add("ConsistencyLevel", "eventual");
  auto pages = me.list_messages_pages(consistency);
  while (run([&] { return pages.next(); })) {
  }
  const auto sent = r.sent();
  REQUIRE(sent.size() == 4);
  CHECK(header(sent[0], "If-Match") == R"(W/"CQAAABYAAAA")");
  CHECK(header(sent[0], "X-AnchorMailbox") == "alex@contoso.com");
  CHECK(header(sent[1], "If-Match") == "(absent)");
  CHECK(header(sent[2], "ConsistencyLevel") == "eventual");
  CHECK(header(sent[3], "ConsistencyLevel") == "eventual");
  CHECK(sent[3].url == next);
}

TEST_CASE("per-request headers the library owns, or that are malformed, are refused before sending") {
  rig r({});
  auto me = r.client.me();
  for (const std::string owned : {"Authorization", "authorization", "Host", "Content-Length", "Transfer-Encoding", "Content-Type",
                                  "Prefer", "client-request-id", "User-Agent", "Accept", "Connection"}) {
    CAPTURE(owned);
    mail::get_message_options o;
    o.headers.add(owned, "x");
    auto e = thrown<outlook::request_refused>([&] { return me.get_message("m", o); });
    REQUIRE(e);
    CHECK(std::string(e->what()).find("set by the library") != std::string::npos);
  }
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"X-Ok", "a\r\nAuthorization: Bearer stolen"}, {"X-Ok", "a\nb"}, {"X-Ok", std::string("a\0b", 3)},
           {"Bad Name", "v"}, {"Bad:Name", "v"}, {"", "v"}, {"X\r\nY", "v"}}) {
    mail::get_message_options o;
    o.headers.add(name, value);
    CHECK(thrown<outlook::request_refused>([&] { return me.get_message("m", o); }));
  }
  CHECK(r.sent().empty());
}

TEST_CASE("prefer.extra adds preferences the options do not name") {
  rig r({respond(200, "{}")});
  auto me = r.client.me();
  mail::get_message_options o;
  o.prefer.body_content_type = outlook::body_content_type::text;
  o.prefer.extra = {R"(IdType="ImmutableId")", "return=minimal"};
  run([&] { return me.get_message("m", o); });
  CHECK(header(r.sent().at(0), "Prefer") == R"(outlook.body-content-type="text", IdType="ImmutableId", return=minimal)");

  for (const std::string& bad : std::vector<std::string>{"a\r\nX: y", "", std::string("a\0", 2)}) {
    mail::get_message_options b;
    b.prefer.extra = {bad};
    CHECK(thrown<outlook::request_refused>([&] { return me.get_message("m", b); }));
  }
  CHECK(r.sent().size() == 1);
}

// ---------------------------------------------------------------- response metadata as a value

TEST_CASE("pagers give the last response as a value; a single call fills options.response once") {
  const std::string next = base + "me/messages?%24skip=1";
  rig r({respond(200, R"({"value": [], "@odata.nextLink": ")" + next + R"("})", {{"request-id", "rq-1"}}),
         respond(200, R"({"value": []})", {{"request-id", "rq-2"}, {"Preference-Applied", "odata.maxpagesize=5"}}),
         respond(200, "{}", {{"request-id", "rq-3"}})});
  auto me = r.client.me();
  auto pages = me.list_messages_pages();
  CHECK(pages.last_response().status == 0);
  REQUIRE(run([&] { return pages.next(); }));
  CHECK(pages.last_response().request_id() == "rq-1");
  CHECK(pages.last_response().client_request_id == header(r.sent().at(0), "client-request-id"));
  REQUIRE(run([&] { return pages.next(); }));
  CHECK(pages.last_response().status == 200);
  CHECK(pages.last_response().request_id() == "rq-2");
  CHECK(pages.last_response().preference_applied() == std::vector<std::string>{"odata.maxpagesize=5"});

  outlook::response_info info;
  mail::get_mailbox_settings_options o;
  o.response = &info;
  run([&] { return me.get_mailbox_settings(o); });
  CHECK(info.status == 200);
  CHECK(info.request_id() == "rq-3");
}

TEST_CASE("a whole sync round fills options.response with its last page's response") {
  const std::string folder = base + "me/MailFolders/inbox/messages";
  rig r({respond(200, R"({"value": [], "@odata.deltaLink": ")" + folder + R"(?%24deltatoken=D0"})", {{"request-id", "a"}}),
         respond(200, R"({"value": [], "@odata.deltaLink": ")" + folder + R"(?%24deltatoken=D1"})", {{"request-id", "b"}})});
  auto me = r.client.me();
  outlook::response_info info;
  mail::sync_messages_options o;
  o.response = &info;
  auto round = run([&] { return me.sync_messages("inbox", o); });
  CHECK(round.state.delta_token == "D1");
  CHECK(info.request_id() == "b");
}

// ---------------------------------------------------------------- retry policy

TEST_CASE("retry policy: throttling and server errors have their own switches and attempt counts") {
  {
    auto o = rig::quick();
    o.retry.throttling.enabled = false;
    rig r({respond(429, "", {{"Retry-After", "0"}}), respond(500, ""), respond(200, "{}")}, o);
    auto me = r.client.me();
    auto e = thrown<outlook::api_error>([&] { return me.get_message("m"); });
    REQUIRE(e);
    CHECK(e->status() == 429);
    CHECK(r.sent().size() == 1);
    run([&] { return me.get_message("m"); });  // the 500 is still retried
    CHECK(r.sent().size() == 3);
  }
  {
    auto o = rig::quick();
    o.retry.server_errors.max_attempts = 2;
    rig r({respond(500, ""), respond(502, ""), respond(200, "{}")}, o);
    auto me = r.client.me();
    auto e = thrown<outlook::api_error>([&] { return me.get_message("m"); });
    REQUIRE(e);
    CHECK(e->status() == 502);
    CHECK(r.sent().size() == 2);
  }
  {
    auto o = rig::quick();
    o.retry.throttling.max_attempts = 2;
    o.retry.server_errors.enabled = false;
    rig r({respond(503, "", {{"Retry-After", "0"}}), respond(429, "", {{"Retry-After", "0"}}), respond(200, "{}")}, o);
    auto me = r.client.me();
    auto e = thrown<outlook::api_error>([&] { return me.get_message("m"); });
    REQUIRE(e);
    CHECK(e->status() == 429);
    CHECK(r.sent().size() == 2);
  }
  {
    // A throttled POST is sent again (the service did not act on it); a 503 without
    // Retry-After on a POST is a server error, and a POST is not retried for those.
    rig r({respond(429, "", {{"Retry-After", "0"}}), respond(202, ""), respond(503, "")});
    auto me = r.client.me();
    run([&] { return me.send_message("m"); });
    CHECK(r.sent().size() == 2);
    auto e = thrown<outlook::api_error>([&] { return me.send_message("m"); });
    REQUIRE(e);
    CHECK(e->status() == 503);
    CHECK(r.sent().size() == 3);
  }
}

TEST_CASE("retry policy: backoff doubles up to its cap, with jitter inside its bounds") {
  outlook::retry_policy p;
  p.initial_backoff = 100ms;
  p.max_backoff = 1000ms;
  p.jitter = 0.5;
  using outlook::detail::backoff_delay;
  CHECK(backoff_delay(p, 0, 0.0) == 100ms);
  CHECK(backoff_delay(p, 0, 0.999) >= 50ms);
  CHECK(backoff_delay(p, 0, 0.999) < 100ms);
  CHECK(backoff_delay(p, 1, 0.0) == 200ms);
  CHECK(backoff_delay(p, 3, 0.0) == 800ms);
  CHECK(backoff_delay(p, 4, 0.0) == 1000ms);
  CHECK(backoff_delay(p, 60, 0.0) == 1000ms);
  CHECK(backoff_delay(p, 2, 0.5) == 300ms);
  p.jitter = 0;
  CHECK(backoff_delay(p, 2, 0.9) == 400ms);
  // The session draws the jitter at random: many draws are not all the same.
  p.jitter = 1;
  std::set<long long> seen;
  for (int i = 0; i < 50; ++i) seen.insert(backoff_delay(p, 3, outlook::detail::random_unit()).count());
  CHECK(seen.size() > 1);
  for (auto v : seen) CHECK((v >= 0 && v <= 800));
}

TEST_CASE("Retry-After: delta-seconds and IMF-fixdate; other forms read as one second") {
  using outlook::detail::parse_retry_after;
  const auto now = std::chrono::sys_days(std::chrono::year(1994) / 11 / 6) + 8h + 49min + 7s;
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == 30s);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now) == 0s);  // in the past: now
  CHECK(parse_retry_after("Mon, 07 Nov 1994 08:49:07 GMT", now) == 86400s);
  CHECK(parse_retry_after("Wed, 09 Nov 1994 08:49:07 GMT", now) == 86400s);  // clamped to a day
  CHECK(parse_retry_after(" 120 ", now) == 120s);
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now) == 1s);
  CHECK(parse_retry_after("Sun, 31 Feb 1994 08:49:37 GMT", now) == 1s);
  CHECK(parse_retry_after("Sun, 06 Nov 1994 25:49:37 GMT", now) == 1s);
  CHECK_FALSE(parse_retry_after(std::nullopt, now));
  CHECK_FALSE(parse_retry_after("", now));
}

// ---------------------------------------------------------------- deadline

TEST_CASE("deadline: one deadline per call is set on the request, and a retry that cannot end in time is not made") {
  {
    auto o = rig::quick();
    o.timeout = 300ms;
    rig r({respond(503, "", {{"Retry-After", "5"}}), respond(200, "{}")}, o);
    auto me = r.client.me();
    const auto before = std::chrono::steady_clock::now();
    auto e = thrown<outlook::api_error>([&] { return me.get_message("m"); });
    const auto after = std::chrono::steady_clock::now();
    REQUIRE(e);
    CHECK(e->status() == 503);
    const auto sent = r.sent();
    REQUIRE(sent.size() == 1);
    REQUIRE(sent[0].deadline);
    CHECK(*sent[0].deadline >= before + 300ms);
    CHECK(*sent[0].deadline <= after + 300ms);
  }
  {
    // A transport failure whose backoff would pass the deadline ends the call at once.
    auto o = rig::quick();
    o.retry.initial_backoff = 10s;
    o.retry.jitter = 0;
    o.timeout = 2s;
    rig r({fail_with("reset"), respond(200, "{}")}, o);
    auto me = r.client.me();
    auto e = thrown<outlook::transport_error>([&] { return me.get_message("m"); });
    REQUIRE(e);
    CHECK(e->reason() == outlook::transport_error::kind::reset);
    CHECK(r.sent().size() == 1);
  }
  {
    // The per-call timeout overrides the client's; without either, no deadline is set.
    auto o = rig::quick();
    o.timeout = 1s;
    rig r({respond(200, "{}"), respond(200, "{}")}, o);
    auto me = r.client.me();
    mail::get_message_options call;
    call.timeout = 1h;
    const auto before = std::chrono::steady_clock::now();
    run([&] { return me.get_message("m", call); });
    REQUIRE(r.sent().at(0).deadline);
    CHECK(*r.sent()[0].deadline >= before + 1h);
    rig plain({respond(200, "{}")});
    auto me2 = plain.client.me();
    run([&] { return me2.get_message("m"); });
    CHECK_FALSE(plain.sent().at(0).deadline);
    call.timeout = 0ms;
    CHECK(thrown<outlook::request_refused>([&] { return me.get_message("m", call); }));
  }
}

TEST_CASE("deadline: a deadline that passes before the first attempt can start is a timeout, nothing sent") {
  auto replay = std::make_shared<replay_transport>(std::vector<interaction>{respond(200, "{}")});
  outlook::token_provider slow = [](outlook::token_request) -> asio::awaitable<std::string> {
    asio::steady_timer t(co_await asio::this_coro::executor, 400ms);
    co_await t.async_wait(asio::use_awaitable);
    co_return "slow-token";
  };
  outlook::client_options o;
  o.timeout = 50ms;
  mail::client client(replay, slow, o);
  auto me = client.me();
  // The token arrives after the deadline: the request is not sent.
  auto e = thrown<outlook::transport_error>([&] { return me.get_message("m"); });
  if (e) CHECK(e->reason() == outlook::transport_error::kind::timeout);
  CHECK(replay->sent().empty());
}

// ---------------------------------------------------------------- observer

TEST_CASE("observer: sees every attempt with status, ids, sizes and a redacted URL, never the token") {
  std::vector<outlook::request_event> events;
  auto o = rig::quick();
  o.observer = [&](const outlook::request_event& e) { events.push_back(e); };
  const std::string next = base + "me/messages?%24skiptoken=SKIP-SECRET&authtoken=UPLOAD-SECRET";
  rig r({respond(429, "", {{"Retry-After", "0"}, {"request-id", "rq-a"}}), respond(200, R"({"Id": "m"})", {{"request-id", "rq-b"}}),
         fail_with("reset"), respond(200, R"({"value": [], "@odata.nextLink": ")" + next + R"("})"),
         respond(200, R"({"value": []})")},
        o);
  auto me = r.client.me();
  run([&] { return me.get_message("m", {.select = {"Subject"}}); });
  auto pages = me.list_messages_pages();
  while (run([&] { return pages.next(); })) {
  }
  const auto sent = r.sent();
  REQUIRE(events.size() == 5);
  REQUIRE(sent.size() == 5);
  CHECK(events[0].method == "GET");
  CHECK(events[0].url == base + "me/messages/m?$select=Subject");
  CHECK(events[0].attempt == 1);
  CHECK(events[0].status == 429);
  CHECK(events[0].request_id == "rq-a");
  CHECK(events[1].attempt == 2);
  CHECK(events[1].status == 200);
  CHECK(events[1].bytes_received == std::string(R"({"Id": "m"})").size());
  CHECK(events[1].request_id == "rq-b");
  for (std::size_t i = 0; i < events.size(); ++i) CHECK(events[i].client_request_id == header(sent[i], "client-request-id"));
  CHECK(events[2].status == 0);
  REQUIRE(events[2].error);
  CHECK(*events[2].error == outlook::transport_error::kind::reset);
  CHECK(events[3].attempt == 2);
  // The next link was not built by the session: its whole query is hidden.
  CHECK(events[4].url == base + "me/messages?<redacted>");
  for (const auto& e : events) {
    CHECK(e.url.find(token) == std::string::npos);
    CHECK(e.url.find("SECRET") == std::string::npos);
    CHECK(e.duration >= std::chrono::steady_clock::duration::zero());
  }

  // A body sent is counted.
  events.clear();
  rig post({respond(202, "")}, o);
  auto me2 = post.client.me();
  run([&] { return me2.send_message("m"); });
  REQUIRE(events.size() == 1);
  CHECK(events[0].method == "POST");
  CHECK(events[0].bytes_sent == post.sent().at(0).body.size());
}

TEST_CASE("observer: credential-like query values are redacted from URLs the session built; a throwing observer changes nothing") {
  using outlook::detail::redact_url;
  CHECK(redact_url("https://h/a?$top=5&authtoken=abc&SIG=x%3D&code=1&$filter=a", true) ==
        "https://h/a?$top=5&authtoken=<redacted>&SIG=<redacted>&code=<redacted>&$filter=a");
  CHECK(redact_url("https://h/a?%61uthtoken=abc", true) == "https://h/a?%61uthtoken=<redacted>");
  CHECK(redact_url("https://h/upload?x=1#frag", false) == "https://h/upload?<redacted>");
  CHECK(redact_url("https://h/a#authtoken=abc", true) == "https://h/a");

  auto o = rig::quick();
  o.observer = [](const outlook::request_event&) { throw std::runtime_error("observer failed"); };
  rig r({respond(200, R"({"Id": "m"})")}, o);
  auto me = r.client.me();
  auto m = run([&] { return me.get_message("m"); });
  CHECK(m->id == "m");
}
