// Master categories, inbox rules and Focused Inbox overrides over the store's entity table
// (see mailbox_entities.hpp). Delivery-time rule evaluation is in delivery_rules.cpp.
//
// SPDX-License-Identifier: BSL-1.0
#include "mailbox_entities.hpp"

#include "service_error.hpp"

#include <algorithm>
#include <array>

namespace outlook::server {
namespace {

namespace json = boost::json;

constexpr std::string_view category_kind = "category";
constexpr std::string_view rule_kind = "rule";
constexpr std::string_view override_kind = "override";

std::string random_text(mail_context& ctx, std::size_t n) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += alphabet[ctx.random() % alphabet.size()];
  return out;
}

std::string guid(mail_context& ctx) {
  static constexpr std::string_view hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    out += hex[ctx.random() % 16];
  }
  return out;
}

[[noreturn]] void not_found() {
  throw service_error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
}

json::object with_id(const entity_row& e) {
  json::object o = e.json;
  o["id"] = e.id;
  return o;
}

json::object render(const mail_context& ctx, entity_kind kind, const entity_row& e) {
  return entity_to_wire(kind, with_id(e), ctx.d);
}

http_response respond_one(mail_context& ctx, int status, entity_kind kind, const entity_row& e, std::string_view set) {
  json::object out;
  out["@odata.context"] = metadata_url(ctx, std::string(set) + "/$entity");
  for (auto& [k, v] : render(ctx, kind, e)) out[k] = std::move(v);
  return json_response(status, out);
}

entity_row find(mail_context& ctx, std::string_view kind, std::string_view id) {
  auto e = ctx.db.entity(ctx.mailbox.id, kind, id);
  if (!e) not_found();
  return *e;
}

/// Members of a PATCH body that may not be changed get 400 ErrorInvalidPropertySet.
void refuse_members(const json::object& patch, std::initializer_list<std::string_view> read_only) {
  for (const auto& [k, v] : patch) {
    (void)v;
    for (auto r : read_only)
      if (outlook::iequals(k, r))
        throw service_error(400, "ErrorInvalidPropertySet", "The property '" + std::string(k) + "' cannot be changed.");
  }
}

std::string string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// ---- master categories (Graph) --------------------------------------------------------

http_response create_category(mail_context& ctx) {
  require_object_body(ctx);
  auto given = entity_from_wire(entity_kind::category, ctx.body, ctx.d);
  const std::string name = string_at(given, "displayName");
  if (name.empty()) throw service_error(400, "ErrorInvalidRequest", "The parameter 'DisplayName' is missing or empty.");
  for (const auto& c : ctx.db.entities(ctx.mailbox.id, category_kind))
    if (outlook::iequals(string_at(c.json, "displayName"), name))
      throw service_error(409, "ErrorDuplicateDisplayName", "A category named '" + name + "' already exists in the master list.");
  entity_row e{guid(ctx), json::object{{"displayName", name}, {"color", "none"}}};
  if (const auto* color = given.if_contains("color"); color && color->is_string()) e.json["color"] = *color;
  store::transaction tx(ctx.db);
  ctx.db.put_entity(ctx.mailbox.id, category_kind, e);
  tx.commit();
  return respond_one(ctx, 201, entity_kind::category, e, "users('" + ctx.mailbox.id + "')/outlook/masterCategories");
}

}  // namespace

http_response categories_resource(mail_context& ctx, std::span<const std::string> rest) {
  if (ctx.d != dialect::graph_v1)
    throw service_error(400, "BadRequest", "Resource not found for the segment 'outlook'; master categories are Graph's.");
  const std::string set = "users('" + ctx.mailbox.id + "')/outlook/masterCategories";
  if (rest.empty()) {
    if (ctx.method == "POST") return create_category(ctx);
    if (ctx.method != "GET") method_not_supported(ctx);
    std::vector<json::object> items;
    for (const auto& c : ctx.db.entities(ctx.mailbox.id, category_kind)) items.push_back(render(ctx, entity_kind::category, c));
    return page_of(ctx, std::move(items), set);
  }
  if (rest.size() != 1) throw service_error(400, "BadRequest", "Resource not found for the segment '" + rest[1] + "'.");
  auto e = find(ctx, category_kind, rest[0]);
  if (ctx.method == "GET") return respond_one(ctx, 200, entity_kind::category, e, set);
  if (ctx.method == "DELETE") {
    store::transaction tx(ctx.db);
    ctx.db.delete_entity(ctx.mailbox.id, category_kind, e.id);
    tx.commit();
    return empty_response(204);
  }
  if (ctx.method == "PATCH") {
    require_object_body(ctx);
    auto patch = entity_from_wire(entity_kind::category, ctx.body, ctx.d);
    // The name is the category's key: fixed once created, as on the service.
    refuse_members(patch, {"id", "displayName"});
    if (const auto* color = patch.if_contains("color")) e.json["color"] = *color;
    store::transaction tx(ctx.db);
    ctx.db.put_entity(ctx.mailbox.id, category_kind, e);
    tx.commit();
    return respond_one(ctx, 200, entity_kind::category, e, set);
  }
  method_not_supported(ctx);
}

