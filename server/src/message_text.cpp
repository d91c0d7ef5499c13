// SPDX-License-Identifier: BSL-1.0
#include "message_text.hpp"

#include "odata.hpp"

#include <outlook/http.hpp>

#include <cctype>

namespace outlook::server {
namespace {

std::string string_at(const boost::json::object& o, std::string_view path) {
  const auto* v = odata::lookup(o, path);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool is_html(const boost::json::object& m) { return outlook::iequals(string_at(m, "body/contentType"), "html"); }

std::string escape_html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string recipients_text(const boost::json::object& m, std::string_view member) {
  std::string out;
  const auto* list = odata::lookup(m, member);
  if (!list || !list->is_array()) return out;
  for (const auto& r : list->as_array()) {
    if (!r.is_object()) continue;
    const auto name = string_at(r.as_object(), "emailAddress/name");
    const auto address = string_at(r.as_object(), "emailAddress/address");
    if (!out.empty()) out += "; ";
    out += name.empty() ? address : name + " <" + address + ">";
  }
  return out;
}

}  // namespace

std::string html_to_text(std::string_view html) {
  std::string out;
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      const auto close = html.find('>', i);
      if (close == std::string_view::npos) break;
      std::string tag(html.substr(i + 1, close - i - 1));
      for (auto& t : tag) t = static_cast<char>(std::tolower(static_cast<unsigned char>(t)));
      const bool skip_content = tag.starts_with("style") || tag.starts_with("script") || tag.starts_with("head");
      if (tag.starts_with("br") || tag.starts_with("/p") || tag.starts_with("/div") || tag.starts_with("hr")) out += '\n';
      i = close + 1;
      if (skip_content) {
        const auto end = html.find("</" + tag.substr(0, tag.find_first_of(" >")), i);
        i = end == std::string_view::npos ? html.size() : html.find('>', end) + 1;
      }
      continue;
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, char> entities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&nbsp;", ' '}};
      bool done = false;
      for (const auto& [name, ch] : entities) {
        if (html.substr(i, name.size()) == name) {
          out += ch;
          i += name.size();
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out += c;
    ++i;
  }
  // Trim leading/trailing whitespace.
  const auto first = out.find_first_not_of(" \r\n\t");
  const auto last = out.find_last_not_of(" \r\n\t");
  return first == std::string::npos ? std::string() : out.substr(first, last - first + 1);
}

std::string body_preview(const boost::json::object& m) {
  std::string text = string_at(m, "body/content");
  if (is_html(m)) text = html_to_text(text);
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= 255) break;
  }
  // Do not cut a UTF-8 sequence in half.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
  return out;
}

void body_as_text(boost::json::object& m) {
  auto it = m.find("body");
  if (it == m.end() || !it->value().is_object()) return;
  if (!is_html(m)) return;
  auto& body = it->value().as_object();
  body["content"] = html_to_text(string_at(m, "body/content"));
  body["contentType"] = "text";
}

boost::json::object quoted_body(const boost::json::object& original, std::string_view comment) {
  const bool html = is_html(original);
  const std::string from_name = string_at(original, "from/emailAddress/name");
  const std::string from_address = string_at(original, "from/emailAddress/address");
  const std::string from = from_name.empty() ? from_address : from_name + " <" + from_address + ">";
  std::string sent = string_at(original, "sentDateTime");
  if (sent.empty()) sent = string_at(original, "receivedDateTime");
  const std::string to = recipients_text(original, "toRecipients");
  const std::string cc = recipients_text(original, "ccRecipients");
  const std::string subject = string_at(original, "subject");
  const std::string content = string_at(original, "body/content");
  std::string out;
  if (html) {
    out = "<html><body><div>" + escape_html(comment) + "</div><hr><div id=\"divRplyFwdMsg\"><b>From:</b> " +
          escape_html(from) + "<br><b>Sent:</b> " + escape_html(sent) + "<br><b>To:</b> " + escape_html(to) + "<br>" +
          (cc.empty() ? "" : "<b>Cc:</b> " + escape_html(cc) + "<br>") + "<b>Subject:</b> " + escape_html(subject) +
          "</div><br>" + content + "</body></html>";
  } else {
    out = std::string(comment) + "\n\n________________________________\nFrom: " + from + "\nSent: " + sent +
          "\nTo: " + to + "\n" + (cc.empty() ? "" : "Cc: " + cc + "\n") + "Subject: " + subject + "\n\n" + content;
  }
  return {{"contentType", html ? "html" : "text"}, {"content", out}};
}

std::string prefixed_subject(std::string_view prefix, std::string_view subject) {
  if (subject.size() >= prefix.size() && outlook::iequals(subject.substr(0, prefix.size()), prefix))
    return std::string(subject);
  return std::string(prefix) + " " + std::string(subject);
}

}  // namespace outlook::server
