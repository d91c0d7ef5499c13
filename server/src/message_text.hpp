// Text of message bodies: HTML to plain text (Prefer outlook.body-content-type="text",
// bodyPreview), and the quoted original under a reply or forward.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace outlook::server {

/// Plain text of an HTML body: tags dropped, <br>/<p>/<div> ends as line breaks, the
/// common entities decoded.
[[nodiscard]] std::string html_to_text(std::string_view html);

/// The service's bodyPreview: the body as text, whitespace collapsed, at most 255 characters.
[[nodiscard]] std::string body_preview(const boost::json::object& canonical_message);

/// Turns an HTML body of a canonical message into text in place (contentType "text").
void body_as_text(boost::json::object& canonical_message);

/// The body of a reply or forward: `comment`, then a header block (From, Sent, To, Cc,
/// Subject) and the original body, in the original's content type. Returns {contentType, content}.
[[nodiscard]] boost::json::object quoted_body(const boost::json::object& original, std::string_view comment);

/// "RE: subject" / "FW: subject", not doubling a prefix that is already there.
[[nodiscard]] std::string prefixed_subject(std::string_view prefix, std::string_view subject);

}  // namespace outlook::server
