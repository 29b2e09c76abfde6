// Job queue throughput against bare SQL baselines, side by side in one run on one database.
//
//   enqueue:  JobRepository::enqueue (100 per transaction) vs a bare prepared INSERT of the same row.
//   cycle:    a WorkerPool with a no-op handler (claim under a lease, run, complete) with 1, 2 and
//             4 loops at claim batch 1 and 50, against:
//     bare     the same work in bare SQL, one thread per worker: each job written twice, as the
//              product must (claimed: running under a lease; then succeeded), the completion of a
//              batch and the claim of the next in one transaction. SKIP LOCKED on PostgreSQL;
//              on SQLite BEGIN IMMEDIATE, the threads taking turns on a mutex as the pool does.
//     pgbench  (PostgreSQL, when pgbench is on PATH) the same two-write cycle as a pgbench script,
//              bench/jobs/claim_complete.sql, run from the same fill in the same run.
//     1-write  a reference, not a baseline: one UPDATE queued -> succeeded per batch, no lease, so
//              each job is written once. That is not the product's work: it is what a queue costs
//              that holds the row lock while the handler runs (a worker's death rolls it back, so
//              no attempt is counted and a job that kills its worker retries forever; on SQLite
//              the write lock would be held through every handler).
// Every cycle starts from a freshly filled queue (TRUNCATE + fill + VACUUM ANALYZE on PostgreSQL).
// Durability stays on (SQLite synchronous=FULL as the product opens it; PostgreSQL defaults).
//
// Usage: jobs_bench DB_URL [JOBS] [REPEAT]
//   The database is migrated first; the jobs table is emptied. Each figure is the median of
//   REPEAT runs (default 1), the cycles interleaved so that a noisy moment hits all of them.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
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
constexpr const char* kOneWritePostgres =
    "WITH picked AS (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $1 ORDER BY priority DESC, run_at "
    "LIMIT $2 FOR UPDATE SKIP LOCKED) UPDATE jobs j SET status = 'succeeded', attempts = j.attempts + 1, "
    "finished_at = $1, updated_at = $1 FROM picked WHERE j.id = picked.id";
constexpr const char* kOneWriteSqlite =
    "UPDATE jobs SET status = 'succeeded', attempts = attempts + 1, finished_at = $1, updated_at = $1 "
    "WHERE id IN (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $1 ORDER BY priority DESC, run_at "
    "LIMIT $2)";
// The bare two-write cycle: complete the previous batch and claim the next (marked running under a
// lease) in one transaction.
constexpr const char* kClaimPostgres =
    "WITH picked AS (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $1 ORDER BY priority DESC, run_at "
    "LIMIT $2 FOR UPDATE SKIP LOCKED) UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, "
    "lease_owner = $3, lease_expires_at = $1 + 30000000, updated_at = $1 FROM picked WHERE j.id = picked.id "
    "RETURNING j.id";
constexpr const char* kClaimSqlite =
    "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = $3, lease_expires_at = $1 + 30000000, "
    "updated_at = $1 WHERE id IN (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $1 "
    "ORDER BY priority DESC, run_at LIMIT $2) RETURNING id";
constexpr const char* kCompletePostgres =
    "UPDATE jobs SET status = 'succeeded', finished_at = $1, updated_at = $1, lease_owner = NULL, "
    "lease_expires_at = NULL WHERE status = 'running' AND lease_owner = $2 AND id = ANY(CAST($3 AS bigint[]))";
constexpr const char* kCompleteSqlite =
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

double per_second(std::int64_t n, Stopwatch::time_point start) {
  return static_cast<double>(n) / std::chrono::duration<double>(Stopwatch::now() - start).count();
}

struct Bench {
  store::Database& owner;  // TRUNCATE, VACUUM, counting
  store::Database& app;    // everything measured: the application role, under row-level security
  std::string url;
  bool postgres;

  // Empties the queue as the owner: TRUNCATE on PostgreSQL, so dead tuples of the previous run do
  // not slow the next one (each cycle starts from the same fresh table, baseline and product alike).
  void clear() {
    auto lease = must(owner.acquire());
    must(lease->execute_script(postgres ? "TRUNCATE jobs" : "DELETE FROM jobs"));
  }

  std::int64_t count_succeeded() {
    auto lease = must(owner.acquire());
    auto* s = must(lease->prepare("SELECT count(*) FROM jobs WHERE status = 'succeeded'"));
    must(s->step());
    const std::int64_t n = s->column_int64(0);
    s->reset();
    return n;
  }

  // A fresh queue of `jobs` due no-op jobs, with fresh planner statistics and visibility map, as
  // pgbench's own fill does.
  void fill(int jobs) {
    clear();
    enqueue_bare(jobs);
    if (postgres) {
      auto lease = must(owner.acquire());
      must(lease->execute_script("VACUUM ANALYZE jobs"));
    }
  }

