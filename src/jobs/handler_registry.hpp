// Job handlers are registered by kind, not known: the jobs layer runs whatever the composition root
// (src/cli) or a test registered. A handler must be idempotent by job id: a job whose worker died
// mid-run runs again on another worker.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "store/database.hpp"
#include "store/ops/job_repository.hpp"
#include "store/transaction.hpp"

namespace narralytica::jobs {

inline constexpr std::size_t kHandlersMax = 200;

// What a handler gets for one attempt. Valid for the duration of the call only.
struct JobContext {
  const store::Job& job;
  store::Database& database;          // for the handler's own transactions
  store::StoreContext store_context;  // the worker's clock and random source
  // Set when the job was cancelled or its lease lost while running: stop early, the outcome is
  // dropped anyway. Set from the heartbeat thread.
  const std::atomic<bool>& cancelled;
  // Identifies this attempt's worker loop (the lease owner), for logs.
  std::string_view owner;
};

// Success completes the job; an error fails the attempt (retried with backoff, dead after the
// last attempt, the error's message kept as last_error). Exceptions are bugs: the worker catches
// them, fails the attempt with the exception's text, and keeps running.
using JobHandler = std::function<Status(JobContext& context)>;

// Not thread-safe while being filled; read-only (and so thread-safe) once workers run.
class HandlerRegistry {
 public:
  // Errors: invalid_argument for an empty or too long kind or an empty handler, conflict when the
  // kind already has a handler, resource_exhausted past kHandlersMax.
  Status add(std::string kind, JobHandler handler);
  // nullptr when no handler is registered for `kind`.
  const JobHandler* find(std::string_view kind) const;
  std::vector<std::string> kinds() const;
  bool empty() const { return handlers_.empty(); }

 private:
  std::map<std::string, JobHandler, std::less<>> handlers_;
};

}  // namespace narralytica::jobs
