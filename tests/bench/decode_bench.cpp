// outlook-mail: decode/encode throughput of a page of 1,000 full messages.
// SPDX-License-Identifier: BSL-1.0
//
// Compares the typed decode (outlook::decode_text<page<poly<message>>>) with a bare
// boost::json::parse using the default allocator, and the typed re-encode
// (outlook::encode_value + serialize) with serializing the parsed DOM. Every figure is
// the best of N runs, measured in the same process on the same generated document, and
// each run includes destroying what it produced (the DOM, or the typed page). Times are
// the thread's CPU time (POSIX clock_gettime), so that other processes' slices on a shared
// machine do not count.
//
// Usage: outlook_mail_decode_bench [iterations=15] [messages=1000]
// Exits non-zero only when the decode or the round trip is wrong, never because of timing.
#include <outlook/mail/message.hpp>
#include <outlook/page.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <string>
#include <utility>

namespace json = boost::json;

namespace {

using message_page = outlook::page<outlook::poly<outlook::mail::message>>;

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

constexpr const char* first_names[] = {"Alex", "Garth", "Megan", "Lidia", "Patti", "Diego", "Isaiah", "Joni", "Lee", "Nestor"};
constexpr const char* last_names[] = {"Wilber", "Fort", "Bowen", "Holloway", "Fernandez", "Siciliani", "Langer", "Sherman"};
constexpr const char* words[] = {"quarterly", "review", "budget", "meeting", "lunch", "project", "launch", "update",
                                 "design", "notes", "agenda", "follow-up", "customer", "report", "draft", "\u00e9t\u00e9"};

std::string id_like(rng& r, std::size_t length) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string s = "AAMkAGI2";
  while (s.size() < length - 1) s += alphabet[r.next() % 64];
  s += '=';
  return s;
}

std::string date(rng& r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2024-%02d-%02dT%02d:%02d:%02dZ", r.between(1, 12), r.between(1, 28), r.between(0, 23),
                r.between(0, 59), r.between(0, 59));
  return buf;
}

json::object recipient(rng& r) {
  std::string first = r.pick(first_names), last = r.pick(last_names);
  return {{"EmailAddress", {{"Name", first + " " + last}, {"Address", first + "." + last + "@contoso.com"}}}};
}

json::array recipients(rng& r, int lo, int hi) {
  json::array a;
  for (int i = r.between(lo, hi); i > 0; --i) a.push_back(recipient(r));
  return a;
}

std::string sentence(rng& r, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += r.pick(words);
  }
  return s;
}

/// About `size` bytes of HTML, with the quotes, slashes and newlines a real body has.
std::string html(rng& r, std::size_t size) {
  std::string s = "<html>\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n<body>\r\n";
  while (s.size() < size) {
    s += "<div style=\"font-family:Calibri,Arial,sans-serif; font-size:11pt\"><p>";
    s += sentence(r, r.between(8, 20));
    s += ".</p></div>\r\n";
  }
  s += "</body>\r\n</html>\r\n";
  return s;
}

json::object message(rng& r, int index) {
  const std::string id = id_like(r, 152);
  const std::string received = date(r);
  json::object m;
  m["@odata.id"] = "https://outlook.office.com/api/v2.0/Users('ddfcd489-628b-40d7-b48b-57002df800e5@1717622f-1d94-4d0c-9d74-709fad664b77')/Messages('" + id + "')";
  m["@odata.etag"] = "W/\"CQAAABYAAAAB" + id_like(r, 28) + "\"";
  m["Id"] = id;
  m["CreatedDateTime"] = received;
  m["LastModifiedDateTime"] = date(r);
  m["ChangeKey"] = "CQAAABYAAAAB" + id_like(r, 28);
  json::array categories;
  for (int i = r.between(0, 2); i > 0; --i) categories.push_back(json::string(r.pick(words)));
  m["Categories"] = std::move(categories);
  m["ReceivedDateTime"] = received;
  m["SentDateTime"] = received;
  m["HasAttachments"] = r.between(0, 3) == 0;
  m["InternetMessageId"] = "<" + id_like(r, 40) + "@" + "CY4PR04MB0001.namprd04.prod.outlook.com>";
  m["Subject"] = "RE: " + sentence(r, r.between(3, 8)) + " #" + std::to_string(index);
  m["BodyPreview"] = sentence(r, 30).substr(0, 255);
  constexpr const char* importance[] = {"Low", "Normal", "High"};
  m["Importance"] = r.pick(importance);
  m["ParentFolderId"] = id_like(r, 120);
  m["ConversationId"] = id_like(r, 116);
  m["IsDeliveryReceiptRequested"] = false;
  m["IsReadReceiptRequested"] = r.between(0, 9) == 0;
  m["IsRead"] = r.between(0, 1) == 1;
  m["IsDraft"] = false;
  m["WebLink"] = "https://outlook.office.com/owa/?ItemID=" + id + "&exvsurl=1&viewmodel=ReadMessageItem";
  constexpr const char* inference[] = {"Focused", "Other"};
  m["InferenceClassification"] = r.pick(inference);
  m["Body"] = {{"ContentType", "HTML"}, {"Content", html(r, 3300)}};
  m["UniqueBody"] = {{"ContentType", "HTML"}, {"Content", "<html><body><p>" + sentence(r, 12) + ".</p></body></html>"}};
  auto from = recipient(r);
  m["Sender"] = from;
  m["From"] = from;
  m["ToRecipients"] = recipients(r, 3, 5);
  m["CcRecipients"] = recipients(r, 1, 3);
  m["BccRecipients"] = json::array();
  m["ReplyTo"] = json::array();
  constexpr const char* flag[] = {"NotFlagged", "Flagged", "Complete"};
  m["Flag"] = {{"FlagStatus", r.pick(flag)}};
  return m;
}

