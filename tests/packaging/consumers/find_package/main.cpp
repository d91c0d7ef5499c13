// A program as a user of outlook-mail would write it: it only includes public headers and
// links outlook::mail. Prints "ok" and exits 0 when the trivial checks hold.
#if __has_include(<outlook/mail.hpp>)
#include <outlook/mail.hpp>
#endif
#include <outlook/error.hpp>
#include <outlook/http.hpp>

#include <cstdio>
#include <exception>

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

  check(outlook::iequals("Content-Type", "content-type"), "iequals ignores case");
  check(!outlook::iequals("Content-Type", "Content-Length"), "iequals compares values");

  outlook::http_headers headers;
  headers.set("Prefer", "outlook.body-content-type=\"text\"");
  check(headers.get("prefer").has_value(), "header names compare case-insensitively");

  try {
    throw outlook::api_error(outlook::api_error::details{.status = 404, .code = "ErrorItemNotFound"});
  } catch (const outlook::error& e) {
    check(dynamic_cast<const outlook::api_error*>(&e) != nullptr, "api_error derives from outlook::error");
  } catch (const std::exception&) {
    check(false, "api_error is caught as outlook::error");
  }

  if (failures != 0) return 1;
  std::printf("outlook-mail consumer (%s): ok\n", OUTLOOK_MAIL_CONSUMER_KIND);
  return 0;
}
