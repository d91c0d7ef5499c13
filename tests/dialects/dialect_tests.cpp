// One API for both dialects (scenario.inc compiled against outlook::mail and
// SPDX-License-Identifier: BSL-1.0
// outlook::graph, each run against a replay of its own recorded exchanges), and the
// Graph-only runtime pieces that a cassette alone cannot show: the upload URL's token
// kept out of errors, sync_reset_required, typed item attachments, MIME into a sink.
// One translation unit on purpose: both bindings are compiled here once.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "outlook/graph.hpp"
#include "outlook/mail.hpp"
#include "outlook/testing/cassette.hpp"
#include "outlook/testing/recording_transport.hpp"
#include "outlook/testing/replay_transport.hpp"

namespace on_mail {
namespace api = outlook::mail;
#include "scenario.inc"
}  // namespace on_mail

namespace on_graph {
namespace api = outlook::graph;
#include "scenario.inc"
}  // namespace on_graph

namespace {

const std::filesystem::path here = OUTLOOK_DIALECT_TESTS_DIR;
constexpr const char* token = "eyJ0eXAi.dialect-tests-secret";

std::shared_ptr<outlook::testing::replay_transport> replay(const std::string& file) {
  return std::make_shared<outlook::testing::replay_transport>(outlook::testing::load_cassette(here / file).interactions);
}

outlook::client_options no_retry() {
  outlook::client_options o;
  o.retry.enabled = false;
  return o;
}

/// Runs a coroutine to completion; rethrows what it threw.
template <class T>
T run(boost::asio::awaitable<T> a) {
  boost::asio::io_context io;
  std::optional<T> result;
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(a), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) result = std::move(v);
  });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

void run_void(boost::asio::awaitable<void> a) {
  boost::asio::io_context io;
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(a), [&](std::exception_ptr e) { error = e; });
  io.run();
  if (error) std::rethrow_exception(error);
}

template <class Result>
void check_scenario(const Result& r) {
  CHECK(r.subjects == std::vector<std::string>{"Quarterly numbers", "Offsite agenda", "Badge renewal"});
  CHECK(r.first_subject == "Quarterly numbers");
  CHECK(r.patched_read);
  CHECK(r.moved_parent == "AAMkDeleted=");
  CHECK(r.attachment_names == std::vector<std::string>{"notes.txt", "Team sync"});
  CHECK(r.file_texts == std::vector<std::string>{"Hello, world!"});
  CHECK(r.folder_names == std::vector<std::string>{"Inbox", "Archive"});
  CHECK(r.created_folder == "Receipts");
  CHECK(r.sync_changes == 2);
  CHECK(r.sync_removed == 1);
  CHECK(r.sync_state.complete());
  CHECK(r.auto_reply_status.size() > 0);
}

}  // namespace

TEST_CASE("the same source runs against Outlook REST v2.0") {
  auto transport = replay("scenario_outlook_v2.json");
  outlook::mail::client client(transport, outlook::fixed_token(token), no_retry());
  auto r = run(on_mail::run_scenario(client, "IsRead eq false"));
  check_scenario(r);
  CHECK(r.sync_state.delta_token == "round2");  // v2.0 keeps the bare token
  CHECK(r.auto_reply_status == "Scheduled");
  CHECK(transport->finished());
}

TEST_CASE("the same source runs against Microsoft Graph v1.0") {
  auto transport = replay("scenario_graph_v1.json");
  outlook::graph::client client(transport, outlook::fixed_token(token), no_retry());
  auto r = run(on_graph::run_scenario(client, "isRead eq false"));
  check_scenario(r);
  // Graph keeps the whole delta link; it is passed back as options.delta_link.
  CHECK(r.sync_state.delta_token == "https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/delta?%24deltatoken=round2");
  CHECK(r.auto_reply_status == "scheduled");
  CHECK(transport->finished());
}

