// The per-tenant full-text index (Xapian): writing a video's documents with the feed position
// they reflect, and answering queries with ranked, time-coded, highlighted hits. Xapian stays
// behind this header (pimpl), so nothing that includes it compiles Xapian's headers.
//
// Ranking: BM25 (Xapian's defaults) over stemmed terms; when a query is two or more plain words
// and they also appear as typed (in order, adjacent), the segment gets the phrase's weight once
// more, so an exact phrase outranks the same words scattered. A query of filters only lists the
// matching segments in the order they were indexed (a video's segments together, in time order).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "search/index_directory.hpp"
#include "search/passages.hpp"
#include "search/query_parser.hpp"
#include "search/segment_document.hpp"
#include "search/vector_index.hpp"

namespace narralytica::search {

inline constexpr int kSearchLimitDefault = 20;
inline constexpr int kSearchLimitMax = 100;
inline constexpr int kSearchOffsetMax = 10'000;    // how deep a cursor may page
inline constexpr int kHitsPerVideoDefault = 3;
inline constexpr int kHitsPerVideoMax = 20;
// Totals up to this are counted exactly, beyond it estimated (and labelled so). Counting is what a
// common word costs: at 1M segments a bound of 10,000 took 1.8x the instructions of 1,000 per
// query (callgrind, docs/performance.md); the timeline counts every match when a count matters.
inline constexpr int kExactTotalBound = 1'000;
inline constexpr int kPrefixExpansionMax = 200;    // words a prefix* expands to, most frequent first
inline constexpr std::size_t kSnippetBytesMax = 320;

inline constexpr int kRrfKDefault = 60;               // reciprocal rank fusion's k
inline constexpr int kFusionCandidatesDefault = 100;  // hits taken from each leg before fusing
inline constexpr int kFusionCandidatesMax = 1000;

enum class SearchMode {
  text,    // BM25 over the query's words (the default)
  vector,  // the segments nearest a vector (the query's filters still apply; its words do not)
  hybrid,  // both lists fused by reciprocal rank: score = sum over the lists of 1 / (rrf_k + rank)
};

struct VectorQuery {
  std::vector<float> values;
  // The embedding layer's producer, "name@version"; empty: the tenant's only producer whose
  // vectors have these dimensions.
  std::string producer;
};

// The last hit of a page, from which the next page resumes ("keyset" paging): the next page
// starts right after that hit, so it neither repeats nor skips hits when up to kResumeSlack hits
// were added or removed above it since the previous page, as an offset alone would. Hits rank by
// score, then document id. A reindex renumbers documents: the score places the page then.
struct ResumeKey {
  std::uint64_t generation = 0;  // the index generation the hit came from
  std::uint32_t docid = 0;       // its document in that generation
  double score = 0;
};
inline constexpr int kResumeSlack = 50;  // hits either side of the offset where the hit is looked for

struct SearchRequest {
  ParsedQuery query;
  SearchMode mode = SearchMode::text;
  std::optional<VectorQuery> vector;          // vector and hybrid modes
  int rrf_k = kRrfKDefault;                   // 1..1000
  int candidates = kFusionCandidatesDefault;  // per leg, 100..kFusionCandidatesMax
  int limit = kSearchLimitDefault;  // hits, or videos when grouping; 1..kSearchLimitMax
  int offset = 0;                   // from a cursor; 0..kSearchOffsetMax
  std::optional<ResumeKey> resume_after;  // from a cursor: the previous page's last hit
  bool group_by_video = false;
  int hits_per_video = kHitsPerVideoDefault;  // 1..kHitsPerVideoMax
};

struct SearchHit {
  SegmentDocument document;
  std::string snippet_html;  // the segment's text, HTML-escaped, matched words in <mark>…</mark>
  double score = 0;          // BM25 (text), cosine similarity (vector) or the fused score (hybrid)
  std::optional<int> text_rank;    // 1-based rank in the BM25 list (hybrid)
  std::optional<int> vector_rank;  // 1-based rank in the vector list (hybrid)
};

struct VideoGroup {
  Uuid video_id;
  std::string video_title;
  std::int64_t hits = 0;     // segments of this video that match
  bool hits_exact = true;
  std::vector<SearchHit> items;  // the best hits of the video, best first
};

struct SearchResult {
  std::vector<SearchHit> hits;     // without grouping
  std::vector<VideoGroup> groups;  // with grouping, best video first
  std::int64_t total = 0;          // matching segments
  bool total_exact = true;         // false: an estimate (past kExactTotalBound), or the candidates
                                   // of a vector or hybrid search (their lists are cut at `candidates`)
  std::optional<int> next_offset;  // where the next page starts, when there is one
  std::optional<ResumeKey> next_after;  // with next_offset: this page's last hit
  std::int64_t indexed_through = 0;  // the event feed position the index reflects
};

// The narrative timeline: how often a query matches over time, bucketed by the videos' published
// dates (UTC), optionally per speaker or per person, with the best moments of each bucket.
enum class TimelineBucketSize { day, week, month, year };  // weeks start on Monday (ISO 8601)
enum class TimelineSeries { none, speaker, person };
inline constexpr int kTimelineTopDefault = 3;  // moments per bucket
inline constexpr int kTimelineTopMax = 10;

struct TimelineRequest {
  ParsedQuery query;  // words and/or filters; a filter alone (topic:flood) counts its segments
  TimelineBucketSize bucket = TimelineBucketSize::month;
  TimelineSeries by = TimelineSeries::none;
  int top = kTimelineTopDefault;  // 0..kTimelineTopMax
};

struct TimelineCount {
  std::string key;    // a speaker's or person's id; empty: segments without a person
  std::string label;  // the speaker's name (display name or label) or the person's name
  std::int64_t count = 0;
};

struct TimelineBucket {
  UnixMicros start = 0;               // the bucket's first instant (UTC)
  std::int64_t count = 0;             // matching segments of videos published in the bucket
  std::vector<TimelineCount> series;  // per speaker or person, most first (empty for by none)
  std::vector<SearchHit> top;         // the best moments, best first
};

struct TimelineResult {
  std::vector<TimelineBucket> buckets;  // in time order; buckets without a match are left out
  std::int64_t total = 0;               // every matching segment, dated or not
  std::int64_t undated = 0;             // matches in videos without a published date
  std::optional<SearchHit> first_mention;  // earliest published video, then earliest moment in it
  std::optional<UnixMicros> peak;          // the start of the bucket with the most matches
  std::vector<TimelineCount> series;       // totals per speaker or person, most first
  std::int64_t indexed_through = 0;
};

// Retrieval (docs/retrieval.md): the hits of `search` (text, vector or hybrid; its limit, offset
// and grouping are not used) widened to speaker-turn passages, ranked and cut as passages.hpp says.
struct RetrievalRequest {
  SearchRequest search;
  PassageOptions passages;
};

struct RetrievalResult {
  PassageResult passages;
  std::int64_t indexed_through = 0;
};

// Writes one generation of a tenant's index. Not thread-safe; one writer per generation at a
// time (the tenant's write lock, index_directory.hpp, ensures it across processes).
// How an IndexWriter makes its commits durable.
enum class WriteMode {
  // Every commit() is synced to disk: the live index the feed pipeline updates.
  durable_commits,
  // A new generation nobody reads until IndexDirectory::publish(), which syncs its files: commits
  // are not synced, and the writer commits every kBulkCommitDocuments documents on its own.
  // Xapian's in-memory postings grow costlier per document the more they hold (a lookup in a
  // bigger map per term); measured in docs/performance.md ("rebuild").
  unpublished_generation,
};
inline constexpr int kBulkCommitDocuments = 2000;

class IndexWriter {
 public:
  // Opens the Xapian database in `generation`, creating it when empty. Errors: unavailable.
  static Result<std::unique_ptr<IndexWriter>> open(const std::filesystem::path& generation,
                                                   WriteMode mode = WriteMode::durable_commits);
  ~IndexWriter();
  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;

