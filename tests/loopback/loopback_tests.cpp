// Every call cassette of tests/fixtures through the default Beast HTTPS transport, against
// SPDX-License-Identifier: BSL-1.0
// a loopback HTTPS server that replays the cassette (the fixture runner does the same with
// an in-process replay transport; this adds TLS, HTTP/1.1 framing, keep-alive and the URL
// handling of a real connection).
//
// The client talks to https://localhost:<port>/api/v2.0 (and /api/beta), or /v1.0 for a
// Graph cassette. The server maps each request URL back to the recorded host
// (https://outlook.office.com, or https://graph.microsoft.com for a Graph cassette, whose
// upload URLs on outlook.office.com are under /~office; https://outlook.office365.com
// under the /~office365 prefix) before a
// replay_transport of the cassette matches it, and maps absolute links in the recorded
// response the other way, so that paging and sync follow them to the loopback server.
// Links to any other host stay as recorded (and must still be refused). The result pages
// are mapped back before they are compared with the recorded bodies.
//
// Recorded transport failures: "timeout" is served by not answering before the client's
// request_timeout (1 s for those cassettes); "reset" by a small server of this file that
// reads the request and closes the connection without answering (https_test_server always
// answers). Call cassettes alternate between a Content-Length server and a chunked one.
//
// This is the one translation unit of the program: it compiles the Beast transport
// (beast_transport_impl.hpp) and the test servers.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

#include "outlook/beast_transport.hpp"
#include "outlook/beast_transport_impl.hpp"
#include "outlook/testing/cassette.hpp"
#include "outlook/testing/https_test_server.hpp"
#include "outlook/testing/replay_transport.hpp"
#include "run_cassette.hpp"

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;
using outlook::testing::interaction;

constexpr std::string_view office = "https://outlook.office.com";
constexpr std::string_view office365 = "https://outlook.office365.com";
constexpr std::string_view office365_prefix = "/~office365";  // path prefix standing for outlook.office365.com
constexpr std::string_view graph = "https://graph.microsoft.com";
constexpr std::string_view office_prefix = "/~office";  // outlook.office.com, in a Graph cassette (upload URLs)
constexpr auto timeout_for_timeout_cassettes = 1000ms;
constexpr auto server_silence = 1500ms;  // how long a "timeout" interaction keeps the client waiting

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

/// The link mapping of one loopback server (recorded hosts <-> https://localhost:<port>).
struct link_map {
  std::string local;  // "https://localhost:<port>"
  bool graph_api = false;  // the cassette is for Microsoft Graph: graph.microsoft.com is the main host

  /// Recorded response text -> what the loopback server sends.
  [[nodiscard]] std::string to_local(std::string s) const {
    replace_all(s, office365, local + std::string(office365_prefix));
    if (graph_api) {
      replace_all(s, office, local + std::string(office_prefix));
      replace_all(s, graph, local);
    } else {
      replace_all(s, office, local);
    }
    return s;
  }
  /// A URL (or a re-encoded string) with loopback links -> the recorded spelling.
  [[nodiscard]] std::string to_recorded(std::string s) const {
    replace_all(s, local + std::string(office365_prefix), office365);
    if (graph_api) {
      replace_all(s, local + std::string(office_prefix), office);
      replace_all(s, local, graph);
    } else {
      replace_all(s, local, office);
    }
    return s;
  }
  void restore(json::value& v) const {
    if (v.is_string()) {
      std::string s(v.get_string());
      if (s.find(local) != std::string::npos) v = to_recorded(std::move(s));
    } else if (v.is_array()) {
      for (auto& item : v.get_array()) restore(item);
    } else if (v.is_object()) {
      for (auto& member : v.get_object()) restore(member.value());
    }
  }
};

/// What a loopback server does with one request.
struct reply {
  enum class action { answer, drop, unanswerable };
  action what = action::answer;
  outlook::http_response response;
};

