// The production backend: PostgreSQL through libpq, with a connection pool and per-connection
// prepared statements. Application connections switch to the `narralytica_app` role, which owns
// no table and is subject to row-level security; owner connections (migrations) do not.
#pragma once

#include <memory>

#include "store/database.hpp"

namespace narralytica::store {

// The role application connections act as (created by the first migration).
inline constexpr const char* kPostgresAppRole = "narralytica_app";

// Connects to options.url. Errors: unavailable when the server cannot be reached (the message
// says libpq's reason), invalid_argument for a malformed URL.
Result<std::unique_ptr<Database>> open_postgres(const DatabaseOptions& options);

}  // namespace narralytica::store
