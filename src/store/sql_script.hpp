// Splits a SQL script into its statements, so that a failing migration can name the statement
// (and line) that failed. Understands quotes, comments and PostgreSQL dollar quoting.
#pragma once

#include <string_view>
#include <vector>

namespace narralytica::store {

struct ScriptStatement {
  std::string_view text;  // without the terminating ';', trimmed
  int line = 1;           // 1-based line where the statement starts in the script
};

std::vector<ScriptStatement> split_sql_script(std::string_view script);

}  // namespace narralytica::store