  // The feed position of the last commit (0 for a new index).
  std::int64_t position() const;
  // Replaces every document and vector of `video` by `documents` and `vectors` (none: the video
  // is gone or has no transcript). Visible to searches after commit().
  Status replace_video(const Uuid& video, const std::vector<SegmentDocument>& documents,
                       const std::vector<SegmentVector>& vectors = {});
  // Removes every document of `video`.
  Status remove_video(const Uuid& video);
  // Makes everything written so far durable and visible, together with `position`. The vector
  // log is synced first: after a crash between the two, the feed replays the batch, and
  // replacing a video's vectors again is harmless.
  Status commit(std::int64_t position);
  // Builds and saves the vector snapshot of this generation (reindex, once complete).
  Status snapshot_vectors();

 private:
  struct Impl;
  explicit IndexWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Answers queries over every tenant's current generation. Thread-safe: databases are pooled per
// tenant and a swapped generation (reindex) is noticed at the next query.
class IndexSearcher {
 public:
  explicit IndexSearcher(IndexDirectory directory);
  ~IndexSearcher();
  IndexSearcher(const IndexSearcher&) = delete;
  IndexSearcher& operator=(const IndexSearcher&) = delete;

  // A tenant without an index yet has no hits. Errors: invalid_argument for a bad limit/offset
  // (naming it), unavailable when the index cannot be read.
  Result<SearchResult> search(const Uuid& tenant, const SearchRequest& request);
  // Every match of the query is counted (no page bound). Errors: invalid_argument for a bad
  // `top`, unavailable when the index cannot be read.
  Result<TimelineResult> timeline(const Uuid& tenant, const TimelineRequest& request);
  // The hits and the segments around them are read from one state of the index, so the answer
  // is the same for the same index state. Errors: invalid_argument naming the field (as search,
  // and passages.hpp's options), unavailable when the index cannot be read.
  Result<RetrievalResult> retrieve(const Uuid& tenant, const RetrievalRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What `reindex --verify` compares: per transcript, how many documents and a SHA-256 over their
// serialised form in ordinal order.
struct TranscriptDigest {
  std::int64_t documents = 0;
  std::string sha256_hex;
  bool operator==(const TranscriptDigest&) const = default;
};
using IndexDigest = std::map<Uuid, TranscriptDigest>;

// Adds `documents` (one transcript's, in ordinal order) to `digest`.
void add_to_digest(IndexDigest& digest, const std::vector<SegmentDocument>& documents);
// The digest of everything stored in `generation`. Errors: unavailable; internal for a document
// that does not decode (itself a finding of verify).
Result<IndexDigest> digest_generation(const std::filesystem::path& generation);

}  // namespace narralytica::search
