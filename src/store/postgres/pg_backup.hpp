// Backups of a PostgreSQL database with PostgreSQL's own tools (decision 0018): `pg_dump -Fc`
// into one archive file and `pg_restore` into an empty database. Roles are cluster-wide and not
// in a database's dump; the row-level-security policies, grants and tables are, and come back
// with the restore. The tools are run as child processes from $PATH (Debian: postgresql-client).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/result.hpp"

namespace narralytica::store {

// Dumps the database at `url` (connecting as the URL's user, which must own the tables or
// bypass RLS; the dump reads with narralytica.system=on so forced RLS lets it see every tenant)
// into `destination`, a file that must not exist yet: written to a temporary file beside it,
// checked with `pg_restore --list`, synced and renamed into place. The archive is one consistent
// snapshot (pg_dump's repeatable-read transaction); writers are not blocked. Returns its size.
// Errors: invalid_argument when `destination` exists; unavailable when pg_dump is missing or
// fails (with its message).
Result<std::int64_t> pg_dump_archive(const std::string& url, const std::filesystem::path& destination);

// The highest migration recorded in the archive's schema_migrations (read with pg_restore), or
// 0 when it has none. Errors: invalid_argument for a file pg_restore cannot read.
Result<int> pg_archive_schema_version(const std::filesystem::path& archive);

// Restores the archive into the database at `url`, in one transaction, stopping at the first
// error. The database should be empty (the caller checks). Errors: unavailable with
// pg_restore's message.
Status pg_restore_archive(const std::string& url, const std::filesystem::path& archive);

}  // namespace narralytica::store
