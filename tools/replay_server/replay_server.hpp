// outlook-mail: a loopback HTTPS server that replays a cassette (the demo's recorded mailbox,
// SPDX-License-Identifier: BSL-1.0
// outlook_mail_replay_server, a test's recording).
//
// The recorded interactions (a cassette in the format of the design notes) name the real
// service, https://outlook.office.com/api/v2.0/...; the server answers requests for
// https://127.0.0.1:<port>/api/v2.0/... by matching them, rewritten to the service's host,
// against the next recorded interaction, and rewrites links in the answers
// (https://outlook.office.com, https://outlook.office365.com) to itself, so that a client
// following @odata.nextLink or @odata.deltaLink stays on the loopback server.
//
// The certificate is self-signed and made at start-up; ca_file() is a PEM file to trust.
// This header is cheap: Beast, Asio SSL and OpenSSL stay in replay_server.cpp.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

namespace outlook_demo {

class replay_server {
 public:
  /// Loads the cassette (throws outlook::decode_error when it is malformed) and starts
  /// listening on 127.0.0.1 on an ephemeral port.
  explicit replay_server(const std::filesystem::path& cassette_file);
  ~replay_server();
  replay_server(const replay_server&) = delete;
  replay_server& operator=(const replay_server&) = delete;

  /// "https://127.0.0.1:<port>": the origin that replaces the service's hosts.
  [[nodiscard]] std::string origin() const;
  /// The server's certificate, written to a temporary file (removed by the destructor).
  [[nodiscard]] const std::filesystem::path& ca_file() const;
  /// Interactions of the cassette in all, and those answered so far.
  [[nodiscard]] std::size_t interactions() const;
  [[nodiscard]] std::size_t answered() const;
  /// TCP connections the server accepted.
  [[nodiscard]] std::size_t connections_accepted() const;
  /// The first request that did not match the cassette, if any ("" otherwise).
  [[nodiscard]] std::string first_mismatch() const;

  /// Stops the server (idempotent; also done by the destructor).
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace outlook_demo
