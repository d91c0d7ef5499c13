// outlook-mail benchmarks: deterministic pages of messages, in both dialects.
// SPDX-License-Identifier: BSL-1.0
//
// One generator for every benchmark and its smoke test: the decode benchmark
// (tests/bench), the paging benchmark (bench/) and the files bench/run serves from nginx.
// The same seed gives the same bytes on every run and machine (splitmix64, no locale).
//
// A page looks like the service's: {"@odata.context", "value": [...], "@odata.nextLink"},
// every common message property, an HTML body of about 3.5 KB, 3-5 To and 1-3 Cc
// recipients. The Outlook v2.0 dialect spells members in PascalCase, Graph v1.0 in
// camelCase with lower-case enum members.
//
// checksum_plain() reads a page with boost::json::parse and checksum_typed() reads the
// typed page the library decoded: both fold the same fields, so equal checksums say the
// typed paging saw exactly what a plain parse sees.
#pragma once

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace outlook_bench {

namespace json = boost::json;

enum class dialect { outlook, graph };

/// A small deterministic generator (splitmix64): the same document on every run and machine.
struct rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int between(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1)); }
  template <std::size_t N>
  const char* pick(const char* const (&words)[N]) { return words[next() % N]; }
};

namespace detail {

inline constexpr const char* first_names[] = {"Alex", "Garth", "Megan", "Lidia", "Patti", "Diego", "Isaiah", "Joni", "Lee", "Nestor"};
inline constexpr const char* last_names[] = {"Wilber", "Fort", "Bowen", "Holloway", "Fernandez", "Siciliani", "Langer", "Sherman"};
inline constexpr const char* words[] = {"quarterly", "review", "budget", "meeting", "lunch", "project", "launch", "update",
                                        "design", "notes", "agenda", "follow-up", "customer", "report", "draft", "\u00e9t\u00e9"};

/// Member and enum names are written PascalCase; Graph lowers the first letter.
inline std::string name(dialect d, std::string_view pascal) {
  std::string s(pascal);
  if (d == dialect::graph && !s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

inline std::string id_like(rng& r, std::size_t length) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string s = "AAMkAGI2";
  while (s.size() < length - 1) s += alphabet[r.next() % 64];
  s += '=';
  return s;
}

inline std::string date(rng& r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2024-%02d-%02dT%02d:%02d:%02dZ", r.between(1, 12), r.between(1, 28), r.between(0, 23),
                r.between(0, 59), r.between(0, 59));
  return buf;
}

inline json::object recipient(dialect d, rng& r) {
  std::string first = r.pick(first_names), last = r.pick(last_names);
  json::object address;
  address[name(d, "Name")] = first + " " + last;
  address[name(d, "Address")] = first + "." + last + "@contoso.com";
  json::object o;
  o[name(d, "EmailAddress")] = std::move(address);
  return o;
}

inline json::array recipients(dialect d, rng& r, int lo, int hi) {
  json::array a;
  for (int i = r.between(lo, hi); i > 0; --i) a.push_back(recipient(d, r));
  return a;
}

inline std::string sentence(rng& r, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += r.pick(words);
  }
  return s;
}

/// About `size` bytes of HTML, with the quotes, slashes and newlines a real body has.
inline std::string html(rng& r, std::size_t size) {
  std::string s = "<html>\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n<body>\r\n";
  while (s.size() < size) {
    s += "<div style=\"font-family:Calibri,Arial,sans-serif; font-size:11pt\"><p>";
    s += sentence(r, r.between(8, 20));
    s += ".</p></div>\r\n";
  }
  s += "</body>\r\n</html>\r\n";
  return s;
}

inline json::object body(dialect d, std::string content) {
  json::object b;
  b[name(d, "ContentType")] = d == dialect::graph ? "html" : "HTML";
  b[name(d, "Content")] = std::move(content);
  return b;
}

