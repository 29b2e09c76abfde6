// Workers: loops that claim jobs in batches, run their registered handlers and settle the outcome
// (complete, fail with exponential backoff and jitter, dead after the last attempt). The same pool
// runs in `narralytica worker --concurrency N` and in-process in `serve --workers N`.
//
// One Worker is one loop, usable directly and synchronously (Worker::step) so tests drive it with
// a FakeClock; a WorkerPool runs N Workers on threads plus one heartbeat thread that extends the
// leases every loop holds, and the built-in maintenance (reclaiming expired leases, scheduling
// events.prune, running registered pipelines).
//
// Stopping (SIGTERM): the pool stops claiming, each loop finishes the job it is running, gives the
// jobs it claimed but did not start back to the queue (release: the attempt is not counted), and
// the threads join. Nothing a stopped pool held stays leased.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "jobs/handler_registry.hpp"
#include "store/database.hpp"

namespace narralytica::jobs {

class PipelineRunner;

inline constexpr int kWorkerConcurrencyMax = 64;

// Exponential backoff with jitter: attempt n (1-based) waits base * 2^(n-1), capped at cap, then
// a uniformly random part of it (from the injected Random) is taken off: delay is in
// [d * (1 - jitter), d]. Jitter keeps the retries of a burst of failures from arriving together.
struct BackoffPolicy {
  std::int64_t base_us = 1'000'000;      // 1 s
  std::int64_t cap_us = 3'600'000'000;   // 1 h
  double jitter = 0.5;                   // 0..1
  // The delay before the attempt after `attempts` failed ones.
  std::int64_t delay_us(int attempts, Random& random) const;
};

struct WorkerOptions {
  int concurrency = 1;               // loops in a pool, 1..kWorkerConcurrencyMax
  std::vector<std::string> kinds;    // claim only these kinds (empty: every registered kind)
  int claim_batch = 10;              // jobs claimed per transaction, 1..store::kJobClaimBatchMax
  std::int64_t lease_us = 30'000'000;      // a claimed job's lease; renewed by heartbeats
  std::int64_t heartbeat_us = 10'000'000;  // how often leases are extended (< lease_us)
  std::int64_t idle_poll_us = 500'000;     // how long an idle loop waits before claiming again
  std::int64_t reclaim_every_us = 5'000'000;  // how often expired leases are looked for
  BackoffPolicy backoff;
  // Retention of event_logs, enforced by the built-in events.prune job; 0 disables it.
  std::int64_t event_retention_us = 0;
  // Prefix of lease owners ("host:pid" when empty); each loop appends its index and a nonce.
  std::string owner_prefix;
  store::StoreContext store_context;  // clock and random; the real ones by default
  // Where the pool reports errors it cannot return to anyone (a loop's database error, a failed
  // pipeline, heartbeat, reclaim or drain), one line each, "worker: <what>: <error>". They are
  // also counted in WorkerMetrics::errors. nullptr: standard error.
  std::function<void(const std::string& line)> log_error;
};

// Outcomes counted since the pool (or worker) started, for /metrics. Thread-safe snapshot.
struct WorkerMetrics {
  std::int64_t claimed = 0;
  std::int64_t succeeded = 0;
  std::int64_t retried = 0;     // failed attempts scheduled again
  std::int64_t dead = 0;        // failed attempts that were the last
  std::int64_t lease_lost = 0;  // outcomes dropped: cancelled or reclaimed while running
  std::int64_t released = 0;    // given back unstarted at shutdown
  std::int64_t reclaimed = 0;   // expired leases of other (dead) workers put back
  std::int64_t errors = 0;      // database errors in the loop (retried after a pause)
};

// One loop. Not thread-safe, except request_stop(), held_job_ids() and metrics().
class Worker {
 public:
  Worker(store::Database& database, const HandlerRegistry& handlers, WorkerOptions options, std::string owner);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // One round: claim a batch, run each job's handler, settle each outcome. Returns how many jobs
  // were run (0: the queue had nothing due for this worker). Stops between jobs once stop is
  // requested, releasing the unstarted rest. Errors: a database error (the batch's leases expire
  // and the jobs are reclaimed, so nothing is lost).
  Result<int> step();
  // Extends the leases of the jobs this loop holds; flags a running job cancelled when its lease
  // is gone. Called by the pool's heartbeat thread.
  Status heartbeat();
  // Puts back expired leases of any worker (queued again, or dead after the last attempt).
  // Returns how many were reclaimed.
  Result<std::int64_t> reclaim_expired();
  // Settles the successes still pending and releases every job held but not started. Called
  // once the loop has stopped; also safe to call between steps.
  Status drain();
  void request_stop() { stop_requested_.store(true); }
  bool stop_requested() const { return stop_requested_.load(); }
  const std::string& owner() const { return owner_; }
  WorkerMetrics metrics() const;

