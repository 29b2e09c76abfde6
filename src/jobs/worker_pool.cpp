#include "jobs/worker_pool.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <exception>

#include "jobs/builtin_handlers.hpp"
#include "jobs/pipeline_runner.hpp"
#include "store/ops/job_repository.hpp"

namespace narralytica::jobs {
namespace {

store::SystemScope worker_scope(const std::string& owner) {
  return store::SystemScope::because(store::Actor{std::nullopt, std::nullopt, "worker:" + owner}).with_generic_plans();
}

// How often a pool schedules the retention job (deduplicated across workers by its key).
constexpr std::int64_t kRetentionScheduleEveryUs = 600'000'000;  // 10 minutes
constexpr int kReclaimPerRound = store::kJobReclaimBatchMax;

Status check_options(const WorkerOptions& o) {
  auto bad = [](const char* what, const char* field) { return make_error(ErrorCode::invalid_argument, what, field); };
  if (o.concurrency < 1 || o.concurrency > kWorkerConcurrencyMax) return bad("concurrency must be 1 to 64", "concurrency");
  if (o.claim_batch < 1 || o.claim_batch > store::kJobClaimBatchMax) return bad("claim batch must be 1 to 500", "claim_batch");
  if (o.lease_us < store::kJobLeaseUsMin || o.lease_us > store::kJobLeaseUsMax) return bad("lease out of range", "lease_us");
  if (o.heartbeat_us <= 0 || o.heartbeat_us >= o.lease_us) return bad("heartbeat must be shorter than the lease", "heartbeat_us");
  if (o.idle_poll_us <= 0 || o.reclaim_every_us <= 0) return bad("intervals must be positive", "idle_poll_us");
  if (o.backoff.base_us <= 0 || o.backoff.cap_us < o.backoff.base_us || o.backoff.jitter < 0 || o.backoff.jitter > 1) {
    return bad("backoff needs 0 < base <= cap and jitter in 0..1", "backoff");
  }
  if (o.kinds.size() > store::kJobClaimKindsMax) return bad("too many kinds", "kinds");
  return ok_status();
}

}  // namespace

std::int64_t BackoffPolicy::delay_us(int attempts, Random& random) const {
  const int exponent = std::clamp(attempts - 1, 0, 62);
  // Doubling in floating point cannot overflow; the cap bounds the result.
  const double doubled = static_cast<double>(base_us) * std::ldexp(1.0, exponent);
  const double capped = std::min(doubled, static_cast<double>(cap_us));
  const double unit = static_cast<double>(random.next_u64() >> 11) * 0x1.0p-53;  // [0, 1)
  return static_cast<std::int64_t>(capped * (1.0 - jitter * unit));
}

std::string default_owner_prefix() {
  std::array<char, 128> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

// --- Worker ----------------------------------------------------------------------------------------

Worker::Worker(store::Database& database, const HandlerRegistry& handlers, WorkerOptions options, std::string owner)
    : database_(database), handlers_(handlers), options_(std::move(options)), owner_(std::move(owner)) {
  kinds_ = options_.kinds.empty() ? handlers_.kinds() : options_.kinds;
}

void Worker::count(std::int64_t WorkerMetrics::*field, std::int64_t n) {
  std::lock_guard lock(metrics_mutex_);
  metrics_.*field += n;
}

WorkerMetrics Worker::metrics() const {
  std::lock_guard lock(metrics_mutex_);
  return metrics_;
}

void Worker::forget(std::span<const std::int64_t> ids) {
  std::lock_guard lock(held_mutex_);
  std::erase_if(held_, [&](std::int64_t id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); });
}

Result<store::Transaction> Worker::begin_write() {
  return store::Transaction::begin(database_, store::TxMode::write, options_.store_context);
}

Result<int> Worker::step() {
  const auto scope = worker_scope(owner_);
  std::vector<store::Job> jobs;
  std::vector<std::int64_t> settled;
  {
    ASSIGN_OR_RETURN(store::Transaction tx, begin_write());
    if (!pending_success_.empty()) {
      ASSIGN_OR_RETURN(settled, store::JobRepository::complete(tx, scope, owner_, pending_success_));
    }
    if (!stop_requested()) {
      store::ClaimRequest request;
      request.owner = owner_;
      request.limit = options_.claim_batch;
      request.lease_us = options_.lease_us;
      request.kinds = kinds_;
      ASSIGN_OR_RETURN(jobs, store::JobRepository::claim(tx, scope, request));
    }
    RETURN_IF_ERROR(tx.commit());
  }
  if (!pending_success_.empty()) {
    count(&WorkerMetrics::succeeded, static_cast<std::int64_t>(settled.size()));
    count(&WorkerMetrics::lease_lost, static_cast<std::int64_t>(pending_success_.size() - settled.size()));
    forget(pending_success_);
    pending_success_.clear();
  }
  if (jobs.empty()) return 0;
  {
    std::lock_guard lock(held_mutex_);
    for (const auto& job : jobs) held_.push_back(job.id);
  }
  count(&WorkerMetrics::claimed, static_cast<std::int64_t>(jobs.size()));

  int ran = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const store::Job& job = jobs[i];
    if (stop_requested()) {
      std::vector<std::int64_t> rest;
      for (std::size_t k = i; k < jobs.size(); ++k) rest.push_back(jobs[k].id);
      RETURN_IF_ERROR(release(std::move(rest)));
      break;
    }
    {
      std::lock_guard lock(held_mutex_);
      running_id_ = job.id;
      running_cancelled_.store(false);
    }
    std::string error;
    bool succeeded = false;
    const JobHandler* handler = handlers_.find(job.kind);
    if (!handler) {
      error = "no handler is registered for kind " + job.kind;
    } else {
      JobContext context{job, database_, options_.store_context, running_cancelled_, owner_};
      try {
        Status status = (*handler)(context);
        succeeded = status.ok();
        if (!succeeded) error = status.error().describe();
      } catch (const std::exception& e) {
        error = std::string("handler threw: ") + e.what();
      } catch (...) {
        error = "handler threw a non-standard exception";
      }
    }
    {
      std::lock_guard lock(held_mutex_);
      running_id_.reset();
    }
    ++ran;
    if (succeeded) {
      pending_success_.push_back(job.id);
    } else {
      RETURN_IF_ERROR(settle_failure(job, error));
    }
  }
  return ran;
}

