// The mailbox's entities besides messages and folders, kept in the store's entity table:
// master categories (Graph `outlook/masterCategories`), inbox rules
// (`mailFolders/inbox/messageRules`) and Focused Inbox overrides
// (`inferenceClassification/overrides`); and what rules and overrides do to a message
// delivered to the mailbox. Mail tips, which read the mailbox, are in mail_tips.hpp.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "mail_operations.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <span>
#include <string>

namespace outlook::server {

/// `rest` is what follows the collection's name (empty, or the entity's ID).
[[nodiscard]] http_response categories_resource(mail_context& ctx, std::span<const std::string> rest);
[[nodiscard]] http_response rules_resource(mail_context& ctx, std::span<const std::string> rest);
[[nodiscard]] http_response overrides_resource(mail_context& ctx, std::span<const std::string> rest);

/// Where a message delivered to a recipient's Inbox ends up.
struct delivery_outcome {
  std::string folder_id;  // the Inbox, or where a rule moved it
  bool dropped = false;   // a rule deleted it permanently
  std::vector<std::string> copy_to;  // folders a rule copies it into as well
};

/// Applies the recipient's Focused Inbox overrides (inferenceClassification by sender) and
/// then its enabled inbox rules, in sequence order, to a canonical message arriving in its
/// Inbox. Conditions read: fromAddresses, senderContains, subjectContains, bodyContains,
/// bodyOrSubjectContains, recipientContains, sentToAddresses, sentToMe, sentOnlyToMe,
/// sentCcMe, sentToOrCcMe, notSentToMe, hasAttachments, importance, withinSizeRange,
/// categories (all given must match; an exception that matches skips the rule). Actions:
/// moveToFolder, copyToFolder, delete, permanentDelete, markAsRead, markImportance,
/// assignCategories, stopProcessingRules.
[[nodiscard]] delivery_outcome apply_delivery_rules(store& db, const user_row& recipient, const std::string& inbox_id,
                                                    boost::json::object& message);

}  // namespace outlook::server
