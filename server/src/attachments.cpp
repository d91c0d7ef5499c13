// Attachments and upload sessions (see attachments.hpp).
//
// SPDX-License-Identifier: BSL-1.0
#include "attachments.hpp"
#include "ascii.hpp"

#include "service_error.hpp"
#include "wire.hpp"

#include <outlook/base64.hpp>
#include <outlook/date_time.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

namespace outlook::server {
namespace {

namespace json = boost::json;

// The service takes attachments up to 3 MB in one POST; larger ones need an upload session,
// which takes up to 150 MB.
constexpr std::uint64_t max_post_attachment = 3 * 1024 * 1024;
constexpr std::uint64_t max_upload_attachment = 150ULL * 1024 * 1024;
constexpr auto upload_lifetime = std::chrono::minutes(15);

enum class kind { file, item, reference };

kind kind_of(const json::object& a) {
  const auto* t = a.if_contains("@odata.type");
  if (!t || !t->is_string())
    throw service_error(400, "ErrorInvalidRequest",
                        "An attachment needs an @odata.type: a file, item or reference attachment.");
  const std::string_view type = t->as_string();
  if (outlook::iequals(type, "#microsoft.graph.fileAttachment")) return kind::file;
  if (outlook::iequals(type, "#microsoft.graph.itemAttachment")) return kind::item;
  if (outlook::iequals(type, "#microsoft.graph.referenceAttachment")) return kind::reference;
  throw service_error(400, "ErrorInvalidRequest", "'" + std::string(type) + "' is not an attachment type.");
}

/// One attachment as the service stores it: ID, size, dates, defaults.
void normalize_one(mail_context& ctx, json::object& a) {
  const auto k = kind_of(a);
  const auto* name = a.if_contains("name");
  if (!name || !name->is_string() || name->as_string().empty())
    throw service_error(400, "ErrorInvalidRequest", "An attachment needs a name.");
  std::uint64_t size = 0;
  if (k == kind::file) {
    const auto* content = a.if_contains("contentBytes");
    if (!content || !content->is_string())
      throw service_error(400, "ErrorInvalidRequest", "A file attachment needs contentBytes (base64).");
    const auto bytes = outlook::base64_decode(content->as_string());
    if (!bytes) throw service_error(400, "RequestBodyRead", "The attachment's contentBytes is not valid base64.");
    size = bytes->size();
    if (!a.contains("contentType") || a["contentType"].is_null()) a["contentType"] = "application/octet-stream";
  } else if (k == kind::item) {
    const auto* item = a.if_contains("item");
    if (!item || !item->is_object()) throw service_error(400, "ErrorInvalidRequest", "An item attachment needs an item.");
    size = json::serialize(*item).size();
  } else {
    size = 0;  // a link: the content lives elsewhere
  }
  if (!a.contains("id") || !a["id"].is_string() || a["id"].as_string().empty()) a["id"] = new_id(ctx);
  a["size"] = size;
  if (!a.contains("isInline") || !a["isInline"].is_bool()) a["isInline"] = false;
  a["lastModifiedDateTime"] = now_text();
}

void update_has_attachments(json::object& m) {
  bool any = false;
  if (const auto* list = m.if_contains("attachments"); list && list->is_array())
    for (const auto& a : list->as_array())
      if (a.is_object())
        if (const auto* in = a.as_object().if_contains("isInline"); !in || !in->is_bool() || !in->as_bool()) any = true;
  m["hasAttachments"] = any;
}

json::array& attachments_of(message_row& m) {
  auto& v = m.json["attachments"];
  if (!v.is_array()) v = json::array();
  return v.as_array();
}

json::object* find_attachment(message_row& m, std::string_view id) {
  for (auto& a : attachments_of(m))
    if (a.is_object())
      if (const auto* aid = a.as_object().if_contains("id"); aid && aid->is_string() && aid->as_string() == id)
        return &a.as_object();
  return nullptr;
}

json::object render(const mail_context& ctx, const json::object& canonical, bool with_item) {
  json::object a = canonical;
  if (!with_item) a.erase("item");
  return attachment_to_wire(a, ctx.d);
}

bool expands_item(const mail_context& ctx) {
  return std::any_of(ctx.query.expand.begin(), ctx.query.expand.end(), [](const std::string& e) {
    return outlook::iequals(e, "item") || lower(e).ends_with("/item");
  });
}

http_response attachment_value(const json::object& a) {
  if (kind_of(a) != kind::file)
    throw service_error(400, "ErrorInvalidRequest", "Only a file attachment has raw content ($value).");
  const auto bytes = outlook::base64_decode(a.at("contentBytes").as_string()).value_or(outlook::bytes{});
  http_response r;
  r.status = 200;
  const auto* type = a.if_contains("contentType");
  r.headers.add("Content-Type", type && type->is_string() ? std::string(type->as_string()) : "application/octet-stream");
  r.body.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return r;
}

/// POST {message}/attachments/createUploadSession (Graph).
http_response create_upload_session(mail_context& ctx, const message_row& m) {
  if (ctx.d != dialect::graph_v1)
    throw service_error(400, "BadRequest", "Resource not found for the segment 'createUploadSession'.");
  if (!ctx.uploads) throw service_error(500, "ErrorInternalServerError", "Upload sessions are not available.");
  if (!ctx.body.is_object()) throw service_error(400, "RequestBodyRead", "The request needs a JSON object as its body.");
  const json::value* item = nullptr;
  for (const auto& [k, v] : ctx.body.as_object())
    if (outlook::iequals(k, "attachmentItem")) item = &v;
  if (!item || !item->is_object())
    throw service_error(400, "ErrorInvalidRequest", "The parameter 'AttachmentItem' is missing.");
  auto canonical = canonical_keys(*item).as_object();
  if (const auto* t = canonical.if_contains("attachmentType"); t && !(t->is_string() && outlook::iequals(t->as_string(), "file")))
    throw service_error(400, "ErrorInvalidRequest", "Only file attachments can be uploaded in a session.");
  const auto* name = canonical.if_contains("name");
  if (!name || !name->is_string() || name->as_string().empty())
    throw service_error(400, "ErrorInvalidRequest", "The attachment item needs a name.");
  const auto* size = canonical.if_contains("size");
  if (!size || !size->is_number() || !size->is_int64() || size->as_int64() <= 0)
    throw service_error(400, "ErrorInvalidRequest", "The attachment item needs a positive size.");
  if (static_cast<std::uint64_t>(size->as_int64()) > max_upload_attachment)
    throw service_error(400, "ErrorAttachmentSizeLimitExceeded", "An attachment can be at most 150 MB.");

  upload_sessions::session s;
  s.secret = new_id(ctx).substr(4);
  s.mailbox = ctx.mailbox.id;
  s.mailbox_address = ctx.mailbox.address;
  s.message = m.id;
  s.total = static_cast<std::uint64_t>(size->as_int64());
  s.expires = std::chrono::system_clock::now() + upload_lifetime;
  s.item = json::object{{"@odata.type", "#microsoft.graph.fileAttachment"},
                        {"name", *name},
                        {"contentType", canonical.contains("contentType") ? canonical.at("contentType") : json::value("application/octet-stream")},
                        {"isInline", canonical.contains("isInline") ? canonical.at("isInline") : json::value(false)}};
  if (const auto* cid = canonical.if_contains("contentId")) s.item["contentId"] = *cid;
  const std::string session_id = new_id(ctx).substr(4);
  const auto expires = std::chrono::time_point_cast<outlook::ticks>(std::chrono::floor<std::chrono::seconds>(s.expires));
  const std::string url = ctx.origin + "/uploads/" + session_id + "?authtoken=" + s.secret;
  ctx.uploads->open.emplace(session_id, std::move(s));
  return json_response(201, json::object{{"@odata.context", ctx.origin + ctx.base + "/$metadata#microsoft.graph.uploadSession"},
                                         {"uploadUrl", url},
                                         {"expirationDateTime", outlook::format_date_time(expires)},
                                         {"nextExpectedRanges", json::array{"0-"}}});
}

/// "bytes 0-99/1000" -> {0, 99, 1000}.
std::optional<std::array<std::uint64_t, 3>> parse_content_range(std::string_view v) {
  if (!v.starts_with("bytes ")) return std::nullopt;
  v.remove_prefix(6);
  std::array<std::uint64_t, 3> out{};
  const char* p = v.data();
  const char* end = v.data() + v.size();
  for (std::size_t i = 0; i < 3; ++i) {
    auto [next, ec] = std::from_chars(p, end, out[i]);
    if (ec != std::errc{}) return std::nullopt;
    p = next;
    if (i < 2) {
      if (p == end || *p != (i == 0 ? '-' : '/')) return std::nullopt;
      ++p;
    }
  }
  if (p != end || out[0] > out[1]) return std::nullopt;
  return out;
}

http_response upload_error(int status, const std::string& code, const std::string& message) {
  return json_response(status, json::object{{"error", json::object{{"code", code}, {"message", message}}}});
}

}  // namespace

void normalize_attachments(mail_context& ctx, json::object& message) {
  auto* list = message.if_contains("attachments");
  if (!list) return;
  if (list->is_null()) {
    message.erase("attachments");
    update_has_attachments(message);
    return;
  }
  if (!list->is_array()) throw service_error(400, "RequestBodyRead", "Attachments must be an array.");
  for (auto& a : list->as_array()) {
    if (!a.is_object()) throw service_error(400, "RequestBodyRead", "Each attachment must be a JSON object.");
    normalize_one(ctx, a.as_object());
  }
  update_has_attachments(message);
}

http_response attachments_resource(mail_context& ctx, message_row m, std::span<const std::string> rest) {
  if (rest.empty()) {
    if (ctx.method == "GET") {
      json::array value;
      for (const auto& a : attachments_of(m))
        if (a.is_object()) value.push_back(render(ctx, a.as_object(), false));
      return json_response(200, json::object{{"@odata.context", ctx.origin + ctx.base + "/$metadata#attachments"},
                                             {"value", std::move(value)}});
    }
    if (ctx.method == "POST") {
      if (!ctx.body.is_object()) throw service_error(400, "RequestBodyRead", "The request needs a JSON object as its body.");
      auto a = attachment_from_wire(ctx.body, ctx.d);
      a.erase("id");
      normalize_one(ctx, a);
      if (a.at("size").as_uint64() > max_post_attachment)
        throw service_error(413, "ErrorRequestEntityTooLarge",
                            "An attachment larger than 3 MB must be uploaded through an upload session.");
      attachments_of(m).push_back(a);
      update_has_attachments(m.json);
      touch(ctx, m.json);
      store::transaction tx(ctx.db);
      ctx.db.update_message(m, m.folder);
      tx.commit();
      return json_response(201, render(ctx, a, true));
    }
    throw service_error(405, "ErrorInvalidRequest", "The OData request is not supported: " + ctx.method + " " + ctx.path + ".");
  }
  if (rest.size() == 1 && outlook::iequals(rest[0], "createUploadSession") && ctx.method == "POST")
    return create_upload_session(ctx, m);
  auto* a = find_attachment(m, rest[0]);
  if (!a) throw service_error(404, "ErrorItemNotFound", "The attachment was not found.");
  if (rest.size() == 2 && outlook::iequals(rest[1], "$value") && ctx.method == "GET") return attachment_value(*a);
  if (rest.size() != 1) throw service_error(400, "BadRequest", "Resource not found for the segment '" + rest[1] + "'.");
  if (ctx.method == "GET") return json_response(200, render(ctx, *a, expands_item(ctx)));
  if (ctx.method == "DELETE") {
    auto& list = attachments_of(m);
    list.erase(std::remove_if(list.begin(), list.end(), [&](const json::value& v) { return &v.as_object() == a; }),
               list.end());
    update_has_attachments(m.json);
    touch(ctx, m.json);
    store::transaction tx(ctx.db);
    ctx.db.update_message(m, m.folder);
    tx.commit();
    return empty_response(204);
  }
  throw service_error(405, "ErrorInvalidRequest", "The OData request is not supported: " + ctx.method + " " + ctx.path + ".");
}

http_response upload_request(store& db, upload_sessions& uploads, const http_request& request,
                             std::string_view session_id, std::string_view query_string, std::string_view origin,
                             std::mt19937_64& random) {
  if (request.headers.get("Authorization"))
    return upload_error(400, "InvalidRequest",
                        "An upload URL is pre-authenticated: send no Authorization header with it.");
  std::string token;
  for (const auto& [name, value] : odata::parse_query(query_string).raw)
    if (outlook::iequals(name, "authtoken")) token = value;
  auto it = uploads.open.find(std::string(session_id));
  if (it != uploads.open.end() && std::chrono::system_clock::now() > it->second.expires) {
    uploads.open.erase(it);
    it = uploads.open.end();
  }
  if (it == uploads.open.end())
    return upload_error(404, "ErrorItemNotFound", "The upload session does not exist or has expired.");
  auto& s = it->second;
  if (token != s.secret) return upload_error(401, "InvalidAuthenticationToken", "The upload URL's token is not valid.");
  if (request.method == "DELETE") {
    uploads.open.erase(it);
    return empty_response(204);
  }
  if (request.method != "PUT") return upload_error(405, "ErrorInvalidRequest", "An upload URL takes PUT or DELETE.");

  const auto next_expected = [&] {
    return json::object{{"expirationDateTime", outlook::format_date_time(std::chrono::time_point_cast<outlook::ticks>(
                                                   std::chrono::floor<std::chrono::seconds>(s.expires)))},
                        {"nextExpectedRanges", json::array{std::to_string(s.received.size()) + "-"}}};
  };
  const auto range = parse_content_range(request.headers.get("Content-Range").value_or(""));
  if (!range) return upload_error(400, "InvalidContentRange", "Content-Range must be 'bytes FIRST-LAST/TOTAL'.");
  const auto [first, last, total] = *range;
  if (total != s.total)
    return upload_error(400, "InvalidContentRange", "The total size differs from the session's attachment size.");
  if (last >= total) return upload_error(416, "InvalidContentRange", "The range ends past the attachment's size.");
  if (request.body.size() != last - first + 1)
    return upload_error(400, "InvalidContentRange", "The body's length differs from the Content-Range.");
  if (first > s.received.size()) {
    auto r = json_response(416, json::object{{"error", json::object{{"code", "InvalidContentRange"},
                                                                     {"message", "Ranges must be uploaded in order."}}}});
    return r;
  }
  // A range sent again (its answer was lost) adds only what was not acknowledged yet.
  const std::uint64_t have = s.received.size();
  if (last + 1 > have) s.received.append(request.body, static_cast<std::size_t>(have - first), std::string::npos);
  s.expires = std::chrono::system_clock::now() + upload_lifetime;
  if (s.received.size() < s.total) return json_response(200, next_expected());

  // The last range: the attachment is stored with its message in one transaction.
  mail_context ctx{db, random};
  auto user = db.find_user(s.mailbox);
  if (!user) return upload_error(404, "ErrorItemNotFound", "The mailbox no longer exists.");
  ctx.mailbox = *user;
  auto m = db.message_by_id(user->id, s.message);
  if (!m) {
    uploads.open.erase(it);
    return upload_error(404, "ErrorItemNotFound", "The message no longer exists.");
  }
  json::object a = s.item;
  a["contentBytes"] = outlook::base64_encode(outlook::bytes(reinterpret_cast<const std::byte*>(s.received.data()),
                                                           reinterpret_cast<const std::byte*>(s.received.data()) + s.received.size()));
  normalize_one(ctx, a);
  attachments_of(*m).push_back(a);
  update_has_attachments(m->json);
  touch(ctx, m->json);
  store::transaction tx(db);
  db.update_message(*m, m->folder);
  tx.commit();
  http_response r = empty_response(201);
  r.headers.add("Location", std::string(origin) + "/api/v2.0/Users('" + user->id + "')/Messages('" + m->id +
                                "')/Attachments('" + std::string(a.at("id").as_string()) + "')");
  uploads.open.erase(it);
  return r;
}

}  // namespace outlook::server
