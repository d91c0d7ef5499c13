// outlook-mail: a value that holds a type of a polymorphic hierarchy, decoded by @odata.type.
// SPDX-License-Identifier: BSL-1.0
//
// Generated types are aggregates (no virtual functions), so a collection of attachments
// cannot hold FileAttachment and ItemAttachment by base pointer alone. poly<Base> owns
// the most derived object, copies it deeply, compares it by dynamic type and value, and
// gives the base's members through -> without a visit; as<Derived>() reaches the rest.
//
// as<T>() and is<T>() answer is-a: an event_message_request is an event_message. The
// types are plain aggregates without virtual functions, so the held type's bases are
// found the one way C++ offers for that: a pointer to the held object is thrown and
// caught as a pointer to T, which matches exactly when T is an unambiguous public base
// (or the type itself). That slow path runs only when T is not the exact held type.
//
// A moved-from poly holds nothing: ->, * and base() throw outlook::error on it (instead
// of dereferencing null); as<T>() gives nullptr; assigning to it makes it usable again.
#pragma once

#include <memory>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "outlook/error.hpp"

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

  Base* operator->() { return &checked(); }
  const Base* operator->() const { return &checked(); }
  Base& operator*() { return checked(); }
  const Base& operator*() const { return checked(); }
  Base& base() { return checked(); }
  const Base& base() const { return checked(); }

  /// The held object as T when it is a T (the held type or one derived from T), else
  /// nullptr (also for a moved-from poly).
  template <class T>
  [[nodiscard]] const T* as() const noexcept {
    return const_cast<poly*>(this)->template as<T>();
  }
  template <class T>
  [[nodiscard]] T* as() noexcept {
    if (!ptr_) return nullptr;
    if constexpr (std::is_base_of_v<T, Base>) {
      return static_cast<T*>(ptr_);
    } else {
      if (*ops_->type == typeid(T)) return static_cast<T*>(ptr_);
      // An object of exactly Base is no T derived from it. The common case (a plain
      // message asked whether it is an event_message) is answered here: the throw below
      // cost about 12,000 instructions and was a third of encoding a page of messages.
      if constexpr (std::is_base_of_v<Base, T>)
        if (*ops_->type == typeid(Base)) return nullptr;
      try {
        ops_->throw_pointer(ptr_);
      } catch (T* found) {
        return found;
      } catch (...) {
      }
      return nullptr;
    }
  }
  /// Whether the held object is a T (the held type or one derived from T).
  template <class T>
  [[nodiscard]] bool is() const noexcept {
    return as<T>() != nullptr;
  }
  /// The exact type of the held object.
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
    void (*throw_pointer)(Base*);  // throws the pointer as the held type
  };
  template <class T>
  static constexpr ops ops_for{
      &typeid(T),
      [](const Base* p) -> Base* { return p ? new T(*static_cast<const T*>(p)) : nullptr; },
      [](Base* p) noexcept { delete static_cast<T*>(p); },
      [](const Base* a, const Base* b) { return *static_cast<const T*>(a) == *static_cast<const T*>(b); },
      [](Base* p) { throw static_cast<T*>(p); },
  };

  Base& checked() const {
    if (!ptr_) throw error("outlook::poly: use of a moved-from value (it holds nothing until assigned)");
    return *ptr_;
  }

  void reset() noexcept {
    if (ptr_) ops_->destroy(ptr_);
    ptr_ = nullptr;
  }

  Base* ptr_;
  const ops* ops_;
};

}  // namespace outlook
