// outlook-mail: finding the next byte of a JSON string that needs a closer look.
// SPDX-License-Identifier: BSL-1.0
//
// Why: most of a page of messages is the inside of strings (HTML bodies, ids, links), and
// almost every byte there is plain ASCII that is copied as it is. Looking at 16 (SSE2) or
// 8 (any 64-bit machine) bytes at a time for the few bytes that matter is what makes the
// item tokenizer (json_item_tokenizer.hpp) and the boundary scanner
// (item_boundary_scanner.hpp) cheaper than a parser that looks at every byte on its own.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace outlook::detail {

/// Whether byte `c` ends a run of plain string characters: '"', '\\', a control character
/// (below 0x20) or the first byte of a non-ASCII UTF-8 sequence (0x80 and above).
[[nodiscard]] constexpr bool is_string_special(unsigned char c) noexcept {
  return c == '"' || c == '\\' || c < 0x20 || c >= 0x80;
}

/// find_string_special() 8 bytes at a time in a 64-bit word (SWAR): the path of a machine
/// without SSE2, kept callable everywhere so that the tests run it on every machine.
[[nodiscard]] inline const char* find_string_special_swar(const char* p, const char* end) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    // A byte of `x` is flagged when it is zero ((x - 1) & ~x sets its top bit); a borrow
    // can flag bytes above a real hit, never below, so the lowest flag is exact.
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      const std::uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
      const std::uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w) | w;
      if ((hit & highs) != 0) return p + std::countr_zero(hit & highs) / 8;
      p += 8;
    }
  }
  for (; p != end; ++p)
    if (is_string_special(static_cast<unsigned char>(*p))) return p;
  return end;
}

/// The first byte in [p, end) that ends a run of plain string characters (is_string_special);
/// `end` when there is none.
[[nodiscard]] inline const char* find_string_special(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  // As signed bytes, 0x80..0xFF are negative: one "less than 0x20" finds both the control
  // characters and the non-ASCII bytes.
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                     _mm_cmplt_epi8(v, space));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 16;
  }
  for (; p != end; ++p)
    if (is_string_special(static_cast<unsigned char>(*p))) return p;
  return end;
#else
  return find_string_special_swar(p, end);
#endif
}

/// The first '"' or '\\' in [p, end), or `end`: all the boundary scanner needs inside a string.
[[nodiscard]] inline const char* find_quote_or_backslash(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash))));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 16;
  }
#endif
  for (; p != end; ++p)
    if (*p == '"' || *p == '\\') return p;
  return end;
}

}  // namespace outlook::detail
