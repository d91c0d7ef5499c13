// outlook-mail: a value that holds a type of a polymorphic hierarchy, decoded by @odata.type.
//
// Generated types are aggregates (no virtual functions), so a collection of attachments
// cannot hold FileAttachment and ItemAttachment by base pointer alone. poly<Base> owns
// the most derived object, copies it deeply, compares it by dynamic type and value, and
// gives the base's members through -> without a visit; as<Derived>() reaches the rest.
#pragma once

#include <memory>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace outlook {

template <class Base>
class poly {
 public:
  /// Holds a default-constructed Base.
  poly() : poly(Base{}) {}

  /// Holds a copy of `value`, of any type derived from Base (or Base itself).
  template <class T>
    requires std::is_base_of_v<Base, std::remove_cvref_t<T>>
  poly(T&& value)  // NOLINT: implicit, so a file_attachment is a poly<attachment>
      : ptr_(new std::remove_cvref_t<T>(std::forward<T>(value))), ops_(&ops_for<std::remove_cvref_t<T>>) {}

  poly(const poly& other) : ptr_(other.ops_->clone(other.ptr_)), ops_(other.ops_) {}
  poly(poly&& other) noexcept : ptr_(std::exchange(other.ptr_, nullptr)), ops_(other.ops_) {}
  poly& operator=(const poly& other) {
    if (this != &other) {
      Base* copy = other.ops_->clone(other.ptr_);
      reset();
      ptr_ = copy;
      ops_ = other.ops_;
    }
    return *this;
  }
  poly& operator=(poly&& other) noexcept {
    if (this != &other) {
      reset();
      ptr_ = std::exchange(other.ptr_, nullptr);
      ops_ = other.ops_;
    }
    return *this;
  }
  ~poly() { reset(); }

  Base* operator->() noexcept { return ptr_; }
  const Base* operator->() const noexcept { return ptr_; }
  Base& operator*() noexcept { return *ptr_; }
  const Base& operator*() const noexcept { return *ptr_; }
  Base& base() noexcept { return *ptr_; }
  const Base& base() const noexcept { return *ptr_; }

  /// The held object as T when it is exactly a T, else nullptr.
  template <class T>
  [[nodiscard]] const T* as() const noexcept {
    return *ops_->type == typeid(T) ? static_cast<const T*>(ptr_) : nullptr;
  }
  template <class T>
  [[nodiscard]] T* as() noexcept {
    return *ops_->type == typeid(T) ? static_cast<T*>(ptr_) : nullptr;
  }
  template <class T>
  [[nodiscard]] bool is() const noexcept {
    return *ops_->type == typeid(T);
  }
  [[nodiscard]] const std::type_info& type() const noexcept { return *ops_->type; }

  friend bool operator==(const poly& a, const poly& b) {
    if (*a.ops_->type != *b.ops_->type) return false;
    if (!a.ptr_ || !b.ptr_) return a.ptr_ == b.ptr_;
    return a.ops_->equal(a.ptr_, b.ptr_);
  }

 private:
  struct ops {
    const std::type_info* type;
    Base* (*clone)(const Base*);
    void (*destroy)(Base*) noexcept;
    bool (*equal)(const Base*, const Base*);
  };
  template <class T>
  static constexpr ops ops_for{
      &typeid(T),
      [](const Base* p) -> Base* { return p ? new T(*static_cast<const T*>(p)) : nullptr; },
      [](Base* p) noexcept { delete static_cast<T*>(p); },
      [](const Base* a, const Base* b) { return *static_cast<const T*>(a) == *static_cast<const T*>(b); },
  };

  void reset() noexcept {
    if (ptr_) ops_->destroy(ptr_);
    ptr_ = nullptr;
  }

  Base* ptr_;
  const ops* ops_;
};

}  // namespace outlook
