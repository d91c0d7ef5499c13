// list_inbox: the Inbox, newest first, one page at a time.
// SPDX-License-Identifier: BSL-1.0
//
//     OUTLOOK_TOKEN=<access token> list_inbox [page size] [max pages]
//
// Environment: OUTLOOK_TOKEN, or OUTLOOK_CLIENT_ID to sign in (support/credentials.hpp),
// OUTLOOK_BASE_URL (default the build's service: Outlook REST v2.0, or Graph for the
// builds in graph/), OUTLOOK_CA_FILE (an extra trusted CA, PEM).
//
// The program needs one translation unit that includes <outlook/beast_transport_impl.hpp>
// (this project's examples link it from support/beast_transport.cpp).
#include <outlook/beast_transport.hpp>
#include "support/dialect.hpp"  // namespace mail: outlook::mail or outlook::graph

#include "support/run_example.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <iostream>
#include <string>

namespace asio = boost::asio;

namespace {

std::string utc(const std::optional<outlook::date_time>& t) {
  if (!t) return "                ";
  const std::time_t secs = std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(*t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

std::string sender(const mail::message& m) {
  if (!m.from || !m.from->email_address) return "(unknown sender)";
  const auto& e = *m.from->email_address;
  return e.name && !e.name->empty() ? *e.name : e.address.value_or("(unknown sender)");
}

asio::awaitable<void> list_inbox(mail::client client, int page_size, int max_pages) {
  // Only the properties shown below, newest first, bodies (and previews) as plain text.
  mail::list_messages_options options;
  options.select = {mail::message::field::received_date_time, mail::message::field::from,
                    mail::message::field::subject, mail::message::field::is_read,
                    mail::message::field::has_attachments, mail::message::field::body_preview};
  options.orderby = std::string(mail::message::field::received_date_time) + " desc";  // the wire name of either dialect
  options.top = page_size;
  options.prefer.body_content_type = outlook::body_content_type::text;

  // The pager sends the first request, then follows @odata.nextLink (same Prefer header).
  auto pages = client.me().list_messages_pages(mail::folder::inbox, options);
  int n = 0;
  while (auto page = co_await pages.next()) {
    std::cout << "-- page " << ++n << " (" << page->value.size() << " messages)\n";
    for (const auto& m : page->value) {
      std::cout << (m->is_read.value_or(true) ? "  " : "* ") << utc(m->received_date_time) << "  " << sender(*m)
                << (m->has_attachments.value_or(false) ? "  [attachments]" : "") << "\n    "
                << m->subject.value_or("(no subject)") << '\n';
      if (m->body_preview && !m->body_preview->empty())
        std::cout << "    " << m->body_preview->substr(0, 100) << (m->body_preview->size() > 100 ? "..." : "") << '\n';
    }
    if (n >= max_pages && page->next_link) {
      std::cout << "-- more pages follow; stopping after " << max_pages << '\n';
      break;
    }
  }
  if (n == 0) std::cout << "the Inbox is empty\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (!examples::have_credentials()) {
    std::cerr << "usage: OUTLOOK_TOKEN=<access token> (or OUTLOOK_CLIENT_ID=<app id> to sign in) list_inbox [page size] [max pages]\n";
    return 2;
  }
  const int page_size = argc > 1 ? std::atoi(argv[1]) : 10;
  const int max_pages = argc > 2 ? std::atoi(argv[2]) : 3;
  if (page_size <= 0 || max_pages <= 0) {
    std::cerr << "page size and max pages must be positive numbers\n";
    return 2;
  }

  return examples::run_example("list_inbox", [&](mail::client client) { return list_inbox(client, page_size, max_pages); });
}
