// What the commands over one tenant's data share: running a use case as the operator in the
// tenant --tenant names (app::in_tenant), and printing a page as the API answers it for --json.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "api/detail/cursor.hpp"
#include "api/detail/views.hpp"
#include "app/tenant_work.hpp"
#include "cli/cli_support.hpp"

namespace narralytica::cli {

// Opens the database and runs `work(tx, scope)` (returning a Status) as the operator in
// `tenant` with `permission`, committing a write when it succeeds. Returns the exit status,
// having printed any error.
template <class Work>
int run_in_tenant(const GlobalOptions& global, const std::string& tenant, store::Permission permission,
                  store::TxMode mode, Work&& work) {
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  Status done = app::in_tenant(**database, operator_principal(), tenant, permission, mode,
                               [&](store::Transaction& tx, const store::TenantScope& scope) -> Status {
                                 return work(tx, scope);
                               });
  return done.ok() ? 0 : report(done.error());
}

// A JSON array of each item's JSON.
template <class Items, class ToJson>
std::string json_array(const Items& items, ToJson to_json) {
  std::string array = "[";
  for (const auto& item : items) {
    if (array.size() > 1) array += ',';
    array += to_json(item);
  }
  return array + "]";
}

// {"items":[...],"next_cursor":...}: the API's page document from each item's JSON.
template <class Items, class ToJson>
std::string json_page(const Items& items, ToJson to_json, const std::optional<std::string>& next_cursor) {
  return api::page_json(json_array(items, to_json), next_cursor);
}

// After a table whose page stopped early: how to read on.
inline void print_more(const std::optional<std::string>& next_cursor) {
  if (next_cursor) std::printf("(more: --cursor %s)\n", next_cursor->c_str());
}

// A moment in a video as minutes:seconds.milliseconds ("83:05.120"), for tables.
inline std::string clock_text(std::int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld.%03lld", static_cast<long long>(ms / 60'000),
                static_cast<long long>(ms / 1000 % 60), static_cast<long long>(ms % 1000));
  return text;
}

// An option left empty as absent.
inline std::optional<std::string> optional_arg(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

// A UUID argument. Errors: invalid_argument naming `field` (the option or argument).
inline Result<Uuid> parse_uuid(const std::string& text, std::string_view what, std::string_view field) {
  auto id = Uuid::parse(text);
  if (!id) return make_error(ErrorCode::invalid_argument, "not a " + std::string(what) + " id (a UUID): " + text, std::string(field));
  return *id;
}

}  // namespace narralytica::cli