// GCC 12 destroys a brace-initialized temporary that lives in a co_await expression
// without having built it there ("free(): invalid pointer"); a defaulted `options = {}`
// argument was such a temporary in every generated operation. Each call below leaves its
// options out, inside co_await, as users write it.
template <class Client>
boost::asio::awaitable<std::size_t> sync_folders_with_options_left_out(Client client) {
  auto round = co_await client.me().sync_folders();
  co_return round.changes.size();
}

TEST_CASE("an operation awaited with its options left out (GCC 12 coroutine temporaries)") {
  SUBCASE("Outlook REST v2.0") {
    auto transport = replay("../fixtures/sync/sync_folders_full_round.json");
    CHECK(run(sync_folders_with_options_left_out(outlook::mail::client(transport, outlook::fixed_token(token), no_retry()))) > 0);
    CHECK(transport->finished());
  }
  SUBCASE("Microsoft Graph v1.0") {
    auto transport = replay("../fixtures/graph/sync/sync_folders_full_round.json");
    CHECK(run(sync_folders_with_options_left_out(outlook::graph::client(transport, outlook::fixed_token(token), no_retry()))) > 0);
    CHECK(transport->finished());
  }
}

namespace graph = outlook::graph;

TEST_CASE("Graph: an upload URL's token appears in no error message; the attachment ID comes from Location") {
  SUBCASE("rejected range") {
    auto transport = replay("../fixtures/graph/attachments/upload_attachment_rejected.json");
    graph::client client(transport, outlook::fixed_token(token), no_retry());
    const graph::attachment_item item{.attachment_type = graph::attachment_type::file, .name = "data.bin"};
    std::string content;
    for (int i = 0; i < 640; ++i) content += "0123456789abcdef";
    graph::upload_attachment_options o;
    o.range_size = 4096;
    try {
      run(client.me().upload_attachment("AAMkAGE1M2IyNGNmLTI5MTktNDUyZi1iOTVlLWE4MjRiNjE4ZTNmNgBGAAAAAAC6jQfUzacTSIHqMw2yacnUBwBiOC8xvYmdT6G2E_hLMK5kAAAAAAEMAABiOC8xvYmdT6G2E_hLMK5kAAFpaGYmAAA=",
                                        item, outlook::to_bytes(content), o));
      FAIL("expected an api_error");
    } catch (const outlook::api_error& e) {
      CHECK(e.status() == 416);
      const std::string text = std::string(e.what()) + e.body() + e.service_message();
      CHECK(text.find("upload-secret") == std::string::npos);
      CHECK(text.find("AttachmentSessions") == std::string::npos);
    }
  }
  SUBCASE("progress per range and the new ID") {
    auto transport = replay("../fixtures/graph/attachments/upload_attachment.json");
    graph::client client(transport, outlook::fixed_token(token), no_retry());
    std::string content;
    for (int i = 0; i < 640; ++i) content += "0123456789abcdef";
    std::vector<std::uint64_t> seen;
    graph::upload_attachment_options o;
    o.range_size = 4096;
    o.progress = [&](std::uint64_t done, std::uint64_t total) {
      CHECK(total == 10240);
      seen.push_back(done);
    };
    auto id = run(client.me().upload_attachment(
        "AAMkAGE1M2IyNGNmLTI5MTktNDUyZi1iOTVlLWE4MjRiNjE4ZTNmNgBGAAAAAAC6jQfUzacTSIHqMw2yacnUBwBiOC8xvYmdT6G2E_hLMK5kAAAAAAEMAABiOC8xvYmdT6G2E_hLMK5kAAFpaGYmAAA=",
        graph::attachment_item{.attachment_type = graph::attachment_type::file, .name = "data.bin"}, outlook::to_bytes(content), o));
    CHECK(id == "AAMkUpl1=");
    CHECK(seen == std::vector<std::uint64_t>{4096, 8192, 10240});
    CHECK(transport->finished());
  }
}

