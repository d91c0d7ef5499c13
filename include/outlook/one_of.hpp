// outlook-mail: a value that is one of several unrelated polymorphic families.
// SPDX-License-Identifier: BSL-1.0
//
// Graph's itemAttachment.item is an outlookItem: a message (or one of its subtypes), an
// event or a contact. Making message derive from an outlook_item struct would break the
// designated initializers users write (graph::message{.subject = ...} would warn about
// the base), so the generator keeps those types independent and holds the item as
// one_of<poly<outlook_item>, poly<message>, poly<event>, poly<contact>>: the first
// alternative is the fallback for an item of no known type. The generated decode_json /
// encode_json overloads for a one_of pick the alternative by @odata.type.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>
#include <variant>

#include "outlook/poly.hpp"

namespace outlook {

namespace detail {
template <class P>
struct poly_base;
template <class B>
struct poly_base<poly<B>> {
  using type = B;
};

template <class T, class... Alts>
constexpr std::size_t first_holding() {
  std::size_t i = 0, found = sizeof...(Alts);
  ((std::is_base_of_v<typename poly_base<Alts>::type, T> && found == sizeof...(Alts) ? (found = i, ++i) : ++i), ...);
  return found;
}
}  // namespace detail

/// One of several poly<B> alternatives; the first is the fallback.
template <class... Alts>
class one_of {
 public:
  one_of() = default;

  /// Holds `v` in the first alternative whose base it derives from (or is).
  template <class T>
    requires(detail::first_holding<std::remove_cvref_t<T>, Alts...>() < sizeof...(Alts))
  one_of(T&& v)  // NOLINT: implicit, so `item = graph::event{...}` works
      : value(std::in_place_index<detail::first_holding<std::remove_cvref_t<T>, Alts...>()>, std::forward<T>(v)) {}

  /// The held object as T when it is exactly a T (see poly::as), else nullptr.
  template <class T>
  [[nodiscard]] const T* as() const noexcept {
    const T* out = nullptr;
    std::visit(
        [&](const auto& p) {
          using B = typename detail::poly_base<std::remove_cvref_t<decltype(p)>>::type;
          if constexpr (std::is_base_of_v<B, T>) out = p.template as<T>();
        },
        value);
    return out;
  }
  template <class T>
  [[nodiscard]] bool is() const noexcept {
    return as<T>() != nullptr;
  }

  std::variant<Alts...> value;

  bool operator==(const one_of&) const = default;
};

}  // namespace outlook
