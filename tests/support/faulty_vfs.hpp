// A fault-injecting SQLite VFS for tests: it wraps the default VFS ("unix" on this platform),
// counts every xWrite, xSync and xRead on every file a connection opens through it (the main
// database, its write-ahead log, a rollback journal, temporary files) and, when armed, fails the
// Nth call of one kind the way a failing or full disk would. SQLite sees the fault where it sees
// a real one, so what the product does with it is what it would do on a bad or full disk; a
// size-limited tmpfs would need mount privileges a CI runner may not have.
//
// The VFS is process-wide and registered (not as the default) on first use. A connection uses it
// when it is opened while an AsDefault is alive: the product opens its connections without
// naming a VFS, and SQLite binds a connection to the default VFS at open, so no product seam is
// needed. Calls are counted on every connection opened through it, whatever thread runs them.
#pragma once

#include <sqlite3.h>

#include <cstdint>

namespace narralytica::testing {

enum class FaultKind {
  write,  // xWrite fails with SQLITE_IOERR_WRITE
  full,   // xWrite fails with SQLITE_FULL (the disk is full)
  sync,   // xSync fails with SQLITE_IOERR_FSYNC
  read,   // xRead fails with SQLITE_IOERR_READ
};
const char* to_string(FaultKind kind);

class FaultyVfs {
 public:
  static constexpr const char* kName = "faulty";

  // The one instance, registered under kName on first use.
  static FaultyVfs& instance();

  // Counts back to zero and nothing armed.
  void reset();
  // From now on, the `n`th call (1-based, counted from this call) of `kind`'s operation fails
  // once; write and full count the same calls (xWrite).
  void arm(FaultKind kind, std::int64_t n);
  // Calls of `kind`'s operation since reset() or arm().
  std::int64_t count(FaultKind kind) const;
  // True once the armed call was reached and failed.
  bool fired() const;

  // While alive, connections opened without naming a VFS open through this one.
  class AsDefault {
   public:
    AsDefault();
    ~AsDefault();
    AsDefault(const AsDefault&) = delete;
    AsDefault& operator=(const AsDefault&) = delete;
  };

 private:
  FaultyVfs();
};

}  // namespace narralytica::testing