TEST_CASE("Graph: a recording of an upload keeps neither the token nor the upload URL's authtoken") {
  auto recorder = std::make_shared<outlook::testing::recording_transport>(replay("../fixtures/graph/attachments/upload_attachment.json"));
  graph::client client(recorder, outlook::fixed_token(token), no_retry());
  std::string content;
  for (int i = 0; i < 640; ++i) content += "0123456789abcdef";
  graph::upload_attachment_options o;
  o.range_size = 4096;
  run(client.me().upload_attachment("AAMkAGE1M2IyNGNmLTI5MTktNDUyZi1iOTVlLWE4MjRiNjE4ZTNmNgBGAAAAAAC6jQfUzacTSIHqMw2yacnUBwBiOC8xvYmdT6G2E_hLMK5kAAAAAAEMAABiOC8xvYmdT6G2E_hLMK5kAAFpaGYmAAA=",
                                    graph::attachment_item{.attachment_type = graph::attachment_type::file, .name = "data.bin"}, outlook::to_bytes(content), o));
  const std::string recorded = boost::json::serialize(recorder->interactions());
  CHECK(recorded.find("upload-secret") == std::string::npos);
  CHECK(recorded.find("dialect-tests-secret") == std::string::npos);
  CHECK(recorded.find("authtoken=<redacted>") != std::string::npos);
  REQUIRE(recorder->interactions().size() == 4);
  // The ranges went without Authorization.
  const auto& put = recorder->interactions().at(1).as_object().at("request").as_object();
  CHECK(put.at("method") == "PUT");
  CHECK(!put.at("headers").as_object().contains("Authorization"));
}

TEST_CASE("Graph: a forgotten delta link is sync_reset_required, an api_error") {
  auto transport = replay("../fixtures/graph/sync/sync_messages_reset_410.json");
  graph::client client(transport, outlook::fixed_token(token), no_retry());
  graph::sync_messages_options o;
  o.delta_link = "https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/delta?%24deltatoken=LztZwWjo5IivWBhyxw5rABQ3cEgfZxcbmQ9EsbNB4lfTJv1yCVj1Ql74e9w";
  CHECK_THROWS_AS(run(client.me().sync_messages("inbox", o)), outlook::sync_reset_required);
}

TEST_CASE("Graph: an item attachment's item is typed (event, contact, message)") {
  auto transport = replay("../fixtures/graph/attachments/get_attachment_item_expand.json");
  graph::client client(transport, outlook::fixed_token(token), no_retry());
  graph::get_attachment_options o;
  o.expand = {"microsoft.graph.itemAttachment/item"};
  auto a = run(client.me().get_attachment(
      "AAMkAGE1M2IyNGNmLTI5MTktNDUyZi1iOTVlLWE4MjRiNjE4ZTNmNgBGAAAAAAC6jQfUzacTSIHqMw2yacnUBwBiOC8xvYmdT6G2E_hLMK5kAAAAAAEMAABiOC8xvYmdT6G2E_hLMK5kAAFpaGYmAAA=",
      "AAMkItm1=", o));
  const auto* item_attachment = a.as<graph::item_attachment>();
  REQUIRE(item_attachment);
  REQUIRE(item_attachment->item);
  const auto* ev = item_attachment->item->as<graph::event>();
  REQUIRE(ev);
  CHECK(ev->subject == "Team sync");
  CHECK(ev->recurrence->pattern->days_of_week.at(0) == graph::day_of_week::tuesday);
  CHECK(item_attachment->item->as<graph::contact>() == nullptr);

  graph::item_attachment made{};
  made.item = graph::contact{.given_name = "Pavel"};
  CHECK(made.item->as<graph::contact>()->given_name == "Pavel");
  made.item = graph::event_message{};
  CHECK(made.item->is<graph::event_message>());
}

