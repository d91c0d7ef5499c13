// Messages and folders over the store (see mail_operations.hpp).
//
// SPDX-License-Identifier: BSL-1.0
#include "mail_operations.hpp"
#include "ascii.hpp"

#include "attachments.hpp"
#include "mail_tips.hpp"
#include "mailbox_entities.hpp"
#include "message_text.hpp"
#include "service_error.hpp"
#include "time_zones.hpp"

#include <outlook/date_time.hpp>
#include <outlook/detail/percent.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <span>

namespace outlook::server {
namespace {

namespace json = boost::json;

// ---- small helpers --------------------------------------------------------------------

std::string random_chars(std::mt19937_64& random, std::size_t n) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += alphabet[random() % alphabet.size()];
  return out;
}

}  // namespace

std::string new_id(mail_context& ctx) { return "AAMk" + random_chars(ctx.random, 44); }

namespace {

bool well_formed_id(std::string_view id) {
  if (id.size() < 8 || !(id.starts_with("AAMk") || id.starts_with("AQMk"))) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '+' || c == '/' || c == '=';
  });
}

}  // namespace

std::string now_text() {
  // Milliseconds, as the service writes them: messages sent in the same second still sort.
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  return outlook::format_date_time(std::chrono::time_point_cast<outlook::ticks>(now));
}

namespace {

/// A member of an object, by name case-insensitively (request bodies come in either spelling).
const json::value* member(const json::object& o, std::string_view name) {
  for (const auto& [k, value] : o)
    if (outlook::iequals(k, name)) return &value;
  return nullptr;
}
const json::value* member(const json::value& v, std::string_view name) {
  return v.is_object() ? member(v.as_object(), name) : nullptr;
}

template <class JsonObjectOrValue>
std::string string_member(const JsonObjectOrValue& v, std::string_view name) {
  const auto* m = member(v, name);
  return m && m->is_string() ? std::string(m->as_string()) : std::string();
}

}  // namespace

http_response json_response(int status, const json::value& body) {
  http_response r;
  r.status = status;
  r.headers.add("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8");
  r.body = json::serialize(body);
  return r;
}

http_response empty_response(int status) {
  http_response r;
  r.status = status;
  return r;
}

namespace {

[[noreturn]] void not_found() {
  throw service_error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
}

[[noreturn]] void not_supported(const mail_context& ctx) {
  throw service_error(405, "ErrorInvalidRequest",
                      "The OData request is not supported: " + ctx.method + " " + ctx.path + ".");
}

void require_body_object(const mail_context& ctx) {
  if (!ctx.body.is_object()) throw service_error(400, "RequestBodyRead", "The request needs a JSON object as its body.");
}

// ---- well-known folders ---------------------------------------------------------------

struct well_known_folder {
  std::string_view name;          // lower case
  std::string_view display_name;
};
constexpr std::array<well_known_folder, 8> well_known_folders{{
    {"msgfolderroot", "Top of Information Store"},
    {"inbox", "Inbox"},
    {"drafts", "Drafts"},
    {"sentitems", "Sent Items"},
    {"deleteditems", "Deleted Items"},
    {"junkemail", "Junk Email"},
    {"outbox", "Outbox"},
    {"archive", "Archive"},
}};

void make_well_known_folders(mail_context& ctx, const user_row& user) {
  std::string root_id;
  for (const auto& wk : well_known_folders) {
    if (ctx.db.folder_by_well_known(user.id, wk.name)) continue;
    folder_row f{new_id(ctx), user.id, wk.name == "msgfolderroot" ? "" : root_id, std::string(wk.name),
                 std::string(wk.display_name), 0};
    ctx.db.insert_folder(f);
    if (wk.name == "msgfolderroot") root_id = f.id;
  }
}

folder_row well_known(mail_context& ctx, std::string_view name) {
  auto f = ctx.db.folder_by_well_known(ctx.mailbox.id, name);
  if (!f) throw service_error(500, "ErrorInternalServerError", "The mailbox has no " + std::string(name) + " folder.");
  return *f;
}

/// A folder by well-known name (any case) or ID.
folder_row resolve_folder(mail_context& ctx, std::string_view id_or_name) {
  if (auto f = ctx.db.folder_by_well_known(ctx.mailbox.id, id_or_name)) return *f;
  if (!well_formed_id(id_or_name)) throw service_error(400, "ErrorInvalidIdMalformed", "Id is malformed.");
  if (auto f = ctx.db.folder_by_id(ctx.mailbox.id, id_or_name)) return *f;
  not_found();
}

}  // namespace

void apply_time_zone(const mail_context& ctx, json::object& canonical) {
  if (!ctx.prefer.zone) return;
  json::value v(std::move(canonical));
  convert_date_time_zones(v, *ctx.prefer.zone, ctx.prefer.time_zone);
  canonical = std::move(v.as_object());
}

message_row resolve_message(mail_context& ctx, std::string_view id) {
  if (!well_formed_id(id)) throw service_error(400, "ErrorInvalidIdMalformed", "Id is malformed.");
  if (auto m = ctx.db.message_by_id(ctx.mailbox.id, id)) return *m;
  throw service_error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
}

