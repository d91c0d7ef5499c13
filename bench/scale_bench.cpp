// outlook-mail: request shapes at scale against the local mailbox server (in this process,
// HTTPS on loopback, the real Beast transport). Prints figures; asserts no timing.
// SPDX-License-Identifier: BSL-1.0
//
//   mark-read [MESSAGES]
//       one mailbox of MESSAGES unread messages (1000), marked read three ways, each on a
//       fresh server: one request at a time, 4 in flight, and JSON batches of 20 (one batch
//       in flight); prints messages marked per second and the HTTP exchanges it took
//   mailboxes [MAILBOXES] [IN_FLIGHT] [MESSAGES_PER_MAILBOX]
//       MAILBOXES mailboxes (1000) of MESSAGES_PER_MAILBOX messages (5) each, one sync round
//       of each Inbox through one app-token client, IN_FLIGHT mailboxes at a time (16);
//       prints mailboxes per second, connections the transport opened, and the client's
//       peak RSS: the server runs in a child process here, so that this process's peak is
//       the client's alone. Run it at two IN_FLIGHT values: the difference of the peaks,
//       over the difference of the counts, is the memory of one more in-flight mailbox.
#include <outlook/batch.hpp>
#include <outlook/beast_transport_impl.hpp>
#include <outlook/graph.hpp>
#include <outlook/server/mail_server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/serialize.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace graph = outlook::graph;

namespace {

/// Peak resident set size of this process so far, in KiB.
long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

std::string address_of(int user) { return "user" + std::to_string(user) + "@bench.example"; }

/// `users` mailboxes of `messages` unread Inbox messages each; user 0 has the token
/// "user0-token", and "app-token" reaches every mailbox.
std::string make_seed(int users, int messages) {
  boost::json::array user_list;
  boost::json::object mailboxes;
  for (int u = 0; u < users; ++u) {
    user_list.push_back({{"address", address_of(u)}, {"display_name", "User " + std::to_string(u)},
                         {"token", "user" + std::to_string(u) + "-token"}});
    boost::json::array list;
    for (int m = 0; m < messages; ++m)
      list.push_back({{"folder", "inbox"},
                      {"message", {{"subject", "Message " + std::to_string(m)},
                                   {"isRead", false},
                                   {"body", {{"contentType", "text"}, {"content", "Hello from the benchmark."}}},
                                   {"from", {{"emailAddress", {{"address", "sender@bench.example"}}}}}}}});
    mailboxes[address_of(u)] = {{"messages", std::move(list)}};
  }
  boost::json::object seed{{"users", std::move(user_list)}, {"app_tokens", {"app-token"}}, {"mailboxes", std::move(mailboxes)}};
  return boost::json::serialize(seed);
}

/// A server on a free loopback port and a Graph client of it over HTTPS.
struct setup {
  outlook::server::mail_server server;
  std::filesystem::path ca;
  asio::io_context ioc{1};
  std::shared_ptr<outlook::beast_transport> transport;
  graph::client client;

  setup(const std::string& seed, const std::string& token, outlook::client_options options = {})
      : server({.seed_json = seed}),
        ca(server.write_certificate(std::filesystem::temp_directory_path() /
                                    ("outlook-scale-bench-" + std::to_string(server.port()) + ".pem"))),
        transport(outlook::make_beast_transport(ioc.get_executor(), {.ca_file = ca})),
        client(transport, outlook::fixed_token(token), with_base(std::move(options), server.origin())) {}
  ~setup() { std::filesystem::remove(ca); }

  static outlook::client_options with_base(outlook::client_options o, const std::string& origin) {
    o.base_url = origin + "/v1.0";
    return o;
  }

  template <class T>
  T run(asio::awaitable<T> aw) {
    auto future = asio::co_spawn(ioc, std::move(aw), asio::use_future);
    ioc.restart();
    while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) ioc.run_one();
    return future.get();
  }

  /// Runs every coroutine at once on the one thread; rethrows the first failure.
  void run_all(std::vector<asio::awaitable<void>> coroutines) {
    std::vector<std::future<void>> done;
    for (auto& c : coroutines) done.push_back(asio::co_spawn(ioc, std::move(c), asio::use_future));
    ioc.restart();
    for (auto& d : done)
      while (d.wait_for(std::chrono::seconds(0)) != std::future_status::ready) ioc.run_one();
    for (auto& d : done) d.get();
  }
};

