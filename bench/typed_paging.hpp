// outlook-mail benchmarks: the typed paging every paging figure and its smoke test run.
// SPDX-License-Identifier: BSL-1.0
//
// Pages through {mailbox}/messages with the generated pager (following @odata.nextLink),
// folding each typed message into a checksum (message_pages.hpp), for either client:
// outlook::mail::client (Outlook v2.0) or outlook::graph::client (Graph v1.0).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>

#include "message_pages.hpp"

namespace outlook_bench {

/// Reads every page of the chain the mailbox's messages start; returns how many pages.
template <class Mailbox>
boost::asio::awaitable<std::size_t> typed_paging(Mailbox me, checksum& sum) {
  std::size_t pages = 0;
  auto pager = me.list_messages_pages();
  while (auto page = co_await pager.next()) {
    for (const auto& m : page->value) checksum_typed(*m, sum);
    ++pages;
  }
  co_return pages;
}

}  // namespace outlook_bench
