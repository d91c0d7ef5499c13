// examples/support: where an example's access token comes from.
// SPDX-License-Identifier: BSL-1.0
//
// OUTLOOK_TOKEN, when set, is used as it is (an access token from anywhere). Otherwise,
// with OUTLOOK_CLIENT_ID set (an application registered as docs/sign-in.md shows), the
// example signs the user in with the device code flow, as examples/sign_in does: it prints
// a URL and a code, waits, and renews the token itself. OUTLOOK_TENANT ("common"),
// OUTLOOK_AUTHORITY_HOST, OUTLOOK_SCOPES and OUTLOOK_REFRESH_TOKEN_FILE (kept owner-only,
// so that the next run needs no prompt) mean what they mean for sign_in.
#pragma once

#include <outlook/auth.hpp>
#include <outlook/token.hpp>
#include <outlook/transport.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace examples {

inline std::string env_or(const char* name, std::string fallback = {}) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

/// Whether the environment says how to get a token (OUTLOOK_TOKEN or OUTLOOK_CLIENT_ID).
inline bool have_credentials() { return !env_or("OUTLOOK_TOKEN").empty() || !env_or("OUTLOOK_CLIENT_ID").empty(); }

/// The token provider the environment describes (see the top of this file).
inline outlook::token_provider token_from_environment(outlook::transport_ptr transport) {
  if (const std::string token = env_or("OUTLOOK_TOKEN"); !token.empty()) return outlook::fixed_token(token);
  std::vector<std::string> scopes;
  std::istringstream words(env_or("OUTLOOK_SCOPES", "https://graph.microsoft.com/.default offline_access"));
  for (std::string w; words >> w;) scopes.push_back(w);
  const std::string file = env_or("OUTLOOK_REFRESH_TOKEN_FILE");
  std::string saved;
  if (!file.empty()) {
    std::ifstream in(file);
    saved.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    while (!saved.empty() && (saved.back() == '\n' || saved.back() == '\r' || saved.back() == ' ')) saved.pop_back();
  }
  return outlook::auth::device_code_provider(
      std::move(transport),
      {.authority = {.host = env_or("OUTLOOK_AUTHORITY_HOST", "login.microsoftonline.com"),
                     .tenant = env_or("OUTLOOK_TENANT", "common")},
       .client_id = env_or("OUTLOOK_CLIENT_ID"),
       .scopes = std::move(scopes),
       .refresh_token = std::move(saved),
       .on_refresh_token = [file](const std::string& fresh) {
         if (file.empty()) return;
         const mode_t old = ::umask(077);  // a refresh token is a credential: owner-only
         std::ofstream(file, std::ios::trunc) << fresh << '\n';
         ::umask(old);
       }});
}

}  // namespace examples
