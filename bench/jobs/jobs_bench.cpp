// Job queue throughput against a bare SQL baseline, side by side in one run on one database:
//   enqueue:  JobRepository::enqueue (100 per transaction) vs a bare prepared INSERT of the same row;
//   cycle:    a WorkerPool with a no-op handler (claim, run, complete) with 1, 2 and 4 loops at
//             claim batch 1 and 50, vs bare loops (one thread per worker) running the minimal
//             claim+complete transaction on the same table (SKIP LOCKED on PostgreSQL, BEGIN
//             IMMEDIATE on SQLite). For PostgreSQL, bench/jobs/run_pgbench.sh adds pgbench.
// Durability stays on (SQLite synchronous=FULL as the product opens it; PostgreSQL defaults).
// Usage: jobs_bench DB_URL [JOBS]   (the database is migrated first; the jobs table is emptied)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "jobs/worker_pool.hpp"
#include "store/migrations.hpp"
#include "store/ops/job_repository.hpp"

using namespace narralytica;
using Stopwatch = std::chrono::steady_clock;

namespace {

constexpr int kEnqueuePerTx = 100;
constexpr const char* kBareInsert =
    "INSERT INTO jobs (public_id, tenant_id, kind, payload, priority, run_at, max_attempts, created_at, updated_at) "
    "VALUES ($1, NULL, 'bench.noop', '{}', 0, $2, 5, $2, $2)";
constexpr const char* kBareCyclePostgres =
    "WITH picked AS (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $1 ORDER BY priority DESC, run_at "
    "LIMIT $2 FOR UPDATE SKIP LOCKED) UPDATE jobs j SET status = 'succeeded', attempts = j.attempts + 1, "
    "finished_at = $1, updated_at = $1 FROM picked WHERE j.id = picked.id";
constexpr const char* kBareCycleSqlite =
    "UPDATE jobs SET status = 'succeeded', attempts = attempts + 1, finished_at = $1, updated_at = $1 "
    "WHERE id IN (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $1 ORDER BY priority DESC, run_at "
    "LIMIT $2)";
// The same leased cycle the worker runs, without the library: complete the previous batch and
// claim the next (marked running under a lease) in one transaction; each job is written twice.
constexpr const char* kLeasedClaimPostgres =
    "WITH picked AS (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $1 ORDER BY priority DESC, run_at "
    "LIMIT $2 FOR UPDATE SKIP LOCKED) UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, "
    "lease_owner = $3, lease_expires_at = $1 + 30000000, updated_at = $1 FROM picked WHERE j.id = picked.id "
    "RETURNING j.id";
constexpr const char* kLeasedClaimSqlite =
    "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = $3, lease_expires_at = $1 + 30000000, "
    "updated_at = $1 WHERE id IN (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $1 "
    "ORDER BY priority DESC, run_at LIMIT $2) RETURNING id";
constexpr const char* kLeasedCompletePostgres =
    "UPDATE jobs SET status = 'succeeded', finished_at = $1, updated_at = $1, lease_owner = NULL, "
    "lease_expires_at = NULL WHERE status = 'running' AND lease_owner = $2 AND id = ANY(CAST($3 AS bigint[]))";
constexpr const char* kLeasedCompleteSqlite =
    "UPDATE jobs SET status = 'succeeded', finished_at = $1, updated_at = $1, lease_owner = NULL, "
    "lease_expires_at = NULL WHERE status = 'running' AND lease_owner = $2 AND id IN (SELECT value FROM json_each($3))";
constexpr const char* kSystemPostgres = "SELECT set_config('narralytica.system', 'on', true)";

void die(const Error& e) {
  std::fprintf(stderr, "jobs_bench: %s\n", e.describe().c_str());
  std::exit(1);
}
template <class T>
T must(Result<T> r) {
  if (!r.ok()) die(r.error());
  return std::move(r).value();
}
void must(Status s) {
  if (!s.ok()) die(s.error());
}

store::SystemScope scope() { return store::SystemScope::because(store::Actor{std::nullopt, std::nullopt, "bench"}); }

// Empties the queue as the owner: TRUNCATE on PostgreSQL, so dead tuples of the previous run do not
// slow the next one (each run starts from the same fresh table, baseline and product alike).
store::Database* g_owner = nullptr;
void clear_jobs(store::Database&) {
  auto lease = must(g_owner->acquire());
  must(lease->execute_script(lease->backend() == store::Backend::postgres ? "TRUNCATE jobs" : "DELETE FROM jobs"));
}

// Fresh planner statistics and visibility map after a fill, as pgbench's fill does.
void settle(store::Database&) {
  auto lease = must(g_owner->acquire());
  if (lease->backend() == store::Backend::postgres) must(lease->execute_script("VACUUM ANALYZE jobs"));
}

double enqueue_api(store::Database& db, int jobs) {
  const auto start = Stopwatch::now();
  for (int done = 0; done < jobs;) {
    auto tx = must(store::Transaction::begin(db, store::TxMode::write));
    for (int i = 0; i < kEnqueuePerTx && done < jobs; ++i, ++done) {
      store::JobDraft draft;
      draft.kind = "bench.noop";
      must(store::JobRepository::enqueue(tx, scope(), std::nullopt, draft));
    }
    must(tx.commit());
  }
  return jobs / std::chrono::duration<double>(Stopwatch::now() - start).count();
}

double enqueue_bare(store::Database& db, int jobs) {
  auto lease = must(db.acquire());
  const auto start = Stopwatch::now();
  for (int done = 0; done < jobs;) {
    must(lease->begin(true));
    if (lease->backend() == store::Backend::postgres) must(lease->execute_script(kSystemPostgres));
    auto* insert = must(lease->prepare(kBareInsert));
    for (int i = 0; i < kEnqueuePerTx && done < jobs; ++i, ++done) {
      insert->reset();
      insert->bind_uuid(1, Uuid::v7(SystemClock::instance(), SecureRandom::instance()));
      insert->bind_int64(2, SystemClock::instance().now_us());
      must(insert->execute());
    }
    must(lease->commit());
  }
  return jobs / std::chrono::duration<double>(Stopwatch::now() - start).count();
}

double cycle_api(store::Database& db, int jobs, int workers, int batch) {
  jobs::HandlerRegistry handlers;
  must(handlers.add("bench.noop", [](jobs::JobContext&) { return ok_status(); }));
  jobs::WorkerOptions options;
  options.concurrency = workers;
  options.claim_batch = batch;
  options.idle_poll_us = 1'000;
  jobs::WorkerPool pool(db, handlers, options);
  const auto start = Stopwatch::now();
  must(pool.start());
  while (pool.metrics().succeeded < jobs) std::this_thread::sleep_for(std::chrono::microseconds(500));
  const double seconds = std::chrono::duration<double>(Stopwatch::now() - start).count();
  pool.stop();
  return jobs / seconds;
}

double cycle_bare(store::Database& db, int jobs, int workers, int batch) {
  std::atomic<std::int64_t> done{0};
  std::vector<std::thread> threads;
  const auto start = Stopwatch::now();
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      auto lease = must(db.acquire());
      const bool postgres = lease->backend() == store::Backend::postgres;
      while (done.load() < jobs) {
        must(lease->begin(true));
        if (postgres) must(lease->execute_script(kSystemPostgres));
        auto* cycle = must(lease->prepare(postgres ? kBareCyclePostgres : kBareCycleSqlite));
        cycle->bind_int64(1, SystemClock::instance().now_us());
        cycle->bind_int64(2, batch);
        const auto changed = must(cycle->execute());
        must(lease->commit());
        done.fetch_add(changed);
        if (changed == 0) break;
      }
    });
  }
  for (auto& t : threads) t.join();
  return jobs / std::chrono::duration<double>(Stopwatch::now() - start).count();
}

