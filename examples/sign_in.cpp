// sign_in: signs a user in with the device code flow and shows when the token expires.
// SPDX-License-Identifier: BSL-1.0
//
//     OUTLOOK_CLIENT_ID=<application (client) id> [OUTLOOK_TENANT=common] sign_in
//
// It prints where to go and which code to enter, waits while the user signs in on any
// device with a browser, then prints the token's expiry and scopes (never the token).
// docs/sign-in.md shows how to register the application this needs.
//
// Environment: OUTLOOK_CLIENT_ID (required); OUTLOOK_TENANT ("common" by default, or
// "organizations", "consumers", a tenant id or domain); OUTLOOK_AUTHORITY_HOST (default
// login.microsoftonline.com; national clouds have their own); OUTLOOK_SCOPES (default
// "https://graph.microsoft.com/.default offline_access"); OUTLOOK_REFRESH_TOKEN_FILE (a
// file to keep the refresh token in: read first to sign in without a prompt, rewritten
// when it changes, created readable by its owner only); OUTLOOK_CA_FILE (an extra CA).
//
#include <outlook/auth.hpp>
#include <outlook/beast_transport.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace auth = outlook::auth;

namespace {

std::string env(const char* name, std::string fallback = {}) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

void write_private_file(const std::string& path, const std::string& content) {
  const mode_t old = ::umask(077);  // a refresh token is a credential: owner-only
  std::ofstream(path, std::ios::trunc) << content << '\n';
  ::umask(old);
}

// snippet-begin: device-code
// Signs in with the device code flow: the user is told (on std::cerr by default) to open
// https://microsoft.com/devicelogin and enter a code; the provider polls until they have.
asio::awaitable<void> sign_in(outlook::transport_ptr transport, std::string client_id, std::string tenant,
                              std::string refresh_token_file) {
  auth::device_code_provider user(transport, {
      .authority = {.host = env("OUTLOOK_AUTHORITY_HOST", "login.microsoftonline.com"), .tenant = std::move(tenant)},
      .client_id = std::move(client_id),
      .scopes = split(env("OUTLOOK_SCOPES", "https://graph.microsoft.com/.default offline_access")),
      .refresh_token = refresh_token_file.empty() ? std::string{} : read_file(refresh_token_file),
      .on_refresh_token = [&](const std::string& fresh) {
        if (!refresh_token_file.empty()) write_private_file(refresh_token_file, fresh);
      }});

  const auth::access_token token = co_await user.token();  // the first call signs in

  // The provider is an outlook::token_provider: hand it to a client, which asks it for a
  // token before every request (cached until 5 minutes before expiry, then renewed with
  // the refresh token, without a prompt):
  //     outlook::graph::client client(transport, user, options);
  const auto left = std::chrono::duration_cast<std::chrono::minutes>(token.expires_at - std::chrono::steady_clock::now());
  const std::time_t at = std::chrono::system_clock::to_time_t(
      std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                             token.expires_at - std::chrono::steady_clock::now()));
  std::tm tm{};
  gmtime_r(&at, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
  std::cout << "signed in: the access token expires at " << when << " (in " << left.count() << " minutes)\n"
            << "scopes granted: " << (token.scope.empty() ? "(not stated)" : token.scope) << '\n'
            << (user.current_refresh_token().empty()
                    ? "no refresh token (ask for offline_access to get one)\n"
                    : (refresh_token_file.empty() ? "a refresh token was issued (set OUTLOOK_REFRESH_TOKEN_FILE to keep it)\n"
                                                  : "the refresh token is kept in " + refresh_token_file + "\n"));
}
// snippet-end: device-code

}  // namespace

int main() {
  const std::string client_id = env("OUTLOOK_CLIENT_ID");
  if (client_id.empty()) {
    std::cerr << "usage: OUTLOOK_CLIENT_ID=<application (client) id> [OUTLOOK_TENANT=common] sign_in\n"
                 "(docs/sign-in.md shows how to register an application)\n";
    return 2;
  }
  outlook::beast_transport_options transport_options;
  if (const std::string ca = env("OUTLOOK_CA_FILE"); !ca.empty()) transport_options.ca_file = ca;

  int rc = 0;
  asio::io_context ioc;
  try {
    auto transport = outlook::make_beast_transport(ioc.get_executor(), transport_options);
    const std::string tenant = env("OUTLOOK_TENANT", "common");
    const std::string refresh_token_file = env("OUTLOOK_REFRESH_TOKEN_FILE");
    asio::co_spawn(ioc, sign_in(transport, client_id, tenant, refresh_token_file),
                   [&](std::exception_ptr e) {
                     if (!e) return;
                     rc = 1;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& x) {  // auth_error, transport_error: no secret in what()
                       std::cerr << "sign_in: " << x.what() << '\n';
                     }
                   });
    transport.reset();  // the transport must go before the io_context
    ioc.run();
  } catch (const std::exception& e) {
    std::cerr << "sign_in: " << e.what() << '\n';
    return 1;
  }
  return rc;
}
