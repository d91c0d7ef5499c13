// The replay and recording transports, driven the way the client drives them: by
// SPDX-License-Identifier: BSL-1.0
// awaiting send() on an io_context.
#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <exception>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "outlook/testing/cassette.hpp"
#include "outlook/testing/recording_transport.hpp"
#include "outlook/testing/replay_transport.hpp"
#include "temp_dir.hpp"

using namespace outlook::testing;
using outlook::http_request;
using outlook::http_response;

namespace {

const std::string base = "https://outlook.office.com/api/v2.0/me/";
const std::string token = "eyJ0eXAiOiJKV1QiLCJzZWNyZXQiOiJ0b3Atc2VjcmV0In0";

/// Runs one send() to completion and returns its result or rethrows its exception.
http_response send(outlook::transport& t, http_request request) {
  boost::asio::io_context io;
  std::optional<http_response> result;
  std::exception_ptr error;
  boost::asio::co_spawn(io, t.send(std::move(request)), [&](std::exception_ptr e, http_response r) {
    error = e;
    if (!e) result = std::move(r);
  });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

http_request get(std::string path, std::string auth = "Bearer " + token) {
  return http_request{"GET", base + path, {{"Authorization", std::move(auth)}, {"Accept", "application/json"}}, {}};
}

std::vector<interaction> interactions_of(const char* json) {
  temp_dir dir;
  return load_cassette(dir.write("c.json", json)).interactions;
}

const char* const two_reads = R"({"interactions": [
  {"request": {"method": "GET", "url": "https://outlook.office.com/api/v2.0/me/messages?$top=1",
               "headers": {"Authorization": "Bearer <redacted>"}, "json": null},
   "response": {"status": 200, "headers": {"Content-Type": "application/json", "request-id": "r1"},
                "json": {"value": [{"Id": "1"}]}}},
  {"request": {"method": "GET", "url": "https://outlook.office.com/api/v2.0/me/messages/1", "json": null},
   "response": {"status": 404, "body": "not json"}}
]})";

}  // namespace

TEST_CASE("replay returns the recorded responses in order") {
  replay_transport t(interactions_of(two_reads));
  CHECK_FALSE(t.finished());

  const auto first = send(t, get("messages?%24top=1"));
  CHECK(first.status == 200);
  CHECK(first.headers.get("request-id") == "r1");
  CHECK(boost::json::parse(first.body) == boost::json::parse(R"({"value":[{"Id":"1"}]})"));
  CHECK(t.consumed() == 1);

  const auto second = send(t, get("messages/1"));
  CHECK(second.status == 404);
  CHECK(second.body == "not json");
  CHECK(t.finished());
  REQUIRE(t.sent().size() == 2);
  CHECK(t.sent()[1].url == base + "messages/1");
}

TEST_CASE("replay throws cassette_mismatch, not an outlook::error, naming the interaction and the reason") {
  replay_transport t(interactions_of(two_reads));
  try {
    (void)send(t, get("messages?$top=2"));
    FAIL("no exception");
  } catch (const outlook::error&) {
    FAIL("a mismatch must not look like a library error");
  } catch (const cassette_mismatch& e) {
    const std::string what = e.what();
    CHECK(what.find("interaction 1 of 2") != std::string::npos);
    CHECK(what.find("query: expected $top=1, got $top=2") != std::string::npos);
    CHECK(what.find(token) == std::string::npos);
  }
  CHECK(t.consumed() == 0);
  CHECK(t.sent().size() == 1);
}

TEST_CASE("replay throws cassette_mismatch for a request beyond the cassette") {
  replay_transport t(interactions_of(two_reads));
  (void)send(t, get("messages?$top=1"));
  (void)send(t, get("messages/1"));
  try {
    (void)send(t, get("messages/2"));
    FAIL("no exception");
  } catch (const cassette_mismatch& e) {
    CHECK(std::string(e.what()).find("not recorded") != std::string::npos);
  }
  replay_transport empty({});
  CHECK(empty.finished());
  CHECK_THROWS_AS((void)send(empty, get("messages")), cassette_mismatch);
}

TEST_CASE("replay turns recorded connection failures into transport errors") {
  replay_transport t(interactions_of(R"({"interactions": [
    {"request": {"method": "GET", "url": "https://outlook.office.com/api/v2.0/me/a"}, "response": {"transport_error": "reset"}},
    {"request": {"method": "GET", "url": "https://outlook.office.com/api/v2.0/me/b"}, "response": {"transport_error": "timeout"}},
    {"response": {"status": 204}}
  ]})"));
  try {
    (void)send(t, get("a"));
    FAIL("no exception");
  } catch (const outlook::transport_error& e) {
    CHECK(e.reason() == outlook::transport_error::kind::reset);
  }
  try {
    (void)send(t, get("b"));
    FAIL("no exception");
  } catch (const outlook::transport_error& e) {
    CHECK(e.reason() == outlook::transport_error::kind::timeout);
  }
  // An interaction without a request (decode-only) answers whatever is sent.
  CHECK(send(t, get("anything")).status == 204);
  CHECK(t.finished());
}

