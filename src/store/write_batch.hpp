// Write batching for a group-committing SQLite database (the HTTP server's). SQLite has one
// writer, and each write transaction pays for its BEGIN and COMMIT: the locks, and every page it
// touched written to the log again (docs/decisions/0013-write-batches.md). When writers queue,
// the next one does not begin a transaction of its own: it continues the open one inside a
// savepoint, and the batch commits once when nobody is waiting for it (or at its limits). A
// member that fails rolls back to its savepoint and takes nothing of the others with it.
//
// Nothing is acknowledged early: a batch's group-commit number is taken when it begins
// (group_sync.hpp), so an answer that waits for every commit begun so far waits for the batch
// it belongs to, and for a batch it may have read from. A COMMIT that fails makes the group
// fail (503 until a restart): its members' changes were reported written and are gone.
//
// Thread-safe. A thread holds at most one member at a time (a second join() on that thread is
// refused rather than left waiting for itself). A member may end on another thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>

#include "store/database.hpp"
#include "store/write_turn.hpp"

namespace narralytica::store {

class WriteBatch {
 public:
  WriteBatch(Database& database, GroupSync& group, WriteBatchLimits limits = {});
  // Commits a batch left open (there is none once every member has ended).
  ~WriteBatch();
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  // One write transaction inside the batch: holds the batch's turn from join() until it is
  // destroyed. Move-only.
  class Member {
   public:
    Member(Member&& other) noexcept
        : batch_(std::exchange(other.batch_, nullptr)), turn_(std::move(other.turn_)), state_(other.state_) {}
    Member& operator=(Member&&) = delete;
    // Rolls back unless released, then ends the turn: the batch commits unless another writer
    // is waiting and the limits allow one more member.
    ~Member();

    Connection& connection() const { return *batch_->lease_; }
    // Keeps this member's changes in the batch; they commit with it.
    Status release();
    // Undoes this member's changes only.
    Status rollback();
    // Commits the batch now, with this member's changes, and returns the group-commit number
    // to wait for (WriteBatch::wait_durable), best after this member has ended its turn.
    Result<std::uint64_t> commit_batch();

   private:
    friend class WriteBatch;
    enum class State { open, released, rolled_back };
    Member(WriteBatch* batch, WriteTurn::Hold turn) : batch_(batch), turn_(std::move(turn)) {}
    WriteBatch* batch_;
    WriteTurn::Hold turn_;
    State state_ = State::open;
  };

  // Waits for the turn and opens a savepoint, beginning the batch's transaction if none is open.
  // Errors: unavailable when no connection can be had or SQLite's write lock is not granted
  // within the busy timeout (another process writing).
  Result<Member> join();

  // Blocks until group commit `sequence` is durable (GroupSync::wait).
  Status wait_durable(std::uint64_t sequence);

  // Writers waiting for the turn now; members that joined and batches committed so far. For
  // tests and /metrics.
  int waiting() const { return turn_.waiting(); }
  std::uint64_t members() const { return members_total_.load(std::memory_order_relaxed); }
  std::uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }

 private:
  Status begin_batch();
  Status commit_open_batch();  // with the turn held
  void end_turn();  // with the turn held, just before it is given back

  Database& database_;
  GroupSync& group_;
  const WriteBatchLimits limits_;
  // The turn: taken by join(), given back when its member ends (possibly on another thread).
  // Unbounded, as before: its holder is a writer of this process, which ends its turn promptly.
  WriteTurn turn_;
  std::atomic<std::uint64_t> members_total_{0};
  std::atomic<std::uint64_t> commits_{0};
  // Held with the turn:
  ConnectionLease lease_;  // set while a batch is open
  int members_ = 0;
  std::chrono::steady_clock::time_point opened_;
};

}  // namespace narralytica::store
