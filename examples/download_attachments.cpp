// download_attachments: lists the attachments of a message and saves its file attachments.
// SPDX-License-Identifier: BSL-1.0
//
//     OUTLOOK_TOKEN=<access token> download_attachments <message id> [output directory]
//
// Attachment names come from whoever sent the message, so they are never used as paths:
// each name is reduced to one safe file name (no directory parts, no "..", no control
// characters, no names Windows reserves), a file that already exists is never overwritten
// (" (2)" and so on is added), and the final path is checked to lie in the output directory.
//
// Environment: OUTLOOK_TOKEN, or OUTLOOK_CLIENT_ID to sign in (support/credentials.hpp),
// OUTLOOK_BASE_URL (default the build's service: Outlook REST v2.0, or Graph for the
// builds in graph/), OUTLOOK_CA_FILE (an extra trusted CA, PEM).
#include <outlook/beast_transport.hpp>
#include "support/dialect.hpp"  // namespace mail: outlook::mail or outlook::graph

#include "support/run_example.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

/// One file name that cannot name another directory: path separators, control characters
/// and characters Windows forbids become '_'; leading and trailing dots and spaces go (so
/// neither "." nor ".." survives); reserved device names get a '_' in front; at most 150
/// bytes, cut on a UTF-8 character boundary, keeping a short extension. Never empty.
std::string safe_file_name(std::string_view name, std::size_t index) {
  std::string s;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    const bool bad = c < 0x20 || c == 0x7F || std::string_view("/\\:*?\"<>|").find(ch) != std::string_view::npos;
    s += bad ? '_' : ch;
  }
  auto trim = [](std::string& t) {
    while (!t.empty() && (t.front() == '.' || t.front() == ' ')) t.erase(t.begin());
    while (!t.empty() && (t.back() == '.' || t.back() == ' ')) t.pop_back();
  };
  trim(s);
  if (s.empty()) return "attachment-" + std::to_string(index);

  constexpr std::size_t max_bytes = 150;
  if (s.size() > max_bytes) {
    std::string ext;
    if (auto dot = s.rfind('.'); dot != std::string::npos && s.size() - dot <= 10) ext = s.substr(dot);
    std::size_t cut = max_bytes - ext.size();
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    s = s.substr(0, cut) + ext;
    trim(s);
    if (s.empty()) return "attachment-" + std::to_string(index);
  }

  std::string stem = s.substr(0, s.find('.'));
  for (auto& c : stem)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  static constexpr std::string_view reserved[] = {"CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4",
                                                  "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3",
                                                  "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"};
  if (std::find(std::begin(reserved), std::end(reserved), stem) != std::end(reserved)) s = "_" + s;
  return s;
}

/// A path in `dir` for `file_name` that does not exist yet (not even as a dangling link).
fs::path unused_path(const fs::path& dir, const std::string& file_name) {
  const fs::path base(file_name);
  const std::string stem = base.stem().string(), ext = base.extension().string();
  for (int n = 1; n < 10000; ++n) {
    const fs::path candidate = dir / (n == 1 ? file_name : stem + " (" + std::to_string(n) + ")" + ext);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(candidate, ec))) return candidate;
  }
  throw std::runtime_error("too many files named " + file_name);
}

void write_inside(const fs::path& dir, const fs::path& target, const outlook::bytes& data) {
  // Belt and braces: the sanitised name has no separators, but check the result anyway.
  if (fs::weakly_canonical(target).parent_path() != fs::canonical(dir))
    throw std::runtime_error("refusing to write outside the output directory");
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out.flush()) throw std::runtime_error("cannot write " + target.string());
}

asio::awaitable<void> download(mail::client client, std::string message_id, fs::path dir) {
  auto me = client.me();
  // The listing without content (names and sizes only); each file is then fetched on its own.
  mail::list_attachments_options names_only;
  names_only.select = {mail::attachment::field::name, mail::attachment::field::content_type,
                       mail::attachment::field::size, mail::attachment::field::is_inline};
  auto pages = me.list_attachments_pages(message_id, names_only);
  std::size_t index = 0, saved = 0;
  while (auto page = co_await pages.next()) {
    for (const auto& listed : page->value) {
      ++index;
      const std::string name = listed->name.value_or("");
      std::cout << "  " << (name.empty() ? "(no name)" : name) << "  " << listed->content_type.value_or("?") << ", "
                << listed->size.value_or(0) << " bytes" << (listed->is_inline.value_or(false) ? ", inline" : "");
      if (!listed.is<mail::file_attachment>()) {
        std::cout << (listed.is<mail::item_attachment>() ? "  (an attached message or event: skipped)\n"
                                                          : "  (a link to a cloud file: skipped)\n");
        continue;
      }
      auto full = co_await me.get_attachment(message_id, listed->id.value_or(""));
      const auto* file = full.as<mail::file_attachment>();
      if (!file || !file->content_bytes) {
        std::cout << "  (no content returned)\n";
        continue;
      }
      const fs::path target = unused_path(dir, safe_file_name(name, index));
      write_inside(dir, target, *file->content_bytes);
      ++saved;
      std::cout << "  -> " << target.string() << '\n';
    }
  }
  std::cout << index << " attachment(s), " << saved << " file(s) saved in " << dir.string() << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (!examples::have_credentials() || argc < 2) {
    std::cerr << "usage: OUTLOOK_TOKEN=<access token> (or OUTLOOK_CLIENT_ID=<app id> to sign in) download_attachments <message id> [output directory]\n";
    return 2;
  }
  const std::string message_id = argv[1];
  const fs::path dir = argc > 2 ? argv[2] : ".";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir, ec)) {
    std::cerr << "cannot use " << dir.string() << " as the output directory\n";
    return 2;
  }

  return examples::run_example("download_attachments",
                               [&](mail::client client) { return download(client, message_id, dir); });
}
