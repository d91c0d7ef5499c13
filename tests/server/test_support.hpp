// Helpers of the server tests: a seed of two users, a client per token over HTTPS.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <outlook/beast_transport.hpp>
#include <outlook/mail.hpp>
#include <outlook/server/mail_server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <filesystem>
#include <string>

namespace server_tests {

/// Two users (Adele, Alex), an app token, and five messages in Adele's Inbox.
inline std::string two_user_seed() {
  return R"({
  "users": [
    { "address": "adele@contoso.example", "display_name": "Adele Vance", "token": "adele-token" },
    { "address": "alex@contoso.example",  "display_name": "Alex Wilber", "token": "alex-token" }
  ],
  "app_tokens": ["app-token"],
  "mailboxes": {
    "adele@contoso.example": {
      "folders":  [ { "display_name": "Projects", "parent": "inbox" }, { "display_name": "Q3", "parent": "Projects" } ],
      "messages": [
        { "folder": "inbox", "message": { "subject": "Welcome", "importance": "low", "receivedDateTime": "2026-01-01T09:00:00Z",
          "from": { "emailAddress": { "name": "Alex Wilber", "address": "alex@contoso.example" } }, "isRead": false,
          "body": { "contentType": "html", "content": "<p>Welcome <b>aboard</b></p>" } } },
        { "folder": "inbox", "message": { "Subject": "Budget review", "Importance": "High", "ReceivedDateTime": "2026-01-03T09:00:00Z",
          "From": { "EmailAddress": { "Name": "Megan Bowen", "Address": "megan@contoso.example" } }, "IsRead": true,
          "ToRecipients": [ { "EmailAddress": { "Address": "adele@contoso.example" } } ],
          "CcRecipients": [ { "EmailAddress": { "Address": "alex@contoso.example" } } ] } },
        { "folder": "inbox", "message": { "subject": "Lunch", "importance": "normal", "receivedDateTime": "2026-01-02T12:00:00Z",
          "from": { "emailAddress": { "address": "alex@contoso.example" } }, "isRead": false,
          "body": { "contentType": "text", "content": "Pizza at noon?" } } },
        { "folder": "inbox", "message": { "subject": "Budget approved", "importance": "high", "receivedDateTime": "2026-01-04T09:00:00Z",
          "from": { "emailAddress": { "address": "megan@contoso.example" } }, "isRead": false } },
        { "folder": "inbox", "message": { "subject": "Newsletter", "importance": "low", "receivedDateTime": "2026-01-05T09:00:00Z",
          "from": { "emailAddress": { "address": "news@fabrikam.example" } }, "isRead": true } },
        { "folder": "Q3", "message": { "subject": "Q3 plan", "from": { "emailAddress": { "address": "alex@contoso.example" } } } }
      ]
    }
  }
})";
}

/// Runs an awaitable on `ioc` to completion and returns its result (rethrows its exception).
template <class T>
T run(boost::asio::io_context& ioc, boost::asio::awaitable<T> aw) {
  auto future = boost::asio::co_spawn(ioc, std::move(aw), boost::asio::use_future);
  ioc.restart();
  while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) ioc.run_one();
  return future.get();
}

/// A client of one dialect-v2.0 mailbox over HTTPS, trusting the server's certificate.
class client_set {
 public:
  client_set(const std::string& origin, const std::filesystem::path& ca, std::string_view api = "/api/v2.0")
      : transport_(outlook::make_beast_transport(ioc.get_executor(), {.ca_file = ca})),
        base_(origin + std::string(api)) {}

  outlook::mail::client client(const std::string& token) { return make_client<outlook::mail::client>(token, base_); }

  /// A client of either dialect (outlook::mail::client, outlook::graph::client) on `api`
  /// ("/api/v2.0", "/v1.0") of the same server, over the same transport.
  template <class Client>
  Client client_of(const std::string& token, std::string_view api) {
    return make_client<Client>(token, origin() + std::string(api));
  }

  /// A raw request through the same transport (for what the typed client does not send).
  outlook::http_response raw(std::string method, const std::string& path_and_query, const std::string& token,
                             std::string body = {}, outlook::http_headers extra = {}) {
    outlook::http_request r;
    r.method = std::move(method);
    r.url = origin() + path_and_query;
    if (!token.empty()) r.headers.add("Authorization", "Bearer " + token);
    for (const auto& [k, v] : extra) r.headers.add(k, v);
    if (!body.empty()) r.headers.add("Content-Type", "application/json");
    r.body = std::move(body);
    return run(ioc, transport_->send(std::move(r)));
  }

  boost::asio::io_context ioc;

 private:
  template <class Client>
  Client make_client(const std::string& token, const std::string& base) {
    outlook::client_options options;
    options.base_url = base;
    options.retry.enabled = false;  // each request once: the tests count what the server answers
    return Client(transport_, outlook::fixed_token(token), options);
  }

  [[nodiscard]] std::string origin() const { return base_.substr(0, base_.find('/', 8)); }
  std::shared_ptr<outlook::beast_transport> transport_;
  std::string base_;
};

}  // namespace server_tests
