// outlook-mail: enum values that survive members this library does not know yet.
// SPDX-License-Identifier: BSL-1.0
//
// Services add enum members over time. Decoding an unknown member must not fail and must
// not lose it: open_enum keeps the raw string and writes it back unchanged. Known members
// compare case-insensitively ("html" is BodyType HTML) and are written in the schema's
// spelling. A generated enum E has an extra enumerator E::unrecognized for `switch`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "outlook/http.hpp"

namespace outlook {

/// One member of a generated enum: its wire spelling and C++ value.
template <class E>
struct enum_member {
  std::string_view wire;
  E value;
};

/// Specialised by generated code: `static constexpr std::array<enum_member<E>, N> members`,
/// `static constexpr std::array<enum_member<E>, M> aliases` (accepted when decoding only),
/// `static constexpr bool flags`.
template <class E>
struct enum_traits;

template <class E>
[[nodiscard]] constexpr std::optional<E> enum_from_wire(std::string_view s) noexcept {
  for (const auto& m : enum_traits<E>::members)
    if (m.wire == s) return m.value;
  for (const auto& m : enum_traits<E>::members)
    if (iequals(m.wire, s)) return m.value;
  for (const auto& m : enum_traits<E>::aliases)
    if (iequals(m.wire, s)) return m.value;
  return std::nullopt;
}

template <class E>
[[nodiscard]] constexpr std::string_view enum_to_wire(E v) noexcept {
  for (const auto& m : enum_traits<E>::members)
    if (m.value == v) return m.wire;
  return {};
}

/// An enum value that may also be a member unknown to this library.
template <class E>
class open_enum {
 public:
  constexpr open_enum() noexcept = default;
  constexpr open_enum(E v) noexcept : value_(v) {}  // NOLINT: implicit on purpose

  /// Decodes a wire spelling; unknown spellings are kept as E::unrecognized with their text.
  [[nodiscard]] static open_enum from_wire(std::string_view s) {
    open_enum r;
    if (auto v = enum_from_wire<E>(s)) {
      r.value_ = *v;
    } else {
      r.value_ = E::unrecognized;
      r.raw_ = std::string(s);
    }
    return r;
  }

  [[nodiscard]] constexpr E value() const noexcept { return value_; }
  constexpr operator E() const noexcept { return value_; }  // NOLINT: usable in switch
  [[nodiscard]] bool known() const noexcept { return value_ != E::unrecognized; }
  /// The wire spelling: the schema's for known members, the received text otherwise.
  [[nodiscard]] std::string_view wire() const noexcept { return known() ? enum_to_wire(value_) : std::string_view(raw_); }

  friend bool operator==(const open_enum& a, const open_enum& b) noexcept {
    return a.value_ == b.value_ && (a.known() || iequals(a.raw_, b.raw_));
  }
  friend bool operator==(const open_enum& a, E b) noexcept { return a.value_ == b; }

 private:
  E value_{};
  std::string raw_;
};

/// A set of flags-enum members, written on the wire as names joined by ", " in value
/// order ("AutomaticReplies, MailboxFullStatus"). Unknown names are kept and re-written.
template <class E>
class flags {
 public:
  using underlying = std::underlying_type_t<E>;

  constexpr flags() noexcept = default;
  constexpr flags(E v) noexcept : bits_(static_cast<std::uint64_t>(v)) {}  // NOLINT: implicit on purpose

  friend constexpr flags operator|(flags a, flags b) noexcept {
    flags r = a;
    r.bits_ |= b.bits_;
    // Unknown members of both sides are kept, each once.
    std::string_view rest = b.unknown_;
    while (!rest.empty()) {
      auto comma = rest.find(", ");
      auto item = rest.substr(0, comma);
      if (!r.has_unknown(item)) {
        if (!r.unknown_.empty()) r.unknown_ += ", ";
        r.unknown_ += item;
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 2);
    }
    return r;
  }
  friend constexpr flags operator|(flags a, E b) noexcept { return a | flags(b); }
  flags& operator|=(flags b) { return *this = *this | b; }

  [[nodiscard]] constexpr bool has(E v) const noexcept {
    auto b = static_cast<std::uint64_t>(v);
    return b != 0 && (bits_ & b) == b;
  }
  [[nodiscard]] constexpr std::uint64_t bits() const noexcept { return bits_; }
  [[nodiscard]] const std::string& unknown_members() const noexcept { return unknown_; }
  [[nodiscard]] constexpr bool has_unknown(std::string_view name) const noexcept {
    std::string_view rest = unknown_;
    while (!rest.empty()) {
      auto comma = rest.find(", ");
      if (rest.substr(0, comma) == name) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 2);
    }
    return false;
  }

  [[nodiscard]] static flags from_wire(std::string_view s) {
    flags r;
    while (!s.empty()) {
      auto comma = s.find(',');
      auto item = s.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (!item.empty()) {
        if (auto v = enum_from_wire<E>(item)) {
          r.bits_ |= static_cast<std::uint64_t>(*v);
        } else {
          if (!r.unknown_.empty()) r.unknown_ += ", ";
          r.unknown_ += item;
        }
      }
      if (comma == std::string_view::npos) break;
      s.remove_prefix(comma + 1);
    }
    return r;
  }

  [[nodiscard]] std::string to_wire() const {
    std::string out;
    // members are listed in value order by the generator
    for (const auto& m : enum_traits<E>::members) {
      auto b = static_cast<std::uint64_t>(m.value);
      if (b != 0 && (bits_ & b) == b) {
        if (!out.empty()) out += ", ";
        out += m.wire;
      }
    }
    if (!unknown_.empty()) {
      if (!out.empty()) out += ", ";
      out += unknown_;
    }
    return out;
  }

  friend bool operator==(const flags& a, const flags& b) noexcept { return a.bits_ == b.bits_ && a.unknown_ == b.unknown_; }

 private:
  std::uint64_t bits_ = 0;
  std::string unknown_;
};

}  // namespace outlook
