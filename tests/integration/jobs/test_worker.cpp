// A worker process for the crash harness (crash_test.cpp): the real WorkerPool with one test
// handler, `test.effect`, whose side effect (a row in test_effects keyed by job id) is idempotent,
// so a job that runs twice after its worker was killed still applies its effect once. Every run
// that committed is also counted in test_runs, so the harness can show reruns happened.
// Usage: jobs_test_worker DB_URL CONCURRENCY CLAIM_BATCH LEASE_MS
// Exits 0 after SIGTERM once the pool stopped (running jobs finished, the rest released).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "jobs/stop_signals.hpp"
#include "jobs/worker_pool.hpp"

using namespace narralytica;

namespace {

constexpr const char* kCountRun = "INSERT INTO test_runs (job_id) VALUES ($1)";
constexpr const char* kApplyEffect = "INSERT INTO test_effects (job_id) VALUES ($1) ON CONFLICT DO NOTHING";

Status apply_effect(jobs::JobContext& context) {
  if (context.job.payload_json.find("\"fail\"") != std::string::npos) {
    return make_error(ErrorCode::invalid_argument, "deliberate failure of job " + std::to_string(context.job.id));
  }
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(context.database, store::TxMode::write, context.store_context));
  ASSIGN_OR_RETURN(store::Statement * run, tx.prepare(kCountRun));
  run->bind_int64(1, context.job.id);
  RETURN_IF_ERROR(run->execute());
  ASSIGN_OR_RETURN(store::Statement * effect, tx.prepare(kApplyEffect));
  effect->bind_int64(1, context.job.id);
  RETURN_IF_ERROR(effect->execute());
  return tx.commit();
}

}  // namespace

int main(int argc, char** argv) {
  // First of all: a SIGTERM that arrives while the database is still connecting must wait for
  // wait_for_stop_signal(), not kill the process (the harness stops workers it just respawned).
  jobs::block_stop_signals();
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s DB_URL CONCURRENCY CLAIM_BATCH LEASE_MS\n", argv[0]);
    return 2;
  }
  store::DatabaseOptions db_options;
  db_options.url = argv[1];
  auto database = store::Database::open(db_options);
  if (!database.ok()) {
    std::fprintf(stderr, "test worker: %s\n", database.error().describe().c_str());
    return 6;
  }
  jobs::HandlerRegistry handlers;
  if (!handlers.add("test.effect", apply_effect).ok()) return 1;
  jobs::WorkerOptions options;
  options.concurrency = std::atoi(argv[2]);
  options.claim_batch = std::atoi(argv[3]);
  options.lease_us = std::atoll(argv[4]) * 1000;
  options.heartbeat_us = options.lease_us / 3;
  options.reclaim_every_us = options.lease_us / 4;
  options.idle_poll_us = 50'000;
  options.backoff.base_us = 10'000;  // failing jobs retry within the harness's time
  options.backoff.cap_us = 100'000;
  jobs::WorkerPool pool(**database, handlers, options);
  if (auto started = pool.start(); !started.ok()) {
    std::fprintf(stderr, "test worker: %s\n", started.error().describe().c_str());
    return 2;
  }
  jobs::wait_for_stop_signal();
  pool.stop();
  return 0;
}
