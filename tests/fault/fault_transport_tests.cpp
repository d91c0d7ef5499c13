// Fault injection through the real Beast transport: each test scripts one way a server
// SPDX-License-Identifier: BSL-1.0
// can misbehave and expects a clear outlook::transport_error or a correct recovery.
// Leaks and memory errors are the sanitizer build's to find (.ci/stages/20-asan-ubsan.sh).
//
// This is the program's one translation unit that compiles the transport.
#include <outlook/beast_transport_impl.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>

#include "client_side.hpp"
#include "fault_server.hpp"

namespace {

namespace fault = outlook::testing::fault;
using namespace std::chrono_literals;
using kind = outlook::transport_error::kind;
using fault::connection;
using steady = std::chrono::steady_clock;

boost::asio::awaitable<void> answer_ok(connection& c, std::string_view body) {
  co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body));
}

/// The transport_error a request ends with (fails the test when it succeeds).
outlook::transport_error failure_of(fault::client_side& client, const std::string& url,
                                    std::string method = "GET") {
  try {
    const auto r = client.send(std::move(method), url);
    FAIL("expected a transport_error, got HTTP " << r.status << " with " << r.body.size() << " bytes");
  } catch (const outlook::transport_error& e) {
    return e;
  }
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("a reset in the middle of the header is a transport_error") {
  fault::server server([](connection& c) -> boost::asio::awaitable<void> {
    if (!co_await c.read_request()) co_return;
    co_await c.send("HTTP/1.1 200 OK\r\nContent-Le");
    c.reset();
  });
  fault::client_side client(server);
  const auto e = failure_of(client, server.url("/reset-header"), "POST");
  CHECK(e.reason() != kind::other);
  CHECK(std::string(e.what()).find("/reset-header") != std::string::npos);
}

TEST_CASE("a reset in the middle of the body is a transport_error") {
  fault::server server([](connection& c) -> boost::asio::awaitable<void> {
    if (!co_await c.read_request()) co_return;
    co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
    co_await c.pause(20ms);
    c.reset();
  });
  fault::client_side client(server);
  const auto e = failure_of(client, server.url("/reset-body"), "POST");
  CHECK(e.reason() == kind::reset);
}

TEST_CASE("a stalled body ends with a timeout at the request deadline") {
  fault::server server([](connection& c) -> boost::asio::awaitable<void> {
    if (!co_await c.read_request()) co_return;
    co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
    co_await c.wait_for_client_close(10s);
  });
  auto options = fault::quick_options();
  options.request_timeout = 300ms;
  fault::client_side client(server, options);
  const auto started = steady::now();
  const auto e = failure_of(client, server.url("/stall"));
  CHECK(e.reason() == kind::timeout);
  CHECK(steady::now() - started < 10s);  // the deadline, not the server, ended it
}

TEST_CASE("a slow drip of one byte at a time is bounded by the request deadline") {
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n" + std::string(200, 'x');
  fault::server server([&](connection& c) -> boost::asio::awaitable<void> {
    if (!co_await c.read_request()) co_return;
    co_await c.drip(response, 30ms);  // about 7 s in all, each byte well inside any per-read timeout
  });
  auto options = fault::quick_options();
  options.request_timeout = 500ms;
  fault::client_side client(server, options);
  const auto started = steady::now();
  const auto e = failure_of(client, server.url("/drip"));
  CHECK(e.reason() == kind::timeout);
  CHECK(steady::now() - started < 5s);  // one deadline for the whole read, not one per byte
}

TEST_CASE("a Content-Length longer than the body, then the end of the connection, is a transport_error") {
  for (const bool clean : {true, false}) {
    CAPTURE(clean);
    fault::server server([clean](connection& c) -> boost::asio::awaitable<void> {
      if (!co_await c.read_request()) co_return;
      co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
      if (clean) co_await c.close_notify();
      else c.close();
    });
    fault::client_side client(server);
    const auto e = failure_of(client, server.url("/short-body"), "POST");
    CHECK(e.reason() != kind::other);
    CHECK(e.reason() != kind::timeout);
  }
}

TEST_CASE("a body longer than its Content-Length: the response is cut there and the connection not reused") {
  fault::server server([](connection& c) -> boost::asio::awaitable<void> {
    while (auto r = co_await c.read_request()) {
      if (r->target() == "/extra") co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA BYTES");
      else co_await answer_ok(c, "next");
    }
  });
  fault::client_side client(server);
  const auto first = client.get(server.url("/extra"));
  CHECK(first.status == 200);
  CHECK(first.body == "hello");
  const auto second = client.get(server.url("/next"));
  CHECK(second.status == 200);
  CHECK(second.body == "next");
  CHECK(server.connections() == 2);
  CHECK(client.stats().connections_reused == 0);
}

TEST_CASE("bad chunk sizes are a protocol error") {
  for (const std::string_view chunks : {std::string_view("zz\r\nhello\r\n0\r\n\r\n"),
                                        std::string_view("-5\r\nhello\r\n0\r\n\r\n"),
                                        std::string_view("ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
                                        std::string_view("3\r\nhello\r\n0\r\n\r\n")}) {
    CAPTURE(chunks);
    fault::server server([chunks](connection& c) -> boost::asio::awaitable<void> {
      if (!co_await c.read_request()) co_return;
      co_await c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + std::string(chunks));
      co_await c.wait_for_client_close(10s);
    });
    fault::client_side client(server);
    const auto e = failure_of(client, server.url("/chunks"));
    CHECK((e.reason() == kind::protocol || e.reason() == kind::too_large));
  }
}

TEST_CASE("a flood of chunk extensions is refused, not buffered without end") {
  std::string flood = "5";
  while (flood.size() < 4 * 1024 * 1024) flood += ";name=value";
  flood += "\r\nhello\r\n0\r\n\r\n";
  fault::server server([&](connection& c) -> boost::asio::awaitable<void> {
    if (!co_await c.read_request()) co_return;
    co_await c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    co_await c.send(flood);
    co_await c.wait_for_client_close(10s);
  });
  fault::client_side client(server);
  const auto e = failure_of(client, server.url("/extensions"));
  CHECK((e.reason() == kind::too_large || e.reason() == kind::protocol));
}

TEST_CASE("10 MB of headers is a too_large error") {
  fault::server server([](connection& c) -> boost::asio::awaitable<void> {
    if (!co_await c.read_request()) co_return;
    if (!co_await c.send("HTTP/1.1 200 OK\r\n")) co_return;
    const std::string line = "X-Filler: " + std::string(1000, 'h') + "\r\n";
    std::string block;
    for (int i = 0; i < 100; ++i) block += line;
    for (int i = 0; i < 100; ++i)  // 100 x 100 x ~1 KB = 10 MB
      if (!co_await c.send(block)) co_return;
    co_await c.send("Content-Length: 0\r\n\r\n");
  });
  fault::client_side client(server);
  const auto e = failure_of(client, server.url("/headers"));
  CHECK(e.reason() == kind::too_large);
}

TEST_CASE("a body over the limit is a too_large error, announced or chunked") {
  for (const bool chunked : {false, true}) {
    CAPTURE(chunked);
    fault::server server([chunked](connection& c) -> boost::asio::awaitable<void> {
      if (!co_await c.read_request()) co_return;
      const std::string body(4096, 'b');
      if (chunked) co_await c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + body + "\r\n0\r\n\r\n");
      else co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n" + body);
      co_await c.wait_for_client_close(10s);
    });
    auto options = fault::quick_options();
    options.max_response_body = 1024;
    fault::client_side client(server, options);
    const auto e = failure_of(client, server.url("/big"));
    CHECK(e.reason() == kind::too_large);
  }
}

