// Unit tests of the Graph JSON batch (outlook/batch.hpp) over the replay transport: the
// recorded batch of tests/unit/cassettes, answers out of order, dependsOn, a failed item
// among successes, inner 429s retried alone after their Retry-After, the 20-request limit,
// refused items, and answers that are not batch answers.
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "outlook/batch.hpp"
#include "outlook/error.hpp"
#include "outlook/graph/client.hpp"
#include "outlook/testing/cassette.hpp"
#include "outlook/testing/replay_transport.hpp"
#include "session_test_support.hpp"

namespace graph = outlook::graph;
using outlook::testing::interaction;
using outlook::testing::replay_transport;
using namespace std::chrono_literals;
using session_test::respond;
using session_test::run;
using session_test::thrown;

namespace {

struct fixture {
  std::shared_ptr<replay_transport> transport;
  graph::client client;

  explicit fixture(std::vector<interaction> xs, bool retries = true)
      : transport(std::make_shared<replay_transport>(std::move(xs))),
        client(transport, outlook::fixed_token("t0ken-for-tests"), options(retries)) {}

  static outlook::client_options options(bool retries) {
    outlook::client_options o;
    o.retry.enabled = retries;
    o.retry.initial_backoff = 1ms;
    return o;
  }

  /// The inner requests of the n-th batch sent.
  [[nodiscard]] boost::json::array inner_requests(std::size_t n) const {
    const auto sent = transport->sent();
    REQUIRE(sent.size() > n);
    CHECK(sent[n].url == "https://graph.microsoft.com/v1.0/$batch");
    return boost::json::parse(sent[n].body).at("requests").as_array();
  }
};

graph::message_patch mark_read() { return graph::message_patch{}.is_read(true); }

std::string answer(std::initializer_list<std::string> responses) {
  std::string body = R"({"responses":[)";
  bool first = true;
  for (const auto& r : responses) {
    if (!first) body += ',';
    first = false;
    body += r;
  }
  return body + "]}";
}

std::string ok_message(const std::string& id, const std::string& message_id) {
  return R"({"id":")" + id + R"(","status":200,"headers":{"Content-Type":"application/json"},"body":{"id":")" + message_id +
         R"(","isRead":true}})";
}

std::string throttled(const std::string& id) {
  return R"({"id":")" + id + R"(","status":429,"headers":{"Retry-After":"0"},"body":{"error":{"code":"ApplicationThrottled","message":"MailboxConcurrency"}}})";
}

std::string failed_dependency(const std::string& id) {
  return R"({"id":")" + id + R"(","status":424,"body":{"error":{"code":"","message":"Failed dependency"}}})";
}

std::vector<std::string> ids_of(const boost::json::array& requests) {
  std::vector<std::string> ids;
  for (const auto& r : requests) ids.emplace_back(r.at("id").as_string());
  return ids;
}

}  // namespace

TEST_CASE("batch: the recorded batch is sent as recorded and each answer lands on its own item, whatever the order") {
  const auto cassette = outlook::testing::load_cassette(std::filesystem::path(OUTLOOK_MAIL_UNIT_CASSETTES) / "graph_batch_mark_read.json");
  fixture f(cassette.interactions);
  auto me = f.client.me();
  outlook::json_batch batch;
  auto a = batch.add(me.update_message_request("AAMkAGI2TAAA=", mark_read()));
  auto b = batch.add(me.update_message_request("AAMkAGI2TBBB=", mark_read()));
  graph::get_message_options select;
  select.select = {"subject", "isRead"};
  auto c = batch.add(me.get_message_request("AAMkAGI2TBBB=", select), {b});
  auto d = batch.add(me.update_message_request("AAMkAGI2TGONE=", mark_read()));
  run([&] { return batch.send(); });

  CHECK(f.transport->finished());
  CHECK(a.get()->subject == "Lunch");
  CHECK(b.get()->id == "AAMkAGI2TBBB=");
  CHECK(c.get()->subject == "Budget");
  CHECK(c.get()->is_read == true);
  CHECK(!d.ok());
  CHECK(d.status() == 404);
  try {
    (void)d.get();
    FAIL("a failed item must throw");
  } catch (const outlook::api_error& e) {
    CHECK(e.status() == 404);
    CHECK(e.code() == "ErrorItemNotFound");
  }
}

TEST_CASE("batch: an item answered 429 is sent again alone, with its dependants, after its Retry-After") {
  fixture f({respond(200, answer({ok_message("1", "m1"), throttled("2"), failed_dependency("3")})),
             respond(200, answer({ok_message("3", "m2"), ok_message("2", "m2")}))});
  auto me = f.client.me();
  outlook::json_batch batch;
  auto a = batch.add(me.update_message_request("m1", mark_read()));
  auto b = batch.add(me.update_message_request("m2", mark_read()));
  auto c = batch.add(me.get_message_request("m2"), {b});
  run([&] { return batch.send(); });

  REQUIRE(f.transport->sent().size() == 2);
  const auto second = f.inner_requests(1);
  CHECK(ids_of(second) == std::vector<std::string>{"2", "3"});
  CHECK(second[1].at("dependsOn").as_array() == boost::json::array{"2"});
  CHECK(a.ok());
  CHECK(b.get()->id == "m2");
  CHECK(c.get()->id == "m2");
}

TEST_CASE("batch: a prerequisite answered in an earlier round is dropped from dependsOn") {
  fixture f({respond(200, answer({ok_message("1", "m1"), throttled("2")})), respond(200, answer({ok_message("2", "m1")}))});
  auto me = f.client.me();
  outlook::json_batch batch;
  auto a = batch.add(me.update_message_request("m1", mark_read()));
  auto b = batch.add(me.get_message_request("m1"), {a});
  run([&] { return batch.send(); });
  const auto second = f.inner_requests(1);
  REQUIRE(second.size() == 1);
  CHECK(second[0].as_object().if_contains("dependsOn") == nullptr);
  CHECK(b.ok());
}

