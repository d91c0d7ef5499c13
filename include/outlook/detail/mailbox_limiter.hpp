// outlook-mail: at most N requests in flight per mailbox (the service allows 4 concurrent
// requests per mailbox and answers more with 429 MailboxConcurrency).
// SPDX-License-Identifier: BSL-1.0
//
// One counting semaphore per mailbox key ("me", "users/alex@contoso.com"), made when a
// request of that mailbox first waits and dropped when none is in flight or waiting, so a
// client that visits many mailboxes keeps no state for idle ones. Each semaphore is an
// Asio concurrent_channel with a buffer of N: a request puts a token in to start (waiting
// while the buffer is full) and takes one out when it ends, which lets the longest waiter
// in. Thread-safe; a waiting request is cancelled like any Asio operation.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "outlook/config.hpp"

namespace outlook::detail {

/// The mailbox a request path (below the base URL) addresses: "me", "users/<id>" (the id
/// lower-cased: addresses compare without case), or "" for a path of no mailbox ($batch).
[[nodiscard]] inline std::string mailbox_key(std::string_view path) {
  if (path == "me" || path.starts_with("me/")) return "me";
  if (!path.starts_with("users/")) return {};
  std::string key(path.substr(0, path.find('/', 6)));
  for (char& c : key)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return key;
}

class mailbox_limiter {
  using channel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>;

 public:
  /// `limit` requests at once per mailbox; 0 means no limit.
  explicit mailbox_limiter(std::size_t limit) : limit_(limit) {}
  mailbox_limiter(const mailbox_limiter&) = delete;
  mailbox_limiter& operator=(const mailbox_limiter&) = delete;

  /// A place among a mailbox's requests in flight, given back when destroyed.
  class slot {
   public:
    slot() = default;
    slot(mailbox_limiter* owner, std::string key, std::shared_ptr<channel> ch)
        : owner_(owner), key_(std::move(key)), channel_(std::move(ch)) {}
    slot(slot&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)), key_(std::move(other.key_)), channel_(std::move(other.channel_)) {}
    slot& operator=(slot&& other) noexcept {
      if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
        key_ = std::move(other.key_);
        channel_ = std::move(other.channel_);
      }
      return *this;
    }
    ~slot() { release(); }

   private:
    void release() noexcept {
      if (!owner_) return;
      channel_->try_receive([](boost::system::error_code) {});  // lets the next waiter in
      owner_->leave(key_);
      owner_ = nullptr;
    }
    mailbox_limiter* owner_ = nullptr;
    std::string key_;
    std::shared_ptr<channel> channel_;
  };

  /// Waits until fewer than `limit` requests of `key` are in flight. An empty key, or no
  /// limit, gives an empty slot at once. Throws boost::system::system_error
  /// (operation_aborted) when the wait is cancelled.
  boost::asio::awaitable<slot> acquire(std::string key);

  /// Mailboxes with requests in flight or waiting (for tests).
  [[nodiscard]] std::size_t active_mailboxes() const {
    std::lock_guard lock(mutex_);
    return mailboxes_.size();
  }

 private:
  struct mailbox {
    std::shared_ptr<channel> ch;
    std::size_t users = 0;  // in flight and waiting
  };

  std::shared_ptr<channel> enter(const std::string& key, const boost::asio::any_io_executor& ex) {
    std::lock_guard lock(mutex_);
    auto& m = mailboxes_[key];
    if (!m.ch) m.ch = std::make_shared<channel>(ex, limit_);
    ++m.users;
    return m.ch;
  }

  void leave(const std::string& key) noexcept {
    std::lock_guard lock(mutex_);
    auto it = mailboxes_.find(key);
    if (it != mailboxes_.end() && --it->second.users == 0) mailboxes_.erase(it);
  }

  std::size_t limit_;
  mutable std::mutex mutex_;
  std::map<std::string, mailbox, std::less<>> mailboxes_;
};

#if OUTLOOK_MAIL_DEFINITIONS  // separate compilation: in the src.hpp translation unit only
OUTLOOK_MAIL_DECL boost::asio::awaitable<mailbox_limiter::slot> mailbox_limiter::acquire(std::string key) {
  if (key.empty() || limit_ == 0) co_return slot{};
  auto ch = enter(key, co_await boost::asio::this_coro::executor);
  bool cancelled = false;
  try {
    co_await ch->async_send(boost::system::error_code{}, boost::asio::use_awaitable);
  } catch (const boost::system::system_error& e) {
    leave(key);
    // A channel reports its cancellation as channel_cancelled; callers expect Asio's
    // operation_aborted for any cancelled wait.
    if (e.code() != boost::asio::experimental::error::channel_cancelled) throw;
    cancelled = true;
  } catch (...) {
    leave(key);
    throw;
  }
  if (cancelled) throw boost::system::system_error(boost::asio::error::operation_aborted);
  co_return slot(this, std::move(key), std::move(ch));
}
#endif

}  // namespace outlook::detail
