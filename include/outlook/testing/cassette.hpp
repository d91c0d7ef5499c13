// outlook-mail: cassettes, recorded HTTP exchanges (format in the design notes, "Cassettes").
// SPDX-License-Identifier: BSL-1.0
//
// This header only loads and validates the file; matching lives in request_matcher.hpp
// and playback in replay_transport.hpp. A malformed cassette is a decode_error whose
// pointer names the offending member, so a broken fixture says where it is broken.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "outlook/error.hpp"
#include "outlook/http.hpp"

namespace outlook::testing {

/// What the client is expected to send.
struct recorded_request {
  std::string method, url;
  /// Header name -> string, or array of strings (see request_matcher.hpp).
  boost::json::object headers;
  /// The JSON body; nullopt (recorded as null or left out) => the request has no body.
  std::optional<boost::json::value> json;
  /// A body that is not JSON, compared byte for byte (the recorder writes it as "body").
  std::optional<std::string> body;
  /// Headers that must not be sent ("absent_headers": ["Authorization"] on an upload URL).
  std::vector<std::string> absent_headers;
};

/// What the service answered, or how the connection failed.
struct recorded_response {
  int status = 0;
  http_headers headers;
  std::optional<boost::json::value> json;  // nullopt when recorded as null or left out
  std::optional<std::string> body;         // raw text instead of json
  std::optional<std::string> transport_error;  // "reset" | "timeout"
};

struct interaction {
  std::optional<recorded_request> request;  // left out in decode-only cassettes
  recorded_response response;
};

struct cassette {
  std::string path, description;
  boost::json::object raw;  // the whole file, for "call", "decode", "expect"
  std::vector<interaction> interactions;
  boost::json::value expect_error;  // expect.error, null when the call must succeed
};

/// The body the replayed response carries: the raw "body" if given, else the JSON
/// serialized, else nothing.
[[nodiscard]] inline std::string response_body_text(const recorded_response& r) {
  if (r.body) return *r.body;
  if (r.json) return boost::json::serialize(*r.json);
  return {};
}

namespace cassette_detail {

// Deep enough for any real payload and for fixtures that test the client's own 64-level
// limit; the parser itself is not recursive, so this only bounds memory and destruction.
inline constexpr std::size_t max_depth = 512;

[[noreturn]] inline void fail(const std::string& file, std::string pointer, const std::string& problem) {
  throw decode_error(std::move(pointer), "cassette " + file + ": " + problem);
}

class reader {
 public:
  explicit reader(std::string file) : file_(std::move(file)) {}

  const boost::json::object& object(const boost::json::value& v, const std::string& ptr) const {
    if (!v.is_object()) fail(file_, ptr, "expected an object");
    return v.get_object();
  }

  const boost::json::value* member(const boost::json::object& o, std::string_view key) const {
    return o.if_contains(key);
  }

  std::string string(const boost::json::object& o, std::string_view key, const std::string& ptr,
                     bool required) const {
    const auto* v = o.if_contains(key);
    if (!v) {
      if (required) fail(file_, ptr + "/" + std::string(key), "missing required string");
      return {};
    }
    if (!v->is_string()) fail(file_, ptr + "/" + std::string(key), "expected a string");
    return std::string(v->get_string());
  }

  std::optional<std::string> optional_string(const boost::json::object& o, std::string_view key,
                                             const std::string& ptr) const {
    const auto* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) fail(file_, ptr + "/" + std::string(key), "expected a string");
    return std::string(v->get_string());
  }

  // Header values are a string or an array of strings; anything else is a typo.
  void check_headers(const boost::json::object& h, const std::string& ptr) const {
    for (const auto& [name, value] : h) {
      const std::string p = ptr + "/" + std::string(name);
      if (value.is_string()) continue;
      if (!value.is_array()) fail(file_, p, "a header value must be a string or an array of strings");
      for (const auto& item : value.get_array())
        if (!item.is_string()) fail(file_, p, "a header value must be a string or an array of strings");
    }
  }

  recorded_request request(const boost::json::value& v, const std::string& ptr) const {
    const auto& o = object(v, ptr);
    recorded_request r;
    r.method = string(o, "method", ptr, true);
    r.url = string(o, "url", ptr, true);
    if (r.method.empty()) fail(file_, ptr + "/method", "empty method");
    if (const auto* h = member(o, "headers"); h && !h->is_null()) {
      r.headers = object(*h, ptr + "/headers");
      check_headers(r.headers, ptr + "/headers");
    }
    if (const auto* j = member(o, "json"); j && !j->is_null()) r.json = *j;
    r.body = optional_string(o, "body", ptr);
    if (r.json && r.body) fail(file_, ptr, "a request has either \"json\" or \"body\", not both");
    if (const auto* a = member(o, "absent_headers"); a && !a->is_null()) {
      if (!a->is_array()) fail(file_, ptr + "/absent_headers", "expected an array of header names");
      for (const auto& n : a->get_array()) {
        if (!n.is_string()) fail(file_, ptr + "/absent_headers", "expected an array of header names");
        r.absent_headers.emplace_back(n.get_string());
      }
    }
    return r;
  }

