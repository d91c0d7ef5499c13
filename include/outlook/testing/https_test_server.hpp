// outlook-mail testing: a loopback HTTPS server with a self-signed certificate made at run
// SPDX-License-Identifier: BSL-1.0
// time, answering every request through a handler (typically a cassette replay transport).
//
//     outlook::testing::https_test_server server([](outlook::http_request r)
//         -> boost::asio::awaitable<outlook::http_response> { co_return {200, {}, "hello"}; });
//     auto ca = server.write_ca_file(std::filesystem::temp_directory_path() / "test-ca.pem");
//     // client: beast_transport_options{.ca_file = ca}, URL server.url("/api/v2.0/me")
//
// The server runs its own io_context on its own thread; the handler runs on that thread.
// It listens on 127.0.0.1 on an ephemeral port, keeps connections alive, and hands the
// handler the request URL rebuilt as "https://<Host header><target>".
//
// Like the Beast transport's implementation, this header pulls in Beast, Asio SSL and
// OpenSSL: include it in one translation unit of a test program.
#pragma once

#include "outlook/http.hpp"
#include "outlook/testing/self_signed_certificate.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>


#include <algorithm>
#include <atomic>
#include <cstdio>
#include <chrono>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace outlook::testing {

struct https_test_server_options {
  enum class body_encoding {
    content_length,  // every response carries Content-Length
    chunked,         // every response is sent with Transfer-Encoding: chunked
    alternate        // first response Content-Length, second chunked, and so on
  };
  body_encoding encoding = body_encoding::content_length;
  std::size_t chunk_size = std::size_t{16} * 1024;  // payload bytes per chunk when chunked
  /// Names the certificate is valid for (subjectAltName). A server for "other.example"
  /// lets a test check that a client refuses a certificate for another name.
  std::vector<std::string> dns_names{"localhost"};
  std::vector<std::string> ip_addresses{"127.0.0.1"};
  /// 0: unlimited. Otherwise a connection serves this many requests, then:
  /// announce_close == true: the last response carries "Connection: close" and the server closes;
  /// announce_close == false: the server reads the next request and closes without answering
  /// (a keep-alive connection the server dropped while the client thought it idle).
  std::size_t max_requests_per_connection = 0;
  bool announce_close = true;
  std::size_t max_request_body = std::size_t{64} * 1024 * 1024;
  /// A body written as it is made instead of held whole, so that a test can serve a body
  /// larger than it wants in memory: when this returns a function for a request, the
  /// handler's response gives the status and headers, and the body is sent chunked from
  /// calls of that function, each filling `piece` (cleared before every call) until it
  /// returns false.
  std::function<std::function<bool(std::string& piece)>(const http_request&)> generated_body{};
};

/// Bytes a test server writes as they are instead of a well-formed response, and what it
/// does afterwards: lets a test play a misbehaving server (interim 1xx responses, a body
/// delimited by the end of the stream, a close without TLS close_notify).
struct raw_reply {
  enum class then {
    keep_open,     // keep the connection and read the next request
    close_notify,  // send TLS close_notify, then close
    tcp_close      // close the TCP connection without close_notify (a truncation to TLS)
  };
  std::string bytes;
  then after = then::keep_open;
};

namespace detail {
// Kept under their old names for code that used them from here.
using testing::certificate_and_key;
using testing::make_self_signed_certificate;
}  // namespace detail

class https_test_server {
 public:
  using handler_type = std::function<boost::asio::awaitable<http_response>(http_request)>;
  using options = https_test_server_options;

  /// Answers a request with raw bytes when it returns a value; otherwise the handler answers.
  using raw_handler_type = std::function<std::optional<raw_reply>(const http_request&)>;

  explicit https_test_server(handler_type handler, https_test_server_options opts = {},
                             raw_handler_type raw = {})
      : handler_(std::move(handler)), raw_(std::move(raw)), options_(std::move(opts)) {
    namespace asio = boost::asio;
    if (options_.chunk_size == 0) options_.chunk_size = 1;
    identity_ = detail::make_self_signed_certificate(options_.dns_names, options_.ip_addresses);
    ctx_.set_options(asio::ssl::context::default_workarounds);
    ctx_.use_certificate_chain(asio::buffer(identity_.certificate_pem));
    ctx_.use_private_key(asio::buffer(identity_.private_key_pem), asio::ssl::context::pem);

    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }

  https_test_server(const https_test_server&) = delete;
  https_test_server& operator=(const https_test_server&) = delete;
  ~https_test_server() { stop(); }

