// The Graph twin of dozen_ops.cpp: it includes <outlook/graph.hpp> and calls the same dozen
// operations under the same names, as an application file would. bench/compile/run times it in
// the header-only mode and in the separate-compilation mode.
// SPDX-License-Identifier: BSL-1.0
#include <outlook/graph.hpp>

#include <string>

boost::asio::awaitable<std::string> dozen_operations(outlook::graph::client client) {
  auto me = client.me();
  std::string seen;
  outlook::graph::list_messages_options list;
  list.top = 10;
  auto page = co_await me.list_messages(outlook::graph::folder::inbox, list);
  for (const auto& m : page.value) seen += m->subject.value_or("");
  auto one = co_await me.get_message("AAMkAD1");
  outlook::graph::message_patch patch;
  patch.is_read(true);
  co_await me.update_message(one->id.value_or(""), patch);
  outlook::graph::message draft;
  draft.subject = "hello";
  auto created = co_await me.create_message(draft);
  co_await me.send_message(created->id.value_or(""));
  co_await me.reply("AAMkAD1", "thanks");
  auto moved = co_await me.move_message("AAMkAD1", "archive");
  co_await me.delete_message(moved->id.value_or(""));
  auto folders = co_await me.list_folders();
  auto attachments = co_await me.list_attachments("AAMkAD1");
  auto settings = co_await me.get_mailbox_settings();
  auto sync = co_await me.sync_messages(outlook::graph::folder::inbox);
  seen += std::to_string(folders.value.size() + attachments.value.size() + sync.changes.size());
  if (settings.time_zone) seen += *settings.time_zone;
  co_return seen;
}
