// The durable job queue in the canonical database (table `jobs`). Jobs are enqueued inside the
// caller's Transaction, so a job and the canonical change that causes it commit together or not at
// all. Workers claim jobs in batches under a lease (owner + expiry): `FOR UPDATE SKIP LOCKED` on
// PostgreSQL, so any number of worker processes on any number of machines share one queue; on
// SQLite the claim runs in the caller's write transaction (BEGIN IMMEDIATE), the single writer.
//
// Life of a job:
//   queued --claim--> running --complete--> succeeded
//                        |--fail (attempts left)--> queued (run_at = retry_at, last_error kept)
//                        |--fail (last attempt)---> dead   (last_error kept)
//                        |--lease expires---------> queued, or dead after the last attempt
//                        |--release (shutdown)----> queued, the attempt not counted
//   queued|running --cancel--> cancelled;   dead|failed|cancelled --retry--> queued (attempts 0)
//
// A worker that lost its lease (the job was cancelled, or reclaimed after the lease expired) gets
// `false` from complete/fail and must drop the job: its outcome no longer counts. Handlers must be
// idempotent by job id, because a job whose worker died mid-run runs again.
//
// Thread-safety: all functions are stateless; each works inside the Transaction it is given, which
// belongs to one thread. Tenant calls take a TenantScope and see only that tenant's jobs; worker
// and operator calls take a SystemScope and see every tenant's jobs and the system jobs
// (tenant_id NULL). Calls enter the scope on the transaction themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/page.hpp"
#include "store/scope.hpp"
#include "store/transaction.hpp"

namespace narralytica::store {

// Limits, checked before the database sees the data so errors name the field.
inline constexpr std::size_t kJobKindLengthMax = 100;
inline constexpr std::size_t kJobPayloadBytesMax = 256 * 1024;
inline constexpr std::size_t kJobIdempotencyKeyLengthMax = 200;
inline constexpr std::size_t kJobErrorLengthMax = 4000;  // longer errors are truncated, not refused
inline constexpr std::size_t kJobLeaseOwnerLengthMax = 200;
inline constexpr int kJobMaxAttemptsMax = 100;
inline constexpr int kJobMaxAttemptsDefault = 5;
inline constexpr int kJobClaimBatchMax = 500;
inline constexpr std::size_t kJobClaimKindsMax = 50;
inline constexpr std::int64_t kJobLeaseUsMin = 100'000;           // 100 ms
inline constexpr std::int64_t kJobLeaseUsMax = 3'600'000'000;     // 1 hour
inline constexpr int kJobReclaimBatchMax = 1000;
inline constexpr int kJobPruneBatchMax = 10'000;

enum class JobStatus { queued, running, succeeded, failed, dead, cancelled };
const char* to_string(JobStatus status) noexcept;
// "queued", "running", ... ; nullopt for anything else.
std::optional<JobStatus> parse_job_status(std::string_view text) noexcept;

struct JobDraft {
  std::string kind;                    // e.g. "events.prune"; 1..kJobKindLengthMax bytes
  std::string payload_json = "{}";     // a JSON object, at most kJobPayloadBytesMax bytes
  int priority = 0;                    // higher runs first
  std::optional<UnixMicros> run_at;    // not before; default: now
  int max_attempts = kJobMaxAttemptsDefault;  // 1..kJobMaxAttemptsMax
  // Unique per (tenant, kind): enqueueing the same key again returns the existing job, whatever
  // its status. System jobs share one key space.
  std::optional<std::string> idempotency_key;
};

struct Job {
  std::int64_t id = 0;  // internal; never leaves the process
  Uuid public_id;
  std::optional<std::int64_t> tenant_id;  // nullopt: a system job
  std::string kind;
  std::string payload_json;
  JobStatus status = JobStatus::queued;
  int priority = 0;
  UnixMicros run_at = 0;
  int attempts = 0;  // attempts started so far (counted at claim)
  int max_attempts = kJobMaxAttemptsDefault;
  std::optional<std::string> lease_owner;
  std::optional<UnixMicros> lease_expires_at;
  std::optional<std::string> last_error;
  std::optional<std::string> idempotency_key;
  std::optional<UnixMicros> finished_at;
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
};

struct EnqueueResult {
  Job job;
  bool created = true;  // false: the idempotency key matched an existing job, returned as is
};

struct JobFilter {
  std::optional<JobStatus> status;
  std::optional<std::string> kind;
};

struct ClaimRequest {
  std::string owner;              // identifies the worker loop; 1..kJobLeaseOwnerLengthMax bytes
  int limit = 1;                  // 1..kJobClaimBatchMax
  std::int64_t lease_us = 30'000'000;  // kJobLeaseUsMin..kJobLeaseUsMax
  std::vector<std::string> kinds; // empty: any kind; at most kJobClaimKindsMax
};

// What a failed attempt leads to.
enum class FailOutcome {
  retry_scheduled,  // back to queued, due at retry_at
  dead,             // that was the last attempt
  lease_lost,       // this owner no longer holds the job: nothing changed
};

// Queue depth by status, for /metrics and `jobs list`.
struct QueueDepth {
  std::int64_t queued = 0;       // all queued, due or not
  std::int64_t queued_due = 0;   // queued with run_at <= now
  std::int64_t running = 0;
  std::int64_t running_expired = 0;  // running with an expired lease (a worker died)
  std::int64_t succeeded = 0;
  std::int64_t failed = 0;
  std::int64_t dead = 0;
  std::int64_t cancelled = 0;
  std::optional<UnixMicros> oldest_due_run_at;  // the due queued job waiting longest
};

class JobRepository {
 public:
  // --- Enqueue. Jobs become visible to workers when `tx` commits. -------------------------------
  // A job of the scope's tenant. Errors: invalid_argument naming the field (kind, payload,
  // max_attempts, idempotency_key). With an idempotency key already used by this tenant and kind,
  // returns that job with created = false.
  static Result<EnqueueResult> enqueue(Transaction& tx, const TenantScope& scope, const JobDraft& draft);
  // A job for `tenant_id`, or a system job when nullopt (maintenance such as events.prune).
  static Result<EnqueueResult> enqueue(Transaction& tx, const SystemScope& scope,
                                       std::optional<std::int64_t> tenant_id, const JobDraft& draft);

