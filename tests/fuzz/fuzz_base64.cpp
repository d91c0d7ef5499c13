// Fuzz target: base64 (outlook/base64.hpp), both directions.
// SPDX-License-Identifier: BSL-1.0
//
// - The input as text: base64_decode either refuses it or gives bytes whose encoding
//   decodes to the same bytes (decoding is strict, but RFC 4648 lets a decoder accept
//   non-zero padding bits, so the text itself need not come back).
// - The input as bytes: encode -> decode gives them back exactly, and the encoding has
//   the length RFC 4648 prescribes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "outlook/base64.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = outlook::fuzz::as_text(data, size);

  if (const auto decoded = outlook::base64_decode(text)) {
    const auto again = outlook::base64_decode(outlook::base64_encode(*decoded));
    if (!again || *again != *decoded) outlook::fuzz::finding("decode -> encode -> decode of base64 is not stable");
    if (decoded->size() > text.size()) outlook::fuzz::finding("base64 decoding made more bytes than characters");
  }

  const auto bytes = outlook::to_bytes(text);
  const std::string encoded = outlook::base64_encode(bytes);
  if (encoded.size() != (bytes.size() + 2) / 3 * 4) outlook::fuzz::finding("base64 encoding has the wrong length");
  const auto back = outlook::base64_decode(encoded);
  if (!back) outlook::fuzz::finding("base64_decode refuses what base64_encode wrote", encoded);
  if (*back != bytes) outlook::fuzz::finding("encode -> decode of base64 does not give the bytes back");
  if (outlook::to_string(*back) != text) outlook::fuzz::finding("to_bytes/to_string do not round-trip");
  return 0;
}