Status Worker::settle_failure(const store::Job& job, const std::string& error) {
  const auto scope = worker_scope(owner_);
  ASSIGN_OR_RETURN(store::Transaction tx, begin_write());
  const UnixMicros retry_at = tx.now_us() + options_.backoff.delay_us(job.attempts, tx.random());
  ASSIGN_OR_RETURN(store::FailOutcome outcome, store::JobRepository::fail(tx, scope, owner_, job.id, error, retry_at));
  RETURN_IF_ERROR(tx.commit());
  const std::array<std::int64_t, 1> ids{job.id};
  forget(ids);
  switch (outcome) {
    case store::FailOutcome::retry_scheduled: count(&WorkerMetrics::retried, 1); break;
    case store::FailOutcome::dead: count(&WorkerMetrics::dead, 1); break;
    case store::FailOutcome::lease_lost: count(&WorkerMetrics::lease_lost, 1); break;
  }
  return ok_status();
}

Status Worker::release(std::vector<std::int64_t> ids) {
  if (ids.empty()) return ok_status();
  const auto scope = worker_scope(owner_);
  ASSIGN_OR_RETURN(store::Transaction tx, begin_write());
  ASSIGN_OR_RETURN(std::int64_t released, store::JobRepository::release(tx, scope, owner_, ids));
  RETURN_IF_ERROR(tx.commit());
  forget(ids);
  count(&WorkerMetrics::released, released);
  return ok_status();
}

Status Worker::drain() {
  if (!pending_success_.empty()) {
    const auto scope = worker_scope(owner_);
    ASSIGN_OR_RETURN(store::Transaction tx, begin_write());
    ASSIGN_OR_RETURN(auto settled, store::JobRepository::complete(tx, scope, owner_, pending_success_));
    RETURN_IF_ERROR(tx.commit());
    count(&WorkerMetrics::succeeded, static_cast<std::int64_t>(settled.size()));
    count(&WorkerMetrics::lease_lost, static_cast<std::int64_t>(pending_success_.size() - settled.size()));
    forget(pending_success_);
    pending_success_.clear();
  }
  std::vector<std::int64_t> held;
  {
    std::lock_guard lock(held_mutex_);
    held = held_;
  }
  return release(std::move(held));
}

