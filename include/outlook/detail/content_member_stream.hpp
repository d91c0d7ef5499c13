// outlook-mail: an entity whose large base64 member is decoded into a sink as it arrives.
// SPDX-License-Identifier: BSL-1.0
//
// A file attachment of 100 MB arrives as {"ContentBytes": "<133 MB of base64>", ...}.
// Reading it as a string, then a DOM, then bytes would hold it three times. Here the JSON
// is parsed as it arrives (boost::json::basic_parser); the chosen top-level member's string
// is base64-decoded piece by piece into the caller's sink, and every other member is built
// into a small DOM, as boost::json::parse would build it, for the ordinary typed decode.
#pragma once

#include <boost/json/basic_parser.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "outlook/base64.hpp"
#include "outlook/codec.hpp"
#include "outlook/config.hpp"
#include "outlook/detail/content_coding.hpp"
#include "outlook/detail/sink_delivery.hpp"
#include "outlook/error.hpp"
#include "outlook/http.hpp"

#if OUTLOOK_MAIL_DEFINITIONS
// The parser's member functions: only where content_member_stream's are compiled.
#include <boost/json/basic_parser_impl.hpp>
#endif

namespace outlook::detail {

/// The basic_parser handler: DOM for everything but the one member, bytes for that one.
class content_member_handler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  content_member_handler(std::string_view member, std::function<void(std::string_view)> out)
      : member_(member), out_(std::move(out)) {}

  boost::json::value release() { return rest_.release(); }
  /// Whether the member's text was not valid base64 (bytes before the fault were handed on).
  [[nodiscard]] bool bad_base64() const noexcept { return bad_base64_; }

  bool on_document_begin(boost::system::error_code&) {
    rest_.reset();
    return true;
  }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_object_begin(boost::system::error_code&) { return begin_value(); }
  bool on_object_end(std::size_t n, boost::system::error_code&) {
    // The entity itself lacks the member that went to the sink: one pair fewer to pop.
    if (depth_-- == 1 && taken_) --n;
    rest_.push_object(n);
    return true;
  }
  bool on_array_begin(boost::system::error_code&) { return begin_value(); }
  bool on_array_end(std::size_t n, boost::system::error_code&) {
    --depth_;
    rest_.push_array(n);
    return true;
  }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    if (depth_ == 1) key_.append(s.data(), s.size());
    else rest_.push_chars(s);
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    if (depth_ != 1) {
      rest_.push_key(s);
      return true;
    }
    key_.append(s.data(), s.size());
    if (iequals(key_, member_) && !seen_member_) {
      seen_member_ = pending_ = true;  // the key waits: only a string value is taken
    } else {
      rest_.push_key(key_);
    }
    key_.clear();
    return true;
  }
  bool on_string_part(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    if (pending_) {
      decode(s);
      return true;
    }
    rest_.push_chars(s);
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    if (pending_) {
      decode(s);
      pending_ = false;
      taken_ = true;
      if (!decoder_.complete()) bad_base64_ = true;
      return true;
    }
    rest_.push_string(s);
    return true;
  }
  bool on_number_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t i, boost::json::string_view, boost::system::error_code&) {
    keep_pending_key();
    rest_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, boost::json::string_view, boost::system::error_code&) {
    keep_pending_key();
    rest_.push_uint64(u);
    return true;
  }
  bool on_double(double d, boost::json::string_view, boost::system::error_code&) {
    keep_pending_key();
    rest_.push_double(d);
    return true;
  }
  bool on_bool(bool b, boost::system::error_code&) {
    keep_pending_key();
    rest_.push_bool(b);
    return true;
  }
  bool on_null(boost::system::error_code&) {
    keep_pending_key();
    rest_.push_null();
    return true;
  }
  bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }

 private:
  /// The member is not a string (null, say): it stays in the DOM like any other.
  void keep_pending_key() {
    if (!pending_) return;
    rest_.push_key(member_);
    pending_ = false;
  }
  bool begin_value() {
    keep_pending_key();
    ++depth_;
    return true;
  }
  void decode(boost::json::string_view s) {
    if (bad_base64_) return;
    decoded_.clear();
    if (!decoder_.feed(std::string_view(s.data(), s.size()), decoded_)) bad_base64_ = true;
    if (!decoded_.empty()) out_(decoded_);
  }

  std::string member_;
  std::function<void(std::string_view)> out_;
  boost::json::value_stack rest_;
  std::string key_;
  std::string decoded_;  // reused: one piece of decoded bytes at a time
  base64_stream_decoder decoder_;
  std::size_t depth_ = 0;
  bool seen_member_ = false;
  bool pending_ = false;  // the member's key was read; its value comes next
  bool taken_ = false;    // the member's string went to the sink (not into the DOM)
  bool bad_base64_ = false;
};

