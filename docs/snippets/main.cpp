// The README's complete program: the triage of triage.cpp against a mailbox, through the
// Beast HTTPS transport. CI runs it against outlook_mail_replay_server (tests/docs).
// SPDX-License-Identifier: BSL-1.0
// snippet-begin: program
#include <outlook/beast_transport.hpp>
#include <outlook/mail.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "triage.hpp"

namespace asio = boost::asio;
namespace mail = outlook::mail;

asio::awaitable<void> run_triage(mail::mailbox me) {
  const auto result = co_await triage(me, "news@contoso.com");
  for (const auto& m : result.unread)  // outlook::format_date_time writes ISO 8601 UTC
    std::cout << (m.received ? outlook::format_date_time(*m.received) : "(no date)") << "  " << m.subject << '\n';
  std::cout << "marked read: " << result.marked_read << "; moved " << result.moved << " newsletter(s)\n";

  // The sync state lives in a file between runs: "" the first time, then a delta token.
  std::ifstream in("inbox.sync");
  const std::string saved{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const auto changes = co_await sync_inbox(me, saved, [](const std::string& state) { std::ofstream("inbox.sync") << state; });
  std::cout << changes.changed.size() << " new or changed, " << changes.removed.size() << " removed\n";
}

int main() {
  const char* token = std::getenv("OUTLOOK_TOKEN");  // an OAuth access token
  if (!token) {
    std::cerr << "set OUTLOOK_TOKEN (and OUTLOOK_BASE_URL for a server other than Outlook's)\n";
    return 2;
  }
  int status = 0;
  try {
    asio::io_context ioc;  // declared before the client: the client must be destroyed first
    outlook::beast_transport_options transport;
    transport.connect_timeout = std::chrono::seconds(10);  // DNS, TCP and TLS together
    transport.request_timeout = std::chrono::seconds(30);  // writing a request and reading its answer
    if (const char* ca = std::getenv("OUTLOOK_CA_FILE")) transport.ca_file = ca;  // an extra trusted CA
    outlook::client_options options;
    options.timeout = std::chrono::seconds(60);  // one deadline per call: its attempts, retries and waits
    if (const char* base = std::getenv("OUTLOOK_BASE_URL")) options.base_url = base;
    mail::client client(outlook::make_beast_transport(ioc.get_executor(), transport), outlook::fixed_token(token),
                        options);

    asio::co_spawn(ioc, run_triage(client.me()), [&](std::exception_ptr error) {
      if (!error) return;
      status = 1;
      try {
        std::rethrow_exception(error);
      } catch (const outlook::api_error& e) {  // the service answered with an error status
        std::cerr << "HTTP " << e.status() << ' ' << e.code() << ": " << e.service_message() << '\n';
      } catch (const std::exception& e) {  // transport_error, decode_error, request_refused, ...
        std::cerr << e.what() << '\n';
      }
    });
    ioc.run();  // returns when the coroutine is done
  } catch (const std::exception& e) {  // before the first request: an unreadable ca_file, a bad base URL
    std::cerr << "cannot start: " << e.what() << '\n';
    status = 1;
  }
  return status;
}
// snippet-end: program
