// outlook-mail: keeping secrets out of sign-in error messages.
//
// A token endpoint's error_description is text chosen by the server. It normally holds no
// secret, but a proxy or a misbehaving server may echo the request, so everything taken
// from an answer goes through redact_text() before it reaches an exception: every secret
// the provider sent or received is replaced, anything shaped like a JWT is replaced,
// control characters become spaces and the text is cut to a readable length.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include "outlook/auth/form.hpp"

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace outlook::auth {

inline constexpr std::string_view redacted_marker = "<redacted>";

/// `text` without any of `secrets`, raw or form-encoded (empty and very short ones are ignored: they would
/// match everywhere), without JWT-shaped runs ("eyJ" followed by base64url and dots),
/// on one line and at most `max_size` characters long (the cut happens after redaction,
/// so a secret across the cut leaves no trace).
[[nodiscard]] inline std::string redact_text(std::string_view text, std::initializer_list<std::string_view> secrets,
                                             std::size_t max_size = 400) {
  std::string s(text);
  auto remove = [&s](std::string_view secret) {
    if (secret.size() < 4) return;
    for (auto pos = s.find(secret); pos != std::string::npos; pos = s.find(secret, pos + redacted_marker.size()))
      s.replace(pos, secret.size(), redacted_marker);
  };
  for (std::string_view secret : secrets) {
    remove(secret);
    // As it travelled in the request body (a server may echo that), with a space as '+' or %20.
    std::string encoded = form_encode_component(secret);
    remove(encoded);
    for (auto pos = encoded.find('+'); pos != std::string::npos; pos = encoded.find('+', pos + 3)) encoded.replace(pos, 1, "%20");
    remove(encoded);
  }
  auto token_char = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  };
  for (auto pos = s.find("eyJ"); pos != std::string::npos; pos = s.find("eyJ", pos + redacted_marker.size())) {
    std::size_t end = pos;
    while (end < s.size() && token_char(s[end])) ++end;
    s.replace(pos, end - pos, redacted_marker);
  }
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  if (s.size() > max_size) {
    s.resize(max_size);
    s += "...";
  }
  return s;
}

}  // namespace outlook::auth
