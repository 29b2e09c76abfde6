// An aligned table for a terminal: the CLI's listings print their rows through this, so columns
// line up whatever the data. Widths count code points, not bytes (names are often not ASCII).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace narralytica::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Every row, columns separated by two spaces; the last column is not padded.
  void print(std::FILE* out = stdout) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace narralytica::cli
