// Dialect conversion through the generated outlook::mail model (see wire.hpp).
//
// SPDX-License-Identifier: BSL-1.0
#include "wire.hpp"

#include <outlook/codec.hpp>
#include <outlook/error.hpp>
#include <outlook/graph/attachment.hpp>
#include <outlook/graph/automatic_replies_setting.hpp>
#include <outlook/graph/mail_folder.hpp>
#include <outlook/graph/mailbox_settings.hpp>
#include <outlook/graph/inference_classification_override.hpp>
#include <outlook/graph/mail_tips.hpp>
#include <outlook/graph/message.hpp>
#include <outlook/graph/message_rule.hpp>
#include <outlook/graph/outlook_category.hpp>
#include <outlook/mail/attachment.hpp>
#include <outlook/mail/automatic_replies_setting.hpp>
#include <outlook/mail/mail_folder.hpp>
#include <outlook/mail/mailbox_settings.hpp>
#include <outlook/mail/inference_classification_override.hpp>
#include <outlook/mail/mail_tips.hpp>
#include <outlook/mail/message.hpp>
#include <outlook/mail/message_rule.hpp>

#include <array>
#include <cctype>

namespace outlook::server {
namespace {

std::string camel(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] != '@') out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

// Members whose string values are enum members: Graph spells those camelCase ("html",
// "notFlagged"), v2.0 PascalCase or upper case ("HTML", "NotFlagged").
constexpr std::array<std::string_view, 7> enum_members{"contentType", "importance", "flagStatus", "inferenceClassification",
                                                        "classifyAs", "status", "externalAudience"};

std::string camel_enum(std::string_view value) {
  bool all_upper = !value.empty();
  for (char c : value)
    if (std::islower(static_cast<unsigned char>(c))) all_upper = false;
  std::string out(value);
  if (all_upper) {
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  } else if (!out.empty()) {
    out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  }
  return out;
}

constexpr std::string_view graph_namespace = "#microsoft.graph.";
constexpr std::string_view v2_namespace = "#Microsoft.OutlookServices.";

/// "#Microsoft.OutlookServices.FileAttachment" (or any case) -> "#microsoft.graph.fileAttachment".
std::string canonical_odata_type(std::string_view type) {
  const auto dot = type.rfind('.');
  if (dot == std::string_view::npos || !type.starts_with('#')) return std::string(type);
  return std::string(graph_namespace) + camel(type.substr(dot + 1));
}

/// The canonical "#microsoft.graph.fileAttachment" -> v2.0's "#Microsoft.OutlookServices.FileAttachment",
/// at every depth (an item attachment's item has one too).
void odata_types_to_v2(boost::json::value& v) {
  if (auto* o = v.if_object()) {
    for (auto& [k, value] : *o) {
      if (k == "@odata.type" && value.is_string() && value.as_string().starts_with(graph_namespace)) {
        std::string name(value.as_string().subview(graph_namespace.size()));
        if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
        value = std::string(v2_namespace) + name;
      } else {
        odata_types_to_v2(value);
      }
    }
  } else if (auto* a = v.if_array()) {
    for (auto& e : *a) odata_types_to_v2(e);
  }
}

boost::json::value canonical_keys_at(const boost::json::value& v, std::size_t depth) {
  if (depth > outlook::max_json_depth) throw body_error("(document): JSON nested too deeply");
  if (v.is_object()) {
    boost::json::object out;
    for (const auto& [k, value] : v.as_object()) {
      if (k == "@odata.type" && value.is_string()) {
        out[k] = canonical_odata_type(value.as_string());
        continue;
      }
      std::string key = camel(k);
      bool is_enum = false;
      for (auto e : enum_members) is_enum = is_enum || e == key;
      if (is_enum && value.is_string())
        out[key] = camel_enum(value.as_string());
      else
        out[key] = canonical_keys_at(value, depth + 1);
    }
    return out;
  }
  if (v.is_array()) {
    boost::json::array out;
    for (const auto& e : v.as_array()) out.push_back(canonical_keys_at(e, depth + 1));
    return out;
  }
  return v;
}

template <class Model>
boost::json::object through_model(const boost::json::object& canonical) {
  const auto model = outlook::decode_document<Model>(canonical);
  auto encoded = outlook::encode_value(model);
  return std::move(encoded.as_object());
}

/// The canonical JSON through the model of the dialect: V2 for Outlook v2.0, Graph for v1.0.
template <class V2, class Graph>
boost::json::object through_dialect(const boost::json::object& canonical, dialect d) {
  if (d == dialect::graph_v1) return through_model<Graph>(canonical);
  boost::json::value v2 = canonical;
  odata_types_to_v2(v2);
  return through_model<V2>(v2.as_object());
}

/// Reads a request body through the dialect's model, which checks every known member's
/// JSON type; what() of the body_error names the offending value's JSON pointer.
template <class V2, class Graph>
void check_with_model(const boost::json::value& wire, dialect d) {
  if (!wire.is_object()) throw body_error("(document): expected a JSON object");
  try {
    if (d == dialect::outlook_v2)
      (void)outlook::decode_document<V2>(wire);
    else
      (void)outlook::decode_document<Graph>(wire);
  } catch (const outlook::decode_error& e) {
    throw body_error(e.what());
  }
}

}  // namespace

