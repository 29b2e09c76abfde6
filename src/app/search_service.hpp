// Search use cases, shared by the API (GET /v1/search), the CLI (`narralytica search`,
// `narralytica reindex`) and the workers (the search pipeline): querying a tenant's index,
// rebuilding and verifying indexes, and the JSON shape of a result that the API answers and the
// CLI prints with --json.
//
// Thread-safe: one SearchService serves every thread of the server (the searcher pools its
// databases; the indexer locks per tenant).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.hpp"
#include "search/search_index.hpp"
#include "search/search_indexer.hpp"
#include "store/identity/authorizer.hpp"

namespace narralytica::app {

inline constexpr std::string_view kSearchPipeline = "search.index";
// Searching, and the timeline, read transcripts.
inline constexpr store::Permission kReadTranscripts{"read", "transcripts"};
inline constexpr int kReindexThreadsMax = 64;

struct SearchQuery {
  std::string q;                    // may be empty in vector mode (filters only then)
  search::SearchMode mode = search::SearchMode::text;
  std::optional<search::VectorQuery> vector;
  int rrf_k = search::kRrfKDefault;
  int candidates = search::kFusionCandidatesDefault;
  int limit = search::kSearchLimitDefault;
  std::string cursor;  // from a previous answer's next_cursor; empty for the first page
  bool group_by_video = false;
  int hits_per_video = search::kHitsPerVideoDefault;
};

struct TimelineQuery {
  std::string q;  // words and/or filters, as for search
  search::TimelineBucketSize bucket = search::TimelineBucketSize::month;
  search::TimelineSeries by = search::TimelineSeries::none;
  int top = search::kTimelineTopDefault;
};

class SearchService {
 public:
  SearchService(store::Database& database, std::filesystem::path data_dir, store::StoreContext context = {});

  // Searches the scope's tenant (the caller checked read access to transcripts).
  // Errors: invalid_argument for a malformed query (field "q", with the character position), a
  // bad limit or cursor; unavailable when the index cannot be read.
  Result<search::SearchResult> search_in(const store::TenantScope& scope, const SearchQuery& query);
  // The same for `principal` in `tenant` (slug or public id), checking the permission.
  Result<search::SearchResult> search(const store::Principal& principal, std::string_view tenant,
                                      const SearchQuery& query);

  // How often the query matches over time in the scope's tenant (the caller checked read access to
  // transcripts). Errors: invalid_argument for a malformed query (field "q", with the character
  // position) or a bad `top`; unavailable when the index cannot be read.
  Result<search::TimelineResult> timeline_in(const store::TenantScope& scope, const TimelineQuery& query);

  // Rebuilds the index of `tenant` (every tenant when empty), `threads` tenants at a time, and
  // swaps each in when done; searches keep answering from the old index meanwhile. Only the
  // operator may. Errors: permission_denied, not_found, unavailable.
  Result<std::vector<search::RebuildReport>> reindex(const store::Principal& principal, std::string_view tenant,
                                                     int threads, const search::ProgressFn& progress = {});
  // Compares each index with canonical data. Errors: as reindex.
  Result<std::vector<search::VerifyReport>> verify(const store::Principal& principal, std::string_view tenant,
                                                   int threads);

  // The searcher over the tenants' indexes, for use cases built on search (retrieval).
  search::IndexSearcher& searcher() { return searcher_; }

  // The batch function of the search pipeline (jobs::PipelineDefinition::derived).
  Status apply_events(std::int64_t after, std::span<const store::FeedEvent> events, bool behind_horizon) {
    return indexer_.apply(after, events, behind_horizon);
  }

 private:
  store::Database& database_;
  store::StoreContext context_;
  search::IndexSearcher searcher_;
  search::SearchIndexer indexer_;
};

// "text", "vector" or "hybrid". Errors: invalid_argument naming `field`.
Result<search::SearchMode> parse_search_mode(std::string_view name, std::string_view field);

// "day", "week", "month", "year"; "none", "speaker", "person". Errors: invalid_argument naming `field`.
Result<search::TimelineBucketSize> parse_timeline_bucket(std::string_view name, std::string_view field);
Result<search::TimelineSeries> parse_timeline_series(std::string_view name, std::string_view field);
// "2025-03-01" (day, week, month and year buckets all start on a date).
std::string timeline_bucket_label(UnixMicros start);
// The API's answer for a timeline, also what `narralytica timeline --json` prints.
std::string timeline_json(const search::TimelineResult& result);

// The cursor of the page after `result` (its next_cursor), when there is one.
std::optional<std::string> next_cursor(const search::SearchResult& result);

// The API's answer for a search, also what `narralytica search --json` prints.
std::string search_result_json(const search::SearchResult& result);

// Adds the segment's video_id, video_title, transcript_id, revision and language, as search hits
// and retrieval citations show them.
JsonObject& add_source(JsonObject& object, const search::SegmentDocument& document);

// A segment's speaker as search hits show it: {"id", "label", "name", "person": {"id", "name"}
// or null}, or null when the segment has none.
std::string speaker_json(const search::SegmentDocument& document);

// "#t=SECONDS" deep link of a hit into the web UI's video page.
std::string hit_link(const search::SegmentDocument& document);

}  // namespace narralytica::app