inline json::object message(dialect d, rng& r, int index, std::size_t body_size) {
  auto n = [d](std::string_view pascal) { return name(d, pascal); };
  const std::string id = id_like(r, 152);
  const std::string received = date(r);
  json::object m;
  if (d == dialect::outlook)
    m["@odata.id"] = "https://outlook.office.com/api/v2.0/Users('ddfcd489-628b-40d7-b48b-57002df800e5@1717622f-1d94-4d0c-9d74-709fad664b77')/Messages('" + id + "')";
  m["@odata.etag"] = "W/\"CQAAABYAAAAB" + id_like(r, 28) + "\"";
  m[n("Id")] = id;
  m[n("CreatedDateTime")] = received;
  m[n("LastModifiedDateTime")] = date(r);
  m[n("ChangeKey")] = "CQAAABYAAAAB" + id_like(r, 28);
  json::array categories;
  for (int i = r.between(0, 2); i > 0; --i) categories.push_back(json::string(r.pick(words)));
  m[n("Categories")] = std::move(categories);
  m[n("ReceivedDateTime")] = received;
  m[n("SentDateTime")] = received;
  m[n("HasAttachments")] = r.between(0, 3) == 0;
  m[n("InternetMessageId")] = "<" + id_like(r, 40) + "@" + "CY4PR04MB0001.namprd04.prod.outlook.com>";
  m[n("Subject")] = "RE: " + sentence(r, r.between(3, 8)) + " #" + std::to_string(index);
  m[n("BodyPreview")] = sentence(r, 30).substr(0, 255);
  constexpr const char* importance[] = {"Low", "Normal", "High"};
  m[n("Importance")] = n(r.pick(importance));
  m[n("ParentFolderId")] = id_like(r, 120);
  m[n("ConversationId")] = id_like(r, 116);
  m[n("IsDeliveryReceiptRequested")] = false;
  m[n("IsReadReceiptRequested")] = r.between(0, 9) == 0;
  m[n("IsRead")] = r.between(0, 1) == 1;
  m[n("IsDraft")] = false;
  m[n("WebLink")] = "https://outlook.office.com/owa/?ItemID=" + id + "&exvsurl=1&viewmodel=ReadMessageItem";
  constexpr const char* inference[] = {"Focused", "Other"};
  m[n("InferenceClassification")] = n(r.pick(inference));
  m[n("Body")] = body(d, html(r, body_size));
  m[n("UniqueBody")] = body(d, "<html><body><p>" + sentence(r, 12) + ".</p></body></html>");
  auto from = recipient(d, r);
  m[n("Sender")] = from;
  m[n("From")] = from;
  m[n("ToRecipients")] = recipients(d, r, 3, 5);
  m[n("CcRecipients")] = recipients(d, r, 1, 3);
  m[n("BccRecipients")] = json::array();
  m[n("ReplyTo")] = json::array();
  constexpr const char* flag[] = {"NotFlagged", "Flagged", "Complete"};
  json::object flag_object;
  flag_object[n("FlagStatus")] = n(r.pick(flag));
  m[n("Flag")] = std::move(flag_object);
  return m;
}

}  // namespace detail

/// What to generate: `count` messages from `seed`, bodies of about `body_size` bytes of
/// HTML, and the @odata.nextLink to write (none on the last page of a chain).
struct page_spec {
  dialect kind = dialect::outlook;
  int count = 1000;
  std::uint64_t seed = 20240115;
  std::size_t body_size = 3300;
  std::optional<std::string> next_link{};
};

/// One page as the service would send it (compact JSON, members in a fixed order).
inline std::string make_page(const page_spec& spec) {
  rng r{spec.seed};
  json::array value;
  value.reserve(static_cast<std::size_t>(spec.count));
  for (int i = 0; i < spec.count; ++i) value.push_back(detail::message(spec.kind, r, i, spec.body_size));
  json::object page;
  page["@odata.context"] = spec.kind == dialect::graph
                               ? "https://graph.microsoft.com/v1.0/$metadata#users('ddfcd489-628b-40d7-b48b-57002df800e5')/messages"
                               : "https://outlook.office.com/api/v2.0/$metadata#Me/MailFolders('Inbox')/Messages";
  page["value"] = std::move(value);
  if (spec.next_link) page["@odata.nextLink"] = *spec.next_link;
  return json::serialize(page);
}

/// FNV-1a over the fields both checksums read, with a separator so that moving bytes from
/// one field to the next changes the sum.
struct checksum {
  std::uint64_t value = 1469598103934665603ULL;
  std::uint64_t messages = 0;
  void add(std::string_view s) {
    for (unsigned char c : s) value = (value ^ c) * 1099511628211ULL;
    value = (value ^ 0xffu) * 1099511628211ULL;
  }
  bool operator==(const checksum&) const = default;
};

/// Folds one page read with boost::json::parse: per message its ID, subject, body content
/// and the address of every To recipient.
inline void checksum_plain(dialect d, std::string_view text, checksum& sum) {
  auto n = [d](std::string_view pascal) { return detail::name(d, pascal); };
  const json::value page = json::parse(text);
  for (const auto& item : page.at("value").as_array()) {
    const auto& m = item.as_object();
    auto str = [](const json::value& v) { return std::string_view(v.as_string().data(), v.as_string().size()); };
    sum.add(str(m.at(n("Id"))));
    sum.add(str(m.at(n("Subject"))));
    sum.add(str(m.at(n("Body")).at(n("Content"))));
    for (const auto& to : m.at(n("ToRecipients")).as_array()) sum.add(str(to.at(n("EmailAddress")).at(n("Address"))));
    ++sum.messages;
  }
}

/// The same fields of a typed message (outlook::mail::message or outlook::graph::message).
template <class Message>
inline void checksum_typed(const Message& m, checksum& sum) {
  sum.add(m.id.value_or(""));
  sum.add(m.subject.value_or(""));
  sum.add(m.body && m.body->content ? std::string_view(*m.body->content) : std::string_view());
  for (const auto& to : m.to_recipients)
    sum.add(to.email_address && to.email_address->address ? std::string_view(*to.email_address->address) : std::string_view());
  ++sum.messages;
}

}  // namespace outlook_bench
