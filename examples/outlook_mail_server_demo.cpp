// SPDX-License-Identifier: BSL-1.0
// outlook_mail_server_demo: two users exchange mail on the local mailbox server.
//
// Starts outlook_mail_server inside this process (HTTPS, a certificate made at start-up and
// trusted through beast_transport_options::ca_file), seeded with two users, and runs a
// real exchange through the C++ client:
//   Adele sends Alex a message; Alex's Inbox has it; Alex replies; Adele's Inbox has the
//   reply; each side's sync round reports exactly those changes; Alex turns on automatic
//   replies and reads the setting back.
// Every step is checked; the program exits 1 when the server did not behave as a mailbox.
//
//     outlook_mail_server_demo [--seed FILE]
//
// SPDX-License-Identifier: BSL-1.0
#include <outlook/beast_transport.hpp>
#include <outlook/mail.hpp>
#include <outlook/server/mail_server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace mail = outlook::mail;

namespace {

void expect(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("unexpected: " + what);
}

std::string who(const mail::message& m) {
  return m.from && m.from->email_address ? m.from->email_address->name.value_or(m.from->email_address->address.value_or("?"))
                                         : "?";
}

/// One sync round from `state`; prints and returns the changes as "+subject" / "-id".
asio::awaitable<std::vector<std::string>> sync_round(mail::client& c, const std::string& user, outlook::sync_state& state) {
  mail::sync_messages_options o;
  o.state = state;
  auto round = co_await c.me().sync_messages(mail::folder::inbox, o);
  std::vector<std::string> changes;
  for (const auto& change : round.changes) {
    if (change.removed()) changes.push_back("-" + change.removal()->item_id());
    else changes.push_back("+" + (*change.item())->subject.value_or(""));
  }
  std::cout << "  " << user << "'s Inbox sync round: " << changes.size() << " change(s)";
  for (const auto& c2 : changes) std::cout << "  [" << c2 << "]";
  std::cout << '\n';
  state = round.state;
  co_return changes;
}

asio::awaitable<void> exchange(mail::client adele, mail::client alex) {
  std::cout << "\n== Start: each user's Inbox, and a sync round to start from\n";
  outlook::sync_state adele_sync;
  outlook::sync_state alex_sync;
  co_await sync_round(adele, "Adele", adele_sync);
  co_await sync_round(alex, "Alex", alex_sync);

  std::cout << "\n== Adele sends Alex a message\n";
  mail::message m;
  m.subject = "Lunch on Friday?";
  m.body = mail::item_body{.content_type = mail::body_type::html, .content = "<p>The new place on <b>Main Street</b>?</p>"};
  m.to_recipients = {mail::recipient{.email_address = mail::email_address{.address = "alex@contoso.example"}}};
  co_await adele.me().send_mail(m);
  auto sent = co_await adele.me().list_messages("sentitems");
  expect(sent.value.size() == 1 && sent.value[0]->subject == m.subject, "a copy in Adele's Sent Items");
  std::cout << "  Adele's Sent Items: \"" << *sent.value[0]->subject << "\"\n";

  mail::list_messages_options unread;
  unread.filter = "IsRead eq false";
  auto inbox = co_await alex.me().list_messages(mail::folder::inbox, unread);
  expect(inbox.value.size() == 1 && inbox.value[0]->subject == m.subject, "the message unread in Alex's Inbox");
  const auto& received = *inbox.value[0];
  expect(received.id != sent.value[0]->id, "the delivered copy has its own ID");
  std::cout << "  Alex's Inbox: \"" << *received.subject << "\" from " << who(received) << ", unread\n";

  std::cout << "\n== Alex reads it and replies\n";
  co_await alex.me().update_message(*received.id, mail::message_patch{}.is_read(true));
  co_await alex.me().reply(*received.id, "Friday works, see you at noon.");
  mail::list_messages_options reply_filter;
  reply_filter.filter = "IsRead eq false and startswith(Subject, 'RE:')";
  auto replies = co_await adele.me().list_messages(mail::folder::inbox, reply_filter);
  expect(replies.value.size() == 1 && replies.value[0]->subject == "RE: Lunch on Friday?", "the reply in Adele's Inbox");
  std::cout << "  Adele's Inbox: \"" << *replies.value[0]->subject << "\" from " << who(*replies.value[0]) << '\n';

  std::cout << "\n== Sync rounds report exactly those changes\n";
  const auto alex_changes = co_await sync_round(alex, "Alex", alex_sync);
  expect(alex_changes == std::vector<std::string>{"+Lunch on Friday?"}, "Alex's round: the one message (read since)");
  const auto adele_changes = co_await sync_round(adele, "Adele", adele_sync);
  expect(adele_changes == std::vector<std::string>{"+RE: Lunch on Friday?"}, "Adele's round: the reply");
  expect((co_await sync_round(alex, "Alex", alex_sync)).empty(), "nothing new for Alex");

  std::cout << "\n== Alex turns on automatic replies and reads them back\n";
  mail::automatic_replies_setting ar;
  ar.status = mail::automatic_replies_status::always_enabled;
  ar.internal_reply_message = "Out until Monday.";
  co_await alex.me().update_mailbox_settings(mail::mailbox_settings_patch{}.automatic_replies_setting(ar));
  const auto back = co_await alex.me().get_automatic_replies_setting();
  expect(back.status == mail::automatic_replies_status::always_enabled && back.internal_reply_message == ar.internal_reply_message,
         "the automatic replies setting read back");
  std::cout << "  Alex's automatic replies: always enabled, \"" << *back.internal_reply_message << "\"\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string seed;
#ifdef OUTLOOK_SERVER_DEMO_SEED
  seed = OUTLOOK_SERVER_DEMO_SEED;
#endif
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--seed" && i + 1 < argc) {
      seed = argv[++i];
    } else {
      std::cerr << "usage: outlook_mail_server_demo [--seed FILE]\n";
      return 2;
    }
  }
  if (seed.empty()) {
    std::cerr << "no seed: pass --seed FILE (server/seeds/two_users.json)\n";
    return 2;
  }
  int rc = 0;
  try {
    outlook::server::mail_server server({.seed_file = seed});
    const auto ca = server.write_certificate(std::filesystem::temp_directory_path() /
                                             ("outlook-server-demo-" + std::to_string(server.port()) + ".pem"));
    std::cout << "outlook-mail: a local mailbox server at " << server.origin() << " (seed " << seed
              << "), HTTPS with a certificate made at start-up.\n";
    {
      asio::io_context ioc;
      auto https = outlook::make_beast_transport(ioc.get_executor(), {.ca_file = ca});
      outlook::client_options options;
      options.base_url = server.origin() + "/api/v2.0";
      // Each request the two clients make, as the client's observer reports it (the URL
      // comes redacted and no header value ever reaches an observer).
      options.observer = [](const outlook::request_event& e) {
        std::string target = e.url;
        if (auto scheme = target.find("://"); scheme != std::string::npos)
          target = target.substr(std::min(target.size(), target.find('/', scheme + 3)));
        std::cout << "    [https] " << e.method << ' ' << target << "  -> ";
        if (e.status != 0) std::cout << e.status << '\n';
        else std::cout << "failed (no response)\n";
      };
      mail::client adele(https, outlook::fixed_token("adele-token"), options);
      mail::client alex(https, outlook::fixed_token("alex-token"), options);
      asio::co_spawn(ioc, exchange(adele, alex), [&](std::exception_ptr e) {
        if (!e) return;
        rc = 1;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          std::cerr << "\nerror: " << x.what() << '\n';
        }
      });
      ioc.run();
    }
    std::cout << "\n" << server.requests_served() << " requests served.\n";
    server.stop();
    std::filesystem::remove(ca);
  } catch (const std::exception& e) {
    std::cerr << "cannot start the server: " << e.what() << '\n';
    return 1;
  }
  if (rc == 0) std::cout << "The exchange behaved as a mailbox should.\n";
  return rc;
}
