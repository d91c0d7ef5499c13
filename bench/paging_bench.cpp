// outlook-mail: the client side of bench/run (paging, request rate, raw Beast ceiling).
// SPDX-License-Identifier: BSL-1.0
//
// bench/run starts nginx on loopback, serves the files `write` makes, and runs the other
// modes under /usr/bin/time (CPU seconds, peak RSS). Every mode prints one line of
// `key=value` pairs that bench/run turns into its table. Nothing here asserts a timing.
//
//   write DIR OUTLOOK_BASE GRAPH_BASE PAGES PER_PAGE
//       the page chains of both dialects (DIR/outlook/page.json, page1.json, ...; the
//       same under DIR/graph) linked by BASE/me/messages?page=K, and one small page each
//       (DIR/<dialect>/small.json); prints each chain's size and plain-parse checksum
//   paging outlook|graph BASE CA_FILE ROUNDS
//       the typed paging (bench/typed_paging.hpp) through the chain, ROUNDS times
//   rate outlook|graph BASE CA_FILE CONNECTIONS SECONDS
//       list_messages of the small page in a loop, CONNECTIONS requests in flight
//   raw HOST PORT CA_FILE ROUNDS TARGET...
//       a bare synchronous Beast loop over one keep-alive connection: GET each target in
//       turn and read the whole body, no JSON (the ceiling of any HTTPS transport here)
#include <outlook/beast_transport_impl.hpp>
#include <outlook/graph.hpp>
#include <outlook/mail.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
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
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "message_pages.hpp"
#include "typed_paging.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using outlook_bench::dialect;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

dialect parse_dialect(const std::string& s) {
  if (s == "outlook") return dialect::outlook;
  if (s == "graph") return dialect::graph;
  throw std::invalid_argument("dialect must be outlook or graph, not " + s);
}

/// Forwards to the Beast transport and counts the response bytes it delivered.
class counting_transport final : public outlook::transport {
 public:
  explicit counting_transport(outlook::transport_ptr inner) : inner_(std::move(inner)) {}
  asio::awaitable<outlook::http_response> send(outlook::http_request request) override {
    auto r = co_await inner_->send(std::move(request));
    bytes += r.body.size();
    co_return r;
  }
  // Pagers stream: forwarding this keeps the Beast transport's streaming (the default
  // would read each page whole first).
  asio::awaitable<outlook::http_response> send_streamed(outlook::http_request request,
                                                        outlook::response_sink& sink) override {
    auto r = co_await inner_->send_streamed(std::move(request), sink);
    bytes += r.body.size() + r.streamed_body_size;
    co_return r;
  }
  /// Response body bytes as they came over the wire (gzip-compressed when it was asked for).
  [[nodiscard]] std::size_t wire_bytes() const { return outlook::beast_transport_stats(*inner_).body_bytes_received; }
  std::size_t bytes = 0;

 private:
  outlook::transport_ptr inner_;
};

struct client_setup {
  std::shared_ptr<counting_transport> transport;
  outlook::client_options options;
};

/// `gzip`: ask for gzip (the transport's default); off everywhere but the gzip paging runs,
/// so that the other rows compare with wrk and the raw loop, which do not ask for it.
client_setup make_setup(asio::io_context& ioc, const std::string& base, const std::string& ca, std::size_t connections,
                        bool gzip = false) {
  outlook::beast_transport_options t;
  t.accept_gzip = gzip;
  t.ca_file = ca;
  t.max_connections_per_host = connections;
  client_setup s;
  s.transport = std::make_shared<counting_transport>(outlook::make_beast_transport(ioc.get_executor(), t));
  s.options.base_url = base;
  // The rate rows put up to 8 requests in flight on one mailbox to compare with wrk's 8
  // connections; the client's default of 4 per mailbox (the service's limit) would halve that.
  s.options.max_requests_per_mailbox = 0;
  return s;
}

/// Runs `body(mailbox)` with the client of the dialect; rethrows what it threw.
template <class Body>
void with_mailbox(dialect d, const client_setup& s, asio::io_context& ioc, Body body) {
  std::exception_ptr error;
  auto done = [&](std::exception_ptr e) { error = e; };
  if (d == dialect::graph) {
    outlook::graph::client c(s.transport, outlook::fixed_token("bench"), s.options);
    asio::co_spawn(ioc, body(c.me()), done);
    ioc.run();
  } else {
    outlook::mail::client c(s.transport, outlook::fixed_token("bench"), s.options);
    asio::co_spawn(ioc, body(c.me()), done);
    ioc.run();
  }
  if (error) std::rethrow_exception(error);
}

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

int write_mode(char** argv) {
  const std::filesystem::path dir = argv[2];
  const std::string bases[] = {argv[3], argv[4]};
  const int pages = std::atoi(argv[5]), per_page = std::atoi(argv[6]);
  for (dialect d : {dialect::outlook, dialect::graph}) {
    const char* name = d == dialect::graph ? "graph" : "outlook";
    const std::string& base = bases[d == dialect::graph ? 1 : 0];
    std::filesystem::create_directories(dir / name);
    outlook_bench::checksum plain;
    std::size_t bytes = 0;
    for (int i = 0; i < pages; ++i) {
      outlook_bench::page_spec spec;
      spec.kind = d;
      spec.count = per_page;
      spec.seed = 20240115 + static_cast<std::uint64_t>(i);
      if (i + 1 < pages) spec.next_link = base + "/me/messages?page=" + std::to_string(i + 1);
      const std::string text = outlook_bench::make_page(spec);
      outlook_bench::checksum_plain(d, text, plain);
      bytes += text.size();
      write_file(dir / name / (i == 0 ? std::string("page.json") : "page" + std::to_string(i) + ".json"), text);
    }
    outlook_bench::page_spec small;
    small.kind = d;
    small.count = 1;
    small.body_size = 0;  // no HTML beyond the skeleton: about 2.5 KB with the other members
    const std::string small_text = outlook_bench::make_page(small);
    write_file(dir / name / "small.json", small_text);
    std::printf("dialect=%s pages=%d messages=%llu bytes=%zu checksum=%016llx small_bytes=%zu\n", name, pages,
                static_cast<unsigned long long>(plain.messages), bytes, static_cast<unsigned long long>(plain.value),
                small_text.size());
  }
  return 0;
}

