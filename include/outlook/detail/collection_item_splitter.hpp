// outlook-mail: the items of a page read by our own tokenizer, the rest of it by Boost's parser.
// SPDX-License-Identifier: BSL-1.0
//
// Why: Boost's resumable parser costs most of the time of decoding a page (it reads a
// string one character at a time after its first escape), and nearly all the bytes of a
// page are its items. So collection_parser hands the page's bytes to Boost only until the
// "value" array begins; from there this splitter finds each item's bytes itself
// (an object, directly in the piece or gathered from several pieces with
// item_boundary_scanner) and records them on the handler's tape with json_item_tokenizer.
//
// Boost stays the judge of everything, so results and error messages do not change:
//  - For every item the tokenizer took, Boost is fed the stand-in `null` (after a ',' when
//    one preceded the item), which the handler ignores (collection_handler::fast_item_done).
//    Boost thus still sees an array of values, with the real separators: a stray or
//    missing comma, or an array left open, gives the error it always gave. `null` is
//    complete after its fourth byte, as a closing '}' is, so whatever follows it is judged
//    as what follows an item. Whitespace between items is dropped: it never changes an
//    outcome.
//  - An item the tokenizer is not sure about (invalid or unusual JSON), and an item too long
//    to hold, hand Boost the rest of the page from that item's first byte, in the pieces it
//    arrived in. Boost 1.81's own errors depend on how many bytes follow in the piece (a lone
//    "\uDC00" is an "illegal leading surrogate" with ten bytes after it, a "trailing" one
//    without), so Boost must see exactly the pieces it would have seen alone.
//  - Anything but an object item, and the end of the array, hand the rest of the page to
//    Boost too.
#pragma once

#include <boost/system/error_code.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "outlook/detail/item_boundary_scanner.hpp"
#include "outlook/detail/json_item_tokenizer.hpp"

namespace outlook::detail {

class collection_item_splitter {
 public:
  /// `max_depth`: the parser's depth limit (the page and its "value" array count, so an
  /// item may nest two containers fewer).
  explicit collection_item_splitter(std::size_t max_depth) noexcept : max_item_depth_(max_depth > 2 ? max_depth - 2 : 0) {}

  /// For tests and measurements: leaves every byte to Boost (the path this one must match).
  void disable() noexcept { mode_ = mode::boost_only; }
  /// How many items the tokenizer recorded (the others went through Boost).
  [[nodiscard]] std::size_t tokenized_items() const noexcept { return tokenized_; }

  /// As basic_parser::write_some, for `parser` (a basic_parser<collection_handler>).
  template <class Parser>
  std::size_t write_some(Parser& parser, bool more, const char* data, std::size_t size, boost::system::error_code& ec) {
    const char* p = data;
    const char* const end = data + size;
    while (p != end) {
      bool ok = true;
      switch (mode_) {
        case mode::envelope: ok = envelope(parser, p, end, ec); break;
        case mode::between: ok = between(parser, p, end, ec); break;
        case mode::gathering: ok = gathering(parser, p, end, ec); break;
        case mode::boost_only: ok = feed(parser, p, end, ec); break;
      }
      if (!ok) return static_cast<std::size_t>(p - data);  // an error, or the document ended before `end`
    }
    if (!more) {
      // The end of the body: what is held back goes to Boost, which reports an incomplete
      // document (or anything else) exactly as it would have.
      if (mode_ == mode::gathering) {
        if (!flush_comma(parser, ec) || !feed_held(parser, held_.size(), ec)) return size;
      } else if (mode_ == mode::between && !flush_comma(parser, ec)) {
        return size;
      }
      parser.write_some(false, nullptr, 0, ec);
    }
    return size;
  }

 private:
  enum class mode {
    envelope,    // before the "value" array: Boost reads everything
    between,     // in the array, between items
    gathering,   // an item spans pieces: its bytes so far are in held_
    boost_only,  // from an item Boost must read (or the end of the array) on: Boost reads everything
  };
  /// An item longer than this that spans pieces goes to Boost as it arrives instead of
  /// being held: the memory for a page stays bounded by the read buffer plus this.
  static constexpr std::size_t max_held_item = 1024 * 1024;

