// Loading cassettes: the format, validation with clear errors, discovery of files.
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "outlook/testing/cassette.hpp"
#include "temp_dir.hpp"

using namespace outlook::testing;

namespace {

const char* const get_message = R"({
  "description": "Get a message by ID",
  "call": {"operation": "get_message", "mailbox": "me", "args": {"message_id": "AAMkAGI2THVSAAA="}},
  "interactions": [
    { "request":  { "method": "GET",
                    "url": "https://outlook.office.com/api/v2.0/me/messages/AAMkAGI2THVSAAA=?$select=Sender,Subject",
                    "headers": { "Prefer": "outlook.body-content-type=\"text\"", "Accept": ["a", "b"] },
                    "json": null },
      "response": { "status": 200,
                    "headers": { "Content-Type": "application/json", "Set-Cookie": ["x=1", "y=2"] },
                    "json": { "Id": "AAMkAGI2THVSAAA=", "Subject": "Re: Meeting Notes" } } },
    { "request": { "method": "POST", "url": "https://outlook.office.com/api/v2.0/me/sendmail", "json": {"A": 1} },
      "response": { "status": 202, "body": "" } },
    { "response": { "transport_error": "timeout" } }
  ],
  "expect": { "error": {"status": 404, "code": "ErrorItemNotFound"} }
})";

std::string load_error(const temp_dir& dir, const std::string& text) {
  try {
    (void)load_cassette(dir.write("bad.json", text));
  } catch (const outlook::decode_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a cassette loads into its parts") {
  temp_dir dir;
  const auto c = load_cassette(dir.write("get.json", get_message));
  CHECK(c.description == "Get a message by ID");
  CHECK(c.raw.at("call").at("operation") == "get_message");
  REQUIRE(c.interactions.size() == 3);

  const auto& first = c.interactions[0];
  REQUIRE(first.request);
  CHECK(first.request->method == "GET");
  CHECK(first.request->headers.at("Accept").is_array());
  CHECK_FALSE(first.request->json);
  CHECK(first.response.status == 200);
  CHECK(first.response.headers.get("content-type") == "application/json");
  CHECK(first.response.headers.get_all("Set-Cookie").size() == 2);
  CHECK(boost::json::parse(response_body_text(first.response)) ==
        boost::json::parse(R"({"Id":"AAMkAGI2THVSAAA=","Subject":"Re: Meeting Notes"})"));

  CHECK(c.interactions[1].request->json == boost::json::value(boost::json::object{{"A", 1}}));
  CHECK(c.interactions[1].response.body == "");
  CHECK(response_body_text(c.interactions[1].response).empty());

  CHECK_FALSE(c.interactions[2].request);
  CHECK(c.interactions[2].response.transport_error == "timeout");
  CHECK(c.expect_error.at("code") == "ErrorItemNotFound");
}

TEST_CASE("expect.error defaults to null") {
  temp_dir dir;
  const auto c = load_cassette(dir.write("a.json", R"({"interactions": [], "expect": {"error": null}})"));
  CHECK(c.expect_error.is_null());
  CHECK(load_cassette(dir.write("b.json", R"({"interactions": []})")).expect_error.is_null());
}

TEST_CASE("a malformed cassette is a decode_error that says where") {
  temp_dir dir;
  CHECK(load_error(dir, "{").find("not valid JSON") != std::string::npos);
  CHECK(load_error(dir, "[]").find("expected an object") != std::string::npos);
  CHECK(load_error(dir, "{}").find("/interactions") != std::string::npos);
  CHECK(load_error(dir, R"({"interactions": [{"request": {"method": "GET", "url": "u"}}]})").find("/interactions/0/response") !=
        std::string::npos);
  CHECK(load_error(dir, R"({"interactions": [{"request": {"url": "u"}, "response": {"status": 200}}]})")
            .find("/interactions/0/request/method") != std::string::npos);
  CHECK(load_error(dir, R"({"interactions": [{"response": {"status": "200"}}]})").find("/interactions/0/response/status") !=
        std::string::npos);
  CHECK(load_error(dir, R"({"interactions": [{"response": {"transport_error": "eof"}}]})").find("transport_error") !=
        std::string::npos);
  CHECK(load_error(dir, R"({"interactions": [{"response": {"status": 200, "headers": {"X": 1}}}]})")
            .find("/interactions/0/response/headers/X") != std::string::npos);
  CHECK(load_error(dir, R"({"interactions": [], "expect": {"error": 5}})").find("/expect/error") != std::string::npos);
  CHECK(load_error(dir, std::string(10000, '[') + std::string(10000, ']')).find("not valid JSON") != std::string::npos);

  CHECK_THROWS_AS((void)load_cassette(dir.path() / "missing.json"), outlook::decode_error);
  const auto message = load_error(dir, "{");
  CHECK(message.find("bad.json") != std::string::npos);
}

TEST_CASE("find_cassettes walks directories recursively, sorted, json only") {
  temp_dir dir;
  dir.write("b/two.json", "{}");
  dir.write("a/one.json", "{}");
  dir.write("a/deep/three.json", "{}");
  dir.write("a/notes.txt", "");
  temp_dir other;
  other.write("z.json", "{}");

  const auto found = find_cassettes({dir.path(), dir.path() / "does-not-exist", other.path()});
  REQUIRE(found.size() == 4);
  CHECK(found[0] == dir.path() / "a/deep/three.json");
  CHECK(found[1] == dir.path() / "a/one.json");
  CHECK(found[2] == dir.path() / "b/two.json");
  CHECK(found[3] == other.path() / "z.json");
}

TEST_CASE("cassette_dirs_from_env adds each OUTLOOK_FIXTURE_DIRS entry") {
  const char* saved = std::getenv("OUTLOOK_FIXTURE_DIRS");
  const std::string restore = saved ? saved : "";

  ::unsetenv("OUTLOOK_FIXTURE_DIRS");
  CHECK(cassette_dirs_from_env("fixtures") == std::vector<std::filesystem::path>{"fixtures"});
  ::setenv("OUTLOOK_FIXTURE_DIRS", "/x:/y/z::", 1);
  CHECK(cassette_dirs_from_env("fixtures") == std::vector<std::filesystem::path>{"fixtures", "/x", "/y/z"});

  if (saved) ::setenv("OUTLOOK_FIXTURE_DIRS", restore.c_str(), 1);
  else ::unsetenv("OUTLOOK_FIXTURE_DIRS");
}
