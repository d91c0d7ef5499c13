// outlook-mail: decoding a collection page while it is parsed.
// SPDX-License-Identifier: BSL-1.0
//
// A page of 1,000 messages is several megabytes; building its whole DOM and then walking
// it touches every byte twice, out of cache. Here a boost::json::basic_parser handler
// records one item at a time as a tape of parser events (outlook/detail/json_tape.hpp)
// and hands it to the item's decoder at once; most items are recorded by our own tokenizer
// instead of the parser (outlook/detail/collection_item_splitter.hpp), which leaves to the
// parser anything it is not sure of. Anything unusual falls back to the ordinary
// decode of a DOM, so results and errors are the same either way. Included by
// outlook/detail/page_codec.hpp only, so headers that just need the model do not compile
// the parser.
#pragma once

#include <boost/json/basic_parser.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "outlook/codec.hpp"
#include "outlook/config.hpp"
#include "outlook/detail/collection_item_splitter.hpp"
#include "outlook/detail/json_tape.hpp"

#if OUTLOOK_MAIL_DEFINITIONS
// The parser's member functions: only where they are compiled (collection_parser below).
#include <boost/json/basic_parser_impl.hpp>
#endif

namespace outlook {

template <class T>
struct page;
template <class T>
struct sync_page;

namespace detail {

/// A boost::json::basic_parser handler for a collection page {"value": [item, ...], ...}.
///
/// Why: decoding a page of 1,000 messages from a whole DOM reads back megabytes the parser
/// wrote long before, which are no longer in the CPU caches. This handler records one item
/// at a time on a reused json_tape and hands it to `on_item` as soon as the item ends, while
/// it is still cached; building a boost::json::value per item (an object with a hash table,
/// a string per member) cost about as much as decoding it. The rest of the page is built as
/// an ordinary DOM whose "value" array is left empty, by boost::json::value_stack as
/// boost::json::parse does.
///
/// Anything else (not an object, "value" not an array, two "value" members) sets an error
/// and the caller falls back to the whole-DOM decode, which handles every shape.
///
/// Not a template: the parser is instantiated once, however many page types a program
/// decodes. One instantiation per page type tripled the fixture runner's compile time and
/// tipped GCC 12 into a false -Wmismatched-new-delete on the operations' coroutine frames.
class collection_handler {
 public:
  /// Called with each item and its index; may throw decode_error.
  using item_callback = void (*)(void* context, const tape_value& item, std::size_t index);

  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  /// `text_size`: the document's size, which bounds what an item needs on the tape.
  collection_handler(item_callback on_item, void* context, boost::json::storage_ptr rest_sp, std::size_t text_size)
      : on_item_(on_item), context_(context), rest_sp_(std::move(rest_sp)) {
    tape_.reserve(std::min(max_reserved_item_size, text_size));
  }

  /// The page without its items, after a successful parse.
  boost::json::value release_rest() { return rest_.release(); }
  /// Whether the "value" array has begun (every byte before it was the page's start).
  [[nodiscard]] bool items_started() const noexcept { return in_items_ || (seen_items_ && !expecting_items_); }
  /// Whether the parse stopped because the page has an unusual shape (not a JSON error).
  [[nodiscard]] bool shape_failed() const noexcept { return shape_failed_; }

  // For collection_item_splitter, which records most items itself (the parser never sees
  // their bytes) and feeds the parser a `null` in place of each.
  /// Whether the parser is in the items array, where an item may begin.
  [[nodiscard]] bool awaiting_item() const noexcept { return in_items_ && depth_ == items_depth && !item_open_; }
  /// How many items were handed over so far.
  [[nodiscard]] std::size_t items_seen() const noexcept { return index_; }
  /// The tape to record the next item on, empty.
  json_tape& fast_item_tape() noexcept {
    tape_.clear();
    return tape_;
  }
  /// Hands over the item recorded on fast_item_tape(); the `null` that comes next in the
  /// items array stands in for it and is not an item.
  void fast_item_done() {
    stand_in_ = true;
    on_item_(context_, tape_value(tape_, 0), index_++);
  }

