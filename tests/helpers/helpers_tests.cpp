// Tests of the helpers users would otherwise write by hand: outlook::odata::quote
// (<outlook/helpers/odata.hpp>) and the folder helpers (<outlook/helpers/folders.hpp>),
// driven through the replay transport with the hand-written cassettes of cassettes/.
// SPDX-License-Identifier: BSL-1.0
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <outlook/detail/percent.hpp>
#include <outlook/helpers/folders.hpp>
#include <outlook/helpers/odata.hpp>
#include <outlook/mail.hpp>
#include <outlook/testing/cassette.hpp>
#include <outlook/testing/replay_transport.hpp>
#include <outlook/testing/run.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mail = outlook::mail;
using outlook::testing::replay_transport;
using outlook::testing::run;

namespace {

const std::filesystem::path cassettes = OUTLOOK_HELPERS_CASSETTES;

struct replayed {
  std::shared_ptr<replay_transport> transport;
  mail::client client;

  explicit replayed(std::vector<outlook::testing::interaction> xs)
      : transport(std::make_shared<replay_transport>(std::move(xs))), client(transport, outlook::fixed_token("t0ken"), no_retries()) {}
  explicit replayed(const std::string& cassette) : replayed(outlook::testing::load_cassette(cassettes / cassette).interactions) {}

