// The per-cassette logic of the fixture runner, shared by every program that plays
// SPDX-License-Identifier: BSL-1.0
// cassettes through the generated operation table: the runner itself (replay transport)
// and the loopback tests (the Beast transport against a local HTTPS server).
// Format and rules: docs/cassettes.md. A cassette's "api" picks the binding:
// "outlook-v2.0" (the default) outlook::mail, "graph-v1.0" outlook::graph.
//
// Each run_* function returns "" when the cassette passed, else the reason it failed.
// A call cassette gets its transport and client options from a factory (call_factory):
// run_call builds the client, invokes the operation, checks expect.error, checks that
// every recorded interaction was consumed, and compares each re-encoded page with the
// recorded 2xx body.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "outlook/graph/client.hpp"
#include "outlook/graph/testing/decode_table.hpp"
#include "outlook/graph/testing/operation_table.hpp"
#include "outlook/mail/client.hpp"
#include "outlook/mail/testing/decode_table.hpp"
#include "outlook/mail/testing/operation_table.hpp"
#include "outlook/session.hpp"
#include "outlook/testing/cassette.hpp"
#include "outlook/testing/json_compare.hpp"
#include "outlook/testing/replay_transport.hpp"

namespace fixture_runner {

namespace json = boost::json;
using outlook::testing::cassette;

// A token that must never appear in an error message.
inline constexpr std::string_view test_token = "eyJ0eXAi.fixture-runner-secret-token";

struct outcome {
  std::string kind;  // "ok", "api", "decode", "transport", "refused", "mismatch", "other"
  std::string message;
  int status = 0;
  std::string code;
  std::vector<json::value> pages;
};

/// What a call cassette runs against: a transport for outlook::mail::client, the client's
/// options (run_call then sets the retry policy from call.retry), and checks run after the call.
struct call_setup {
  outlook::transport_ptr transport;
  outlook::client_options options;
  /// "" when every recorded interaction was consumed, else why not.
  std::function<std::string()> finished;
  /// Optional: a request that did not match the cassette where the client could not see
  /// it (e.g. on a server); "" when none. Checked before expect.error.
  std::function<std::string()> mismatch;
  /// Optional: applied to each result page before it is compared with the recording
  /// (e.g. to map rewritten links back to the recorded hosts).
  std::function<void(json::value&)> restore;
};

/// Given a call cassette's interactions and the executor the call runs on, makes its setup.
using call_factory =
    std::function<call_setup(const std::vector<outlook::testing::interaction>&, boost::asio::any_io_executor)>;

/// The runner's setup: a replay transport over the recorded interactions, default options.
inline call_setup replay_setup(const std::vector<outlook::testing::interaction>& interactions,
                               boost::asio::any_io_executor /*unused*/) {
  auto replay = std::make_shared<outlook::testing::replay_transport>(interactions);
  call_setup s;
  s.transport = replay;
  s.finished = [replay, total = interactions.size()]() -> std::string {
    if (replay->finished()) return "";
    return "only " + std::to_string(replay->consumed()) + " of " + std::to_string(total) +
           " recorded requests were sent";
  };
  return s;
}

inline std::string expect_text(const json::value& e) { return json::serialize(e); }

/// Checks an outcome against expect.error; returns the failure reason or "".
inline std::string check_expectation(const cassette& c, const outcome& got) {
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

/// The two bindings a cassette can name.
struct outlook_v2 {
  using client = outlook::mail::client;
  static auto find_operation(std::string_view n) { return outlook::mail::testing::find_operation(n); }
  static auto find_decoder(std::string_view n) { return outlook::mail::testing::find_decoder(n); }
};
struct graph_v1 {
  using client = outlook::graph::client;
  static auto find_operation(std::string_view n) { return outlook::graph::testing::find_operation(n); }
  static auto find_decoder(std::string_view n) { return outlook::graph::testing::find_decoder(n); }
};

/// The cassette's "api": "outlook-v2.0" when absent; "" when it names no known API.
inline std::string api_of(const cassette& c) {
  const auto* a = c.raw.if_contains("api");
  if (!a || a->is_null()) return "outlook-v2.0";
  if (!a->is_string()) return "";
  std::string api(a->get_string());
  return api == "outlook-v2.0" || api == "graph-v1.0" ? api : "";
}

template <class Api>
inline std::string run_decode_with(const cassette& c) {
  const auto& d = c.raw.at("decode");
  if (!d.is_object() || !d.get_object().contains("type") || !d.at("type").is_string()) return "decode.type must be a string";
  std::string type(d.at("type").get_string());
  auto decoder = Api::find_decoder(type);
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

template <class Api>
inline std::string run_call_with(const cassette& c, const call_factory& make_setup) {
  const auto& call = c.raw.at("call");
  if (!call.is_object()) return "call must be an object";
  const auto& co = call.get_object();
  if (!co.contains("operation") || !co.at("operation").is_string()) return "call.operation must be a string";
  std::string op(co.at("operation").get_string());
  auto invoke = Api::find_operation(op);
  if (!invoke) return "unknown operation " + op;
  static const json::object empty;
  const auto& args = co.contains("args") && co.at("args").is_object() ? co.at("args").get_object() : empty;
  const auto& opts = co.contains("options") && co.at("options").is_object() ? co.at("options").get_object() : empty;
  const bool retry = co.contains("retry") && co.at("retry").is_bool() && co.at("retry").get_bool();

  // Declared first so that the transport (which may own sockets of it) goes before it.
  boost::asio::io_context io;
  call_setup setup = make_setup(c.interactions, io.get_executor());
  outlook::client_options options = setup.options;
  options.retry.enabled = retry;
  options.retry.initial_backoff = std::chrono::milliseconds(1);
  typename Api::client client(setup.transport, outlook::fixed_token(std::string(test_token)), options);
  auto mb = client.me();
  if (co.contains("mailbox")) {
    const auto& m = co.at("mailbox");
    if (m.is_object() && m.get_object().contains("user") && m.at("user").is_string())
      mb = client.user(std::string(m.at("user").get_string()));
    else if (!(m.is_string() && m.get_string() == "me"))
      return "call.mailbox must be \"me\" or {\"user\": ...}";
  }

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
  if (setup.mismatch)
    if (auto why = setup.mismatch(); !why.empty()) return "request did not match: " + why;
  if (auto why = check_expectation(c, got); !why.empty()) return why;
  if (auto why = setup.finished ? setup.finished() : std::string(); !why.empty()) return why;
  if (got.kind != "ok") return "";
  if (setup.restore)
    for (auto& page : got.pages) setup.restore(page);
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

inline std::string run_decode(const cassette& c) {
  const auto api = api_of(c);
  if (api.empty()) return "api must be \"outlook-v2.0\" or \"graph-v1.0\"";
  return api == "graph-v1.0" ? run_decode_with<graph_v1>(c) : run_decode_with<outlook_v2>(c);
}

inline std::string run_call(const cassette& c, const call_factory& make_setup = replay_setup) {
  const auto api = api_of(c);
  if (api.empty()) return "api must be \"outlook-v2.0\" or \"graph-v1.0\"";
  return api == "graph-v1.0" ? run_call_with<graph_v1>(c, make_setup) : run_call_with<outlook_v2>(c, make_setup);
}

}  // namespace fixture_runner