  recorded_response response(const boost::json::value& v, const std::string& ptr) const {
    const auto& o = object(v, ptr);
    recorded_response r;
    r.transport_error = optional_string(o, "transport_error", ptr);
    if (r.transport_error) {
      if (*r.transport_error != "reset" && *r.transport_error != "timeout")
        fail(file_, ptr + "/transport_error", "expected \"reset\" or \"timeout\"");
      return r;  // a failed connection has nothing else
    }
    const auto* s = member(o, "status");
    if (!s) fail(file_, ptr + "/status", "missing required status");
    const auto status = s->if_int64();
    if (!status || *status < 100 || *status > 999) fail(file_, ptr + "/status", "expected an HTTP status code");
    r.status = static_cast<int>(*status);
    if (const auto* h = member(o, "headers"); h && !h->is_null()) {
      const auto& headers = object(*h, ptr + "/headers");
      check_headers(headers, ptr + "/headers");
      for (const auto& [name, value] : headers) {
        if (value.is_string()) {
          r.headers.add(std::string(name), std::string(value.get_string()));
        } else {
          for (const auto& item : value.get_array()) r.headers.add(std::string(name), std::string(item.get_string()));
        }
      }
    }
    if (const auto* j = member(o, "json"); j && !j->is_null()) r.json = *j;
    r.body = optional_string(o, "body", ptr);
    if (r.json && r.body) fail(file_, ptr, "a response has either \"json\" or \"body\", not both");
    return r;
  }

 private:
  std::string file_;
};

}  // namespace cassette_detail

/// Validates the text of one cassette; `name` is the file named in errors. Throws
/// outlook::decode_error naming it and the JSON pointer of the problem when malformed.
[[nodiscard]] inline cassette parse_cassette(std::string_view text, const std::string& name) {
  boost::json::parse_options opts;
  opts.max_depth = cassette_detail::max_depth;
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(text, ec, {}, opts);
  if (ec) cassette_detail::fail(name, "", "not valid JSON (" + ec.message() + ")");

  const cassette_detail::reader rd(name);
  cassette c;
  c.path = name;
  c.raw = rd.object(doc, "");
  c.description = rd.string(c.raw, "description", "", false);

  const auto* list = c.raw.if_contains("interactions");
  if (!list || !list->is_array()) cassette_detail::fail(name, "/interactions", "expected an array of interactions");
  std::size_t index = 0;
  for (const auto& item : list->get_array()) {
    const std::string ptr = "/interactions/" + std::to_string(index++);
    const auto& o = rd.object(item, ptr);
    interaction x;
    if (const auto* rq = o.if_contains("request"); rq && !rq->is_null()) x.request = rd.request(*rq, ptr + "/request");
    const auto* rs = o.if_contains("response");
    if (!rs) cassette_detail::fail(name, ptr + "/response", "missing required response");
    x.response = rd.response(*rs, ptr + "/response");
    c.interactions.push_back(std::move(x));
  }

  if (const auto* e = c.raw.if_contains("expect"); e && !e->is_null()) {
    const auto& expect = rd.object(*e, "/expect");
    if (const auto* err = expect.if_contains("error")) {
      if (!err->is_null()) rd.object(*err, "/expect/error");
      c.expect_error = *err;
    }
  }
  return c;
}

/// Reads and validates one cassette. Throws outlook::decode_error naming the file and
/// the JSON pointer of the problem when the file cannot be read or is malformed.
[[nodiscard]] inline cassette load_cassette(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) cassette_detail::fail(name, "", "cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) cassette_detail::fail(name, "", "cannot read the file");
  return parse_cassette(text.str(), name);
}

/// Every *.json file under the given directories (recursively), each directory's files
/// sorted by path so runs are reproducible. A directory that does not exist is skipped;
/// a path naming a file is taken as it is.
[[nodiscard]] inline std::vector<std::filesystem::path> find_cassettes(const std::vector<std::filesystem::path>& dirs) {
  namespace fs = std::filesystem;
  std::vector<fs::path> all;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (fs::is_regular_file(dir, ec)) {
      all.push_back(dir);
      continue;
    }
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> found;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == ".json") found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    all.insert(all.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
  }
  return all;
}

/// The default fixture directory followed by each entry of OUTLOOK_FIXTURE_DIRS
/// (':'-separated; empty entries are ignored).
[[nodiscard]] inline std::vector<std::filesystem::path> cassette_dirs_from_env(const std::filesystem::path& default_dir) {
  std::vector<std::filesystem::path> dirs{default_dir};
  const char* env = std::getenv("OUTLOOK_FIXTURE_DIRS");
  if (!env) return dirs;
  std::string_view rest(env);
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const auto piece = rest.substr(0, colon);
    if (!piece.empty()) dirs.emplace_back(std::string(piece));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return dirs;
}

}  // namespace outlook::testing
