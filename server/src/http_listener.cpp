// The server's one translation unit with Beast, Asio and OpenSSL: accepts connections
// (TLS or plain), reads HTTP/1.1 requests with keep-alive, hands each to the service on
// the server's single I/O thread, and writes the answer.
//
// SPDX-License-Identifier: BSL-1.0
#include <outlook/server/mail_server.hpp>

#include "service.hpp"
#include "store.hpp"

#include <outlook/testing/self_signed_certificate.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace outlook::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

struct mail_server::impl {
  mail_server_options options;
  std::unique_ptr<store> db;
  std::unique_ptr<service> svc;
  std::string certificate_pem;
  asio::ssl::context tls{asio::ssl::context::tls_server};
  asio::io_context ioc{1};
  asio::ip::tcp::acceptor acceptor{ioc};
  unsigned short port = 0;
  std::atomic<std::size_t> served{0};
  std::thread thread;

  std::string origin() const {
    return std::string(options.plain_http ? "http" : "https") + "://" + options.listen_address + ":" +
           std::to_string(port);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        continue;
      }
      // Answers are written as header and body: without no_delay, Nagle's algorithm holds
      // the body back until the client's delayed ACK of the header (about 40 ms each).
      boost::system::error_code ignored;
      socket.set_option(asio::ip::tcp::no_delay(true), ignored);
      if (options.plain_http) {
        asio::co_spawn(ioc, serve(beast::tcp_stream(std::move(socket))), asio::detached);
      } else {
        asio::co_spawn(ioc, serve_tls(std::move(socket)), asio::detached);
      }
    }
  }

  asio::awaitable<void> serve_tls(asio::ip::tcp::socket socket) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    co_await serve(std::move(stream));
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream stream) {
    beast::flat_buffer buffer;
    for (;;) {
      // An idle keep-alive connection is closed after a while.
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(120));
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(std::size_t{150} * 1024 * 1024);
      auto [rec, n] = co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (rec) break;
      auto message = parser.release();
      http_request request;
      request.method = std::string(message.method_string());
      request.url = std::string(message.target());
      for (const auto& field : message) request.headers.add(std::string(field.name_string()), std::string(field.value()));
      request.body = std::move(message.body());

      http_response answer = svc->handle(request, origin());
      ++served;
      bhttp::response<bhttp::string_body> reply;
      reply.version(11);
      reply.result(static_cast<unsigned>(answer.status));
      for (const auto& [name, value] : answer.headers) reply.insert(name, value);
      reply.keep_alive(message.keep_alive());
      reply.body() = std::move(answer.body);
      reply.prepare_payload();
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(60));
      auto [wec, wn] = co_await bhttp::async_write(stream, reply, asio::as_tuple(asio::use_awaitable));
      (void)wn;
      if (wec || !reply.keep_alive()) break;
    }
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
      co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
    } else {
      boost::system::error_code ignored;
      stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    }
  }
};

mail_server::mail_server(mail_server_options options) : impl_(std::make_unique<impl>()) {
  auto& s = *impl_;
  s.options = std::move(options);
  if (s.options.throttle_percent < 0 || s.options.throttle_percent > 100)
    throw server_error("--throttle must be a percentage from 0 to 100");

  std::string seed_text = s.options.seed_json;
  if (seed_text.empty()) {
    if (s.options.seed_file.empty()) throw server_error("a seed is required (--seed FILE)");
    std::ifstream in(s.options.seed_file, std::ios::binary);
    if (!in) throw server_error("cannot read the seed file " + s.options.seed_file.string());
    std::ostringstream text;
    text << in.rdbuf();
    seed_text = text.str();
  }
  boost::system::error_code ec;
  boost::json::parse_options popts;
  popts.max_depth = 64;
  const auto seed = boost::json::parse(seed_text, ec, {}, popts);
  if (ec) throw server_error("the seed is not valid JSON: " + ec.message());
  try {
    s.db = std::make_unique<store>(s.options.database);
    s.svc = std::make_unique<service>(*s.db, service_options{s.options.throttle_percent});
    s.svc->load_seed(seed);
  } catch (const seed_error& e) {
    throw server_error(std::string("invalid seed: ") + e.what());
  } catch (const store_error& e) {
    throw server_error(e.what());
  }

  if (!s.options.plain_http) {
    std::vector<std::string> ips{"127.0.0.1"};
    if (s.options.listen_address != "127.0.0.1" && s.options.listen_address != "localhost")
      ips.push_back(s.options.listen_address);
    const auto identity = outlook::testing::make_self_signed_certificate({"localhost"}, ips);
    s.certificate_pem = identity.certificate_pem;
    s.tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    s.tls.use_certificate_chain(asio::buffer(identity.certificate_pem));
    s.tls.use_private_key(asio::buffer(identity.private_key_pem), asio::ssl::context::pem);
  }

  try {
    const std::string host = s.options.listen_address == "localhost" ? "127.0.0.1" : s.options.listen_address;
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(host), s.options.port);
    s.acceptor.open(endpoint.protocol());
    s.acceptor.set_option(asio::socket_base::reuse_address(true));
    s.acceptor.bind(endpoint);
    s.acceptor.listen();
  } catch (const boost::system::system_error& e) {
    throw server_error("cannot listen on " + s.options.listen_address + ":" + std::to_string(s.options.port) + ": " +
                       e.code().message());
  }
  s.port = s.acceptor.local_endpoint().port();
  asio::co_spawn(s.ioc, s.accept_loop(), asio::detached);
  s.thread = std::thread([&s] { s.ioc.run(); });
}

mail_server::~mail_server() { stop(); }

unsigned short mail_server::port() const noexcept { return impl_->port; }
std::string mail_server::origin() const { return impl_->origin(); }
const std::string& mail_server::certificate_pem() const noexcept { return impl_->certificate_pem; }
std::size_t mail_server::requests_served() const noexcept { return impl_->served.load(); }

std::filesystem::path mail_server::write_certificate(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << impl_->certificate_pem;
  if (!out.flush()) throw server_error("cannot write the certificate to " + path.string());
  return path;
}

void mail_server::stop() {
  if (impl_->thread.joinable()) {
    impl_->ioc.stop();
    impl_->thread.join();
  }
}

}  // namespace outlook::server
