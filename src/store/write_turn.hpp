// One writer at a time, in this process, for a database with one writer (SQLite). Its write
// transactions take turns here, in arrival order as the mutex gives it, instead of in SQLite's
// busy handler, which sleeps up to 100 ms between tries (measured as a 1 s p99 for updates at
// 64 connections) and leaves the lock idle meanwhile. Another process still meets SQLite's own
// lock and busy timeout.
//
// Used by Transaction::begin (a write transaction on a SQLite database that does not batch
// writes holds the database's turn until it ends) and by WriteBatch (whose members hold its turn).
// Thread-safe. A turn may be given back on another thread than the one that took it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "core/result.hpp"

namespace narralytica::store {

class WriteTurn {
 public:
  // The turn while held: given back when destroyed or reset. Move-only.
  class Hold {
   public:
    Hold() = default;
    Hold(Hold&& other) noexcept : turn_(std::exchange(other.turn_, nullptr)) {}
    Hold& operator=(Hold&& other) noexcept {
      if (this != &other) {
        reset();
        turn_ = std::exchange(other.turn_, nullptr);
      }
      return *this;
    }
    ~Hold() { reset(); }
    void reset() {
      if (turn_) std::exchange(turn_, nullptr)->give_back();
    }
    explicit operator bool() const { return turn_ != nullptr; }

   private:
    friend class WriteTurn;
    explicit Hold(WriteTurn* turn) : turn_(turn) {}
    WriteTurn* turn_ = nullptr;
  };

  // Waiting for the turn takes at most `timeout`, or as long as it takes when there is none.
  explicit WriteTurn(std::optional<std::chrono::milliseconds> timeout = std::nullopt) : timeout_(timeout) {}
  WriteTurn(const WriteTurn&) = delete;
  WriteTurn& operator=(const WriteTurn&) = delete;

  // Waits for the turn. Errors: internal when this thread holds it already (a second write
  // transaction inside the first would wait for itself forever); unavailable when it was not
  // free within the timeout.
  Result<Hold> take();

  // Threads waiting for the turn now; for tests and /metrics.
  int waiting() const { return waiting_.load(std::memory_order_acquire); }

 private:
  void give_back();

  const std::optional<std::chrono::milliseconds> timeout_;
  std::mutex mutex_;
  std::condition_variable free_;
  bool taken_ = false;
  std::thread::id holder_;  // the thread that took the turn
  std::atomic<int> waiting_{0};
};

}  // namespace narralytica::store
