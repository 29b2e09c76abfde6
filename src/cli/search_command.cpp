// `narralytica search` (query a tenant's index) and `narralytica reindex` (rebuild or verify the
// indexes from canonical data). Both go through app::SearchService, like GET /v1/search.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "app/content_store.hpp"
#include "app/search_service.hpp"
#include "cli/cli_support.hpp"

namespace narralytica::cli {
namespace search_command_impl {
namespace {

struct SearchArgs {
  std::string tenant;
  std::vector<std::string> words;
  int limit = search::kSearchLimitDefault;
  std::string cursor;
  bool group = false;
  bool json = false;
  std::string data_dir;
  std::string mode;
  std::string vector;  // "[0.1, 0.2, ...]" or "0.1,0.2,..."
  std::string producer;
} search_args;

struct ReindexArgs {
  std::string tenant;
  int threads = 0;
  bool verify = false;
  std::string data_dir;
} reindex_args;

std::filesystem::path data_dir_of(const GlobalOptions& global, const std::string& given) {
  return given.empty() ? app::default_data_dir(global.db) : std::filesystem::path(given);
}

// The snippet for a terminal: entities decoded, <mark> as bold (or as-is when piped).
std::string terminal_snippet(std::string_view html, bool bold) {
  static const std::map<std::string_view, std::string_view> kEntities = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}};
  std::string out;
  for (std::size_t i = 0; i < html.size();) {
    if (html.compare(i, 6, "<mark>") == 0) {
      out += bold ? "\033[1m" : "";
      i += 6;
      continue;
    }
    if (html.compare(i, 7, "</mark>") == 0) {
      out += bold ? "\033[0m" : "";
      i += 7;
      continue;
    }
    bool replaced = false;
    if (html[i] == '&') {
      for (const auto& [entity, text] : kEntities) {
        if (html.compare(i, entity.size(), entity) == 0) {
          out += text;
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += html[i++];
  }
  return out;
}

void print_hit(const search::SearchHit& hit, bool bold) {
  const auto& d = hit.document;
  const std::string speaker = !d.person_name.empty() ? d.person_name
                              : !d.speaker_name.empty() ? d.speaker_name
                                                        : d.speaker_label;
  std::printf("%8s  %-28.28s  %-16.16s  %s\n", clock_time(d.start_ms).c_str(), d.video_title.c_str(),
              speaker.c_str(), terminal_snippet(hit.snippet_html, bold).c_str());
}

int run_search(const GlobalOptions& global) {
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  app::SearchService service(**database, data_dir_of(global, search_args.data_dir));
  app::SearchQuery query;
  for (const auto& word : search_args.words) query.q += (query.q.empty() ? "" : " ") + word;
  query.limit = search_args.limit;
  query.cursor = search_args.cursor;
  query.group_by_video = search_args.group;
  if (!search_args.vector.empty()) {
    auto values = parse_vector(search_args.vector);
    if (!values.ok()) return report(values.error());
    query.vector = search::VectorQuery{std::move(*values), search_args.producer};
    query.mode = query.q.empty() ? search::SearchMode::vector : search::SearchMode::hybrid;
  }
  if (!search_args.mode.empty()) {
    auto mode = app::parse_search_mode(search_args.mode, "--mode");
    if (!mode.ok()) return report(mode.error());
    query.mode = *mode;
  }
  auto result = service.search(operator_principal(), search_args.tenant, query);
  if (!result.ok()) return report(result.error());
  if (search_args.json) {
    std::printf("%s\n", app::search_result_json(*result).c_str());
    return 0;
  }
  const bool bold = ::isatty(STDOUT_FILENO) != 0;
  std::printf("%8s  %-28s  %-16s  %s\n", "AT", "VIDEO", "SPEAKER", "TEXT");
  for (const auto& hit : result->hits) print_hit(hit, bold);
  for (const auto& group : result->groups) {
    std::printf("— %s (%lld%s hits)\n", group.video_title.c_str(), static_cast<long long>(group.hits),
                group.hits_exact ? "" : "+");
    for (const auto& hit : group.items) print_hit(hit, bold);
  }
  std::fprintf(stderr, "%lld%s segments match", static_cast<long long>(result->total),
               result->total_exact ? "" : " (estimated)");
  if (auto cursor = app::next_cursor(*result)) std::fprintf(stderr, "; next page: --cursor %s", cursor->c_str());
  std::fprintf(stderr, "\n");
  return 0;
}

// A progress line per tenant on a terminal: done/total videos, documents per second, ETA.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), started_(std::chrono::steady_clock::now()) {}
  void update(const search::RebuildProgress& p) {
    if (!enabled_ || p.videos_total == 0) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double fraction = static_cast<double>(p.videos_done) / static_cast<double>(p.videos_total);
    const double rate = seconds > 0 ? static_cast<double>(p.documents) / seconds : 0;
    const double eta = fraction > 0 ? seconds / fraction - seconds : 0;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::fprintf(stderr, "\r%s [%.*s%*s] %3.0f%%  %lld/%lld videos  %.0f segments/s  ETA %.0fs   ",
                 p.tenant.to_string().substr(0, 8).c_str(), filled, "==============================",
                 kWidth - filled, "", fraction * 100, static_cast<long long>(p.videos_done),
                 static_cast<long long>(p.videos_total), rate, eta);
    std::fflush(stderr);
  }
  void finish() {
    if (enabled_) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point started_;
};

int run_reindex(const GlobalOptions& global) {
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  app::SearchService service(**database, data_dir_of(global, reindex_args.data_dir));
  int threads = reindex_args.threads;
  if (threads == 0) threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (reindex_args.verify) {
    auto reports = service.verify(operator_principal(), reindex_args.tenant, threads);
    if (!reports.ok()) return report(reports.error());
    bool drift = false;
    for (const auto& r : *reports) {
      if (r.index_missing) {
        std::printf("%-20s no index yet, %lld transcripts to index (run `narralytica reindex --tenant %s`)\n",
                    r.slug.c_str(), static_cast<long long>(r.transcripts), r.slug.c_str());
        drift = drift || !r.drift.empty();
        continue;
      }
      std::printf("%-20s %lld transcripts, %lld segments: %s\n", r.slug.c_str(), static_cast<long long>(r.transcripts),
                  static_cast<long long>(r.documents), r.drift.empty() ? "index matches canonical data" : "DRIFT");
      for (const auto& d : r.drift) std::printf("  transcript %s: %s\n", d.transcript.to_string().c_str(), d.what.c_str());
      drift = drift || !r.drift.empty();
    }
    return drift ? kExitDrift : 0;
  }
  ProgressBar bar(::isatty(STDERR_FILENO) != 0);
  auto reports = service.reindex(operator_principal(), reindex_args.tenant, threads,
                                 [&](const search::RebuildProgress& p) { bar.update(p); });
  bar.finish();
  if (!reports.ok()) return report(reports.error());
  for (const auto& r : *reports) {
    std::printf("%-20s %lld videos, %lld segments in %.1f s (%.0f segments/s), through event %lld\n", r.slug.c_str(),
                static_cast<long long>(r.videos), static_cast<long long>(r.documents), r.seconds,
                r.seconds > 0 ? static_cast<double>(r.documents) / r.seconds : 0.0, static_cast<long long>(r.position));
  }
  return 0;
}

}  // namespace
}  // namespace search_command_impl

void add_search_commands(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace search_command_impl;
  auto* search = app.add_subcommand("search", "Search a tenant's transcripts (the query language of docs/search.md)");
  search->add_option("--tenant", search_args.tenant, "Tenant slug or id")->required();
  search->add_option("query", search_args.words, "The query, e.g. '\"flood defences\" speaker:Ada after:2025'");
  search->add_option("--vector", search_args.vector,
                     "An embedding to search by, e.g. '[0.1,0.2,...]': vector search, or hybrid with a query");
  search->add_option("--producer", search_args.producer, "The embedding layer's producer, name@version");
  search->add_option("--mode", search_args.mode, "text, vector or hybrid (default: from what is given)");
  search->add_option("--limit", search_args.limit, "Hits (videos with --group-by-video) per page")
      ->check(CLI::Range(1, search::kSearchLimitMax));
  search->add_option("--cursor", search_args.cursor, "Continue from a previous page");
  search->add_flag("--group-by-video", search_args.group, "The best hits of each video, with a hit count per video");
  search->add_flag("--json", search_args.json, "Print the API's JSON document instead of a table");
  search->add_option("--data-dir", search_args.data_dir, "Where the indexes live (default: beside the database)");
  search->callback([&options, &exit_code] { exit_code = run_search(options); });

  auto* reindex = app.add_subcommand("reindex", "Rebuild search indexes from canonical data (or --verify them)");
  reindex->add_option("--tenant", reindex_args.tenant, "Only this tenant (slug or id); default every tenant");
  reindex->add_option("--threads", reindex_args.threads, "Tenants built at once (default: one per core)")
      ->check(CLI::Range(0, app::kReindexThreadsMax));
  reindex->add_flag("--verify", reindex_args.verify,
                    "Compare each index with canonical data instead; lists drift and exits 8 when any is found");
  reindex->add_option("--data-dir", reindex_args.data_dir, "Where the indexes live (default: beside the database)");
  reindex->callback([&options, &exit_code] { exit_code = run_reindex(options); });
}

}  // namespace narralytica::cli
