// outlook-mail: one property of an update (PATCH) body: absent, null, or a value.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstddef>
#include <utility>
#include <variant>

namespace outlook {

template <class T>
class patch_field {
 public:
  /// Absent: the property is not sent.
  [[nodiscard]] bool absent() const noexcept { return state_.index() == 0; }
  /// Sent as JSON null (clears the property on the server).
  [[nodiscard]] bool is_null() const noexcept { return state_.index() == 1; }
  [[nodiscard]] bool has_value() const noexcept { return state_.index() == 2; }
  [[nodiscard]] const T& value() const { return std::get<2>(state_); }

  void set(T v) { state_.template emplace<2>(std::move(v)); }
  void set_null() noexcept { state_.template emplace<1>(); }
  void clear() noexcept { state_.template emplace<0>(); }

  bool operator==(const patch_field&) const = default;

 private:
  struct absent_t {
    bool operator==(const absent_t&) const = default;
  };
  std::variant<absent_t, std::nullptr_t, T> state_;
};

}  // namespace outlook