TEST_CASE("recording writes the cassette format and never the token") {
  auto inner = std::make_shared<replay_transport>(interactions_of(R"({"interactions": [
    {"response": {"status": 200, "headers": {"Content-Type": "application/json", "Set-Cookie": ["a=1", "b=2"]},
                  "json": {"Id": "1"}}},
    {"response": {"status": 400, "body": "<html>bad</html>"}},
    {"response": {"status": 204}},
    {"response": {"transport_error": "timeout"}}
  ]})"));
  recording_transport rec(inner);

  (void)send(rec, get("messages/1"));
  http_request post{"POST", base + "sendmail",
                    {{"authorization", "Bearer " + token}, {"Prefer", "a=1"}, {"prefer", "b=2"}, {"Content-Type", "application/json"}},
                    R"({"Message": {"Subject": "Hi"}})"};
  (void)send(rec, post);
  http_request raw{"POST", base + "upload", {{"Authorization", "Bearer " + token}}, "plain text"};
  (void)send(rec, raw);
  CHECK_THROWS_AS((void)send(rec, get("messages/2")), outlook::transport_error);
  CHECK(inner->finished());

  temp_dir dir;
  const auto file = dir.path() / "area" / "recorded.json";
  rec.save(file, "Recorded scenario", boost::json::object{{"operation", "get_message"}});
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string saved = text.str();
  CHECK(saved.find(token) == std::string::npos);
  CHECK(saved.find("Bearer <redacted>") != std::string::npos);
  CHECK(saved.find("\n  \"interactions\": [") != std::string::npos);  // indented for review

  // The saved file is a valid cassette whose requests are the ones that were sent.
  const auto c = load_cassette(file);
  CHECK(c.description == "Recorded scenario");
  CHECK(c.raw.at("call").at("operation") == "get_message");
  CHECK(c.expect_error.is_null());
  REQUIRE(c.interactions.size() == 4);
  const auto& i0 = c.interactions[0];
  CHECK(i0.request->headers.at("Authorization") == "Bearer <redacted>");
  CHECK(i0.request->headers.at("Accept") == "application/json");
  CHECK_FALSE(i0.request->json);
  CHECK(i0.response.status == 200);
  CHECK(i0.response.headers.get_all("set-cookie").size() == 2);
  CHECK(i0.response.json == boost::json::value(boost::json::object{{"Id", "1"}}));

  const auto& i1 = c.interactions[1];
  CHECK(i1.request->headers.at("authorization") == "Bearer <redacted>");
  CHECK(i1.request->headers.at("Prefer") == boost::json::value(boost::json::array{"a=1", "b=2"}));
  CHECK(i1.request->json == boost::json::parse(R"({"Message": {"Subject": "Hi"}})"));
  CHECK(i1.response.body == "<html>bad</html>");
  CHECK_FALSE(i1.response.json);

  CHECK(c.interactions[2].request->body == "plain text");
  CHECK(c.interactions[2].response.status == 204);
  CHECK(c.interactions[3].response.transport_error == "timeout");

  // Replaying the recording accepts the same requests.
  replay_transport again(c.interactions);
  CHECK(send(again, get("messages/1")).body == R"({"Id":"1"})");
  CHECK(send(again, post).status == 400);
  CHECK(send(again, raw).status == 204);
  CHECK_THROWS_AS((void)send(again, get("messages/2")), outlook::transport_error);
  CHECK(again.finished());
}

// Found in review: only Authorization was redacted; cookies and proxy credentials are
// secrets too, in requests and responses.
TEST_CASE("recording redacts Cookie, Set-Cookie and Proxy-Authorization as well as Authorization") {
  auto inner = std::make_shared<replay_transport>(interactions_of(R"({"interactions": [
    {"response": {"status": 200, "headers": {"Content-Type": "application/json", "Set-Cookie": ["session=S3CR3T-COOKIE; Secure", "b=2"]},
                  "json": {"Id": "1"}}}
  ]})"));
  recording_transport rec(inner);
  http_request r = get("messages/1");
  r.headers.add("Cookie", "session=S3CR3T-COOKIE");
  r.headers.add("proxy-authorization", "Basic UFJPWFktU0VDUkVU");
  (void)send(rec, r);
  const std::string saved = boost::json::serialize(rec.interactions());
  CHECK(saved.find(token) == std::string::npos);
  CHECK(saved.find("S3CR3T-COOKIE") == std::string::npos);
  CHECK(saved.find("UFJPWFktU0VDUkVU") == std::string::npos);
  const auto& rq = rec.interactions().at(0).at("request").at("headers").as_object();
  CHECK(rq.at("Cookie") == "<redacted>");
  CHECK(rq.at("proxy-authorization") == "<redacted>");
  const auto& set_cookie = rec.interactions().at(0).at("response").at("headers").at("Set-Cookie").as_array();
  REQUIRE(set_cookie.size() == 2);  // one entry per header line, each redacted
  CHECK(set_cookie[0] == "<redacted>");
}
