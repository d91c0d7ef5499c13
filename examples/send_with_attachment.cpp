// send_with_attachment: sends a new message with a file attached, in one request (sendmail).
// SPDX-License-Identifier: BSL-1.0
//
//     OUTLOOK_TOKEN=<access token> send_with_attachment <to address> <file> [subject]
//
// Environment: OUTLOOK_TOKEN, or OUTLOOK_CLIENT_ID to sign in (support/credentials.hpp),
// OUTLOOK_BASE_URL (default the build's service: Outlook REST v2.0, or Graph for the
// builds in graph/), OUTLOOK_CA_FILE (an extra trusted CA, PEM).
//
// The service takes attachments inline with the message only up to about 3 MB (the whole
// request is limited to 4 MB once base64-encoded); larger files need an upload session,
// which v2.0 does not offer, so this example refuses them.
#include <outlook/beast_transport.hpp>
#include "support/dialect.hpp"  // namespace mail: outlook::mail or outlook::graph

#include "support/run_example.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace asio = boost::asio;

namespace {

constexpr std::uintmax_t max_attachment_size = std::uintmax_t{3} * 1024 * 1024;

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

/// A MIME type from the file name; the service accepts application/octet-stream for anything.
std::string content_type_of(const std::filesystem::path& file) {
  const std::string ext = lower(file.extension().string());
  static const std::pair<std::string_view, std::string_view> types[] = {
      {".pdf", "application/pdf"},   {".txt", "text/plain"},  {".csv", "text/csv"},
      {".png", "image/png"},         {".jpg", "image/jpeg"},  {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},         {".zip", "application/zip"}, {".json", "application/json"},
      {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"}};
  for (const auto& [e, type] : types)
    if (ext == e) return std::string(type);
  return "application/octet-stream";
}

outlook::bytes read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  outlook::bytes data;
  for (std::istreambuf_iterator<char> it(in), end; it != end; ++it) data.push_back(static_cast<std::byte>(*it));
  if (in.bad()) throw std::runtime_error("cannot read " + file.string());
  return data;
}

asio::awaitable<void> send(mail::client client, mail::message message) {
  // save_to_sent_items left out: the service keeps a copy in Sent Items.
  co_await client.me().send_mail(message);
  std::cout << "sent (the service accepted it with 202; a copy is in Sent Items)\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (!examples::have_credentials() || argc < 3) {
    std::cerr << "usage: OUTLOOK_TOKEN=<access token> (or OUTLOOK_CLIENT_ID=<app id> to sign in) send_with_attachment <to address> <file> [subject]\n";
    return 2;
  }
  const std::string to = argv[1];
  const std::filesystem::path file = argv[2];

  mail::message message;
  try {
    const auto size = std::filesystem::file_size(file);
    if (size > max_attachment_size) {
      std::cerr << file.string() << " is " << size << " bytes; sendmail takes attachments up to "
                << max_attachment_size << " bytes\n";
      return 2;
    }
    mail::file_attachment attachment;  // a derived type: set its members, then store it in the poly
    attachment.name = file.filename().string();
    attachment.content_type = content_type_of(file);
    attachment.content_bytes = read_file(file);  // sent base64-encoded by the codec

    message.subject = argc > 3 ? argv[3] : "File: " + file.filename().string();
    message.body = mail::item_body{.content_type = mail::body_type::text,
                                   .content = "Please find " + file.filename().string() + " attached."};
    message.to_recipients.push_back(mail::recipient{.email_address = mail::email_address{.address = to}});
    message.attachments.emplace_back(std::move(attachment));
    std::cout << "sending \"" << *message.subject << "\" to " << to << " with " << file.filename().string() << " ("
              << size << " bytes, " << content_type_of(file) << ")\n";
  } catch (const std::exception& e) {
    std::cerr << "send_with_attachment: " << e.what() << '\n';
    return 1;
  }

  return examples::run_example("send_with_attachment",
                               [&](mail::client client) { return send(client, std::move(message)); });
}
