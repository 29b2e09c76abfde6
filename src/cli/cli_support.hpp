// What every subcommand shares: the global options, opening the database named by --db, and
// turning an Error into a one-line message and an exit status.
#pragma once

#include <memory>
#include <string>

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

// Prints "narralytica: error: <where>: <what>" to stderr and returns the exit status.
int report(const Error& error);

// Opens the database; `role` owner is for migrations.
Result<std::unique_ptr<store::Database>> open_database(const GlobalOptions& options,
                                                       store::ConnectRole role = store::ConnectRole::application);

// Runs pending migrations, printing one line per migration applied.
Status migrate_quietly(const GlobalOptions& options, bool print);

// The operator principal for CLI work, labelled with the OS user.
store::Principal operator_principal();

struct MigrateArgs {
  bool status = false;  // --status: list instead of applying
};

// Arguments of `admin …`, owned by main() so CLI11 can write into them while parsing.
struct AdminArgs {
  std::string slug, name;
  std::string email, display_name, password_env;
  std::string member_tenant, member_user, member_role;
  std::string token_tenant, token_user, token_name = "cli";
  int expires_days = 0;
};

// Subcommand registration; each sets `exit_code` when it runs.
void add_migrate_command(CLI::App& app, GlobalOptions& options, MigrateArgs& args, int& exit_code);
void add_admin_command(CLI::App& app, GlobalOptions& options, AdminArgs& args, int& exit_code);
void add_demo_command(CLI::App& app, GlobalOptions& options, int& exit_code);

}  // namespace narralytica::cli
