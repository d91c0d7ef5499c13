// outlook-mail: which response bodies arrive in a content coding the client cannot read.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "outlook/http.hpp"

namespace outlook::detail {

/// The Content-Encoding of a response when it is one the body cannot be read in (gzip,
/// br...): a transport that decodes a coding removes the header, so what is left here was
/// never decoded. Saying which coding it was beats "invalid JSON". At most 40 characters.
[[nodiscard]] inline std::optional<std::string> unsupported_content_coding(const http_headers& headers) {
  auto coding = headers.get("Content-Encoding");
  if (!coding) return std::nullopt;
  while (!coding->empty() && (coding->front() == ' ' || coding->front() == '\t')) coding->remove_prefix(1);
  while (!coding->empty() && (coding->back() == ' ' || coding->back() == '\t')) coding->remove_suffix(1);
  if (coding->empty() || iequals(*coding, "identity")) return std::nullopt;
  return std::string(coding->substr(0, 40));
}

}  // namespace outlook::detail
