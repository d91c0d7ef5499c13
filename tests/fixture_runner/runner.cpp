// The fixture runner: plays every cassette of tests/fixtures (and of each directory in
// OUTLOOK_FIXTURE_DIRS) against the generated binding, prints one line per failure and
// a closing "N passed, N failed" line. Format and rules: DESIGN.md, "Cassettes".
//
// Call cassettes go through the generated operation table (operation name -> function),
// a client whose transport replays the recorded responses and checks each request.
// Decode cassettes go through the generated decode table. Either way the typed result is
// encoded again and compared with the recorded body under DESIGN.md's normalisation.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "outlook/mail/testing/decode_table.hpp"
#include "outlook/mail/testing/operation_table.hpp"
#include "outlook/testing/cassette.hpp"
#include "outlook/testing/json_compare.hpp"
#include "outlook/testing/replay_transport.hpp"

namespace {

namespace json = boost::json;
using outlook::testing::cassette;

// A token that must never appear in an error message.
constexpr std::string_view test_token = "eyJ0eXAi.fixture-runner-secret-token";

struct outcome {
  std::string kind;  // "ok", "api", "decode", "transport", "refused", "mismatch", "other"
  std::string message;
  int status = 0;
  std::string code;
  std::vector<json::value> pages;
};

std::string expect_text(const json::value& e) { return json::serialize(e); }

/// Checks an outcome against expect.error; returns the failure reason or "".
std::string check_expectation(const cassette& c, const outcome& got) {
  if (got.message.find(test_token) != std::string::npos) return "an exception message contains the access token";
  if (got.kind == "mismatch") return "request did not match: " + got.message;
  const json::value& e = c.expect_error;
  if (e.is_null()) {
    if (got.kind != "ok") return "expected success, got " + got.kind + " error: " + got.message;
    return "";
  }
  if (!e.is_object()) return "expect.error must be null or an object";
  const auto& eo = e.get_object();
  if (auto k = eo.find("kind"); k != eo.end()) {
    if (!k->value().is_string()) return "expect.error.kind must be a string";
    std::string want(k->value().get_string());
    if (got.kind != want) return "expected a " + want + " error, got " + (got.kind == "ok" ? "success" : got.kind + ": " + got.message);
    return "";
  }
  if (got.kind != "api") return "expected an api_error " + expect_text(e) + ", got " + (got.kind == "ok" ? "success" : got.kind + ": " + got.message);
  if (auto s = eo.find("status"); s != eo.end() && s->value().is_number() && s->value().to_number<int>() != got.status)
    return "expected status " + expect_text(s->value()) + ", got " + std::to_string(got.status);
  if (auto code = eo.find("code"); code != eo.end() && code->value().is_string() && code->value().get_string() != got.code)
    return "expected code " + expect_text(code->value()) + ", got \"" + got.code + "\"";
  return "";
}

template <class F>
outcome capture(F&& f) {
  outcome o;
  try {
    f(o);
    o.kind = "ok";
  } catch (const outlook::api_error& e) {
    o.kind = "api";
    o.message = e.what();
    o.status = e.status();
    o.code = e.code();
  } catch (const outlook::decode_error& e) {
    o.kind = "decode";
    o.message = e.what();
  } catch (const outlook::transport_error& e) {
    o.kind = "transport";
    o.message = e.what();
  } catch (const outlook::request_refused& e) {
    o.kind = "refused";
    o.message = e.what();
  } catch (const outlook::testing::cassette_mismatch& e) {
    o.kind = "mismatch";
    o.message = e.what();
  } catch (const std::exception& e) {
    o.kind = "other";
    o.message = e.what();
  }
  return o;
}

std::string run_decode(const cassette& c) {
  const auto& d = c.raw.at("decode");
  if (!d.is_object() || !d.get_object().contains("type") || !d.at("type").is_string()) return "decode.type must be a string";
  std::string type(d.at("type").get_string());
  auto decoder = outlook::mail::testing::find_decoder(type);
  if (!decoder) return "no decoder for type " + type;
  if (c.interactions.size() != 1) return "a decode cassette has exactly one interaction";
  const auto& resp = c.interactions[0].response;
  std::string body = outlook::testing::response_body_text(resp);
  auto got = capture([&](outcome& o) { o.pages.push_back(decoder(body)); });
  if (auto why = check_expectation(c, got); !why.empty()) return why;
  if (got.kind == "ok") {
    if (!resp.json) return "a successful decode cassette needs a json response";
    if (auto diff = outlook::testing::json_difference(*resp.json, got.pages.at(0))) return "re-encoded body differs at " + *diff;
  }
  return "";
}

std::string run_call(const cassette& c) {
  const auto& call = c.raw.at("call");
  if (!call.is_object()) return "call must be an object";
  const auto& co = call.get_object();
  if (!co.contains("operation") || !co.at("operation").is_string()) return "call.operation must be a string";
  std::string op(co.at("operation").get_string());
  auto invoke = outlook::mail::testing::find_operation(op);
  if (!invoke) return "unknown operation " + op;
  static const json::object empty;
  const auto& args = co.contains("args") && co.at("args").is_object() ? co.at("args").get_object() : empty;
  const auto& opts = co.contains("options") && co.at("options").is_object() ? co.at("options").get_object() : empty;
  const bool retry = co.contains("retry") && co.at("retry").is_bool() && co.at("retry").get_bool();

  auto replay = std::make_shared<outlook::testing::replay_transport>(c.interactions);
  outlook::client_options options;
  options.retry.enabled = retry;
  options.retry.initial_backoff = std::chrono::milliseconds(1);
  outlook::mail::client client(replay, outlook::fixed_token(std::string(test_token)), options);
  auto mb = client.me();
  if (co.contains("mailbox")) {
    const auto& m = co.at("mailbox");
    if (m.is_object() && m.get_object().contains("user") && m.at("user").is_string())
      mb = client.user(std::string(m.at("user").get_string()));
    else if (!(m.is_string() && m.get_string() == "me"))
      return "call.mailbox must be \"me\" or {\"user\": ...}";
  }

  boost::asio::io_context io;
  outcome got;
  got.kind = "unfinished";
  boost::asio::co_spawn(io, invoke(mb, args, opts), [&](std::exception_ptr ep, std::vector<json::value> pages) {
    got = capture([&](outcome& o) {
      if (ep) std::rethrow_exception(ep);
      o.pages = std::move(pages);
    });
  });
  io.run();
  if (got.kind == "unfinished") return "the operation did not complete";
  if (auto why = check_expectation(c, got); !why.empty()) return why;
  if (!replay->finished())
    return "only " + std::to_string(replay->consumed()) + " of " + std::to_string(c.interactions.size()) + " recorded requests were sent";
  if (got.kind != "ok") return "";
  // Every 2xx response with a body is one page of the result, in order.
  std::vector<const json::value*> recorded;
  for (const auto& i : c.interactions)
    if (i.response.status >= 200 && i.response.status < 300 && i.response.json && !i.response.json->is_null())
      recorded.push_back(&*i.response.json);
  if (recorded.size() != got.pages.size())
    return "the result has " + std::to_string(got.pages.size()) + " bodies, the cassette " + std::to_string(recorded.size());
  for (std::size_t i = 0; i < recorded.size(); ++i)
    if (auto diff = outlook::testing::json_difference(*recorded[i], got.pages[i]))
      return "response " + std::to_string(i + 1) + " re-encoded differs at " + *diff;
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path default_dir = argc > 1 ? argv[1] : "tests/fixtures";
  auto files = outlook::testing::find_cassettes(outlook::testing::cassette_dirs_from_env(default_dir));
  int passed = 0, failed = 0;
  for (const auto& f : files) {
    std::string why;
    try {
      auto c = outlook::testing::load_cassette(f);
      if (c.raw.contains("decode")) why = run_decode(c);
      else if (c.raw.contains("call")) why = run_call(c);
      else why = "neither \"call\" nor \"decode\"";
    } catch (const std::exception& e) {
      why = std::string("could not run: ") + e.what();
    }
    if (why.empty()) {
      ++passed;
    } else {
      ++failed;
      std::cout << "FAIL " << f.string() << ": " << why << '\n';
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return (failed == 0 && passed > 0) ? EXIT_SUCCESS : EXIT_FAILURE;
}
