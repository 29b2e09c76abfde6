// `narralytica jobs list|enqueue|retry|cancel`: the operator's view of the job queue, across tenants.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <ctime>

#include "cli/cli_support.hpp"
#include "store/ops/job_repository.hpp"

namespace narralytica::cli {
namespace {

struct JobsArgs {
  std::string status, kind;
  int limit = 50;
  std::string id;
  std::string enqueue_kind, payload = "{}", key;
  int priority = 0, max_attempts = store::kJobMaxAttemptsDefault;
} args;

std::string format_time(UnixMicros us) {
  const std::time_t seconds = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

store::SystemScope cli_scope() { return store::SystemScope::because(operator_principal().actor); }

void print_job(const store::Job& j) {
  std::printf("%s  %-20s %-9s %d/%d  run_at %s%s%s\n", j.public_id.to_string().c_str(), j.kind.c_str(),
              store::to_string(j.status), j.attempts, j.max_attempts, format_time(j.run_at).c_str(),
              j.last_error ? "  error: " : "", j.last_error ? j.last_error->c_str() : "");
}

// Runs `action` in one write transaction on the opened database; reports errors.
template <class Action>
int in_transaction(const GlobalOptions& options, Action action) {
  auto database = open_database(options);
  if (!database.ok()) return report(database.error());
  auto tx = store::Transaction::begin(**database, store::TxMode::write);
  if (!tx.ok()) return report(tx.error());
  if (auto s = action(*tx); !s.ok()) return report(s.error());
  if (auto s = tx->commit(); !s.ok()) return report(s.error());
  return 0;
}

Result<Uuid> parse_id(const std::string& text) {
  auto id = Uuid::parse(text);
  if (!id) return make_error(ErrorCode::invalid_argument, "not a job id (a UUID)", text);
  return *id;
}

}  // namespace

void add_jobs_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto* jobs = app.add_subcommand("jobs", "Inspect and operate the job queue");
  jobs->require_subcommand(1);

  auto* list = jobs->add_subcommand("list", "Queue depth, then jobs (oldest first)");
  list->add_option("--status", args.status, "queued, running, succeeded, failed, dead or cancelled");
  list->add_option("--kind", args.kind, "Only this kind");
  list->add_option("--limit", args.limit, "At most this many jobs")->check(CLI::Range(1, store::kPageLimitMax));
  list->callback([&] {
    exit_code = in_transaction(options, [&](store::Transaction& tx) -> Status {
      store::JobFilter filter;
      if (!args.status.empty()) {
        filter.status = store::parse_job_status(args.status);
        if (!filter.status) return make_error(ErrorCode::invalid_argument, "unknown status", args.status);
      }
      if (!args.kind.empty()) filter.kind = args.kind;
      ASSIGN_OR_RETURN(auto depth, store::JobRepository::depth(tx, cli_scope(), tx.now_us()));
      std::printf("queued %lld (due %lld)  running %lld (lease expired %lld)  succeeded %lld  dead %lld  "
                  "cancelled %lld\n",
                  static_cast<long long>(depth.queued), static_cast<long long>(depth.queued_due),
                  static_cast<long long>(depth.running), static_cast<long long>(depth.running_expired),
                  static_cast<long long>(depth.succeeded), static_cast<long long>(depth.dead),
                  static_cast<long long>(depth.cancelled));
      ASSIGN_OR_RETURN(auto page, store::JobRepository::list(tx, cli_scope(), filter, {std::nullopt, args.limit}));
      for (const auto& j : page.items) print_job(j);
      if (page.next_after) std::printf("(more: raise --limit or filter)\n");
      return ok_status();
    });
  });

  auto* enqueue = jobs->add_subcommand("enqueue", "Enqueue a system job (e.g. events.prune)");
  enqueue->add_option("kind", args.enqueue_kind, "Job kind")->required();
  enqueue->add_option("--payload", args.payload, "JSON object");
  enqueue->add_option("--key", args.key, "Idempotency key: enqueueing it again returns the existing job");
  enqueue->add_option("--priority", args.priority, "Higher runs first");
  enqueue->add_option("--max-attempts", args.max_attempts, "Attempts before the job is dead")
      ->check(CLI::Range(1, store::kJobMaxAttemptsMax));
  enqueue->callback([&] {
    exit_code = in_transaction(options, [&](store::Transaction& tx) -> Status {
      store::JobDraft draft;
      draft.kind = args.enqueue_kind;
      draft.payload_json = args.payload;
      draft.priority = args.priority;
      draft.max_attempts = args.max_attempts;
      if (!args.key.empty()) draft.idempotency_key = args.key;
      ASSIGN_OR_RETURN(auto r, store::JobRepository::enqueue(tx, cli_scope(), std::nullopt, draft));
      std::printf("%s ", r.created ? "enqueued" : "exists");
      print_job(r.job);
      return ok_status();
    });
  });

  auto* retry = jobs->add_subcommand("retry", "Queue a dead, failed or cancelled job again");
  retry->add_option("id", args.id, "Job id")->required();
  retry->callback([&] {
    exit_code = in_transaction(options, [&](store::Transaction& tx) -> Status {
      ASSIGN_OR_RETURN(Uuid id, parse_id(args.id));
      ASSIGN_OR_RETURN(auto job, store::JobRepository::retry(tx, cli_scope(), id));
      print_job(job);
      return ok_status();
    });
  });

  auto* cancel = jobs->add_subcommand("cancel", "Cancel a queued or running job");
  cancel->add_option("id", args.id, "Job id")->required();
  cancel->callback([&] {
    exit_code = in_transaction(options, [&](store::Transaction& tx) -> Status {
      ASSIGN_OR_RETURN(Uuid id, parse_id(args.id));
      ASSIGN_OR_RETURN(auto job, store::JobRepository::cancel(tx, cli_scope(), id));
      print_job(job);
      return ok_status();
    });
  });
}

}  // namespace narralytica::cli