/// The cassette a loopback server currently plays, shared between the test thread (which
/// installs it and reads the outcome) and the server thread (which serves requests).
class cassette_site {
 public:
  void install(const std::vector<interaction>& interactions) {
    std::lock_guard lock(mutex_);
    replay_ = std::make_shared<outlook::testing::replay_transport>(interactions);
    total_ = interactions.size();
    links_.graph_api = false;
    for (const auto& i : interactions)
      if (i.request && i.request->url.starts_with(graph)) links_.graph_api = true;
    mismatch_.clear();
  }
  void set_port(unsigned short port) { links_.local = "https://localhost:" + std::to_string(port); }
  [[nodiscard]] const link_map& links() const { return links_; }

  /// "" when every recorded interaction was consumed.
  [[nodiscard]] std::string finished() const {
    std::lock_guard lock(mutex_);
    if (replay_ && replay_->finished()) return "";
    return "only " + std::to_string(replay_ ? replay_->consumed() : 0) + " of " + std::to_string(total_) +
           " recorded requests reached the server";
  }
  [[nodiscard]] std::string mismatch() const {
    std::lock_guard lock(mutex_);
    return mismatch_;
  }

  /// Runs on a server thread.
  asio::awaitable<reply> serve(outlook::http_request request) {
    request.url = links_.to_recorded(std::move(request.url));
    reply out;
    std::optional<outlook::transport_error::kind> failure;
    {
      // replay_transport::send never suspends, so the lock is taken and released on this thread.
      std::unique_lock lock(mutex_);
      if (!replay_) {
        out.response = {500, {{"Content-Type", "text/plain"}}, "no cassette installed"};
        co_return out;
      }
      try {
        out.response = co_await replay_->send(std::move(request));
      } catch (const outlook::testing::cassette_mismatch& e) {
        if (mismatch_.empty()) mismatch_ = e.what();
        out.response = {500, {{"Content-Type", "text/plain"}}, "cassette mismatch"};
        co_return out;
      } catch (const outlook::transport_error& e) {
        failure = e.reason();
      }
    }
    if (failure == outlook::transport_error::kind::timeout) {
      asio::steady_timer silence(co_await asio::this_coro::executor, server_silence);
      co_await silence.async_wait(asio::as_tuple(asio::use_awaitable));
      out.response = {504, {{"Content-Type", "text/plain"}}, "answered after the client gave up"};
      co_return out;
    }
    if (failure) {
      out.what = reply::action::drop;
      co_return out;
    }
    out.response.body = links_.to_local(std::move(out.response.body));
    outlook::http_headers headers;
    for (const auto& [name, value] : out.response.headers) headers.add(name, links_.to_local(value));
    out.response.headers = std::move(headers);
    co_return out;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<outlook::testing::replay_transport> replay_;
  std::size_t total_ = 0;
  std::string mismatch_;
  link_map links_;
};

/// https_test_server playing a cassette_site.
class replay_server {
 public:
  explicit replay_server(outlook::testing::https_test_server_options::body_encoding encoding)
      : server_(
            [site = site_](outlook::http_request r) -> asio::awaitable<outlook::http_response> {
              auto out = co_await site->serve(std::move(r));
              if (out.what != reply::action::answer)
                co_return outlook::http_response{500, {{"Content-Type", "text/plain"}},
                                                 "this server cannot drop a connection"};
              co_return std::move(out.response);
            },
            {.encoding = encoding}) {
    site_->set_port(server_.port());
  }
  [[nodiscard]] cassette_site& site() { return *site_; }
  [[nodiscard]] outlook::testing::https_test_server& server() { return server_; }