  double enqueue_api(int jobs) {
    const auto start = Stopwatch::now();
    for (int done = 0; done < jobs;) {
      auto tx = must(store::Transaction::begin(app, store::TxMode::write));
      for (int i = 0; i < kEnqueuePerTx && done < jobs; ++i, ++done) {
        store::JobDraft draft;
        draft.kind = "bench.noop";
        must(store::JobRepository::enqueue(tx, scope(), std::nullopt, draft));
      }
      must(tx.commit());
    }
    return per_second(jobs, start);
  }

  double enqueue_bare(int jobs) {
    auto lease = must(app.acquire());
    const auto start = Stopwatch::now();
    for (int done = 0; done < jobs;) {
      must(lease->begin(true));
      if (postgres) must(lease->execute_script(kSystemPostgres));
      auto* insert = must(lease->prepare(kBareInsert));
      for (int i = 0; i < kEnqueuePerTx && done < jobs; ++i, ++done) {
        insert->reset();
        insert->bind_uuid(1, Uuid::v7(SystemClock::instance(), SecureRandom::instance()));
        insert->bind_int64(2, SystemClock::instance().now_us());
        must(insert->execute());
      }
      must(lease->commit());
    }
    return per_second(jobs, start);
  }

  double cycle_api(int jobs, int workers, int batch) {
    jobs::HandlerRegistry handlers;
    must(handlers.add("bench.noop", [](jobs::JobContext&) { return ok_status(); }));
    jobs::WorkerOptions options;
    options.concurrency = workers;
    options.claim_batch = batch;
    options.idle_poll_us = 1'000;
    jobs::WorkerPool pool(app, handlers, options);
    const auto start = Stopwatch::now();
    must(pool.start());
    while (pool.metrics().succeeded < jobs) std::this_thread::sleep_for(std::chrono::microseconds(500));
    const double rate = per_second(jobs, start);
    pool.stop();
    return rate;
  }

