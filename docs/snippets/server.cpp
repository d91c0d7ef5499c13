// The C++ block of docs/server.md (starting the mailbox server inside a test process),
// compiled, not run, by CI when the server is built (tests/docs/CMakeLists.txt).
// SPDX-License-Identifier: BSL-1.0
#include <outlook/server/mail_server.hpp>

#include <string>

std::string start_a_server_in_a_test() {
  // snippet-begin: in-process
  outlook::server::mail_server server({.seed_file = "seed.json"});   // listening now
  auto ca = server.write_certificate("server-ca.pem");
  // base URL: server.origin() + "/api/v2.0" or server.origin() + "/v1.0"
  // snippet-end: in-process
  return ca.string() + " " + server.origin();
}
