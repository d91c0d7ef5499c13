// outlook-mail local mailbox server: a process-local server that behaves like an Outlook /
// Microsoft Graph mailbox (both dialects over one SQLite store), for running a program or
// a test suite without a real mailbox.
//
//     outlook::server::mail_server server({.seed_file = "mailbox.json"});  // listens at once
//     server.write_certificate("server-ca.pem");   // trust it: beast_transport_options.ca_file
//     // base URLs: server.origin() + "/api/v2.0" (Outlook) or server.origin() + "/v1.0" (Graph)
//     server.stop();                                // also done by the destructor
//
// The server runs its own thread; this header is cheap (no Beast, Asio or SQLite).
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace outlook::server {

struct mail_server_options {
  std::string listen_address = "127.0.0.1";
  unsigned short port = 0;  // 0: an ephemeral port
  /// ":memory:" or a database file (created when missing; an existing one is reopened and
  /// the seed is not applied again).
  std::string database = ":memory:";
  /// The seed: a file, or its JSON text in seed_json (one of the two is required).
  std::filesystem::path seed_file{};
  std::string seed_json{};
  bool plain_http = false;
  /// Share (0-100) of requests answered 429 ApplicationThrottled with Retry-After.
  int throttle_percent = 0;
};

/// Bad options, an unreadable or invalid seed, a database that cannot be opened, an
/// address that cannot be listened on. what() says which.
class server_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class mail_server {
 public:
  /// Opens the store, loads the seed, makes the certificate and starts accepting.
  explicit mail_server(mail_server_options options);
  ~mail_server();
  mail_server(const mail_server&) = delete;
  mail_server& operator=(const mail_server&) = delete;

  [[nodiscard]] unsigned short port() const noexcept;
  /// "https://127.0.0.1:PORT" ("http://..." with plain_http): the prefix of every URL.
  [[nodiscard]] std::string origin() const;
  /// The self-signed certificate (PEM) clients must trust; empty with plain_http.
  [[nodiscard]] const std::string& certificate_pem() const noexcept;
  /// Writes certificate_pem() to a file and returns its path.
  std::filesystem::path write_certificate(const std::filesystem::path& path) const;
  /// Requests answered so far.
  [[nodiscard]] std::size_t requests_served() const noexcept;

  /// Stops accepting, closes connections and joins the server thread. Idempotent.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace outlook::server