  // Runs `body(lease, turn)` on one thread per worker, each with its own connection; on SQLite the
  // threads take turns on one mutex for their write transactions, as the pool's loops do.
  template <class Body>
  void on_threads(int workers, Body body) {
    std::mutex write_turn;
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
      threads.emplace_back([&, w] {
        auto lease = must(app.acquire());
        body(*lease, postgres ? nullptr : &write_turn, w);
      });
    }
    for (auto& t : threads) t.join();
  }

  double cycle_one_write(int jobs, int workers, int batch) {
    std::atomic<std::int64_t> done{0};
    const auto start = Stopwatch::now();
    on_threads(workers, [&](store::Connection& c, std::mutex* turn, int) {
      while (done.load() < jobs) {
        std::unique_lock<std::mutex> lock;
        if (turn) lock = std::unique_lock(*turn);
        must(c.begin(true));
        if (postgres) must(c.execute_script(kSystemPostgres));
        auto* cycle = must(c.prepare(postgres ? kOneWritePostgres : kOneWriteSqlite));
        cycle->bind_int64(1, SystemClock::instance().now_us());
        cycle->bind_int64(2, batch);
        const auto changed = must(cycle->execute());
        must(c.commit());
        done.fetch_add(changed);
        if (changed == 0) break;
      }
    });
    return per_second(jobs, start);
  }

  double cycle_bare(int jobs, int workers, int batch) {
    const auto start = Stopwatch::now();
    on_threads(workers, [&](store::Connection& c, std::mutex* turn, int w) {
      char owner_name[32];  // snprintf, not "lit" + to_string: GCC 12 warns falsely (-Wrestrict)
      std::snprintf(owner_name, sizeof owner_name, "bare-%d", w);
      std::vector<std::int64_t> held;
      std::string ids;
      while (true) {
        std::unique_lock<std::mutex> lock;
        if (turn) lock = std::unique_lock(*turn);
        must(c.begin(true));
        if (postgres) must(c.execute_script(kSystemPostgres));
        const auto now = SystemClock::instance().now_us();
        if (!held.empty()) {
          ids.assign(1, postgres ? '{' : '[');
          for (std::size_t i = 0; i < held.size(); ++i) {
            if (i) ids += ',';
            ids += std::to_string(held[i]);
          }
          ids += postgres ? '}' : ']';
          auto* complete = must(c.prepare(postgres ? kCompletePostgres : kCompleteSqlite));
          complete->bind_int64(1, now);
          complete->bind_text(2, owner_name);
          complete->bind_text(3, ids);
          must(complete->execute());
          held.clear();
        }
        auto* claim = must(c.prepare(postgres ? kClaimPostgres : kClaimSqlite));
        claim->bind_int64(1, now);
        claim->bind_int64(2, batch);
        claim->bind_text(3, owner_name);
        while (must(claim->step())) held.push_back(claim->column_int64(0));
        claim->reset();
        must(c.commit());
        if (held.empty()) break;
      }
    });
    return per_second(jobs, start);
  }

  // pgbench running claim_complete.sql, one client per worker, as the application role. Each
  // transaction completes the client's previous batch and claims the next, so the last batch a
  // client claims stays running: jobs/s counts the jobs that ended succeeded over pgbench's own
  // measured time (transactions / tps, without connection set-up).
  std::optional<double> cycle_pgbench(int jobs, int workers, int batch) {
    const int per_client = (jobs + batch * workers - 1) / (batch * workers) + 1;
    char command[1024];
    std::snprintf(command, sizeof command,
                  "PGOPTIONS='-c role=narralytica_app' pgbench -n -M prepared -f '%s' -D batch=%d -D held='{}' "
                  "-c %d -j %d -t %d '%s' 2>&1",
                  NARRALYTICA_PGBENCH_SCRIPT, batch, workers, workers, per_client, url.c_str());
    FILE* out = popen(command, "r");
    if (!out) return std::nullopt;
    double tps = 0;
    long long transactions = 0;
    char line[512];
    std::string text;
    while (std::fgets(line, sizeof line, out)) {
      text += line;
      std::sscanf(line, "number of transactions actually processed: %lld", &transactions);
      std::sscanf(line, "tps = %lf", &tps);
    }
    if (pclose(out) != 0 || tps <= 0 || transactions <= 0) {
      std::fprintf(stderr, "jobs_bench: pgbench failed:\n%s", text.c_str());
      return std::nullopt;
    }
    return static_cast<double>(count_succeeded()) / (static_cast<double>(transactions) / tps);
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return NAN;
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

void print_figure(double value) {
  if (std::isnan(value)) std::printf(" %9s", "-"); else std::printf(" %9.0f", value);
}
void print_ratio(double value) {
  if (std::isnan(value)) std::printf(" %8s", "-"); else std::printf(" %8.2f", value);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_URL [JOBS] [REPEAT]\n", argv[0]);
    return 2;
  }
  const int jobs = argc > 2 ? std::atoi(argv[2]) : 20'000;
  const int repeat = std::max(argc > 3 ? std::atoi(argv[3]) : 1, 1);
  store::DatabaseOptions owner_options{argv[1], store::ConnectRole::owner};
  auto owner = must(store::Database::open(owner_options));
  {
    store::MigrationRunner runner(*owner, must(store::load_migrations(store::embedded_migrations(owner->backend()))));
    must(runner.apply());
  }
  store::DatabaseOptions app_options{argv[1]};
  app_options.pool_size_max = 12;
  auto db = must(store::Database::open(app_options));
  const bool postgres = db->backend() == store::Backend::postgres;
  Bench bench{*owner, *db, argv[1], postgres};
  const bool with_pgbench = postgres && std::system("pgbench --version >/dev/null 2>&1") == 0;
  std::printf("backend %s, %d jobs per run (batch 1: %d), median of %d\n", store::to_string(db->backend()), jobs,
              std::max(jobs / 10, 1000), repeat);

  std::vector<double> bare_enqueue, api_enqueue;
  for (int r = 0; r < repeat; ++r) {
    bench.clear();
    bare_enqueue.push_back(bench.enqueue_bare(jobs));
    bench.clear();
    api_enqueue.push_back(bench.enqueue_api(jobs));
  }
  std::printf("jobs/s; ratios are baseline/api (above 1: the library is slower)\n");
  std::printf("%-34s %9s %9s %9s %9s %8s %8s %8s\n", "what", "1-write", "bare", "pgbench", "api", "bare/api",
              "pgb/api", "1w/api");
  std::printf("%-34s %9s", "enqueue (100 per transaction)", "-");
  print_figure(median(bare_enqueue));
  std::printf(" %9s", "-");
  print_figure(median(api_enqueue));
  print_ratio(median(bare_enqueue) / median(api_enqueue));
  std::printf(" %8s %8s\n", "-", "-");
  for (int batch : {1, 50}) {
    for (int workers : {1, 2, 4}) {
      // Batch 1 costs a commit per job: fewer jobs keep the run short.
      const int n = batch == 1 ? std::max(jobs / 10, 1000) : jobs;
      std::vector<double> one_write, bare, pgb, api;
      for (int r = 0; r < repeat; ++r) {
        bench.fill(n);
        one_write.push_back(bench.cycle_one_write(n, workers, batch));
        bench.fill(n);
        bare.push_back(bench.cycle_bare(n, workers, batch));
        if (with_pgbench) {
          bench.fill(n);
          if (auto rate = bench.cycle_pgbench(n, workers, batch)) pgb.push_back(*rate);
        }
        bench.fill(n);
        api.push_back(bench.cycle_api(n, workers, batch));
      }
      char label[64];
      std::snprintf(label, sizeof label, "claim+complete, %d worker%s, batch %d", workers, workers == 1 ? "" : "s",
                    batch);
      const double a = median(api);
      std::printf("%-34s", label);
      print_figure(median(one_write));
      print_figure(median(bare));
      print_figure(median(pgb));
      print_figure(a);
      print_ratio(median(bare) / a);
      print_ratio(median(pgb) / a);
      print_ratio(median(one_write) / a);
      std::printf("\n");
      std::fflush(stdout);
    }
  }
  bench.clear();
  return 0;
}