 private:
  std::shared_ptr<cassette_site> site_ = std::make_shared<cassette_site>();
  outlook::testing::https_test_server server_;
};

/// A minimal HTTPS server for cassettes with a "reset" interaction: it answers like
/// replay_server (Content-Length bodies) but, for a reset, reads the request and closes
/// the TCP connection (RST, no TLS close_notify) without answering.
class dropping_server {
 public:
  dropping_server() {
    identity_ = outlook::testing::detail::make_self_signed_certificate({"localhost"}, {"127.0.0.1"});
    ctx_.use_certificate_chain(asio::buffer(identity_.certificate_pem));
    ctx_.use_private_key(asio::buffer(identity_.private_key_pem), asio::ssl::context::pem);
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.bind(endpoint);
    acceptor_.listen();
    site_.set_port(acceptor_.local_endpoint().port());
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  dropping_server(const dropping_server&) = delete;
  dropping_server& operator=(const dropping_server&) = delete;
  ~dropping_server() {
    ioc_.stop();
    thread_.join();
  }
  [[nodiscard]] cassette_site& site() { return site_; }
  [[nodiscard]] const std::string& ca_pem() const { return identity_.certificate_pem; }
  [[nodiscard]] std::size_t connections_dropped() const { return dropped_.load(); }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (!acceptor_.is_open()) co_return;
        continue;
      }
      asio::co_spawn(ioc_, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(asio::ip::tcp::socket socket) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), ctx_);
    beast::get_lowest_layer(stream).expires_after(10s);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    if (hec) co_return;
    beast::flat_buffer buffer;
    for (;;) {
      beast::get_lowest_layer(stream).expires_never();
      http::request<http::string_body> message;
      auto [rec, rn] = co_await http::async_read(stream, buffer, message, asio::as_tuple(asio::use_awaitable));
      (void)rn;
      if (rec) co_return;
      outlook::http_request request;
      request.method = std::string(message.method_string());
      request.url = "https://" + std::string(message[http::field::host]) + std::string(message.target());
      for (const auto& field : message) request.headers.add(std::string(field.name_string()), std::string(field.value()));
      request.body = std::move(message.body());
      auto out = co_await site_.serve(std::move(request));
      if (out.what == reply::action::drop) {
        ++dropped_;
        auto& tcp = beast::get_lowest_layer(stream).socket();
        boost::system::error_code ignored;
        tcp.set_option(asio::socket_base::linger(true, 0), ignored);  // close with RST
        tcp.close(ignored);
        co_return;
      }
      http::response<http::string_body> m;
      m.version(11);
      m.result(static_cast<unsigned>(out.response.status));
      for (const auto& [name, value] : out.response.headers)
        if (!outlook::iequals(name, "Content-Length") && !outlook::iequals(name, "Transfer-Encoding") &&
            !outlook::iequals(name, "Connection"))
          m.insert(name, value);
      m.keep_alive(message.keep_alive());
      m.body() = std::move(out.response.body);
      m.prepare_payload();
      beast::get_lowest_layer(stream).expires_after(60s);
      auto [wec, wn] = co_await http::async_write(stream, m, asio::as_tuple(asio::use_awaitable));
      (void)wn;
      if (wec || !message.keep_alive()) co_return;
    }
  }

  outlook::testing::detail::certificate_and_key identity_;
  asio::ssl::context ctx_{asio::ssl::context::tls_server};
  cassette_site site_;
  asio::io_context ioc_{1};
  asio::ip::tcp::acceptor acceptor_{ioc_};
  std::atomic<std::size_t> dropped_{0};
  std::thread thread_;
};

/// A temporary directory for the CA files, removed at the end.
class temp_dir {
 public:
  temp_dir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("outlook-loopback-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] std::filesystem::path write(const std::string& name, const std::string& text) const {
    auto p = path_ / name;
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + p.string());
    return p;
  }

 private:
  std::filesystem::path path_;
};

