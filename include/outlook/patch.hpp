// outlook-mail: one property of an update (PATCH) body: absent, null, or a value.
// SPDX-License-Identifier: BSL-1.0
//
// Why an optional and a flag, not a std::variant of the three states: every patch class
// holds dozens of these, and a variant costs each translation unit that includes a model
// header far more template instantiation (its storage, its visitors, its comparisons)
// than the std::optional<T> the model types instantiate anyway.
#pragma once

#include <optional>
#include <utility>

namespace outlook {

template <class T>
class patch_field {
 public:
  /// Absent: the property is not sent.
  [[nodiscard]] bool absent() const noexcept { return !value_ && !null_; }
  /// Sent as JSON null (clears the property on the server).
  [[nodiscard]] bool is_null() const noexcept { return null_; }
  [[nodiscard]] bool has_value() const noexcept { return value_.has_value(); }
  /// The value; std::bad_optional_access when there is none.
  [[nodiscard]] const T& value() const { return value_.value(); }

  void set(T v) {
    value_ = std::move(v);
    null_ = false;
  }
  void set_null() noexcept {
    value_.reset();
    null_ = true;
  }
  void clear() noexcept {
    value_.reset();
    null_ = false;
  }

  bool operator==(const patch_field&) const = default;

 private:
  std::optional<T> value_;
  bool null_ = false;  // never true together with a value
};

}  // namespace outlook
