// `narralytica analytics conversation` (the measures of GET /v1/analytics/conversation, as an
// aligned table, --json or --csv) and `narralytica analytics rebuild` (recompute the stored
// per-transcript measures from canonical data). Both run app::ConversationService operations in
// the named tenant with the operation's permission, as the route does.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <ctime>

#include "app/conversation_view.hpp"
#include "app/tenant_work.hpp"
#include "cli/cli_support.hpp"

namespace narralytica::cli {
namespace analytics_command_impl {
namespace {

using store::TenantScope;
using store::Transaction;

struct AnalyticsArgs {
  std::string tenant;
  std::string transcript, video, speaker, person, collection, tag, after, before;
  std::optional<std::int64_t> overlap_threshold_ms;
  std::optional<std::int64_t> yield_window_ms;
  bool json = false;
  bool csv = false;
} args;

Result<std::optional<Uuid>> id_arg(const std::string& text, const char* option) {
  if (text.empty()) return std::optional<Uuid>{};
  auto id = Uuid::parse(text);
  if (!id) return make_error(ErrorCode::invalid_argument, "not an id (a UUID)", option);
  return std::optional<Uuid>(*id);
}

// "2025-01-31" (midnight UTC) or "2025-01-31T12:00:00Z".
Result<std::optional<UnixMicros>> date_arg(const std::string& text, const char* option) {
  if (text.empty()) return std::optional<UnixMicros>{};
  std::tm tm{};
  char zone = 0;
  int fields = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                           &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &zone);
  const bool valid = (fields == 3 && text.size() == 10) || (fields == 7 && zone == 'Z' && text.size() == 20);
  if (!valid || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31) {
    return make_error(ErrorCode::invalid_argument, "a date (2025-01-31) or a UTC time (2025-01-31T12:00:00Z)",
                      option);
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::optional<UnixMicros>(static_cast<UnixMicros>(timegm(&tm)) * 1'000'000);
}

Result<app::ConversationQuery> query_of_args() {
  app::ConversationQuery q;
  ASSIGN_OR_RETURN(q.transcript, id_arg(args.transcript, "--transcript"));
  ASSIGN_OR_RETURN(q.video, id_arg(args.video, "--video"));
  ASSIGN_OR_RETURN(q.speaker, id_arg(args.speaker, "--speaker"));
  ASSIGN_OR_RETURN(q.person, id_arg(args.person, "--person"));
  if (!args.collection.empty()) q.collection = args.collection;
  if (!args.tag.empty()) q.tag = args.tag;
  ASSIGN_OR_RETURN(q.published_after, date_arg(args.after, "--after"));
  ASSIGN_OR_RETURN(q.published_before, date_arg(args.before, "--before"));
  q.overlap_threshold_ms = args.overlap_threshold_ms;
  q.yield_window_ms = args.yield_window_ms;
  return q;
}

std::string minutes(std::int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(ms / 60'000),
                static_cast<long long>(ms / 1000 % 60));
  return text;
}

void print_table(const app::ConversationReport& report) {
  const auto& t = report.totals;
  std::printf("%s%s%s: %lld transcript(s), timing %s, %s spoken over %s (silence %.1f%%), %lld turns, "
              "%lld interruptions, %lld questions\n",
              report.scope.c_str(), report.scope_id ? " " : "",
              report.scope_id ? report.scope_id->to_string().c_str() : "", static_cast<long long>(t.transcripts),
              report.timing.c_str(), minutes(t.speech_ms).c_str(), minutes(t.span_ms).c_str(),
              100.0 * analytics::share(t.silence_ms(), t.span_ms), static_cast<long long>(t.turns),
              static_cast<long long>(t.everyone.interruptions), static_cast<long long>(t.everyone.questions));
  auto rows = [](const std::vector<app::ConversationRow>& list, bool videos) {
    std::printf("%-28s %9s %6s %7s %6s %6s %9s %9s %5s %5s %5s %5s %9s\n", videos ? "VIDEO" : "SPEAKER", "TALK",
                "SHARE", "WORDS", "WPM", "TURNS", "AVG TURN", "LONGEST", "INT", "INTD", "OVL", "Q", "FTO MED");
    for (const auto& row : list) {
      const app::RowFigures f = app::row_figures(row);
      const std::string name = videos ? row.video_title : row.who.name;
      const std::string median = f.floor_transfer_median_ms ? std::to_string(static_cast<long long>(
                                                                  *f.floor_transfer_median_ms)) + " ms"
                                                            : "-";
      std::printf("%-28.28s %9s %5.1f%% %7lld %6.1f %6lld %7.1f s %7.1f s %5lld %5lld %5lld %5lld %9s\n", name.c_str(),
                  minutes(row.measures.talk_ms).c_str(), 100.0 * f.talk_share,
                  static_cast<long long>(row.measures.words), f.words_per_minute,
                  static_cast<long long>(row.measures.turns), f.average_turn_ms / 1000.0,
                  static_cast<double>(row.measures.longest_turn_ms) / 1000.0,
                  static_cast<long long>(row.measures.interruptions), static_cast<long long>(row.measures.interrupted),
                  static_cast<long long>(row.measures.overlaps), static_cast<long long>(row.measures.questions),
                  median.c_str());
    }
  };
  rows(report.speakers, false);
  if (!report.pairs.empty()) {
    std::printf("%-28s %-28s %8s %14s\n", "FROM", "TO", "CHANGES", "MEDIAN OFFSET");
    for (const auto& p : report.pairs) {
      std::printf("%-28.28s %-28.28s %8zu %11.0f ms\n", p.from.name.c_str(), p.to.name.c_str(), p.offsets_ms.size(),
                  analytics::median(p.offsets_ms).value_or(0));
    }
  }
  if (!report.videos.empty()) rows(report.videos, true);
}

int run_conversation(const GlobalOptions& global) {
  if (args.json && args.csv) {
    return report(make_error(ErrorCode::invalid_argument, "choose one of --json and --csv", "--csv"));
  }
  auto query = query_of_args();
  if (!query.ok()) return report(query.error());
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  auto result = app::in_tenant(**database, operator_principal(), args.tenant, app::kConversationRead,
                                   store::TxMode::read, [&](Transaction& tx, const TenantScope& scope) {
                                     return app::ConversationService::conversation_in(tx, scope, *query);
                                   });
  if (!result.ok()) return report(result.error());
  if (args.json) {
    std::printf("%s\n", app::conversation_report_json(*result).c_str());
  } else if (args.csv) {
    std::fputs(app::conversation_report_csv(*result).c_str(), stdout);
  } else {
    print_table(*result);
  }
  return 0;
}

int run_rebuild(const GlobalOptions& global) {
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  auto rebuilt = app::in_tenant(**database, operator_principal(), args.tenant, app::kConversationRead,
                                    store::TxMode::write, [](Transaction& tx, const TenantScope& scope) {
                                      return app::ConversationService::rebuild_in(tx, scope);
                                    });
  if (!rebuilt.ok()) return report(rebuilt.error());
  std::printf("measured %lld transcripts of %lld videos\n", static_cast<long long>(rebuilt->transcripts),
              static_cast<long long>(rebuilt->videos));
  return 0;
}

}  // namespace
}  // namespace analytics_command_impl

void add_analytics_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace analytics_command_impl;
  auto* analytics = app.add_subcommand("analytics", "Conversation analytics (docs/analytics.md)");
  analytics->require_subcommand(1);
  auto* conversation = analytics->add_subcommand(
      "conversation", "Talk time, turns, interruptions, floor transfers and questions of a scope");
  conversation->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
  conversation->add_option("--transcript", args.transcript, "One transcript");
  conversation->add_option("--video", args.video, "One video (its analysed transcript)");
  conversation->add_option("--speaker", args.speaker, "One speaker, in their video");
  conversation->add_option("--person", args.person, "One person, across their videos");
  conversation->add_option("--collection", args.collection, "Only videos in this collection (id or name)");
  conversation->add_option("--tag", args.tag, "Only videos with this tag");
  conversation->add_option("--after", args.after, "Only videos published at or after (2025-01-01 or RFC 3339)");
  conversation->add_option("--before", args.before, "Only videos published before");
  conversation->add_option("--overlap-threshold-ms", args.overlap_threshold_ms,
                           "Overlap that counts as an overlap or interruption (default 200)");
  conversation->add_option("--yield-window-ms", args.yield_window_ms,
                           "How soon the earlier speaker stops for an interruption (default 2000)");
  conversation->add_flag("--json", args.json, "Print the API's JSON document");
  conversation->add_flag("--csv", args.csv, "Print one CSV row per speaker (and per video for a person)");
  conversation->callback([&] { exit_code = run_conversation(options); });
  auto* rebuild = analytics->add_subcommand(
      "rebuild", "Recompute the stored per-transcript measures of a tenant from its transcripts");
  rebuild->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
  rebuild->callback([&] { exit_code = run_rebuild(options); });
}

}  // namespace narralytica::cli
