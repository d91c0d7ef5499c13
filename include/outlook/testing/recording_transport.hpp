// outlook-mail: a transport that records what goes through it as a cassette.
// SPDX-License-Identifier: BSL-1.0
//
// It wraps the real transport, so a scenario run once against the service becomes a
// fixture. Secret header values are replaced the moment the exchange is recorded:
// Authorization by "Bearer <redacted>", and Cookie, Set-Cookie, Proxy-Authorization and
// Proxy-Authenticate-style credentials by "<redacted>". The recorder never holds them, so
// no later bug in saving can leak them. Request headers that change on every run
// (client-request-id) or release (User-Agent) are not recorded, so that a recording replays.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "outlook/error.hpp"
#include "outlook/http.hpp"
#include "outlook/testing/cassette.hpp"
#include "outlook/transport.hpp"

namespace outlook::testing {

namespace recording_detail {

/// The recorded form of a header value: secrets replaced, everything else as sent.
[[nodiscard]] inline std::string recorded_value(std::string_view name, const std::string& value) {
  if (iequals(name, "Authorization")) return "Bearer <redacted>";  // the matcher wants a Bearer value
  if (iequals(name, "Proxy-Authorization") || iequals(name, "Cookie") || iequals(name, "Set-Cookie"))
    return "<redacted>";
  return value;
}

/// Header lines as a cassette object: one string per name, or an array when a name
/// repeats (names grouped case-insensitively, first spelling kept). Secrets are redacted.
[[nodiscard]] inline boost::json::object headers_json(const http_headers& headers) {
  boost::json::object out;
  for (const auto& [name, raw_value] : headers) {
    const std::string value = recorded_value(name, raw_value);
    boost::json::value* existing = nullptr;
    for (auto& member : out)
      if (iequals(member.key(), name)) existing = &member.value();
    if (!existing) {
      out[name] = value;
    } else if (existing->is_array()) {
      existing->get_array().emplace_back(value);
    } else {
      boost::json::array both;
      both.emplace_back(existing->get_string());
      both.emplace_back(value);
      *existing = std::move(both);
    }
  }
  return out;
}

/// Stores a body as "json" when it parses, else as raw "body"; an empty body is
/// json null for a request (the "no body" marker) and left out for a response.
inline void put_body(boost::json::object& out, const std::string& body, bool is_request) {
  if (body.empty()) {
    if (is_request) out["json"] = nullptr;
    return;
  }
  boost::json::parse_options opts;
  opts.max_depth = cassette_detail::max_depth;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(body, ec, {}, opts);
  if (ec) {
    out["body"] = body;
  } else {
    out["json"] = std::move(parsed);
  }
}

inline void indent(std::string& out, int depth) {
  out.push_back('\n');
  out.append(static_cast<std::size_t>(depth) * 2, ' ');
}

/// Two-space indented JSON, so recorded cassettes review well in a diff.
inline void pretty(std::string& out, const boost::json::value& v, int depth) {
  if (v.is_object() && !v.get_object().empty()) {
    out.push_back('{');
    bool first = true;
    for (const auto& [key, value] : v.get_object()) {
      if (!first) out.push_back(',');
      first = false;
      indent(out, depth + 1);
      out += boost::json::serialize(boost::json::string(key));
      out += ": ";
      pretty(out, value, depth + 1);
    }
    indent(out, depth);
    out.push_back('}');
  } else if (v.is_array() && !v.get_array().empty()) {
    out.push_back('[');
    bool first = true;
    for (const auto& item : v.get_array()) {
      if (!first) out.push_back(',');
      first = false;
      indent(out, depth + 1);
      pretty(out, item, depth + 1);
    }
    indent(out, depth);
    out.push_back(']');
  } else {
    out += boost::json::serialize(v);
  }
}

/// Replaces the value of every authtoken query parameter in `text` (an upload session's
/// URL, in a request URL, a response body or a Location header) by <redacted>: an upload
/// URL is a credential in itself.
inline std::string redact_authtoken(std::string text) {
  static constexpr std::string_view key = "authtoken=";
  for (std::size_t pos = 0; pos + key.size() <= text.size();) {
    if (!iequals(std::string_view(text).substr(pos, key.size()), key)) {
      ++pos;
      continue;
    }
    const std::size_t start = pos + key.size();
    std::size_t end = start;
    while (end < text.size() && text[end] != '&' && text[end] != '"' && text[end] != '#' && text[end] != ' ' &&
           text[end] != '\\' && text[end] != '\'')
      ++end;
    text.replace(start, end - start, "<redacted>");
    pos = start + 10;
  }
  return text;
}

}  // namespace recording_detail

class recording_transport : public transport {
 public:
  explicit recording_transport(transport_ptr inner) : inner_(std::move(inner)) {
    if (!inner_) throw std::invalid_argument("recording_transport needs a transport to wrap");
  }

  boost::asio::awaitable<http_response> send(http_request request) override {
    boost::json::object rq;
    rq["method"] = request.method;
    rq["url"] = recording_detail::redact_authtoken(request.url);
    // client-request-id differs on every request and User-Agent with every release: a
    // cassette that recorded them could never be replayed, so they are left out.
    http_headers recorded_headers = request.headers;
    recorded_headers.erase("client-request-id");
    recorded_headers.erase("User-Agent");
    rq["headers"] = recording_detail::headers_json(recorded_headers);
    recording_detail::put_body(rq, request.body, true);

    boost::json::object rs;
    try {
      http_response response = co_await inner_->send(std::move(request));
      rs["status"] = response.status;
      http_headers shown;
      for (const auto& [name, value] : response.headers) shown.add(name, recording_detail::redact_authtoken(value));
      rs["headers"] = recording_detail::headers_json(shown);
      recording_detail::put_body(rs, recording_detail::redact_authtoken(response.body), false);
      record(std::move(rq), std::move(rs));
      co_return response;
    } catch (const transport_error& e) {
      // The format knows two failures; every other kind (connect, TLS, ...) is also a
      // connection that gave no answer, which replays as a reset.
      rs["transport_error"] = e.reason() == transport_error::kind::timeout ? "timeout" : "reset";
      record(std::move(rq), std::move(rs));
      throw;
    }
  }

  /// The recorded exchanges, in order, in cassette form.
  [[nodiscard]] const boost::json::array& interactions() const noexcept { return interactions_; }

  /// A whole cassette: description, the call that produced the exchanges, the
  /// exchanges, and `expect.error` null (edit it when the scenario expects a failure).
  [[nodiscard]] boost::json::object to_cassette(std::string description, boost::json::object call) const {
    boost::json::object c;
    c["description"] = std::move(description);
    c["call"] = std::move(call);
    c["interactions"] = interactions_;
    c["expect"] = boost::json::object{{"error", nullptr}};
    return c;
  }

  /// Writes to_cassette(...) to `file`, creating its directory. Throws std::runtime_error
  /// when the file cannot be written.
  void save(const std::filesystem::path& file, std::string description, boost::json::object call) const {
    std::string text;
    recording_detail::pretty(text, to_cassette(std::move(description), std::move(call)), 0);
    text.push_back('\n');
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write cassette " + file.string());
  }

 private:
  void record(boost::json::object request, boost::json::object response) {
    interactions_.emplace_back(boost::json::object{{"request", std::move(request)}, {"response", std::move(response)}});
  }

  transport_ptr inner_;
  boost::json::array interactions_;
};

}  // namespace outlook::testing