/// The call_factory of a cassette played by `site`: a fresh Beast transport trusting
/// `ca_file`, the client pointed at the site's loopback URLs. `stats`, when given,
/// receives the transport's counters once the call has finished.
fixture_runner::call_factory loopback_factory(cassette_site& site, std::filesystem::path ca_file,
                                              outlook::transport_stats* stats = nullptr) {
  return [&site, ca_file = std::move(ca_file), stats](const std::vector<interaction>& interactions,
                                                      asio::any_io_executor executor) {
    bool has_timeout = false;
    for (const auto& i : interactions)
      if (i.response.transport_error == "timeout") has_timeout = true;
    site.install(interactions);
    outlook::beast_transport_options topts;
    topts.ca_file = ca_file;
    if (has_timeout) topts.request_timeout = timeout_for_timeout_cassettes;
    auto transport = outlook::make_beast_transport(std::move(executor), topts);

    fixture_runner::call_setup s;
    s.transport = transport;
    const std::string& local = site.links().local;
    s.options.base_url = local + (site.links().graph_api ? "/v1.0" : "/api/v2.0");
    s.options.preview_base_url = local + (site.links().graph_api ? "/beta" : "/api/beta");
    s.options.allowed_hosts = {local.substr(std::string_view("https://").size())};
    // Called once the call has completed, after `mismatch`: the transport is still alive.
    s.mismatch = [&site, transport, stats] {
      if (stats) *stats = transport->stats();
      return site.mismatch();
    };
    s.finished = [&site] { return site.finished(); };
    s.restore = [&site](json::value& page) { site.links().restore(page); };
    return s;
  };
}

std::vector<std::filesystem::path> fixture_files() {
  return outlook::testing::find_cassettes(outlook::testing::cassette_dirs_from_env(OUTLOOK_MAIL_FIXTURE_DIR));
}

bool has_transport_error(const outlook::testing::cassette& c, std::string_view kind) {
  for (const auto& i : c.interactions)
    if (i.response.transport_error == kind) return true;
  return false;
}

}  // namespace

TEST_CASE("every call cassette over HTTPS through the Beast transport") {
  using encoding = outlook::testing::https_test_server_options::body_encoding;
  temp_dir dir;
  replay_server content_length(encoding::content_length);
  replay_server chunked(encoding::chunked);
  dropping_server dropping;
  const auto ca_content_length = dir.write("content-length.pem", content_length.server().ca_pem());
  const auto ca_chunked = dir.write("chunked.pem", chunked.server().ca_pem());
  const auto ca_dropping = dir.write("dropping.pem", dropping.ca_pem());

  const auto start = std::chrono::steady_clock::now();
  // Every call cassette is served, transport failures included: none is skipped.
  constexpr int skipped = 0;
  int passed = 0, failed = 0, served_chunked = 0, served_content_length = 0, served_dropping = 0;
  std::size_t n = 0;
  std::vector<std::pair<std::chrono::milliseconds, std::string>> durations;
  for (const auto& f : fixture_files()) {
    std::string why;
    const auto cassette_start = std::chrono::steady_clock::now();
    try {
      auto c = outlook::testing::load_cassette(f);
      if (!c.raw.contains("call")) continue;  // decode cassettes send nothing
      if (has_transport_error(c, "reset")) {
        ++served_dropping;
        why = fixture_runner::run_call(c, loopback_factory(dropping.site(), ca_dropping));
      } else if (n++ % 2 == 0) {
        ++served_content_length;
        why = fixture_runner::run_call(c, loopback_factory(content_length.site(), ca_content_length));
      } else {
        ++served_chunked;
        why = fixture_runner::run_call(c, loopback_factory(chunked.site(), ca_chunked));
      }
    } catch (const std::exception& e) {
      why = std::string("could not run: ") + e.what();
    }
    durations.emplace_back(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - cassette_start),
                           f.filename().string());
    if (why.empty()) {
      ++passed;
    } else {
      ++failed;
      std::cout << "FAIL " << f.string() << ": " << why << '\n';
    }
  }
  std::sort(durations.begin(), durations.end(), std::greater<>());
  std::cout << "slowest cassettes:";
  for (std::size_t i = 0; i < durations.size() && i < 3; ++i)
    std::cout << ' ' << durations[i].second << " (" << durations[i].first.count() << " ms)";
  std::cout << '\n';
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::cout << "loopback HTTPS: " << passed << " passed, " << failed << " failed, " << skipped << " skipped ("
            << served_content_length << " Content-Length, " << served_chunked << " chunked, " << served_dropping
            << " dropped-connection server; " << ms.count() << " ms)\n";
  CHECK(failed == 0);
  CHECK(passed > 0);
  CHECK(served_chunked > 0);
  CHECK(dropping.connections_dropped() == static_cast<std::size_t>(served_dropping));
}