Status Worker::heartbeat() {
  std::vector<std::int64_t> held;
  std::optional<std::int64_t> running;
  {
    std::lock_guard lock(held_mutex_);
    held = held_;
    running = running_id_;
  }
  if (held.empty()) return ok_status();
  const auto scope = worker_scope(owner_);
  ASSIGN_OR_RETURN(store::Transaction tx, begin_write());
  ASSIGN_OR_RETURN(auto kept, store::JobRepository::heartbeat(tx, scope, owner_, held, options_.lease_us));
  RETURN_IF_ERROR(tx.commit());
  if (running && std::find(kept.begin(), kept.end(), *running) == kept.end()) {
    std::lock_guard lock(held_mutex_);
    // Still the same job: it was cancelled or reclaimed while it ran.
    if (running_id_ == running) running_cancelled_.store(true);
  }
  return ok_status();
}

Result<std::int64_t> Worker::reclaim_expired() {
  const auto scope = worker_scope(owner_);
  ASSIGN_OR_RETURN(store::Transaction tx, begin_write());
  ASSIGN_OR_RETURN(std::int64_t reclaimed, store::JobRepository::reclaim_expired(tx, scope, kReclaimPerRound));
  RETURN_IF_ERROR(tx.commit());
  count(&WorkerMetrics::reclaimed, reclaimed);
  return reclaimed;
}

// --- WorkerPool ------------------------------------------------------------------------------------

WorkerPool::WorkerPool(store::Database& database, const HandlerRegistry& handlers, WorkerOptions options,
                       PipelineRunner* pipelines)
    : database_(database), handlers_(handlers), options_(std::move(options)), pipelines_(pipelines) {}

WorkerPool::~WorkerPool() { stop(); }

Status WorkerPool::start() {
  if (started_) return make_error(ErrorCode::conflict, "worker pool already started");
  RETURN_IF_ERROR(check_options(options_));
  for (const auto& kind : options_.kinds) {
    if (!handlers_.find(kind)) {
      return make_error(ErrorCode::invalid_argument, "no handler is registered for this kind", kind);
    }
  }
  if (handlers_.empty()) return make_error(ErrorCode::invalid_argument, "no job handlers are registered", "kinds");
  const std::string prefix = options_.owner_prefix.empty() ? default_owner_prefix() : options_.owner_prefix;
  // A nonce per start keeps a restarted process (same pid in a container) from owning the
  // leases of its previous life.
  const std::uint64_t nonce = options_.store_context.random->next_u64() & 0xffffffu;
  for (int i = 0; i < options_.concurrency; ++i) {
    workers_.push_back(std::make_unique<Worker>(database_, handlers_, options_,
                                                prefix + ":" + std::to_string(i) + ":" + std::to_string(nonce)));
  }
  started_ = true;
  for (int i = 0; i < options_.concurrency; ++i) {
    threads_.emplace_back([this, i] { run_loop(*workers_[static_cast<std::size_t>(i)], i); });
  }
  heartbeat_thread_ = std::thread([this] { run_heartbeat(); });
  return ok_status();
}

void WorkerPool::request_stop() {
  stopping_.store(true);
  for (auto& worker : workers_) worker->request_stop();
  std::lock_guard lock(wake_mutex_);
  wake_.notify_all();
}

void WorkerPool::stop() {
  if (!started_ || joined_) return;
  request_stop();
  for (auto& thread : threads_) thread.join();
  {
    std::lock_guard lock(wake_mutex_);
    heartbeat_stopping_.store(true);
    wake_.notify_all();
  }
  heartbeat_thread_.join();
  joined_ = true;
}

WorkerMetrics WorkerPool::metrics() const {
  WorkerMetrics sum;
  for (const auto& worker : workers_) {
    const WorkerMetrics m = worker->metrics();
    sum.claimed += m.claimed;
    sum.succeeded += m.succeeded;
    sum.retried += m.retried;
    sum.dead += m.dead;
    sum.lease_lost += m.lease_lost;
    sum.released += m.released;
    sum.reclaimed += m.reclaimed;
    sum.errors += m.errors;
  }
  return sum;
}

void WorkerPool::wait_for(std::int64_t duration_us) {
  std::unique_lock lock(wake_mutex_);
  wake_.wait_for(lock, std::chrono::microseconds(duration_us), [&] { return stopping_.load(); });
}

void WorkerPool::report(Worker& worker, std::string_view what, const Error& error) {
  worker.count(&WorkerMetrics::errors, 1);
  std::string line = "worker: ";
  line += what;
  line += ": ";
  line += error.describe();
  if (options_.log_error) {
    options_.log_error(line);
  } else {
    std::fprintf(stderr, "narralytica: %s\n", line.c_str());
  }
}

