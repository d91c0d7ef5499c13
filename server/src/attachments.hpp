// Attachments of messages (file, item and reference kinds, both dialects) and Graph's
// upload sessions for large file attachments.
//
// An attachment is kept inside its message's canonical JSON ("attachments", each with a
// Graph-spelled "@odata.type"), so that copies, moves, deliveries and forwards carry them
// and one transaction covers the message and its attachments. An upload session lives in
// memory until its last range arrives (then the attachment is stored in one transaction);
// a restarted server has forgotten its open sessions, as an expired session would be.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "mail_operations.hpp"

#include <chrono>
#include <map>
#include <span>
#include <string>

namespace outlook::server {

/// The open upload sessions of one server, by session ID.
class upload_sessions {
 public:
  struct session {
    std::string secret;          // the upload URL's authtoken
    std::string mailbox;         // user id
    std::string mailbox_address;
    std::string message;         // message id
    boost::json::object item;    // canonical file attachment without contentBytes
    std::uint64_t total = 0;
    std::string received;        // the bytes so far, in order
    std::chrono::system_clock::time_point expires;
  };
  std::map<std::string, session> open;
};

/// Fills in what the service sets on each attachment of a canonical message (ID, size,
/// lastModifiedDateTime, isInline) and the message's hasAttachments; 400 for an attachment
/// the service would refuse (no @odata.type, contentBytes that are not base64, ...).
void normalize_attachments(mail_context& ctx, boost::json::object& message);

/// {message}/attachments[/{id}[/$value | /createUploadSession]]; `rest` follows "attachments".
[[nodiscard]] http_response attachments_resource(mail_context& ctx, message_row message, std::span<const std::string> rest);

/// A request to an upload URL (/uploads/{session}?authtoken=...): PUT a range, DELETE to cancel.
/// No Authorization header: the URL is the credential.
[[nodiscard]] http_response upload_request(store& db, upload_sessions& uploads, const http_request& request,
                                           std::string_view session_id, std::string_view query_string,
                                           std::string_view origin, std::mt19937_64& random);

}  // namespace outlook::server