double cycle_bare_leased(store::Database& db, int jobs, int workers, int batch) {
  std::atomic<std::int64_t> done{0};
  std::vector<std::thread> threads;
  const auto start = Stopwatch::now();
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      auto lease = must(db.acquire());
      const bool postgres = lease->backend() == store::Backend::postgres;
      const std::string owner = "bare-" + std::to_string(w);
      std::vector<std::int64_t> held;
      while (true) {
        must(lease->begin(true));
        if (postgres) must(lease->execute_script(kSystemPostgres));
        const auto now = SystemClock::instance().now_us();
        if (!held.empty()) {
          std::string ids = postgres ? "{" : "[";
          for (std::size_t i = 0; i < held.size(); ++i) {
            if (i) ids += ',';
            ids += std::to_string(held[i]);
          }
          ids += postgres ? "}" : "]";
          auto* complete = must(lease->prepare(postgres ? kLeasedCompletePostgres : kLeasedCompleteSqlite));
          complete->bind_int64(1, now);
          complete->bind_text(2, owner);
          complete->bind_text(3, ids);
          done.fetch_add(must(complete->execute()));
          held.clear();
        }
        auto* claim = must(lease->prepare(postgres ? kLeasedClaimPostgres : kLeasedClaimSqlite));
        claim->bind_int64(1, now);
        claim->bind_int64(2, batch);
        claim->bind_text(3, owner);
        while (must(claim->step())) held.push_back(claim->column_int64(0));
        claim->reset();
        must(lease->commit());
        if (held.empty()) break;
      }
    });
  }
  for (auto& t : threads) t.join();
  return jobs / std::chrono::duration<double>(Stopwatch::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_URL [JOBS]\n", argv[0]);
    return 2;
  }
  const int jobs = argc > 2 ? std::atoi(argv[2]) : 20'000;
  store::DatabaseOptions owner_options{argv[1], store::ConnectRole::owner};
  auto owner = must(store::Database::open(owner_options));
  {
    store::MigrationRunner runner(*owner, must(store::load_migrations(store::embedded_migrations(owner->backend()))));
    must(runner.apply());
  }
  g_owner = owner.get();
  store::DatabaseOptions app_options{argv[1]};
  app_options.pool_size_max = 12;
  auto db = must(store::Database::open(app_options));
  std::printf("backend %s, %d jobs per run\n", store::to_string(db->backend()), jobs);

  clear_jobs(*db);
  const double bare_enqueue = enqueue_bare(*db, jobs);
  clear_jobs(*db);
  const double api_enqueue = enqueue_api(*db, jobs);
  std::printf("bare: one UPDATE queued->succeeded per batch (as pgbench); leased: the worker's own SQL\n"
              "cycle (complete previous + claim next under a lease, two writes per job) without the library\n");
  std::printf("%-34s %12s %12s %12s %9s %9s\n", "what", "bare", "leased", "api", "bare/api", "lsd/api");
  std::printf("%-34s %12.0f %12s %12.0f %9.2f %9s\n", "enqueue (100 per transaction)", bare_enqueue, "-",
              api_enqueue, bare_enqueue / api_enqueue, "-");
  for (int batch : {1, 50}) {
    for (int workers : {1, 2, 4}) {
      // Batch 1 costs a commit per job: fewer jobs keep the run short.
      const int n = batch == 1 ? std::max(jobs / 10, 1000) : jobs;
      clear_jobs(*db);
      enqueue_bare(*db, n);
      settle(*db);
      const double bare = cycle_bare(*db, n, workers, batch);
      clear_jobs(*db);
      enqueue_bare(*db, n);
      settle(*db);
      const double leased = cycle_bare_leased(*db, n, workers, batch);
      clear_jobs(*db);
      enqueue_bare(*db, n);
      settle(*db);
      const double api = cycle_api(*db, n, workers, batch);
      char label[64];
      std::snprintf(label, sizeof label, "claim+complete, %d worker%s, batch %d", workers, workers == 1 ? "" : "s",
                    batch);
      std::printf("%-34s %12.0f %12.0f %12.0f %9.2f %9.2f\n", label, bare, leased, api, bare / api, leased / api);
      std::fflush(stdout);
    }
  }
  clear_jobs(*db);
  return 0;
}
