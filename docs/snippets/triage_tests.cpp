// The doctest of docs/testing.md: the triage logic of triage.cpp against hand-written
// cassettes (cassettes/), through the replay transport. CI builds and runs it (tests/docs
// and the scratch consumer tests/packaging/consumers/triage).
// SPDX-License-Identifier: BSL-1.0
// snippet-begin: setup
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <outlook/mail.hpp>
#include <outlook/testing/cassette.hpp>          // load_cassette
#include <outlook/testing/recording_transport.hpp>  // recording_transport
#include <outlook/testing/replay_transport.hpp>  // replay_transport, cassette_mismatch
#include <outlook/testing/run.hpp>               // run: an awaitable to completion

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "triage.hpp"

namespace mail = outlook::mail;

// A client whose requests are answered from a cassette instead of the network.
struct replayed_client {
  std::shared_ptr<outlook::testing::replay_transport> transport;
  mail::client client;

  explicit replayed_client(const std::string& cassette)
      : transport(std::make_shared<outlook::testing::replay_transport>(
            outlook::testing::load_cassette(std::string(CASSETTE_DIR) + "/" + cassette).interactions)),
        client(transport, outlook::fixed_token("test-token"), without_retries()) {}

  // Retries would send a failed request again, which the cassette did not record.
  static outlook::client_options without_retries() {
    outlook::client_options options;
    options.retry.enabled = false;
    return options;
  }
};
// snippet-end: setup

// snippet-begin: triage-test
TEST_CASE("triage marks the newest unread message read and moves the newsletters") {
  replayed_client replay("triage.json");

  const auto result = outlook::testing::run([&] { return triage(replay.client.me(), "news@contoso.com"); });

  REQUIRE(result.unread.size() == 3);
  CHECK(result.unread[0].subject == "Lunch on Friday?");
  CHECK(outlook::format_date_time(*result.unread[0].received) == "2026-11-27T09:30:00Z");
  CHECK(result.marked_read == "AAMk-1=");
  CHECK(result.newsletters_folder == "AAMk-news=");
  CHECK(result.moved == 2);
  CHECK(replay.transport->finished());  // every recorded request was made
}
// snippet-end: triage-test

// snippet-begin: sync-test
TEST_CASE("a sync round that fails half-way resumes from the saved state") {
  replayed_client replay("sync_inbox.json");
  std::string saved;  // what a program keeps in a file or a database
  auto save = [&](const std::string& state) { saved = state; };

  // Round 1: the tokenless request, its delta link (followed once), then a reset.
  CHECK_THROWS_AS(outlook::testing::run([&] { return sync_inbox(replay.client.me(), "", save); }),
                  outlook::transport_error);
  CHECK(saved == "skip:S1");  // inside a round: resume at the skip token

  const auto summary = outlook::testing::run([&] { return sync_inbox(replay.client.me(), saved, save); });
  CHECK(summary.removed == std::vector<std::string>{"AAMk-9="});  // from {"id": "Messages('AAMk-9=')", ...}
  CHECK(summary.changed == std::vector<std::string>{"Lunch"});
  CHECK(saved == "delta:D2");  // round complete: the next round starts from the delta token
  CHECK(replay.transport->finished());
}
// snippet-end: sync-test

// snippet-begin: mismatch-test
TEST_CASE("a request the cassette did not record fails with cassette_mismatch") {
  replayed_client replay("triage.json");
  try {  // the cassette records the newsletters of news@contoso.com, not of this sender
    outlook::testing::run([&] { return triage(replay.client.me(), "o'brien@contoso.com"); });
    FAIL("expected a cassette_mismatch");
  } catch (const outlook::testing::cassette_mismatch& e) {
    MESSAGE(std::string(e.what()));  // which interaction, the request sent, and how it differs
    CHECK(std::string(e.what()).starts_with("interaction 5 of 7"));
  }
}
// snippet-end: mismatch-test

// snippet-begin: record
// Runs triage once through `service` and saves what went over the wire as a cassette.
// With a real mailbox: record_triage(io, outlook::make_beast_transport(io.get_executor()),
// token, "cassettes/my_triage.json"). The token is written as "Bearer <redacted>".
void record_triage(boost::asio::io_context& io, outlook::transport_ptr service, const std::string& token,
                   const std::filesystem::path& cassette) {
  auto recorder = std::make_shared<outlook::testing::recording_transport>(std::move(service));
  mail::client client(recorder, outlook::fixed_token(token), replayed_client::without_retries());
  outlook::testing::run(io, [&] { return triage(client.me(), "news@contoso.com"); });
  recorder->save(cassette, "triage against my mailbox", {});
}
// snippet-end: record

TEST_CASE("a recorded cassette replays") {
  // Here the "service" is itself a replay of triage.json; against a real mailbox it is
  // the Beast transport.
  replayed_client service("triage.json");
  const auto file = std::filesystem::temp_directory_path() / "outlook-mail-docs-recorded-triage.json";
  boost::asio::io_context io;
  record_triage(io, service.transport, "secret-token", file);

  auto again = std::make_shared<outlook::testing::replay_transport>(outlook::testing::load_cassette(file).interactions);
  mail::client client(again, outlook::fixed_token("another-token"), replayed_client::without_retries());
  const auto result = outlook::testing::run([&] { return triage(client.me(), "news@contoso.com"); });
  CHECK(result.moved == 2);
  CHECK(again->finished());
  std::filesystem::remove(file);
}