asio::awaitable<std::vector<std::string>> message_ids(graph::mailbox me, std::string filter = {}) {
  graph::list_messages_options o;
  o.select = {"id"};
  o.top = 1000;
  if (!filter.empty()) o.filter = filter;
  std::vector<std::string> ids;
  auto pages = me.list_messages_pages(graph::folder::inbox, o);
  while (auto p = co_await pages.next())
    for (const auto& m : p->value) ids.push_back(m->id.value_or(""));
  co_return ids;
}

asio::awaitable<void> one_by_one(graph::mailbox me, const std::vector<std::string>& ids) {
  const auto patch = graph::message_patch{}.is_read(true);
  for (const auto& id : ids) (void)co_await me.update_message(id, patch);
}

asio::awaitable<void> worker(graph::mailbox me, const std::vector<std::string>& ids, std::shared_ptr<std::size_t> next) {
  const auto patch = graph::message_patch{}.is_read(true);
  while (*next < ids.size()) (void)co_await me.update_message(ids[(*next)++], patch);
}

asio::awaitable<std::size_t> batched(graph::mailbox me, const std::vector<std::string>& ids) {
  const auto patch = graph::message_patch{}.is_read(true);
  std::size_t failed = 0;
  for (std::size_t from = 0; from < ids.size(); from += outlook::json_batch_max_requests) {
    outlook::json_batch batch;
    std::vector<outlook::batch_item<outlook::poly<graph::message>>> items;
    for (std::size_t i = from; i < ids.size() && i < from + outlook::json_batch_max_requests; ++i)
      items.push_back(batch.add(me.update_message_request(ids[i], patch)));
    co_await batch.send();
    for (const auto& item : items) failed += item.ok() ? 0 : 1;
  }
  co_return failed;
}

int mark_read(int messages) {
  const std::string seed = make_seed(1, messages);
  bool all_read = true;  // every way left no message unread and no batch item failed
  for (const std::string mode : {"one_by_one", "in_flight_4", "batched_20"}) {
    setup s(seed, "user0-token");
    auto me = s.client.me();
    const auto ids = s.run(message_ids(me));
    const auto before = s.transport->stats().requests_sent;
    const auto served_before = s.server.requests_served();
    std::size_t failed = 0;
    const auto start = std::chrono::steady_clock::now();
    if (mode == "one_by_one") s.run(one_by_one(me, ids));
    else if (mode == "in_flight_4") {
      auto next = std::make_shared<std::size_t>(0);
      std::vector<asio::awaitable<void>> workers;
      for (int i = 0; i < 4; ++i) workers.push_back(worker(me, ids, next));
      s.run_all(std::move(workers));
    }
    else failed = s.run(batched(me, ids));
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    const auto exchanges = s.transport->stats().requests_sent - before;
    const auto served = s.server.requests_served() - served_before;
    const auto unread = s.run(message_ids(me, "isRead eq false")).size();
    std::printf("mode=%s messages=%zu seconds=%.3f messages_per_s=%.0f http_exchanges=%zu server_answers=%zu failed=%zu unread_after=%zu\n",
                mode.c_str(), ids.size(), took.count(), static_cast<double>(ids.size()) / took.count(), exchanges, served, failed,
                unread);
    all_read = all_read && failed == 0 && unread == 0;
  }
  return all_read ? 0 : 1;
}

