// outlook_mail_demo: a short mail session through the real HTTPS transport.
// SPDX-License-Identifier: BSL-1.0
//
// Without OUTLOOK_BASE_URL it starts a loopback HTTPS server in this process that replays a
// recorded mailbox (examples/demo/mailbox.json), trusts that server's runtime certificate
// through beast_transport_options::ca_file, and runs the whole session against it:
// folders, two pages of the Inbox, one message with its attachments, mark it read, reply,
// two sync rounds of the Inbox, the automatic replies setting.
//
// With OUTLOOK_BASE_URL and OUTLOOK_TOKEN set it runs the read-only part of the session
// against that server instead (OUTLOOK_CA_FILE adds a trusted CA certificate). The Graph
// build (examples/graph/outlook_mail_demo) always does that, against Microsoft Graph
// unless OUTLOOK_BASE_URL says otherwise.
//
//     outlook_mail_demo [--mailbox FILE]
//
// Every request is shown as its method and path (never a header, so never the token),
// and the end shows how many requests reused a pooled keep-alive connection.
#include <outlook/beast_transport.hpp>
#include "support/credentials.hpp"  // OUTLOOK_TOKEN, or a sign-in with OUTLOOK_CLIENT_ID
#include "support/dialect.hpp"      // namespace mail: outlook::mail or outlook::graph

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "replay_server.hpp"  // tools/replay_server

namespace asio = boost::asio;
using outlook::poly;

namespace {

// ----- text helpers: UTF-8 aware widths, dates, names

std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;  // count code points, not bytes
  return n;
}

/// At most `width` code points; a cut string ends with "...".
std::string fit(std::string_view s, std::size_t width) {
  std::string one_line;
  for (char c : s) one_line += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
  if (display_width(one_line) <= width) return one_line;
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < one_line.size(); ++i) {
    const auto c = static_cast<unsigned char>(one_line[i]);
    if ((c & 0xC0) != 0x80 && ++n > width - 3) break;
    out += one_line[i];
  }
  return out + "...";
}

std::string pad(std::string_view s, std::size_t width) {
  std::string out = fit(s, width);
  out.append(width - display_width(out), ' ');
  return out;
}

std::string format_time(const std::optional<outlook::date_time>& t, const char* pattern = "%a %d %b %H:%M") {
  if (!t) return "";
  const std::time_t secs =
      std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(*t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, pattern, &tm);
  return buf;
}

std::string person(const std::optional<mail::recipient>& r, bool with_address = false) {
  if (!r || !r->email_address) return "(unknown)";
  const auto& e = *r->email_address;
  const std::string name = e.name.value_or(""), address = e.address.value_or("");
  if (name.empty()) return address;
  if (!with_address || address.empty()) return name;
  return name + " <" + address + ">";
}

std::string people(const std::vector<mail::recipient>& list) {
  std::string out;
  for (const auto& r : list) out += (out.empty() ? "" : ", ") + person(r, true);
  return out;
}

std::string size_text(std::int64_t bytes) {
  std::ostringstream s;
  if (bytes < 1024) s << bytes << " B";
  else if (bytes < 1024 * 1024) s << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / 1024 << " KB";
  else s << std::fixed << std::setprecision(1) << static_cast<double>(bytes) / (1024.0 * 1024.0) << " MB";
  return s.str();
}

/// A readable rendering of a small HTML fragment (automatic reply texts): tags dropped,
/// whitespace folded.
std::string html_to_text(std::string_view html) {
  std::string out;
  bool in_tag = false, space = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    else if (c == '>') { in_tag = false; space = true; }
    else if (!in_tag) {
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') space = true;
      else {
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
      }
    }
  }
  return out;
}

