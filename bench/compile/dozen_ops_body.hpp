// The dozen calls of the compile-time benchmark's user files, written once for both
// dialects: dozen_ops.cpp and dozen_ops_graph.cpp each include their dialect's umbrella,
// name its namespace `dialect`, then include this file, as if the function were theirs.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <string>

boost::asio::awaitable<std::string> dozen_operations(dialect::client client) {
  auto me = client.me();
  std::string seen;
  dialect::list_messages_options list;
  list.top = 10;
  auto page = co_await me.list_messages(dialect::folder::inbox, list);
  for (const auto& m : page.value) seen += m->subject.value_or("");
  auto one = co_await me.get_message("AAMkAD1");
  dialect::message_patch patch;
  patch.is_read(true);
  co_await me.update_message(one->id.value_or(""), patch);
  dialect::message draft;
  draft.subject = "hello";
  auto created = co_await me.create_message(draft);
  co_await me.send_message(created->id.value_or(""));
  co_await me.reply("AAMkAD1", "thanks");
  auto moved = co_await me.move_message("AAMkAD1", "archive");
  co_await me.delete_message(moved->id.value_or(""));
  auto folders = co_await me.list_folders();
  auto attachments = co_await me.list_attachments("AAMkAD1");
  auto settings = co_await me.get_mailbox_settings();
  auto sync = co_await me.sync_messages(dialect::folder::inbox);
  seen += std::to_string(folders.value.size() + attachments.value.size() + sync.changes.size());
  if (settings.time_zone) seen += *settings.time_zone;
  co_return seen;
}
