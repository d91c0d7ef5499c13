// Request dispatch: path and dialect, authentication, mailbox, then the operation.
// Messages and folders live in mail_operations.cpp; this file keeps the plumbing.
//
// SPDX-License-Identifier: BSL-1.0
#include "service.hpp"

#include "batch.hpp"
#include "mail_operations.hpp"
#include "odata.hpp"
#include "service_error.hpp"
#include "time_zones.hpp"
#include "wire.hpp"

#include <outlook/detail/percent.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <cstdio>

namespace outlook::server {
namespace {

std::string uuid(std::mt19937_64& random) {
  const auto a = random();
  const auto b = random();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

http_response error_response(int status, const std::string& code, const std::string& message) {
  boost::json::object err{{"code", code}, {"message", message}};
  http_response r;
  r.status = status;
  r.headers.add("Content-Type", "application/json; charset=utf-8");
  r.body = boost::json::serialize(boost::json::object{{"error", err}});
  return r;
}

/// Path segments, percent-decoded; the key form "name('key')" becomes "name", "key".
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const auto raw = path.substr(start, slash - start);
    start = slash + 1;
    if (raw.empty()) continue;
    std::string seg = outlook::detail::percent_decode(raw, false);
    const auto open = seg.find("('");
    if (open != std::string::npos && seg.size() >= open + 4 && seg.ends_with("')")) {
      std::string key = seg.substr(open + 2, seg.size() - open - 4);
      std::string unq;
      for (std::size_t i = 0; i < key.size(); ++i) {
        unq += key[i];
        if (key[i] == '\'' && i + 1 < key.size() && key[i + 1] == '\'') ++i;
      }
      out.push_back(seg.substr(0, open));
      out.push_back(unq);
    } else {
      if (seg.ends_with("()")) seg.resize(seg.size() - 2);  // "delta()" is "delta"
      out.push_back(std::move(seg));
    }
  }
  return out;
}

prefer_options parse_prefer(const http_headers& headers) {
  prefer_options p;
  for (auto line : headers.get_all("Prefer")) {
    std::size_t start = 0;
    while (start <= line.size()) {
      auto comma = line.find(',', start);
      if (comma == std::string_view::npos) comma = line.size();
      auto item = line.substr(start, comma - start);
      start = comma + 1;
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      const auto eq = item.find('=');
      const auto name = item.substr(0, eq);
      std::string value(eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      if (outlook::iequals(name, "odata.maxpagesize")) {
        try {
          const long n = std::stol(value);
          if (n > 0) p.max_page_size = n;
        } catch (const std::exception&) {
          throw service_error(400, "ErrorInvalidRequest", "Prefer odata.maxpagesize must be a positive number.");
        }
      } else if (outlook::iequals(name, "outlook.body-content-type")) {
        p.body_text = outlook::iequals(value, "text");
      } else if (outlook::iequals(name, "odata.track-changes")) {
        p.track_changes = true;
      } else if (outlook::iequals(name, "IdType")) {
        p.immutable_id = outlook::iequals(value, "ImmutableId");
      } else if (outlook::iequals(name, "outlook.timezone")) {
        p.time_zone = value;
      }
      if (comma == line.size()) break;
    }
  }
  return p;
}

}  // namespace

service::service(store& s, service_options options)
    : store_(s), options_(options), random_(std::random_device{}()) {}

http_response service::handle(const http_request& request, std::string_view origin) {
  const std::string request_id = uuid(random_);
  std::string client_request_id(request.headers.get("client-request-id").value_or(""));
  if (client_request_id.empty()) client_request_id = uuid(random_);

  http_response response;
  try {
    if (options_.throttle_percent > 0 &&
        static_cast<int>(random_() % 100) < options_.throttle_percent) {
      response = error_response(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.");
      response.headers.add("Retry-After", "1");
    } else {
      const std::string_view target = request.url;
      const auto qmark = target.find('?');
      const auto path = target.substr(0, qmark);
      const auto query_string = qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1);

      auto segs = split_path(path);
      if (segs.size() == 2 && segs[0] == "uploads") {
        // An upload URL: its authtoken is the credential, no bearer token.
        response = upload_request(store_, uploads_, request, segs[1], query_string, origin, random_);
        throw response;
      }
      if (segs.size() == 2 && outlook::iequals(segs[0], "v1.0") && segs[1] == "$batch") {
        // Each inner request goes through handle() itself: authentication, throttling, routing.
        response = answer_batch(request, [&](const http_request& inner) { return handle(inner, origin); });
        throw response;
      }
      mail_context ctx{store_, random_};
      ctx.uploads = &uploads_;
      ctx.origin = std::string(origin);
      ctx.path = std::string(path);
      std::size_t i = 0;
      if (segs.size() >= 2 && outlook::iequals(segs[0], "api") &&
          (outlook::iequals(segs[1], "v2.0") || outlook::iequals(segs[1], "beta"))) {
        ctx.d = dialect::outlook_v2;
        ctx.base = "/api/" + segs[1];
        i = 2;
      } else if (!segs.empty() && outlook::iequals(segs[0], "v1.0")) {
        ctx.d = dialect::graph_v1;
        ctx.base = "/v1.0";
        i = 1;
      } else {
        throw service_error(404, "ResourceNotFound", "Unknown API: use /api/v2.0/... (Outlook) or /v1.0/... (Graph).");
      }

      // Authentication: a bearer token of a seeded user, or an app token.
      const auto auth = request.headers.get("Authorization").value_or("");
      std::string_view token;
      if (auth.size() > 7 && outlook::iequals(auth.substr(0, 7), "Bearer ")) token = auth.substr(7);
      std::optional<user_row> caller;
      bool app = false;
      if (!token.empty()) {
        caller = store_.user_by_token(token);
        app = !caller && store_.is_app_token(token);
      }
      if (!caller && !app) {
        response = error_response(401, "InvalidAuthenticationToken",
                                  token.empty() ? "Access token is empty." : "Access token validation failure.");
        response.headers.add("WWW-Authenticate", "Bearer");
        throw response;
      }

      // The mailbox: me, or users/{id or address}.
      if (i < segs.size() && outlook::iequals(segs[i], "me")) {
        if (!caller)
          throw service_error(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
        ctx.mailbox = *caller;
        i += 1;
      } else if (i + 1 < segs.size() && outlook::iequals(segs[i], "users")) {
        auto target_user = store_.find_user(segs[i + 1]);
        if (!target_user)
          throw service_error(404, "ErrorInvalidUser", "The requested user '" + segs[i + 1] + "' is invalid.");
        if (caller && caller->id != target_user->id)
          throw service_error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
        ctx.mailbox = *target_user;
        i += 2;
      } else {
        throw service_error(404, "ResourceNotFound", "Expected 'me' or 'users/{id}' after " + ctx.base + ".");
      }
      ctx.segments.assign(segs.begin() + static_cast<std::ptrdiff_t>(i), segs.end());
      ctx.method = request.method;
      ctx.query = odata::parse_query(query_string);
      ctx.prefer = parse_prefer(request.headers);
      if (!ctx.prefer.time_zone.empty()) {
        ctx.prefer.zone = find_time_zone(ctx.prefer.time_zone);
        if (!ctx.prefer.zone)
          throw service_error(400, "InvalidTimeZone",
                              "The time zone '" + ctx.prefer.time_zone + "' in Prefer: outlook.timezone is not supported.");
      }
      if (!request.body.empty()) {
        boost::system::error_code ec;
        boost::json::parse_options opts;
        opts.max_depth = 64;
        ctx.body = boost::json::parse(request.body, ec, {}, opts);
        if (ec) throw service_error(400, "RequestBodyRead", "The request body is not valid JSON: " + ec.message());
      }
      response = dispatch(ctx);
      if (ctx.prefer.zone && response.status < 300)
        response.headers.add("Preference-Applied", "outlook.timezone=\"" + ctx.prefer.time_zone + "\"");
    }
  } catch (const http_response& r) {
    response = r;
  } catch (const service_error& e) {
    response = error_response(e.status(), e.code(), e.what());
  } catch (const body_error& e) {
    response = error_response(400, "RequestBodyRead", std::string("The request body cannot be read: ") + e.what());
  } catch (const store_error& e) {
    response = error_response(500, "ErrorInternalServerError", e.what());
  } catch (const std::exception& e) {
    response = error_response(500, "ErrorInternalServerError", e.what());
  }
  response.headers.set("request-id", request_id);
  response.headers.set("client-request-id", client_request_id);
  return response;
}

void service::load_seed(const boost::json::value& seed) {
  if (!store_.empty()) return;
  mail_context ctx{store_, random_};
  seed_mailboxes(ctx, seed);
}

}  // namespace outlook::server
