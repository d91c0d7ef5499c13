// A server with the two-user seed and a v2.0 client per token, shared by the test files.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

namespace server_tests {

struct fixture {
  outlook::server::mail_server server{{.seed_json = two_user_seed()}};
  std::filesystem::path ca = server.write_certificate(std::filesystem::temp_directory_path() /
                                                      ("outlook-server-test-" + std::to_string(server.port()) + ".pem"));
  client_set clients{server.origin(), ca};
  outlook::mail::client adele = clients.client("adele-token");
  outlook::mail::client alex = clients.client("alex-token");
  outlook::mail::client app = clients.client("app-token");

  ~fixture() { std::filesystem::remove(ca); }

  template <class T>
  T go(boost::asio::awaitable<T> aw) {
    return run(clients.ioc, std::move(aw));
  }

  std::vector<outlook::mail::message> inbox(outlook::mail::client& c, outlook::mail::list_messages_options o = {}) {
    if (!o.top) o.top = 50;
    auto page = go(c.me().list_messages(outlook::mail::folder::inbox, o));
    std::vector<outlook::mail::message> out;
    for (auto& m : page.value) out.push_back(*m);
    return out;
  }

  template <class Call>
  outlook::api_error expect_api_error(Call call) {
    try {
      call();
    } catch (const outlook::api_error& e) {
      return e;
    }
    FAIL("no api_error was thrown");
    throw std::logic_error("unreachable");
  }
};

inline std::vector<std::string> subjects(const std::vector<outlook::mail::message>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(m.subject.value_or(""));
  return out;
}

inline outlook::mail::message outgoing(std::string subject, std::vector<std::string> to, std::vector<std::string> cc = {},
                                       std::vector<std::string> bcc = {}) {
  namespace mail = outlook::mail;
  mail::message m;
  m.subject = std::move(subject);
  m.body = mail::item_body{.content_type = mail::body_type::html, .content = "<p>Hello</p>"};
  auto list = [](const std::vector<std::string>& addresses) {
    std::vector<mail::recipient> out;
    for (const auto& a : addresses) out.push_back(mail::recipient{.email_address = mail::email_address{.address = a}});
    return out;
  };
  m.to_recipients = list(to);
  m.cc_recipients = list(cc);
  m.bcc_recipients = list(bcc);
  return m;
}

}  // namespace server_tests
