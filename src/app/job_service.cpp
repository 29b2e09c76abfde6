#include "app/job_service.hpp"

#include "core/json_writer.hpp"

namespace narralytica::app {
namespace {

using store::Job;

// The audit record of an operator action on a job, in the job's tenant (none for a system job).
template <class Scope>
void audit(store::Transaction& tx, const Scope& scope, std::string_view action, const Job& job) {
  tx.record_audit(store::AuditRecord{job.tenant_id, scope.actor(), std::string(action), "job", job.public_id,
                                     store::AuditOutcome::allowed, scope.context(),
                                     JsonObject().add("kind", job.kind).add("status", store::to_string(job.status)).str()});
}

template <class Scope>
Result<Job> audited(store::Transaction& tx, const Scope& scope, std::string_view action, Result<Job> job) {
  if (job.ok()) audit(tx, scope, action, *job);
  return job;
}

template <class Scope>
Result<store::EnqueueResult> audited(store::Transaction& tx, const Scope& scope, Result<store::EnqueueResult> result) {
  if (result.ok() && result->created) audit(tx, scope, "job.enqueue", result->job);
  return result;
}

}  // namespace

Result<store::JobFilter> job_filter(const std::optional<std::string>& status, const std::optional<std::string>& kind) {
  store::JobFilter filter;
  if (status) {
    filter.status = store::parse_job_status(*status);
    if (!filter.status) {
      return make_error(ErrorCode::invalid_argument,
                        "status is one of queued, running, succeeded, failed, dead, cancelled", "status");
    }
  }
  filter.kind = kind;
  return filter;
}

Result<store::Page<Job>> JobService::list(store::Transaction& tx, const store::TenantScope& scope,
                                          const store::JobFilter& filter, const store::PageRequest& page) {
  return store::JobRepository::list(tx, scope, filter, page);
}

Result<store::Page<Job>> JobService::list(store::Transaction& tx, const store::SystemScope& scope,
                                          const store::JobFilter& filter, const store::PageRequest& page) {
  return store::JobRepository::list(tx, scope, filter, page);
}

Result<Job> JobService::show(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id) {
  return store::JobRepository::get(tx, scope, id);
}

Result<Job> JobService::show(store::Transaction& tx, const store::SystemScope& scope, const Uuid& id) {
  return store::JobRepository::get(tx, scope, id);
}

Result<store::EnqueueResult> JobService::enqueue(store::Transaction& tx, const store::TenantScope& scope,
                                                 const store::JobDraft& draft) {
  return audited(tx, scope, store::JobRepository::enqueue(tx, scope, draft));
}

Result<store::EnqueueResult> JobService::enqueue(store::Transaction& tx, const store::SystemScope& scope,
                                                 std::optional<std::int64_t> tenant_id, const store::JobDraft& draft) {
  return audited(tx, scope, store::JobRepository::enqueue(tx, scope, tenant_id, draft));
}

Result<Job> JobService::cancel(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id) {
  return audited(tx, scope, "job.cancel", store::JobRepository::cancel(tx, scope, id));
}

Result<Job> JobService::cancel(store::Transaction& tx, const store::SystemScope& scope, const Uuid& id) {
  return audited(tx, scope, "job.cancel", store::JobRepository::cancel(tx, scope, id));
}

Result<Job> JobService::retry(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id) {
  return audited(tx, scope, "job.retry", store::JobRepository::retry(tx, scope, id));
}

Result<Job> JobService::retry(store::Transaction& tx, const store::SystemScope& scope, const Uuid& id) {
  return audited(tx, scope, "job.retry", store::JobRepository::retry(tx, scope, id));
}

}  // namespace narralytica::app
