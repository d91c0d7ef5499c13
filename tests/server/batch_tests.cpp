// POST /v1.0/$batch on the local server, through the Graph client's json_batch over HTTPS:
// each item runs through the server's routing, dependsOn is honoured (a failed
// prerequisite gives 424), malformed batches are one 400.
//
// SPDX-License-Identifier: BSL-1.0
#include "fixture.hpp"

#include <outlook/batch.hpp>
#include <outlook/graph.hpp>

#include <boost/json/parse.hpp>

#include <string>
#include <vector>

namespace graph = outlook::graph;
using server_tests::fixture;

namespace {

std::vector<graph::message> graph_inbox(fixture& f, graph::client& c) {
  graph::list_messages_options o;
  o.top = 50;
  auto page = f.go(c.me().list_messages(graph::folder::inbox, o));
  std::vector<graph::message> out;
  for (auto& m : page.value) out.push_back(*m);
  return out;
}

}  // namespace

TEST_CASE("server $batch: items run through the server's routing, each with its own answer") {
  fixture f;
  auto adele = f.clients.client_of<graph::client>("adele-token", "/v1.0");
  auto me = adele.me();
  std::vector<std::string> unread;
  for (const auto& m : graph_inbox(f, adele))
    if (m.is_read == false) unread.push_back(m.id.value_or(""));
  REQUIRE(unread.size() == 3);

  outlook::json_batch batch;
  std::vector<outlook::batch_item<outlook::poly<graph::message>>> marked;
  const auto patch = graph::message_patch{}.is_read(true);
  for (const auto& id : unread) marked.push_back(batch.add(me.update_message_request(id, patch)));
  auto read_back = batch.add(me.get_message_request(unread.front()), {marked.front()});
  auto missing = batch.add(me.update_message_request("AAMkNoSuchMessage", patch));
  f.go(batch.send());

  for (std::size_t i = 0; i < marked.size(); ++i) {
    CHECK(marked[i].get()->id == unread[i]);
    CHECK(marked[i].get()->is_read == true);
  }
  CHECK(read_back.get()->is_read == true);
  CHECK(missing.status() == 404);
  try {
    (void)missing.get();
    FAIL("a missing message must fail its item");
  } catch (const outlook::api_error& e) {
    CHECK(e.code() == "ErrorItemNotFound");
  }
  for (const auto& m : graph_inbox(f, adele)) CHECK(m.is_read == true);
}

TEST_CASE("server $batch: a failed prerequisite makes its dependants 424 without running them") {
  fixture f;
  auto adele = f.clients.client_of<graph::client>("adele-token", "/v1.0");
  auto me = adele.me();
  const auto before = graph_inbox(f, adele).size();
  outlook::json_batch batch;
  auto missing = batch.add(me.get_message_request("AAMkNoSuchMessage"));
  auto dependant = batch.add(me.delete_message_request(graph_inbox(f, adele).front().id.value_or("")), {missing});
  f.go(batch.send());
  CHECK(missing.status() == 404);
  CHECK(dependant.status() == 424);
  CHECK_THROWS_AS(dependant.get(), outlook::api_error);
  CHECK(graph_inbox(f, adele).size() == before);  // the delete did not run
}

TEST_CASE("server $batch: malformed batches are one 400, in Graph's error shape") {
  fixture f;
  auto post = [&](const std::string& body) { return f.clients.raw("POST", "/v1.0/$batch", "adele-token", body); };
  auto code_of = [](const outlook::http_response& r) {
    return std::string(boost::json::parse(r.body).at("error").at("code").as_string());
  };
  std::string many = R"({"requests":[)";
  for (int i = 1; i <= 21; ++i) many += std::string(i > 1 ? "," : "") + R"({"id":")" + std::to_string(i) + R"(","method":"GET","url":"/me"})";
  many += "]}";
  for (const std::string& body :
       {std::string("not json"), std::string(R"({"requests":[]})"), many,
        std::string(R"({"requests":[{"id":"1","method":"GET","url":"/me/messages"},{"id":"1","method":"GET","url":"/me/messages"}]})"),
        std::string(R"({"requests":[{"id":"1","method":"GET","url":"/me/messages","dependsOn":["2"]},{"id":"2","method":"GET","url":"/me/messages"}]})"),
        std::string(R"({"requests":[{"id":"1","method":"PATCH","url":"/me/messages/x","body":{"isRead":true}}]})"),
        std::string(R"({"requests":[{"id":"1","method":"GET","url":"https://elsewhere.example/v1.0/me"}]})"),
        std::string(R"({"requests":[{"id":"1","method":"POST","url":"/$batch"}]})")}) {
    CAPTURE(body.substr(0, 80));
    const auto r = post(body);
    CHECK(r.status == 400);
    CHECK(code_of(r) == "BadRequest");
  }
  CHECK(f.clients.raw("GET", "/v1.0/$batch", "adele-token").status == 405);
  // An inner request without a valid token is refused on its own, as any request.
  const auto r = f.clients.raw("POST", "/v1.0/$batch", "wrong-token", R"({"requests":[{"id":"a","method":"GET","url":"/me/messages"}]})");
  CHECK(r.status == 200);
  CHECK(boost::json::parse(r.body).at("responses").at(0).at("status") == 401);
}
