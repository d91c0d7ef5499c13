// outlook-mail: one JSON value recorded as a flat list of parser events, and a view of it
// SPDX-License-Identifier: BSL-1.0
// that the decoders read as they read a boost::json::value.
//
// Why: the items of a page used to be built as a boost::json::value each (an object with
// its hash table per message, a string per member) and then walked by the decoders, which
// copied every string once more. Recording the events in two reused buffers (tokens and
// characters) and decoding from them costs a fraction of that. Anything the decoders
// cannot take from the tape directly (an unknown member kept in `extra`, a raw JSON
// member, a codec written elsewhere) is rebuilt as a boost::json::value by replaying its
// events into a boost::json::value_stack, exactly as boost::json::parse builds it.
#pragma once

#include <boost/json/kind.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace outlook::detail {

/// One event: a scalar, a string or key (its characters in json_tape's character buffer),
/// or the beginning of a container (its element count and where it ends).
struct tape_token {
  boost::json::kind kind = boost::json::kind::null;
  bool is_key = false;
  bool boolean = false;
  /// string or key: its length; array: its elements; object: its members.
  std::size_t size = 0;
  /// string or key: its first character; container: the index one past its last token.
  std::size_t position = 0;
  union {
    std::int64_t int64 = 0;
    std::uint64_t uint64;
    double number;
  };
};

/// The events of one JSON value, as a boost::json::basic_parser handler reports them.
/// Reused from item to item: clear() keeps the buffers' capacity.
class json_tape {
 public:
  void clear() noexcept {
    tokens_.clear();
    used_ = 0;
    open_.clear();
    pending_ = 0;
  }
  [[nodiscard]] bool empty() const noexcept { return tokens_.empty(); }
  /// Room for an item of about `bytes` of JSON text at once, instead of growing the buffers
  /// step by step on the first item (a dozen allocations, noticeable on a small page).
  void reserve(std::size_t bytes) {
    tokens_.reserve(bytes / 32);  // a message of a page has a token per 40 bytes of text or more
    open_.reserve(16);            // nesting depth: a message is 3 or 4 deep
    if (capacity_ < bytes) grow(bytes);
  }

  void begin_container(boost::json::kind k) {
    open_.push_back(tokens_.size());
    tokens_.emplace_back().kind = k;
  }
  /// Closes the innermost container, which has `n` elements (members for an object).
  void end_container(std::size_t n) noexcept {
    auto& t = tokens_[open_.back()];
    open_.pop_back();
    t.size = n;
    t.position = tokens_.size();
  }
  /// Part of a string or key; the rest comes with string() or key().
  void chars(std::string_view s) { append(s); }
  void key(std::string_view s) { text(s, true); }
  void string(std::string_view s) { text(s, false); }
  void int64(std::int64_t i) {
    auto& t = tokens_.emplace_back();
    t.kind = boost::json::kind::int64;
    t.int64 = i;
  }
  void uint64(std::uint64_t u) {
    auto& t = tokens_.emplace_back();
    t.kind = boost::json::kind::uint64;
    t.uint64 = u;
  }
  void number(double d) {
    auto& t = tokens_.emplace_back();
    t.kind = boost::json::kind::double_;
    t.number = d;
  }
  void boolean(bool b) {
    auto& t = tokens_.emplace_back();
    t.kind = boost::json::kind::bool_;
    t.boolean = b;
  }
  void null() { tokens_.emplace_back(); }

  [[nodiscard]] const tape_token& at(std::size_t i) const noexcept { return tokens_[i]; }
  [[nodiscard]] std::string_view text_at(std::size_t i) const noexcept {
    const auto& t = tokens_[i];
    return {chars_.get() + t.position, t.size};
  }
  /// The index of the token after the value that begins at `i`.
  [[nodiscard]] std::size_t skip(std::size_t i) const noexcept {
    const auto& t = tokens_[i];
    return t.kind == boost::json::kind::array || t.kind == boost::json::kind::object ? t.position : i + 1;
  }

 private:
  /// A plain buffer, not a std::vector or std::string: appending is a memcpy without their
  /// checks, and growing it writes no zeros first (resizing a vector<char> to the page's
  /// size zero-filled 16 KiB per page, 2% of a small request's client CPU).
  void append(std::string_view s) {
    if (s.empty()) return;  // memcpy from a null pointer is undefined, even for 0 bytes
    if (s.size() > capacity_ - used_) grow(std::max(2 * capacity_, used_ + s.size()));
    std::memcpy(chars_.get() + used_, s.data(), s.size());
    used_ += s.size();
  }
  void grow(std::size_t capacity) {
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    if (used_ != 0) std::memcpy(bigger.get(), chars_.get(), used_);
    chars_ = std::move(bigger);
    capacity_ = capacity;
  }
  void text(std::string_view s, bool is_key) {
    append(s);
    auto& t = tokens_.emplace_back();
    t.kind = boost::json::kind::string;
    t.is_key = is_key;
    t.position = pending_;
    t.size = used_ - pending_;
    pending_ = used_;
  }

  std::vector<tape_token> tokens_;
  std::unique_ptr<char[]> chars_;  // [0, used_) holds the item's strings and keys
  std::size_t capacity_ = 0;
  std::size_t used_ = 0;
  std::vector<std::size_t> open_;  // the containers begun and not yet ended
  std::size_t pending_ = 0;        // where the string being recorded begins in chars_
};

class tape_value;

/// The members of an object on a tape, in document order (duplicates included).
class tape_object {
 public:
  struct member {
    std::string_view key;
    std::size_t value;  // token index of the value
  };
  class iterator {
   public:
    iterator(const json_tape* t, std::size_t i) noexcept : tape_(t), index_(i) {}
    [[nodiscard]] member operator*() const noexcept { return {tape_->text_at(index_), index_ + 1}; }
    iterator& operator++() noexcept {
      index_ = tape_->skip(index_ + 1);
      return *this;
    }
    bool operator==(const iterator& o) const noexcept { return index_ == o.index_; }