/// The response_sink of fetch_one_to_sink: parses a 2xx JSON body as it arrives with
/// content_member_handler, the member's bytes going to `sink`; finish() gives the rest as a
/// DOM or throws decode_error (invalid JSON, invalid base64) or what the sink threw.
class content_member_stream final : public response_sink {
 public:
  content_member_stream(std::string member, std::function<void(std::string_view)>& sink)
      : member_(std::move(member)), delivery_(sink) {}

  bool begin(int status, const http_headers& headers) override;
  void write(std::string_view piece) override;

  [[nodiscard]] boost::json::value finish();

 private:
  void fail_parse(const boost::system::error_code& ec);

  std::string member_;
  sink_delivery delivery_;
  int status_ = 0;
  std::size_t received_ = 0;
  std::optional<decode_error> problem_;
  std::optional<boost::json::basic_parser<content_member_handler>> parser_;
};

#if OUTLOOK_MAIL_DEFINITIONS  // separate compilation: in the src.hpp translation unit only
OUTLOOK_MAIL_DECL bool content_member_stream::begin(int status, const http_headers& headers) {
  if (status < 200 || status >= 300) return false;
  delivery_.begin_attempt();
  status_ = status;
  received_ = 0;
  problem_.reset();
  parser_.reset();
  if (auto coding = unsupported_content_coding(headers)) {
    problem_ = decode_error("", "response body has Content-Encoding '" + *coding +
                                    "', which was not asked for and cannot be decoded");
    return true;
  }
  boost::json::parse_options opts;
  opts.max_depth = max_json_depth;
  parser_.emplace(opts, member_, [this](std::string_view bytes) { delivery_.deliver(bytes); });
  return true;
}

OUTLOOK_MAIL_DECL void content_member_stream::write(std::string_view piece) {
  received_ += piece.size();
  if (problem_ || !parser_ || delivery_.stopped()) return;
  boost::system::error_code ec;
  const auto used = parser_->write_some(true, piece.data(), piece.size(), ec);
  if (!ec && used != piece.size()) ec = boost::json::error::extra_data;
  if (ec) fail_parse(ec);
}

OUTLOOK_MAIL_DECL boost::json::value content_member_stream::finish() {
  delivery_.rethrow_if_failed();
  if (problem_) throw *problem_;
  if (received_ == 0)
    throw decode_error("", "empty response body (HTTP " + std::to_string(status_) + ") where JSON was expected");
  boost::system::error_code ec;
  parser_->write_some(false, nullptr, 0, ec);
  if (ec) fail_parse(ec);
  if (problem_) throw *problem_;
  if (parser_->handler().bad_base64())
    throw decode_error("/" + member_, "invalid base64 (the bytes before the fault were handed to the sink)");
  return parser_->handler().release();
}

OUTLOOK_MAIL_DECL void content_member_stream::fail_parse(const boost::system::error_code& ec) {
  if (!problem_) problem_ = decode_error("", "invalid JSON (" + ec.message() + ")");
  parser_.reset();
}
#endif

}  // namespace outlook::detail
