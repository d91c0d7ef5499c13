// The triage logic (see triage.hpp); shown in README.md.
// SPDX-License-Identifier: BSL-1.0
// snippet-begin: triage
#include "triage.hpp"

#include <outlook/helpers/folders.hpp>  // find_folder, create_top_level_folder
#include <outlook/helpers/odata.hpp>    // odata::quote

namespace asio = boost::asio;
namespace mail = outlook::mail;

asio::awaitable<triage_result> triage(mail::mailbox me, std::string newsletter_sender) {
  triage_result result;

  // Options are built in a variable: GCC 12 rejects a braced list inside a co_await
  // expression ("array used as initializer").
  mail::list_messages_options unread;
  unread.select = {mail::message::field::subject, mail::message::field::received_date_time};
  unread.filter = "IsRead eq false";
  unread.orderby = "ReceivedDateTime desc";
  unread.top = 25;
  auto page = co_await me.list_messages(mail::folder::inbox, unread);
  for (const auto& m : page.value)  // an outlook::poly<message>: -> reads the message
    result.unread.push_back({m->subject.value_or("(no subject)"), m->received_date_time});

  if (!page.value.empty() && page.value.front()->id) {
    result.marked_read = *page.value.front()->id;
    co_await me.update_message(result.marked_read, mail::message_patch{}.is_read(true));  // sends {"IsRead":true}
  }

  auto folder = co_await outlook::find_folder(me, "Newsletters");
  if (!folder) folder = co_await outlook::create_top_level_folder(me, "Newsletters");
  result.newsletters_folder = (*folder)->id.value_or("");

  mail::list_messages_options from_sender;
  from_sender.select = {mail::message::field::id};
  from_sender.filter = "From/EmailAddress/Address eq " + outlook::odata::quote(newsletter_sender);
  std::vector<std::string> ids;
  auto pages = me.list_messages_pages(mail::folder::inbox, from_sender);
  while (auto p = co_await pages.next())  // follows @odata.nextLink
    for (const auto& m : p->value) ids.push_back(m->id.value_or(""));
  for (const auto& id : ids) {  // moved after listing: moving while paging would shift the pages
    co_await me.move_message(id, result.newsletters_folder);
    ++result.moved;
  }
  co_return result;
}

asio::awaitable<sync_summary> sync_inbox(mail::mailbox me, std::string saved_state,
                                         std::function<void(const std::string&)> save) {
  mail::sync_messages_options options;
  options.select = {mail::message::field::subject};
  options.state = outlook::sync_state::parse(saved_state);  // "" starts a full round
  sync_summary summary;
  auto pages = me.sync_messages_pages(mail::folder::inbox, options);
  while (auto page = co_await pages.next()) {
    for (const auto& change : page->changes) {
      if (const auto* removal = change.removal()) summary.removed.push_back(removal->item_id());
      else summary.changed.push_back((*change.item())->subject.value_or(""));
    }
    save(pages.state().to_string());  // after every page, so a failed round resumes here
  }
  co_return summary;
}
// snippet-end: triage