  bool on_document_begin(boost::system::error_code&) {
    rest_.reset(rest_sp_);
    return true;
  }
  bool on_document_end(boost::system::error_code&) { return true; }

  bool on_object_begin(boost::system::error_code& ec) {
    if (depth_ == 0) {  // the page itself
      depth_ = 1;
      return true;
    }
    if (expecting_items_) return fail(ec);  // "value" is not an array
    return begin_container(boost::json::kind::object);
  }
  bool on_object_end(std::size_t n, boost::system::error_code&) {
    --depth_;
    if (depth_ >= items_depth && in_items_) {
      tape_.end_container(n);
      return depth_ == items_depth ? end_item() : true;
    }
    rest_.push_object(n);
    return true;
  }
  bool on_array_begin(boost::system::error_code& ec) {
    if (depth_ == 0) return fail(ec);  // a bare array is not a page
    if (depth_ == 1 && expecting_items_) {
      expecting_items_ = false;
      in_items_ = true;
      ++depth_;
      return true;
    }
    return begin_container(boost::json::kind::array);
  }
  bool on_array_end(std::size_t n, boost::system::error_code&) {
    --depth_;
    if (in_items_ && depth_ == 1) {  // the end of "value": the rest keeps an empty array
      in_items_ = false;
      rest_.push_array(0);
      return true;
    }
    if (depth_ >= items_depth && in_items_) {
      tape_.end_container(n);
      return depth_ == items_depth ? end_item() : true;
    }
    rest_.push_array(n);
    return true;
  }

  bool on_key_part(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    if (in_item()) tape_.chars(std::string_view(s.data(), s.size()));
    else {
      rest_.push_chars(s);
      if (depth_ == 1) key_.append(s.data(), s.size());
    }
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    if (in_item()) {
      tape_.key(std::string_view(s.data(), s.size()));
      return true;
    }
    rest_.push_key(s);
    if (depth_ == 1) {
      key_.append(s.data(), s.size());
      const bool is_items = iequals(key_, "value");
      key_.clear();
      if (is_items) {
        if (seen_items_) return fail(ec);  // "value" twice: leave it to the DOM decode
        seen_items_ = expecting_items_ = true;
      }
    }
    return true;
  }

  bool on_string_part(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    if (!scalar_allowed()) return fail(ec);
    if (in_items_ && depth_ == items_depth && !item_open_) start_item();  // a string item
    if (in_items_) tape_.chars(std::string_view(s.data(), s.size()));
    else rest_.push_chars(s);
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
    return scalar(
        ec, [&] { tape_.string(std::string_view(s.data(), s.size())); }, [&] { rest_.push_string(s); });
  }
  bool on_number_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t i, boost::json::string_view, boost::system::error_code& ec) {
    return scalar(ec, [&] { tape_.int64(i); }, [&] { rest_.push_int64(i); });
  }
  bool on_uint64(std::uint64_t u, boost::json::string_view, boost::system::error_code& ec) {
    return scalar(ec, [&] { tape_.uint64(u); }, [&] { rest_.push_uint64(u); });
  }
  bool on_double(double d, boost::json::string_view, boost::system::error_code& ec) {
    return scalar(ec, [&] { tape_.number(d); }, [&] { rest_.push_double(d); });
  }
  bool on_bool(bool b, boost::system::error_code& ec) {
    return scalar(ec, [&] { tape_.boolean(b); }, [&] { rest_.push_bool(b); });
  }
  bool on_null(boost::system::error_code& ec) {
    if (stand_in_ && in_items_ && depth_ == items_depth) {  // for an item already handed over
      stand_in_ = false;
      return true;
    }
    return scalar(ec, [&] { tape_.null(); }, [&] { rest_.push_null(); });
  }
  bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }

