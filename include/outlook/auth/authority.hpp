// outlook-mail: where the Microsoft identity platform's v2.0 endpoints are.
//
//     https://{host}/{tenant}/oauth2/v2.0/token
//     https://{host}/{tenant}/oauth2/v2.0/devicecode
//
// `host` is login.microsoftonline.com for the global cloud; national clouds have their
// own (login.microsoftonline.us for US Government, login.partner.microsoftonline.cn for
// China operated by 21Vianet). `tenant` is "common" (work or school and personal
// accounts), "organizations", "consumers", a tenant id (GUID) or a verified domain.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "outlook/error.hpp"

#include <string>
#include <string_view>

namespace outlook::auth {

struct authority {
  /// Host name, optionally with ":port" (tests point it at a loopback server).
  std::string host = "login.microsoftonline.com";
  std::string tenant = "common";

  /// The token endpoint. Throws outlook::request_refused when host or tenant cannot be
  /// part of a URL (empty, or holding '/', '?', '#', '@', spaces, ...).
  [[nodiscard]] std::string token_url() const { return base() + "/oauth2/v2.0/token"; }
  /// The device authorization endpoint (same checks).
  [[nodiscard]] std::string device_code_url() const { return base() + "/oauth2/v2.0/devicecode"; }

  /// Whether `tenant` names one tenant (client credentials need one; "common",
  /// "organizations" and "consumers" name many).
  [[nodiscard]] bool single_tenant() const {
    return tenant != "common" && tenant != "organizations" && tenant != "consumers";
  }

 private:
  static bool plain(std::string_view s, bool allow_colon) {
    if (s.empty()) return false;
    for (char c : s) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || (allow_colon && c == ':');
      if (!ok) return false;
    }
    return true;
  }
  [[nodiscard]] std::string base() const {
    if (!plain(host, true)) throw request_refused("outlook::auth: the authority host \"" + host + "\" is not a host name");
    if (!plain(tenant, false)) throw request_refused("outlook::auth: the tenant \"" + tenant + "\" is not a tenant id or name");
    return "https://" + host + "/" + tenant;
  }
};

}  // namespace outlook::auth
