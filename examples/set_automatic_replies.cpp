// set_automatic_replies: schedules an out-of-office reply (or turns it off).
// SPDX-License-Identifier: BSL-1.0
//
//     OUTLOOK_TOKEN=<access token> set_automatic_replies <start> <end> <message> [time zone]
//     OUTLOOK_TOKEN=<access token> set_automatic_replies --off
//
// start and end are local date-times in the given time zone (default UTC), such as
// 2024-07-01T08:00:00; the time zone is a Windows name ("Pacific Standard Time") or UTC.
// The message goes to people inside the organisation and to external contacts.
//
// Only AutomaticRepliesSetting is sent (a mailbox_settings_patch sends only what was
// set), so the time zone, language and working hours of the mailbox stay as they are.
//
// Environment: OUTLOOK_TOKEN, or OUTLOOK_CLIENT_ID to sign in (support/credentials.hpp),
// OUTLOOK_BASE_URL (default the build's service: Outlook REST v2.0, or Graph for the
// builds in graph/), OUTLOOK_CA_FILE (an extra trusted CA, PEM).
#include <outlook/beast_transport.hpp>
#include "support/dialect.hpp"  // namespace mail: outlook::mail or outlook::graph

#include "support/run_example.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

namespace asio = boost::asio;

namespace {

/// "2024-07-01T08:00:00" (seconds optional) as the service writes it.
bool valid_local_date_time(std::string_view s) {
  if (s.size() != 16 && s.size() != 19) return false;
  const std::string_view pattern = "dddd-dd-ddTdd:dd:dd";
  for (std::size_t i = 0; i < s.size(); ++i)
    if (pattern[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pattern[i]) return false;
  return true;
}

std::string html_paragraph(std::string_view text) {
  std::string out = "<html><body><p>";
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "<br>"; break;
      default: out += c;
    }
  }
  return out + "</p></body></html>";
}

asio::awaitable<void> apply(mail::client client, mail::automatic_replies_setting setting) {
  const auto patch = mail::mailbox_settings_patch{}.automatic_replies_setting(std::move(setting));
  auto settings = co_await client.me().update_mailbox_settings(patch);

  const auto& ar = settings.automatic_replies_setting;
  std::cout << "automatic replies are now "
            << (ar && ar->status ? std::string(ar->status->wire()) : std::string("(not reported)")) << '\n';
  if (ar && ar->scheduled_start_date_time && ar->scheduled_end_date_time)
    std::cout << "  from  " << ar->scheduled_start_date_time->date_time.value_or("?") << ' '
              << ar->scheduled_start_date_time->time_zone.value_or("") << "\n  until "
              << ar->scheduled_end_date_time->date_time.value_or("?") << ' '
              << ar->scheduled_end_date_time->time_zone.value_or("") << '\n';
  if (ar && ar->external_audience) std::cout << "  external audience: " << ar->external_audience->wire() << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  const bool off = argc == 2 && std::string_view(argv[1]) == "--off";
  if (!examples::have_credentials() || (!off && argc < 4)) {
    std::cerr << "usage: OUTLOOK_TOKEN=<access token> (or OUTLOOK_CLIENT_ID=<app id> to sign in) set_automatic_replies <start> <end> <message> [time zone]\n"
                 "       OUTLOOK_TOKEN=<access token> (or OUTLOOK_CLIENT_ID=<app id>) set_automatic_replies --off\n"
                 "  start, end: local date-times such as 2024-07-01T08:00:00 in the time zone (default UTC)\n";
    return 2;
  }

  mail::automatic_replies_setting setting;
  if (off) {
    setting.status = mail::automatic_replies_status::disabled;
  } else {
    std::string start = argv[1], end = argv[2];
    const std::string text = argv[3];
    const std::string zone = argc > 4 ? argv[4] : "UTC";
    if (!valid_local_date_time(start) || !valid_local_date_time(end)) {
      std::cerr << "start and end must look like 2024-07-01T08:00:00\n";
      return 2;
    }
    if (start.size() == 16) start += ":00";
    if (end.size() == 16) end += ":00";
    if (end <= start) {  // same format, same zone: text order is time order
      std::cerr << "the end must come after the start\n";
      return 2;
    }
    setting.status = mail::automatic_replies_status::scheduled;
    setting.external_audience = mail::external_audience_scope::all;
    setting.scheduled_start_date_time = mail::date_time_time_zone{.date_time = start, .time_zone = zone};
    setting.scheduled_end_date_time = mail::date_time_time_zone{.date_time = end, .time_zone = zone};
    setting.internal_reply_message = html_paragraph(text);
    setting.external_reply_message = html_paragraph(text);
  }

  return examples::run_example("set_automatic_replies",
                               [&](mail::client client) { return apply(client, std::move(setting)); });
}