 private:
  /// Depth of the items array's elements: document object = 1, "value" array = 2.
  static constexpr std::size_t items_depth = 2;
  /// A message of a page is about 6 KB of text; larger items grow the tape.
  static constexpr std::size_t max_reserved_item_size = 16 * 1024;

  bool fail(boost::system::error_code& ec) {
    shape_failed_ = true;
    ec = boost::json::error::syntax;  // any error: the caller decodes the whole DOM instead
    return false;
  }
  [[nodiscard]] bool in_item() const noexcept { return in_items_ && depth_ > items_depth; }
  /// Scalars are fine anywhere but in place of the document or of the items array.
  [[nodiscard]] bool scalar_allowed() const noexcept { return depth_ > 0 && !expecting_items_; }

  bool begin_container(boost::json::kind k) {
    if (in_items_) {
      if (depth_ == items_depth) start_item();
      tape_.begin_container(k);
    }
    ++depth_;
    return true;
  }
  void start_item() {
    tape_.clear();
    item_open_ = true;
  }
  bool end_item() {
    on_item_(context_, tape_value(tape_, 0), index_++);
    item_open_ = false;
    return true;
  }
  /// `to_item` records the scalar on the tape, `to_rest` pushes it on the rest's DOM.
  template <class ToItem, class ToRest>
  bool scalar(boost::system::error_code& ec, ToItem&& to_item, ToRest&& to_rest) {
    if (!scalar_allowed()) return fail(ec);
    if (!in_items_) {
      to_rest();
      return true;
    }
    if (depth_ > items_depth) {
      to_item();
      return true;
    }
    if (!item_open_) start_item();  // a scalar item
    to_item();
    return end_item();
  }

  item_callback on_item_;
  void* context_;
  boost::json::storage_ptr rest_sp_;
  boost::json::value_stack rest_;
  json_tape tape_;
  std::string key_;
  std::size_t depth_ = 0;
  std::size_t index_ = 0;
  bool expecting_items_ = false;  // the last key of the page was "value"
  bool in_items_ = false;         // inside the "value" array
  bool seen_items_ = false;
  bool item_open_ = false;        // tape_ is recording an item
  bool stand_in_ = false;         // the next null of the items array stands for an item (fast_item_done)
  bool shape_failed_ = false;
};

/// basic_parser<collection_handler>, behind two functions compiled once: with
/// OUTLOOK_MAIL_SEPARATE_COMPILATION only the src.hpp translation unit compiles the parser
/// (the largest template a pager would otherwise instantiate in every file). The items of
/// the page are mostly read by collection_item_splitter instead of the parser.
class collection_parser {
 public:
  OUTLOOK_MAIL_DECL collection_parser(const boost::json::parse_options& opts, collection_handler::item_callback on_item,
                                      void* context, boost::json::storage_ptr rest_sp, std::size_t expected_size);
  /// As basic_parser::write_some.
  OUTLOOK_MAIL_DECL std::size_t write_some(bool more, const char* data, std::size_t size, boost::system::error_code& ec);
  [[nodiscard]] collection_handler& handler() noexcept { return parser_.handler(); }
  /// For tests and measurements, before the first write: the parser reads every byte.
  void parser_only() noexcept { splitter_.disable(); }
  /// How many items were read without the parser.
  [[nodiscard]] std::size_t tokenized_items() const noexcept { return splitter_.tokenized_items(); }

 private:
  boost::json::basic_parser<collection_handler> parser_;
  collection_item_splitter splitter_;
};

/// Parses a collection page with collection_handler: calls `on_item` for each item and
/// returns the rest of the page (allocated with `rest_sp`). Nothing when the document is
/// not a plain page or not valid JSON; decode_error thrown by `on_item` propagates.
[[nodiscard]] OUTLOOK_MAIL_DECL std::optional<boost::json::value> parse_collection(std::string_view text,
                                                                                  collection_handler::item_callback on_item,
                                                                                  void* context, boost::json::storage_ptr rest_sp);

