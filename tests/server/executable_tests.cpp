// The outlook_mail_server program: its command line, the one line it prints, a clean stop
// on SIGTERM, and durability: after a 2xx answer, kill -9 loses nothing.
//
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include "test_support.hpp"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <regex>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

namespace mail = outlook::mail;
namespace fs = std::filesystem;
using server_tests::run;

/// The server program, started with a pipe on its stdout.
class server_process {
 public:
  explicit server_process(std::vector<std::string> args) {
    args.insert(args.begin(), OUTLOOK_MAIL_SERVER_EXE);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    REQUIRE(rc == 0);
    out_ = ::fdopen(fds[0], "r");
  }
  ~server_process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_) std::fclose(out_);
  }
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  /// The first line of stdout (without the newline); "" at end of file.
  std::string first_line() {
    char buf[256];
    if (!std::fgets(buf, sizeof buf, out_)) return {};
    std::string line(buf);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    return line;
  }
  /// Sends a signal and waits; returns the wait status.
  int stop(int signal) {
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  std::FILE* out_ = nullptr;
};

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("outlook-server-" + std::to_string(::getpid()) + "-" + name);
}

fs::path write_seed() {
  const auto p = temp_path("seed.json");
  std::ofstream(p) << server_tests::two_user_seed();
  return p;
}

}  // namespace

TEST_CASE("the executable prints exactly 'listening https://127.0.0.1:PORT' and stops on SIGTERM") {
  const auto seed = write_seed();
  const auto cert = temp_path("cert.pem");
  server_process p({"--listen", "127.0.0.1:0", "--db", ":memory:", "--seed", seed.string(), "--cert-out", cert.string()});
  const auto line = p.first_line();
  std::smatch m;
  REQUIRE(std::regex_match(line, m, std::regex(R"(listening https://127\.0\.0\.1:([0-9]+))")));
  CHECK(std::stoi(m[1]) > 0);
  {
    server_tests::client_set clients("https://127.0.0.1:" + std::string(m[1]), cert);
    auto adele = clients.client("adele-token");
    auto page = run(clients.ioc, adele.me().list_messages(mail::folder::inbox, {.top = 50}));
    CHECK(page.value.size() == 5);
  }
  const int status = p.stop(SIGTERM);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  fs::remove(seed);
  fs::remove(cert);
}

TEST_CASE("--plain-http prints an http:// line; a bad command line exits 2") {
  const auto seed = write_seed();
  {
    server_process p({"--listen", "127.0.0.1:0", "--db", ":memory:", "--seed", seed.string(), "--plain-http"});
    CHECK(std::regex_match(p.first_line(), std::regex(R"(listening http://127\.0\.0\.1:[0-9]+)")));
    const int status = p.stop(SIGINT);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  {
    server_process p({"--listen", "127.0.0.1:0", "--bogus"});
    CHECK(p.first_line().empty());
    int status = 0;
    status = p.stop(0);  // signal 0: only wait
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 2);
  }
  fs::remove(seed);
}

TEST_CASE("kill -9 right after a 2xx answer loses nothing (WAL, synchronous commits)") {
  const auto seed = write_seed();
  const auto cert = temp_path("durable-cert.pem");
  const auto db = temp_path("durable.db");
  for (const auto& suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  std::string first_id;
  {
    server_process p({"--listen", "127.0.0.1:0", "--db", db.string(), "--seed", seed.string(), "--cert-out", cert.string()});
    const auto line = p.first_line();
    REQUIRE(line.starts_with("listening https://"));
    server_tests::client_set clients(line.substr(10), cert);
    auto adele = clients.client("adele-token");
    run(clients.ioc, adele.me().send_mail([] {
      mail::message m;
      m.subject = "Durable";
      m.to_recipients = {mail::recipient{.email_address = mail::email_address{.address = "alex@contoso.example"}}};
      return m;
    }()));
    auto folder = run(clients.ioc, adele.me().create_folder("inbox", "Kept"));
    first_id = folder->id.value_or("");
    p.stop(SIGKILL);  // no chance to flush anything more
  }
  {
    server_process p({"--listen", "127.0.0.1:0", "--db", db.string(), "--seed", seed.string(), "--cert-out", cert.string()});
    const auto line = p.first_line();
    REQUIRE(line.starts_with("listening https://"));
    server_tests::client_set clients(line.substr(10), cert);
    auto alex = clients.client("alex-token");
    auto adele = clients.client("adele-token");
    auto inbox = run(clients.ioc, alex.me().list_messages(mail::folder::inbox));
    REQUIRE(inbox.value.size() == 1);
    CHECK(inbox.value[0]->subject == "Durable");
    CHECK(run(clients.ioc, adele.me().list_messages("sentitems")).value.size() == 1);
    CHECK(run(clients.ioc, adele.me().get_folder(first_id))->display_name == "Kept");
    // The seed is not applied twice to an existing database.
    CHECK(run(clients.ioc, adele.me().list_messages(mail::folder::inbox, {.top = 50})).value.size() == 5);
    p.stop(SIGTERM);
  }
  for (const auto& suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  fs::remove(seed);
  fs::remove(cert);
}
