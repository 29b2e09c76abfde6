// Layer runs: immutable, versioned AI outputs over a transcript (sentiment, topics, entities,
// chapters...), each a row of `layers` with its items in `layer_items`. A run is written once,
// whole, in the caller's transaction (one `layer.version.created` event per run, not per item);
// nothing is updated in place: a correction is a new run, which gets the next version of its
// (transcript, kind). Writing the same producer and parameters over the same transcript content
// again is a no-op that returns the existing run.
//
// Each (transcript, kind) has a current version: the pinned one, or the newest when none is
// pinned. Pinning is the only change a stored version accepts (the database refuses any other
// UPDATE, migration 0006). Payload validation of built-in kinds is app::layer_kinds' job.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/media/transcript_repository.hpp"

namespace narralytica::store {

inline constexpr std::size_t kLayerItemsPerRunMax = 1'000'000;
inline constexpr std::size_t kLayerItemPayloadBytesMax = 64 * 1024;
inline constexpr std::size_t kLayerParamsBytesMax = 64 * 1024;
inline constexpr std::size_t kLayerLabelBytesMax = 256;

struct LayerItemDraft {
  // First and last (inclusive) segment ordinals the item covers; both set or both empty (an item
  // over a time range that overlaps no segment, or about the whole transcript).
  std::optional<std::int64_t> segment_ordinal_first;
  std::optional<std::int64_t> segment_ordinal_last;
  // The time the item covers. Unset with segments: from the first segment's start to the last
  // one's end. Set without segments: the item is linked to the segments it overlaps (a chapter).
  // Neither: the item is about the whole transcript (0 to the last segment's end, no segments).
  std::optional<std::int64_t> start_ms;
  std::optional<std::int64_t> end_ms;
  // Extracted from the payload by the caller (app::layer_kinds), so filters need no JSON.
  std::optional<std::string> label;
  std::optional<double> score;
  std::string payload_json = "{}";  // a JSON object or array
  // False when the caller already decided which segments the item covers (the transcript import,
  // whose readers attach by time): times without segments then stay unlinked.
  bool link_by_time = true;
};

struct LayerRunDraft {
  std::string kind;              // a-z 0-9 _ . -, at most 64 characters
  std::string producer_name;     // e.g. "assemblyai"
  std::string producer_version;  // non-empty
  // A JSON object; hashed as given, so callers pass a canonical form (sorted keys, compact) for
  // the same parameters to be recognised as the same run.
  std::string params_json = "{}";
  std::vector<LayerItemDraft> items;
};

struct LayerRun {
  std::int64_t id = 0;
  Uuid public_id;
  Uuid transcript_public_id;
  std::string kind;
  int version = 1;
  std::string producer_name;
  std::string producer_version;
  std::string params_json;
  std::string params_hash;              // hex SHA-256 of params_json
  std::string transcript_content_hash;  // hex, the content the run was computed from
  std::int64_t item_count = 0;
  std::int64_t item_span_max = 0;  // the widest item, in segments (last - first)
  UnixMicros created_at = 0;
  int transcript_revision = 1;  // the revision of the transcript the run was computed from
  bool pinned = false;
  bool current = false;  // the pinned version, or the newest when none is pinned
  bool stale = false;    // a newer revision of the transcript exists
};

struct LayerRunWrite {
  LayerRun run;
  bool created = false;  // false: the same run was already stored; nothing was written
};

struct LayerItem {
  std::int64_t ordinal = 0;  // position within the run
  std::optional<std::int64_t> segment_ordinal_first;
  std::optional<std::int64_t> segment_ordinal_last;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::optional<std::string> label;
  std::optional<double> score;
  std::string payload_json;
};

struct LayerItemQuery {
  std::optional<std::int64_t> after_ordinal;  // keyset cursor
  int limit = kPageLimitDefault;              // 1..kPageLimitMax
};

struct LayerItemPage {
  std::vector<LayerItem> items;
  std::optional<std::int64_t> next_after_ordinal;  // set when more items may follow
};

struct CurrentChange {
  LayerRun current;                    // the current version after the change
  std::optional<int> previous_version; // the current version before it
  bool changed = false;                // false: nothing to do (already so); nothing was written
};

class LayerRepository {
 public:
  // Stores the draft as the next version of (transcript, kind), or returns the existing run of the
  // same producer, version, parameters and transcript content (created = false). Errors:
  // invalid_argument naming the field (e.g. "items[3].segment_ordinal_last" for an ordinal past
  // the transcript's last segment); resource_exhausted over kLayerItemsPerRunMax; conflict when a
  // concurrent run took the same version (retry). Nothing is written on error (the caller's
  // transaction rolls back). Not thread-safe (a transaction belongs to one thread).
  static Result<LayerRunWrite> create_run(Transaction& tx, const TenantScope& scope, const Transcript& transcript,
                                          const LayerRunDraft& draft);

  // One version of a kind over a transcript, or its current version when `version` is unset.
  // Errors: not_found naming the kind or the version.
  static Result<LayerRun> get(Transaction& tx, const TenantScope& scope, const Transcript& transcript,
                              std::string_view kind, std::optional<int> version);

  // Pins `version` as the current version of the kind, or with no version unpins (the newest is
  // current again). Audited, with a `layer.current.changed` event, when it changes anything.
  // Errors: not_found for an unknown kind or version.
  static Result<CurrentChange> set_current(Transaction& tx, const TenantScope& scope, const Transcript& transcript,
                                           std::string_view kind, std::optional<int> version);

  // Every run over a transcript, by kind then version. Errors: none beyond the database's.
  static Result<std::vector<LayerRun>> list_for_transcript(Transaction& tx, const TenantScope& scope,
                                                           const Transcript& transcript);

  // One page of a run's items in ordinal order. Errors: invalid_argument for a bad limit.
  static Result<LayerItemPage> items(Transaction& tx, const TenantScope& scope, const LayerRun& run,
                                     const LayerItemQuery& query);

  // Every item of a run, in ordinal order (export, diff). Errors: none beyond the database's.
  static Result<std::vector<LayerItem>> all_items(Transaction& tx, const TenantScope& scope, const LayerRun& run);

  // The items of a run that cover any segment in [first, last] (segments with their layers
  // attached), by first segment then ordinal.
  static Result<std::vector<LayerItem>> items_over_segments(Transaction& tx, const TenantScope& scope,
                                                            const LayerRun& run, std::int64_t first,
                                                            std::int64_t last);
};

}  // namespace narralytica::store