std::string percent_decoded_for_display(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// Lines of at most `width` code points, broken at spaces where possible.
std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::string line, word;
  auto flush_word = [&] {
    if (word.empty()) return;
    if (!line.empty() && display_width(line) + 1 + display_width(word) > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    word.clear();
  };
  for (char c : text) {
    if (c == ' ') flush_word();
    else word += c;
  }
  flush_word();
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

void heading(std::string_view title) { std::cout << '\n' << title << '\n' << std::string(display_width(title), '-') << '\n'; }

// ----- the request lines, from the client's observer (it never sees a header value)

/// Prints "[https] METHOD /path -> status (ms)" for each request attempt.
void log_request(const outlook::request_event& e) {
  std::string target = e.url;
  if (auto scheme = target.find("://"); scheme != std::string::npos) {
    auto slash = target.find('/', scheme + 3);
    target = slash == std::string::npos ? "/" : target.substr(slash);
  }
  const std::string line = e.method + " " + fit(percent_decoded_for_display(target), 104);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(e.duration);
  if (e.status != 0)
    std::cout << "  [https] " << line << "  -> " << e.status << " (" << ms.count() << " ms)\n";
  else
    std::cout << "  [https] " << line << "  -> failed (no response)\n";
}

// ----- the session

struct demo_config {
  bool replay = true;        // the loopback replay server (read-write session) or a real server (read-only)
  int sync_page_size = 5;
  int max_sync_pages = 1000;
};

const std::string reply_comment = "Thanks Katie, I'll review the timeline today and send comments before Friday.";

// Options are built as named variables rather than braced lists inside a co_await
// expression, which GCC 12 rejects ("array used as initializer").

asio::awaitable<void> print_folder_tree(const mail::mailbox& me, const poly<mail::mail_folder>& f, int depth) {
  const std::string name = std::string(static_cast<std::size_t>(depth) * 2, ' ') + f->display_name.value_or("(no name)");
  std::cout << "  " << pad(name, 34);
  const auto unread = f->unread_item_count.value_or(0), total = f->total_item_count.value_or(0);
  std::cout << std::setw(5) << total << (total == 1 ? " item" : " items");
  if (unread > 0) std::cout << ", " << unread << " unread";
  std::cout << '\n';
  if (f->child_folder_count.value_or(0) > 0 && f->id && depth < 4) {
    const mail::list_child_folders_options first_50{.top = 50};
    auto children = co_await me.list_child_folders(*f->id, first_50);
    for (const auto& c : children.value) co_await print_folder_tree(me, c, depth + 1);
  }
}

void print_message_row(const mail::message& m) {
  const char* unread = m.is_read.value_or(true) ? " " : "*";
  const char* clip = m.has_attachments.value_or(false) ? "@" : " ";
  std::cout << "  " << unread << clip << " " << pad(format_time(m.received_date_time), 16) << "  "
            << pad(person(m.from), 18) << "  " << fit(m.subject.value_or("(no subject)"), 52) << '\n';
}

struct sync_outcome {
  std::vector<poly<mail::message>> items;
  std::vector<outlook::removed_entry> removed;
  outlook::sync_state state;
  int pages = 0;
  bool complete = false;
};

asio::awaitable<sync_outcome> sync_inbox(const mail::mailbox& me, const outlook::sync_state& from, const demo_config& cfg) {
  sync_outcome out;
  mail::sync_messages_options options;
  options.select = {mail::message::field::subject, mail::message::field::from, mail::message::field::is_read,
                    mail::message::field::received_date_time};
  options.prefer.max_page_size = cfg.sync_page_size;
  options.state = from;  // empty: a full round; a stored state: only what changed since
  auto pager = me.sync_messages_pages(mail::folder::inbox, options);
  while (auto page = co_await pager.next()) {
    ++out.pages;
    for (auto& c : page->changes) {
      if (const auto* r = c.removal()) out.removed.push_back(*r);
      else out.items.push_back(std::move(std::get<0>(c.value)));
    }
    out.state = pager.state();  // what a real program stores after each page to resume
    if (out.pages >= cfg.max_sync_pages && !pager.done()) break;
  }
  out.complete = pager.done();
  co_return out;
}

asio::awaitable<void> session(mail::client client, demo_config cfg) {
  const auto me = client.me();

  // 1. Folders, as a tree with item and unread counts.
  heading("Folders");
  const mail::list_folders_options first_50{.top = 50};
  auto folders = co_await me.list_folders(first_50);
  for (const auto& f : folders.value) co_await print_folder_tree(me, f, 0);

  // 2. The Inbox, newest first, page by page (the pager follows @odata.nextLink).
  heading("Inbox (newest first; * unread, @ attachments; times UTC)");
  mail::list_messages_options newest_first;
  newest_first.select = {mail::message::field::received_date_time, mail::message::field::from,
                         mail::message::field::subject, mail::message::field::is_read,
                         mail::message::field::has_attachments, mail::message::field::body_preview};
  newest_first.orderby = std::string(mail::message::field::received_date_time) + " desc";  // the wire name of either dialect
  newest_first.top = 5;
  newest_first.prefer.body_content_type = outlook::body_content_type::text;
  auto pages = me.list_messages_pages(mail::folder::inbox, newest_first);
  std::vector<poly<mail::message>> inbox;
  for (int n = 1; n <= 2; ++n) {
    auto page = co_await pages.next();
    if (!page) break;
    std::cout << "  page " << n << ":\n";
    for (const auto& m : page->value) print_message_row(*m);
    inbox.insert(inbox.end(), page->value.begin(), page->value.end());
    if (!page->next_link) break;
  }
  if (inbox.empty()) {
    std::cout << "  (the Inbox is empty)\n";
    co_return;
  }

  // 3. One message: the newest with attachments (or the newest), as text, and its attachments.
  auto chosen = std::find_if(inbox.begin(), inbox.end(), [](const auto& m) { return m->has_attachments.value_or(false); });
  if (chosen == inbox.end()) chosen = inbox.begin();
  const std::string id = (*chosen)->id.value_or("");
  heading("Message");
  mail::get_message_options as_text;
  as_text.prefer.body_content_type = outlook::body_content_type::text;
  auto msg = co_await me.get_message(id, as_text);
  std::cout << "  From:     " << person(msg->from, true) << '\n'
            << "  To:       " << people(msg->to_recipients) << '\n';
  if (!msg->cc_recipients.empty()) std::cout << "  Cc:       " << people(msg->cc_recipients) << '\n';
  std::cout << "  Date:     " << format_time(msg->received_date_time, "%A %d %B %Y, %H:%M UTC") << '\n'
            << "  Subject:  " << msg->subject.value_or("(no subject)") << '\n';
  if (msg->importance && *msg->importance == mail::importance::high) std::cout << "  Importance: high\n";
  if (!msg->categories.empty()) {
    std::cout << "  Categories:";
    for (const auto& c : msg->categories) std::cout << ' ' << c;
    std::cout << '\n';
  }
  mail::list_attachments_options names_and_sizes;
  names_and_sizes.select = {mail::attachment::field::name, mail::attachment::field::content_type,
                            mail::attachment::field::size, mail::attachment::field::is_inline};
  auto attachments = co_await me.list_attachments(id, names_and_sizes);
  for (const auto& a : attachments.value) {
    const char* kind = a.is<mail::file_attachment>() ? "file" : a.is<mail::item_attachment>() ? "item" : a.is<mail::reference_attachment>() ? "link" : "attachment";
    std::cout << "  Attached: " << a->name.value_or("(no name)") << "  (" << kind << ", "
              << a->content_type.value_or("?") << ", " << size_text(a->size.value_or(0)) << ")\n";
  }
  std::cout << '\n';
  std::istringstream body(msg->body && msg->body->content ? *msg->body->content : msg->body_preview.value_or(""));
  for (std::string line; std::getline(body, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    for (const auto& wrapped : wrap(line, 84)) std::cout << "    " << wrapped << '\n';
  }

  if (cfg.replay) {
    // 4. Mark it read: a patch sends only IsRead.
    auto updated = co_await me.update_message(id, mail::message_patch{}.is_read(true));
    std::cout << "\n  Marked as read (IsRead is now " << (updated->is_read.value_or(false) ? "true" : "false") << ").\n";
    // 5. Reply to the sender (the service sends it and keeps a copy in Sent Items).
    co_await me.reply(id, reply_comment);
    std::cout << "  Replied to " << person(msg->from) << ": \"" << reply_comment << "\"\n";
  }

  // 6. Sync the Inbox: a full round, then (in a program that runs later) a round from
  //    the stored delta token that reports only what changed.
  heading("Sync of the Inbox");
  const outlook::sync_state from_scratch;
  auto first = co_await sync_inbox(me, from_scratch, cfg);
  std::map<std::string, std::string> known;  // id -> subject
  for (const auto& m : first.items) known[m->id.value_or("")] = m->subject.value_or("");
  std::cout << "  Full round: " << first.items.size() << " messages in " << first.pages << " page(s)";
  if (!first.complete) std::cout << " (stopped early; stored state resumes it: " << fit(first.state.to_string(), 40) << ")";
  std::cout << "\n  State to store: " << fit(first.state.to_string(), 60) << '\n';
  if (first.complete) {
    auto second = co_await sync_inbox(me, first.state, cfg);
    std::cout << "  Round from the stored delta token: " << second.items.size() + second.removed.size() << " change(s)\n";
    for (const auto& m : second.items) {
      const bool seen = known.count(m->id.value_or(""));
      std::cout << "    " << (seen ? "changed  " : "new      ") << fit(m->subject.value_or("(no subject)"), 50)
                << (seen ? (m->is_read.value_or(false) ? "  (now read)" : "  (now unread)") : "  from " + person(m->from))
                << '\n';
    }
    for (const auto& r : second.removed) {
      auto it = known.find(r.item_id());
      std::cout << "    removed  " << (it != known.end() ? fit(it->second, 50) : r.item_id()) << "  (" << r.reason << ")\n";
    }
    std::cout << "  Next state: " << fit(second.state.to_string(), 60) << '\n';
  }

  // 7. Automatic replies.
  heading("Automatic replies");
  auto ar = co_await me.get_automatic_replies_setting();
  const std::string status = ar.status ? std::string(ar.status->wire()) : "unknown";
  std::cout << "  Status:   " << status << '\n';
  if (ar.status && *ar.status == mail::automatic_replies_status::scheduled) {
    auto when = [](const std::optional<mail::date_time_time_zone>& d) {
      return d ? d->date_time.value_or("?").substr(0, 16) + " " + d->time_zone.value_or("") : std::string("?");
    };
    std::cout << "  From:     " << when(ar.scheduled_start_date_time) << "\n  Until:    " << when(ar.scheduled_end_date_time) << '\n';
  }
  if (ar.external_audience) std::cout << "  External: " << ar.external_audience->wire() << '\n';
  if (ar.internal_reply_message) std::cout << "  Internal reply: " << fit(html_to_text(*ar.internal_reply_message), 90) << '\n';
  if (ar.external_reply_message) std::cout << "  External reply: " << fit(html_to_text(*ar.external_reply_message), 90) << '\n';
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

void report_error(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const outlook::api_error& x) {
    std::cerr << "\nerror: the service answered HTTP " << x.status() << (x.code().empty() ? "" : " " + x.code()) << ": "
              << x.service_message() << '\n';
  } catch (const std::exception& x) {
    std::cerr << "\nerror: " << x.what() << '\n';
  }
}

/// --serve: the replay server alone, until every recorded interaction has been answered.
int serve(const std::string& file) {
  try {
    outlook_demo::replay_server server(file);
    std::cout << "export OUTLOOK_BASE_URL=" << server.origin() << "/api/v2.0\n"
              << "export OUTLOOK_CA_FILE=" << server.ca_file().string() << '\n'
              << "export OUTLOOK_TOKEN=any-token\n"
              << "# serving " << server.interactions() << " recorded interaction(s) of " << file << std::endl;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (server.answered() < server.interactions() && server.first_mismatch().empty() &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the last answer go out
    server.stop();
    if (const auto m = server.first_mismatch(); !m.empty()) {
      std::cerr << "# a request did not match the recording: " << m << '\n';
      return 1;
    }
    std::cout << "# answered " << server.answered() << " of " << server.interactions() << " interaction(s)" << std::endl;
    return server.answered() == server.interactions() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "cannot serve " << file << ": " << e.what() << '\n';
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string mailbox_file = env("OUTLOOK_DEMO_MAILBOX");
#ifdef OUTLOOK_DEMO_MAILBOX
  if (mailbox_file.empty()) mailbox_file = OUTLOOK_DEMO_MAILBOX;
#endif
  std::string serve_file;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--mailbox" && i + 1 < argc) {
      mailbox_file = argv[++i];
    } else if (arg == "--serve" && i + 1 < argc) {
      serve_file = argv[++i];
    } else {
      std::cerr << "usage: outlook_mail_demo [--mailbox FILE]\n"
                   "       outlook_mail_demo --serve FILE\n"
                   "  without OUTLOOK_BASE_URL: replays FILE (a recorded mailbox) on a loopback HTTPS server\n"
                   "  with OUTLOOK_BASE_URL and OUTLOOK_TOKEN: read-only session against that server\n"
                   "  OUTLOOK_CA_FILE: an extra trusted CA certificate (PEM)\n"
                   "  --serve FILE: only serve the recorded interactions of FILE (for trying the other\n"
                   "    examples without an account); prints the OUTLOOK_BASE_URL and OUTLOOK_CA_FILE to use\n"
                   "    and exits once every interaction was answered (or after 5 minutes)\n";
      return 2;
    }
  }
#ifdef OUTLOOK_EXAMPLES_GRAPH
  // The recorded mailbox and --serve speak Outlook REST v2.0; the Graph build only runs
  // against a live mailbox (Microsoft Graph by default, or OUTLOOK_BASE_URL).
  if (!serve_file.empty() || !examples::have_credentials()) {
    std::cerr << "this is the Microsoft Graph build of the demo: it needs OUTLOOK_TOKEN (an access token for\n"
                 "your mailbox) or OUTLOOK_CLIENT_ID (to sign in; docs/sign-in.md), optionally OUTLOOK_BASE_URL;\n"
                 "the recorded mailbox and --serve are Outlook REST v2.0: run the v2.0 build for them\n";
    return 2;
  }
  constexpr bool live_by_default = true;
#else
  constexpr bool live_by_default = false;
#endif
  if (!serve_file.empty()) return serve(serve_file);

  demo_config cfg;
  outlook::client_options client_options;
  outlook::beast_transport_options transport_options;
  std::string token;
  std::unique_ptr<outlook_demo::replay_server> server;
  try {
    if (const std::string base = env("OUTLOOK_BASE_URL"); !base.empty() || live_by_default) {
      if (!examples::have_credentials()) {
        std::cerr << "OUTLOOK_BASE_URL is set, so OUTLOOK_TOKEN (an OAuth access token) or OUTLOOK_CLIENT_ID (to sign in) is required\n";
        return 2;
      }
      cfg = {.replay = false, .sync_page_size = 50, .max_sync_pages = 3};
      client_options.base_url = base;  // empty: the service's own URL
      if (const std::string ca = env("OUTLOOK_CA_FILE"); !ca.empty()) transport_options.ca_file = ca;
      std::cout << "outlook-mail demo: read-only session against " << (base.empty() ? examples::default_service : base.c_str()) << '\n';
    } else {
      if (mailbox_file.empty()) {
        std::cerr << "no recorded mailbox: pass --mailbox FILE or set OUTLOOK_DEMO_MAILBOX\n";
        return 2;
      }
      server = std::make_unique<outlook_demo::replay_server>(mailbox_file);
      client_options.base_url = server->origin() + "/api/v2.0";
      transport_options.ca_file = server->ca_file();  // trust the server's runtime certificate, verification stays on
      token = "demo-access-token";
      std::cout << "outlook-mail demo: a recorded mailbox (" << server->interactions()
                << " interactions) served over HTTPS by a loopback server at " << server->origin() << ",\n"
                << "with a certificate made at start-up and trusted through ca_file; the client is the real Beast transport.\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "cannot start: " << e.what() << '\n';
    return 1;
  }

  int rc = 0;
  try {
    asio::io_context ioc;
    auto https = outlook::make_beast_transport(ioc.get_executor(), transport_options);
    client_options.observer = log_request;
    mail::client client(https, cfg.replay ? outlook::fixed_token(token) : examples::token_from_environment(https), client_options);
    asio::co_spawn(ioc, session(client, cfg), [&](std::exception_ptr e) {
      if (e) {
        report_error(e);
        rc = 1;
      }
    });
    ioc.run();

    const auto stats = https->stats();
    heading("Connection");
    std::cout << "  " << stats.requests_sent << " HTTPS requests on " << stats.connections_opened
              << " TLS connection(s); " << stats.connections_reused << " of them reused a pooled keep-alive connection";
    if (stats.requests_sent > 0)
      std::cout << " (" << (100 * stats.connections_reused / stats.requests_sent) << "%)";
    std::cout << ".\n";
  } catch (const std::exception& e) {  // before any request: an unreadable CA file, an invalid base URL
    std::cerr << "cannot start the session: " << e.what() << '\n';
    rc = 1;
  }
  if (server) {
    server->stop();
    std::cout << "  The replay server answered " << server->answered() << " of " << server->interactions()
              << " recorded interactions on " << server->connections_accepted() << " accepted connection(s).\n";
    if (const auto m = server->first_mismatch(); !m.empty()) {
      std::cerr << "a request did not match the recording: " << m << '\n';
      rc = 1;
    } else if (rc == 0 && server->answered() != server->interactions()) {
      std::cerr << "the session ended before every recorded interaction was used\n";
      rc = 1;
    }
  }
  return rc;
}
