// Job queue use cases, shared by the API (/v1/jobs, a tenant's own jobs) and the CLI
// (`narralytica jobs ...`, the operator's view across tenants, or one tenant's with --tenant):
// list, show, enqueue, cancel, retry. Each function works inside the caller's transaction, with
// a TenantScope authorized for kJobsRead or kJobsWrite, or a SystemScope the operator made.
// Enqueue (when it creates a job), cancel and retry write an audit record there, so the record
// and the change commit together (jobs record no event: nothing derived follows the queue).
//
// Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/identity/permission.hpp"
#include "store/ops/job_repository.hpp"

namespace narralytica::app {

inline constexpr store::Permission kJobsRead{"read", "jobs"};
inline constexpr store::Permission kJobsWrite{"write", "jobs"};

// A listing's filter as a client spells it. Errors: invalid_argument naming "status" for a
// status that is not one of queued, running, succeeded, failed, dead, cancelled.
Result<store::JobFilter> job_filter(const std::optional<std::string>& status, const std::optional<std::string>& kind);

class JobService {
 public:
  // Jobs in creation order after page.after. Errors: invalid_argument for a page limit outside
  // 1..kPageLimitMax.
  static Result<store::Page<store::Job>> list(store::Transaction& tx, const store::TenantScope& scope,
                                              const store::JobFilter& filter, const store::PageRequest& page);
  // Every tenant's jobs and the system jobs.
  static Result<store::Page<store::Job>> list(store::Transaction& tx, const store::SystemScope& scope,
                                              const store::JobFilter& filter, const store::PageRequest& page);
  // Errors: not_found (also for another tenant's job).
  static Result<store::Job> show(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);
  static Result<store::Job> show(store::Transaction& tx, const store::SystemScope& scope, const Uuid& id);

  // A job of the scope's tenant; audited as "job.enqueue" when created. An idempotency key
  // already used for this kind returns that job (created = false) and writes nothing. Errors:
  // invalid_argument naming the field (kind, payload, max_attempts, idempotency_key).
  static Result<store::EnqueueResult> enqueue(store::Transaction& tx, const store::TenantScope& scope,
                                              const store::JobDraft& draft);
  // A job for `tenant_id`, or a system job (maintenance such as events.prune) when nullopt.
  static Result<store::EnqueueResult> enqueue(store::Transaction& tx, const store::SystemScope& scope,
                                              std::optional<std::int64_t> tenant_id, const store::JobDraft& draft);

  // A queued or running job becomes cancelled; audited as "job.cancel". Returns the job as it is
  // afterwards. Errors: not_found; conflict when it already finished.
  static Result<store::Job> cancel(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);
  static Result<store::Job> cancel(store::Transaction& tx, const store::SystemScope& scope, const Uuid& id);
  // A dead, failed or cancelled job is queued again with its attempts reset; audited as
  // "job.retry". Errors: not_found; conflict for a queued, running or succeeded job.
  static Result<store::Job> retry(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);
  static Result<store::Job> retry(store::Transaction& tx, const store::SystemScope& scope, const Uuid& id);
};

}  // namespace narralytica::app
