// The mail operations over the store, for both dialects: messages, folders, sending,
// replies and forwards, moves and copies, change tracking. service.cpp has done the
// path's prefix, authentication and the mailbox; dispatch() routes what follows.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "odata.hpp"
#include "store.hpp"
#include "wire.hpp"

#include <outlook/http.hpp>

#include <boost/json/value.hpp>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace outlook::server {

struct time_zone;

struct prefer_options {
  std::optional<long> max_page_size;
  bool body_text = false;
  bool track_changes = false;
  bool immutable_id = false;  // Graph: IdType="ImmutableId", IDs that survive moves
  std::string time_zone;                 // outlook.timezone, as sent
  const outlook::server::time_zone* zone = nullptr;  // ... found in the table (service.cpp checks it)
};

class upload_sessions;

struct mail_context {
  mail_context(store& s, std::mt19937_64& r) : db(s), random(r) {}
  store& db;
  std::mt19937_64& random;
  dialect d = dialect::graph_v1;
  std::string origin;   // "https://127.0.0.1:PORT"
  std::string base;     // "/api/v2.0" or "/v1.0"
  std::string path;     // the request's path, as sent
  user_row mailbox;     // whose mailbox the request acts on
  std::vector<std::string> segments;  // after me / users/{id}
  std::string method;
  odata::query query;
  prefer_options prefer;
  boost::json::value body;  // null when the request has none
  upload_sessions* uploads = nullptr;  // the service's open upload sessions
};

[[nodiscard]] http_response dispatch(mail_context& ctx);

// Shared with attachments.cpp.
[[nodiscard]] std::string new_id(mail_context& ctx);  // an item ID of the service's form
[[nodiscard]] std::string now_text();                 // now, as the service writes date-times
void touch(mail_context& ctx, boost::json::object& m);  // new lastModifiedDateTime and changeKey
[[nodiscard]] http_response json_response(int status, const boost::json::value& body);
[[nodiscard]] http_response empty_response(int status);
/// Converts the dateTimeTimeZone values of a canonical object to the zone of the request's
/// `Prefer: outlook.timezone`, when it has one.
void apply_time_zone(const mail_context& ctx, boost::json::object& canonical);
/// The message of the context's mailbox (400 ErrorInvalidIdMalformed, 404 ErrorItemNotFound).
[[nodiscard]] message_row resolve_message(mail_context& ctx, std::string_view id);

/// A page of `items` with $top/$skip/$count and @odata.nextLink, as message lists get.
[[nodiscard]] http_response page_of(mail_context& ctx, std::vector<boost::json::object> items, std::string_view context_name);
/// 405 ErrorInvalidRequest naming the method and path.
[[noreturn]] void method_not_supported(const mail_context& ctx);
/// "<origin><base>/$metadata#<what>", for @odata.context.
[[nodiscard]] std::string metadata_url(const mail_context& ctx, std::string_view what);
/// 400 RequestBodyRead unless the body is a JSON object.
void require_object_body(const mail_context& ctx);
/// The context mailbox's settings over the service's defaults (canonical JSON).
[[nodiscard]] boost::json::object current_mailbox_settings(mail_context& ctx);

/// Users, app tokens, well-known folders, seeded folders and messages (one transaction).
void seed_mailboxes(mail_context& ctx, const boost::json::value& seed);

}  // namespace outlook::server
