// How a conversation report looks outside the process: the JSON document that
// GET /v1/analytics/conversation answers and `narralytica analytics conversation --json` prints,
// and the CSV of `--csv` (one row per speaker, person or video). docs/analytics.md describes the
// fields. Derived values are rounded for reading (shares to 6 decimals, rates and averages to 2);
// the sums they come from are exact.
#pragma once

#include <string>

#include "app/conversation_service.hpp"

namespace narralytica::app {

std::string conversation_report_json(const ConversationReport& report);
// Header line first; the speakers' rows, then (person scope) the videos' rows.
std::string conversation_report_csv(const ConversationReport& report);

// A row's derived values, shared by the JSON, the CSV and the CLI's table.
struct RowFigures {
  double talk_share = 0;
  double words_per_minute = 0;
  double average_turn_ms = 0;
  std::optional<double> floor_transfer_median_ms;
};
RowFigures row_figures(const ConversationRow& row);

}  // namespace narralytica::app
