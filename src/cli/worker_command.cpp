// `narralytica worker`: runs background jobs until SIGTERM/SIGINT, then stops claiming, finishes
// the jobs it is running, gives the others back to the queue and exits 0.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/content_store.hpp"
#include "cli/builtin_pipelines.hpp"
#include "cli/cli_support.hpp"
#include "jobs/builtin_handlers.hpp"
#include "jobs/stop_signals.hpp"
#include "jobs/worker_pool.hpp"

namespace narralytica::cli {
namespace worker_command_impl {
namespace {

struct WorkerArgs {
  int concurrency = 2;
  std::vector<std::string> kinds;
  int batch = 10;
  double lease_seconds = 30;
  double retention_days = 7;
  std::string data_dir;
} args;

int run_worker(const GlobalOptions& options) {
  // Signals are blocked before any thread starts (so only the waiting main thread receives them)
  // and before connecting, so a SIGTERM during start-up still ends in a graceful exit 0.
  jobs::block_stop_signals();
  auto database = open_database(options);
  if (!database.ok()) return report(database.error());
  jobs::HandlerRegistry handlers;
  if (auto s = jobs::register_builtin_handlers(handlers); !s.ok()) return report(s.error());
  jobs::WorkerOptions worker_options;
  worker_options.concurrency = args.concurrency;
  worker_options.kinds = args.kinds;
  worker_options.claim_batch = args.batch;
  worker_options.lease_us = static_cast<std::int64_t>(args.lease_seconds * 1e6);
  worker_options.heartbeat_us = worker_options.lease_us / 3;
  worker_options.reclaim_every_us = std::max<std::int64_t>(worker_options.lease_us / 6, 100'000);
  worker_options.event_retention_us = static_cast<std::int64_t>(args.retention_days * 86'400e6);
  auto webhooks = webhook_options();
  if (!webhooks.ok()) return report(webhooks.error());
  // A killed worker's webhook endpoints are posted to again once this lease expires.
  webhooks->lease_us = worker_options.lease_us;
  auto pipelines = make_builtin_pipelines(
      **database, args.data_dir.empty() ? app::default_data_dir(options.db) : std::filesystem::path(args.data_dir),
      std::move(*webhooks));
  if (!pipelines.ok()) return report(pipelines.error());
  jobs::WorkerPool pool(**database, handlers, worker_options, &(*pipelines)->runner);
  if (auto s = pool.start(); !s.ok()) return report(s.error());
  if (auto s = (*pipelines)->webhooks.start(); !s.ok()) return report(s.error());
  std::fprintf(stderr, "worker: %d loops running (kinds: %s); SIGTERM stops gracefully\n", args.concurrency,
               args.kinds.empty() ? "all registered" : CLI::detail::join(args.kinds, ",").c_str());
  const int signal_number = jobs::wait_for_stop_signal();
  std::fprintf(stderr, "worker: signal %d: finishing running jobs, releasing the rest\n", signal_number);
  (*pipelines)->webhooks.stop();
  pool.stop();
  const auto m = pool.metrics();
  std::fprintf(stderr,
               "worker: stopped; claimed %lld, succeeded %lld, retried %lld, dead %lld, released %lld, "
               "reclaimed %lld, lease lost %lld, errors %lld\n",
               static_cast<long long>(m.claimed), static_cast<long long>(m.succeeded),
               static_cast<long long>(m.retried), static_cast<long long>(m.dead), static_cast<long long>(m.released),
               static_cast<long long>(m.reclaimed), static_cast<long long>(m.lease_lost),
               static_cast<long long>(m.errors));
  return 0;
}

}  // namespace
}  // namespace worker_command_impl

void add_worker_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace worker_command_impl;
  auto* worker = app.add_subcommand("worker", "Run background jobs and pipelines until SIGTERM");
  worker->add_option("--concurrency", args.concurrency, "Worker loops in this process")
      ->check(CLI::Range(1, jobs::kWorkerConcurrencyMax));
  worker->add_option("--kinds", args.kinds, "Only these job kinds (comma-separated; default: every built-in)")
      ->delimiter(',');
  worker->add_option("--batch", args.batch, "Jobs claimed per transaction")->check(CLI::Range(1, store::kJobClaimBatchMax));
  worker->add_option("--lease-seconds", args.lease_seconds, "Lease of a claimed job; a dead worker's jobs run again after it")
      ->check(CLI::Range(0.1, 3600.0));
  worker->add_option("--event-retention-days", args.retention_days,
                     "Prune event_logs older than this (0: keep forever)")->check(CLI::NonNegativeNumber);
  worker->add_option("--data-dir", args.data_dir,
                     "Where derived data (search indexes) lives (default: beside a SQLite file)");
  add_webhook_options(*worker);
  worker->callback([&] { exit_code = run_worker(options); });
}

}  // namespace narralytica::cli
