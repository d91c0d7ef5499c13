// outlook_mail_server: the local mailbox server as a program.
//
//   outlook_mail_server --listen 127.0.0.1:0 --db PATH|:memory: --seed FILE
//                       [--plain-http] [--cert-out FILE] [--throttle PERCENT]
//
// Prints exactly one line, "listening https://127.0.0.1:PORT", once it accepts
// connections; stops cleanly on SIGTERM or SIGINT. Errors go to stderr, exit code 2 for
// a bad command line, 1 when it cannot start.
//
// SPDX-License-Identifier: BSL-1.0
#include <outlook/server/mail_server.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

namespace {

int usage(const std::string& problem) {
  std::cerr << "outlook_mail_server: " << problem << "\n"
            << "usage: outlook_mail_server --listen 127.0.0.1:0 --db PATH|:memory: --seed FILE\n"
            << "                           [--plain-http] [--cert-out FILE] [--throttle PERCENT]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  outlook::server::mail_server_options options;
  std::string cert_out;
  bool listen_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "--listen") {
      const char* v = value();
      if (!v) return usage("--listen needs HOST:PORT");
      const std::string s = v;
      const auto colon = s.rfind(':');
      if (colon == std::string::npos || colon == 0) return usage("--listen needs HOST:PORT, got '" + s + "'");
      options.listen_address = s.substr(0, colon);
      try {
        const unsigned long port = std::stoul(s.substr(colon + 1));
        if (port > 65535) throw std::out_of_range("port");
        options.port = static_cast<unsigned short>(port);
      } catch (const std::exception&) {
        return usage("--listen: '" + s.substr(colon + 1) + "' is not a port number");
      }
      listen_given = true;
    } else if (arg == "--db") {
      const char* v = value();
      if (!v) return usage("--db needs PATH or :memory:");
      options.database = v;
    } else if (arg == "--seed") {
      const char* v = value();
      if (!v) return usage("--seed needs FILE");
      options.seed_file = v;
    } else if (arg == "--cert-out") {
      const char* v = value();
      if (!v) return usage("--cert-out needs FILE");
      cert_out = v;
    } else if (arg == "--throttle") {
      const char* v = value();
      if (!v) return usage("--throttle needs PERCENT");
      try {
        options.throttle_percent = std::stoi(v);
      } catch (const std::exception&) {
        return usage(std::string("--throttle: '") + v + "' is not a number");
      }
    } else if (arg == "--plain-http") {
      options.plain_http = true;
    } else if (arg == "-h" || arg == "--help") {
      usage("a local Outlook / Microsoft Graph mailbox server");
      return 0;
    } else {
      return usage("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (!listen_given) return usage("--listen is required");
  if (options.seed_file.empty()) return usage("--seed is required");

  // The server's thread inherits this mask, so the signals reach sigwait below only.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    outlook::server::mail_server server(options);
    if (!cert_out.empty()) server.write_certificate(cert_out);
    std::cout << "listening " << server.origin() << std::endl;  // the one line outside tools wait for
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  } catch (const std::exception& e) {
    std::cerr << "outlook_mail_server: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
