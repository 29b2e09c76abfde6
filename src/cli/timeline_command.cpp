// `narralytica timeline --tenant T QUERY [--bucket month] [--by speaker|person]`: how often the query
// comes up over the videos' published dates, as GET /v1/timeline answers it, through
// app::SearchService.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/content_store.hpp"
#include "app/search_service.hpp"
#include "app/tenant_work.hpp"
#include "cli/cli_support.hpp"
#include "cli/text_table.hpp"

namespace narralytica::cli {
namespace timeline_command_impl {
namespace {

struct TimelineArgs {
  std::string tenant;
  std::vector<std::string> words;
  std::string bucket = "month";
  std::string by = "none";
  int top = 1;
  bool json = false;
  std::string data_dir;
} args;

std::string series_text(const std::vector<search::TimelineCount>& series) {
  std::string out;
  for (std::size_t i = 0; i < series.size() && i < 3; ++i) {
    if (i) out += ", ";
    out += (series[i].label.empty() ? std::string("(none)") : series[i].label) + " " + std::to_string(series[i].count);
  }
  return out;
}

int run_timeline(const GlobalOptions& global) {
  app::TimelineQuery query;
  for (const auto& word : args.words) query.q += (query.q.empty() ? "" : " ") + word;
  query.top = args.top;
  auto bucket = app::parse_timeline_bucket(args.bucket, "--bucket");
  if (!bucket.ok()) return report(bucket.error());
  query.bucket = *bucket;
  auto by = app::parse_timeline_series(args.by, "--by");
  if (!by.ok()) return report(by.error());
  query.by = *by;
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  app::SearchService service(**database, args.data_dir.empty() ? app::default_data_dir(global.db)
                                                               : std::filesystem::path(args.data_dir));
  auto result = app::in_tenant(**database, operator_principal(), args.tenant, app::kReadTranscripts,
                               store::TxMode::read, [&](store::Transaction&, const store::TenantScope& scope) {
                                 return service.timeline_in(scope, query);
                               });
  if (!result.ok()) return report(result.error());
  if (args.json) {
    std::printf("%s\n", app::timeline_json(*result).c_str());
    return 0;
  }
  const bool by_series = query.by != search::TimelineSeries::none;
  TextTable table(by_series ? std::vector<std::string>{"FROM", "MATCHES", "MOST", "BEST MOMENT"}
                            : std::vector<std::string>{"FROM", "MATCHES", "BEST MOMENT"});
  for (const auto& b : result->buckets) {
    std::string moment;
    if (!b.top.empty()) moment = b.top.front().document.video_title + ": " + b.top.front().document.text;
    if (moment.size() > 90) moment = moment.substr(0, 87) + "...";
    if (by_series) table.add_row({app::timeline_bucket_label(b.start), std::to_string(b.count), series_text(b.series), moment});
    else table.add_row({app::timeline_bucket_label(b.start), std::to_string(b.count), moment});
  }
  table.print();
  std::printf("%lld matches", static_cast<long long>(result->total));
  if (result->undated) std::printf(" (%lld in videos without a date)", static_cast<long long>(result->undated));
  if (result->peak) std::printf("; peak %s", app::timeline_bucket_label(*result->peak).c_str());
  if (result->first_mention) {
    const auto& d = result->first_mention->document;
    std::printf("; first: %s at %s", d.video_title.c_str(), app::hit_link(d).c_str());
  }
  std::printf("\n");
  return 0;
}

}  // namespace
}  // namespace timeline_command_impl

void add_timeline_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace timeline_command_impl;
  auto* timeline = app.add_subcommand("timeline", "How often something is said over the videos' published dates");
  timeline->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
  timeline->add_option("query", args.words, "Words, a \"phrase\", or a filter such as topic:flood")->required();
  timeline->add_option("--bucket", args.bucket, "day, week, month or year")->capture_default_str();
  timeline->add_option("--by", args.by, "none, speaker or person")->capture_default_str();
  timeline->add_option("--top", args.top, "Best moments per bucket (0-10)")->capture_default_str();
  timeline->add_flag("--json", args.json, "The API's JSON answer");
  timeline->add_option("--data-dir", args.data_dir, "Where the search indexes are (default: beside a SQLite file)");
  timeline->callback([&options, &exit_code] { exit_code = run_timeline(options); });
}

}  // namespace narralytica::cli