  static outlook::client_options no_retries() {
    outlook::client_options o;
    o.retry.enabled = false;
    return o;
  }
};

/// Reads one OData string literal at the start of `text` the way the service does
/// ('' is a quote, a lone ' ends it); returns its value and how many characters it took,
/// or nullopt when `text` does not start with a complete literal.
std::optional<std::pair<std::string, std::size_t>> read_literal(std::string_view text) {
  if (text.empty() || text.front() != '\'') return std::nullopt;
  std::string value;
  for (std::size_t i = 1; i < text.size(); ++i) {
    if (text[i] != '\'') {
      value += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == '\'') {
      value += '\'';
      ++i;
    } else {
      return std::make_pair(value, i + 1);
    }
  }
  return std::nullopt;
}

/// The decoded value of query parameter `name` of a URL, as a server reads it.
std::optional<std::string> query_value(const std::string& url, std::string_view name) {
  const auto q = url.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view(url).substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (outlook::detail::percent_decode(pair.substr(0, eq), true) == name)
      return outlook::detail::percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

outlook::testing::interaction empty_page() {
  outlook::testing::interaction x;
  x.response.status = 200;
  x.response.headers = {{"Content-Type", "application/json"}};
  x.response.body = R"({"value": []})";
  return x;
}

}  // namespace

// ------------------------------------------------------------------ odata::quote

TEST_CASE("odata::quote wraps text in quotes and doubles the quotes inside") {
  CHECK(outlook::odata::quote("O'Brien") == "'O''Brien'");
  CHECK(outlook::odata::quote("") == "''");
  CHECK(outlook::odata::quote("'") == "''''");
  CHECK(outlook::odata::quote("plain") == "'plain'");
  CHECK(outlook::odata::quote("Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x93\xA7") == "'Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x93\xA7'");
}

TEST_CASE("odata::quote: hostile text stays one literal in the $filter the server reads") {
  const std::vector<std::string> hostile = {
      "O'Brien",
      "x' or IsRead eq true or Subject eq 'y",   // closes the literal and widens the filter
      "'",
      "''",
      "' ",
      "a'' or ''b",
      "%27 or 1 eq 1",                          // a percent-encoded quote must stay text
      "x&$top=1000",                           // a second query parameter
      "x#fragment",
      "1 + 1",                                 // '+' reads as a space unless escaped
      "tab\there, new\nline",
      "back\\slash \"double\"",
      "(Subject eq 'a') and (",
  };
  std::vector<outlook::testing::interaction> pages(hostile.size(), empty_page());
  replayed r(pages);
  for (const auto& text : hostile) {
    CAPTURE(text);
    mail::list_messages_options options;
    options.filter = "Subject eq " + outlook::odata::quote(text);
    run([&] { return r.client.me().list_messages(mail::folder::inbox, options); });
  }
  const auto sent = r.transport->sent();
  REQUIRE(sent.size() == hostile.size());
  for (std::size_t i = 0; i < hostile.size(); ++i) {
    CAPTURE(hostile[i]);
    CAPTURE(sent[i].url);
    CHECK_FALSE(query_value(sent[i].url, "$top"));  // no parameter was injected
    const auto filter = query_value(sent[i].url, "$filter");
    REQUIRE(filter);
    REQUIRE(filter->starts_with("Subject eq "));
    const auto literal = read_literal(std::string_view(*filter).substr(11));
    REQUIRE(literal);
    CHECK(literal->first == hostile[i]);                     // the server reads the user's text...
    CHECK(literal->second == filter->size() - 11);           // ...and nothing after the literal
  }
}

TEST_CASE("odata::quote refuses text that is not UTF-8") {
  for (std::string_view bad : {std::string_view("\xC3"), std::string_view("a\xFF"), std::string_view("\xC0\xAF"),
                               std::string_view("\xED\xA0\x80"), std::string_view("\xF4\x90\x80\x80")}) {
    CAPTURE(bad);
    CHECK_THROWS_AS((void)outlook::odata::quote(bad), outlook::request_refused);
  }
}

// ------------------------------------------------------------------ folders

TEST_CASE("find_folder walks display names level by level, paging, ASCII case ignored") {
  replayed r("find_folder_two_levels.json");
  auto found = run([&] { return outlook::find_folder(r.client.me(), "Inbox/Newsletters"); });
  REQUIRE(found);
  CHECK((*found)->id == "AANews=");
  CHECK((*found)->display_name == "newsletters");
  CHECK(r.transport->finished());  // the second top-level page was read, no third one
}

TEST_CASE("find_folder gives nullopt when a name is missing and reads no further") {
  replayed r("find_folder_missing.json");
  auto found = run([&] { return outlook::find_folder(r.client.me(), "Inbox/Newsletters/2026"); });
  CHECK_FALSE(found);
  CHECK(r.transport->finished());
}

TEST_CASE("find_folder_by_names takes names that contain '/'") {
  auto xs = outlook::testing::load_cassette(cassettes / "find_folder_missing.json").interactions;
  xs.resize(1);
  replayed r(xs);
  auto found = run([&] { return outlook::find_folder_by_names(r.client.me(), {"In/box"}); });
  CHECK_FALSE(found);
  REQUIRE(r.transport->sent().size() == 1);
}

TEST_CASE("find_folder refuses empty names before sending anything") {
  replayed r(std::vector<outlook::testing::interaction>{});
  for (std::string_view path : {"", "/", "Inbox/", "/Inbox", "Inbox//Newsletters"}) {
    CAPTURE(path);
    CHECK_THROWS_AS(run([&] { return outlook::find_folder(r.client.me(), path); }), outlook::request_refused);
  }
  CHECK_THROWS_AS(run([&] { return outlook::find_folder_by_names(r.client.me(), {}); }), outlook::request_refused);
  CHECK(r.transport->sent().empty());
}

TEST_CASE("find_folder: a folder without an ID is a decode_error, not a request to a wrong URL") {
  outlook::testing::interaction x;
  x.response.status = 200;
  x.response.headers = {{"Content-Type", "application/json"}};
  x.response.body = R"({"value": [{"DisplayName": "Inbox"}]})";
  replayed r({x});
  CHECK_THROWS_AS(run([&] { return outlook::find_folder(r.client.me(), "Inbox/Newsletters"); }), outlook::decode_error);
  CHECK(r.transport->sent().size() == 1);
}

TEST_CASE("find_folder: an error of the service surfaces as api_error") {
  outlook::testing::interaction x;
  x.response.status = 403;
  x.response.headers = {{"Content-Type", "application/json"}};
  x.response.body = R"({"error": {"code": "ErrorAccessDenied", "message": "Access is denied."}})";
  replayed r({x});
  try {
    run([&] { return outlook::find_folder(r.client.me(), "Inbox"); });
    FAIL("expected an api_error");
  } catch (const outlook::api_error& e) {
    CHECK(e.status() == 403);
    CHECK(e.code() == "ErrorAccessDenied");
  }
}

TEST_CASE("create_top_level_folder creates the folder under MsgFolderRoot") {
  replayed r("create_top_level_folder.json");
  auto folder = run([&] { return outlook::create_top_level_folder(r.client.me(), "Newsletters"); });
  CHECK(folder->id == "AANews=");
  CHECK(folder->display_name == "Newsletters");
  CHECK(r.transport->finished());
}

TEST_CASE("the helpers work on another user's mailbox too") {
  auto xs = outlook::testing::load_cassette(cassettes / "create_top_level_folder.json").interactions;
  xs[0].request->url = "https://outlook.office.com/api/v2.0/users/alex%40contoso.com/MailFolders/MsgFolderRoot/childfolders";
  replayed r(xs);
  auto folder = run([&] { return outlook::create_top_level_folder(r.client.user("alex@contoso.com"), "Newsletters"); });
  CHECK(folder->id == "AANews=");
}

TEST_CASE("testing::run accepts an awaitable as well as a callable") {
  replayed r("create_top_level_folder.json");
  auto folder = run(outlook::create_top_level_folder(r.client.me(), "Newsletters"));
  CHECK(folder->id == "AANews=");
}
