// A bounded load run against the local mailbox server, on loopback: N users, one client
// per user (its own HTTPS connection, Graph C++ client over the Beast transport), all
// running at once on one I/O thread, each doing a mix of list, get, send and sync until a
// deadline or a request count. Afterwards every mailbox is counted through the API: Sent
// Items must hold exactly what its user sent, the Inbox its seeded messages plus every
// message sent to it. Shared by the benchmark program (load_bench.cpp) and a smoke test.
//
// Needs the Beast transport's definitions in one translation unit of the program.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <outlook/beast_transport.hpp>
#include <outlook/graph.hpp>
#include <outlook/server/mail_server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace outlook::server::load {

struct options {
  int clients = 8;
  std::chrono::milliseconds duration{5000};  // stop starting requests after this
  int max_requests_per_client = 0;            // 0: no limit
  int seeded_messages = 20;                   // per Inbox
  std::string database = ":memory:";          // or a file (WAL, synchronous=FULL)
  bool plain_http = false;
  unsigned seed = 1;
};

enum class op { list, get, send, sync };
inline constexpr std::array<std::string_view, 4> op_names{"list", "get", "send", "sync"};

struct result {
  int clients = 0;
  double seconds = 0;
  std::array<std::vector<double>, 4> latencies_ms;  // per op
  std::int64_t failures = 0;
  std::string first_failure;
  // The check afterwards.
  bool counts_add_up = false;
  std::vector<std::string> count_problems;
  std::int64_t sends = 0;

  [[nodiscard]] std::size_t requests() const {
    std::size_t n = 0;
    for (const auto& l : latencies_ms) n += l.size();
    return n;
  }
};

/// The p-th percentile (0-100) of `values` (sorted in place); 0 when empty.
inline double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

namespace detail {

inline std::string address_of(int i) { return "user" + std::to_string(i) + "@load.example"; }
inline std::string token_of(int i) { return "load-token-" + std::to_string(i); }

inline std::string seed_json(int users, int messages) {
  boost::json::array list;
  boost::json::object boxes;
  for (int i = 0; i < users; ++i) {
    list.push_back(boost::json::object{{"address", address_of(i)}, {"display_name", "User " + std::to_string(i)}, {"token", token_of(i)}});
    boost::json::array seeded;
    for (int m = 0; m < messages; ++m)
      seeded.push_back(boost::json::object{
          {"folder", "inbox"},
          {"message", boost::json::object{{"subject", "Seeded " + std::to_string(m)},
                                          {"body", boost::json::object{{"contentType", "text"}, {"content", std::string(400, 'x')}}},
                                          {"from", boost::json::object{{"emailAddress", boost::json::object{{"address", "news@elsewhere.example"}}}}}}}});
    boxes[address_of(i)] = boost::json::object{{"messages", std::move(seeded)}};
  }
  return boost::json::serialize(boost::json::object{{"users", std::move(list)}, {"mailboxes", std::move(boxes)}});
}

struct client_state {
  int index = 0;
  outlook::graph::client client;
  std::vector<std::string> known_ids;
  outlook::graph::sync_messages_options sync;
  std::vector<int> sent_to;  // recipients of this client's sends
};

/// One client's requests until the deadline. A coroutine function, not a lambda: its
/// parameters live in the coroutine frame.
inline boost::asio::awaitable<void> client_loop(result& r, const options& o, std::shared_ptr<client_state> st,
                                                std::chrono::steady_clock::time_point deadline) {
  namespace graph = outlook::graph;
  using clock = std::chrono::steady_clock;
  std::mt19937 random(o.seed * 7919u + static_cast<unsigned>(st->index));
  auto me = st->client.me();
  int done = 0;
  while (clock::now() < deadline && (o.max_requests_per_client == 0 || done < o.max_requests_per_client)) {
    ++done;
    // A mailbox user's mix: mostly reading, some sending, a sync now and then.
    const auto dice = random() % 100;
    op kind = dice < 45 ? op::list : dice < 75 ? op::get : dice < 90 ? op::send : op::sync;
    if (kind == op::get && st->known_ids.empty()) kind = op::list;
    const auto t0 = clock::now();
    try {
      switch (kind) {
        case op::list: {
          graph::list_messages_options lo{.select = {"subject", "from", "receivedDateTime"}, .top = 10};
          auto page = co_await me.list_messages("inbox", lo);
          st->known_ids.clear();
          for (const auto& m : page.value) st->known_ids.push_back(*m->id);
          break;
        }
        case op::get: {
          const std::string id = st->known_ids[random() % st->known_ids.size()];
          (void)co_await me.get_message(id);
          break;
        }
        case op::send: {
          const int to = static_cast<int>(random() % static_cast<unsigned>(o.clients));
          graph::message m;
          m.subject = "Load " + std::to_string(st->index) + "-" + std::to_string(done);
          m.body = graph::item_body{.content_type = graph::body_type::text, .content = "Body of a load message."};
          m.to_recipients = {graph::recipient{.email_address = graph::email_address{.address = address_of(to)}}};
          co_await me.send_mail(m);
          st->sent_to.push_back(to);
          break;
        }
        case op::sync: {
          auto round = co_await me.sync_messages("inbox", st->sync);
          st->sync.state = round.state;
          break;
        }
      }
      r.latencies_ms[static_cast<std::size_t>(kind)].push_back(std::chrono::duration<double, std::milli>(clock::now() - t0).count());
    } catch (const std::exception& e) {
      if (r.failures++ == 0) r.first_failure = std::string(op_names[static_cast<std::size_t>(kind)]) + ": " + e.what();
    }
  }
}

inline std::int64_t count_of(boost::asio::io_context& io, outlook::graph::mailbox me, std::string_view folder) {
  outlook::graph::list_messages_options lo{.select = {"id"}, .top = 1, .count = true};
  auto f = boost::asio::co_spawn(io, me.list_messages(folder, lo), boost::asio::use_future);
  io.restart();
  io.run();
  return f.get().count.value_or(-1);
}

}  // namespace detail

