// SQLite behind the mailbox store. Statements are prepared per call (the mailboxes of a
// local server are small); every value is bound, never spliced into SQL.
//
// SPDX-License-Identifier: BSL-1.0
#include "store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <sqlite3.h>

#include <utility>

namespace outlook::server {
namespace {

class statement {
 public:
  statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw store_error(std::string("sqlite: cannot prepare a statement: ") + sqlite3_errmsg(db));
  }
  ~statement() { sqlite3_finalize(stmt_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  statement& bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  /// true while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw store_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
  }
  void run() {
    while (step()) {
    }
  }
  [[nodiscard]] std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  [[nodiscard]] std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

user_row read_user(const statement& s) { return {s.text(0), s.text(1), s.text(2), s.text(3)}; }

constexpr const char* folder_columns = "id, mailbox, parent, well_known, display_name, seq";
folder_row read_folder(const statement& s) {
  return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5)};
}

message_row read_message(const statement& s) {
  message_row m{s.text(0), s.text(1), s.text(2), {}, s.integer(4)};
  auto v = boost::json::parse(s.text(3));
  if (v.is_object()) m.json = std::move(v.as_object());
  return m;
}

}  // namespace

store::store(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw store_error("cannot open the database '" + path + "': " + why);
  }
  try {
    sqlite3_busy_timeout(db_, 2000);
    if (path != ":memory:") exec("PRAGMA journal_mode=WAL");
    // FULL: each commit is synced before the request is answered.
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA foreign_keys=ON");
    statement v(db_, "PRAGMA user_version");
    v.step();
    const auto version = v.integer(0);
    if (version == 0) {
      create_schema();
    } else if (version == 1) {
      upgrade_to_2();
    } else if (version != schema_version) {
      throw store_error("the database '" + path + "' has schema version " + std::to_string(version) +
                        "; this server reads version " + std::to_string(schema_version));
    }
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

store::~store() { sqlite3_close(db_); }

void store::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw store_error("sqlite: " + why);
  }
}

