// Dialect conversion through the generated outlook::mail model (see wire.hpp).
//
// SPDX-License-Identifier: BSL-1.0
#include "wire.hpp"

#include <outlook/codec.hpp>
#include <outlook/error.hpp>
#include <outlook/mail/automatic_replies_setting.hpp>
#include <outlook/mail/mail_folder.hpp>
#include <outlook/mail/mailbox_settings.hpp>
#include <outlook/mail/message.hpp>

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

boost::json::value canonical_keys_at(const boost::json::value& v, std::size_t depth) {
  if (depth > outlook::max_json_depth) throw body_error("(document): JSON nested too deeply");
  if (v.is_object()) {
    boost::json::object out;
    for (const auto& [k, value] : v.as_object()) {
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

}  // namespace

boost::json::value canonical_keys(const boost::json::value& wire) { return canonical_keys_at(wire, 0); }

std::string wire_name(std::string_view canonical, dialect d) {
  std::string out(canonical);
  if (d == dialect::outlook_v2 && !out.empty() && out[0] != '@')
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

boost::json::object message_to_wire(const boost::json::object& canonical, dialect d) {
  if (d == dialect::graph_v1) return canonical;
  return through_model<outlook::mail::message>(canonical);
}

boost::json::object folder_to_wire(const boost::json::object& canonical, dialect d) {
  if (d == dialect::graph_v1) return canonical;
  return through_model<outlook::mail::mail_folder>(canonical);
}

boost::json::object settings_to_wire(const boost::json::object& canonical, dialect d) {
  if (d == dialect::graph_v1) return canonical;
  return through_model<outlook::mail::mailbox_settings>(canonical);
}

boost::json::object automatic_replies_to_wire(const boost::json::object& canonical, dialect d) {
  if (d == dialect::graph_v1) return canonical;
  return through_model<outlook::mail::automatic_replies_setting>(canonical);
}

boost::json::object settings_from_wire(const boost::json::value& wire) {
  if (!wire.is_object()) throw body_error("(document): expected a JSON object");
  try {
    (void)outlook::decode_document<outlook::mail::mailbox_settings>(wire);
  } catch (const outlook::decode_error& e) {
    throw body_error(e.what());
  }
  return std::move(canonical_keys(wire).as_object());
}

boost::json::object message_from_wire(const boost::json::value& wire) {
  if (!wire.is_object()) throw body_error("(document): expected a JSON object");
  try {
    // Reading it through the model checks every known member's JSON type.
    (void)outlook::decode_document<outlook::mail::message>(wire);
  } catch (const outlook::decode_error& e) {
    throw body_error(e.what());
  }
  return std::move(canonical_keys(wire).as_object());
}

}  // namespace outlook::server
