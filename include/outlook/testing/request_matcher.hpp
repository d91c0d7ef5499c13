// outlook-mail: does a request match the one a cassette recorded?
// SPDX-License-Identifier: BSL-1.0
//
// The rules are the contract in the design notes ("Request matching"): they ignore what
// a server would also ignore (key order, query order, header order, an id's key form vs
// segment form) and nothing else, so a cassette pins the request down without pinning
// down incidental spelling. A mismatch is explained in one line; the Authorization value
// is never part of that line.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "outlook/detail/percent.hpp"
#include "outlook/http.hpp"
#include "outlook/testing/cassette.hpp"
#include "outlook/testing/json_compare.hpp"

namespace outlook::testing {

namespace match_detail {

[[nodiscard]] inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

[[nodiscard]] inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Shortens a value for a one-line message.
[[nodiscard]] inline std::string clip(std::string s, std::size_t max = 120) {
  if (s.size() > max) {
    s.resize(max);
    s += "...";
  }
  return s;
}

struct url_parts {
  std::string scheme, host, port;  // scheme and host lower-cased, port defaulted
  std::string_view path, query;    // still encoded
};

/// Splits an absolute URL. The fragment is dropped: it never reaches the server.
[[nodiscard]] inline url_parts split_url(std::string_view url) {
  url_parts u;
  if (const auto hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  if (const auto sep = url.find("://"); sep != std::string_view::npos) {
    u.scheme = lower(url.substr(0, sep));
    url.remove_prefix(sep + 3);
    const auto end = std::min(url.find('/'), url.find('?'));
    std::string_view authority = url.substr(0, end);
    url.remove_prefix(end == std::string_view::npos ? url.size() : end);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    // "[v6]:port" or "host:port": the port follows the last ':' after any ']'.
    const auto bracket = authority.rfind(']');
    const auto colon = authority.rfind(':');
    if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
      u.port = std::string(authority.substr(colon + 1));
      authority = authority.substr(0, colon);
    }
    u.host = lower(authority);
    if (u.port.empty()) u.port = u.scheme == "https" ? "443" : u.scheme == "http" ? "80" : "";
  }
  const auto q = url.find('?');
  u.path = url.substr(0, q);
  if (q != std::string_view::npos) u.query = url.substr(q + 1);
  return u;
}

/// If `seg` (decoded) is an OData key form `Name('key')`, returns Name and the key with
/// each '' read as '. A lone quote inside means it is not a key literal.
[[nodiscard]] inline std::optional<std::pair<std::string, std::string>> split_key_form(std::string_view seg) {
  const auto open = seg.find("('");
  if (open == std::string_view::npos || open == 0 || seg.size() < open + 4 || !seg.ends_with("')"))
    return std::nullopt;
  const std::string_view inner = seg.substr(open + 2, seg.size() - open - 4);
  std::string key;
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\'') {
      if (i + 1 < inner.size() && inner[i + 1] == '\'') {
        ++i;
      } else {
        return std::nullopt;
      }
    }
    key.push_back(inner[i]);
  }
  return std::pair{std::string(seg.substr(0, open)), std::move(key)};
}

