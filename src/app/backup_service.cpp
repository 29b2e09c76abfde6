#include "app/backup_service.hpp"

#include <chrono>

#include "app/conversation_service.hpp"
#include "app/search_service.hpp"
#include "app/tenant_work.hpp"
#include "core/json_writer.hpp"
#include "store/migrations.hpp"
#include "store/postgres/pg_backup.hpp"
#include "store/sqlite/sqlite_backup.hpp"
#include "store/transaction.hpp"

namespace narralytica::app {
namespace {

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::filesystem::path sqlite_file_of(std::string_view url) {
  if (url.starts_with("sqlite:")) url.remove_prefix(7);
  return std::filesystem::path(url);
}

Status require_operator(const store::Principal& principal, std::string_view what) {
  if (principal.kind == store::Principal::Kind::operator_cli) return ok_status();
  return make_error(ErrorCode::permission_denied, "only an operator " + std::string(what));
}

double seconds_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

// The newest migration this binary carries for `backend`.
Result<int> known_schema_version(store::Backend backend) {
  ASSIGN_OR_RETURN(auto migrations, store::load_migrations(store::embedded_migrations(backend)));
  return migrations.empty() ? 0 : migrations.back().version;
}

// One record in the system chain (and its event), written in a transaction of its own.
Status record_system(store::Database& database, const store::Principal& principal, std::string_view action,
                     std::string payload) {
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database, store::TxMode::write));
  const auto scope = store::SystemScope::because(principal.actor);
  RETURN_IF_ERROR(tx.enter(scope));
  tx.record_change(scope, std::nullopt, action, "database", std::nullopt, std::move(payload));
  return tx.commit();
}

std::string file_payload(const std::filesystem::path& file, std::int64_t bytes) {
  return JsonObject().add("file", std::filesystem::absolute(file).string()).add("bytes", bytes).str();
}

// PostgreSQL: the restore goes into a database with no tables of ours, and the cluster must have
// the application role the dump's grants and policies name (roles are not in a database's dump).
constexpr const char* kRestoreTargetTables =
    "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'";
constexpr const char* kEnsureApplicationRole =
    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'narralytica_app') THEN "
    "CREATE ROLE narralytica_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; END IF; END $$;"
    "GRANT narralytica_app TO CURRENT_USER";

Status prepare_postgres_target(const std::string& url) {
  store::DatabaseOptions options;
  options.url = url;
  options.role = store::ConnectRole::owner;
  options.pool_size_max = 1;
  ASSIGN_OR_RETURN(auto database, store::Database::open(options));
  ASSIGN_OR_RETURN(auto lease, database->acquire());
  ASSIGN_OR_RETURN(store::Statement * count, lease->prepare(kRestoreTargetTables));
  ASSIGN_OR_RETURN(bool row, count->step());
  const std::int64_t tables = row ? count->column_int64(0) : 0;
  count->reset();
  if (tables > 0) {
    return make_error(ErrorCode::conflict,
                      "the database already has " + std::to_string(tables) +
                          " tables: restore into a new, empty database (createdb), then point --db at it",
                      "--db");
  }
  return lease->execute_script(kEnsureApplicationRole);
}

}  // namespace

Result<BackupReport> BackupService::backup(store::Database& database, const std::string& database_url,
                                           const std::filesystem::path& destination,
                                           const store::Principal& principal) {
  RETURN_IF_ERROR(require_operator(principal, "takes backups"));
  const auto started = std::chrono::steady_clock::now();
  BackupReport report;
  report.backend = database.backend();
  if (database.backend() == store::Backend::postgres) {
    ASSIGN_OR_RETURN(report.bytes, store::pg_dump_archive(database_url, destination));
  } else {
    ASSIGN_OR_RETURN(store::SqliteCopyReport copy,
                     store::sqlite_copy_online(sqlite_file_of(database_url), destination));
    report.bytes = copy.bytes;
  }
  report.seconds = seconds_since(started);
  RETURN_IF_ERROR(record_system(database, principal, "database.backed_up", file_payload(destination, report.bytes)));
  return report;
}

Result<RestoreReport> BackupService::restore(const std::string& database_url, const std::filesystem::path& source,
                                             const store::Principal& principal) {
  RETURN_IF_ERROR(require_operator(principal, "restores backups"));
  const auto started = std::chrono::steady_clock::now();
  RestoreReport report;
  report.backend = is_postgres_url(database_url) ? store::Backend::postgres : store::Backend::sqlite;
  if (report.backend == store::Backend::postgres) {
    ASSIGN_OR_RETURN(report.schema_version, store::pg_archive_schema_version(source));
  } else {
    ASSIGN_OR_RETURN(store::SqliteFileCheck check, store::sqlite_check_file(source));
    report.schema_version = check.schema_version;
  }
  std::error_code ec;
  report.bytes = static_cast<std::int64_t>(std::filesystem::file_size(source, ec));
  if (report.schema_version == 0) {
    return make_error(ErrorCode::invalid_argument, "not a Narralytica backup: it has no schema_migrations",
                      source.string());
  }
  ASSIGN_OR_RETURN(int known, known_schema_version(report.backend));
  if (report.schema_version > known) {
    return make_error(ErrorCode::precondition_failed,
                      "the backup's schema (migration " + std::to_string(report.schema_version) +
                          ") is newer than this binary's (" + std::to_string(known) +
                          "): restore it with the release that made it",
                      source.string());
  }
  report.migrations_pending = known - report.schema_version;
  if (report.backend == store::Backend::postgres) {
    RETURN_IF_ERROR(prepare_postgres_target(database_url));
    RETURN_IF_ERROR(store::pg_restore_archive(database_url, source));
  } else {
    RETURN_IF_ERROR(store::sqlite_restore_into(source, sqlite_file_of(database_url)));
  }
  store::DatabaseOptions options;
  options.url = database_url;
  options.pool_size_max = 1;
  ASSIGN_OR_RETURN(auto restored, store::Database::open(options));
  RETURN_IF_ERROR(record_system(*restored, principal, "database.restored", file_payload(source, report.bytes)));
  report.seconds = seconds_since(started);
  return report;
}

Result<DerivedRebuildReport> BackupService::rebuild_derived(store::Database& database,
                                                            const std::filesystem::path& data_dir,
                                                            const store::Principal& principal, int threads) {
  DerivedRebuildReport report;
  SearchService search(database, data_dir);
  ASSIGN_OR_RETURN(report.search, search.reindex(principal, "", threads));
  for (const search::RebuildReport& tenant : report.search) {
    ASSIGN_OR_RETURN(ConversationRebuild rebuilt,
                     in_tenant(database, principal, tenant.slug, kConversationRead, store::TxMode::write,
                               [](store::Transaction& tx, const store::TenantScope& scope) {
                                 return ConversationService::rebuild_in(tx, scope);
                               }));
    report.transcripts_measured += rebuilt.transcripts;
  }
  return report;
}

}  // namespace narralytica::app
