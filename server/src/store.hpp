// The mailbox store: SQLite tables of users, folders and messages, each entity kept as
// JSON in one canonical spelling (Graph's camelCase), plus the change sequence that
// change tracking reads. Not thread-safe: the server touches it from its one I/O thread.
//
// Durability: a file database runs in WAL mode with synchronous=FULL, and every request
// that changes the mailbox runs in one transaction (store::transaction), so an answer
// the client saw is on disk before it was sent.
//
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace outlook::server {

/// A failure of the database itself (cannot open, disk full, unknown schema version).
class store_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct user_row {
  std::string id;
  std::string address;
  std::string display_name;
  std::string token;
};

struct folder_row {
  std::string id;
  std::string mailbox;    // user id
  std::string parent;     // parent folder id ("" for the root)
  std::string well_known; // lower-case well-known name ("inbox"), "" for user folders
  std::string display_name;
  std::int64_t seq = 0;   // change sequence of the last change
};

struct message_row {
  std::string id;
  std::string mailbox;
  std::string folder;
  boost::json::object json;  // canonical camelCase, without id/parentFolderId (the row has them)
  std::int64_t seq = 0;
};

/// A mailbox's entity that is neither a message nor a folder: a master category, an inbox
/// rule, a Focused Inbox override. Kept as canonical JSON (without its id) under a kind.
struct entity_row {
  std::string id;
  boost::json::object json;
};

/// An item that left a folder (deleted or moved away) at change sequence `seq`.
struct removal_row {
  std::string id;
  std::int64_t seq = 0;
};

class store {
 public:
  /// The schema version this build writes and reads (PRAGMA user_version).
  /// Version 2 added entities and quotas; a version 1 database is upgraded when opened.
  static constexpr int schema_version = 2;

  /// Opens (and creates) the database: a file path, or ":memory:".
  explicit store(const std::string& path);
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  /// One transaction: committed by commit(), rolled back by the destructor otherwise.
  class transaction {
   public:
    explicit transaction(store& s);
    ~transaction();
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    void commit();

   private:
    store* store_;
    bool done_ = false;
  };

  // Users
  [[nodiscard]] bool empty() const;
  void insert_user(const user_row& u);
  [[nodiscard]] std::optional<user_row> user_by_token(std::string_view token) const;
  /// By ID or by address (case-insensitive).
  [[nodiscard]] std::optional<user_row> find_user(std::string_view id_or_address) const;
  [[nodiscard]] std::vector<user_row> users() const;
  void add_app_token(std::string_view token);
  [[nodiscard]] bool is_app_token(std::string_view token) const;

  // Folders
  void insert_folder(folder_row& f);  // sets f.seq
  void update_folder(folder_row& f);  // display name and parent; sets f.seq
  void delete_folder(const folder_row& f);
  [[nodiscard]] std::optional<folder_row> folder_by_id(std::string_view mailbox, std::string_view id) const;
  [[nodiscard]] std::optional<folder_row> folder_by_well_known(std::string_view mailbox, std::string_view name) const;
  [[nodiscard]] std::vector<folder_row> child_folders(std::string_view mailbox, std::string_view parent) const;
  [[nodiscard]] std::vector<folder_row> all_folders(std::string_view mailbox) const;
  struct counts {
    std::int64_t total = 0;
    std::int64_t unread = 0;
    std::int64_t children = 0;
  };
  [[nodiscard]] counts folder_counts(std::string_view folder_id) const;

  // Messages
  void insert_message(message_row& m);  // sets m.seq
  /// Writes the JSON and folder of an existing message; a folder change records a removal
  /// in the old folder.
  void update_message(message_row& m, std::string_view old_folder);
  void delete_message(const message_row& m);
  [[nodiscard]] std::optional<message_row> message_by_id(std::string_view mailbox, std::string_view id) const;
  /// Every message of a folder, or of the mailbox when `folder` is empty.
  [[nodiscard]] std::vector<message_row> messages(std::string_view mailbox, std::string_view folder) const;

  // Mailbox settings (canonical JSON; an empty object when none was stored)
  [[nodiscard]] boost::json::object settings(std::string_view mailbox) const;
  void put_settings(std::string_view mailbox, const boost::json::object& settings);

  // Entities of a kind ("category", "rule", "override"), in insertion order
  [[nodiscard]] std::vector<entity_row> entities(std::string_view mailbox, std::string_view kind) const;
  [[nodiscard]] std::optional<entity_row> entity(std::string_view mailbox, std::string_view kind, std::string_view id) const;
  /// Inserts or replaces.
  void put_entity(std::string_view mailbox, std::string_view kind, const entity_row& e);
  void delete_entity(std::string_view mailbox, std::string_view kind, std::string_view id);

  // Mailbox size: the quota from the seed (0: none) and the bytes the messages take
  void set_quota(std::string_view mailbox, std::int64_t bytes);
  [[nodiscard]] std::int64_t quota(std::string_view mailbox) const;
  [[nodiscard]] std::int64_t stored_bytes(std::string_view mailbox) const;

  // Change tracking
  [[nodiscard]] std::int64_t current_seq() const;
  [[nodiscard]] std::vector<removal_row> removals_since(std::string_view folder, std::int64_t seq) const;
  /// The removals key under which a mailbox's deleted folders are recorded (hierarchy sync).
  [[nodiscard]] static std::string folder_removals(std::string_view mailbox) { return "folders:" + std::string(mailbox); }

 private:
  [[nodiscard]] std::int64_t next_seq();
  void exec(const char* sql);
  void create_schema();
  void upgrade_to_2();

  sqlite3* db_ = nullptr;
};

}  // namespace outlook::server