boost::json::value canonical_keys(const boost::json::value& wire) { return canonical_keys_at(wire, 0); }

std::string wire_name(std::string_view canonical, dialect d) {
  std::string out(canonical);
  if (d == dialect::outlook_v2 && !out.empty() && out[0] != '@')
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

boost::json::object message_to_wire(const boost::json::object& canonical, dialect d) {
  return through_dialect<outlook::mail::message, outlook::graph::message>(canonical, d);
}

boost::json::object attachment_to_wire(const boost::json::object& canonical, dialect d) {
  return through_dialect<outlook::poly<outlook::mail::attachment>, outlook::poly<outlook::graph::attachment>>(canonical, d);
}

boost::json::object attachment_from_wire(const boost::json::value& wire, dialect d) {
  check_with_model<outlook::poly<outlook::mail::attachment>, outlook::poly<outlook::graph::attachment>>(wire, d);
  return std::move(canonical_keys(wire).as_object());
}

boost::json::object folder_to_wire(const boost::json::object& canonical, dialect d) {
  return through_dialect<outlook::mail::mail_folder, outlook::graph::mail_folder>(canonical, d);
}

boost::json::object settings_to_wire(const boost::json::object& canonical, dialect d) {
  return through_dialect<outlook::mail::mailbox_settings, outlook::graph::mailbox_settings>(canonical, d);
}

boost::json::object automatic_replies_to_wire(const boost::json::object& canonical, dialect d) {
  return through_dialect<outlook::mail::automatic_replies_setting, outlook::graph::automatic_replies_setting>(canonical, d);
}

boost::json::object settings_from_wire(const boost::json::value& wire, dialect d) {
  check_with_model<outlook::mail::mailbox_settings, outlook::graph::mailbox_settings>(wire, d);
  return std::move(canonical_keys(wire).as_object());
}

boost::json::object entity_to_wire(entity_kind kind, const boost::json::object& canonical, dialect d) {
  switch (kind) {
    case entity_kind::category:
      // Outlook v2.0 has no master categories; the server routes them on Graph only.
      return through_model<outlook::graph::outlook_category>(canonical);
    case entity_kind::rule:
      return through_dialect<outlook::mail::message_rule, outlook::graph::message_rule>(canonical, d);
    case entity_kind::focused_override:
      return through_dialect<outlook::mail::inference_classification_override,
                             outlook::graph::inference_classification_override>(canonical, d);
    case entity_kind::mail_tips:
      return through_dialect<outlook::mail::mail_tips, outlook::graph::mail_tips>(canonical, d);
  }
  return canonical;
}

boost::json::object entity_from_wire(entity_kind kind, const boost::json::value& wire, dialect d) {
  switch (kind) {
    case entity_kind::category:
      check_with_model<outlook::graph::outlook_category, outlook::graph::outlook_category>(wire, d);
      break;
    case entity_kind::rule:
      check_with_model<outlook::mail::message_rule, outlook::graph::message_rule>(wire, d);
      break;
    case entity_kind::focused_override:
      check_with_model<outlook::mail::inference_classification_override,
                       outlook::graph::inference_classification_override>(wire, d);
      break;
    case entity_kind::mail_tips:
      check_with_model<outlook::mail::mail_tips, outlook::graph::mail_tips>(wire, d);
      break;
  }
  return std::move(canonical_keys(wire).as_object());
}

boost::json::object message_from_wire(const boost::json::value& wire, dialect d) {
  check_with_model<outlook::mail::message, outlook::graph::message>(wire, d);
  return std::move(canonical_keys(wire).as_object());
}

}  // namespace outlook::server
