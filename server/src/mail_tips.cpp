// Mail tips (see mail_tips.hpp).
//
// SPDX-License-Identifier: BSL-1.0
#include "mail_tips.hpp"

#include "service_error.hpp"
#include "time_zones.hpp"

#include <outlook/date_time.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cctype>

namespace outlook::server {
namespace {

namespace json = boost::json;

const json::value* member(const json::value& v, std::string_view name) {
  if (!v.is_object()) return nullptr;
  for (const auto& [k, value] : v.as_object())
    if (outlook::iequals(k, name)) return &value;
  return nullptr;
}

// The members of mailTipsType, each with the bit this file keeps for it.
constexpr std::array<std::string_view, 10> tip_names{"automaticReplies", "mailboxFullStatus", "customMailTip",
                                                     "externalMemberCount", "totalMemberCount", "maxMessageSize",
                                                     "deliveryRestriction", "moderationStatus", "recipientScope",
                                                     "recipientSuggestions"};
enum tip : unsigned {
  automatic_replies = 1,
  mailbox_full = 2,
  custom_tip = 4,
  external_members = 8,
  total_members = 16,
  max_size = 32,
  delivery_restriction = 64,
  moderation = 128,
  recipient_scope = 256,
  suggestions = 512,
};

/// "automaticReplies, MailboxFullStatus" (any case, spaces optional) -> bits.
unsigned parse_options(std::string_view text) {
  unsigned bits = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    auto name = text.substr(start, comma - start);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (!name.empty()) {
      const auto it = std::find_if(tip_names.begin(), tip_names.end(), [&](std::string_view n) { return outlook::iequals(n, name); });
      if (it == tip_names.end())
        throw service_error(400, "RequestBodyRead", "The value '" + std::string(name) + "' is not a member of MailTipsType.");
      bits |= 1u << static_cast<unsigned>(it - tip_names.begin());
    }
    start = comma + 1;
  }
  return bits;
}

std::string domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  std::string d(at == std::string_view::npos ? std::string_view{} : address.substr(at + 1));
  for (auto& c : d) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return d;
}

/// A dateTimeTimeZone as an instant (its zone from the table; an unknown zone reads as UTC).
std::optional<outlook::date_time> instant_of(const json::value* v) {
  if (!v || !v->is_object()) return std::nullopt;
  json::value utc = *v;
  convert_date_time_zones(utc, *find_time_zone("UTC"), "UTC");
  const auto* dt = utc.as_object().if_contains("dateTime");
  return dt && dt->is_string() ? outlook::parse_date_time(dt->as_string()) : std::nullopt;
}

/// The recipient's automatic reply when it is on now; {"message": ""} otherwise.
json::object automatic_reply_tip(mail_context& recipient_ctx) {
  auto settings = current_mailbox_settings(recipient_ctx);
  const auto& ar = settings["automaticRepliesSetting"].as_object();
  const auto* status = ar.if_contains("status");
  const std::string s = status && status->is_string() ? std::string(status->as_string()) : "disabled";
  bool on = outlook::iequals(s, "alwaysEnabled");
  const bool scheduled = outlook::iequals(s, "scheduled");
  if (scheduled) {
    const auto now = std::chrono::time_point_cast<outlook::ticks>(std::chrono::system_clock::now());
    const auto start = instant_of(ar.if_contains("scheduledStartDateTime"));
    const auto end = instant_of(ar.if_contains("scheduledEndDateTime"));
    on = start && end && *start <= now && now < *end;
  }
  if (!on) return {{"message", ""}};
  // Local senders are inside the organisation: they get the internal reply.
  json::object tip{{"message", ar.contains("internalReplyMessage") ? ar.at("internalReplyMessage") : json::value("")}};
  if (const auto* language = settings.if_contains("language")) tip["messageLanguage"] = *language;
  if (scheduled) {
    tip["scheduledStartTime"] = ar.at("scheduledStartDateTime");
    tip["scheduledEndTime"] = ar.at("scheduledEndDateTime");
  }
  return tip;
}

}  // namespace

http_response mail_tips(mail_context& ctx) {
  require_object_body(ctx);
  const auto* addresses = member(ctx.body, "EmailAddresses");
  if (!addresses || !addresses->is_array())
    throw service_error(400, "ErrorInvalidRequest", "The parameter 'EmailAddresses' is missing or is not an array.");
  const auto* options = member(ctx.body, "MailTipsOptions");
  if (!options || !options->is_string() || options->as_string().empty())
    throw service_error(400, "ErrorInvalidRequest", "The parameter 'MailTipsOptions' is missing.");
  const unsigned wanted = parse_options(options->as_string());

  std::vector<std::string> local_domains;
  for (const auto& u : ctx.db.users()) local_domains.push_back(domain_of(u.address));

  json::array value;
  for (const auto& a : addresses->as_array()) {
    if (!a.is_string()) throw service_error(400, "RequestBodyRead", "EmailAddresses must hold strings.");
    const std::string address(a.as_string());
    const auto user = ctx.db.find_user(address);
    json::object tips{{"emailAddress", json::object{{"name", user ? user->display_name : ""}, {"address", address}}}};
    const bool local_domain =
        std::find(local_domains.begin(), local_domains.end(), domain_of(address)) != local_domains.end();
    if (!user && (local_domain || address.find('@') == std::string::npos)) {
      // Inside the organisation but nobody there: the entry says so, the call still succeeds.
      tips["error"] = json::object{{"code", "ErrorRecipientNotFound"},
                                   {"message", "The recipient " + address + " could not be found."}};
    } else {
      if (wanted & automatic_replies) {
        if (user) {
          mail_context recipient_ctx = ctx;
          recipient_ctx.mailbox = *user;
          tips["automaticReplies"] = automatic_reply_tip(recipient_ctx);
        } else {
          tips["automaticReplies"] = json::object{{"message", ""}};
        }
      }
      if (wanted & mailbox_full) {
        const auto quota = user ? ctx.db.quota(user->id) : 0;
        tips["mailboxFull"] = quota > 0 && ctx.db.stored_bytes(user->id) >= quota;
      }
      if (wanted & custom_tip) tips["customMailTip"] = "";
      if (wanted & external_members) tips["externalMemberCount"] = 0;
      if (wanted & total_members) tips["totalMemberCount"] = 1;
      if (wanted & max_size) tips["maxMessageSize"] = 36700160;  // 35 MB, the service's default limit
      if (wanted & delivery_restriction) tips["deliveryRestricted"] = false;
      if (wanted & moderation) tips["isModerated"] = false;
      if (wanted & recipient_scope) tips["recipientScope"] = user ? "internal" : "external";
      if (wanted & suggestions) tips["recipientSuggestions"] = json::array();
    }
    apply_time_zone(ctx, tips);
    value.push_back(entity_to_wire(entity_kind::mail_tips, tips, ctx.d));
  }
  const std::string context = ctx.d == dialect::outlook_v2 ? "Collection(Microsoft.OutlookServices.MailTips)"
                                                           : "Collection(microsoft.graph.mailTips)";
  return json_response(200, json::object{{"@odata.context", metadata_url(ctx, context)}, {"value", std::move(value)}});
}

}  // namespace outlook::server
