// outlook_mail_replay_server: serves the recorded interactions of a cassette over HTTPS on
// 127.0.0.1, so that a program can be tried offline against a recording through the real
// Beast transport.
//
//     outlook_mail_replay_server CASSETTE [--ca-out FILE] [--timeout SECONDS]
//
// It prints shell lines to source (OUTLOOK_BASE_URL, OUTLOOK_CA_FILE, OUTLOOK_TOKEN) and
// exits once every interaction has been answered (status 0), at the first request that
// does not match the recording (1, the mismatch on stderr), or after the timeout (1,
// default 300 s). The certificate is made at start-up; the client trusts it through
// beast_transport_options::ca_file (--ca-out FILE also writes it to FILE).
// SPDX-License-Identifier: BSL-1.0
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>

#include "replay_server.hpp"

namespace {

volatile std::sig_atomic_t stop_requested = 0;
extern "C" void on_signal(int) { stop_requested = 1; }

int usage() {
  std::cerr << "usage: outlook_mail_replay_server CASSETTE [--ca-out FILE] [--timeout SECONDS]\n"
               "  serves the interactions of CASSETTE on https://127.0.0.1:<port> and prints the\n"
               "  OUTLOOK_BASE_URL, OUTLOOK_CA_FILE and OUTLOOK_TOKEN to use; exits 0 once every\n"
               "  interaction was answered, 1 on a request the cassette does not have or at the\n"
               "  timeout (default 300 s)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path cassette, ca_out;
  long timeout_seconds = 300;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--ca-out" && i + 1 < argc) {
      ca_out = argv[++i];
    } else if (arg == "--timeout" && i + 1 < argc) {
      char* end = nullptr;
      timeout_seconds = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || timeout_seconds <= 0) return usage();
    } else if (!arg.empty() && arg.front() != '-' && cassette.empty()) {
      cassette = arg;
    } else {
      return usage();
    }
  }
  if (cassette.empty()) return usage();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  try {
    outlook_demo::replay_server server(cassette);
    std::filesystem::path ca_file = server.ca_file();
    if (!ca_out.empty()) {
      std::filesystem::copy_file(server.ca_file(), ca_out, std::filesystem::copy_options::overwrite_existing);
      ca_file = ca_out;
    }
    std::cout << "export OUTLOOK_BASE_URL=" << server.origin() << "/api/v2.0\n"
              << "export OUTLOOK_CA_FILE=" << ca_file.string() << '\n'
              << "export OUTLOOK_TOKEN=any-token\n"
              << "# listening " << server.origin() << ", serving " << server.interactions()
              << " recorded interaction(s) of " << cassette.string() << std::endl;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    while (server.answered() < server.interactions() && server.first_mismatch().empty() && stop_requested == 0 &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the last answer go out
    server.stop();
    if (const auto m = server.first_mismatch(); !m.empty()) {
      std::cerr << "a request did not match the recording: " << m << '\n';
      return 1;
    }
    std::cout << "# answered " << server.answered() << " of " << server.interactions() << " interaction(s)" << std::endl;
    if (server.answered() != server.interactions()) {
      std::cerr << (stop_requested != 0 ? "stopped" : "timed out") << " before every interaction was answered\n";
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "cannot serve " << cassette.string() << ": " << e.what() << '\n';
    return 1;
  }
}