  /// Feeds Boost [p, stop); false when it stopped before `stop` (an error, or the end of
  /// the document). `p` moves past what it read.
  template <class Parser>
  static bool feed(Parser& parser, const char*& p, const char* stop, boost::system::error_code& ec) {
    p += parser.write_some(true, p, static_cast<std::size_t>(stop - p), ec);
    return !ec && p == stop;
  }
  template <class Parser>
  static bool feed_text(Parser& parser, std::string_view text, boost::system::error_code& ec) {
    const char* p = text.data();
    return feed(parser, p, p + text.size(), ec);
  }
  template <class Parser>
  bool flush_comma(Parser& parser, boost::system::error_code& ec) {
    if (!comma_pending_) return true;
    comma_pending_ = false;
    return feed_text(parser, ",", ec);
  }
  /// Feeds Boost the first `count` held bytes in the pieces they arrived in, and forgets
  /// all of them.
  template <class Parser>
  bool feed_held(Parser& parser, std::size_t count, boost::system::error_code& ec) {
    bool ok = true;
    std::size_t at = 0;
    for (std::size_t i = 0; ok && at < count; ++i) {
      const std::size_t piece_end = i < held_ends_.size() ? std::min(held_ends_[i], count) : count;
      ok = feed_text(parser, std::string_view(held_.data() + at, piece_end - at), ec);
      at = piece_end;
    }
    held_.clear();
    held_ends_.clear();
    return ok;
  }
  /// From the item that begins at `item` on, Boost reads the page: first the bytes of it
  /// held from earlier pieces (`held` of them), then the rest of this piece.
  template <class Parser>
  bool rest_to_boost(Parser& parser, std::size_t held, const char*& p, const char* item, const char* end,
                     boost::system::error_code& ec) {
    mode_ = mode::boost_only;
    if (!flush_comma(parser, ec) || !feed_held(parser, held, ec)) return false;
    p = item;
    return feed(parser, p, end, ec);
  }

  /// Boost reads up to and including each '[' until one of them opens the items array.
  template <class Parser>
  bool envelope(Parser& parser, const char*& p, const char* end, boost::system::error_code& ec) {
    const auto* bracket = static_cast<const char*>(std::memchr(p, '[', static_cast<std::size_t>(end - p)));
    if (!feed(parser, p, bracket ? bracket + 1 : end, ec)) return false;
    if (bracket && parser.handler().awaiting_item()) {
      mode_ = mode::between;
      expect_item_ = true;
      comma_pending_ = false;
    }
    return true;
  }

  /// Between items: separators are checked here; an object item is taken at once when
  /// the piece holds all of it, else gathered; anything else goes to Boost.
  template <class Parser>
  bool between(Parser& parser, const char*& p, const char* end, boost::system::error_code& ec) {
    for (; p != end; ++p) {
      const char c = *p;
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
      if (c == ',' && !expect_item_) {
        comma_pending_ = expect_item_ = true;
        continue;
      }
      if (c == '{' && expect_item_) break;
      mode_ = mode::boost_only;  // the end of the array, another kind of item, or an error
      return flush_comma(parser, ec);
    }
    if (p == end) return true;
    if (const char* item_end = tokenize(parser, p, end)) {
      p = item_end;
      return stand_in(parser, ec);
    }
    scanner_.reset();
    if (scanner_.scan(p, end)) return rest_to_boost(parser, 0, p, p, end, ec);  // whole, and not sure
    held_.assign(p, end);
    held_ends_.assign(1, held_.size());
    p = end;
    mode_ = mode::gathering;
    return true;
  }

  /// The rest of an item that began in an earlier piece (`p` is the start of a piece).
  template <class Parser>
  bool gathering(Parser& parser, const char*& p, const char* end, boost::system::error_code& ec) {
    const char* const piece = p;
    const std::size_t held_before = held_.size();
    const char* item_end = scanner_.scan(p, end);
    const char* stop = item_end ? item_end : end;
    if (!item_end && held_before + static_cast<std::size_t>(stop - piece) > max_held_item)
      return rest_to_boost(parser, held_before, p, piece, end, ec);  // too long to hold
    held_.append(piece, stop);
    held_ends_.push_back(held_.size());
    p = stop;
    if (!item_end) return true;
    if (tokenize(parser, held_.data(), held_.data() + held_.size())) {
      held_.clear();
      held_ends_.clear();
      mode_ = mode::between;
      return stand_in(parser, ec);
    }
    return rest_to_boost(parser, held_before, p, piece, end, ec);
  }

  /// Records the object item in [p, end) on the handler's tape and hands it over; the end
  /// of the item, or nullptr when the tokenizer was not sure (Boost must read it).
  template <class Parser>
  const char* tokenize(Parser& parser, const char* p, const char* end) {
    auto& h = parser.handler();
    json_item_tokenizer tokenizer(h.fast_item_tape(), max_item_depth_);
    const char* item_end = tokenizer.object_item(p, end);
    if (!item_end) return nullptr;
    ++tokenized_;
    h.fast_item_done();  // may throw decode_error, as an item Boost reads may
    return item_end;
  }
  /// Boost's view of an item the tokenizer took.
  template <class Parser>
  bool stand_in(Parser& parser, boost::system::error_code& ec) {
    const bool comma = comma_pending_;
    comma_pending_ = expect_item_ = false;
    return feed_text(parser, comma ? std::string_view(",null") : std::string_view("null"), ec);
  }

  std::size_t max_item_depth_;
  mode mode_ = mode::envelope;
  bool expect_item_ = true;     // after the '[' or a ',': an item must come next
  bool comma_pending_ = false;  // a ',' Boost has not been fed yet
  std::size_t tokenized_ = 0;
  item_boundary_scanner scanner_;
  std::string held_;                     // the bytes so far of an item that spans pieces
  std::vector<std::size_t> held_ends_;  // where each piece's bytes end in held_
};

}  // namespace outlook::detail