// ---- inbox rules ------------------------------------------------------------------------

namespace {

std::vector<entity_row> rules_in_sequence(mail_context& ctx) {
  auto rules = ctx.db.entities(ctx.mailbox.id, rule_kind);
  std::stable_sort(rules.begin(), rules.end(), [](const entity_row& a, const entity_row& b) {
    const auto* x = a.json.if_contains("sequence");
    const auto* y = b.json.if_contains("sequence");
    const auto sx = x && x->is_int64() ? x->as_int64() : 0;
    const auto sy = y && y->is_int64() ? y->as_int64() : 0;
    return sx < sy;
  });
  return rules;
}

/// moveToFolder / copyToFolder name a folder of the mailbox by ID (or well-known name).
void check_rule_folders(mail_context& ctx, const json::object& rule) {
  const auto* actions = rule.if_contains("actions");
  if (!actions || !actions->is_object()) return;
  for (const char* key : {"moveToFolder", "copyToFolder"}) {
    const std::string id = string_at(actions->as_object(), key);
    if (id.empty()) continue;
    if (!ctx.db.folder_by_id(ctx.mailbox.id, id) && !ctx.db.folder_by_well_known(ctx.mailbox.id, id))
      throw service_error(400, "ErrorInvalidRequest", std::string("The folder in actions.") + key + " does not exist.");
  }
}

http_response create_rule(mail_context& ctx, const std::string& set) {
  require_object_body(ctx);
  auto given = entity_from_wire(entity_kind::rule, ctx.body, ctx.d);
  for (const char* required : {"displayName", "sequence", "actions"})
    if (!given.contains(required) || given[required].is_null())
      throw service_error(400, "ErrorInvalidRequest", std::string("The rule needs '") + required + "'.");
  refuse_members(given, {"id", "hasError"});
  entity_row e{"AQAAA" + random_text(ctx, 7) + "=",
               json::object{{"isEnabled", true}, {"hasError", false}, {"isReadOnly", false}}};
  for (const auto& [k, v] : given)
    if (!k.starts_with("@")) e.json[k] = v;
  check_rule_folders(ctx, e.json);
  store::transaction tx(ctx.db);
  ctx.db.put_entity(ctx.mailbox.id, rule_kind, e);
  tx.commit();
  return respond_one(ctx, 201, entity_kind::rule, e, set);
}

}  // namespace

http_response rules_resource(mail_context& ctx, std::span<const std::string> rest) {
  const std::string set = ctx.d == dialect::outlook_v2 ? "Me/MailFolders('Inbox')/MessageRules"
                                                       : "users('" + ctx.mailbox.id + "')/mailFolders('inbox')/messageRules";
  if (rest.empty()) {
    if (ctx.method == "POST") return create_rule(ctx, set);
    if (ctx.method != "GET") method_not_supported(ctx);
    std::vector<json::object> items;
    for (const auto& r : rules_in_sequence(ctx)) items.push_back(render(ctx, entity_kind::rule, r));
    return page_of(ctx, std::move(items), set);
  }
  if (rest.size() != 1) throw service_error(400, "BadRequest", "Resource not found for the segment '" + rest[1] + "'.");
  auto e = find(ctx, rule_kind, rest[0]);
  if (ctx.method == "GET") return respond_one(ctx, 200, entity_kind::rule, e, set);
  if (ctx.method == "DELETE") {
    store::transaction tx(ctx.db);
    ctx.db.delete_entity(ctx.mailbox.id, rule_kind, e.id);
    tx.commit();
    return empty_response(204);
  }
  if (ctx.method == "PATCH") {
    require_object_body(ctx);
    auto patch = entity_from_wire(entity_kind::rule, ctx.body, ctx.d);
    refuse_members(patch, {"id", "hasError"});
    // Conditions, actions and exceptions are replaced as a whole, as on the service.
    for (const auto& [k, v] : patch) {
      if (k.starts_with("@")) continue;
      if (v.is_null()) e.json.erase(k);
      else e.json[k] = v;
    }
    check_rule_folders(ctx, e.json);
    store::transaction tx(ctx.db);
    ctx.db.put_entity(ctx.mailbox.id, rule_kind, e);
    tx.commit();
    return respond_one(ctx, 200, entity_kind::rule, e, set);
  }
  method_not_supported(ctx);
}

