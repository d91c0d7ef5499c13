// examples/support: what every example's main() does around its session, in one place.
// SPDX-License-Identifier: BSL-1.0
//
// It builds a client from the environment (a token as credentials.hpp says; OUTLOOK_BASE_URL
// overrides the service URL; OUTLOOK_CA_FILE adds a trusted CA, e.g. for the demo's
// --serve mode), runs the session coroutine on an io_context and prints any error as
// "<program>: <what>" (no exception message of the library contains the token).
#pragma once

#include <outlook/beast_transport.hpp>
#include "credentials.hpp"
#include "dialect.hpp"  // namespace mail: outlook::mail or outlook::graph

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string_view>

namespace examples {

/// Runs `session(client)` (a function returning boost::asio::awaitable<void>) and returns
/// the process exit code: 0 when it completed, 1 when it threw.
template <class Session>
int run_example(std::string_view program, Session session) {
  outlook::client_options client_options;  // an empty base_url means the service's
  if (const char* base = std::getenv("OUTLOOK_BASE_URL"); base && *base) client_options.base_url = base;
  outlook::beast_transport_options transport_options;
  if (const char* ca = std::getenv("OUTLOOK_CA_FILE"); ca && *ca) transport_options.ca_file = ca;

  int rc = 0;
  boost::asio::io_context ioc;
  try {
    // The transport (and the client holding it) must go before the io_context.
    auto transport = outlook::make_beast_transport(ioc.get_executor(), transport_options);
    mail::client client(transport, token_from_environment(transport), client_options);
    transport.reset();  // the client holds it
    boost::asio::co_spawn(ioc, session(client), [&](std::exception_ptr e) {
      if (!e) return;
      rc = 1;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {  // api_error, transport_error, ...
        std::cerr << program << ": " << x.what() << '\n';
      }
    });
    ioc.run();
  } catch (const std::exception& e) {  // before any request: an unreadable CA file, an invalid base URL
    std::cerr << program << ": " << e.what() << '\n';
    return 1;
  }
  return rc;
}

}  // namespace examples
