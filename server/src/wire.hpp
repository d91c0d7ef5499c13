// The two dialects' wire forms of the canonical JSON the store keeps (Graph's camelCase).
//
// Outlook v2.0 (PascalCase) goes through the generated model and codecs of outlook::mail:
// the canonical JSON is decoded case-insensitively into outlook::mail::message (or
// mail_folder) and encoded again, so the wire spelling comes from the schema. Graph v1.0
// goes the same way through the generated outlook::graph model: the schema is the single
// description of both dialects, and a property neither model knows is kept as received.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace outlook::server {

enum class dialect { outlook_v2, graph_v1 };

/// A request body that the dialect's model cannot read (wrong JSON types, nesting too deep).
/// what() names the JSON pointer of the offending value.
class body_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Canonical message JSON -> the dialect's wire object.
[[nodiscard]] boost::json::object message_to_wire(const boost::json::object& canonical, dialect d);
/// Canonical attachment JSON (a file, item or reference attachment, "@odata.type" in
/// Graph's spelling) -> the dialect's wire object, through the generated attachment models.
[[nodiscard]] boost::json::object attachment_to_wire(const boost::json::object& canonical, dialect d);
/// An attachment in the spelling of `d` -> canonical JSON; body_error when the model cannot read it.
[[nodiscard]] boost::json::object attachment_from_wire(const boost::json::value& wire, dialect d);

/// Canonical folder JSON -> the dialect's wire object.
[[nodiscard]] boost::json::object folder_to_wire(const boost::json::object& canonical, dialect d);

/// Canonical mailbox settings -> the dialect's wire object (v2.0 through mailbox_settings).
[[nodiscard]] boost::json::object settings_to_wire(const boost::json::object& canonical, dialect d);
/// Canonical automatic replies setting -> the dialect's wire object.
[[nodiscard]] boost::json::object automatic_replies_to_wire(const boost::json::object& canonical, dialect d);
/// A mailbox settings patch in either spelling -> canonical JSON (checked by the model of
/// the dialect `d` it was sent in).
[[nodiscard]] boost::json::object settings_from_wire(const boost::json::value& wire, dialect d);

/// The mailbox's other entities, each with a generated model in both dialects (master
/// categories only in Graph's).
enum class entity_kind { category, rule, focused_override, mail_tips };

/// Canonical JSON of such an entity -> the dialect's wire object, through its models.
[[nodiscard]] boost::json::object entity_to_wire(entity_kind kind, const boost::json::object& canonical, dialect d);
/// An entity in the spelling of `d` -> canonical JSON; body_error when the model cannot read it.
[[nodiscard]] boost::json::object entity_from_wire(entity_kind kind, const boost::json::value& wire, dialect d);

/// A message object in either spelling (a request body, a seed entry) -> canonical JSON.
/// Throws body_error when the message model of `d` cannot read it.
[[nodiscard]] boost::json::object message_from_wire(const boost::json::value& wire, dialect d);

/// Any JSON object in either spelling -> canonical key spelling (keys camelCase, enum
/// values of known enum-valued members camelCase, "@odata.type" in Graph's namespace). Used for bodies with no model here.
[[nodiscard]] boost::json::value canonical_keys(const boost::json::value& wire);

/// Property name in the dialect's spelling ("isRead" -> "IsRead" for v2.0).
[[nodiscard]] std::string wire_name(std::string_view canonical, dialect d);

}  // namespace outlook::server
