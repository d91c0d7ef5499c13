// POST /v1.0/$batch: reads the batch, runs each inner request through the service's routing
// (handle_one) in request order, honours dependsOn, and writes Graph's answer shape.
//
// SPDX-License-Identifier: BSL-1.0
#include "batch.hpp"

#include "service_error.hpp"

#include <outlook/base64.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace outlook::server {
namespace {

struct inner_request {
  std::string id;
  http_request request;
  std::vector<std::size_t> depends_on;  // indexes of earlier requests
};

[[noreturn]] void bad_batch(const std::string& message) { throw service_error(400, "BadRequest", message); }

bool is_json(std::string_view content_type) {
  return content_type.find("application/json") != std::string_view::npos || content_type.find("+json") != std::string_view::npos;
}

std::vector<inner_request> read_batch(const http_request& batch) {
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 64;
  const auto doc = boost::json::parse(batch.body, ec, {}, opts);
  if (ec || !doc.is_object()) bad_batch("Invalid batch payload format: the body must be a JSON object.");
  const auto* requests = doc.get_object().if_contains("requests");
  if (!requests || !requests->is_array()) bad_batch("Invalid batch payload format: \"requests\" must be an array.");
  const auto& list = requests->get_array();
  if (list.empty()) bad_batch("A batch must hold at least one request.");
  if (list.size() > max_batch_requests)
    bad_batch("Number of requests exceeds the limit of " + std::to_string(max_batch_requests) + ".");

  std::vector<inner_request> out;
  for (const auto& item : list) {
    const auto* o = item.if_object();
    if (!o) bad_batch("Each batch request must be a JSON object.");
    auto text = [&](std::string_view name) -> std::string {
      const auto* v = o->if_contains(name);
      if (!v || !v->is_string() || v->get_string().empty())
        bad_batch("Each batch request needs a non-empty string \"" + std::string(name) + "\".");
      return std::string(v->get_string());
    };
    inner_request r;
    r.id = text("id");
    for (const auto& earlier : out)
      if (outlook::iequals(earlier.id, r.id)) bad_batch("The batch request id '" + r.id + "' is used twice.");
    r.request.method = text("method");
    const std::string url = text("url");
    if (url.find("://") != std::string::npos || url.starts_with("//"))
      bad_batch("Batch request '" + r.id + "': the url must be relative to /v1.0.");
    r.request.url = "/v1.0" + std::string(url.front() == '/' ? "" : "/") + url;
    if (r.request.url.starts_with("/v1.0/$batch")) bad_batch("A batch cannot hold another batch.");

    if (const auto* h = o->if_contains("headers"); h && !h->is_null()) {
      if (!h->is_object()) bad_batch("Batch request '" + r.id + "': headers must be an object.");
      for (const auto& kv : h->get_object()) {
        if (!kv.value().is_string()) bad_batch("Batch request '" + r.id + "': header values must be strings.");
        // The outer request's credential speaks for every inner request.
        if (outlook::iequals(kv.key(), "Authorization")) continue;
        r.request.headers.add(std::string(kv.key()), std::string(kv.value().get_string()));
      }
    }
    if (const auto* b = o->if_contains("body"); b && !b->is_null()) {
      const auto type = r.request.headers.get("Content-Type");
      if (!type) bad_batch("Batch request '" + r.id + "' has a body but no Content-Type header.");
      if (is_json(*type)) {
        r.request.body = boost::json::serialize(*b);
      } else {
        // Graph takes a non-JSON body as base64 text.
        const auto decoded = b->is_string() ? outlook::base64_decode(b->get_string()) : std::nullopt;
        if (!decoded) bad_batch("Batch request '" + r.id + "': a non-JSON body must be base64 text.");
        r.request.body.assign(reinterpret_cast<const char*>(decoded->data()), decoded->size());
      }
    }
    if (const auto* d = o->if_contains("dependsOn"); d && !d->is_null()) {
      if (!d->is_array()) bad_batch("Batch request '" + r.id + "': dependsOn must be an array of ids.");
      for (const auto& dep : d->get_array()) {
        const auto it = std::find_if(out.begin(), out.end(), [&](const inner_request& e) {
          return dep.is_string() && outlook::iequals(e.id, dep.get_string());
        });
        if (it == out.end())
          bad_batch("Batch request '" + r.id + "' depends on a request that is not earlier in the batch.");
        r.depends_on.push_back(static_cast<std::size_t>(it - out.begin()));
      }
    }
    for (const char* name : {"Authorization", "client-request-id"})
      if (auto v = batch.headers.get(name)) r.request.headers.set(name, std::string(*v));
    out.push_back(std::move(r));
  }
  return out;
}

boost::json::object answer_of(const std::string& id, const http_response& r) {
  boost::json::object o;
  o["id"] = id;
  o["status"] = r.status;
  boost::json::object headers;
  for (const auto& [name, value] : r.headers) headers[name] = value;
  o["headers"] = std::move(headers);
  if (!r.body.empty()) {
    boost::system::error_code ec;
    auto body = is_json(r.headers.get("Content-Type").value_or("")) ? boost::json::parse(r.body, ec) : boost::json::value();
    if (!ec && !body.is_null()) {
      o["body"] = std::move(body);
    } else {
      const auto* p = reinterpret_cast<const std::byte*>(r.body.data());
      o["body"] = outlook::base64_encode(outlook::bytes(p, p + r.body.size()));
    }
  }
  return o;
}

}  // namespace

http_response answer_batch(const http_request& batch, const std::function<http_response(const http_request&)>& handle_one) {
  if (batch.method != "POST") throw service_error(405, "BadRequest", "A batch is sent with POST.");
  const auto requests = read_batch(batch);
  std::vector<int> status(requests.size(), 0);
  boost::json::array answers;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    const bool prerequisites_ok = std::all_of(r.depends_on.begin(), r.depends_on.end(),
                                              [&](std::size_t d) { return status[d] >= 200 && status[d] < 300; });
    http_response answer;
    if (prerequisites_ok) {
      answer = handle_one(r.request);
    } else {
      answer.status = 424;
      answer.headers.add("Content-Type", "application/json");
      answer.body = R"({"error":{"code":"FailedDependency","message":"A request this one depends on did not succeed."}})";
    }
    status[i] = answer.status;
    answers.emplace_back(answer_of(r.id, answer));
  }
  http_response out;
  out.status = 200;
  out.headers.add("Content-Type", "application/json; charset=utf-8");
  out.body = boost::json::serialize(boost::json::object{{"responses", std::move(answers)}});
  return out;
}

}  // namespace outlook::server
