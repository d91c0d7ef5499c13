// The test runner, and a check that the light transport header stays light: this file
// SPDX-License-Identifier: BSL-1.0
// includes outlook/beast_transport.hpp only, and links against the definitions compiled
// in transport_tests.cpp.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>

#include "outlook/beast_transport.hpp"

#if defined(BOOST_BEAST_VERSION) || defined(BOOST_ASIO_SSL_HPP) || defined(OPENSSL_VERSION_NUMBER) || \
    defined(BOOST_ASIO_IP_TCP_HPP)
#error "outlook/beast_transport.hpp must not pull in Beast, Asio sockets or OpenSSL"
#endif

TEST_CASE("beast_transport.hpp: usable without Beast in the translation unit") {
  boost::asio::io_context ioc;
  // Designated initialization of the options is warning-free under -Wextra.
  outlook::transport_ptr t = outlook::make_beast_transport(
      ioc.get_executor(), {.request_timeout = std::chrono::seconds(5), .max_connections_per_host = 2,
                           .user_agent = "outlook-mail-tests"});
  REQUIRE(t != nullptr);
  const auto stats = outlook::beast_transport_stats(*t);
  CHECK(stats.connections_opened == 0);
  CHECK(stats.requests_sent == 0);

  struct other : outlook::transport {
    boost::asio::awaitable<outlook::http_response> send(outlook::http_request) override { co_return outlook::http_response{}; }
  } not_beast;
  CHECK_THROWS_AS((void)outlook::beast_transport_stats(not_beast), std::invalid_argument);
}