void store::create_schema() {
  exec(R"sql(
BEGIN;
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta VALUES ('seq', 0);
CREATE TABLE users (id TEXT PRIMARY KEY, address TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    display_name TEXT NOT NULL, token TEXT NOT NULL);
CREATE TABLE app_tokens (token TEXT PRIMARY KEY);
CREATE TABLE folders (id TEXT PRIMARY KEY, mailbox TEXT NOT NULL REFERENCES users(id),
                      parent TEXT NOT NULL, well_known TEXT NOT NULL, display_name TEXT NOT NULL,
                      seq INTEGER NOT NULL);
CREATE INDEX folders_by_parent ON folders (mailbox, parent);
CREATE TABLE messages (id TEXT PRIMARY KEY, mailbox TEXT NOT NULL REFERENCES users(id),
                       folder TEXT NOT NULL REFERENCES folders(id), json TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX messages_by_folder ON messages (folder, seq);
CREATE INDEX messages_by_mailbox ON messages (mailbox);
CREATE TABLE settings (mailbox TEXT PRIMARY KEY REFERENCES users(id), json TEXT NOT NULL);
CREATE TABLE removals (folder TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX removals_by_folder ON removals (folder, seq);
PRAGMA user_version = 1;
COMMIT;
)sql");
  upgrade_to_2();
}

void store::upgrade_to_2() {
  exec(R"sql(
BEGIN;
CREATE TABLE entities (mailbox TEXT NOT NULL REFERENCES users(id), kind TEXT NOT NULL, id TEXT NOT NULL,
                       json TEXT NOT NULL, PRIMARY KEY (mailbox, kind, id));
CREATE TABLE quotas (mailbox TEXT PRIMARY KEY REFERENCES users(id), bytes INTEGER NOT NULL);
PRAGMA user_version = 2;
COMMIT;
)sql");
}

store::transaction::transaction(store& s) : store_(&s) { store_->exec("BEGIN IMMEDIATE"); }
store::transaction::~transaction() {
  if (!done_) {
    try {
      store_->exec("ROLLBACK");
    } catch (...) {  // nothing more to do in a destructor
    }
  }
}
void store::transaction::commit() {
  store_->exec("COMMIT");
  done_ = true;
}

std::int64_t store::next_seq() {
  statement(db_, "UPDATE meta SET value = value + 1 WHERE key = 'seq'").run();
  return current_seq();
}

std::int64_t store::current_seq() const {
  statement s(db_, "SELECT value FROM meta WHERE key = 'seq'");
  s.step();
  return s.integer(0);
}

bool store::empty() const {
  statement s(db_, "SELECT COUNT(*) FROM users");
  s.step();
  return s.integer(0) == 0;
}

void store::insert_user(const user_row& u) {
  statement(db_, "INSERT INTO users (id, address, display_name, token) VALUES (?, ?, ?, ?)")
      .bind(1, u.id).bind(2, u.address).bind(3, u.display_name).bind(4, u.token).run();
}

std::optional<user_row> store::user_by_token(std::string_view token) const {
  statement s(db_, "SELECT id, address, display_name, token FROM users WHERE token = ?");
  s.bind(1, token);
  if (s.step()) return read_user(s);
  return std::nullopt;
}

std::optional<user_row> store::find_user(std::string_view id_or_address) const {
  statement s(db_, "SELECT id, address, display_name, token FROM users WHERE id = ? OR address = ?");
  s.bind(1, id_or_address).bind(2, id_or_address);
  if (s.step()) return read_user(s);
  return std::nullopt;
}

std::vector<user_row> store::users() const {
  statement s(db_, "SELECT id, address, display_name, token FROM users ORDER BY rowid");
  std::vector<user_row> out;
  while (s.step()) out.push_back(read_user(s));
  return out;
}

void store::add_app_token(std::string_view token) {
  statement(db_, "INSERT OR IGNORE INTO app_tokens (token) VALUES (?)").bind(1, token).run();
}

bool store::is_app_token(std::string_view token) const {
  statement s(db_, "SELECT 1 FROM app_tokens WHERE token = ?");
  s.bind(1, token);
  return s.step();
}

void store::insert_folder(folder_row& f) {
  f.seq = next_seq();
  statement(db_, "INSERT INTO folders (id, mailbox, parent, well_known, display_name, seq) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, f.id).bind(2, f.mailbox).bind(3, f.parent).bind(4, f.well_known).bind(5, f.display_name)
      .bind(6, f.seq).run();
}

void store::update_folder(folder_row& f) {
  f.seq = next_seq();
  statement(db_, "UPDATE folders SET parent = ?, display_name = ?, seq = ? WHERE id = ?")
      .bind(1, f.parent).bind(2, f.display_name).bind(3, f.seq).bind(4, f.id).run();
}

void store::delete_folder(const folder_row& f) {
  // The folder's messages and child folders go with it.
  for (const auto& child : child_folders(f.mailbox, f.id)) delete_folder(child);
  statement(db_, "DELETE FROM messages WHERE folder = ?").bind(1, f.id).run();
  statement(db_, "DELETE FROM removals WHERE folder = ?").bind(1, f.id).run();
  statement(db_, "DELETE FROM folders WHERE id = ?").bind(1, f.id).run();
  const auto seq = next_seq();
  // Recorded apart from message removals, so that a message sync never reports a folder.
  statement(db_, "INSERT INTO removals (folder, id, seq) VALUES (?, ?, ?)").bind(1, folder_removals(f.mailbox)).bind(2, f.id)
      .bind(3, seq).run();
}

std::optional<folder_row> store::folder_by_id(std::string_view mailbox, std::string_view id) const {
  statement s(db_, (std::string("SELECT ") + folder_columns + " FROM folders WHERE mailbox = ? AND id = ?").c_str());
  s.bind(1, mailbox).bind(2, id);
  if (s.step()) return read_folder(s);
  return std::nullopt;
}

std::optional<folder_row> store::folder_by_well_known(std::string_view mailbox, std::string_view name) const {
  statement s(db_, (std::string("SELECT ") + folder_columns +
                    " FROM folders WHERE mailbox = ? AND well_known <> '' AND well_known = lower(?)").c_str());
  s.bind(1, mailbox).bind(2, name);
  if (s.step()) return read_folder(s);
  return std::nullopt;
}

std::vector<folder_row> store::child_folders(std::string_view mailbox, std::string_view parent) const {
  statement s(db_, (std::string("SELECT ") + folder_columns +
                    " FROM folders WHERE mailbox = ? AND parent = ? ORDER BY rowid").c_str());
  s.bind(1, mailbox).bind(2, parent);
  std::vector<folder_row> out;
  while (s.step()) out.push_back(read_folder(s));
  return out;
}

std::vector<folder_row> store::all_folders(std::string_view mailbox) const {
  statement s(db_, (std::string("SELECT ") + folder_columns + " FROM folders WHERE mailbox = ? ORDER BY rowid").c_str());
  s.bind(1, mailbox);
  std::vector<folder_row> out;
  while (s.step()) out.push_back(read_folder(s));
  return out;
}

store::counts store::folder_counts(std::string_view folder_id) const {
  counts c;
  statement s(db_,
              "SELECT COUNT(*), COALESCE(SUM(CASE WHEN json_extract(json, '$.isRead') THEN 0 ELSE 1 END), 0) "
              "FROM messages WHERE folder = ?");
  s.bind(1, folder_id);
  if (s.step()) {
    c.total = s.integer(0);
    c.unread = s.integer(1);
  }
  statement k(db_, "SELECT COUNT(*) FROM folders WHERE parent = ?");
  k.bind(1, folder_id);
  if (k.step()) c.children = k.integer(0);
  return c;
}

void store::insert_message(message_row& m) {
  m.seq = next_seq();
  statement(db_, "INSERT INTO messages (id, mailbox, folder, json, seq) VALUES (?, ?, ?, ?, ?)")
      .bind(1, m.id).bind(2, m.mailbox).bind(3, m.folder).bind(4, boost::json::serialize(m.json)).bind(5, m.seq).run();
}

void store::update_message(message_row& m, std::string_view old_folder) {
  m.seq = next_seq();
  statement(db_, "UPDATE messages SET folder = ?, json = ?, seq = ? WHERE id = ?")
      .bind(1, m.folder).bind(2, boost::json::serialize(m.json)).bind(3, m.seq).bind(4, m.id).run();
  if (old_folder != m.folder)
    statement(db_, "INSERT INTO removals (folder, id, seq) VALUES (?, ?, ?)").bind(1, old_folder).bind(2, m.id)
        .bind(3, m.seq).run();
}

void store::delete_message(const message_row& m) {
  const auto seq = next_seq();
  statement(db_, "DELETE FROM messages WHERE id = ?").bind(1, m.id).run();
  statement(db_, "INSERT INTO removals (folder, id, seq) VALUES (?, ?, ?)").bind(1, m.folder).bind(2, m.id)
      .bind(3, seq).run();
}

std::optional<message_row> store::message_by_id(std::string_view mailbox, std::string_view id) const {
  statement s(db_, "SELECT id, mailbox, folder, json, seq FROM messages WHERE mailbox = ? AND id = ?");
  s.bind(1, mailbox).bind(2, id);
  if (s.step()) return read_message(s);
  return std::nullopt;
}

std::vector<message_row> store::messages(std::string_view mailbox, std::string_view folder) const {
  std::vector<message_row> out;
  if (folder.empty()) {
    statement s(db_, "SELECT id, mailbox, folder, json, seq FROM messages WHERE mailbox = ? ORDER BY rowid");
    s.bind(1, mailbox);
    while (s.step()) out.push_back(read_message(s));
  } else {
    statement s(db_, "SELECT id, mailbox, folder, json, seq FROM messages WHERE mailbox = ? AND folder = ? ORDER BY rowid");
    s.bind(1, mailbox).bind(2, folder);
    while (s.step()) out.push_back(read_message(s));
  }
  return out;
}

boost::json::object store::settings(std::string_view mailbox) const {
  statement s(db_, "SELECT json FROM settings WHERE mailbox = ?");
  s.bind(1, mailbox);
  if (s.step()) {
    auto v = boost::json::parse(s.text(0));
    if (v.is_object()) return std::move(v.as_object());
  }
  return {};
}

void store::put_settings(std::string_view mailbox, const boost::json::object& settings) {
  statement(db_, "INSERT INTO settings (mailbox, json) VALUES (?, ?) ON CONFLICT(mailbox) DO UPDATE SET json = excluded.json")
      .bind(1, mailbox).bind(2, boost::json::serialize(settings)).run();
}

std::vector<entity_row> store::entities(std::string_view mailbox, std::string_view kind) const {
  statement s(db_, "SELECT id, json FROM entities WHERE mailbox = ? AND kind = ? ORDER BY rowid");
  s.bind(1, mailbox).bind(2, kind);
  std::vector<entity_row> out;
  while (s.step()) {
    auto v = boost::json::parse(s.text(1));
    out.push_back({s.text(0), v.is_object() ? std::move(v.as_object()) : boost::json::object()});
  }
  return out;
}

std::optional<entity_row> store::entity(std::string_view mailbox, std::string_view kind, std::string_view id) const {
  statement s(db_, "SELECT id, json FROM entities WHERE mailbox = ? AND kind = ? AND id = ?");
  s.bind(1, mailbox).bind(2, kind).bind(3, id);
  if (!s.step()) return std::nullopt;
  auto v = boost::json::parse(s.text(1));
  return entity_row{s.text(0), v.is_object() ? std::move(v.as_object()) : boost::json::object()};
}

void store::put_entity(std::string_view mailbox, std::string_view kind, const entity_row& e) {
  // An update keeps the row (and with it the insertion order the lists follow).
  statement(db_, "INSERT INTO entities (mailbox, kind, id, json) VALUES (?, ?, ?, ?) "
                 "ON CONFLICT(mailbox, kind, id) DO UPDATE SET json = excluded.json")
      .bind(1, mailbox).bind(2, kind).bind(3, e.id).bind(4, boost::json::serialize(e.json)).run();
}

void store::delete_entity(std::string_view mailbox, std::string_view kind, std::string_view id) {
  statement(db_, "DELETE FROM entities WHERE mailbox = ? AND kind = ? AND id = ?").bind(1, mailbox).bind(2, kind).bind(3, id).run();
}

void store::set_quota(std::string_view mailbox, std::int64_t bytes) {
  statement(db_, "INSERT INTO quotas (mailbox, bytes) VALUES (?, ?) ON CONFLICT(mailbox) DO UPDATE SET bytes = excluded.bytes")
      .bind(1, mailbox).bind(2, bytes).run();
}

std::int64_t store::quota(std::string_view mailbox) const {
  statement s(db_, "SELECT bytes FROM quotas WHERE mailbox = ?");
  s.bind(1, mailbox);
  return s.step() ? s.integer(0) : 0;
}

std::int64_t store::stored_bytes(std::string_view mailbox) const {
  // The JSON text of the messages (attachments included) stands for their size.
  statement s(db_, "SELECT COALESCE(SUM(LENGTH(json)), 0) FROM messages WHERE mailbox = ?");
  s.bind(1, mailbox);
  return s.step() ? s.integer(0) : 0;
}

std::vector<removal_row> store::removals_since(std::string_view folder, std::int64_t seq) const {
  statement s(db_, "SELECT id, seq FROM removals WHERE folder = ? AND seq > ? ORDER BY seq");
  s.bind(1, folder).bind(2, seq);
  std::vector<removal_row> out;
  while (s.step()) out.push_back({s.text(0), s.integer(1)});
  return out;
}

}  // namespace outlook::server
