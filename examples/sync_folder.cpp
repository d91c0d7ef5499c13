// sync_folder: keeps up with the messages of one folder by change tracking.
// SPDX-License-Identifier: BSL-1.0
//
//     OUTLOOK_TOKEN=<access token> sync_folder [folder] [state file]
//
// The first run makes a full round (every message of the folder counts as added); each
// later run reads the state stored by the previous one and prints only what changed since:
// messages added or changed, and messages removed. The state is written after every page,
// so a run that is interrupted resumes where it stopped.
//
// folder: a well-known name (Inbox, SentItems, ...) or a folder ID; default Inbox.
// state file: default ./sync-<folder>.state (it holds a delta or skip token, not the token
// used to sign in).
//
// Environment: OUTLOOK_TOKEN, or OUTLOOK_CLIENT_ID to sign in (support/credentials.hpp),
// OUTLOOK_BASE_URL (default the build's service: Outlook REST v2.0, or Graph for the
// builds in graph/), OUTLOOK_CA_FILE (an extra trusted CA, PEM).
#include <outlook/beast_transport.hpp>
#include <outlook/delta.hpp>  // outlook::sync_reset_required
#include "support/dialect.hpp"  // namespace mail: outlook::mail or outlook::graph

#include "support/run_example.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cctype>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace asio = boost::asio;

namespace {

outlook::sync_state load_state(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return {};  // no state yet: a full round
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return outlook::sync_state::parse(s);
}

/// Writes the state to a temporary file and renames it over the old one, so that a crash
/// never leaves a half-written state.
void store_state(const std::filesystem::path& file, const outlook::sync_state& state) {
  auto tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << state.to_string() << '\n';
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, file);
}

asio::awaitable<void> sync_round(mail::client client, std::string folder, std::filesystem::path state_file);

asio::awaitable<void> sync(mail::client client, std::string folder, std::filesystem::path state_file) {
  try {
    co_await sync_round(client, folder, state_file);
  } catch (const outlook::sync_reset_required&) {
    // Graph: 410 Gone or syncStateNotFound; the stored delta link is of no use any more.
    std::cerr << "the service forgot the stored state; delete " << state_file.string() << " for a full round\n";
    throw;
  } catch (const outlook::api_error& e) {
    if (e.status() == 410)  // v2.0: the service no longer knows the stored token
      std::cerr << "the stored state expired; delete " << state_file.string() << " for a full round\n";
    throw;
  }
}

asio::awaitable<void> sync_round(mail::client client, std::string folder, std::filesystem::path state_file) {
  mail::sync_messages_options options;
  options.select = {mail::message::field::subject, mail::message::field::from, mail::message::field::is_read,
                    mail::message::field::received_date_time};
  options.prefer.max_page_size = 50;
  options.state = load_state(state_file);
  std::cout << (options.state.empty() ? "full round (no stored state)"
                                      : options.state.complete() ? "changes since the stored state"
                                                                 : "resuming an interrupted round")
            << " of " << folder << '\n';

  auto pages = client.me().sync_messages_pages(folder, options);
  std::size_t added_or_changed = 0, removed = 0;
  while (auto page = co_await pages.next()) {
    for (const auto& change : page->changes) {
      if (const auto* r = change.removal()) {
        ++removed;
        std::cout << "  removed  " << r->item_id() << '\n';
      } else if (const auto* m = change.item()) {
        ++added_or_changed;
        const auto& from = (*m)->from;
        std::cout << "  " << ((*m)->is_read.value_or(true) ? "         " : "unread   ")
                  << (*m)->subject.value_or("(no subject)");
        if (from && from->email_address) std::cout << "  (" << from->email_address->address.value_or("") << ")";
        std::cout << '\n';
      }
    }
    store_state(state_file, pages.state());  // after every page: a crash resumes from here
  }
  std::cout << added_or_changed << " added or changed, " << removed << " removed; state stored in "
            << state_file.string() << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (!examples::have_credentials()) {
    std::cerr << "usage: OUTLOOK_TOKEN=<access token> (or OUTLOOK_CLIENT_ID=<app id> to sign in) sync_folder [folder] [state file]\n";
    return 2;
  }
  const std::string folder = argc > 1 ? argv[1] : std::string(mail::folder::inbox);
  std::string safe;  // the default state file name, from the folder name
  for (char c : folder) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  const std::filesystem::path state_file = argc > 2 ? argv[2] : "sync-" + safe + ".state";

  return examples::run_example("sync_folder", [&](mail::client client) { return sync(client, folder, state_file); });
}