  /// The ephemeral port on 127.0.0.1.
  [[nodiscard]] unsigned short port() const noexcept { return port_; }
  /// The server's certificate (self-signed) in PEM: what a client must trust.
  [[nodiscard]] const std::string& ca_pem() const noexcept { return identity_.certificate_pem; }
  /// "https://<host>:<port><path>", host "localhost" by default.
  [[nodiscard]] std::string url(std::string_view path = "/", std::string_view host = "localhost") const {
    return "https://" + std::string(host) + ":" + std::to_string(port_) + std::string(path);
  }
  /// Writes ca_pem() to a file (for beast_transport_options::ca_file) and returns its path.
  std::filesystem::path write_ca_file(const std::filesystem::path& path) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << identity_.certificate_pem;
    if (!out.flush()) throw std::runtime_error("https_test_server: cannot write the CA file");
    return path;
  }

  /// TCP connections accepted (whether or not the TLS handshake then succeeded).
  [[nodiscard]] std::size_t connections_accepted() const noexcept { return accepted_.load(); }
  /// TLS handshakes that failed (e.g. the client refused the certificate).
  [[nodiscard]] std::size_t handshakes_failed() const noexcept { return handshakes_failed_.load(); }
  /// Complete requests read (including one dropped because of max_requests_per_connection).
  [[nodiscard]] std::size_t requests_received() const noexcept { return requests_.load(); }

  /// Stops the server: closes every connection and joins its thread. Idempotent.
  void stop() {
    if (thread_.joinable()) {
      ioc_.stop();
      thread_.join();
    }
  }

 private:
  using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  boost::asio::awaitable<void> accept_loop() {
    namespace asio = boost::asio;
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        continue;
      }
      ++accepted_;
      asio::co_spawn(ioc_, session(std::move(socket)), asio::detached);
    }
  }

  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket) {
    namespace asio = boost::asio;
    namespace beast = boost::beast;
    namespace http = beast::http;
    using namespace std::chrono_literals;
    tls_stream stream(std::move(socket), ctx_);
    beast::get_lowest_layer(stream).expires_after(10s);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    if (hec) {
      ++handshakes_failed_;
      co_return;
    }
    beast::flat_buffer buffer;
    std::size_t served = 0;
    for (;;) {
      beast::get_lowest_layer(stream).expires_never();
      http::request_parser<http::string_body> parser;
      parser.body_limit(options_.max_request_body);
      auto [rec, n] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      (void)n;
      if (rec) break;
      ++requests_;
      const std::size_t limit = options_.max_requests_per_connection;
      if (limit != 0 && served >= limit && !options_.announce_close) {
        boost::system::error_code ignored;
        beast::get_lowest_layer(stream).socket().shutdown(asio::socket_base::shutdown_both, ignored);
        beast::get_lowest_layer(stream).socket().close(ignored);
        co_return;  // dropped without an answer
      }
      auto message = parser.release();
      http_request request;
      request.method = std::string(message.method_string());
      request.url = "https://" + std::string(message[http::field::host]) + std::string(message.target());
      for (const auto& field : message)
        request.headers.add(std::string(field.name_string()), std::string(field.value()));
      request.body = std::move(message.body());

      if (raw_) {
        std::optional<raw_reply> reply;
        try {
          reply = raw_(request);
        } catch (const std::exception&) {
          reply = raw_reply{"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"};
        }
        if (reply) {
          ++served;
          beast::get_lowest_layer(stream).expires_after(60s);
          auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(reply->bytes),
                                                      asio::as_tuple(asio::use_awaitable));
          (void)wn;
          if (wec) co_return;
          if (reply->after == raw_reply::then::keep_open) continue;
          if (reply->after == raw_reply::then::tcp_close) {
            boost::system::error_code ignored;
            beast::get_lowest_layer(stream).socket().shutdown(asio::socket_base::shutdown_both, ignored);
            beast::get_lowest_layer(stream).socket().close(ignored);
            co_return;
          }
          break;  // close_notify
        }
      }
      std::function<bool(std::string&)> generate;
      if (options_.generated_body) generate = options_.generated_body(request);
      http_response response;
      try {
        response = co_await handler_(std::move(request));
      } catch (const std::exception& e) {
        response = http_response{500, {{"Content-Type", "text/plain"}}, std::string("handler failed: ") + e.what()};
      }
      ++served;
      const bool keep_alive = message.keep_alive() && !(limit != 0 && served >= limit && options_.announce_close);
      bool chunked = options_.encoding == options::body_encoding::chunked;
      if (options_.encoding == options::body_encoding::alternate) chunked = (responses_written_++ % 2) == 1;
      const bool head = message.method() == http::verb::head;
      beast::get_lowest_layer(stream).expires_after(60s);
      const auto wec = co_await write_response(stream, response, keep_alive, (chunked || generate) && !head, head, generate);
      if (wec || !keep_alive) break;
    }
    beast::get_lowest_layer(stream).expires_after(2s);
    co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
  }

  template <class Message>
  static void copy_headers(Message& m, const http_response& response) {
    for (const auto& [name, value] : response.headers) {
      if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Connection")) continue;
      m.insert(name, value);
    }
  }

  boost::asio::awaitable<boost::system::error_code> write_response(tls_stream& stream, http_response& response,
                                                                   bool keep_alive, bool chunked, bool head,
                                                                   const std::function<bool(std::string&)>& generate) {
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    if (!chunked) {
      http::response<http::string_body> m;
      m.version(11);
      m.result(static_cast<unsigned>(response.status));
      copy_headers(m, response);
      m.keep_alive(keep_alive);
      m.body() = std::move(response.body);
      m.prepare_payload();
      http::response_serializer<http::string_body> sr(m);
      if (head) {
        auto [ec, n] = co_await http::async_write_header(stream, sr, asio::as_tuple(asio::use_awaitable));
        (void)n;
        co_return ec;
      }
      auto [ec, n] = co_await http::async_write(stream, sr, asio::as_tuple(asio::use_awaitable));
      (void)n;
      co_return ec;
    }
    http::response<http::empty_body> m;
    m.version(11);
    m.result(static_cast<unsigned>(response.status));
    copy_headers(m, response);
    m.keep_alive(keep_alive);
    m.chunked(true);
    http::response_serializer<http::empty_body> sr(m);
    auto [hec, hn] = co_await http::async_write_header(stream, sr, asio::as_tuple(asio::use_awaitable));
    (void)hn;
    if (hec) co_return hec;
    // Each chunk (size line, data, CRLF) goes out in one contiguous write: an SSL stream
    // writes one buffer per record, so a buffer sequence would cost three records a chunk.
    std::string chunk;
    if (generate) {
      std::string piece;
      for (;;) {
        piece.clear();
        if (!generate(piece)) break;
        if (piece.empty()) continue;
        char size_line[32];
        const int n = std::snprintf(size_line, sizeof size_line, "%zx\r\n", piece.size());
        chunk.assign(size_line, static_cast<std::size_t>(n));
        chunk.append(piece);
        chunk.append("\r\n");
        auto [cec, cn] = co_await asio::async_write(stream, asio::buffer(chunk), asio::as_tuple(asio::use_awaitable));
        (void)cn;
        if (cec) co_return cec;
      }
    }
    const std::string& body = response.body;
    for (std::size_t offset = 0; offset < body.size(); offset += options_.chunk_size) {
      const std::size_t len = std::min(options_.chunk_size, body.size() - offset);
      char size_line[32];
      const int n = std::snprintf(size_line, sizeof size_line, "%zx\r\n", len);
      chunk.assign(size_line, static_cast<std::size_t>(n));
      chunk.append(body, offset, len);
      chunk.append("\r\n");
      auto [cec, cn] = co_await asio::async_write(stream, asio::buffer(chunk), asio::as_tuple(asio::use_awaitable));
      (void)cn;
      if (cec) co_return cec;
    }
    auto [lec, ln] = co_await asio::async_write(stream, asio::buffer(std::string_view("0\r\n\r\n")),
                                                asio::as_tuple(asio::use_awaitable));
    (void)ln;
    co_return lec;
  }

  // Declaration order matters: the io_context (and the coroutine frames it owns) is
  // destroyed before the SSL context and the handler those frames refer to.
  handler_type handler_;
  raw_handler_type raw_;
  https_test_server_options options_;
  detail::certificate_and_key identity_;
  boost::asio::ssl::context ctx_{boost::asio::ssl::context::tls_server};
  boost::asio::io_context ioc_{1};
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  unsigned short port_ = 0;
  std::atomic<std::size_t> accepted_{0};
  std::atomic<std::size_t> handshakes_failed_{0};
  std::atomic<std::size_t> requests_{0};
  std::size_t responses_written_ = 0;  // only touched on the server thread
  std::thread thread_;
};

}  // namespace outlook::testing