// Anything a loop calls may throw on a bug (handlers and pipelines are guarded where they are
// called); an exception escaping a thread's function is std::terminate, so it is caught here,
// reported, and the loop goes on after a pause.
template <class Fn>
Status guarded(Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return make_error(ErrorCode::internal, std::string("unexpected exception: ") + e.what());
  } catch (...) {
    return make_error(ErrorCode::internal, "unexpected non-standard exception");
  }
}

void WorkerPool::run_loop(Worker& worker, int index) {
  while (!stopping_.load()) {
    int work = 0;
    const Status round = guarded([&]() -> Status {
      ASSIGN_OR_RETURN(work, worker.step());
      if (work == 0 && pipelines_ && index == 0) {
        PipelineRound pipelines = pipelines_->run_all_once();
        work = pipelines.processed;
        for (const Error& error : pipelines.errors) report(worker, "pipeline", error);  // the field names it
        // A failing pipeline is retried after the idle pause, not in a tight loop.
        if (!pipelines.errors.empty()) work = 0;
      }
      return ok_status();
    });
    if (!round.ok()) {
      report(worker, "loop " + worker.owner(), round.error());
      work = 0;
    }
    if (work == 0) wait_for(options_.idle_poll_us);
  }
  // Bounded retries: the database may be briefly unavailable while we shut down; anything still
  // leased after that expires and is reclaimed by another worker.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const Status drained = guarded([&] { return worker.drain(); });
    if (drained.ok()) break;
    report(worker, "drain " + worker.owner(), drained.error());
  }
}

void WorkerPool::run_heartbeat() {
  const Clock& clock = *options_.store_context.clock;
  UnixMicros next_reclaim = clock.now_us();
  UnixMicros next_retention = clock.now_us();
  auto& reclaimer = *workers_.front();
  UnixMicros next_heartbeat = clock.now_us();
  while (!heartbeat_stopping_.load()) {
    UnixMicros now = clock.now_us();
    if (now >= next_heartbeat) {
      for (auto& worker : workers_) {
        const Status beat = guarded([&] { return worker->heartbeat(); });
        if (!beat.ok()) report(*worker, "heartbeat " + worker->owner(), beat.error());
      }
      next_heartbeat = now + options_.heartbeat_us;
    }
    now = clock.now_us();
    if (!stopping_.load() && now >= next_reclaim) {
      const Status reclaimed = guarded([&]() -> Status {
        RETURN_IF_ERROR(reclaimer.reclaim_expired());
        return ok_status();
      });
      if (!reclaimed.ok()) report(reclaimer, "reclaim", reclaimed.error());
      next_reclaim = now + options_.reclaim_every_us;
    }
    if (!stopping_.load() && options_.event_retention_us > 0 && now >= next_retention &&
        handlers_.find(kEventsPruneKind)) {
      // One prune job per 10-minute bucket however many workers schedule it: the idempotency key
      // names the bucket.
      store::JobDraft draft;
      draft.kind = kEventsPruneKind;
      draft.payload_json = "{\"retention_us\":" + std::to_string(options_.event_retention_us) + "}";
      draft.max_attempts = 3;
      draft.idempotency_key = "retention:" + std::to_string(now / kRetentionScheduleEveryUs);
      const Status scheduled = guarded([&]() -> Status {
        ASSIGN_OR_RETURN(store::Transaction tx, reclaimer.begin_write());
        RETURN_IF_ERROR(store::JobRepository::enqueue(tx, worker_scope(reclaimer.owner()), std::nullopt, draft));
        return tx.commit();
      });
      if (!scheduled.ok()) report(reclaimer, "scheduling events.prune", scheduled.error());
      next_retention = now + kRetentionScheduleEveryUs;
    }
    // Wake for whichever comes first, so a dead worker's jobs are reclaimed within
    // lease + reclaim_every_us, however long the heartbeat interval.
    const std::int64_t wait_us = std::max<std::int64_t>(
        std::min(next_heartbeat, stopping_.load() ? next_heartbeat : next_reclaim) - clock.now_us(), 1'000);
    std::unique_lock lock(wake_mutex_);
    wake_.wait_for(lock, std::chrono::microseconds(wait_us), [&] { return heartbeat_stopping_.load(); });
  }
}

}  // namespace narralytica::jobs
