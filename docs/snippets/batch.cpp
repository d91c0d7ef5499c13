// The code of docs/batching.md, compiled (not run) by CI.
// SPDX-License-Identifier: BSL-1.0
#include <outlook/batch.hpp>
#include <outlook/graph.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace graph = outlook::graph;

asio::awaitable<void> mark_read(graph::mailbox me, std::vector<std::string> ids) {
  // snippet-begin: mark-read
  // 20 requests per batch at most: one batch per 20 IDs.
  for (std::size_t from = 0; from < ids.size(); from += outlook::json_batch_max_requests) {
    outlook::json_batch batch;
    std::vector<outlook::batch_item<outlook::poly<graph::message>>> items;
    const auto patch = graph::message_patch{}.is_read(true);
    for (std::size_t i = from; i < ids.size() && i < from + outlook::json_batch_max_requests; ++i)
      items.push_back(batch.add(me.update_message_request(ids[i], patch)));  // same arguments as update_message
    co_await batch.send();
    for (const auto& item : items) {
      if (item.ok()) continue;
      try {
        (void)item.get();  // rethrows this item's own error
      } catch (const outlook::api_error& e) {
        std::cerr << "item " << item.index() << ": HTTP " << e.status() << " " << e.code() << '\n';
      }
    }
  }
  // snippet-end: mark-read
}

asio::awaitable<void> copy_then_read(graph::mailbox me, std::string id) {
  // snippet-begin: depends-on
  outlook::json_batch batch;
  auto copied = batch.add(me.copy_message_request(id, "archive"));
  auto folder = batch.add(me.get_folder_request("archive"), {copied});  // runs after `copied`
  co_await batch.send();
  std::cout << copied.get()->id.value_or("") << " in " << folder.get()->display_name.value_or("") << '\n';
  // snippet-end: depends-on
}
