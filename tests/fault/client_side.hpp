// outlook-mail fault injection: the client side of a test -- an io_context and a Beast
// SPDX-License-Identifier: BSL-1.0
// transport that trusts a fault server's certificate, with a blocking send() for tests.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "fault_server.hpp"
#include "outlook/beast_transport.hpp"

namespace outlook::testing::fault {

/// Short limits, so that a test about a timeout ends quickly.
inline beast_transport_options quick_options() {
  beast_transport_options o;
  o.connect_timeout = std::chrono::seconds(5);
  o.request_timeout = std::chrono::seconds(5);
  return o;
}

struct client_side {
  /// trust: whether to add the server's certificate as a CA (false: self-signed, untrusted).
  explicit client_side(const server& s, beast_transport_options o = quick_options(), bool trust = true) {
    if (trust) {
      ca_file = std::filesystem::temp_directory_path() / ("outlook-fault-ca-" + std::to_string(s.port()) + ".pem");
      o.ca_file = s.write_ca_file(ca_file);
    }
    transport = make_beast_transport(ioc.get_executor(), std::move(o));
  }
  client_side(const client_side&) = delete;
  client_side& operator=(const client_side&) = delete;
  ~client_side() {
    transport.reset();
    ioc.restart();
    ioc.run();  // lets anything the transport left behind finish
    std::error_code ignored;
    if (!ca_file.empty()) std::filesystem::remove(ca_file, ignored);
  }

  /// Runs one request to completion; a transport_error propagates.
  http_response send(std::string method, std::string url, std::string body = {}) {
    http_request r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.body = std::move(body);
    auto f = boost::asio::co_spawn(ioc, transport->send(std::move(r)), boost::asio::use_future);
    ioc.restart();
    ioc.run();
    return f.get();
  }
  http_response get(std::string url) { return send("GET", std::move(url)); }

  [[nodiscard]] transport_stats stats() const { return transport->stats(); }

  boost::asio::io_context ioc;
  std::filesystem::path ca_file;
  std::shared_ptr<beast_transport> transport;
};

}  // namespace outlook::testing::fault