int paging_mode(char** argv, bool gzip) {
  const dialect d = parse_dialect(argv[2]);
  const int rounds = std::max(1, std::atoi(argv[5]));
  asio::io_context ioc;
  auto setup = make_setup(ioc, argv[3], argv[4], 1, gzip);
  outlook_bench::checksum sum;
  std::size_t pages = 0;
  const auto t0 = std::chrono::steady_clock::now();
  with_mailbox(d, setup, ioc, [&](auto me) -> asio::awaitable<void> {
    for (int r = 0; r < rounds; ++r) {
      outlook_bench::checksum one;
      pages += co_await outlook_bench::typed_paging(me, one);
      sum = one;  // every round reads the same chain: report one round's checksum
    }
  });
  const double s = seconds_since(t0);
  std::printf("pages=%zu messages=%llu bytes=%zu wire=%zu seconds=%.3f checksum=%016llx\n", pages,
              static_cast<unsigned long long>(sum.messages) * static_cast<unsigned long long>(rounds), setup.transport->bytes,
              setup.transport->wire_bytes(), s, static_cast<unsigned long long>(sum.value));
  return 0;
}

int rate_mode(char** argv) {
  const dialect d = parse_dialect(argv[2]);
  const std::size_t connections = static_cast<std::size_t>(std::max(1, std::atoi(argv[5])));
  const double duration = std::atof(argv[6]);
  asio::io_context ioc;
  auto setup = make_setup(ioc, argv[3], argv[4], connections);
  std::size_t requests = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const auto until = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(duration));
  with_mailbox(d, setup, ioc, [&](auto me) -> asio::awaitable<void> {
    // `connections` loops on the one thread; each keeps one request in flight.
    auto loop = [&](auto box) -> asio::awaitable<void> {
      while (std::chrono::steady_clock::now() < until) {
        auto page = co_await box.list_messages("small");
        if (page.value.size() != 1) throw std::runtime_error("the small page should hold one message");
        ++requests;
      }
    };
    auto ex = co_await asio::this_coro::executor;
    std::vector<std::exception_ptr> errors;
    std::size_t running = connections;
    for (std::size_t i = 0; i < connections; ++i)
      asio::co_spawn(ex, loop(me), [&](std::exception_ptr e) {
        if (e) errors.push_back(e);
        --running;
      });
    asio::steady_timer wait(ex);
    while (running) {
      wait.expires_after(std::chrono::milliseconds(5));
      co_await wait.async_wait(asio::use_awaitable);
    }
    if (!errors.empty()) std::rethrow_exception(errors.front());
  });
  const double s = seconds_since(t0);
  std::printf("requests=%zu connections=%zu seconds=%.3f rate=%.0f bytes=%zu\n", requests, connections, s,
              static_cast<double>(requests) / s, setup.transport->bytes);
  return 0;
}

int raw_mode(int argc, char** argv) {
  const std::string host = argv[2], port = argv[3], ca = argv[4];
  const int rounds = std::max(1, std::atoi(argv[5]));
  std::vector<std::string> targets(argv + 6, argv + argc);
  asio::io_context ioc;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(ca);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  asio::ip::tcp::resolver resolver(ioc);
  beast::get_lowest_layer(stream).connect(resolver.resolve(host, port));
  stream.handshake(asio::ssl::stream_base::client);
  beast::flat_buffer buffer(64 * 1024);
  std::size_t bytes = 0, responses = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r)
    for (const auto& target : targets) {
      http::request<http::empty_body> req(http::verb::get, target, 11);
      req.set(http::field::host, host);
      req.set(http::field::accept, "application/json");
      http::write(stream, req);
      http::response_parser<http::string_body> parser;
      parser.body_limit(std::size_t{256} * 1024 * 1024);
      http::read(stream, buffer, parser);
      if (parser.get().result_int() != 200) throw std::runtime_error("raw: HTTP " + std::to_string(parser.get().result_int()) + " for " + target);
      bytes += parser.get().body().size();
      ++responses;
    }
  const double s = seconds_since(t0);
  std::printf("responses=%zu bytes=%zu seconds=%.3f\n", responses, bytes, s);
  return 0;
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "write" && argc == 7) return write_mode(argv);
  if (mode == "paging" && argc == 6) return paging_mode(argv, false);
  if (mode == "paging" && argc == 7 && std::string(argv[6]) == "gzip") return paging_mode(argv, true);
  if (mode == "rate" && argc == 7) return rate_mode(argv);
  if (mode == "raw" && argc >= 7) return raw_mode(argc, argv);
  std::fprintf(stderr,
               "usage: %s write DIR OUTLOOK_BASE GRAPH_BASE PAGES PER_PAGE\n"
               "       %s paging outlook|graph BASE CA_FILE ROUNDS [gzip]\n"
               "       %s rate outlook|graph BASE CA_FILE CONNECTIONS SECONDS\n"
               "       %s raw HOST PORT CA_FILE ROUNDS TARGET...\n",
               argv[0], argv[0], argv[0], argv[0]);
  return 2;
} catch (const std::exception& e) {
  std::fprintf(stderr, "FAIL: %s\n", e.what());
  return 1;
}
