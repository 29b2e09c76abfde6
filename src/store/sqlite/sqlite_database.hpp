// The embedded backend: SQLite 3 in WAL mode with foreign keys enforced, a busy timeout, and
// full durability: a commit survives power loss, not only a process crash. Each commit syncs the
// log itself (synchronous=FULL), or with DatabaseOptions::group_commit a shared fdatasync makes a
// group of commits durable before any of them returns (group_sync.hpp).
#pragma once

#include <memory>

#include "store/database.hpp"

namespace narralytica::store {

// Opens or creates the SQLite file at options.url (a path, or ":memory:" for tests that need
// one connection only). Errors: unavailable when the file cannot be opened or written.
Result<std::unique_ptr<Database>> open_sqlite(const DatabaseOptions& options);

}  // namespace narralytica::store
