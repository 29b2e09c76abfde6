// The write-ahead log of a group-committing SQLite database (DatabaseOptions::group_commit),
// opened so that GroupSync's thread can make it durable.
//
// Checkpoints stay where SQLite runs them, in the COMMIT that takes the log past 1,000 pages.
// Moving them to a thread of their own (PASSIVE, beside the writers) was measured and dropped:
// under a steady stream of writes such a checkpoint never catches up with the log's end, so
// SQLite never restarts the log, which grew to 800 MB in a 6-second benchmark
// (docs/decisions/0011-group-commit.md).
#pragma once

#include <sqlite3.h>

#include <string>
#include <utility>

#include "core/result.hpp"

namespace narralytica::store {

// The log's file, opened for fdatasync. The log lives as long as any connection is open (SQLite
// deletes it only when the last one closes), and the pool keeps its connections open.
class WalFile {
 public:
  // The log of `db`'s main database; `db` must have read from it once (which creates the log).
  static Result<WalFile> open(sqlite3* db);
  WalFile(WalFile&& other) noexcept;
  WalFile& operator=(WalFile&&) = delete;
  ~WalFile();

  // Makes every frame written to the log so far durable.
  Status sync() const;

 private:
  WalFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace narralytica::store
