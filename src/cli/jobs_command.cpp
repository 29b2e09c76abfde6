// `narralytica jobs list|show|enqueue|retry|cancel`: the job queue through app::JobService, like
// /v1/jobs. Without --tenant the operator sees and acts on every tenant's jobs and the system
// jobs; with --tenant, one tenant's, as its API would answer. `list` and `show` print an aligned
// table (or the API's JSON with --json).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <type_traits>

#include "app/job_service.hpp"
#include "cli/command_support.hpp"
#include "cli/text_table.hpp"

namespace narralytica::cli {
namespace jobs_command_impl {
namespace {

using app::JobService;
using store::SystemScope;
using store::Transaction;
using store::TxMode;

struct JobsArgs {
  std::string tenant;  // empty: every tenant
  std::string status, kind, cursor;
  int limit = 50;
  std::string id;
  std::string enqueue_kind, payload = "{}", key;
  int priority = 0, max_attempts = store::kJobMaxAttemptsDefault;
  bool json = false;
} args;

template <class Scope>
constexpr bool kAcrossTenants = std::is_same_v<std::decay_t<Scope>, SystemScope>;

// Runs `work(tx, scope)` in the tenant --tenant names, or across tenants as the operator.
template <class Work>
int run(const GlobalOptions& global, store::Permission permission, TxMode mode, Work work) {
  if (!args.tenant.empty()) return run_in_tenant(global, args.tenant, permission, mode, work);
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  auto done = [&]() -> Status {
    ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(**database, mode));
    RETURN_IF_ERROR(work(tx, SystemScope::because(operator_principal().actor)));
    return mode == TxMode::write ? tx.commit() : ok_status();
  }();
  return done.ok() ? 0 : report(done.error());
}

std::string time_or_dash(const std::optional<UnixMicros>& us) { return us ? format_rfc3339(*us) : "-"; }

void print_job(const store::Job& j) {
  if (args.json) {
    std::printf("%s\n", api::job_json(j).c_str());
    return;
  }
  TextTable table({"FIELD", "VALUE"});
  table.add_row({"id", j.public_id.to_string()});
  table.add_row({"kind", j.kind});
  table.add_row({"status", store::to_string(j.status)});
  table.add_row({"attempts", std::to_string(j.attempts) + "/" + std::to_string(j.max_attempts)});
  table.add_row({"priority", std::to_string(j.priority)});
  table.add_row({"run_at", format_rfc3339(j.run_at)});
  table.add_row({"finished_at", time_or_dash(j.finished_at)});
  table.add_row({"idempotency_key", j.idempotency_key.value_or("-")});
  table.add_row({"last_error", j.last_error.value_or("-")});
  table.add_row({"payload", j.payload_json});
  table.print();
}

Status print_depth(Transaction& tx, const SystemScope& scope) {
  ASSIGN_OR_RETURN(auto depth, store::JobRepository::depth(tx, scope, tx.now_us()));
  std::printf("queued %lld (due %lld)  running %lld (lease expired %lld)  succeeded %lld  dead %lld  cancelled %lld\n",
              static_cast<long long>(depth.queued), static_cast<long long>(depth.queued_due),
              static_cast<long long>(depth.running), static_cast<long long>(depth.running_expired),
              static_cast<long long>(depth.succeeded), static_cast<long long>(depth.dead),
              static_cast<long long>(depth.cancelled));
  return ok_status();
}

int run_list(const GlobalOptions& global) {
  return run(global, app::kJobsRead, TxMode::read, [](Transaction& tx, const auto& scope) -> Status {
    ASSIGN_OR_RETURN(store::JobFilter filter, app::job_filter(optional_arg(args.status), optional_arg(args.kind)));
    store::PageRequest page{std::nullopt, args.limit};
    ASSIGN_OR_RETURN(page.after, api::id_cursor_after('j', optional_arg(args.cursor)));
    ASSIGN_OR_RETURN(auto jobs, JobService::list(tx, scope, filter, page));
    const auto next = api::id_cursor('j', jobs.next_after);
    if (args.json) {
      std::printf("%s\n", json_page(jobs.items, api::job_json, next).c_str());
      return ok_status();
    }
    if constexpr (kAcrossTenants<decltype(scope)>) RETURN_IF_ERROR(print_depth(tx, scope));
    TextTable table({"ID", "KIND", "STATUS", "ATTEMPTS", "RUN AT", "ERROR"});
    for (const auto& j : jobs.items) {
      table.add_row({j.public_id.to_string(), j.kind, store::to_string(j.status),
                     std::to_string(j.attempts) + "/" + std::to_string(j.max_attempts), format_rfc3339(j.run_at),
                     j.last_error.value_or("")});
    }
    table.print();
    print_more(next);
    return ok_status();
  });
}

int run_show(const GlobalOptions& global) {
  return run(global, app::kJobsRead, TxMode::read, [](Transaction& tx, const auto& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.id, "job", "ID"));
    ASSIGN_OR_RETURN(auto job, JobService::show(tx, scope, id));
    print_job(job);
    return ok_status();
  });
}

