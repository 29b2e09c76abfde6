// Questions asked across a tenant's layers, answered by the database: segments whose layer values
// match conditions (GET /v1/segments?where=sentiment.label=negative), and counts and mean scores by
// label per video, speaker and time bucket (GET /v1/analytics/layers). Both read only the current
// version of each (transcript, kind) and only the newest revision of each transcript, so an old
// analysis or an old text is never counted twice.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/layers/layer_repository.hpp"

namespace narralytica::store {

enum class LayerField { label, score };
enum class CompareOp { eq, ne, lt, le, gt, ge };

// One condition on the current version of a kind: `sentiment.label=negative`, `sentiment.score>0.8`.
// For list kinds (topics, keywords, entities) `label=` matches any element (topics[].label,
// keywords[].text, entities[].type); otherwise it compares the item's extracted label and score.
struct LayerCondition {
  std::string kind;
  LayerField field = LayerField::label;
  CompareOp op = CompareOp::eq;
  std::string text;   // label conditions (eq, ne only)
  double number = 0;  // score conditions
};

struct SegmentSearch {
  std::vector<LayerCondition> where;  // all must hold (at least one)
  std::optional<Uuid> video;
  std::optional<Uuid> transcript;
  std::optional<Uuid> speaker;
  std::optional<std::int64_t> from_ms;  // segments ending after
  std::optional<std::int64_t> to_ms;    // segments starting before
  std::optional<std::pair<std::int64_t, std::int64_t>> after;  // keyset cursor: (transcript id, ordinal)
  int limit = kPageLimitDefault;
};

struct SegmentHit {
  std::int64_t transcript_id = 0;  // internal, for the cursor and attaching layers
  Uuid transcript_public_id;
  Uuid video_public_id;
  Segment segment;
};

struct SegmentHitPage {
  std::vector<SegmentHit> items;
  std::optional<std::pair<std::int64_t, std::int64_t>> next_after;
};

enum class LayerGrouping { video, speaker };

struct LayerAnalyticsQuery {
  std::string kind;
  std::vector<LayerGrouping> by;             // any of video, speaker; label is always a group
  std::optional<std::int64_t> bucket_ms;     // time buckets of the item's start
  std::optional<Uuid> video;
  std::optional<Uuid> transcript;
};

struct LayerAnalyticsRow {
  std::optional<Uuid> video;                 // when grouped by video
  std::optional<Uuid> speaker;               // when grouped by speaker (none: no speaker)
  std::optional<std::string> speaker_label;
  std::optional<std::int64_t> bucket_start_ms;
  std::optional<std::string> label;
  std::int64_t count = 0;
  std::optional<double> mean_score;          // none when no item of the group has a score
};

// The longest accepted query, so a request cannot make the database work without bound.
inline constexpr std::size_t kLayerConditionsMax = 8;

class LayerQuery {
 public:
  // Errors: invalid_argument naming the parameter (where[i], limit); not_found for an unknown
  // video, transcript or speaker id (also another tenant's).
  static Result<SegmentHitPage> segments(Transaction& tx, const TenantScope& scope, const SegmentSearch& search);

  // Rows ordered by video, speaker, bucket, label. Errors: invalid_argument (bucket_ms < 1000,
  // kind); not_found for an unknown video or transcript.
  static Result<std::vector<LayerAnalyticsRow>> analytics(Transaction& tx, const TenantScope& scope,
                                                          const LayerAnalyticsQuery& query);
};

}  // namespace narralytica::store
