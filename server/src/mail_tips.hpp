// Mail tips (Graph `POST getMailTips`, Outlook beta `POST GetMailTips`): what a sender
// should know about recipients before sending, read from the recipients' mailboxes.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "mail_operations.hpp"

namespace outlook::server {

/// Answers `{EmailAddresses: [...], MailTipsOptions: "automaticReplies, mailboxFullStatus"}`
/// with one mailTips entry per address, holding only the tips asked for:
/// automaticReplies (the recipient's automatic reply when it is on now: alwaysEnabled, or
/// scheduled with now inside the window), mailboxFullStatus (stored bytes against the
/// seed's quota_bytes), externalMemberCount, totalMemberCount, recipientScope,
/// maxMessageSize, customMailTip, deliveryRestriction, moderationStatus. An address of a
/// local domain that names no user gets an entry with an `error` instead.
[[nodiscard]] http_response mail_tips(mail_context& ctx);

}  // namespace outlook::server