TEST_CASE("keep-alive: a sync round of several pages uses one connection") {
  temp_dir dir;
  replay_server site(outlook::testing::https_test_server_options::body_encoding::alternate);
  const auto ca = dir.write("ca.pem", site.server().ca_pem());
  const auto c = outlook::testing::load_cassette(std::filesystem::path(OUTLOOK_MAIL_FIXTURE_DIR) / "sync" /
                                                 "sync_messages_full_round.json");
  const std::size_t requests = c.interactions.size();
  REQUIRE(requests >= 3);

  outlook::transport_stats stats;
  const std::string why = fixture_runner::run_call(c, loopback_factory(site.site(), ca, &stats));
  CHECK_MESSAGE(why.empty(), why);
  std::cout << "keep-alive over " << requests << " requests: server connections_accepted=" << site.server().connections_accepted()
            << ", requests_received=" << site.server().requests_received() << "; transport connections_opened="
            << stats.connections_opened << ", requests_sent=" << stats.requests_sent
            << ", connections_reused=" << stats.connections_reused << ", retries=" << stats.retries << '\n';
  CHECK(site.server().connections_accepted() == 1);
  CHECK(site.server().requests_received() == requests);
  CHECK(stats.connections_opened == 1);
  CHECK(stats.requests_sent == requests);
  CHECK(stats.connections_reused == requests - 1);
  CHECK(stats.retries == 0);
}

TEST_CASE("a server whose certificate the client does not trust is refused before any request") {
  temp_dir dir;
  std::atomic<int> handled{0};
  outlook::testing::https_test_server untrusted([&](outlook::http_request) -> asio::awaitable<outlook::http_response> {
    ++handled;
    co_return outlook::http_response{200, {{"Content-Type", "application/json"}}, "{}"};
  });
  // The client trusts another server's certificate (also for localhost), not this one's.
  outlook::testing::https_test_server other([](outlook::http_request) -> asio::awaitable<outlook::http_response> {
    co_return outlook::http_response{200, {}, "{}"};
  });
  const auto ca = dir.write("other.pem", other.ca_pem());

  asio::io_context io;
  outlook::client_options options;
  options.base_url = untrusted.url("/api/v2.0");
  options.preview_base_url = untrusted.url("/api/beta");
  options.allowed_hosts = {"localhost:" + std::to_string(untrusted.port())};
  options.retry.enabled = false;
  auto transport = outlook::make_beast_transport(io.get_executor(), {.ca_file = ca});
  outlook::mail::client client(transport, outlook::fixed_token(std::string(fixture_runner::test_token)), options);
  auto invoke = outlook::mail::testing::find_operation("get_message");
  REQUIRE(static_cast<bool>(invoke));
  const json::object args{{"message_id", "AAMkAGI2THVSAAA="}};
  const json::object opts;

  fixture_runner::outcome got;
  got.kind = "unfinished";
  const auto mailbox = client.me();
  asio::co_spawn(io, invoke(mailbox, args, opts), [&](std::exception_ptr ep, std::vector<json::value>) {
    got = fixture_runner::capture([&](fixture_runner::outcome&) {
      if (ep) std::rethrow_exception(ep);
    });
  });
  io.run();
  CHECK_MESSAGE(got.kind == "transport", std::string(got.kind + ": " + got.message));
  CHECK(got.message.find(fixture_runner::test_token) == std::string::npos);
  CHECK(handled.load() == 0);
  CHECK(untrusted.requests_received() == 0);
  CHECK(transport->stats().requests_sent == 0);
  std::cout << "untrusted certificate: " << got.kind << " error: " << got.message << '\n';
}
