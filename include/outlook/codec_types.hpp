// outlook-mail: what the declarations of the model and the session need from the codecs,
// without the codecs themselves.
// SPDX-License-Identifier: BSL-1.0
//
// The value types of the model (instants, bytes, open enums, patch fields, poly), the
// limits and tags that generated declarations name, and forward declarations of the
// writer and the recorded parser events their codec functions take. outlook/codec.hpp
// includes this header and adds the codec templates. Under separate compilation
// (outlook/config.hpp) a translation unit other than the src.hpp one sees only this:
// the codec bodies are compiled once, and a file that decodes or encodes by itself
// (decode_text, to_json_text, ...) includes <outlook/codec.hpp>.
#pragma once

#include <cstddef>

#include "outlook/base64.hpp"
#include "outlook/config.hpp"
#include "outlook/date_time.hpp"
#include "outlook/error.hpp"
#include "outlook/json_path.hpp"
#include "outlook/open_enum.hpp"
#include "outlook/patch.hpp"
#include "outlook/poly.hpp"

namespace outlook {

class json_writer;

/// Nesting deeper than this is a decode_error (a safety rule of this library): the parser
/// refuses it before any recursion can exhaust the stack.
inline constexpr std::size_t max_json_depth = 64;

namespace detail {

class object_writer;
class tape_value;

/// Tag of the decode_json overloads for a target the caller has just default-constructed.
struct fresh_target_t {
  explicit fresh_target_t() = default;
};
inline constexpr fresh_target_t fresh_target{};

}  // namespace detail

}  // namespace outlook
