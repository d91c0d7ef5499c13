// Fuzz target: the streaming collection decoder against the whole-DOM decoder.
// SPDX-License-Identifier: BSL-1.0
//
// outlook/detail/streamed_collection.hpp promises that a page decoded while it is parsed
// gives exactly what the ordinary decode of the whole DOM gives, results and errors
// alike. The first input byte picks a page type, the rest is the body; both paths run and
// must agree: both throw an outlook::error with the same message, or both succeed with
// equal encodings. Below that, the page parser's own item tokenizer
// (outlook/detail/collection_item_splitter.hpp) must give exactly the tapes, the rest and
// the error of Boost's parser reading every byte in the same pieces: one piece, and
// pieces whose size the first byte also picks.
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../unit/collection_split_harness.hpp"
#include "fuzz_support.hpp"
#include "json_equal.hpp"
#include "outlook/mail/model.hpp"
#include "outlook/page.hpp"

namespace {

namespace mail = outlook::mail;

struct outcome {
  std::optional<boost::json::value> value;  // the encoding of the result, when it decoded
  std::string error;                        // the outlook::error message otherwise
};

template <class Decode>
outcome run(Decode&& decode) {
  outcome o;
  try {
    o.value = decode();
  } catch (const outlook::error& e) {
    o.error = e.what();
  } catch (const std::exception& e) {
    outlook::fuzz::finding("an exception that is not an outlook::error", e.what());
  }
  return o;
}

template <class Page>
void compare_paths(std::string_view body) {
  const auto streamed = run([&] { return outlook::encode_value(outlook::decode_text<Page>(body)); });
  const auto whole = run([&] {
    return outlook::encode_value(outlook::decode_document<Page>(outlook::parse_json(body)));
  });
  if (streamed.value.has_value() != whole.value.has_value())
    outlook::fuzz::finding("the streaming and whole-DOM decoders disagree on success",
                           "streamed: " + (streamed.value ? std::string("ok") : streamed.error) +
                               "\n  whole DOM: " + (whole.value ? std::string("ok") : whole.error));
  if (!streamed.value) {
    if (streamed.error != whole.error)
      outlook::fuzz::finding("the streaming and whole-DOM decoders give different errors",
                             streamed.error + "\n  vs\n  " + whole.error);
    return;
  }
  if (!outlook::fuzz::json_equal(*streamed.value, *whole.value))
    outlook::fuzz::finding("the streaming and whole-DOM decoders give different pages",
                           boost::json::serialize(*streamed.value) + "\n  vs\n  " +
                               boost::json::serialize(*whole.value));
}

void compare_tokenizer(std::string_view body, std::uint8_t selector) {
  using outlook::test::parse_in_pieces;
  const std::size_t piece = 1 + std::size_t{selector} / 8 * 3;  // 1 to 94 bytes
  for (const auto& cuts : {std::vector<std::size_t>{}, outlook::test::pieces_of(piece, body.size())}) {
    // Boost reading the same pieces: its own error may depend on where a piece ends.
    const auto reference = parse_in_pieces(body, cuts, false);
    const auto got = parse_in_pieces(body, cuts, true);
    if (got == reference) continue;
    std::string detail = "pieces of " + std::to_string(cuts.empty() ? body.size() : piece) + " bytes\n  tokenizer: " +
                         got.error + " " + got.rest + "\n  Boost:     " + reference.error + " " + reference.rest;
    for (std::size_t i = 0; i < got.items.size() || i < reference.items.size(); ++i) {
      const std::string a = i < got.items.size() ? got.items[i] : "(none)";
      const std::string b = i < reference.items.size() ? reference.items[i] : "(none)";
      if (a != b) detail += "\n  item " + std::to_string(i) + ":\n    " + a + "\n    " + b;
    }
    outlook::fuzz::finding("the item tokenizer and Boost's parser disagree", detail);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto body = outlook::fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 8) {
    case 0: compare_paths<outlook::page<outlook::poly<mail::message>>>(body); break;
    case 1: compare_paths<outlook::sync_page<outlook::poly<mail::message>>>(body); break;
    case 2: compare_paths<outlook::page<outlook::poly<mail::mail_folder>>>(body); break;
    case 3: compare_paths<outlook::sync_page<outlook::poly<mail::mail_folder>>>(body); break;
    case 4: compare_paths<outlook::page<outlook::poly<mail::attachment>>>(body); break;
    case 5: compare_paths<outlook::page<mail::inference_classification_override>>(body); break;
    case 6: compare_paths<outlook::page<mail::message_rule>>(body); break;
    default: compare_paths<outlook::page<mail::locale_info>>(body); break;
  }
  compare_tokenizer(body, data[0]);
  return 0;
}