   private:
    const json_tape* tape_;
    std::size_t index_;
  };
  tape_object(const json_tape* t, std::size_t begin) noexcept : tape_(t), begin_(begin) {}
  [[nodiscard]] iterator begin() const noexcept { return {tape_, begin_ + 1}; }
  [[nodiscard]] iterator end() const noexcept { return {tape_, tape_->at(begin_).position}; }
  [[nodiscard]] std::size_t size() const noexcept { return tape_->at(begin_).size; }

 private:
  const json_tape* tape_;
  std::size_t begin_;
};

/// One value on a tape, with the part of boost::json::value's interface the codecs use.
class tape_value {
 public:
  tape_value(const json_tape& t, std::size_t index) noexcept : tape_(&t), index_(index) {}

  [[nodiscard]] boost::json::kind kind() const noexcept { return token().kind; }
  [[nodiscard]] bool is_null() const noexcept { return kind() == boost::json::kind::null; }
  [[nodiscard]] bool is_bool() const noexcept { return kind() == boost::json::kind::bool_; }
  [[nodiscard]] bool is_int64() const noexcept { return kind() == boost::json::kind::int64; }
  [[nodiscard]] bool is_uint64() const noexcept { return kind() == boost::json::kind::uint64; }
  [[nodiscard]] bool is_double() const noexcept { return kind() == boost::json::kind::double_; }
  [[nodiscard]] bool is_string() const noexcept { return kind() == boost::json::kind::string; }
  [[nodiscard]] bool is_array() const noexcept { return kind() == boost::json::kind::array; }
  [[nodiscard]] bool is_object() const noexcept { return kind() == boost::json::kind::object; }

  [[nodiscard]] bool get_bool() const noexcept { return token().boolean; }
  [[nodiscard]] std::int64_t get_int64() const noexcept { return token().int64; }
  [[nodiscard]] std::uint64_t get_uint64() const noexcept { return token().uint64; }
  [[nodiscard]] double get_double() const noexcept { return token().number; }
  [[nodiscard]] std::string_view get_string() const noexcept { return tape_->text_at(index_); }

  /// The elements of an array, in order.
  class array_view {
   public:
    class iterator {
     public:
      iterator(const json_tape* t, std::size_t i) noexcept : tape_(t), index_(i) {}
      [[nodiscard]] tape_value operator*() const noexcept { return {*tape_, index_}; }
      iterator& operator++() noexcept {
        index_ = tape_->skip(index_);
        return *this;
      }
      bool operator==(const iterator& o) const noexcept { return index_ == o.index_; }

     private:
      const json_tape* tape_;
      std::size_t index_;
    };
    array_view(const json_tape* t, std::size_t begin) noexcept : tape_(t), begin_(begin) {}
    [[nodiscard]] iterator begin() const noexcept { return {tape_, begin_ + 1}; }
    [[nodiscard]] iterator end() const noexcept { return {tape_, tape_->at(begin_).position}; }
    [[nodiscard]] std::size_t size() const noexcept { return tape_->at(begin_).size; }

   private:
    const json_tape* tape_;
    std::size_t begin_;
  };
  /// Only for an array.
  [[nodiscard]] array_view get_array() const noexcept { return {tape_, index_}; }
  /// Only for an object.
  [[nodiscard]] tape_object get_object() const noexcept { return {tape_, index_}; }

  [[nodiscard]] const json_tape& tape() const noexcept { return *tape_; }
  [[nodiscard]] std::size_t index() const noexcept { return index_; }

  /// The value as boost::json::parse would have built it, allocated with `sp`.
  [[nodiscard]] boost::json::value to_value(boost::json::storage_ptr sp = {}) const {
    boost::json::value_stack st(boost::json::storage_ptr{}, nullptr, 0);
    st.reset(std::move(sp));
    replay(st, index_);
    return st.release();
  }

 private:
  [[nodiscard]] const tape_token& token() const noexcept { return tape_->at(index_); }

  /// Pushes the value at `i` (and everything in it) onto `st`; recursion is bounded by the
  /// parser's depth limit.
  void replay(boost::json::value_stack& st, std::size_t i) const {
    const auto& t = tape_->at(i);
    switch (t.kind) {
      case boost::json::kind::null: st.push_null(); break;
      case boost::json::kind::bool_: st.push_bool(t.boolean); break;
      case boost::json::kind::int64: st.push_int64(t.int64); break;
      case boost::json::kind::uint64: st.push_uint64(t.uint64); break;
      case boost::json::kind::double_: st.push_double(t.number); break;
      case boost::json::kind::string: {
        const auto s = tape_->text_at(i);
        const boost::json::string_view sv(s.data(), s.size());
        if (t.is_key) st.push_key(sv);
        else st.push_string(sv);
        break;
      }
      case boost::json::kind::array:
        for (std::size_t j = i + 1; j < t.position; j = tape_->skip(j)) replay(st, j);
        st.push_array(t.size);
        break;
      case boost::json::kind::object:
        for (std::size_t j = i + 1; j < t.position; j = tape_->skip(j + 1)) {
          replay(st, j);  // the key
          replay(st, j + 1);
        }
        st.push_object(t.size);
        break;
    }
  }

  const json_tape* tape_;
  std::size_t index_;
};

/// Thrown by a decoder reading a tape when the ordinary decode of a boost::json::value must
/// decide instead (a member given twice, whose DOM keeps only one); the item is decoded again
/// that way. Not an outlook::error: it never leaves the page decoder.
struct tape_fallback {};

}  // namespace outlook::detail
