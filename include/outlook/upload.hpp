// outlook-mail: uploading a large attachment through an upload session (Microsoft Graph).
// SPDX-License-Identifier: BSL-1.0
//
// createUploadSession answers with an uploadUrl that is pre-authorised: it is a credential
// in itself. The bytes go to it in ordered ranges, each a PUT with Content-Range and no
// Authorization header (the access token never goes to that URL, whose host, e.g.
// outlook.office.com, is not one the client otherwise talks to). Each intermediate answer
// (200) names the ranges the service still expects; the last one (201) has a Location
// ending in Attachments('<id>'). After a failed range (no answer, 429, 5xx) the upload
// resumes from the last range the service acknowledged, within the client's retry policy.
// The upload URL and its authtoken never appear in an exception message.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "outlook/base64.hpp"
#include "outlook/config.hpp"
#include "outlook/session.hpp"

#if OUTLOOK_MAIL_DEFINITIONS
// What the definitions below use: in separate compilation, the src.hpp translation unit
// only, so that a file declaring upload_attachment() parses no timer, file stream or parser.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <optional>
#include <string_view>
#include <utility>

#include "outlook/error.hpp"
#include "outlook/page.hpp"
#endif

namespace outlook {

/// Called after each acknowledged range with the bytes uploaded so far and the total.
using upload_progress = std::function<void(std::uint64_t uploaded, std::uint64_t total)>;

/// Largest range the service takes in one PUT is under 4 MB; this default is 10 x 320 KiB,
/// which also suits services that want multiples of 320 KiB.
inline constexpr std::size_t default_upload_range = 10 * 320 * 1024;
inline constexpr std::size_t max_upload_range = 4 * 1024 * 1024 - 1;

/// Where the bytes of an upload come from, read range by range as they are sent, so that a
/// large file is never in memory whole: `read(offset, length)` returns exactly `length`
/// bytes starting at `offset` (the upload may go back to an earlier offset when the service
/// asks to resume from there). A short or failing read ends the upload with its error.
struct upload_source {
  std::uint64_t size = 0;
  std::function<std::string(std::uint64_t offset, std::size_t length)> read;

  /// The bytes of a file, read range by range. Throws request_refused when it cannot be
  /// opened; a read that comes up short later (the file shrank) is a request_refused too.
  [[nodiscard]] static upload_source from_file(const std::filesystem::path& path);
};

/// Opens the session with `create` (its JSON body's item gets "size" when it has none),
/// then uploads `content` range by range. Returns the new attachment's ID ("" when the
/// service did not name it).
OUTLOOK_MAIL_DECL boost::asio::awaitable<std::string> upload_through_session(std::shared_ptr<session> s, request_spec create,
                                                                            upload_source content, upload_progress progress,
                                                                            std::size_t range_size);

/// upload_through_session from bytes in memory (kept by reference: they must outlive the
/// call, as every argument of an operation must until it is awaited).
OUTLOOK_MAIL_DECL boost::asio::awaitable<std::string> upload_through_session(std::shared_ptr<session> s, request_spec create,
                                                                            const bytes& content, upload_progress progress,
                                                                            std::size_t range_size);

#if OUTLOOK_MAIL_DEFINITIONS

OUTLOOK_MAIL_DECL upload_source upload_source::from_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  auto file = std::make_shared<std::ifstream>(path, std::ios::binary);
  if (ec || !*file) throw request_refused("cannot open the file to upload: " + path.filename().string());
  return {static_cast<std::uint64_t>(size), [file](std::uint64_t offset, std::size_t length) {
            std::string out(length, '\0');
            file->clear();
            file->seekg(static_cast<std::streamoff>(offset));
            file->read(out.data(), static_cast<std::streamsize>(length));
            if (static_cast<std::size_t>(file->gcount()) != length)
              throw request_refused("the file to upload ended before its size when it was read");
            return out;
          }};
}

namespace detail {

/// The start of the first of `nextExpectedRanges` ("2097152-" or "2097152" -> 2097152).
[[nodiscard]] inline std::optional<std::uint64_t> next_expected_start(const boost::json::value& v) {
  const auto* obj = v.if_object();
  if (!obj) return std::nullopt;
  for (const auto& kv : *obj) {
    if (!iequals(std::string_view(kv.key().data(), kv.key().size()), "nextExpectedRanges")) continue;
    const auto* arr = kv.value().if_array();
    if (!arr || arr->empty() || !arr->front().is_string()) return std::nullopt;
    std::string_view s = arr->front().get_string();
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || (end != s.data() + s.size() && *end != '-')) return std::nullopt;
    return n;
  }
  return std::nullopt;
}

[[nodiscard]] inline std::string string_member(const boost::json::value& v, std::string_view name) {
  if (const auto* obj = v.if_object())
    for (const auto& kv : *obj)
      if (iequals(std::string_view(kv.key().data(), kv.key().size()), name) && kv.value().is_string())
        return std::string(kv.value().get_string());
  return {};
}

/// The attachment ID at the end of a Location such as ".../Attachments('AAMkADI=')".
[[nodiscard]] inline std::string attachment_id_of(std::string_view location) {
  auto open = location.rfind("('");
  if (open == std::string_view::npos || !location.ends_with("')")) return {};
  const std::size_t end = location.size() - 2;
  std::string out;
  for (std::size_t i = open + 2; i < end; ++i) {
    out += location[i];
    if (location[i] == '\'' && i + 1 < end && location[i + 1] == '\'') ++i;  // '' inside the quotes reads as '
  }
  return out;
}