// ---- Focused Inbox overrides ------------------------------------------------------------

namespace {

std::string classification(const json::object& given) {
  const std::string c = string_at(given, "classifyAs");
  if (outlook::iequals(c, "focused")) return "focused";
  if (outlook::iequals(c, "other")) return "other";
  throw service_error(400, "ErrorInvalidRequest", "ClassifyAs must be 'focused' or 'other'.");
}

http_response create_override(mail_context& ctx, const std::string& set) {
  require_object_body(ctx);
  auto given = entity_from_wire(entity_kind::focused_override, ctx.body, ctx.d);
  const auto* sender = given.if_contains("senderEmailAddress");
  const std::string address = sender && sender->is_object() ? string_at(sender->as_object(), "address") : std::string();
  if (address.find('@') == std::string::npos)
    throw service_error(400, "ErrorInvalidRequest", "SenderEmailAddress needs an email address.");
  const std::string classify_as = classification(given);
  const std::string name = string_at(sender->as_object(), "name");
  // One override per sender: posting an address that has one updates its classification
  // and name (the address keeps its first spelling).
  entity_row e{guid(ctx), json::object{{"senderEmailAddress", json::object{{"name", name}, {"address", address}}}}};
  for (const auto& existing : ctx.db.entities(ctx.mailbox.id, override_kind)) {
    const auto* s = existing.json.if_contains("senderEmailAddress");
    if (s && s->is_object() && outlook::iequals(string_at(s->as_object(), "address"), address)) {
      e = existing;
      if (!name.empty()) e.json["senderEmailAddress"].as_object()["name"] = name;
    }
  }
  e.json["classifyAs"] = classify_as;
  store::transaction tx(ctx.db);
  ctx.db.put_entity(ctx.mailbox.id, override_kind, e);
  tx.commit();
  return respond_one(ctx, 201, entity_kind::focused_override, e, set);
}

}  // namespace

http_response overrides_resource(mail_context& ctx, std::span<const std::string> rest) {
  const std::string set = ctx.d == dialect::outlook_v2 ? "Me/InferenceClassification/Overrides"
                                                       : "users('" + ctx.mailbox.id + "')/inferenceClassification/overrides";
  if (rest.empty()) {
    if (ctx.method == "POST") return create_override(ctx, set);
    if (ctx.method != "GET") method_not_supported(ctx);
    std::vector<json::object> items;
    for (const auto& o : ctx.db.entities(ctx.mailbox.id, override_kind))
      items.push_back(render(ctx, entity_kind::focused_override, o));
    return page_of(ctx, std::move(items), set);
  }
  if (rest.size() != 1) throw service_error(400, "BadRequest", "Resource not found for the segment '" + rest[1] + "'.");
  auto e = find(ctx, override_kind, rest[0]);
  if (ctx.method == "GET") return respond_one(ctx, 200, entity_kind::focused_override, e, set);
  if (ctx.method == "DELETE") {
    store::transaction tx(ctx.db);
    ctx.db.delete_entity(ctx.mailbox.id, override_kind, e.id);
    tx.commit();
    return empty_response(204);
  }
  if (ctx.method == "PATCH") {
    require_object_body(ctx);
    auto patch = entity_from_wire(entity_kind::focused_override, ctx.body, ctx.d);
    // Only the classification changes; another sender is a new override.
    refuse_members(patch, {"id", "senderEmailAddress"});
    e.json["classifyAs"] = classification(patch);
    store::transaction tx(ctx.db);
    ctx.db.put_entity(ctx.mailbox.id, override_kind, e);
    tx.commit();
    return respond_one(ctx, 200, entity_kind::focused_override, e, set);
  }
  method_not_supported(ctx);
}

}  // namespace outlook::server