 private:
  friend class WorkerPool;
  // Every write of the pool, heartbeats and reclaims included. On SQLite they queue for the
  // database's one writer in-process (Transaction::begin takes its write turn or joins its write
  // batch) instead of polling in SQLite's busy handler while the loops hand the lock to each other.
  Result<store::Transaction> begin_write();
  Status settle_failure(const store::Job& job, const std::string& error);
  Status release(std::vector<std::int64_t> ids);
  void forget(std::span<const std::int64_t> ids);
  void count(std::int64_t WorkerMetrics::*field, std::int64_t n);

  store::Database& database_;
  const HandlerRegistry& handlers_;
  WorkerOptions options_;
  std::string owner_;
  std::vector<std::string> kinds_;
  std::atomic<bool> stop_requested_{false};

  mutable std::mutex held_mutex_;  // guards held_ and running_cancelled_ across the heartbeat thread
  std::vector<std::int64_t> held_;     // claimed and not yet settled in the database
  std::optional<std::int64_t> running_id_;
  // Succeeded jobs not yet marked so: settled in the same transaction as the next claim, so a
  // batch costs one commit, not one per job. If the process dies first they run again
  // (handlers are idempotent by job id).
  std::vector<std::int64_t> pending_success_;
  std::atomic<bool> running_cancelled_{false};

  mutable std::mutex metrics_mutex_;
  WorkerMetrics metrics_;
};

class WorkerPool {
 public:
  // `database` and `handlers` must outlive the pool. `pipelines` (optional) are run by the pool
  // when its loops are idle.
  WorkerPool(store::Database& database, const HandlerRegistry& handlers, WorkerOptions options,
             PipelineRunner* pipelines = nullptr);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  // Stops and joins if still running.
  ~WorkerPool();

  // Starts the loops and the heartbeat thread. Errors: invalid_argument for bad options (naming
  // the option) or a kind without a handler; conflict when already started.
  Status start();
  // Asks every loop to stop claiming; returns at once. Safe from any thread (not from a signal
  // handler: call it from the thread that noticed the signal).
  void request_stop();
  // request_stop(), then waits for the loops to finish their running job and release the rest.
  void stop();
  bool running() const { return started_ && !joined_; }

  // Sum over the loops.
  WorkerMetrics metrics() const;

 private:
  void run_loop(Worker& worker, int index);
  void run_heartbeat();
  void wait_for(std::int64_t duration_us);
  // Counts the error on `worker` and logs "worker: <what>: <error>".
  void report(Worker& worker, std::string_view what, const Error& error);

  store::Database& database_;
  const HandlerRegistry& handlers_;
  WorkerOptions options_;
  PipelineRunner* pipelines_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::thread heartbeat_thread_;
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> heartbeat_stopping_{false};  // heartbeats go on while loops drain
  bool started_ = false;
  bool joined_ = false;
};

// The lease owner prefix for this process: "hostname:pid".
std::string default_owner_prefix();

}  // namespace narralytica::jobs