TEST_CASE("batch: inner 429s are not retried when retries are off, nor beyond the policy's attempts") {
  SUBCASE("off") {
    fixture f({respond(200, answer({throttled("1")}))}, false);
    outlook::json_batch batch;
    auto a = batch.add(f.client.me().delete_message_request("m1"));
    run([&] { return batch.send(); });
    CHECK(a.status() == 429);
    CHECK_THROWS_AS(a.get(), outlook::api_error);
  }
  SUBCASE("four attempts at most") {
    std::vector<interaction> xs;
    for (int i = 0; i < 4; ++i) xs.push_back(respond(200, answer({throttled("1")})));
    fixture f(xs);
    outlook::json_batch batch;
    auto a = batch.add(f.client.me().delete_message_request("m1"));
    run([&] { return batch.send(); });
    CHECK(f.transport->finished());
    CHECK(a.status() == 429);
  }
}

TEST_CASE("batch: a failed item among successes; its dependants fail with 424") {
  fixture f({respond(200, answer({failed_dependency("2"),
                                  R"({"id":"1","status":404,"body":{"error":{"code":"ErrorItemNotFound","message":"gone"}}})",
                                  R"({"id":"3","status":204})"}))});
  auto me = f.client.me();
  outlook::json_batch batch;
  auto a = batch.add(me.update_message_request("gone", mark_read()));
  auto b = batch.add(me.get_message_request("gone"), {a});
  auto c = batch.add(me.delete_message_request("other"));
  run([&] { return batch.send(); });
  CHECK(f.transport->sent().size() == 1);
  CHECK(a.status() == 404);
  CHECK(b.status() == 424);
  CHECK_THROWS_AS(b.get(), outlook::api_error);
  CHECK(c.ok());
  c.get();  // void: nothing to return, nothing thrown
}

TEST_CASE("batch: more than 20 requests are refused before anything is sent") {
  fixture f({});
  outlook::json_batch batch;
  for (int i = 0; i < 21; ++i) (void)batch.add(f.client.me().delete_message_request("m" + std::to_string(i)));
  auto e = thrown<outlook::request_refused>([&] { return batch.send(); });
  REQUIRE(e);
  CHECK(std::string(e->what()).find("at most 20") != std::string::npos);
  CHECK(f.transport->sent().empty());
}

TEST_CASE("batch: a refused request fails alone (and its dependants); the others are sent") {
  fixture f({respond(200, answer({R"({"id":"2","status":204})"}))});
  auto me = f.client.me();
  outlook::json_batch batch;
  auto a = batch.add(me.delete_message_request(""));  // an empty ID
  auto b = batch.add(me.delete_message_request("m2"));
  auto c = batch.add(me.get_message_request("m3"), {a});
  run([&] { return batch.send(); });
  CHECK(ids_of(f.inner_requests(0)) == std::vector<std::string>{"2"});
  CHECK_THROWS_AS(a.get(), outlook::request_refused);
  CHECK(b.ok());
  CHECK_THROWS_AS(c.get(), outlook::request_refused);
}

TEST_CASE("batch: answers that are not batch answers") {
  SUBCASE("an item without an answer") {
    fixture f({respond(200, answer({R"({"id":"1","status":204})"}))});
    outlook::json_batch batch;
    auto a = batch.add(f.client.me().delete_message_request("m1"));
    auto b = batch.add(f.client.me().delete_message_request("m2"));
    run([&] { return batch.send(); });
    CHECK(a.ok());
    CHECK_THROWS_AS(b.get(), outlook::decode_error);
  }
  SUBCASE("an answer for a request that was not sent") {
    fixture f({respond(200, answer({R"({"id":"7","status":204})"}))});
    outlook::json_batch batch;
    auto a = batch.add(f.client.me().delete_message_request("m1"));
    CHECK(thrown<outlook::decode_error>([&] { return batch.send(); }));
    CHECK_THROWS_AS(a.get(), outlook::decode_error);
  }
  SUBCASE("not an object with responses") {
    fixture f({respond(200, R"([1,2])")});
    outlook::json_batch batch;
    (void)batch.add(f.client.me().delete_message_request("m1"));
    CHECK(thrown<outlook::decode_error>([&] { return batch.send(); }));
  }
  SUBCASE("the batch itself refused") {
    fixture f({respond(400, R"({"error":{"code":"BadRequest","message":"Invalid batch payload format."}})")});
    outlook::json_batch batch;
    auto a = batch.add(f.client.me().delete_message_request("m1"));
    CHECK(thrown<outlook::api_error>([&] { return batch.send(); }));
    CHECK_THROWS_AS(a.get(), outlook::api_error);
  }
}

TEST_CASE("batch: an item read before send, a second send, a dependency on another batch") {
  fixture f({respond(200, answer({R"({"id":"1","status":204})"}))});
  outlook::json_batch batch, other;
  auto foreign = other.add(f.client.me().delete_message_request("x"));
  auto a = batch.add(f.client.me().delete_message_request("m1"));
  auto b = batch.add(f.client.me().delete_message_request("m2"), {foreign});
  CHECK_THROWS_AS(a.get(), outlook::request_refused);
  run([&] { return batch.send(); });
  CHECK(a.ok());
  CHECK_THROWS_AS(b.get(), outlook::request_refused);
  CHECK(thrown<outlook::request_refused>([&] { return batch.send(); }));
}