  // --- Read. ------------------------------------------------------------------------------------
  // Errors: not_found (also for another tenant's job).
  static Result<Job> get(Transaction& tx, const TenantScope& scope, const Uuid& public_id);
  static Result<Job> get(Transaction& tx, const SystemScope& scope, const Uuid& public_id);
  // Jobs in public-id (creation) order after page.after, filtered. Errors: invalid_argument for a
  // page limit outside 1..kPageLimitMax.
  static Result<Page<Job>> list(Transaction& tx, const TenantScope& scope, const JobFilter& filter,
                                const PageRequest& page);
  static Result<Page<Job>> list(Transaction& tx, const SystemScope& scope, const JobFilter& filter,
                                const PageRequest& page);
  // Counts by status across every tenant, as of `now_us`.
  static Result<QueueDepth> depth(Transaction& tx, const SystemScope& scope, UnixMicros now_us);

  // --- Operator actions. Both return the job as it is afterwards. -------------------------------
  // A queued or running job becomes cancelled (a running one's worker learns it at its next
  // heartbeat or when it reports, and its outcome is dropped). Errors: not_found; conflict when
  // the job already finished (succeeded, dead, cancelled, failed).
  static Result<Job> cancel(Transaction& tx, const TenantScope& scope, const Uuid& public_id);
  static Result<Job> cancel(Transaction& tx, const SystemScope& scope, const Uuid& public_id);
  // A dead, failed or cancelled job is queued again, due now, with its attempts reset (last_error
  // is kept until the next attempt settles). Errors: not_found; conflict for queued, running or
  // succeeded jobs.
  static Result<Job> retry(Transaction& tx, const TenantScope& scope, const Uuid& public_id);
  static Result<Job> retry(Transaction& tx, const SystemScope& scope, const Uuid& public_id);

  // --- Worker side (SystemScope: a worker serves every tenant). ---------------------------------
  // Claims up to request.limit due queued jobs (highest priority, then earliest run_at), marks
  // them running under request.owner until now + lease_us, and counts the attempt. Jobs locked by
  // another claimer are skipped, never waited for. Returns the claimed jobs (possibly none).
  static Result<std::vector<Job>> claim(Transaction& tx, const SystemScope& scope, const ClaimRequest& request);
  // Running jobs whose lease expired before now: queued again, or dead with last_error "lease
  // expired ..." when that was their last attempt (a job that kills its worker every time must
  // not loop forever). Returns how many were reclaimed (at most `limit`).
  static Result<std::int64_t> reclaim_expired(Transaction& tx, const SystemScope& scope, int limit);
  // Extends the leases `owner` still holds among `job_ids` to now + lease_us. Returns the ids it
  // still holds; an id missing from the answer was cancelled or reclaimed.
  static Result<std::vector<std::int64_t>> heartbeat(Transaction& tx, const SystemScope& scope,
                                                     std::string_view owner,
                                                     std::span<const std::int64_t> job_ids,
                                                     std::int64_t lease_us);
  // Marks the jobs `owner` holds among `job_ids` succeeded. Returns the ids that were settled;
  // a missing id means the lease was lost and the outcome dropped.
  static Result<std::vector<std::int64_t>> complete(Transaction& tx, const SystemScope& scope,
                                                    std::string_view owner,
                                                    std::span<const std::int64_t> job_ids);
  // Records a failed attempt: queued again due at `retry_at` with `error` kept, or dead when no
  // attempt is left. `error` is truncated to kJobErrorLengthMax bytes.
  static Result<FailOutcome> fail(Transaction& tx, const SystemScope& scope, std::string_view owner,
                                  std::int64_t job_id, std::string_view error, UnixMicros retry_at);
  // Gives jobs back unstarted (graceful shutdown): queued, due now, the attempt not counted.
  // Returns how many were released.
  static Result<std::int64_t> release(Transaction& tx, const SystemScope& scope, std::string_view owner,
                                      std::span<const std::int64_t> job_ids);

  // --- Retention. -------------------------------------------------------------------------------
  // Deletes up to `limit` jobs that finished (succeeded or cancelled) before `finished_before`.
  // Dead jobs are kept for an operator. Returns how many were deleted.
  static Result<std::int64_t> prune_finished(Transaction& tx, const SystemScope& scope,
                                             UnixMicros finished_before, int limit);
};

}  // namespace narralytica::store