int run_enqueue(const GlobalOptions& global) {
  return run(global, app::kJobsWrite, TxMode::write, [](Transaction& tx, const auto& scope) -> Status {
    store::JobDraft draft;
    draft.kind = args.enqueue_kind;
    draft.payload_json = args.payload;
    draft.priority = args.priority;
    draft.max_attempts = args.max_attempts;
    if (!args.key.empty()) draft.idempotency_key = args.key;
    store::EnqueueResult result;
    if constexpr (kAcrossTenants<decltype(scope)>) {
      ASSIGN_OR_RETURN(result, JobService::enqueue(tx, scope, std::nullopt, draft));  // a system job
    } else {
      ASSIGN_OR_RETURN(result, JobService::enqueue(tx, scope, draft));
    }
    if (!args.json) std::printf("%s\n", result.created ? "enqueued" : "exists (same idempotency key)");
    print_job(result.job);
    return ok_status();
  });
}

// cancel and retry: the action on the job ID names, then the job as it is afterwards.
template <class Action>
int run_action(const GlobalOptions& global, Action action) {
  return run(global, app::kJobsWrite, TxMode::write, [&](Transaction& tx, const auto& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.id, "job", "ID"));
    ASSIGN_OR_RETURN(auto job, action(tx, scope, id));
    print_job(job);
    return ok_status();
  });
}

}  // namespace
}  // namespace jobs_command_impl

void add_jobs_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace jobs_command_impl;
  auto* jobs = app.add_subcommand("jobs", "Inspect and operate the job queue");
  jobs->require_subcommand(1);
  auto common = [](CLI::App* command) {
    command->add_option("--tenant", args.tenant, "Only this tenant's jobs (slug or id); default: every tenant");
    command->add_flag("--json", args.json, "Print the API's JSON document");
  };

  auto* list = jobs->add_subcommand("list", "Queue depth, then jobs (oldest first)");
  common(list);
  list->add_option("--status", args.status, "queued, running, succeeded, failed, dead or cancelled");
  list->add_option("--kind", args.kind, "Only this kind");
  list->add_option("--limit", args.limit, "At most this many jobs")->check(CLI::Range(1, store::kPageLimitMax));
  list->add_option("--cursor", args.cursor, "Continue a listing where it stopped");
  list->callback([&] { exit_code = run_list(options); });

  auto* show = jobs->add_subcommand("show", "One job");
  common(show);
  show->add_option("ID", args.id, "Job id")->required();
  show->callback([&] { exit_code = run_show(options); });

  auto* enqueue = jobs->add_subcommand("enqueue", "Enqueue a job: a system job (e.g. events.prune), or the tenant's");
  common(enqueue);
  enqueue->add_option("kind", args.enqueue_kind, "Job kind")->required();
  enqueue->add_option("--payload", args.payload, "JSON object");
  enqueue->add_option("--key", args.key, "Idempotency key: enqueueing it again returns the existing job");
  enqueue->add_option("--priority", args.priority, "Higher runs first");
  enqueue->add_option("--max-attempts", args.max_attempts, "Attempts before the job is dead")
      ->check(CLI::Range(1, store::kJobMaxAttemptsMax));
  enqueue->callback([&] { exit_code = run_enqueue(options); });

  auto* retry = jobs->add_subcommand("retry", "Queue a dead, failed or cancelled job again");
  common(retry);
  retry->add_option("ID", args.id, "Job id")->required();
  retry->callback([&] {
    exit_code = run_action(options, [](Transaction& tx, const auto& scope, const Uuid& id) {
      return JobService::retry(tx, scope, id);
    });
  });

  auto* cancel = jobs->add_subcommand("cancel", "Cancel a queued or running job");
  common(cancel);
  cancel->add_option("ID", args.id, "Job id")->required();
  cancel->callback([&] {
    exit_code = run_action(options, [](Transaction& tx, const auto& scope, const Uuid& id) {
      return JobService::cancel(tx, scope, id);
    });
  });
}

}  // namespace narralytica::cli