namespace {

// ---- rendering ------------------------------------------------------------------------

json::object canonical_of(const message_row& m) {
  json::object o = m.json;
  o["id"] = m.id;
  o["parentFolderId"] = m.folder;
  return o;
}

bool selected(const std::vector<std::string>& select, std::string_view key) {
  if (select.empty() || key.starts_with("@") || outlook::iequals(key, "id")) return true;
  return std::any_of(select.begin(), select.end(), [&](const std::string& s) { return outlook::iequals(s, key); });
}

std::string entity_link(const mail_context& ctx, std::string_view set, std::string_view id) {
  const std::string users = ctx.d == dialect::outlook_v2 ? "Users" : "users";
  return ctx.origin + ctx.base + "/" + users + "('" + ctx.mailbox.id + "')/" + std::string(set) + "('" +
         std::string(id) + "')";
}

bool expands_attachments(const mail_context& ctx) {
  return std::any_of(ctx.query.expand.begin(), ctx.query.expand.end(),
                     [](const std::string& e) { return outlook::iequals(e, "attachments"); });
}

json::object render_message(const mail_context& ctx, const message_row& m, const std::vector<std::string>& select) {
  json::object o = canonical_of(m);
  // Attachments are a navigation property: shown with $expand=attachments, never otherwise.
  if (expands_attachments(ctx)) {
    if (auto* list = o.if_contains("attachments"); list && list->is_array())
      for (auto& a : list->as_array())
        if (a.is_object()) a.as_object().erase("item");  // an item attachment's item needs its own $expand
  } else {
    o.erase("attachments");
  }
  if (ctx.prefer.body_text) body_as_text(o);
  apply_time_zone(ctx, o);
  json::object wire = message_to_wire(o, ctx.d);
  json::object out;
  out["@odata.id"] = entity_link(ctx, ctx.d == dialect::outlook_v2 ? "Messages" : "messages", m.id);
  if (const auto* ck = member(o, "changeKey"); ck && ck->is_string())
    out["@odata.etag"] = "W/\"" + std::string(ck->as_string()) + "\"";
  for (auto& [k, v] : wire)
    if (selected(select, k) || (outlook::iequals(k, "attachments") && expands_attachments(ctx))) out[k] = std::move(v);
  return out;
}

json::object render_folder(const mail_context& ctx, const folder_row& f) {
  const auto counts = ctx.db.folder_counts(f.id);
  json::object o{{"id", f.id},
                 {"displayName", f.display_name},
                 {"parentFolderId", f.parent},
                 {"childFolderCount", counts.children},
                 {"unreadItemCount", counts.unread},
                 {"totalItemCount", counts.total}};
  json::object wire = folder_to_wire(o, ctx.d);
  json::object out;
  out["@odata.id"] = entity_link(ctx, ctx.d == dialect::outlook_v2 ? "MailFolders" : "mailFolders", f.id);
  for (auto& [k, v] : wire)
    if (selected(ctx.query.select, k)) out[k] = std::move(v);
  return out;
}

std::string context_url(const mail_context& ctx, std::string_view what) {
  return ctx.origin + ctx.base + "/$metadata#" + std::string(what);
}

/// The request's URL with the query rebuilt: every option except those named in `drop`,
/// then `extra` (name, value) pairs.
std::string link_with(const mail_context& ctx, std::initializer_list<std::string_view> drop,
                      const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string q;
  auto add = [&](std::string_view name, std::string_view value) {
    q += q.empty() ? "?" : "&";
    q += outlook::detail::percent_encode_query_value(name);
    q += '=';
    q += outlook::detail::percent_encode_query_value(value);
  };
  for (const auto& [name, value] : ctx.query.raw) {
    std::string key = lower(name);
    if (!key.empty() && key[0] == '$') key.erase(0, 1);
    if (std::any_of(drop.begin(), drop.end(), [&](std::string_view d) { return key == d; })) continue;
    add(name, value);
  }
  for (const auto& [name, value] : extra) add(name, value);
  return ctx.origin + ctx.path + q;
}

// ---- new messages ---------------------------------------------------------------------

constexpr std::array<std::string_view, 20> read_only_message_properties{"attachments",
    "id", "changeKey", "createdDateTime", "lastModifiedDateTime", "receivedDateTime", "sentDateTime", "bodyPreview",
    "uniqueBody", "hasAttachments", "parentFolderId", "conversationId", "isDraft", "webLink", "internetMessageHeaders",
    "conversationIndex", "unsubscribeData", "unsubscribeEnabled", "mentionsPreview", "conversationIndex"};

bool is_read_only(std::string_view key) {
  return std::any_of(read_only_message_properties.begin(), read_only_message_properties.end(),
                     [&](std::string_view p) { return outlook::iequals(p, key); });
}

/// The service's defaults for a new message, overlaid with `given` (canonical).
json::object new_message(mail_context& ctx, const json::object& given, bool draft) {
  const std::string now = now_text();
  json::object m{{"createdDateTime", now},
                 {"lastModifiedDateTime", now},
                 {"changeKey", random_chars(ctx.random, 28)},
                 {"categories", json::array()},
                 {"receivedDateTime", now},
                 {"sentDateTime", now},
                 {"hasAttachments", false},
                 {"internetMessageId", "<" + random_chars(ctx.random, 24) + "@outlook-mail.local>"},
                 {"subject", ""},
                 {"importance", "normal"},
                 {"conversationId", "AAQk" + random_chars(ctx.random, 40)},
                 {"isDeliveryReceiptRequested", false},
                 {"isReadReceiptRequested", false},
                 {"isRead", draft},
                 {"isDraft", draft},
                 {"inferenceClassification", "focused"},
                 {"body", json::object{{"contentType", "text"}, {"content", ""}}},
                 {"toRecipients", json::array()},
                 {"ccRecipients", json::array()},
                 {"bccRecipients", json::array()},
                 {"replyTo", json::array()},
                 {"flag", json::object{{"flagStatus", "notFlagged"}}}};
  for (const auto& [k, v] : given) {
    if (k == "id" || k == "parentFolderId" || k.starts_with("@")) continue;
    m[k] = v;
  }
  if (!given.contains("bodyPreview")) m["bodyPreview"] = body_preview(m);
  normalize_attachments(ctx, m);
  m["webLink"] = "https://outlook.office.com/owa/?ItemID=" + random_chars(ctx.random, 16) + "&exvsurl=1";
  return m;
}

}  // namespace

void touch(mail_context& ctx, json::object& m) {
  m["lastModifiedDateTime"] = now_text();
  m["changeKey"] = random_chars(ctx.random, 28);
}