/// An api_error for an answer of the upload URL, with the URL and its token removed.
[[nodiscard]] inline api_error upload_api_error(const http_response& r, std::string_view url) {
  http_response copy = r;
  redact(copy.body, url);
  auto token = query_parameter(url, "authtoken").value_or("");
  redact(copy.body, token);
  if (auto loc = copy.headers.get("Location")) {
    std::string l(*loc);
    redact(l, url);
    redact(l, token);
    copy.headers.set("Location", l);
  }
  return make_api_error(copy, "", token);
}

inline boost::json::value parse_or_null(std::string_view body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value() : v;
}

}  // namespace detail

OUTLOOK_MAIL_DECL boost::asio::awaitable<std::string> upload_through_session(std::shared_ptr<session> s, request_spec create,
                                                                            upload_source content, upload_progress progress,
                                                                            std::size_t range_size) {
  if (range_size == 0 || range_size > max_upload_range)
    throw request_refused("upload range size must be between 1 byte and 4 MB - 1");
  if (content.size == 0) throw request_refused("an upload session needs at least one byte of content");
  if (!content.read) throw request_refused("an upload source needs a read function");
  const auto total = content.size;
  if (create.body && create.body->is_object())
    for (auto& kv : create.body->get_object())
      if (auto* item = kv.value().if_object(); item && !item->contains("size")) item->emplace("size", total);

  auto answer = co_await s->execute(std::move(create));
  auto session_json = detail::parse_or_null(answer.body);
  const std::string url = detail::string_member(session_json, "uploadUrl");
  auto parts = detail::split_url(url);
  if (!parts || parts->scheme != "https")
    throw decode_error("/uploadUrl", "the upload session has no https uploadUrl");
  std::uint64_t offset = detail::next_expected_start(session_json).value_or(0);

  // A range that got no answer, a 5xx or a 429 is sent again (an upload range is
  // idempotent: the service keeps what it acknowledged), within the client's retry policy.
  const auto& retry = s->options().retry;
  int failures_left = retry.enabled && retry.server_errors.enabled ? std::max(0, retry.server_errors.max_attempts - 1) : 0;
  int step = 0;
  while (true) {
    if (offset >= total) throw decode_error("/nextExpectedRanges", "the upload session expects bytes past the end of the content");
    const std::uint64_t length = std::min<std::uint64_t>(range_size, total - offset);
    http_request put;
    put.method = "PUT";
    put.url = url;
    put.headers.add("User-Agent", s->options().user_agent);
    put.headers.add("Content-Type", "application/octet-stream");
    put.headers.add("Content-Range", "bytes " + std::to_string(offset) + "-" + std::to_string(offset + length - 1) + "/" +
                                         std::to_string(total));
    put.body = content.read(offset, static_cast<std::size_t>(length));
    if (put.body.size() != length)
      throw request_refused("the upload source gave " + std::to_string(put.body.size()) + " bytes where " +
                            std::to_string(length) + " were asked for");
    std::optional<std::chrono::milliseconds> wait;
    http_response r;
    try {
      r = co_await s->transport()->send(put);
    } catch (const transport_error& e) {
      if (failures_left-- <= 0)
        throw transport_error(e.reason(), "upload of bytes " + std::to_string(offset) + "-" +
                                              std::to_string(offset + length - 1) + " failed: no answer from the upload URL");
      wait = detail::backoff_delay(retry, step++, detail::random_unit());
    }
    if (!wait) {
      if (r.status == 201) {
        if (progress) progress(total, total);
        co_return detail::attachment_id_of(r.headers.get("Location").value_or(""));
      }
      if (r.status >= 200 && r.status < 300) {
        auto next = detail::next_expected_start(detail::parse_or_null(r.body));
        offset = next.value_or(offset + length);
        if (progress) progress(offset, total);
        continue;
      }
      const bool transient = r.status == 429 || r.status >= 500;
      if (!transient || failures_left-- <= 0) throw detail::upload_api_error(r, url);
      auto after = detail::parse_retry_after(r.headers.get("Retry-After"));
      if (after && *after > retry.max_retry_after) throw detail::upload_api_error(r, url);
      wait = after ? std::chrono::duration_cast<std::chrono::milliseconds>(*after)
                   : detail::backoff_delay(retry, step++, detail::random_unit());
      // The body of a refused range may say where the service wants to continue.
      if (auto next = detail::next_expected_start(detail::parse_or_null(r.body))) offset = *next;
    }
    if (wait->count() > 0) {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
      timer.expires_after(*wait);
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
  }
}

OUTLOOK_MAIL_DECL boost::asio::awaitable<std::string> upload_through_session(std::shared_ptr<session> s, request_spec create,
                                                                            const bytes& content, upload_progress progress,
                                                                            std::size_t range_size) {
  const bytes* data = &content;
  upload_source source{static_cast<std::uint64_t>(content.size()), [data](std::uint64_t offset, std::size_t length) {
                         return std::string(reinterpret_cast<const char*>(data->data()) + offset, length);
                       }};
  return upload_through_session(std::move(s), std::move(create), std::move(source), std::move(progress), range_size);
}

#endif  // OUTLOOK_MAIL_DEFINITIONS

}  // namespace outlook