/// The decoded path segments. Splitting happens before decoding, so %2F stays inside its
/// segment; a trailing '/' adds no segment; a key form becomes two segments.
[[nodiscard]] inline std::vector<std::string> path_segments(std::string_view path) {
  std::vector<std::string> out;
  if (path.starts_with('/')) path.remove_prefix(1);
  if (path.ends_with('/')) path.remove_suffix(1);
  if (path.empty()) return out;
  while (true) {
    const auto slash = path.find('/');
    std::string seg = outlook::detail::percent_decode(path.substr(0, slash), false);
    if (seg.size() > 2 && seg.ends_with("()")) seg.resize(seg.size() - 2);  // a function call f() is the segment f
    if (auto key = split_key_form(seg)) {
      out.push_back(std::move(key->first));
      out.push_back(std::move(key->second));
    } else {
      out.push_back(std::move(seg));
    }
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

struct query_param {
  std::string key;  // lower-cased name, for comparison
  std::string name, value;
  [[nodiscard]] std::string text() const { return name + "=" + value; }
  bool operator==(const query_param& o) const { return key == o.key && value == o.value; }
  bool operator<(const query_param& o) const { return key != o.key ? key < o.key : value < o.value; }
};

/// Decoded query pairs, sorted; '+' reads as a space as servers read it.
[[nodiscard]] inline std::vector<query_param> query_params(std::string_view query) {
  std::vector<query_param> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    if (!piece.empty()) {
      const auto eq = piece.find('=');
      query_param p;
      p.name = outlook::detail::percent_decode(piece.substr(0, eq), true);
      if (eq != std::string_view::npos) p.value = outlook::detail::percent_decode(piece.substr(eq + 1), true);
      p.key = lower(p.name);
      out.push_back(std::move(p));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// Splits a header line on commas outside double quotes (a quoted value such as
/// outlook.timezone="A, B" is one item); items are trimmed, empty items dropped.
[[nodiscard]] inline std::vector<std::string_view> header_items(std::string_view line) {
  std::vector<std::string_view> out;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || (!quoted && line[i] == ',')) {
      const auto item = trim(line.substr(start, i - start));
      if (!item.empty()) out.push_back(item);
      start = i + 1;
    } else if (line[i] == '\\' && quoted && i + 1 < line.size()) {
      ++i;  // quoted-pair: the next character cannot end the quote
    } else if (line[i] == '"') {
      quoted = !quoted;
    }
  }
  return out;
}

[[nodiscard]] inline std::string json_text(const boost::json::value& v) { return clip(boost::json::serialize(v)); }

[[nodiscard]] inline std::string pointer_append(const std::string& ptr, std::string_view key) {
  std::string out = ptr + "/";
  for (const char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
  return out;
}

/// JSON numbers are equal by value: 1, 1.0 and an unsigned 1 are the same number.
[[nodiscard]] inline bool numbers_equal(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() || b.is_double()) return a.to_number<double>() == b.to_number<double>();
  const bool a_neg = a.is_int64() && a.get_int64() < 0;
  const bool b_neg = b.is_int64() && b.get_int64() < 0;
  if (a_neg || b_neg) return a_neg && b_neg && a.get_int64() == b.get_int64();
  const auto as_u = [](const boost::json::value& v) {
    return v.is_uint64() ? v.get_uint64() : static_cast<std::uint64_t>(v.get_int64());
  };
  return as_u(a) == as_u(b);
}

/// The first difference between two JSON values (key order ignored), or nullopt.
[[nodiscard]] inline std::optional<std::string> json_diff(const boost::json::value& want, const boost::json::value& got,
                                                          const std::string& ptr) {
  const std::string where = ptr.empty() ? std::string() : "at " + ptr + " ";
  const auto differ = [&] { return where + "expected " + json_text(want) + ", got " + json_text(got); };
  if (want.is_number() && got.is_number()) {
    if (numbers_equal(want, got)) return std::nullopt;
    return differ();
  }
  if (want.kind() != got.kind()) return differ();
  if (want.is_object()) {
    const auto& w = want.get_object();
    const auto& g = got.get_object();
    for (const auto& [key, value] : w) {
      const auto* other = g.if_contains(key);
      if (!other) return "at " + pointer_append(ptr, key) + " expected " + json_text(value) + ", got nothing";
      if (auto d = json_diff(value, *other, pointer_append(ptr, key))) return d;
    }
    for (const auto& [key, value] : g)
      if (!w.contains(key)) return "at " + pointer_append(ptr, key) + " unexpected " + json_text(value);
    return std::nullopt;
  }
  if (want.is_array()) {
    const auto& w = want.get_array();
    const auto& g = got.get_array();
    if (w.size() != g.size())
      return where + "expected " + std::to_string(w.size()) + " elements, got " + std::to_string(g.size());
    for (std::size_t i = 0; i < w.size(); ++i)
      if (auto d = json_diff(w[i], g[i], ptr + "/" + std::to_string(i))) return d;
    return std::nullopt;
  }
  if (want == got) return std::nullopt;
  return differ();
}

[[nodiscard]] inline std::optional<std::string> match_url(std::string_view want_url, std::string_view got_url) {
  const auto want = split_url(want_url);
  const auto got = split_url(got_url);
  if (want.scheme != got.scheme) return "scheme: expected " + want.scheme + ", got " + got.scheme;
  if (want.host != got.host || want.port != got.port)
    return "host: expected " + want.host + ":" + want.port + ", got " + got.host + ":" + got.port;

  const auto ws = path_segments(want.path);
  const auto gs = path_segments(got.path);
  for (std::size_t i = 0; i < std::max(ws.size(), gs.size()); ++i) {
    if (i < ws.size() && i < gs.size() && iequals(ws[i], gs[i])) continue;
    const std::string w = i < ws.size() ? "\"" + clip(ws[i]) + "\"" : "nothing";
    const std::string g = i < gs.size() ? "\"" + clip(gs[i]) + "\"" : "nothing";
    return "path: expected " + clip(std::string(want.path)) + ", got " + clip(std::string(got.path)) + " (segment " +
           std::to_string(i + 1) + ": expected " + w + ", got " + g + ")";
  }

  auto wq = query_params(want.query);
  const auto gq = query_params(got.query);
  // A recorded value <redacted> (an upload URL's authtoken) stands for any value of that
  // name. The exact entries take their sent values first; each <redacted> entry then takes
  // one sent value of its name that is left over (taking one first could take the value an
  // exact entry of the same name needs).
  std::vector<query_param> redacted;
  std::erase_if(wq, [&](const query_param& w) {
    if (w.value != "<redacted>") return false;
    redacted.push_back(w);
    return true;
  });
  std::vector<query_param> missing, extra;
  std::set_difference(wq.begin(), wq.end(), gq.begin(), gq.end(), std::back_inserter(missing));
  std::set_difference(gq.begin(), gq.end(), wq.begin(), wq.end(), std::back_inserter(extra));
  for (const auto& r : redacted) {
    auto sent = std::find_if(extra.begin(), extra.end(), [&](const query_param& g) { return g.key == r.key; });
    if (sent == extra.end()) return "query: expected a " + clip(r.name) + " parameter, got none";
    extra.erase(sent);
  }
  if (!missing.empty()) {
    const auto& m = missing.front();
    const auto same = std::find_if(extra.begin(), extra.end(), [&](const query_param& e) { return e.key == m.key; });
    if (same != extra.end()) return "query: expected " + clip(m.text()) + ", got " + clip(same->text());
    return "query: expected " + clip(m.text()) + ", got no " + clip(m.name) + " parameter";
  }
  if (!extra.empty()) return "query: unexpected " + clip(extra.front().text());
  return std::nullopt;
}

[[nodiscard]] inline bool is_bearer(std::string_view line) {
  line = trim(line);
  return line.size() > 7 && iequals(line.substr(0, 7), "Bearer ") && !trim(line.substr(7)).empty();
}

[[nodiscard]] inline std::optional<std::string> match_header(std::string_view name, const boost::json::value& recorded,
                                                             const http_headers& sent) {
  const auto lines = sent.get_all(name);
  if (iequals(name, "Authorization")) {
    // Only the scheme is checked; the token is never compared, printed or stored.
    if (std::any_of(lines.begin(), lines.end(), is_bearer)) return std::nullopt;
    return "header Authorization: expected a Bearer token, " +
           std::string(lines.empty() ? "none was sent" : "got something else");
  }

  std::vector<std::string_view> candidates;  // whole lines and their comma-separated items
  for (const auto line : lines) {
    candidates.push_back(trim(line));
    const auto items = header_items(line);
    candidates.insert(candidates.end(), items.begin(), items.end());
  }
  const auto has = [&](std::string_view v) {
    return std::find(candidates.begin(), candidates.end(), trim(v)) != candidates.end();
  };
  const auto got_text = [&] {
    if (lines.empty()) return std::string("none was sent");
    std::string s = "got ";
    for (std::size_t i = 0; i < lines.size(); ++i) s += (i ? " | " : "") + std::string(lines[i]);
    return clip(std::move(s), 200);
  };

  if (recorded.is_string()) {
    if (has(recorded.get_string())) return std::nullopt;
    return "header " + std::string(name) + ": expected " + clip(std::string(recorded.get_string())) + ", " +
           got_text();
  }
  for (const auto& item : recorded.get_array()) {
    if (!item.is_string()) continue;  // rejected when the cassette was loaded
    if (!has(item.get_string()))
      return "header " + std::string(name) + ": expected value " + clip(std::string(item.get_string())) + " among " +
             json_text(recorded) + ", " + got_text();
  }
  return std::nullopt;
}

[[nodiscard]] inline std::optional<std::string> match_body(const recorded_request& want, std::string_view body) {
  if (want.body) {
    if (body == *want.body) return std::nullopt;
    return "body: expected " + clip(*want.body) + ", got " + clip(std::string(body));
  }
  if (!want.json) {
    if (body.empty()) return std::nullopt;
    return "body: expected no body, got " + std::to_string(body.size()) + " bytes: " + clip(std::string(body));
  }
  if (body.empty()) return "body: expected JSON " + json_text(*want.json) + ", got no body";
  boost::json::parse_options opts;
  opts.max_depth = cassette_detail::max_depth;
  boost::system::error_code ec;
  const auto got = boost::json::parse(body, ec, {}, opts);
  if (ec) return "body: expected JSON " + json_text(*want.json) + ", got non-JSON " + clip(std::string(body));
  // Normalised as responses are (keys and enum values in any case, date-times as instants,
  // null or [] as absent): the services read request bodies that way.
  if (auto d = json_difference(*want.json, got)) return "body: " + *d;
  return std::nullopt;
}

}  // namespace match_detail

/// nullopt when `sent` matches `recorded`, else a one-line reason such as
/// "query: expected $select=Subject,From, got $select=Subject".
[[nodiscard]] inline std::optional<std::string> mismatch(const recorded_request& recorded, const http_request& sent) {
  if (recorded.method != sent.method) return "method: expected " + recorded.method + ", got " + sent.method;
  if (auto d = match_detail::match_url(recorded.url, sent.url)) return d;
  for (const auto& [name, value] : recorded.headers)
    if (auto d = match_detail::match_header(name, value, sent.headers)) return d;
  for (const auto& name : recorded.absent_headers)
    if (sent.headers.get(name)) return "header " + name + ": must not be sent, but was";
  return match_detail::match_body(recorded, sent.body);
}

}  // namespace outlook::testing