TEST_CASE("an HTTP/1.0 response without a length is read to the end of the stream") {
  SUBCASE("ended by close_notify: the whole body") {
    fault::server server([](connection& c) -> boost::asio::awaitable<void> {
      if (!co_await c.read_request()) co_return;
      co_await c.send("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nread to the end");
      co_await c.close_notify();
    });
    fault::client_side client(server);
    const auto r = client.get(server.url("/http10"));
    CHECK(r.status == 200);
    CHECK(r.body == "read to the end");
  }
  SUBCASE("cut without close_notify: an error, since the body may be truncated") {
    fault::server server([](connection& c) -> boost::asio::awaitable<void> {
      if (!co_await c.read_request()) co_return;
      co_await c.send("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nread to the");
      c.close();
    });
    fault::client_side client(server);
    const auto e = failure_of(client, server.url("/http10"));
    CHECK(e.reason() != kind::other);
  }
}

TEST_CASE("interim 1xx responses are skipped, and the next request gets its own response") {
  for (const std::string_view interim :
       {std::string_view("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"),
        std::string_view("HTTP/1.1 100 Continue\r\n\r\n"),
        std::string_view("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n")}) {
    CAPTURE(interim);
    fault::server server([interim](connection& c) -> boost::asio::awaitable<void> {
      while (auto r = co_await c.read_request()) {
        if (r->target() == "/early") {
          co_await c.send(interim);
          co_await c.pause(10ms);  // the final response in a later read than the interim one
          co_await answer_ok(c, "early");
        } else {
          co_await answer_ok(c, "second");
        }
      }
    });
    fault::client_side client(server);
    const auto first = client.get(server.url("/early"));
    CHECK(first.status == 200);
    CHECK(first.body == "early");
    const auto second = client.get(server.url("/second"));
    CHECK(second.status == 200);
    CHECK(second.body == "second");
  }
}

