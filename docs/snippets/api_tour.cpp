// The short snippets of README.md's "The API in short", compiled (not run) by CI: each
// README block is a region of this file (tests/docs/check_snippets.py compares them).
// SPDX-License-Identifier: BSL-1.0
#include <outlook/beast_transport.hpp>
#include <outlook/helpers/folders.hpp>
#include <outlook/helpers/odata.hpp>
#include <outlook/mail.hpp>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <iostream>
#include <string>

namespace asio = boost::asio;
namespace mail = outlook::mail;

void save(const std::string& name, const outlook::bytes& content);

void make_a_client(const std::string& token) {
  // snippet-begin: client
  asio::io_context ioc;
  outlook::beast_transport_options transport_options;
  transport_options.ca_file = "extra-ca.pem";                     // optional: a CA to trust besides the system's
  outlook::client_options client_options;
  client_options.base_url = "https://outlook.office.com/api/v2.0";  // the default
  mail::client client(outlook::make_beast_transport(ioc.get_executor(), transport_options),
                      outlook::fixed_token(token),  // or a coroutine that refreshes tokens
                      client_options);
  auto me = client.me();                        // /me/...
  auto alex = client.user("alex@contoso.com");  // /users/alex@contoso.com/...
  // snippet-end: client
  (void)me;
  (void)alex;
}

asio::awaitable<void> list_inbox(mail::client client, int page_size) {
  // snippet-begin: list-options
  mail::list_messages_options options;
  options.select = {mail::message::field::received_date_time, mail::message::field::from,
                    mail::message::field::subject, mail::message::field::is_read};  // a typo does not compile
  options.orderby = "ReceivedDateTime desc";
  options.top = page_size;
  options.prefer.body_content_type = outlook::body_content_type::text;
  auto pages = client.me().list_messages_pages(mail::folder::inbox, options);
  while (auto page = co_await pages.next())  // follows @odata.nextLink, same Prefer header
    for (const auto& m : page->value) std::cout << m->subject.value_or("") << '\n';
  // snippet-end: list-options
}

asio::awaitable<void> download(mail::mailbox me, std::string message_id) {
  // snippet-begin: attachments
  auto list = co_await me.list_attachments(message_id);
  for (const auto& a : list.value)
    if (const auto* file = a.as<mail::file_attachment>()) save(*file->name, *file->content_bytes);
  // snippet-end: attachments
}

asio::awaitable<void> patch(mail::mailbox me, std::string id) {
  // snippet-begin: patch
  co_await me.update_message(id, mail::message_patch{}.is_read(true).importance(mail::importance::high));
  // snippet-end: patch
}

asio::awaitable<void> sync(mail::client client, std::string folder, std::string saved_text,
                           void (*store)(const std::string&)) {
  // snippet-begin: sync
  mail::sync_messages_options options;
  options.state = outlook::sync_state::parse(saved_text);  // "" for a full round
  auto pages = client.me().sync_messages_pages(folder, options);
  while (auto page = co_await pages.next()) {
    for (const auto& change : page->changes)
      if (const auto* r = change.removal()) std::cout << "removed " << r->item_id() << '\n';
      else std::cout << (*change.item())->subject.value_or("") << '\n';
    store(pages.state().to_string());  // after every page
  }
  // snippet-end: sync
}

asio::awaitable<void> helpers(mail::mailbox me, std::string name_from_a_user) {
  // snippet-begin: quote
  mail::list_messages_options options;
  options.filter = "From/EmailAddress/Name eq " + outlook::odata::quote(name_from_a_user);  // O'Brien -> 'O''Brien'
  auto page = co_await me.list_messages(mail::folder::inbox, options);
  // snippet-end: quote
  (void)page;
  // snippet-begin: folders
  // Display names, '/' between levels, from the top of the tree; nullopt when missing.
  std::optional<outlook::poly<mail::mail_folder>> news = co_await outlook::find_folder(me, "Inbox/Newsletters");
  auto receipts = co_await outlook::find_folder(me, "Receipts");
  if (!receipts) receipts = co_await outlook::create_top_level_folder(me, "Receipts");  // next to Inbox
  // snippet-end: folders
  (void)news;
}

asio::awaitable<void> per_request(mail::mailbox me, std::string id, std::string etag) {
  // snippet-begin: per-request
  mail::update_message_options options;
  options.headers.add("If-Match", etag);
  options.prefer.extra = {"IdType=\"ImmutableId\""};
  options.timeout = std::chrono::seconds(30);
  outlook::response_info info;
  options.response = &info;                 // filled when the awaited call completes
  co_await me.update_message(id, mail::message_patch{}.is_read(true), options);
  // snippet-end: per-request
}

// docs/transport.md: a request raced against a timer; the loser is cancelled.
asio::awaitable<void> cancel_a_send(outlook::transport_ptr transport, outlook::http_request request) {
  using namespace std::chrono_literals;
  // snippet-begin: cancel-send
  using namespace boost::asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, 2s);
  auto result = co_await (transport->send(request) || timer.async_wait(asio::use_awaitable));
  // snippet-end: cancel-send
  (void)result;
}
