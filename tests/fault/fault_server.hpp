// outlook-mail fault injection: a loopback TLS server that misbehaves on purpose.
// SPDX-License-Identifier: BSL-1.0
//
// Unlike outlook/testing/https_test_server.hpp, which always answers well-formed HTTP,
// this server hands each accepted connection to a script (a coroutine) with raw control
// of the bytes sent after TLS: partial headers, bodies shorter or longer than announced,
// stalls, one byte at a time, interim responses, a TLS close_notify or not, a TCP reset,
// bytes below TLS. Certificates are made at run time with OpenSSL (expired, for another
// host, or simply self-signed and not trusted), and the handshake itself can be refused
// with a fatal TLS alert.
//
// The server runs its own io_context on its own thread; scripts run there. It listens on
// 127.0.0.1 on an ephemeral port. Include this header in one translation unit.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <chrono>
#include <cstddef>
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

namespace outlook::testing::fault {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

/// A certificate and its key, in PEM.
struct identity {
  std::string certificate_pem;
  std::string private_key_pem;
};

/// What certificate the server shows.
struct certificate_options {
  std::vector<std::string> dns_names{"localhost"};
  std::vector<std::string> ip_addresses{"127.0.0.1"};
  /// Validity relative to now; an expired certificate has both in the past.
  std::chrono::seconds not_before{-3600};
  std::chrono::seconds not_after{24 * 3600};
};

/// A self-signed EC P-256 certificate (also its own CA) as `o` describes.
inline identity make_certificate(const certificate_options& o) {
  const auto fail = [](const char* what) { return std::runtime_error(std::string("fault_server: ") + what); };
  std::unique_ptr<EVP_PKEY, decltype(&::EVP_PKEY_free)> key(::EVP_EC_gen("P-256"), &::EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&::X509_free)> cert(::X509_new(), &::X509_free);
  if (!key || !cert) throw fail("cannot allocate a key or a certificate");
  ::X509_set_version(cert.get(), 2);
  std::unique_ptr<BIGNUM, decltype(&::BN_free)> serial(::BN_new(), &::BN_free);
  if (!serial || !::BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
      !::BN_to_ASN1_INTEGER(serial.get(), ::X509_get_serialNumber(cert.get())))
    throw fail("cannot set a serial number");
  ::X509_gmtime_adj(::X509_getm_notBefore(cert.get()), static_cast<long>(o.not_before.count()));
  ::X509_gmtime_adj(::X509_getm_notAfter(cert.get()), static_cast<long>(o.not_after.count()));
  if (!::X509_set_pubkey(cert.get(), key.get())) throw fail("cannot set the public key");
  X509_NAME* name = ::X509_get_subject_name(cert.get());
  const std::string cn = o.dns_names.empty() ? std::string("fault server") : o.dns_names.front();
  ::X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  ::X509_set_issuer_name(cert.get(), name);

  std::string san;
  for (const auto& d : o.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + d;
  for (const auto& ip : o.ip_addresses) san += (san.empty() ? "IP:" : ",IP:") + ip;
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  const auto extend = [&](int nid, const std::string& value) {
    X509_EXTENSION* ext = ::X509V3_EXT_nconf_nid(nullptr, &v3, nid, value.c_str());
    if (!ext) throw fail("cannot make a certificate extension");
    const int ok = ::X509_add_ext(cert.get(), ext, -1);
    ::X509_EXTENSION_free(ext);
    if (!ok) throw fail("cannot add a certificate extension");
  };
  extend(NID_basic_constraints, "critical,CA:TRUE");
  extend(NID_key_usage, "critical,digitalSignature,keyCertSign");
  extend(NID_ext_key_usage, "serverAuth");
  if (!san.empty()) extend(NID_subject_alt_name, san);
  if (!::X509_sign(cert.get(), key.get(), ::EVP_sha256())) throw fail("cannot sign the certificate");

  const auto pem = [&](auto write) {
    std::unique_ptr<BIO, decltype(&::BIO_free)> bio(::BIO_new(::BIO_s_mem()), &::BIO_free);
    if (!bio || !write(bio.get())) throw fail("cannot write PEM");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
  };
  identity out;
  out.certificate_pem = pem([&](BIO* b) { return ::PEM_write_bio_X509(b, cert.get()); });
  out.private_key_pem =
      pem([&](BIO* b) { return ::PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
  return out;
}

/// One accepted connection, after the TLS handshake, under a script's control.
class connection {
 public:
  using tls_stream = beast::ssl_stream<beast::tcp_stream>;

  connection(tls_stream& stream, std::size_t index, std::atomic<std::size_t>& server_requests)
      : stream_(stream), index_(index), server_requests_(server_requests) {}

  /// 0 for the first connection the server accepted, 1 for the next...
  [[nodiscard]] std::size_t index() const noexcept { return index_; }
  /// Requests read on this connection so far.
  [[nodiscard]] std::size_t requests() const noexcept { return requests_; }

  /// Reads one request; nothing when the client closed the connection (or sent garbage).
  asio::awaitable<std::optional<http::request<http::string_body>>> read_request() {
    http::request<http::string_body> request;
    auto [ec, n] = co_await http::async_read(stream_, buffer_, request, asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec) co_return std::nullopt;
    ++requests_;
    ++server_requests_;
    co_return request;
  }

  /// Sends raw bytes after TLS. False when the client is gone.
  asio::awaitable<bool> send(std::string_view bytes) {
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                                              asio::as_tuple(asio::use_awaitable));
    (void)n;
    co_return !ec;
  }

  /// Sends `bytes` one byte at a time, `interval` apart (each byte its own TLS record).
  asio::awaitable<bool> drip(std::string_view bytes, std::chrono::milliseconds interval) {
    for (const char c : bytes) {
      if (!co_await send(std::string_view(&c, 1))) co_return false;
      co_await pause(interval);
    }
    co_return true;
  }

  asio::awaitable<void> pause(std::chrono::milliseconds d) {
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }

  /// Ends the connection cleanly: a TLS close_notify, then the TCP close.
  asio::awaitable<void> close_notify() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
    co_await stream_.async_shutdown(asio::as_tuple(asio::use_awaitable));
    close();
  }

  /// Ends the TCP connection (FIN) without a TLS close_notify.
  void close() {
    boost::system::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  /// Resets the TCP connection (RST): linger with a zero timeout, then close.
  void reset() {
    boost::system::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
  }

  /// Sends bytes below TLS, on the bare TCP socket (a record the client cannot decrypt).
  asio::awaitable<bool> send_below_tls(std::string_view bytes) {
    auto [ec, n] = co_await asio::async_write(beast::get_lowest_layer(stream_).socket(),
                                              asio::buffer(bytes.data(), bytes.size()),
                                              asio::as_tuple(asio::use_awaitable));
    (void)n;
    co_return !ec;
  }

  /// Waits until the client closes the connection (or `limit` passes).
  asio::awaitable<void> wait_for_client_close(std::chrono::milliseconds limit) {
    beast::get_lowest_layer(stream_).expires_after(limit);
    char byte = 0;
    co_await stream_.async_read_some(asio::buffer(&byte, 1), asio::as_tuple(asio::use_awaitable));
  }

 private:
  tls_stream& stream_;
  std::size_t index_;
  std::size_t requests_ = 0;
  std::atomic<std::size_t>& server_requests_;
  beast::flat_buffer buffer_;
};

using script = std::function<asio::awaitable<void>(connection&)>;

struct server_options {
  certificate_options certificate{};
  /// Refuse every TLS handshake with a fatal handshake_failure alert.
  bool alert_in_handshake = false;
};

class server {
 public:
  explicit server(script s, server_options o = {}) : script_(std::move(s)), options_(std::move(o)) {
    identity_ = make_certificate(options_.certificate);
    ctx_.set_options(asio::ssl::context::default_workarounds);
    ctx_.use_certificate_chain(asio::buffer(identity_.certificate_pem));
    ctx_.use_private_key(asio::buffer(identity_.private_key_pem), asio::ssl::context::pem);
    if (options_.alert_in_handshake) {
      // The SNI callback runs early in every handshake (the client sends SNI for
      // "localhost"); answering ALERT_FATAL makes OpenSSL send the alert and stop.
      ::SSL_CTX_set_tlsext_servername_callback(ctx_.native_handle(), +[](SSL*, int* alert, void*) {
        *alert = SSL_AD_HANDSHAKE_FAILURE;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
      });
    }
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  server(const server&) = delete;
  server& operator=(const server&) = delete;
  ~server() { stop(); }

  void stop() {
    if (thread_.joinable()) {
      ioc_.stop();
      thread_.join();
    }
  }

  [[nodiscard]] std::string url(std::string_view path = "/") const {
    return "https://localhost:" + std::to_string(port_) + std::string(path);
  }
  [[nodiscard]] unsigned short port() const noexcept { return port_; }
  [[nodiscard]] const std::string& ca_pem() const noexcept { return identity_.certificate_pem; }
  /// Writes the certificate (its own CA) to a file for beast_transport_options::ca_file.
  std::filesystem::path write_ca_file(const std::filesystem::path& path) const {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << identity_.certificate_pem;
    if (!out.flush()) throw std::runtime_error("fault_server: cannot write the CA file");
    return path;
  }

  /// TCP connections accepted; TLS handshakes completed; requests read by scripts.
  [[nodiscard]] std::size_t connections() const noexcept { return accepted_.load(); }
  [[nodiscard]] std::size_t handshakes() const noexcept { return handshakes_.load(); }
  [[nodiscard]] std::size_t requests() const noexcept { return requests_.load(); }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      const std::size_t index = accepted_++;
      asio::co_spawn(ioc_, session(std::move(socket), index), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket, std::size_t index) {
    connection::tls_stream stream(std::move(socket), ctx_);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    if (hec) co_return;
    beast::get_lowest_layer(stream).expires_never();
    ++handshakes_;
    connection c(stream, index, requests_);
    try {
      co_await script_(c);
    } catch (const std::exception&) {
      // A script that fails just ends its connection; the test sees what the client saw.
    }
  }

  script script_;
  server_options options_;
  identity identity_;
  asio::ssl::context ctx_{asio::ssl::context::tls_server};
  asio::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_};
  unsigned short port_ = 0;
  std::atomic<std::size_t> accepted_{0};
  std::atomic<std::size_t> handshakes_{0};
  std::atomic<std::size_t> requests_{0};
  std::thread thread_;
};

}  // namespace outlook::testing::fault