/// Runs the load; throws what starting the server throws.
inline result run(const options& o) {
  using clock = std::chrono::steady_clock;
  namespace graph = outlook::graph;
  mail_server server({.database = o.database,
                      .seed_json = detail::seed_json(o.clients, o.seeded_messages),
                      .plain_http = o.plain_http});
  const auto ca = std::filesystem::temp_directory_path() / ("outlook-load-" + std::to_string(server.port()) + ".pem");
  if (!o.plain_http) server.write_certificate(ca);

  boost::asio::io_context io;
  std::vector<std::shared_ptr<detail::client_state>> states;
  for (int i = 0; i < o.clients; ++i) {
    outlook::beast_transport_options t;
    if (!o.plain_http) t.ca_file = ca;
    t.max_connections_per_host = 1;
    outlook::client_options c;
    c.base_url = server.origin() + "/v1.0";
    c.retry.enabled = false;
    states.push_back(std::make_shared<detail::client_state>(
        detail::client_state{i, graph::client(outlook::make_beast_transport(io.get_executor(), t), outlook::fixed_token(detail::token_of(i)), c), {}, {}, {}}));
  }

  result r;
  r.clients = o.clients;
  const auto start = clock::now();
  const auto deadline = start + o.duration;
  for (auto& st : states) boost::asio::co_spawn(io, detail::client_loop(r, o, st, deadline), boost::asio::detached);
  io.run();
  r.seconds = std::chrono::duration<double>(clock::now() - start).count();

  // No write lost: every mailbox's counts, read back through the API.
  std::vector<std::int64_t> received(static_cast<std::size_t>(o.clients), 0);
  for (const auto& st : states) {
    r.sends += static_cast<std::int64_t>(st->sent_to.size());
    for (int to : st->sent_to) ++received[static_cast<std::size_t>(to)];
  }
  r.counts_add_up = true;
  for (const auto& st : states) {
    auto me = st->client.me();
    const auto sent = detail::count_of(io, me, "sentitems");
    const auto inbox = detail::count_of(io, me, "inbox");
    const auto want_sent = static_cast<std::int64_t>(st->sent_to.size());
    const auto want_inbox = o.seeded_messages + received[static_cast<std::size_t>(st->index)];
    if (sent != want_sent || inbox != want_inbox) {
      r.counts_add_up = false;
      r.count_problems.push_back(detail::address_of(st->index) + ": Sent Items " + std::to_string(sent) + " (sent " +
                                 std::to_string(want_sent) + "), Inbox " + std::to_string(inbox) + " (expected " +
                                 std::to_string(want_inbox) + ")");
    }
  }
  states.clear();
  server.stop();
  std::filesystem::remove(ca);
  return r;
}

}  // namespace outlook::server::load
