// Test support: a page run through collection_parser with and without its item tokenizer.
// SPDX-License-Identifier: BSL-1.0
//
// collection_item_splitter (outlook/detail/collection_item_splitter.hpp) reads most items
// of a page with its own tokenizer; the promise is that everything observable is what
// Boost's parser alone gives: each item's tape (kinds, bytes, number types and values,
// member counts), the rest of the page, and the error. This records all of that exactly,
// for the unit tests (tests/unit/collection_split_tests.cpp) and the page_stream fuzz target.
#pragma once

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "outlook/codec.hpp"
#include "outlook/detail/json_tape.hpp"
#include "outlook/detail/streamed_collection.hpp"

namespace outlook::test {

/// What a page parse shows: equal outcomes mean the two paths cannot be told apart.
struct split_outcome {
  std::vector<std::string> items;  // each item's tape, described by describe_tape
  std::string rest;                // the page without its items, serialized (on success)
  std::string error;               // the parser's error message, or the extra data's offset
  std::size_t tokenized = 0;       // items read without Boost's parser (not compared)

  friend bool operator==(const split_outcome& a, const split_outcome& b) {
    return a.items == b.items && a.rest == b.rest && a.error == b.error;
  }
  /// For a failed check: everything compared.
  friend std::ostream& operator<<(std::ostream& os, const split_outcome& o) {
    os << "error: " << o.error << "\nrest: " << o.rest;
    for (const auto& item : o.items) os << "\nitem " << item;
    return os;
  }
};

/// An exact description of a value on a tape: every kind, every byte of every string and
/// key, the bits of every double, every container's count.
inline void describe_tape(const detail::tape_value& v, std::string& out) {
  const auto text = [&out](char tag, std::string_view s) {
    out += tag;
    out += std::to_string(s.size());
    out += ':';
    out += s;
  };
  switch (v.kind()) {
    case boost::json::kind::null: out += 'n'; break;
    case boost::json::kind::bool_: out += v.get_bool() ? 'T' : 'F'; break;
    case boost::json::kind::int64: out += "i" + std::to_string(v.get_int64()); break;
    case boost::json::kind::uint64: out += "u" + std::to_string(v.get_uint64()); break;
    case boost::json::kind::double_: {
      const double d = v.get_double();
      std::uint64_t bits = 0;
      std::memcpy(&bits, &d, sizeof bits);
      char hex[24];
      std::snprintf(hex, sizeof hex, "d%016llx", static_cast<unsigned long long>(bits));
      out += hex;
      break;
    }
    case boost::json::kind::string: text(v.tape().at(v.index()).is_key ? '?' : 's', v.get_string()); break;
    case boost::json::kind::array:
      out += '[' + std::to_string(v.get_array().size()) + ':';
      for (const auto& e : v.get_array()) describe_tape(e, out);
      out += ']';
      break;
    case boost::json::kind::object:
      out += '{' + std::to_string(v.get_object().size()) + ':';
      for (const auto& m : v.get_object()) {
        text(v.tape().at(m.value - 1).is_key ? 'k' : '?', m.key);
        describe_tape(detail::tape_value(v.tape(), m.value), out);
      }
      out += '}';
      break;
  }
}

/// Parses `text` as collection_stream does, in pieces that end at `cuts` (increasing
/// offsets; the last piece ends at the end of `text`), with the tokenizer (`fast`) or
/// with Boost's parser alone.
inline split_outcome parse_in_pieces(std::string_view text, const std::vector<std::size_t>& cuts, bool fast) {
  split_outcome out;
  auto on_item = [](void* context, const detail::tape_value& v, std::size_t index) {
    auto& items = *static_cast<std::vector<std::string>*>(context);
    std::string d = std::to_string(index) + "=";
    describe_tape(v, d);
    items.push_back(std::move(d));
  };
  boost::json::monotonic_resource arena;
  boost::json::parse_options opts;
  opts.max_depth = max_json_depth;
  detail::collection_parser parser(opts, on_item, &out.items, &arena, text.size());
  if (!fast) parser.parser_only();
  boost::system::error_code ec;
  std::size_t at = 0;
  std::vector<std::size_t> ends;
  for (std::size_t c : cuts)
    if (c > at && c < text.size()) ends.push_back(c);
  ends.push_back(text.size());
  for (std::size_t end : ends) {
    if (end <= at) continue;
    const auto used = parser.write_some(true, text.data() + at, end - at, ec);
    if (ec) {
      out.error = ec.message();
      break;
    }
    if (used != end - at) {
      out.error = "extra data at " + std::to_string(at + used);
      break;
    }
    at = end;
  }
  if (out.error.empty()) {
    parser.write_some(false, nullptr, 0, ec);
    if (ec) out.error = ec.message();
    else out.rest = boost::json::serialize(parser.handler().release_rest());
  }
  out.tokenized = parser.tokenized_items();
  return out;
}

/// Offsets of pieces of `size` bytes.
inline std::vector<std::size_t> pieces_of(std::size_t size, std::size_t total) {
  std::vector<std::size_t> cuts;
  for (std::size_t at = size; at < total; at += size) cuts.push_back(at);
  return cuts;
}

}  // namespace outlook::test