TEST_CASE("Graph: a message's MIME as bytes and into a sink") {
  const std::string mid =
      "AAMkAGE1M2IyNGNmLTI5MTktNDUyZi1iOTVlLWE4MjRiNjE4ZTNmNgBGAAAAAAC6jQfUzacTSIHqMw2yacnUBwBiOC8xvYmdT6G2E_hLMK5kAAAAAAEMAABiOC8xvYmdT6G2E_hLMK5kAAFpaGYmAAA=";
  const auto recorded = outlook::testing::load_cassette(here / "../fixtures/graph/messages/get_message_mime.json");
  const std::string mime = *recorded.interactions.at(0).response.body;
  {
    graph::client client(replay("../fixtures/graph/messages/get_message_mime.json"), outlook::fixed_token(token), no_retry());
    CHECK(outlook::to_string(run(client.me().get_message_mime(mid))) == mime);
  }
  {
    graph::client client(replay("../fixtures/graph/messages/get_message_mime.json"), outlook::fixed_token(token), no_retry());
    std::string sunk;
    run_void(client.me().get_message_mime(mid, [&](std::string_view piece) { sunk += piece; }));
    CHECK(sunk == mime);
  }
}

TEST_CASE("Graph: an attachment's raw content ($value) as bytes and into a sink") {
  const std::string mid =
      "AAMkAGE1M2IyNGNmLTI5MTktNDUyZi1iOTVlLWE4MjRiNjE4ZTNmNgBGAAAAAAC6jQfUzacTSIHqMw2yacnUBwBiOC8xvYmdT6G2E_hLMK5kAAAAAAEMAABiOC8xvYmdT6G2E_hLMK5kAAFpaGYmAAA=";
  const std::string aid =
      "AAMkAGE1M2IyNGNmLTI5MTktNDUyZi1iOTVlLWE4MjRiNjE4ZTNmNgBGAAAAAAC6jQfUzacTSIHqMw2yacnUBwBiOC8xvYmdT6G2E_hLMK5kAAAAAAEMAABiOC8xvYmdT6G2E_hLMK5kAAFpaGYmAAABEgAQAPa9Iq2mMUZChgZw4z0kkuc=";
  const std::string cassette = "../fixtures/graph/attachments/get_attachment_content.json";
  const std::string content = *outlook::testing::load_cassette(here / cassette).interactions.at(0).response.body;
  REQUIRE(!content.empty());
  {
    graph::client client(replay(cassette), outlook::fixed_token(token), no_retry());
    CHECK(outlook::to_string(run(client.me().get_attachment_content(mid, aid))) == content);
  }
  {
    graph::client client(replay(cassette), outlook::fixed_token(token), no_retry());
    std::string sunk;
    run_void(client.me().get_attachment_content(mid, aid, [&](std::string_view piece) { sunk += piece; }));
    CHECK(sunk == content);
  }
}

namespace {

/// get_attachment twice from the same cassette: whole, then with the content to a sink.
template <class Client, class File>
void check_attachment_to_sink(const std::string& cassette, std::string_view message_id, std::string_view attachment_id) {
  Client whole_client(replay(cassette), outlook::fixed_token(token), no_retry());
  auto whole = run(whole_client.me().get_attachment(message_id, attachment_id));
  const auto* whole_file = whole.template as<File>();
  REQUIRE(whole_file != nullptr);
  REQUIRE(whole_file->content_bytes.has_value());
  REQUIRE_FALSE(whole_file->content_bytes->empty());

  Client client(replay(cassette), outlook::fixed_token(token), no_retry());
  std::string sunk;
  auto rest = run(client.me().get_attachment(message_id, attachment_id, [&](std::string_view piece) { sunk += piece; }));
  const auto* file = rest.template as<File>();
  REQUIRE(file != nullptr);
  CHECK(sunk == outlook::to_string(*whole_file->content_bytes));
  CHECK_FALSE(file->content_bytes.has_value());
  File expected = *whole_file;
  expected.content_bytes.reset();
  CHECK(*file == expected);
}

}  // namespace

