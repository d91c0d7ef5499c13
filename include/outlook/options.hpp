// outlook-mail: query options ($select, $filter, ...) and Prefer options, and how they
// SPDX-License-Identifier: BSL-1.0
// become a request. Generated option structs hold the subset an operation accepts;
// apply_query_options reads whatever members a struct has.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "outlook/error.hpp"
#include "outlook/http.hpp"

namespace outlook {

/// Prefer: outlook.body-content-type
enum class body_content_type { text, html };

/// The Prefer header options of the service.
struct prefer_options {
  /// outlook.body-content-type: return Body and UniqueBody as text or HTML.
  std::optional<outlook::body_content_type> body_content_type{};
  /// outlook.allow-unsafe-html: return HTML bodies without the service's sanitising.
  bool allow_unsafe_html = false;
  /// odata.maxpagesize: largest page the service should return.
  std::optional<int> max_page_size{};
  /// outlook.timezone: time zone for DateTimeTimeZone values ("Pacific Standard Time").
  std::optional<std::string> time_zone{};
  /// IdType="ImmutableId" (Microsoft Graph): IDs that survive moves within the mailbox.
  bool immutable_id = false;
  /// Further preferences the fields above do not name, sent as given after them
  /// (`IdType="ImmutableId"`, `return=minimal`). A value with CR, LF or NUL is refused.
  std::vector<std::string> extra{};
};

/// What the service said about a request besides the body: status and headers
/// (Preference-Applied, request-id, ...). A value: pagers give the last page's as
/// `last_response()`; for a single call, point `options.response` at one, and the session
/// fills it once, when the awaited call completes (or fails with api_error). The pointer
/// is used only by that call's awaitable; pagers refuse it (they would keep it).
struct response_info {
  int status = 0;
  http_headers headers;
  std::string client_request_id;

  /// The preferences the service applied, one entry per comma-separated item of every
  /// Preference-Applied header ("outlook.body-content-type=\"text\"").
  [[nodiscard]] std::vector<std::string> preference_applied() const {
    std::vector<std::string> out;
    for (auto v : headers.get_all("Preference-Applied")) {
      std::string cur;
      bool quoted = false;
      for (char c : v) {
        if (c == '"') quoted = !quoted;
        if (c == ',' && !quoted) {
          out.push_back(cur);
          cur.clear();
          continue;
        }
        if (!(cur.empty() && c == ' ')) cur += c;
      }
      while (!cur.empty() && cur.back() == ' ') cur.pop_back();
      if (!cur.empty()) out.push_back(cur);
    }
    return out;
  }
  [[nodiscard]] std::string request_id() const { return std::string(headers.get("request-id").value_or("")); }
};

namespace detail {

inline std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

inline std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace detail

/// The Prefer values for a request, in a stable order.
/// `change_tracking` is the service's Prefer value that asks for a sync round (from the
/// schema, e.g. "odata.track-changes"); empty for ordinary requests.
[[nodiscard]] inline std::vector<std::string> prefer_values(const prefer_options& p, std::string_view change_tracking = {}) {
  std::vector<std::string> out;
  if (!change_tracking.empty()) out.emplace_back(change_tracking);
  if (p.max_page_size) {
    if (*p.max_page_size <= 0) throw request_refused("max_page_size must be positive");
    out.push_back("odata.maxpagesize=" + std::to_string(*p.max_page_size));
  }
  if (p.body_content_type)
    out.push_back(std::string("outlook.body-content-type=") +
                  (*p.body_content_type == body_content_type::text ? "\"text\"" : "\"html\""));
  if (p.allow_unsafe_html) out.emplace_back("outlook.allow-unsafe-html");
  if (p.time_zone) {
    for (char c : *p.time_zone)
      if (c == '\r' || c == '\n' || c == '"' || c == '\0') throw request_refused("time_zone contains a character a header cannot carry");
    out.push_back("outlook.timezone=" + detail::quoted(*p.time_zone));
  }
  if (p.immutable_id) out.emplace_back("IdType=\"ImmutableId\"");
  for (const auto& e : p.extra) {
    if (e.empty()) throw request_refused("an empty value in prefer.extra");
    for (char c : e)
      if (c == '\r' || c == '\n' || c == '\0') throw request_refused("a prefer.extra value contains CR, LF or NUL, which a header cannot carry");
    out.push_back(e);
  }
  return out;
}

/// Adds the OData query options set in `o` (any generated *_options struct) to `query`
/// as decoded name/value pairs. Refuses combinations the service rejects, before sending.
template <class Options>
void apply_query_options(std::vector<std::pair<std::string, std::string>>& query, const Options& o) {
  bool has_search = false, has_filter = false, has_orderby = false;
  if constexpr (requires { o.search; }) has_search = o.search.has_value();
  if constexpr (requires { o.filter; }) has_filter = o.filter.has_value();
  if constexpr (requires { o.orderby; }) has_orderby = o.orderby.has_value();
  if (has_search && (has_filter || has_orderby))
    throw request_refused("$search cannot be combined with $filter or $orderby (the service answers 400 ErrorInvalidUrlQuery)");
  if constexpr (requires { o.select; })
    if (!o.select.empty()) query.emplace_back("$select", detail::join(o.select, ","));
  if constexpr (requires { o.filter; })
    if (o.filter) query.emplace_back("$filter", *o.filter);
  if constexpr (requires { o.orderby; })
    if (o.orderby) query.emplace_back("$orderby", *o.orderby);
  if constexpr (requires { o.top; })
    if (o.top) {
      if (*o.top < 0) throw request_refused("$top must not be negative");
      query.emplace_back("$top", std::to_string(*o.top));
    }
  if constexpr (requires { o.skip; })
    if (o.skip) {
      if (*o.skip < 0) throw request_refused("$skip must not be negative");
      query.emplace_back("$skip", std::to_string(*o.skip));
    }
  if constexpr (requires { o.expand; })
    if (!o.expand.empty()) query.emplace_back("$expand", detail::join(o.expand, ","));
  if constexpr (requires { o.search; })
    if (o.search) query.emplace_back("$search", *o.search);
  if constexpr (requires { o.count; })
    if (o.count) query.emplace_back("$count", *o.count ? "true" : "false");
}

}  // namespace outlook
