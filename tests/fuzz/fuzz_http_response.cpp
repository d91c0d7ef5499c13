// Fuzz target: the HTTP response path, fed by a fuzzed server.
// SPDX-License-Identifier: BSL-1.0
//
// Why the whole transport over TLS rather than the parser alone: the defects worth
// finding live in what the transport does around Beast's parser (interim responses,
// keep-alive and pooling, end of stream, limits), and the transport only speaks TLS.
// So this target runs the real Beast transport (outlook/beast_transport_impl.hpp) against
// an in-process loopback TLS server on one io_context and one thread, deterministic
// apart from the kernel's loopback; it costs a TLS handshake per input (hundreds of
// inputs a second), which is fine for a target whose inputs are short.
//
// Per input: byte 0 is the mode (bit 0: after the bytes, end the connection with a TLS
// close_notify or drop it abruptly); the rest are the raw bytes the server sends, after
// TLS, in answer to the first request "GET /first". Then the client sends "GET /second",
// which the server answers correctly ("HTTP/1.1 200 OK", body "second") on whatever
// connection it arrives.
//
// Oracle: /first gives a response or an outlook::error (nothing else); /second must give
// exactly its own response -- a connection pooled after a response that was not cleanly
// finished would hand it left-over bytes of /first (the 1xx desynchronisation kind).
// The server keeps the connection open for /second only when the bytes are one or more
// complete keep-alive responses (checked with Beast's parser); otherwise it ends it, so a
// client waiting for more bytes sees the end instead of its request timeout.
#include <outlook/beast_transport_impl.hpp>
#include <outlook/testing/https_test_server.hpp>

#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::string_view second_response = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond";

/// Whether `bytes` are, after any interim 1xx responses, exactly one complete final
/// response that keeps the connection open (nothing after it).
bool is_complete_keep_alive_response(std::string_view bytes) {
  for (;;) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(bytes.size() + 1);
    beast::error_code ec;
    std::size_t used = 0;
    while (!parser.is_done()) {
      const auto n = parser.put(asio::buffer(bytes.data() + used, bytes.size() - used), ec);
      if (ec || n == 0) return false;
      used += n;
    }
    bytes.remove_prefix(used);
    const auto status = parser.get().result_int();
    if (status >= 100 && status < 200 && status != 101) continue;
    return parser.get().keep_alive() && bytes.empty() && !parser.need_eof();
  }
}

struct harness {
  asio::io_context ioc{1};
  asio::ssl::context server_ctx{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{ioc};
  std::shared_ptr<outlook::beast_transport> transport;
  std::string base_url;

  // The current input.
  std::string fuzz_bytes;
  bool close_notify = false;
  bool fuzz_served = false;
  bool keep_open = false;
  std::list<tls_stream*> sessions;  // open server connections, closed after each input

  harness() {
    const auto identity = outlook::testing::detail::make_self_signed_certificate({"localhost"}, {"127.0.0.1"});
    server_ctx.use_certificate_chain(asio::buffer(identity.certificate_pem));
    server_ctx.use_private_key(asio::buffer(identity.private_key_pem), asio::ssl::context::pem);
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen();
    base_url = "https://localhost:" + std::to_string(acceptor.local_endpoint().port());

    const auto ca = std::filesystem::temp_directory_path() /
                    ("outlook-fuzz-http-ca-" + std::to_string(acceptor.local_endpoint().port()) + ".pem");
    {
      std::ofstream out(ca, std::ios::binary | std::ios::trunc);
      out << identity.certificate_pem;
    }
    transport = outlook::make_beast_transport(
        ioc.get_executor(), {.connect_timeout = std::chrono::seconds(2),
                             .request_timeout = std::chrono::seconds(2),
                             .max_response_body = std::size_t{256} * 1024,
                             .ca_file = ca});
    std::filesystem::remove(ca);
    asio::co_spawn(ioc, accept_loop(), asio::detached);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      asio::co_spawn(ioc, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    tls_stream stream(std::move(socket), server_ctx);
    const auto me = sessions.insert(sessions.end(), &stream);
    struct unlink {
      std::list<tls_stream*>& list;
      std::list<tls_stream*>::iterator it;
      ~unlink() { list.erase(it); }
    } guard{sessions, me};

    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    if (hec) co_return;
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      auto [rec, rn] = co_await http::async_read(stream, buffer, request, asio::as_tuple(asio::use_awaitable));
      if (rec) co_return;
      const bool first = !fuzz_served && request.target() == "/first";
      const std::string_view answer = first ? std::string_view(fuzz_bytes) : second_response;
      fuzz_served = fuzz_served || first;
      auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(answer), asio::as_tuple(asio::use_awaitable));
      if (wec) co_return;
      if (first && !keep_open) break;
    }
    if (close_notify) {
      co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
    } else {
      boost::system::error_code ignored;
      beast::get_lowest_layer(stream).socket().close(ignored);
    }
  }

  asio::awaitable<void> client(bool& done) {
    outlook::http_request first{.method = "GET", .url = base_url + "/first"};
    try {
      (void)co_await transport->send(std::move(first));
    } catch (const outlook::error&) {
      // Bad bytes: a clear error is the accepted outcome.
    } catch (const std::exception& e) {
      outlook::fuzz::finding("the transport threw something that is not an outlook::error", e.what());
    }
    outlook::http_request second{.method = "GET", .url = base_url + "/second"};
    try {
      const auto r = co_await transport->send(std::move(second));
      if (r.status != 200 || r.body != "second")
        outlook::fuzz::finding("the request after a fuzzed response got another response",
                               "status " + std::to_string(r.status) + ", body " + r.body.substr(0, 200));
    } catch (const std::exception& e) {
      outlook::fuzz::finding("the request after a fuzzed response failed", e.what());
    }
    done = true;
  }

  void run(std::uint8_t mode, std::string_view bytes) {
    fuzz_bytes.assign(bytes);
    close_notify = (mode & 1) != 0;
    fuzz_served = false;
    keep_open = is_complete_keep_alive_response(bytes);
    bool done = false;
    asio::co_spawn(ioc, client(done), asio::detached);
    while (!done) ioc.run_one();
    // End every server connection of this input, so the next input starts clean.
    for (auto* s : sessions) {
      boost::system::error_code ignored;
      beast::get_lowest_layer(*s).socket().close(ignored);
    }
    while (!sessions.empty()) ioc.run_one();
    ioc.poll();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static harness h;  // one server and one transport for the whole run: a handshake per input is enough
  if (size == 0) return 0;
  h.run(data[0], outlook::fuzz::as_text(data + 1, size - 1));
  return 0;
}