TEST_CASE("Connection: close on a pooled connection: the next request opens a new one") {
  fault::server server([](connection& c) -> boost::asio::awaitable<void> {
    while (auto r = co_await c.read_request()) {
      if (c.requests() == 2) {
        co_await c.send("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nclose");
        co_await c.close_notify();
        co_return;
      }
      co_await answer_ok(c, "kept");
    }
  });
  fault::client_side client(server);
  CHECK(client.get(server.url("/1")).body == "kept");
  CHECK(client.get(server.url("/2")).body == "close");  // on the pooled connection
  CHECK(client.get(server.url("/3")).body == "kept");   // on a new one
  CHECK(server.connections() == 2);
  CHECK(client.stats().connections_reused == 1);
}

TEST_CASE("a server that closes an idle pooled connection: the next request succeeds on a new one") {
  for (const bool clean : {true, false}) {
    CAPTURE(clean);
    fault::server server([clean](connection& c) -> boost::asio::awaitable<void> {
      if (!co_await c.read_request()) co_return;
      co_await answer_ok(c, "first");
      if (c.index() == 0) {
        co_await c.pause(20ms);  // idle in the client's pool by now
        if (clean) co_await c.close_notify();
        else c.close();
        co_return;
      }
      while (co_await c.read_request()) co_await answer_ok(c, "again");
    });
    fault::client_side client(server);
    CHECK(client.get(server.url("/1")).body == "first");
    std::this_thread::sleep_for(100ms);  // the server closes the idle connection meanwhile
    const auto r = client.get(server.url("/2"));
    CHECK(r.status == 200);
    CHECK(server.connections() == 2);
  }
}

TEST_CASE("a request retried after a pooled connection died unseen gets its own response") {
  // The server closes without a word just as the client reuses the connection: the
  // client cannot see it coming, and an idempotent request is retried on a new one.
  fault::server server([](connection& c) -> boost::asio::awaitable<void> {
    if (!co_await c.read_request()) co_return;
    co_await answer_ok(c, c.index() == 0 ? "first" : "retried");
    if (c.index() == 0) {
      co_await c.read_request();  // the reused request: dropped unanswered
      c.close();
      co_return;
    }
    while (co_await c.read_request()) co_await answer_ok(c, "again");
  });
  fault::client_side client(server);
  CHECK(client.get(server.url("/1")).body == "first");
  CHECK(client.get(server.url("/2")).body == "retried");
  CHECK(client.stats().retries == 1);
}

TEST_CASE("a fatal TLS alert in the handshake is a tls error") {
  fault::server server([](connection&) -> boost::asio::awaitable<void> { co_return; },
                       {.alert_in_handshake = true});
  fault::client_side client(server);
  const auto e = failure_of(client, server.url("/alert"));
  CHECK(e.reason() == kind::tls);
  CHECK(server.handshakes() == 0);
}

TEST_CASE("bytes that are not a TLS record in the middle of a response are a tls error") {
  fault::server server([](connection& c) -> boost::asio::awaitable<void> {
    if (!co_await c.read_request()) co_return;
    co_await c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nstart");
    co_await c.pause(10ms);
    // A fatal "bad_record_mac" alert record in the clear, where the client expects an
    // encrypted record: the client cannot authenticate it.
    co_await c.send_below_tls(std::string_view("\x15\x03\x03\x00\x02\x02\x14", 7));
    co_await c.wait_for_client_close(10s);
  });
  fault::client_side client(server);
  const auto e = failure_of(client, server.url("/garbage"));
  CHECK(e.reason() == kind::tls);
}

TEST_CASE("certificates the client must refuse: expired, for another host, self-signed and untrusted") {
  SUBCASE("expired") {
    fault::server server([](connection&) -> boost::asio::awaitable<void> { co_return; },
                         {.certificate = {.not_before = -std::chrono::seconds(48 * 3600),
                                          .not_after = -std::chrono::seconds(24 * 3600)}});
    fault::client_side client(server);
    const auto e = failure_of(client, server.url("/expired"));
    CHECK(e.reason() == kind::tls);
    CHECK(e.certificate_error() == X509_V_ERR_CERT_HAS_EXPIRED);
  }
  SUBCASE("for another host") {
    fault::server server([](connection&) -> boost::asio::awaitable<void> { co_return; },
                         {.certificate = {.dns_names = {"other.example"}, .ip_addresses = {}}});
    fault::client_side client(server);
    const auto e = failure_of(client, server.url("/wrong-host"));
    CHECK(e.reason() == kind::tls);
    CHECK(e.certificate_error() == X509_V_ERR_HOSTNAME_MISMATCH);
  }
  SUBCASE("self-signed, not trusted") {
    fault::server server([](connection&) -> boost::asio::awaitable<void> { co_return; });
    fault::client_side client(server, fault::quick_options(), /*trust=*/false);
    const auto e = failure_of(client, server.url("/self-signed"));
    CHECK(e.reason() == kind::tls);
    CHECK(e.certificate_error() == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
  }
}
