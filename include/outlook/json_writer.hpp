// outlook-mail: writes JSON text straight into a std::string, for the typed encoders.
// SPDX-License-Identifier: BSL-1.0
//
// Encoding a model through a boost::json::value first allocated a node for every member
// and then walked the tree a second time to serialize it (typed encode ran at about a
// third of serialize()'s speed). The generated write_json functions write through this
// class instead. Its output is byte for byte what boost::json::serialize writes for the
// value encode_value() builds: the same escaping (", \, control characters as \b \t \n \f
// \r or \u00xx with lower-case hex; '/' and non-ASCII left alone), integers in decimal, and
// doubles formatted by Boost.JSON itself. tests/unit checks both agree.
#pragma once

#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace outlook {

class json_writer {
 public:
  /// Appends to `out`. The string is grown ahead of the writes and cut back to what was
  /// written when the writer is destroyed: until then, read it only through the writer.
  explicit json_writer(std::string& out) noexcept : out_(out), used_(out.size()) {}
  ~json_writer() { out_.resize(used_); }
  json_writer(const json_writer&) = delete;
  json_writer& operator=(const json_writer&) = delete;

  void null() { raw("null", 4); }
  void boolean(bool b) { b ? raw("true", 4) : raw("false", 5); }
  void integer(std::int64_t x) { append_number(x); }
  void integer(std::uint64_t x) { append_number(x); }
  /// Boost.JSON's own formatting (shortest round-trip, e.g. 1E0), so both encoders agree.
  void number(double x) { value(boost::json::value(x)); }
  /// A JSON string: quoted and escaped. Bodies are kilobytes of HTML with few characters
  /// to escape, so runs without any are found 8 bytes at a time and copied whole, into
  /// room made once for the worst case (every byte written as a six-byte escape).
  void string(std::string_view s) { string_then(s, 0); }
  /// A member's key and its colon.
  void key(std::string_view s) { string_then(s, ':'); }

  /// Structural characters: { } [ ] , :
  void punct(char c) {
    *reserve(1) = c;
    ++used_;
  }

