// A program as a user of outlook-mail would write it: it only includes public headers and
// SPDX-License-Identifier: BSL-1.0
// links outlook::mail. Prints "ok" and exits 0 when the checks hold.
#include <outlook/mail.hpp>

#include <boost/json/serialize.hpp>

#include <cstdio>
#include <exception>
#include <string>

#ifndef OUTLOOK_MAIL_CONSUMER_KIND
#define OUTLOOK_MAIL_CONSUMER_KIND "unknown"
#endif

int main() {
  int failures = 0;
  auto check = [&](bool condition, const char* what) {
    if (!condition) {
      std::printf("FAILED: %s\n", what);
      ++failures;
    }
  };
  try {
    // The model decodes (Boost.JSON is linked) and a patch encodes only what was set.
    auto m = outlook::decode_text<outlook::poly<outlook::mail::message>>(
        R"({"Id": "AAMk=", "Subject": "Hi", "Importance": "high", "IsRead": false})");
    check(m->subject == "Hi", "decoded subject");
    check(m->importance == outlook::mail::importance::high, "decoded enum");
    auto patch = boost::json::serialize(outlook::encode_value(outlook::mail::message_patch{}.is_read(true)));
    check(patch == R"({"IsRead":true})", "patch encoding");
    // The client can be built (the HTTPS transport itself is compiled where
    // outlook/beast_transport_impl.hpp is included, which this program does not need).
    check(outlook::mail::default_base_url == "https://outlook.office.com/api/v2.0", "default base URL");
  } catch (const std::exception& e) {
    std::printf("FAILED: exception: %s\n", e.what());
    ++failures;
  }
  if (failures != 0) return 1;
  std::printf("outlook-mail consumer (%s): ok\n", OUTLOOK_MAIL_CONSUMER_KIND);
  return 0;
}