/// The local mailbox server in a child process (forked before this process starts any
/// thread), so that this process's peak RSS is the client's alone: the child also builds
/// the seed, whose JSON would otherwise set this process's peak before the client starts.
/// The child reports its port, serves until the parent closes the pipe, then reports the
/// requests it answered.
class forked_server {
 public:
  forked_server(int users, int messages) {
    int up[2], down[2];  // child -> parent, parent -> child
    if (::pipe(up) != 0 || ::pipe(down) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      // The child's copies of the parent's ends: with down[1] open here, the child never
      // saw the end of its own pipe when the parent closed it, and stop() waited forever.
      ::close(up[0]);
      ::close(down[1]);
      serve(users, messages, up[1], down[0]);  // never returns
    }
    ::close(up[1]);
    ::close(down[0]);
    from_child_ = up[0];
    to_child_ = down[1];
    if (!read_all(from_child_, &port_, sizeof port_)) throw std::runtime_error("the server process did not start");
  }
  forked_server(const forked_server&) = delete;
  forked_server& operator=(const forked_server&) = delete;
  ~forked_server() {
    if (to_child_ >= 0) ::close(to_child_);
    ::close(from_child_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }

  [[nodiscard]] std::string origin() const { return "https://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] std::filesystem::path ca_file() const { return ca_path(port_); }

  /// Stops the child and returns the requests it answered.
  std::size_t stop() {
    ::close(std::exchange(to_child_, -1));
    std::size_t served = 0;
    if (!read_all(from_child_, &served, sizeof served)) throw std::runtime_error("the server process ended early");
    return served;
  }

 private:
  static std::filesystem::path ca_path(unsigned short port) {
    return std::filesystem::temp_directory_path() / ("outlook-scale-bench-" + std::to_string(port) + ".pem");
  }
  static bool read_all(int fd, void* data, std::size_t size) {
    auto* p = static_cast<char*>(data);
    while (size > 0) {
      const auto n = ::read(fd, p, size);
      if (n <= 0) return false;
      p += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }
  static bool write_all(int fd, const void* data, std::size_t size) {
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
      const auto n = ::write(fd, p, size);
      if (n <= 0) return false;
      p += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }
  [[noreturn]] static void serve(int users, int messages, int up, int down) {
    int code = 0;
    try {
      outlook::server::mail_server server({.seed_json = make_seed(users, messages)});
      const auto port = server.port();
      const auto ca = server.write_certificate(ca_path(port));
      if (write_all(up, &port, sizeof port)) {
        char byte = 0;
        while (::read(down, &byte, 1) > 0) {
        }
        const std::size_t served = server.requests_served();
        (void)write_all(up, &served, sizeof served);
      }
      server.stop();
      std::filesystem::remove(ca);
    } catch (const std::exception& e) {
      std::cerr << "outlook_mail_scale_bench (server process): " << e.what() << '\n';
      code = 1;
    }
    std::_Exit(code);
  }

  pid_t pid_ = -1;
  int from_child_ = -1;
  int to_child_ = -1;
  unsigned short port_ = 0;
};

asio::awaitable<void> sync_worker(graph::client client, int mailboxes, std::shared_ptr<int> next, std::shared_ptr<std::size_t> changes) {
  while (*next < mailboxes) {
    const int user = (*next)++;
    auto round = co_await client.user(address_of(user)).sync_messages(graph::folder::inbox);
    *changes += round.changes.size();
  }
}

int many_mailboxes(int mailboxes, int in_flight, int messages) {
  forked_server server(mailboxes, messages);  // before any thread of this process
  asio::io_context ioc{1};
  auto transport = outlook::make_beast_transport(ioc.get_executor(), {.ca_file = server.ca_file()});
  graph::client client(transport, outlook::fixed_token("app-token"), setup::with_base({}, server.origin()));
  const long rss_before = peak_rss_kib();
  auto next = std::make_shared<int>(0);
  auto changes = std::make_shared<std::size_t>(0);
  std::vector<std::future<void>> done;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < in_flight; ++i)
    done.push_back(asio::co_spawn(ioc, sync_worker(client, mailboxes, next, changes), asio::use_future));
  ioc.run();
  for (auto& d : done) d.get();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  const long rss_after = peak_rss_kib();
  const auto stats = transport->stats();
  const auto served = server.stop();
  std::printf("mode=mailboxes mailboxes=%d in_flight=%d messages_per_mailbox=%d seconds=%.3f mailboxes_per_s=%.0f "
              "changes=%zu http_exchanges=%zu server_answers=%zu connections_opened=%zu max_connections_per_host=%zu "
              "max_requests_per_mailbox=%zu client_peak_rss_kib=%ld client_rss_before_kib=%ld\n",
              mailboxes, in_flight, messages, took.count(), mailboxes / took.count(), *changes, stats.requests_sent, served,
              stats.connections_opened, outlook::beast_transport_options{}.max_connections_per_host,
              client.session()->options().max_requests_per_mailbox, rss_after, rss_before);
  return *changes == static_cast<std::size_t>(mailboxes) * static_cast<std::size_t>(messages) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  auto arg = [&](int i, int fallback) { return argc > i ? std::atoi(argv[i]) : fallback; };
  try {
    if (mode == "mark-read") return mark_read(arg(2, 1000));
    if (mode == "mailboxes") return many_mailboxes(arg(2, 1000), arg(3, 16), arg(4, 5));
  } catch (const std::exception& e) {
    std::cerr << "outlook_mail_scale_bench: " << e.what() << '\n';
    return 1;
  }
  std::cerr << "usage: outlook_mail_scale_bench mark-read [MESSAGES]\n"
               "       outlook_mail_scale_bench mailboxes [MAILBOXES] [IN_FLIGHT] [MESSAGES_PER_MAILBOX]\n";
  return 2;
}