namespace {

json::object email_of(const user_row& u) {
  return {{"emailAddress", json::object{{"name", u.display_name}, {"address", u.address}}}};
}

// ---- sending --------------------------------------------------------------------------

std::vector<std::string> recipient_addresses(const json::object& m) {
  std::vector<std::string> out;
  for (const char* list : {"toRecipients", "ccRecipients", "bccRecipients"}) {
    const auto* l = odata::lookup(m, list);
    if (!l || !l->is_array()) continue;
    for (const auto& r : l->as_array()) {
      const auto* a = r.is_object() ? odata::lookup(r.as_object(), "emailAddress/address") : nullptr;
      if (a && a->is_string()) out.emplace_back(a->as_string());
    }
  }
  return out;
}

/// Sends a canonical message from the context's mailbox: a copy in its Sent Items when
/// `save`, and one in the Inbox of every local recipient. Part of the caller's transaction.
void deliver(mail_context& ctx, json::object m, bool save) {
  const auto addresses = recipient_addresses(m);
  if (addresses.empty()) throw service_error(400, "ErrorInvalidRecipients", "At least one recipient is not valid.");
  const std::string now = now_text();
  if (!m.contains("from") || m["from"].is_null()) m["from"] = email_of(ctx.mailbox);
  m["sender"] = email_of(ctx.mailbox);
  m["sentDateTime"] = now;
  m["receivedDateTime"] = now;
  m["isDraft"] = false;
  touch(ctx, m);
  if (save) {
    json::object sent = m;
    sent["isRead"] = true;
    message_row row{new_id(ctx), ctx.mailbox.id, well_known(ctx, "sentitems").id, std::move(sent), 0};
    ctx.db.insert_message(row);
  }
  std::vector<std::string> delivered;
  for (const auto& address : addresses) {
    auto user = ctx.db.find_user(address);
    if (!user || std::find(delivered.begin(), delivered.end(), user->id) != delivered.end()) continue;
    delivered.push_back(user->id);
    auto inbox = ctx.db.folder_by_well_known(user->id, "inbox");
    if (!inbox) continue;
    json::object copy = m;
    copy["isRead"] = false;
    copy["bccRecipients"] = json::array();  // recipients do not see the Bcc line
    copy["createdDateTime"] = now;
    copy["changeKey"] = random_chars(ctx.random, 28);
    // The recipient's Focused Inbox overrides and inbox rules decide where it goes.
    const auto outcome = apply_delivery_rules(ctx.db, *user, inbox->id, copy);
    for (const auto& folder : outcome.copy_to) {
      message_row extra{new_id(ctx), user->id, folder, copy, 0};
      ctx.db.insert_message(extra);
    }
    if (outcome.dropped || outcome.folder_id.empty()) continue;
    message_row row{new_id(ctx), user->id, outcome.folder_id, std::move(copy), 0};
    ctx.db.insert_message(row);
  }
}

// ---- listing --------------------------------------------------------------------------

long page_size(const mail_context& ctx) {
  long n = 10;
  if (ctx.query.top) n = static_cast<long>(*ctx.query.top);
  if (ctx.prefer.max_page_size) n = *ctx.prefer.max_page_size;
  return std::clamp(n, 1L, 1000L);
}

http_response respond_page(mail_context& ctx, std::vector<json::object> items, std::string_view context_name) {
  json::object out;
  out["@odata.context"] = context_url(ctx, context_name);
  if (ctx.query.count) out["@odata.count"] = items.size();
  const std::size_t skip = static_cast<std::size_t>(std::min<std::int64_t>(ctx.query.skip, static_cast<std::int64_t>(items.size())));
  const std::size_t size = static_cast<std::size_t>(page_size(ctx));
  const std::size_t end = std::min(items.size(), skip + size);
  json::array value;
  for (std::size_t i = skip; i < end; ++i) value.push_back(std::move(items[i]));
  out["value"] = std::move(value);
  if (end < items.size()) out["@odata.nextLink"] = link_with(ctx, {"skip"}, {{"$skip", std::to_string(end)}});
  auto r = json_response(200, out);
  if (ctx.prefer.max_page_size) r.headers.add("Preference-Applied", "odata.maxpagesize=" + std::to_string(*ctx.prefer.max_page_size));
  return r;
}

http_response sync_messages(mail_context& ctx, const folder_row& folder);

http_response list_messages(mail_context& ctx, const std::optional<folder_row>& folder) {
  if (ctx.prefer.track_changes && folder) return sync_messages(ctx, *folder);
  std::optional<odata::filter> f;
  if (ctx.query.filter_text) f.emplace(*ctx.query.filter_text);
  odata::check_combination(ctx.query, f ? &*f : nullptr);
  std::vector<message_row> rows = ctx.db.messages(ctx.mailbox.id, folder ? folder->id : "");
  std::vector<json::object> items;
  std::vector<json::object> canon;
  for (const auto& row : rows) {
    auto c = canonical_of(row);
    if (f && !f->matches(c)) continue;
    if (ctx.query.search && !odata::search_matches(c, *ctx.query.search)) continue;
    canon.push_back(std::move(c));
  }
  std::vector<odata::order_key> order = ctx.query.orderby;
  if (order.empty()) order.push_back({"receivedDateTime", true});
  std::stable_sort(canon.begin(), canon.end(), [&](const json::object& a, const json::object& b) {
    for (const auto& k : order) {
      const int c = odata::compare_values(odata::lookup(a, k.path), odata::lookup(b, k.path));
      if (c != 0) return k.descending ? c > 0 : c < 0;
    }
    return false;
  });
  for (auto& c : canon) {
    message_row r{std::string(c["id"].as_string()), ctx.mailbox.id, std::string(c["parentFolderId"].as_string()), c, 0};
    items.push_back(render_message(ctx, r, ctx.query.select));
  }
  return respond_page(ctx, std::move(items), ctx.d == dialect::outlook_v2 ? "Me/Messages" : "users('" + ctx.mailbox.id + "')/messages");
}

// ---- change tracking ------------------------------------------------------------------

/// Delta and skip tokens carry the change sequence (and, for a skip token, the offset
/// inside the round). "d<seq>" and "s<seq>.<round start seq>.<offset>".
struct sync_state {
  std::int64_t since = 0;   // changes after this sequence
  std::int64_t upto = 0;    // ... up to this one (the round's snapshot)
  std::size_t offset = 0;
};

sync_state read_token(const mail_context& ctx) {
  auto bad = [] {
    return service_error(410, "SyncStateNotFound", "The sync state is invalid or has expired; start a full round.");
  };
  sync_state st;
  st.upto = ctx.db.current_seq();
  try {
    if (ctx.query.skip_token) {
      const auto& t = *ctx.query.skip_token;
      const auto a = t.find('.');
      const auto b = t.find('.', a + 1);
      if (t.size() < 2 || t[0] != 's' || a == std::string::npos || b == std::string::npos) throw bad();
      st.since = std::stoll(t.substr(1, a - 1));
      st.upto = std::stoll(t.substr(a + 1, b - a - 1));
      st.offset = std::stoul(t.substr(b + 1));
    } else if (ctx.query.delta_token) {
      const auto& t = *ctx.query.delta_token;
      if (t.size() < 2 || t[0] != 'd') throw bad();
      st.since = std::stoll(t.substr(1));
    }
  } catch (const std::logic_error&) {  // stoll/stoul
    throw bad();
  }
  if (st.since < 0 || st.since > st.upto || st.upto > ctx.db.current_seq()) throw bad();
  return st;
}

/// One page of a change-tracking round over `entries`: a skip token inside the round, the
/// delta link on its last page.
http_response respond_delta(mail_context& ctx, std::vector<json::object> entries, const sync_state& st,
                            const std::string& context_name) {
  const std::size_t size = static_cast<std::size_t>(ctx.prefer.max_page_size ? *ctx.prefer.max_page_size
                                                                             : (ctx.query.top ? *ctx.query.top : 10));
  const std::size_t begin = std::min(st.offset, entries.size());
  const std::size_t end = std::min(entries.size(), begin + std::max<std::size_t>(size, 1));
  json::object out;
  out["@odata.context"] = context_url(ctx, context_name);
  json::array value;
  for (std::size_t i = begin; i < end; ++i) value.push_back(std::move(entries[i]));
  out["value"] = std::move(value);
  const bool graph = ctx.d == dialect::graph_v1;
  if (end < entries.size()) {
    const std::string token = "s" + std::to_string(st.since) + "." + std::to_string(st.upto) + "." + std::to_string(end);
    out["@odata.nextLink"] = link_with(ctx, {"skiptoken", "deltatoken"}, {{"$skiptoken", token}});
  } else {
    out["@odata.deltaLink"] = link_with(ctx, {"skiptoken", "deltatoken"}, {{"$deltatoken", "d" + std::to_string(st.upto)}});
  }
  auto r = json_response(200, out);
  if (!graph) r.headers.add("Preference-Applied", "odata.track-changes");
  return r;
}

http_response sync_messages(mail_context& ctx, const folder_row& folder) {
  const sync_state st = read_token(ctx);
  // Entries: messages changed in (since, upto], then removals in the same window.
  std::vector<json::object> entries;
  for (const auto& row : ctx.db.messages(ctx.mailbox.id, folder.id)) {
    if (row.seq <= st.since || row.seq > st.upto) continue;
    entries.push_back(render_message(ctx, row, ctx.query.select));
  }
  // A full round (no token) lists what is there; removals only matter after a token.
  for (const auto& gone : st.since == 0 ? std::vector<removal_row>{} : ctx.db.removals_since(folder.id, st.since)) {
    if (gone.seq > st.upto) continue;
    // Moved back (reported as present above), unless it now lives elsewhere under the
    // same (immutable) ID.
    if (auto still = ctx.db.message_by_id(ctx.mailbox.id, gone.id); still && still->folder == folder.id) continue;
    if (ctx.d == dialect::outlook_v2) {
      entries.push_back(json::object{{"@odata.type", "#Microsoft.OutlookServices.Message"},
                                     {"id", "Messages('" + gone.id + "')"},
                                     {"reason", "deleted"}});
    } else {
      entries.push_back(json::object{{"@odata.type", "#microsoft.graph.message"},
                                     {"id", gone.id},
                                     {"@removed", json::object{{"reason", "deleted"}}}});
    }
  }
  return respond_delta(ctx, std::move(entries), st, "Me/MailFolders('" + folder.id + "')/Messages/$delta");
}

/// The hierarchy of the mailbox's folders (v2.0 MailFolders with odata.track-changes, Graph
/// mailFolders/delta): folders created, renamed or moved since the token, and deleted ones.
http_response sync_folders(mail_context& ctx) {
  const sync_state st = read_token(ctx);
  std::vector<json::object> entries;
  for (const auto& f : ctx.db.all_folders(ctx.mailbox.id)) {
    if (f.well_known == "msgfolderroot" || f.seq <= st.since || f.seq > st.upto) continue;
    entries.push_back(render_folder(ctx, f));
  }
  for (const auto& gone : st.since == 0 ? std::vector<removal_row>{} : ctx.db.removals_since(store::folder_removals(ctx.mailbox.id), st.since)) {
    if (gone.seq > st.upto || ctx.db.folder_by_id(ctx.mailbox.id, gone.id)) continue;
    if (ctx.d == dialect::outlook_v2)
      entries.push_back(json::object{{"@odata.type", "#Microsoft.OutlookServices.MailFolder"},
                                     {"id", "MailFolders('" + gone.id + "')"},
                                     {"reason", "deleted"}});
    else
      entries.push_back(json::object{{"@odata.type", "#microsoft.graph.mailFolder"},
                                     {"id", gone.id},
                                     {"@removed", json::object{{"reason", "deleted"}}}});
  }
  return respond_delta(ctx, std::move(entries), st, "Me/MailFolders/$delta");
}

// ---- message operations ---------------------------------------------------------------

http_response create_message(mail_context& ctx, const folder_row& folder) {
  require_body_object(ctx);
  auto given = message_from_wire(ctx.body, ctx.d);
  store::transaction tx(ctx.db);
  message_row row{new_id(ctx), ctx.mailbox.id, folder.id, new_message(ctx, given, true), 0};
  row.json["sentDateTime"] = nullptr;
  ctx.db.insert_message(row);
  tx.commit();
  return json_response(201, render_message(ctx, row, {}));
}

http_response update_message(mail_context& ctx, message_row m) {
  require_body_object(ctx);
  for (const auto& [k, v] : ctx.body.as_object()) {
    (void)v;
    if (!k.starts_with("@") && is_read_only(k))
      throw service_error(400, "ErrorInvalidPropertySet", "The property '" + std::string(k) + "' is read-only and cannot be set.");
  }
  const auto patch = message_from_wire(ctx.body, ctx.d);
  for (const auto& [k, v] : patch) {
    if (k.starts_with("@")) continue;
    if (v.is_null()) m.json.erase(k);
    else m.json[k] = v;
  }
  if (patch.contains("body")) m.json["bodyPreview"] = body_preview(m.json);
  touch(ctx, m.json);
  store::transaction tx(ctx.db);
  ctx.db.update_message(m, m.folder);
  tx.commit();
  return json_response(200, render_message(ctx, m, {}));
}

/// Moves (new ID, removal in the old folder) or copies a message into `dest`. On Graph
/// with Prefer IdType="ImmutableId" a move keeps the ID (a copy is a new item either way).
message_row move_or_copy(mail_context& ctx, const message_row& m, const folder_row& dest, bool move) {
  const bool keep_id = move && ctx.d == dialect::graph_v1 && ctx.prefer.immutable_id;
  message_row copy{keep_id ? m.id : new_id(ctx), ctx.mailbox.id, dest.id, m.json, 0};
  touch(ctx, copy.json);
  if (move) ctx.db.delete_message(m);
  ctx.db.insert_message(copy);
  return copy;
}

folder_row destination(mail_context& ctx) {
  require_body_object(ctx);
  const auto id = string_member(ctx.body, "destinationId");
  if (id.empty()) throw service_error(400, "ErrorInvalidRequest", "The parameter 'DestinationId' is missing.");
  return resolve_folder(ctx, id);
}

http_response delete_message(mail_context& ctx, const message_row& m) {
  store::transaction tx(ctx.db);
  // As on the service, a deleted message goes to Deleted Items; from there it is gone.
  const auto deleted = well_known(ctx, "deleteditems");
  if (m.folder == deleted.id) ctx.db.delete_message(m);
  else (void)move_or_copy(ctx, m, deleted, true);
  tx.commit();
  return empty_response(204);
}

std::vector<std::string> addresses_of(const json::value* list) {
  std::vector<std::string> out;
  if (!list || !list->is_array()) return out;
  for (const auto& r : list->as_array()) {
    const auto* a = r.is_object() ? odata::lookup(r.as_object(), "emailAddress/address") : nullptr;
    if (a && a->is_string()) out.push_back(lower(a->as_string()));
  }
  return out;
}

/// The recipients of a reply (or reply-all) to `original`, as the service picks them.
void reply_recipients(const mail_context& ctx, const json::object& original, bool all, json::object& reply) {
  json::array to;
  json::array cc;
  std::vector<std::string> seen{lower(ctx.mailbox.address)};
  auto add = [&](json::array& list, const json::value& r) {
    const auto* a = r.is_object() ? odata::lookup(r.as_object(), "emailAddress/address") : nullptr;
    if (!a || !a->is_string()) return;
    const auto l = lower(a->as_string());
    if (std::find(seen.begin(), seen.end(), l) != seen.end()) return;
    seen.push_back(l);
    list.push_back(r);
  };
  const auto* reply_to = odata::lookup(original, "replyTo");
  if (reply_to && reply_to->is_array() && !reply_to->as_array().empty()) {
    for (const auto& r : reply_to->as_array()) add(to, r);
  } else if (const auto* from = odata::lookup(original, "from"); from && from->is_object()) {
    // Replying to one's own sent message goes to its recipients instead.
    const auto* a = odata::lookup(from->as_object(), "emailAddress/address");
    if (a && a->is_string() && outlook::iequals(a->as_string(), ctx.mailbox.address)) {
      if (const auto* l = odata::lookup(original, "toRecipients"); l && l->is_array())
        for (const auto& r : l->as_array()) add(to, r);
    } else {
      add(to, *from);
    }
  }
  if (all) {
    if (const auto* l = odata::lookup(original, "toRecipients"); l && l->is_array())
      for (const auto& r : l->as_array()) add(to, r);
    if (const auto* l = odata::lookup(original, "ccRecipients"); l && l->is_array())
      for (const auto& r : l->as_array()) add(cc, r);
  }
  reply["toRecipients"] = std::move(to);
  reply["ccRecipients"] = std::move(cc);
}

/// reply, replyall, forward (sent at once) and createreply, createreplyall, createforward
/// (a draft in Drafts, returned).
http_response respond_to(mail_context& ctx, const message_row& original, std::string_view action) {
  const bool draft = action.starts_with("create");
  const auto kind = draft ? action.substr(6) : action;
  const bool forward = kind == "forward";
  const json::value empty = json::object();
  const json::value& body = ctx.body.is_object() ? ctx.body : empty;
  const std::string comment = string_member(body, "comment");

  json::object given;
  if (const auto* m = member(body, "message"); m && m->is_object()) given = message_from_wire(*m, ctx.d);
  json::object reply;
  reply["subject"] = prefixed_subject(forward ? "FW:" : "RE:", string_member(original.json, "subject"));
  reply["body"] = quoted_body(original.json, comment);
  if (const auto* c = original.json.if_contains("conversationId")) reply["conversationId"] = *c;
  if (forward) {
    if (const auto* to = member(body, "toRecipients")) reply["toRecipients"] = canonical_keys(*to);
    if (const auto* a = original.json.if_contains("attachments")) reply["attachments"] = *a;  // a forward carries them
  } else {
    reply_recipients(ctx, original.json, kind == "replyall", reply);
  }
  for (const auto& [k, v] : given) reply[k] = v;
  store::transaction tx(ctx.db);
  if (draft) {
    message_row row{new_id(ctx), ctx.mailbox.id, well_known(ctx, "drafts").id, new_message(ctx, reply, true), 0};
    row.json["from"] = email_of(ctx.mailbox);
    row.json["sentDateTime"] = nullptr;
    ctx.db.insert_message(row);
    tx.commit();
    return json_response(201, render_message(ctx, row, {}));
  }
  if (forward && addresses_of(member(body, "toRecipients")).empty() && !given.contains("toRecipients"))
    throw service_error(400, "ErrorInvalidRecipients", "At least one recipient is not valid.");
  deliver(ctx, new_message(ctx, reply, false), true);
  tx.commit();
  return empty_response(202);
}

http_response send_draft(mail_context& ctx, const message_row& m) {
  const auto* draft = m.json.if_contains("isDraft");
  if (!draft || !draft->is_bool() || !draft->as_bool())
    throw service_error(400, "ErrorInvalidOperation", "Only a draft message can be sent.");
  store::transaction tx(ctx.db);
  deliver(ctx, m.json, true);
  ctx.db.delete_message(m);
  tx.commit();
  return empty_response(202);
}

http_response send_mail(mail_context& ctx) {
  require_body_object(ctx);
  const auto* message = member(ctx.body, "message");
  if (!message) throw service_error(400, "RequestBodyRead", "The parameter 'Message' is missing.");
  const auto given = message_from_wire(*message, ctx.d);
  bool save = true;
  if (const auto* s = member(ctx.body, "saveToSentItems")) {
    if (s->is_bool()) save = s->as_bool();
    else if (s->is_string()) save = !outlook::iequals(s->as_string(), "false");
    else if (!s->is_null()) throw service_error(400, "RequestBodyRead", "SaveToSentItems must be a boolean.");
  }
  store::transaction tx(ctx.db);
  deliver(ctx, new_message(ctx, given, false), save);
  tx.commit();
  return empty_response(202);
}

http_response message_item(mail_context& ctx, std::string_view id, std::span<const std::string> rest) {
  auto m = resolve_message(ctx, id);
  if (rest.empty()) {
    if (ctx.method == "GET") return json_response(200, render_message(ctx, m, ctx.query.select));
    if (ctx.method == "PATCH") return update_message(ctx, std::move(m));
    if (ctx.method == "DELETE") return delete_message(ctx, m);
    not_supported(ctx);
  }
  const std::string action = lower(rest[0]);
  if (action == "attachments") return attachments_resource(ctx, std::move(m), rest.subspan(1));
  if (rest.size() == 1 && ctx.method == "POST") {
    if (action == "send") return send_draft(ctx, m);
    if (action == "reply" || action == "replyall" || action == "forward" || action == "createreply" ||
        action == "createreplyall" || action == "createforward")
      return respond_to(ctx, m, action);
    if (action == "move" || action == "copy") {
      const auto dest = destination(ctx);
      store::transaction tx(ctx.db);
      auto row = move_or_copy(ctx, m, dest, action == "move");
      tx.commit();
      return json_response(201, render_message(ctx, row, {}));
    }
    if (action == "permanentdelete" && ctx.d == dialect::graph_v1) {
      store::transaction tx(ctx.db);
      ctx.db.delete_message(m);
      tx.commit();
      return empty_response(204);
    }
  }
  throw service_error(400, "BadRequest", "Resource not found for the segment '" + rest[0] + "'.");
}

// ---- folders --------------------------------------------------------------------------

http_response list_folders(mail_context& ctx, const folder_row& parent) {
  std::vector<json::object> items;
  for (const auto& f : ctx.db.child_folders(ctx.mailbox.id, parent.id)) items.push_back(render_folder(ctx, f));
  return respond_page(ctx, std::move(items), ctx.d == dialect::outlook_v2 ? "Me/MailFolders" : "users('" + ctx.mailbox.id + "')/mailFolders");
}

http_response create_folder(mail_context& ctx, const folder_row& parent) {
  require_body_object(ctx);
  const auto name = string_member(ctx.body, "displayName");
  if (name.empty()) throw service_error(400, "ErrorInvalidRequest", "The parameter 'DisplayName' is missing or empty.");
  for (const auto& sibling : ctx.db.child_folders(ctx.mailbox.id, parent.id))
    if (outlook::iequals(sibling.display_name, name))
      throw service_error(409, "ErrorFolderExists", "A folder with the specified name already exists.");
  store::transaction tx(ctx.db);
  folder_row f{new_id(ctx), ctx.mailbox.id, parent.id, "", name, 0};
  ctx.db.insert_folder(f);
  tx.commit();
  return json_response(201, render_folder(ctx, f));
}

bool is_within(mail_context& ctx, const folder_row& f, const std::string& ancestor) {
  std::string id = f.id;
  for (int guard = 0; guard < 1000 && !id.empty(); ++guard) {
    if (id == ancestor) return true;
    auto row = ctx.db.folder_by_id(ctx.mailbox.id, id);
    if (!row) return false;
    id = row->parent;
  }
  return false;
}

void copy_folder_tree(mail_context& ctx, const folder_row& source, const std::string& parent, folder_row& out) {
  out = folder_row{new_id(ctx), ctx.mailbox.id, parent, "", source.display_name, 0};
  ctx.db.insert_folder(out);
  for (const auto& m : ctx.db.messages(ctx.mailbox.id, source.id)) {
    message_row copy{new_id(ctx), ctx.mailbox.id, out.id, m.json, 0};
    ctx.db.insert_message(copy);
  }
  for (const auto& child : ctx.db.child_folders(ctx.mailbox.id, source.id)) {
    folder_row ignored;
    copy_folder_tree(ctx, child, out.id, ignored);
  }
}

http_response folder_item(mail_context& ctx, folder_row f, std::span<const std::string> rest) {
  if (rest.empty()) {
    if (ctx.method == "GET") return json_response(200, render_folder(ctx, f));
    if (ctx.method == "PATCH") {
      require_body_object(ctx);
      for (const auto& [k, v] : ctx.body.as_object()) {
        if (k.starts_with("@")) continue;
        if (!outlook::iequals(k, "displayName"))
          throw service_error(400, "ErrorInvalidPropertySet", "The property '" + std::string(k) + "' cannot be set on a folder.");
        if (!v.is_string() || v.as_string().empty())
          throw service_error(400, "ErrorInvalidRequest", "DisplayName must be a non-empty string.");
        f.display_name = std::string(v.as_string());
      }
      store::transaction tx(ctx.db);
      ctx.db.update_folder(f);
      tx.commit();
      return json_response(200, render_folder(ctx, f));
    }
    if (ctx.method == "DELETE") {
      if (!f.well_known.empty())
        throw service_error(400, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.");
      store::transaction tx(ctx.db);
      ctx.db.delete_folder(f);
      tx.commit();
      return empty_response(204);
    }
    not_supported(ctx);
  }
  const std::string what = lower(rest[0]);
  if (what == "messagerules" && f.well_known == "inbox") return rules_resource(ctx, rest.subspan(1));
  if (what == "childfolders" && rest.size() == 1) {
    if (ctx.method == "GET") return list_folders(ctx, f);
    if (ctx.method == "POST") return create_folder(ctx, f);
    not_supported(ctx);
  }
  if (what == "messages") {
    if (rest.size() == 1) {
      if (ctx.method == "GET") return list_messages(ctx, f);
      if (ctx.method == "POST") return create_message(ctx, f);
      not_supported(ctx);
    }
    if (rest.size() == 2 && outlook::iequals(rest[1], "delta") && ctx.method == "GET") {
      if (ctx.d != dialect::graph_v1)
        throw service_error(400, "BadRequest", "Resource not found for the segment 'delta'.");
      return sync_messages(ctx, f);
    }
    return message_item(ctx, rest[1], rest.subspan(2));
  }
  if ((what == "move" || what == "copy") && rest.size() == 1 && ctx.method == "POST") {
    if (!f.well_known.empty())
      throw service_error(400, "ErrorMoveDistinguishedFolder", "Distinguished folders cannot be moved or copied.");
    const auto dest = destination(ctx);
    if (is_within(ctx, dest, f.id))
      throw service_error(400, "ErrorMoveCopyFailed", "A folder cannot be moved or copied into itself or its subfolders.");
    store::transaction tx(ctx.db);
    folder_row result = f;
    if (what == "move") {
      result.parent = dest.id;
      ctx.db.update_folder(result);
    } else {
      copy_folder_tree(ctx, f, dest.id, result);
    }
    tx.commit();
    return json_response(201, render_folder(ctx, result));
  }
  throw service_error(400, "BadRequest", "Resource not found for the segment '" + rest[0] + "'.");
}

// ---- mailbox settings -----------------------------------------------------------------

/// The stored settings over the service's defaults.
json::object current_settings(mail_context& ctx) {
  json::object defaults{
      {"automaticRepliesSetting",
       json::object{{"status", "disabled"},
                    {"externalAudience", "all"},
                    {"internalReplyMessage", ""},
                    {"externalReplyMessage", ""},
                    {"scheduledStartDateTime", json::object{{"dateTime", "2026-01-01T00:00:00.0000000"}, {"timeZone", "UTC"}}},
                    {"scheduledEndDateTime", json::object{{"dateTime", "2026-01-02T00:00:00.0000000"}, {"timeZone", "UTC"}}}}},
      {"timeZone", "UTC"},
      {"language", json::object{{"locale", "en-US"}, {"displayName", "English (United States)"}}}};
  for (const auto& [k, v] : ctx.db.settings(ctx.mailbox.id)) defaults[k] = v;
  return defaults;
}

http_response mailbox_settings(mail_context& ctx, std::span<const std::string> rest) {
  auto settings = current_settings(ctx);
  if (rest.empty()) {
    if (ctx.method == "PATCH") {
      require_body_object(ctx);
      const auto patch = settings_from_wire(ctx.body, ctx.d);
      for (const auto& [k, v] : patch) {
        if (k.starts_with("@")) continue;
        // One level deep: a patch of automaticRepliesSetting keeps the members it leaves out.
        if (v.is_object() && settings.contains(k) && settings[k].is_object()) {
          for (const auto& [k2, v2] : v.as_object()) settings[k].as_object()[k2] = v2;
        } else {
          settings[k] = v;
        }
      }
      store::transaction tx(ctx.db);
      ctx.db.put_settings(ctx.mailbox.id, settings);
      tx.commit();
    } else if (ctx.method != "GET") {
      not_supported(ctx);
    }
    apply_time_zone(ctx, settings);
    auto out = settings_to_wire(settings, ctx.d);
    out["@odata.context"] = context_url(ctx, "Me/MailboxSettings");
    return json_response(200, out);
  }
  if (rest.size() == 1 && ctx.method == "GET") {
    const std::string what = lower(rest[0]);
    if (what == "automaticrepliessetting") {
      apply_time_zone(ctx, settings);
      auto out = automatic_replies_to_wire(settings["automaticRepliesSetting"].as_object(), ctx.d);
      out["@odata.context"] = context_url(ctx, "Me/MailboxSettings/AutomaticRepliesSetting");
      return json_response(200, out);
    }
    if (what == "timezone" || what == "language") {
      const auto* v = member(settings, what);
      json::value wire = v ? *v : json::value();
      if (ctx.d == dialect::outlook_v2 && wire.is_object()) {
        json::object pascal;
        for (const auto& [k, x] : wire.as_object()) pascal[wire_name(k, ctx.d)] = x;
        wire = std::move(pascal);
      }
      return json_response(200, json::object{{"@odata.context", context_url(ctx, "Me/MailboxSettings/" + rest[0])},
                                             {"value", wire}});
    }
  }
  throw service_error(400, "BadRequest", "Resource not found for the segment '" + rest[0] + "'.");
}

}  // namespace

http_response dispatch(mail_context& ctx) {
  const auto& segs = ctx.segments;
  if (segs.empty()) throw service_error(400, "BadRequest", "The request names no resource of the mailbox.");
  const std::string first = lower(segs[0]);
  const std::span<const std::string> rest(segs.data() + 1, segs.size() - 1);
  if (first == "messages") {
    if (rest.empty()) {
      if (ctx.method == "GET") return list_messages(ctx, std::nullopt);
      if (ctx.method == "POST") return create_message(ctx, well_known(ctx, "drafts"));
      not_supported(ctx);
    }
    return message_item(ctx, rest[0], rest.subspan(1));
  }
  if (first == "mailfolders") {
    if (rest.empty()) {
      const auto root = well_known(ctx, "msgfolderroot");
      if (ctx.method == "GET" && ctx.prefer.track_changes && ctx.d == dialect::outlook_v2) return sync_folders(ctx);
      if (ctx.method == "GET") return list_folders(ctx, root);
      if (ctx.method == "POST") return create_folder(ctx, root);
      not_supported(ctx);
    }
    if (rest.size() == 1 && outlook::iequals(rest[0], "delta") && ctx.d == dialect::graph_v1 && ctx.method == "GET")
      return sync_folders(ctx);
    if (outlook::iequals(rest[0], "allitems") && rest.size() == 2 && outlook::iequals(rest[1], "messages") &&
        ctx.method == "GET")
      return list_messages(ctx, std::nullopt);
    return folder_item(ctx, resolve_folder(ctx, rest[0]), rest.subspan(1));
  }
  if (first == "mailboxsettings") return mailbox_settings(ctx, rest);
  if (first == "outlook" && !rest.empty() && outlook::iequals(rest[0], "masterCategories"))
    return categories_resource(ctx, rest.subspan(1));
  if (first == "inferenceclassification" && !rest.empty() && outlook::iequals(rest[0], "overrides"))
    return overrides_resource(ctx, rest.subspan(1));
  if (first == "getmailtips" && rest.empty()) {
    if (ctx.method == "POST") return mail_tips(ctx);
    not_supported(ctx);
  }
  if (first == "sendmail" && rest.empty()) {
    if (ctx.method == "POST") return send_mail(ctx);
    not_supported(ctx);
  }
  throw service_error(400, "BadRequest", "Resource not found for the segment '" + segs[0] + "'.");
}

void seed_mailboxes(mail_context& ctx, const json::value& seed) {
  if (!seed.is_object()) throw seed_error("the seed must be a JSON object with \"users\"");
  const auto* users = member(seed, "users");
  if (!users || !users->is_array() || users->as_array().empty())
    throw seed_error("the seed needs a non-empty \"users\" array");
  store::transaction tx(ctx.db);
  std::size_t index = 0;
  for (const auto& u : users->as_array()) {
    const std::string where = "users[" + std::to_string(index++) + "]";
    user_row row;
    row.address = string_member(u, "address");
    row.token = string_member(u, "token");
    row.display_name = string_member(u, "display_name");
    if (row.display_name.empty()) row.display_name = string_member(u, "displayName");
    if (row.display_name.empty()) row.display_name = row.address;
    row.id = string_member(u, "id");
    if (row.id.empty()) {
      const auto a = ctx.random();
      const auto b = ctx.random();
      char buf[40];
      std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(a >> 32),
                    static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                    static_cast<unsigned>(b >> 52), static_cast<unsigned long long>(b & 0xffffffffffffULL));
      row.id = buf;
    }
    if (row.address.empty() || row.address.find('@') == std::string::npos)
      throw seed_error(where + ": \"address\" must be an email address");
    if (row.token.empty()) throw seed_error(where + ": \"token\" must be a non-empty string");
    if (ctx.db.find_user(row.address)) throw seed_error(where + ": the address " + row.address + " is listed twice");
    if (ctx.db.user_by_token(row.token)) throw seed_error(where + ": two users have the same token");
    ctx.db.insert_user(row);
    make_well_known_folders(ctx, row);
    if (const auto* quota = member(u, "quota_bytes")) {
      if (!quota->is_int64() || quota->as_int64() < 0)
        throw seed_error(where + ": \"quota_bytes\" must be a non-negative integer");
      ctx.db.set_quota(row.id, quota->as_int64());
    }
  }
  if (const auto* apps = member(seed, "app_tokens")) {
    if (!apps->is_array()) throw seed_error("\"app_tokens\" must be an array of strings");
    for (const auto& t : apps->as_array()) {
      if (!t.is_string() || t.as_string().empty()) throw seed_error("\"app_tokens\" must be an array of strings");
      if (ctx.db.user_by_token(t.as_string())) throw seed_error("an app token is also a user's token");
      ctx.db.add_app_token(t.as_string());
    }
  }
  if (const auto* boxes = member(seed, "mailboxes")) {
    if (!boxes->is_object()) throw seed_error("\"mailboxes\" must be an object keyed by address");
    for (const auto& [address, box] : boxes->as_object()) {
      auto user = ctx.db.find_user(address);
      if (!user) throw seed_error("mailboxes: " + std::string(address) + " is not one of the users");
      ctx.mailbox = *user;
      std::vector<folder_row> seeded;
      auto find_folder = [&](const std::string& name, const std::string& where) -> folder_row {
        if (auto f = ctx.db.folder_by_well_known(user->id, name)) return *f;
        for (auto it = seeded.rbegin(); it != seeded.rend(); ++it)
          if (outlook::iequals(it->display_name, name)) return *it;
        throw seed_error(where + ": no well-known folder or earlier folder is named '" + name + "'");
      };
      if (const auto* folders = member(box, "folders")) {
        if (!folders->is_array()) throw seed_error("mailboxes." + std::string(address) + ".folders must be an array");
        std::size_t i = 0;
        for (const auto& f : folders->as_array()) {
          const std::string where = "mailboxes." + std::string(address) + ".folders[" + std::to_string(i++) + "]";
          std::string name = string_member(f, "display_name");
          if (name.empty()) name = string_member(f, "displayName");
          if (name.empty()) throw seed_error(where + ": \"display_name\" is missing");
          std::string parent = string_member(f, "parent");
          if (parent.empty()) parent = "msgfolderroot";
          folder_row row{new_id(ctx), user->id, find_folder(parent, where).id, "", name, 0};
          ctx.db.insert_folder(row);
          seeded.push_back(row);
        }
      }
      if (const auto* messages = member(box, "messages")) {
        if (!messages->is_array()) throw seed_error("mailboxes." + std::string(address) + ".messages must be an array");
        std::size_t i = 0;
        for (const auto& entry : messages->as_array()) {
          const std::string where = "mailboxes." + std::string(address) + ".messages[" + std::to_string(i++) + "]";
          std::string folder_name = string_member(entry, "folder");
          if (folder_name.empty()) folder_name = "inbox";
          const auto folder = find_folder(folder_name, where);
          const auto* message = member(entry, "message");
          if (!message || !message->is_object()) throw seed_error(where + ": \"message\" must be an object");
          json::object given;
          try {
            given = message_from_wire(*message, dialect::outlook_v2);
          } catch (const body_error& e) {
            throw seed_error(where + ".message: " + e.what());
          }
          const bool draft = folder.well_known == "drafts";
          auto m = new_message(ctx, given, draft);
          if (!given.contains("isRead")) m["isRead"] = draft || folder.well_known == "sentitems";
          std::string id = string_member(*message, "id");
          if (id.empty() || !well_formed_id(id) || ctx.db.message_by_id(user->id, id)) id = new_id(ctx);
          message_row row{id, user->id, folder.id, std::move(m), 0};
          ctx.db.insert_message(row);
        }
      }
    }
  }
  tx.commit();
}

// Shared with the other resources of the mailbox (mailbox_entities.cpp, mail_tips.cpp).
http_response page_of(mail_context& ctx, std::vector<json::object> items, std::string_view context_name) {
  return respond_page(ctx, std::move(items), context_name);
}
void method_not_supported(const mail_context& ctx) { not_supported(ctx); }
std::string metadata_url(const mail_context& ctx, std::string_view what) { return context_url(ctx, what); }
void require_object_body(const mail_context& ctx) { require_body_object(ctx); }
json::object current_mailbox_settings(mail_context& ctx) { return current_settings(ctx); }

}  // namespace outlook::server