 private:
  /// Writes the string, then `after` unless it is 0. Clean 8-byte words are copied with
  /// one store; a word holding a character to escape is written byte by byte. No call per
  /// escaped character: HTML bodies have a quote or a CR LF every few dozen bytes.
  void string_then(std::string_view s, char after) {
    char* out = reserve(6 * s.size() + 3);
    *out++ = '"';
    const char* p = s.data();
    const char* const end = p + s.size();
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (end - p >= 8) {
      std::uint64_t x;
      std::memcpy(&x, p, 8);
      // A byte below 0x20, a '"' or a '\\' sets the high bit of its lane (SWAR, as in
      // "Bit Twiddling Hacks": haszero / hasless); a lane may also be flagged wrongly
      // above a real hit, which the byte-by-byte path below handles.
      const std::uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
      const std::uint64_t hits = ((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash);
      if (!(hits & highs)) {
        std::memcpy(out, &x, 8);
        out += 8;
      } else {
        for (int i = 0; i < 8; ++i) out = put_char(out, p[i]);
      }
      p += 8;
    }
    while (p != end) out = put_char(out, *p++);
    *out++ = '"';
    if (after) *out++ = after;
    used_ = static_cast<std::size_t>(out - out_.data());
  }

  /// One character, escaped when it must be; returns the new end.
  static char* put_char(char* out, char ch) noexcept {
    const auto c = static_cast<unsigned char>(ch);
    const char e = escape_table[c];
    if (!e) {
      *out = ch;
      return out + 1;
    }
    out[0] = '\\';
    out[1] = e;
    if (e != 'u') return out + 2;
    static constexpr char hex[] = "0123456789abcdef";
    out[2] = '0';
    out[3] = '0';
    out[4] = hex[c >> 4];
    out[5] = hex[c & 15];
    return out + 6;
  }

 public:
  /// Any JSON value (unknown members, raw JSON properties): scalars and containers here,
  /// doubles through Boost.JSON's serializer (its number format).
  void value(const boost::json::value& v) {
    switch (v.kind()) {
      case boost::json::kind::null: return null();
      case boost::json::kind::bool_: return boolean(v.get_bool());
      case boost::json::kind::int64: return integer(v.get_int64());
      case boost::json::kind::uint64: return integer(v.get_uint64());
      case boost::json::kind::string: return string(std::string_view(v.get_string().data(), v.get_string().size()));
      case boost::json::kind::array: {
        punct('[');
        bool first = true;
        for (const auto& e : v.get_array()) {
          if (!first) punct(',');
          first = false;
          value(e);
        }
        return punct(']');
      }
      case boost::json::kind::object: {
        punct('{');
        bool first = true;
        for (const auto& kv : v.get_object()) {
          if (!first) punct(',');
          first = false;
          key(std::string_view(kv.key().data(), kv.key().size()));
          value(kv.value());
        }
        return punct('}');
      }
      case boost::json::kind::double_: break;
    }
    boost::json::serializer sr;
    sr.reset(&v);
    char buffer[64];
    while (!sr.done()) {
      const auto part = sr.read(buffer, sizeof buffer);
      raw(part.data(), part.size());
    }
  }

 private:
  /// For each byte, 0 when it is written as is, else the letter after the backslash
  /// ('u' for \u00xx).
  static constexpr std::array<char, 256> escape_table = [] {
    std::array<char, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = 'u';
    t['\b'] = 'b';
    t['\t'] = 't';
    t['\n'] = 'n';
    t['\f'] = 'f';
    t['\r'] = 'r';
    t['"'] = '"';
    t['\\'] = '\\';
    return t;
  }();

  /// Room for n more bytes after what was written; returns where they go. The string
  /// grows geometrically (zero-filled by resize, which costs far less than the writes).
  char* reserve(std::size_t n) {
    if (out_.size() - used_ < n) [[unlikely]]
      grow(n);
    return out_.data() + used_;
  }
  [[gnu::noinline]] void grow(std::size_t n) { out_.resize(std::max({used_ + n, 2 * out_.size(), std::size_t{256}})); }
  void raw(const char* p, std::size_t n) {
    std::memcpy(reserve(n), p, n);
    used_ += n;
  }

  template <class I>
  void append_number(I x) {
    char* out = reserve(24);
    const auto r = std::to_chars(out, out + 24, x);
    used_ = static_cast<std::size_t>(r.ptr - out_.data());
  }

  std::string& out_;
  std::size_t used_;
};

namespace detail {

/// One JSON object being written: separators, and which keys it holds when asked to track
/// them, so that unknown members (`extra`) never repeat a key the model wrote and an
/// @odata.type is added only when missing, exactly as the boost::json::object encoders do.
class object_writer {
 public:
  /// `track`: remember the keys written (needed by extra() and wrote()); generated code
  /// asks for it only when there are unknown members, so the common object costs nothing.
  object_writer(json_writer& w, bool track) : w_(w), track_(track) { w_.punct('{'); }
  object_writer(const object_writer&) = delete;
  object_writer& operator=(const object_writer&) = delete;

  /// Starts a member: the separator, the key and the colon; the caller writes the value.
  json_writer& key(std::string_view k) {
    if (!first_) w_.punct(',');
    first_ = false;
    w_.key(k);
    if (track_) {
      if (written_.empty()) written_.reserve(64);  // a message has about 45 members
      written_.push_back(k);
    }
    return w_;
  }

  /// Whether a member of this name was written (only when tracking).
  [[nodiscard]] bool wrote(std::string_view k) const noexcept {
    for (auto w : written_)
      if (w == k) return true;
    return false;
  }

  /// Copies the unknown members back, without repeating a member the model wrote.
  void extra(const boost::json::object& extra) {
    for (const auto& kv : extra) {
      const std::string_view k(kv.key().data(), kv.key().size());
      if (wrote(k)) continue;
      key(k).value(kv.value());
    }
  }

  void end() { w_.punct('}'); }

 private:
  json_writer& w_;
  bool first_ = true;
  bool track_;
  std::vector<std::string_view> written_;
};

}  // namespace detail
}  // namespace outlook
