// `narralytica serve`: the HTTP API. Opens the database named by --db (migrating it first, so a
// fresh file works at once), listens on --listen, and runs until SIGINT or SIGTERM, after which
// in-flight requests finish and the process exits 0. With --workers N it also runs the job
// loops of `narralytica worker` in-process, stopped after the server.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "api/server.hpp"
#include "app/content_store.hpp"
#include "cli/builtin_pipelines.hpp"
#include "cli/cli_support.hpp"
#include "jobs/builtin_handlers.hpp"
#include "jobs/stop_signals.hpp"
#include "jobs/worker_pool.hpp"

namespace narralytica::cli {
namespace serve_command_impl {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  int threads = 2;
  std::size_t body_bytes_max = 32 * 1024 * 1024;
  int read_timeout_s = 30;
  bool no_migrate = false;
  bool quiet = false;
  int workers = 0;
  bool no_group_commit = false;
  bool no_rate_limits = false;
  int statement_timeout_s = 30;
  std::string data_dir;
};
ServeArgs args;

Result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  const Error bad = make_error(ErrorCode::invalid_argument, "expected HOST:PORT, e.g. 127.0.0.1:8080", "--listen");
  if (colon == std::string::npos || colon + 1 == listen.size()) return bad;
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "localhost") host = "127.0.0.1";
  int port = 0;
  for (char c : listen.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535) return bad;
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return bad;
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

int run_serve(const GlobalOptions& options) {
  auto listen = parse_listen(args.listen);
  if (!listen.ok()) return report(listen.error());
  if (!args.no_migrate) {
    if (auto migrated = migrate_quietly(options, false); !migrated.ok()) return report(migrated.error());
  }
  store::DatabaseOptions database_options;
  database_options.url = options.db;
  // Every handling thread may hold a connection, plus one for a denied request's audit record.
  database_options.pool_size_max = args.threads + 2 + args.workers;
  // Concurrent writers share fsyncs of SQLite's log; each answer still waits for its own
  // change to be durable (store/group_sync.hpp).
  database_options.group_commit = !args.no_group_commit;
  database_options.statement_timeout = std::chrono::seconds(args.statement_timeout_s);
  auto database = store::Database::open(database_options);
  if (!database.ok()) return report(database.error());

  api::ServerOptions server_options;
  server_options.address = listen->first;
  server_options.port = listen->second;
  server_options.threads = args.threads;
  server_options.body_bytes_max = args.body_bytes_max;
  server_options.read_timeout = std::chrono::seconds(args.read_timeout_s);
  server_options.write_timeout = std::chrono::seconds(args.read_timeout_s);
  server_options.request_log = args.quiet ? nullptr : stdout;
  server_options.rate_limits = !args.no_rate_limits;
  server_options.data_dir =
      args.data_dir.empty() ? app::default_data_dir(options.db).string() : args.data_dir;
  // Signals are blocked before any thread starts, so only this thread receives them, and it
  // stops the server and the workers in order.
  jobs::block_stop_signals();
  jobs::HandlerRegistry handlers;
  std::unique_ptr<BuiltinPipelines> pipelines;  // outlives the pool that runs them
  std::unique_ptr<jobs::WorkerPool> pool;
  if (args.workers > 0) {
    auto webhooks = webhook_options();
    if (!webhooks.ok()) return report(webhooks.error());
    auto made = make_builtin_pipelines(**database, server_options.data_dir, std::move(*webhooks));
    if (!made.ok()) return report(made.error());
    pipelines = std::move(*made);
    if (auto s = jobs::register_builtin_handlers(handlers); !s.ok()) return report(s.error());
    jobs::WorkerOptions worker_options;
    worker_options.concurrency = args.workers;
    pool = std::make_unique<jobs::WorkerPool>(**database, handlers, worker_options, &pipelines->runner);
    if (auto s = pool->start(); !s.ok()) return report(s.error());
    if (auto s = pipelines->webhooks.start(); !s.ok()) return report(s.error());
  }
  auto server = api::Server::start(**database, server_options);
  if (!server.ok()) return report(server.error());
  std::fprintf(stderr, "narralytica: serving http://%s:%u/ (%d threads, %d workers, database %s)\n",
               listen->first.c_str(), static_cast<unsigned>((*server)->port()), args.threads, args.workers,
               options.db.c_str());
  const int signal_number = jobs::wait_for_stop_signal();
  std::fprintf(stderr, "narralytica: signal %d: finishing requests in flight\n", signal_number);
  (*server)->stop();
  (*server)->wait();
  if (pipelines) pipelines->webhooks.stop();
  if (pool) pool->stop();
  std::fprintf(stderr, "narralytica: stopped\n");
  return 0;
}

}  // namespace
}  // namespace serve_command_impl

void add_serve_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace serve_command_impl;
  auto* serve = app.add_subcommand("serve", "Serve the HTTP API until SIGINT or SIGTERM");
  serve->add_option("--listen", args.listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)");
  serve->add_option("--threads", args.threads, "Threads handling requests (default 2)")->check(CLI::Range(1, 256));
  serve->add_option("--body-max", args.body_bytes_max, "Largest request body in bytes (default 32 MiB)")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30));
  serve->add_option("--timeout", args.read_timeout_s, "Read/write timeout and keep-alive idle time in seconds")
      ->check(CLI::Range(1, 3600));
  serve->add_flag("--no-migrate", args.no_migrate, "Do not apply pending migrations at start (readiness reports them)");
  serve->add_option("--workers", args.workers, "Also run N background job loops in this process (default 0)")
      ->check(CLI::Range(0, jobs::kWorkerConcurrencyMax));
  serve->add_option("--data-dir", args.data_dir,
                    "Where attachments and derived data (search indexes) live (default: beside a SQLite file)");
  serve->add_flag("--quiet", args.quiet, "No request log on stdout");
  serve->add_flag("--no-group-commit", args.no_group_commit,
                  "SQLite: sync the log once per commit instead of once per group of concurrent commits "
                  "(both wait for durability before answering)");
  serve->add_flag("--no-rate-limits", args.no_rate_limits,
                  "No request rate limits per token and tenant (docs/limits.md); for benchmarks and trusted setups");
  serve->add_option("--statement-timeout", args.statement_timeout_s,
                    "PostgreSQL: seconds a statement may run before it is cancelled (default 30)")
      ->check(CLI::Range(1, 3600));
  add_webhook_options(*serve);  // used with --workers
  serve->callback([&options, &exit_code] { exit_code = run_serve(options); });
}

}  // namespace narralytica::cli
