// The triage logic of docs/testing.md and the README's complete program: a user's own
// code, written against outlook::mail and tested against hand-written cassettes.
// SPDX-License-Identifier: BSL-1.0
// snippet-begin: header
#pragma once

#include <outlook/mail.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

struct unread_message {
  std::string subject;
  std::optional<outlook::date_time> received;
};

struct triage_result {
  std::vector<unread_message> unread;  // the unread messages of the Inbox, newest first
  std::string marked_read;             // the ID of the message marked read ("" if none)
  std::string newsletters_folder;      // the ID of the folder "Newsletters"
  int moved = 0;                       // messages moved there
};

/// Lists the unread mail of the Inbox, marks the newest read, and moves every message
/// from `newsletter_sender` to a top-level folder "Newsletters" (created when missing).
boost::asio::awaitable<triage_result> triage(outlook::mail::mailbox me, std::string newsletter_sender);

struct sync_summary {
  std::vector<std::string> changed;  // subjects of new or changed messages
  std::vector<std::string> removed;  // IDs of removed messages
};

/// One sync round of the Inbox from `saved_state` ("" the first time). After every page it
/// calls `save` with the state to keep; a round that fails half-way continues from there
/// when called again with the last saved state.
boost::asio::awaitable<sync_summary> sync_inbox(outlook::mail::mailbox me, std::string saved_state,
                                                std::function<void(const std::string&)> save);
// snippet-end: header
