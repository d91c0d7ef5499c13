// outlook-mail: Edm.Binary values travel as standard base64 (RFC 4648, with padding).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace outlook {

/// Decoded bytes of an Edm.Binary property.
using bytes = std::vector<std::byte>;

/// Copies text or file contents into bytes.
[[nodiscard]] inline bytes to_bytes(std::string_view s) {
  bytes out(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) out[i] = static_cast<std::byte>(s[i]);
  return out;
}

/// The bytes as a std::string (for text content).
[[nodiscard]] inline std::string to_string(const bytes& b) {
  std::string out(b.size(), '\0');
  for (std::size_t i = 0; i < b.size(); ++i) out[i] = static_cast<char>(b[i]);
  return out;
}

[[nodiscard]] inline std::string base64_encode(const bytes& in) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    std::uint32_t n = (std::to_integer<std::uint32_t>(in[i]) << 16) | (std::to_integer<std::uint32_t>(in[i + 1]) << 8) |
                      std::to_integer<std::uint32_t>(in[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    std::uint32_t n = std::to_integer<std::uint32_t>(in[i]) << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    std::uint32_t n = (std::to_integer<std::uint32_t>(in[i]) << 16) | (std::to_integer<std::uint32_t>(in[i + 1]) << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

/// Strict decoding: only the standard alphabet, length a multiple of 4, '=' only as final
/// padding. Returns nullopt on anything else, so corrupt content is never silently kept.
[[nodiscard]] inline std::optional<bytes> base64_decode(std::string_view s) {
  static constexpr auto table = [] {
    std::array<std::int8_t, 256> t{};
    for (auto& v : t) v = -1;
    const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(a[i])] = static_cast<std::int8_t>(i);
    return t;
  }();
  if (s.size() % 4 != 0) return std::nullopt;
  std::size_t pad = 0;
  if (!s.empty() && s.back() == '=') ++pad;
  if (s.size() >= 2 && s[s.size() - 2] == '=') ++pad;
  bytes out;
  out.reserve(s.size() / 4 * 3);
  for (std::size_t i = 0; i < s.size(); i += 4) {
    std::uint32_t n = 0;
    bool last = i + 4 == s.size();
    for (std::size_t j = 0; j < 4; ++j) {
      char c = s[i + j];
      if (c == '=') {
        if (!last || j < 4 - pad) return std::nullopt;
        n <<= 6;
        continue;
      }
      auto v = table[static_cast<unsigned char>(c)];
      if (v < 0) return std::nullopt;
      n = (n << 6) | static_cast<std::uint32_t>(v);
    }
    out.push_back(static_cast<std::byte>((n >> 16) & 0xFF));
    if (!(last && pad >= 2)) out.push_back(static_cast<std::byte>((n >> 8) & 0xFF));
    if (!(last && pad >= 1)) out.push_back(static_cast<std::byte>(n & 0xFF));
  }
  return out;
}

/// base64_decode for text that arrives in pieces cut anywhere (an attachment's contentBytes
/// read from the network): the same strict rules, with at most three characters carried
/// from one piece to the next, so a large content never needs its whole text in memory.
class base64_stream_decoder {
 public:
  /// Appends the bytes of `text` that complete a group of four to `out`. Returns false
  /// (and keeps failing) on a character outside the alphabet or anything after padding.
  bool feed(std::string_view text, std::string& out) {
    for (const char c : text) {
      if (failed_ || ended_) return fail();
      if (c == '=') {
        if (have_ < 2) return fail();
        ++pad_;
        quad_[have_++] = 0;
      } else {
        const auto v = table()[static_cast<unsigned char>(c)];
        if (v < 0 || pad_ > 0) return fail();
        quad_[have_++] = static_cast<std::uint32_t>(v);
      }
      if (have_ == 4) {
        const std::uint32_t n = (quad_[0] << 18) | (quad_[1] << 12) | (quad_[2] << 6) | quad_[3];
        out += static_cast<char>((n >> 16) & 0xFF);
        if (pad_ < 2) out += static_cast<char>((n >> 8) & 0xFF);
        if (pad_ < 1) out += static_cast<char>(n & 0xFF);
        have_ = 0;
        ended_ = pad_ > 0;
      }
    }
    return !failed_;
  }

  /// Whether everything fed so far was valid and ended on a complete group.
  [[nodiscard]] bool complete() const noexcept { return !failed_ && have_ == 0; }

 private:
  static const std::array<std::int8_t, 256>& table() {
    static constexpr auto t = [] {
      std::array<std::int8_t, 256> r{};
      for (auto& v : r) v = -1;
      const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      for (int i = 0; i < 64; ++i) r[static_cast<unsigned char>(a[i])] = static_cast<std::int8_t>(i);
      return r;
    }();
    return t;
  }
  bool fail() {
    failed_ = true;
    return false;
  }

  std::uint32_t quad_[4] = {0, 0, 0, 0};
  int have_ = 0;
  int pad_ = 0;
  bool ended_ = false;
  bool failed_ = false;
};

}  // namespace outlook