std::string make_page(int count) {
  rng r{20240115};
  json::array value;
  value.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) value.push_back(message(r, i));
  json::object page;
  page["@odata.context"] = "https://outlook.office.com/api/v2.0/$metadata#Me/MailFolders('Inbox')/Messages";
  page["value"] = std::move(value);
  page["@odata.nextLink"] = "https://outlook.office.com/api/v2.0/me/MailFolders('Inbox')/messages?%24top=" +
                            std::to_string(count) + "&%24skip=" + std::to_string(count);
  return json::serialize(page);
}

/// CPU time of this thread, in seconds. On a shared machine the wall clock also counts the
/// slices given to other processes; on an idle one both agree.
double thread_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Best time, in seconds of thread CPU time, of `runs` calls of each of f and g. The calls
/// alternate, so that a burst of load from other processes (cache and memory bandwidth
/// taken) hits both sides of a comparison alike.
template <class F, class G>
std::pair<double, double> best_of(int runs, F&& f, G&& g) {
  auto time = [](auto& fn) {
    const double t0 = thread_seconds();
    fn();
    return thread_seconds() - t0;
  };
  double best_f = 1e300, best_g = 1e300;
  for (int i = 0; i < runs; ++i) {
    best_f = std::min(best_f, time(f));
    best_g = std::min(best_g, time(g));
  }
  return {best_f, best_g};
}

// Results are folded into this so the optimizer cannot drop the work being measured.
volatile std::size_t sink = 0;

}  // namespace

int main(int argc, char** argv) try {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 15;
  const int count = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1000;

  const std::string text = make_page(count);
  const double mb = static_cast<double>(text.size()) / 1e6;
  std::printf("document: %d messages, %zu bytes (%.2f MB); best of %d runs\n", count, text.size(), mb, runs);

  // Check once that the typed decode is complete and re-encodes to the same JSON
  // (object comparison ignores member order; the encoder leaves out empty collections).
  const json::value dom = json::parse(text);
  const auto typed = outlook::decode_text<message_page>(text);
  json::value expected = dom;
  for (auto& m : expected.at("value").as_array())
    for (auto it = m.as_object().begin(); it != m.as_object().end();)
      it = it->value().is_array() && it->value().as_array().empty() ? m.as_object().erase(it) : it + 1;
  if (typed.value.size() != static_cast<std::size_t>(count) || !typed.next_link ||
      json::value(outlook::encode_value(typed)) != expected) {
    std::fprintf(stderr, "FAIL: the typed page does not round-trip to the parsed document\n");
    return 1;
  }

  const auto [parse_s, decode_s] = best_of(
      runs,
      [&] {
        json::value v = json::parse(text);
        sink = sink + v.as_object().size();
      },
      [&] {
        auto p = outlook::decode_text<message_page>(text);
        sink = sink + p.value.size();
      });
  std::size_t encoded_size = 0;
  const auto [serialize_s, encode_s] = best_of(
      runs,
      [&] {
        std::string out = json::serialize(dom);
        sink = sink + out.size();
      },
      [&] {
        std::string out = json::serialize(outlook::encode_value(typed));
        encoded_size = out.size();
        sink = sink + out.size();
      });

  const double parse_mbs = mb / parse_s, decode_mbs = mb / decode_s;
  const double serialize_mbs = mb / serialize_s, encode_mbs = mb / encode_s;
  std::printf("typed decode: %.1f MB/s, boost::json::parse: %.1f MB/s, ratio %.2f\n", decode_mbs, parse_mbs,
              decode_mbs / parse_mbs);
  std::printf("typed encode: %.1f MB/s, boost::json::serialize: %.1f MB/s, ratio %.2f\n", encode_mbs, serialize_mbs,
              encode_mbs / serialize_mbs);
  std::printf("(MB = 10^6 bytes of the input document; typed encode writes %zu bytes)\n", encoded_size);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "FAIL: %s\n", e.what());
  return 1;
}
