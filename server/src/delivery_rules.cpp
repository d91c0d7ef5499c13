// What a recipient's Focused Inbox overrides and inbox rules do to a message delivered to
// its Inbox (see apply_delivery_rules in mailbox_entities.hpp).
//
// SPDX-License-Identifier: BSL-1.0
#include "mailbox_entities.hpp"
#include "ascii.hpp"

#include "message_text.hpp"
#include "odata.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

namespace outlook::server {
namespace {

namespace json = boost::json;

bool contains_ci(std::string_view text, std::string_view needle) { return lower(text).find(lower(needle)) != std::string::npos; }

std::string text_at(const json::object& o, std::string_view path) {
  const auto* v = odata::lookup(o, path);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::vector<std::string> strings_of(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(key);
  if (v && v->is_array())
    for (const auto& s : v->as_array())
      if (s.is_string()) out.emplace_back(s.as_string());
  return out;
}

std::vector<std::string> addresses_in(const json::object& m, std::initializer_list<const char*> lists) {
  std::vector<std::string> out;
  for (const char* list : lists) {
    const auto* l = m.if_contains(list);
    if (!l || !l->is_array()) continue;
    for (const auto& r : l->as_array())
      if (r.is_object()) out.push_back(lower(text_at(r.as_object(), "emailAddress/address")));
  }
  return out;
}

bool any_contained(const std::vector<std::string>& needles, std::string_view text) {
  return std::any_of(needles.begin(), needles.end(), [&](const std::string& n) { return contains_ci(text, n); });
}

bool flag(const json::object& p, std::string_view key, bool& out) {
  const auto* v = p.if_contains(key);
  if (!v || !v->is_bool()) return false;
  out = v->as_bool();
  return true;
}

/// Whether every predicate `p` names holds for the message (an empty set holds).
bool predicates_hold(const json::object& p, const json::object& m, const user_row& owner) {
  const std::string from = text_at(m, "from/emailAddress/address");
  const std::string from_name = text_at(m, "from/emailAddress/name");
  const std::string subject = text_at(m, "subject");
  const std::string body = text_at(m, "body/content");
  const std::string me = lower(owner.address);
  const auto to = addresses_in(m, {"toRecipients"});
  const auto cc = addresses_in(m, {"ccRecipients"});
  auto has = [](const std::vector<std::string>& list, const std::string& a) {
    return std::find(list.begin(), list.end(), a) != list.end();
  };

  if (const auto* l = p.if_contains("fromAddresses"); l && l->is_array() && !l->as_array().empty()) {
    const auto wanted = addresses_in(p, {"fromAddresses"});
    if (!has(wanted, lower(from))) return false;
  }
  if (const auto* l = p.if_contains("sentToAddresses"); l && l->is_array() && !l->as_array().empty()) {
    const auto wanted = addresses_in(p, {"sentToAddresses"});
    const auto all = addresses_in(m, {"toRecipients", "ccRecipients"});
    if (std::none_of(wanted.begin(), wanted.end(), [&](const std::string& a) { return has(all, a); })) return false;
  }
  struct text_test {
    const char* key;
    std::vector<std::string_view> fields;
  };
  std::string recipients_text;
  for (const auto& a : addresses_in(m, {"toRecipients", "ccRecipients"})) recipients_text += a + " ";
  const std::vector<text_test> texts{{"subjectContains", {subject}},
                                     {"bodyContains", {body}},
                                     {"bodyOrSubjectContains", {body, subject}},
                                     {"senderContains", {from, from_name}},
                                     {"recipientContains", {recipients_text}}};
  for (const auto& t : texts) {
    const auto needles = strings_of(p, t.key);
    if (needles.empty()) continue;
    if (std::none_of(t.fields.begin(), t.fields.end(), [&](std::string_view f) { return any_contained(needles, f); }))
      return false;
  }
  if (const auto cats = strings_of(p, "categories"); !cats.empty()) {
    const auto mine = strings_of(m, "categories");
    if (std::none_of(cats.begin(), cats.end(), [&](const std::string& c) {
          return std::any_of(mine.begin(), mine.end(), [&](const std::string& x) { return outlook::iequals(c, x); });
        }))
      return false;
  }
  bool b = false;
  if (flag(p, "sentToMe", b) && b != has(to, me)) return false;
  if (flag(p, "sentCcMe", b) && b != has(cc, me)) return false;
  if (flag(p, "sentToOrCcMe", b) && b != (has(to, me) || has(cc, me))) return false;
  if (flag(p, "notSentToMe", b) && b != !(has(to, me) || has(cc, me))) return false;
  if (flag(p, "sentOnlyToMe", b) && b != (to.size() == 1 && to[0] == me && cc.empty())) return false;
  if (flag(p, "hasAttachments", b)) {
    const auto* h = m.if_contains("hasAttachments");
    if (b != (h && h->is_bool() && h->as_bool())) return false;
  }
  if (const auto* i = p.if_contains("importance"); i && i->is_string() && !outlook::iequals(i->as_string(), text_at(m, "importance")))
    return false;
  if (const auto* r = p.if_contains("withinSizeRange"); r && r->is_object()) {
    // Kilobytes; the message's JSON text stands for its size.
    const auto kb = static_cast<std::int64_t>(json::serialize(m).size() / 1024);
    const auto* lo = r->as_object().if_contains("minimumSize");
    const auto* hi = r->as_object().if_contains("maximumSize");
    if (lo && lo->is_int64() && kb < lo->as_int64()) return false;
    if (hi && hi->is_int64() && kb > hi->as_int64()) return false;
  }
  return true;
}

/// A predicate set that names at least one condition this server evaluates. An exception
/// with none never matches (an empty exception set does not exclude everything).
bool names_a_condition(const json::object& p) {
  return std::any_of(p.begin(), p.end(), [](const auto& kv) {
    const auto& v = kv.value();
    return !v.is_null() && !(v.is_array() && v.as_array().empty());
  });
}

std::string folder_of(store& db, const user_row& owner, const std::string& id_or_name) {
  if (auto f = db.folder_by_id(owner.id, id_or_name)) return f->id;
  if (auto f = db.folder_by_well_known(owner.id, lower(id_or_name))) return f->id;
  return {};
}

}  // namespace

delivery_outcome apply_delivery_rules(store& db, const user_row& recipient, const std::string& inbox_id, json::object& message) {
  delivery_outcome out;
  out.folder_id = inbox_id;

  // Focused Inbox: an override for the sender decides the classification.
  const std::string from = lower(text_at(message, "from/emailAddress/address"));
  for (const auto& o : db.entities(recipient.id, "override"))
    if (lower(text_at(o.json, "senderEmailAddress/address")) == from) message["inferenceClassification"] = o.json.at("classifyAs");

  auto rules = db.entities(recipient.id, "rule");
  std::stable_sort(rules.begin(), rules.end(), [](const entity_row& a, const entity_row& b) {
    const auto* x = a.json.if_contains("sequence");
    const auto* y = b.json.if_contains("sequence");
    return (x && x->is_int64() ? x->as_int64() : 0) < (y && y->is_int64() ? y->as_int64() : 0);
  });
  for (const auto& rule : rules) {
    const auto* enabled = rule.json.if_contains("isEnabled");
    if (enabled && enabled->is_bool() && !enabled->as_bool()) continue;
    const auto* conditions = rule.json.if_contains("conditions");
    if (conditions && conditions->is_object() && !predicates_hold(conditions->as_object(), message, recipient)) continue;
    const auto* exceptions = rule.json.if_contains("exceptions");
    if (exceptions && exceptions->is_object() && names_a_condition(exceptions->as_object()) &&
        predicates_hold(exceptions->as_object(), message, recipient))
      continue;
    const auto* actions_value = rule.json.if_contains("actions");
    if (!actions_value || !actions_value->is_object()) continue;
    const auto& actions = actions_value->as_object();
    bool b = false;
    if (flag(actions, "markAsRead", b) && b) message["isRead"] = true;
    if (const auto* i = actions.if_contains("markImportance"); i && i->is_string()) message["importance"] = lower(i->as_string());
    if (const auto cats = strings_of(actions, "assignCategories"); !cats.empty()) {
      json::array mine;
      if (const auto* c = message.if_contains("categories"); c && c->is_array()) mine = c->as_array();
      for (const auto& c : cats)
        if (std::none_of(mine.begin(), mine.end(), [&](const json::value& x) { return x.is_string() && outlook::iequals(x.as_string(), c); }))
          mine.emplace_back(c);
      message["categories"] = std::move(mine);
    }
    if (const auto copy = text_at(actions, "copyToFolder"); !copy.empty())
      if (auto id = folder_of(db, recipient, copy); !id.empty()) out.copy_to.push_back(id);
    if (const auto move = text_at(actions, "moveToFolder"); !move.empty())
      if (auto id = folder_of(db, recipient, move); !id.empty()) out.folder_id = id;
    if (flag(actions, "delete", b) && b) out.folder_id = folder_of(db, recipient, "deleteditems");
    if (flag(actions, "permanentDelete", b) && b) out.dropped = true;
    if (flag(actions, "stopProcessingRules", b) && b) break;
  }
  return out;
}

}  // namespace outlook::server