TEST_CASE("get_attachment into a sink: the decoded contentBytes go to the sink, the rest is the same (both dialects)") {
  check_attachment_to_sink<outlook::mail::client, outlook::mail::file_attachment>(
      "../fixtures/attachments/get_attachment_file.json", "AAMkAGI2THVSAAA=", "AAMkAGI2j4kShdM=");
  check_attachment_to_sink<graph::client, graph::file_attachment>(
      "../fixtures/graph/attachments/get_attachment_file.json",
      "AAMkAGE1M2IyNGNmLTI5MTktNDUyZi1iOTVlLWE4MjRiNjE4ZTNmNgBGAAAAAAC6jQfUzacTSIHqMw2yacnUBwBiOC8xvYmdT6G2E_hLMK5kAAAAAAEMAABiOC8xvYmdT6G2E_hLMK5kAAFpaGYmAAA=",
      "AAMkAGE1M2IyNGNmLTI5MTktNDUyZi1iOTVlLWE4MjRiNjE4ZTNmNgBGAAAAAAC6jQfUzacTSIHqMw2yacnUBwBiOC8xvYmdT6G2E_hLMK5kAAAAAAEMAABiOC8xvYmdT6G2E_hLMK5kAAFpaGYmAAABEgAQAO8GmrGDIJhLkKzT7_BAr4Q=");
}

TEST_CASE("Graph: upload_attachment reads its content range by range from a source or a file") {
  const std::string mid =
      "AAMkAGE1M2IyNGNmLTI5MTktNDUyZi1iOTVlLWE4MjRiNjE4ZTNmNgBGAAAAAAC6jQfUzacTSIHqMw2yacnUBwBiOC8xvYmdT6G2E_hLMK5kAAAAAAEMAABiOC8xvYmdT6G2E_hLMK5kAAFpaGYmAAA=";
  std::string content;
  for (int i = 0; i < 640; ++i) content += "0123456789abcdef";
  graph::upload_attachment_options o;
  o.range_size = 4096;
  SUBCASE("a reader callback is asked for each range, never for the whole") {
    auto transport = replay("../fixtures/graph/attachments/upload_attachment.json");
    graph::client client(transport, outlook::fixed_token(token), no_retry());
    std::vector<std::pair<std::uint64_t, std::size_t>> reads;
    outlook::upload_source source{content.size(), [&](std::uint64_t offset, std::size_t length) {
                                    reads.emplace_back(offset, length);
                                    return content.substr(static_cast<std::size_t>(offset), length);
                                  }};
    auto id = run(client.me().upload_attachment(mid, graph::attachment_item{.attachment_type = graph::attachment_type::file, .name = "data.bin"},
                                                source, o));
    CHECK(id == "AAMkUpl1=");
    CHECK(reads == std::vector<std::pair<std::uint64_t, std::size_t>>{{0, 4096}, {4096, 4096}, {8192, 2048}});
    CHECK(transport->finished());
  }
  SUBCASE("a file") {
    const auto path = std::filesystem::temp_directory_path() / "outlook-mail-dialect-upload.bin";
    {
      std::ofstream out(path, std::ios::binary);
      out << content;
    }
    auto transport = replay("../fixtures/graph/attachments/upload_attachment.json");
    graph::client client(transport, outlook::fixed_token(token), no_retry());
    auto id = run(client.me().upload_attachment(mid, graph::attachment_item{.attachment_type = graph::attachment_type::file, .name = "data.bin"},
                                                outlook::upload_source::from_file(path), o));
    std::filesystem::remove(path);
    CHECK(id == "AAMkUpl1=");
    CHECK(transport->finished());
  }
  SUBCASE("a source that gives fewer bytes than asked is refused, not sent short") {
    auto transport = replay("../fixtures/graph/attachments/upload_attachment.json");
    graph::client client(transport, outlook::fixed_token(token), no_retry());
    outlook::upload_source source{content.size(), [&](std::uint64_t, std::size_t) { return std::string("short"); }};
    CHECK_THROWS_WITH_AS(run(client.me().upload_attachment(mid, graph::attachment_item{.attachment_type = graph::attachment_type::file, .name = "data.bin"},
                                                           source, o)),
                         "the upload source gave 5 bytes where 4096 were asked for", outlook::request_refused);
  }
  CHECK_THROWS_AS(outlook::upload_source::from_file("/nonexistent/outlook-mail-upload.bin"), outlook::request_refused);
}
