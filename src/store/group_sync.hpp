// Group commit for the embedded backend. With `synchronous=FULL` every SQLite commit waits for
// its own fsync of the write-ahead log while holding the write lock, so a server's writes are
// capped at one commit per fsync, one after another. A database opened with
// `DatabaseOptions::group_commit` instead writes each commit's log frames without waiting
// (`synchronous=NORMAL`), and this object's thread then makes the log durable with one
// fdatasync for every commit written before it started: while one sync runs, the next commits
// are written, and the following sync covers them all.
//
// Nothing is acknowledged before it is durable: Transaction::commit() waits for the sync that
// covers its commit, unless its caller takes over the wait (the HTTP server holds the answer and
// sends it from when_durable(), keeping its thread free). A reader that saw a commit must not
// answer before that commit is durable either, so the server waits for `begun()` too
// (docs/decisions/0011-group-commit.md).
//
// A failed sync is final: what was written since the last good sync may or may not be on disk,
// and retrying fsync cannot tell (the kernel may have dropped the dirty pages). Every wait from
// then on fails, naming the cause, and the process must be restarted. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/result.hpp"

namespace narralytica::store {

class GroupSync {
 public:
  // `sync` makes everything written to the log so far durable (fdatasync of the WAL file).
  explicit GroupSync(std::function<Status()> sync);
  // Syncs what is still pending, runs the remaining callbacks, and stops the thread.
  ~GroupSync();
  GroupSync(const GroupSync&) = delete;
  GroupSync& operator=(const GroupSync&) = delete;

  // Bracket one write transaction, from its BEGIN to its COMMIT or ROLLBACK (called by the
  // connection, whether that succeeds or not). Writers are serialized by the database's write
  // lock, so the end of transaction N implies that every one numbered below N has ended too.
  std::uint64_t commit_begun();
  void commit_ended(std::uint64_t sequence);

  // The number of the last commit begun: a commit visible to a snapshot taken before this call
  // has a number no greater.
  std::uint64_t begun() const { return begun_.load(std::memory_order_acquire); }
  // True when every commit up to `sequence` is durable.
  bool durable(std::uint64_t sequence) const { return synced_.load(std::memory_order_acquire) >= sequence; }

  // Blocks until commit `sequence` is durable. Errors: unavailable when a sync failed.
  Status wait(std::uint64_t sequence);
  // Calls `done` once commit `sequence` is durable (or a sync failed), on the sync thread, or at
  // once on the caller's thread when it already is. `done` must be quick (post work elsewhere).
  void when_durable(std::uint64_t sequence, std::function<void(const Status&)> done);

  // Syncs performed so far; for tests and /metrics.
  std::uint64_t syncs() const { return syncs_.load(std::memory_order_relaxed); }

  // OK until a sync failed (or fail() was called), then that failure (unavailable, saying to
  // restart). A write transaction checks it before it begins: a change written after the group
  // failed could never be acknowledged, yet would be in the file after a restart, so a caller
  // told it failed would find it done.
  Status failure() const;

  // Makes the group fail as a failed sync does: every wait from now on fails with `error`. For
  // a committed change that was lost another way (a write batch whose COMMIT failed).
  void fail(Error error);

  // Test seam: the next sync fails with `error` instead of syncing, as an I/O error would, so
  // that what callers do after a failed sync can be shown without a failing disk.
  void fail_next_sync(Error error);

 private:
  struct Waiter {
    std::uint64_t sequence;
    std::function<void(const Status&)> done;
  };
  void run();
  Status outcome_locked() const;

  std::function<Status()> sync_;
  std::atomic<std::uint64_t> begun_{0};
  std::atomic<std::uint64_t> synced_{0};
  std::atomic<std::uint64_t> syncs_{0};
  mutable std::mutex mutex_;
  std::condition_variable work_;     // the sync thread: a commit ended, or stopping
  std::condition_variable durable_;  // waiters: a sync finished
  std::uint64_t ended_ = 0;          // highest commit ended (all below it ended too)
  std::optional<Error> failed_;
  std::optional<Error> fail_next_;  // fail_next_sync()
  std::vector<Waiter> waiters_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace narralytica::store
