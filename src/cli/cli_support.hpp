// What every subcommand shares: the global options, opening the database named by --db, and
// turning an Error into a one-line message and an exit status.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/embedded_file.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/identity/authorizer.hpp"

namespace CLI {
class App;
}

namespace narralytica::cli {

inline constexpr const char* kDefaultDatabase = "./narralytica.db";

struct GlobalOptions {
  std::string db;  // --db, else $NARRALYTICA_DB, else ./narralytica.db
};

// Exit statuses, stable for scripts: 0 success, 1 internal, 2 bad input, 3 not found,
// 4 conflict, 5 precondition failed (e.g. an edited migration), 6 unavailable, 7 denied.
int exit_status(ErrorCode code);
// `reindex --verify` found an index that differs from canonical data.
inline constexpr int kExitDrift = 8;
// `audit verify` found a chain whose records were changed, deleted or reordered.
inline constexpr int kExitTampered = 9;

// Prints "narralytica: error: <where>: <what>" to stderr and returns the exit status.
int report(const Error& error);

// Opens the database; `role` owner is for migrations.
Result<std::unique_ptr<store::Database>> open_database(const GlobalOptions& options,
                                                       store::ConnectRole role = store::ConnectRole::application);

// Runs pending migrations, printing one line per migration applied.
Status migrate_quietly(const GlobalOptions& options, bool print);

// The whole file, or an error naming it; a file over `bytes_max` is refused before it is read.
Result<std::string> read_file(const std::string& path, std::uintmax_t bytes_max);

// Writes `content` to `path` whole or not at all, or to standard output for "" or "-".
Status write_output(const std::string& path, const std::string& content);

// "[0.1, -2, 3e-1]" (brackets optional) as numbers, for --vector. Errors name the position of a
// bad number.
Result<std::vector<float>> parse_vector(const std::string& text);

// A time in a video as a person reads it: "m:ss", or "h:mm:ss" past an hour.
std::string clock_time(std::int64_t ms);

// The operator principal for CLI work, labelled with the OS user.
store::Principal operator_principal();

// The sample transcripts compiled into the binary for `demo` (generated from samples/).
std::span<const EmbeddedFile> demo_sample_files();

// Subcommand registration, one file per command (src/cli/<name>_command.cpp); each sets
// `exit_code` when it runs. A command's arguments live in a file-scope struct of its file:
// CLI11 writes into storage that must outlive parsing, and a process parses once.
void add_migrate_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_admin_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_demo_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_worker_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_jobs_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_pipelines_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_serve_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_import_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_export_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_layers_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_media_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_people_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_transcript_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_timeline_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_retrieve_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_search_commands(CLI::App& app, GlobalOptions& options, int& exit_code);  // search, reindex
void add_webhooks_command(CLI::App& app, GlobalOptions& options, int& exit_code);
void add_audit_command(CLI::App& app, GlobalOptions& options, int& exit_code);  // audit verify

}  // namespace narralytica::cli