#if OUTLOOK_MAIL_DEFINITIONS  // separate compilation: in the src.hpp translation unit only
OUTLOOK_MAIL_DECL collection_parser::collection_parser(const boost::json::parse_options& opts,
                                                       collection_handler::item_callback on_item, void* context,
                                                       boost::json::storage_ptr rest_sp, std::size_t expected_size)
    : parser_(opts, on_item, context, std::move(rest_sp), expected_size), splitter_(opts.max_depth) {}

OUTLOOK_MAIL_DECL std::size_t collection_parser::write_some(bool more, const char* data, std::size_t size,
                                                            boost::system::error_code& ec) {
  return splitter_.write_some(parser_, more, data, size, ec);
}

OUTLOOK_MAIL_DECL std::optional<boost::json::value> parse_collection(std::string_view text,
                                                                    collection_handler::item_callback on_item, void* context,
                                                                    boost::json::storage_ptr rest_sp) {
  boost::json::parse_options opts;
  opts.max_depth = max_json_depth;
  collection_parser parser(opts, on_item, context, std::move(rest_sp), text.size());
  boost::system::error_code ec;
  const auto n = parser.write_some(false, text.data(), text.size(), ec);
  if (ec || n != text.size()) return std::nullopt;
  return parser.handler().release_rest();
}
#endif

/// Decodes an item of a page from its tape into `item`, which was just default-constructed.
/// When the tape decode cannot decide (tape_fallback) or fails, the item is decoded again
/// from a DOM of it, the way decode_text always did: that decode gives the result, or the
/// decode_error, so both are exactly the same as before.
template <class Item>
inline void decode_item_fresh(const tape_value& v, Item& item, const json_path& path) {
  try {
    decode_into_fresh(v, item, path);
    return;
  } catch (const tape_fallback&) {
  } catch (const decode_error&) {
  }
  item = Item{};
  unsigned char buffer[4096];
  boost::json::monotonic_resource arena(buffer, sizeof buffer);
  const boost::json::value dom = v.to_value(&arena);
  decode_into_fresh(dom, item, path);
}

/// decode_text for a collection page: items are decoded as they are parsed (see
/// collection_handler). Returns false, with `out` unspecified, when the document must be
/// decoded the ordinary way: not a plain page, invalid JSON, or an item or annotation that
/// does not decode (the ordinary way then reports the first error in document order).
template <class T>
[[nodiscard]] inline bool decode_collection_text(std::string_view text, T& out) {
  using traits = streamed_collection<T>;
  using items_type = std::remove_reference_t<decltype(traits::items(out))>;
  items_type items;
  auto on_item = [](void* context, const tape_value& v, std::size_t index) {
    static constexpr json_path root{};
    static constexpr json_path items_path{root, "value"};
    json_path item_path(items_path, index);
    auto& items = *static_cast<items_type*>(context);
    decode_item_fresh(v, items.emplace_back(), item_path);
  };
  unsigned char buffer[4096];
  boost::json::monotonic_resource rest_arena(buffer, sizeof buffer);
  try {
    const auto rest = parse_collection(text, on_item, &items, &rest_arena);
    if (!rest) return false;
    json_path root;
    decode_into(*rest, out, root);  // the annotations; its "value" is empty
  } catch (const decode_error&) {
    return false;
  }
  traits::items(out) = std::move(items);
  return true;
}

template <class T>
struct streamed_collection<page<T>> : std::true_type {
  static auto& items(page<T>& p) noexcept { return p.value; }
  static bool decode(std::string_view text, page<T>& out) { return decode_collection_text(text, out); }
};
template <class T>
struct streamed_collection<sync_page<T>> : std::true_type {
  static auto& items(sync_page<T>& p) noexcept { return p.changes; }
  static bool decode(std::string_view text, sync_page<T>& out) { return decode_collection_text(text, out); }
};

}  // namespace detail

}  // namespace outlook
