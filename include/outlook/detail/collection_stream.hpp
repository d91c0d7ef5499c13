// outlook-mail: decoding a collection page while its body is still arriving.
// SPDX-License-Identifier: BSL-1.0
//
// A pager hands one of these to the session as the response_sink of a page request: the
// transport gives it the body piece by piece and it feeds collection_handler's parser at
// once, so a 6 MB page is never held as text, only as the typed items it becomes.
#pragma once

#include <boost/json/monotonic_resource.hpp>

#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "outlook/codec.hpp"
#include "outlook/detail/content_coding.hpp"
#include "outlook/detail/streamed_collection.hpp"
#include "outlook/error.hpp"
#include "outlook/http.hpp"

namespace outlook::detail {

/// A response_sink that decodes a page (`page<T>` or `sync_page<T>`) as it arrives; finish()
/// returns it or throws the decode_error that `decode_text<Page>` would throw for the body.
///
/// Results and errors match decode_text on the whole body, in this order of precedence:
/// invalid JSON, then an annotation that does not decode, then the first item that does
/// not decode (decode_text decodes the annotations before the items). So an item that
/// fails is remembered, not thrown, and the parse goes on. A page of an unusual shape
/// ("value" not an array, not an object) is decoded from the whole text as before: until
/// the "value" array begins, the bytes are kept, and the first few bytes of a page are all
/// its annotations. The one shape found only later is a second "value" member after the
/// first array; that is refused with its own message.
template <class Page>
class collection_stream final : public response_sink {
  using traits = streamed_collection<Page>;
  using items_type = std::remove_reference_t<decltype(traits::items(std::declval<Page&>()))>;

 public:
  bool begin(int status, const http_headers& headers) override {
    if (status < 200 || status >= 300) return false;  // the session makes an api_error of it
    status_ = status;
    problem_.reset();
    item_error_ = nullptr;
    items_.clear();
    kept_.clear();
    keeping_ = true;
    received_ = 0;
    parser_.reset();
    if (auto coding = unsupported_content_coding(headers)) {
      problem_ = decode_error("", "response body has Content-Encoding '" + *coding +
                                      "', which was not asked for and cannot be decoded");
      return true;
    }
    std::size_t expected = 64 * 1024;
    if (auto length = headers.get("Content-Length")) expected = parse_size(*length, expected);
    boost::json::parse_options opts;
    opts.max_depth = max_json_depth;
    parser_.emplace(opts, &collection_stream::on_item, this, boost::json::storage_ptr(&rest_arena_), expected);
    return true;
  }

  void write(std::string_view piece) override {
    received_ += piece.size();
    if (problem_) return;
    if (!parser_) {  // an unusual page: the whole text is decoded at the end
      kept_.append(piece);
      return;
    }
    boost::system::error_code ec;
    const auto used = parser_->write_some(true, piece.data(), piece.size(), ec);
    if (!ec && used != piece.size()) ec = boost::json::error::extra_data;  // bytes after the document
    if (ec) {
      if (keeping_) kept_.append(piece);  // with it, kept_ is the whole body so far
      return parse_failed(ec);
    }
    if (!keeping_) return;
    if (parser_->handler().items_started()) {
      keeping_ = false;
      std::string().swap(kept_);
    } else {
      kept_.append(piece);
    }
  }

  /// The decoded page; throws decode_error. Call once, after the send returned a 2xx.
  [[nodiscard]] Page finish() {
    if (problem_) throw *problem_;
    if (received_ == 0)
      throw decode_error("", "empty response body (HTTP " + std::to_string(status_) + ") where JSON was expected");
    if (!parser_) return decode_text<Page>(kept_);  // an unusual shape: the ordinary decode
    boost::system::error_code ec;
    parser_->write_some(false, nullptr, 0, ec);
    if (ec) {
      parse_failed(ec);
      if (problem_) throw *problem_;
      return decode_text<Page>(kept_);
    }
    Page out{};
    json_path root;
    decode_into(parser_->handler().release_rest(), out, root);  // the annotations; "value" is empty
    if (item_error_) std::rethrow_exception(item_error_);
    traits::items(out) = std::move(items_);
    return out;
  }

 private:
  using parser_type = collection_parser;

  static std::size_t parse_size(std::string_view text, std::size_t fallback) {
    std::size_t n = 0;
    if (text.empty() || text.size() > 15) return fallback;
    for (char c : text) {
      if (c < '0' || c > '9') return fallback;
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n;
  }

  static void on_item(void* context, const tape_value& v, std::size_t index) {
    auto& self = *static_cast<collection_stream*>(context);
    if (self.item_error_) return;  // the first failing item is the one reported
    static constexpr json_path root{};
    static constexpr json_path items_path{root, "value"};
    json_path item_path(items_path, index);
    try {
      decode_item_fresh(v, self.items_.emplace_back(), item_path);
    } catch (const decode_error&) {
      self.item_error_ = std::current_exception();
      items_type().swap(self.items_);
    }
  }

  void parse_failed(const boost::system::error_code& ec) {
    const bool shape = parser_->handler().shape_failed();
    parser_.reset();
    if (keeping_) return;  // everything so far is kept: decode_text decides, exactly as before
    if (shape) problem_ = decode_error("", "the page has more than one \"value\" member");
    else problem_ = decode_error("", "invalid JSON (" + ec.message() + ")");
  }

  int status_ = 0;
  std::optional<decode_error> problem_;
  std::exception_ptr item_error_;
  items_type items_;
  std::string kept_;     // the body so far, until the items begin (or all of it, for a fallback)
  bool keeping_ = true;
  std::size_t received_ = 0;
  boost::json::monotonic_resource rest_arena_;
  std::optional<parser_type> parser_;
};

}  // namespace outlook::detail
