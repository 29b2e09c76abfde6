#include "store/layers/layer_repository.hpp"

#include <algorithm>
#include <limits>

#include "core/hashing.hpp"
#include "core/json_writer.hpp"

namespace narralytica::store {
namespace {

// Items are inserted this many rows per statement, as segments are (transcript_repository.cpp):
// one round trip per row would dominate on PostgreSQL. (unnest arrays of 8,192 rows per statement
// were measured and were slower: docs/decisions/0009.)
constexpr int kItemBatchRows = 64;
constexpr int kItemColumnsPerRow = 8;  // bound per row; tenant, layer, transcript and time are shared

constexpr const char* kSelectSameRun =
    "SELECT id FROM layers WHERE tenant_id = $1 AND transcript_id = $2 AND kind = $3 AND producer_name = $4 "
    "AND producer_version = $5 AND params_hash = $6 AND transcript_content_hash = $7";
// A run is stale when a newer revision of its transcript (same video and language) exists.
#define NEWER_REVISIONS                                                                       \
  "SELECT count(*) FROM transcripts n JOIN transcripts t ON t.tenant_id = n.tenant_id "     \
  "AND t.video_id = n.video_id AND t.language = n.language "                                \
  "WHERE t.tenant_id = $1 AND t.id = $2 AND n.revision > t.revision"
constexpr const char* kSelectNewerRevision = NEWER_REVISIONS;

// What a new version needs to know, in one statement: the latest version of its kind, whether
// one is pinned (then the new version is not current), and whether the run is stale (a newer
// revision of the transcript).
constexpr const char* kSelectLatestVersion =
    "SELECT (SELECT max(version) FROM layers WHERE tenant_id = $1 AND transcript_id = $2 AND kind = $3), "
    "(SELECT count(*) FROM layers WHERE tenant_id = $1 AND transcript_id = $2 AND kind = $3 AND pinned), "
    "(" NEWER_REVISIONS ")";
#undef NEWER_REVISIONS
constexpr const char* kInsertLayer =
    "INSERT INTO layers (public_id, tenant_id, transcript_id, kind, version, producer_name, producer_version, "
    "params, params_hash, transcript_content_hash, item_span_max, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id";

// `current` is computed, not stored: the pinned version, else the newest (layers_pinned index).
#define LAYER_SELECT                                                                                    \
  "SELECT l.id, l.public_id, l.kind, l.version, l.producer_name, l.producer_version, l.params, "        \
  "l.params_hash, l.transcript_content_hash, l.created_at, "                                            \
  "(SELECT count(*) FROM layer_items i WHERE i.tenant_id = l.tenant_id AND i.layer_id = l.id), "        \
  "l.item_span_max, l.pinned, "                                                                         \
  "l.id = (SELECT c.id FROM layers c WHERE c.tenant_id = l.tenant_id AND c.transcript_id = l.transcript_id " \
  "AND c.kind = l.kind ORDER BY c.pinned DESC, c.version DESC LIMIT 1) "                                 \
  "FROM layers l "
constexpr const char* kSelectLayerById = LAYER_SELECT "WHERE l.tenant_id = $1 AND l.id = $2";
constexpr const char* kSelectTranscriptLayers =
    LAYER_SELECT "WHERE l.tenant_id = $1 AND l.transcript_id = $2 ORDER BY l.kind, l.version";
constexpr const char* kSelectLayerVersion =
    LAYER_SELECT "WHERE l.tenant_id = $1 AND l.transcript_id = $2 AND l.kind = $3 AND l.version = $4";
constexpr const char* kSelectCurrentLayer =
    LAYER_SELECT "WHERE l.tenant_id = $1 AND l.transcript_id = $2 AND l.kind = $3 "
                 "ORDER BY l.pinned DESC, l.version DESC LIMIT 1";
#undef LAYER_SELECT

// Two statements, not one: a unique index is checked row by row on PostgreSQL, so pinning B while
// unpinning A in one UPDATE could see two pinned rows half-way.
constexpr const char* kUnpin =
    "UPDATE layers SET pinned = $4, updated_at = $5 WHERE tenant_id = $1 AND transcript_id = $2 AND kind = $3 "
    "AND pinned";
constexpr const char* kPin =
    "UPDATE layers SET pinned = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2";

constexpr const char* kSelectSegmentTimes =
    "SELECT ordinal, start_ms, end_ms FROM segments WHERE tenant_id = $1 AND transcript_id = $2 ORDER BY ordinal";

constexpr const char* kSelectItemsOverSegments =
    "SELECT ordinal, segment_ordinal_first, segment_ordinal_last, start_ms, end_ms, label, score, payload "
    "FROM layer_items WHERE tenant_id = $1 AND layer_id = $2 AND segment_ordinal_first BETWEEN $3 AND $4 "
    "AND segment_ordinal_last >= $5 ORDER BY segment_ordinal_first, ordinal";

constexpr const char* kSelectItems =
    "SELECT ordinal, segment_ordinal_first, segment_ordinal_last, start_ms, end_ms, label, score, payload "
    "FROM layer_items WHERE tenant_id = $1 AND layer_id = $2 AND ordinal > $3 ORDER BY ordinal LIMIT $4";

// "INSERT ... VALUES (...), (...)" for `rows` items. $1..$4 are shared (tenant, layer,
// transcript, time); each row adds kItemColumnsPerRow parameters.
std::string item_insert_sql(int rows) {
  std::string sql =
      "INSERT INTO layer_items (tenant_id, layer_id, transcript_id, created_at, ordinal, segment_ordinal_first, "
      "segment_ordinal_last, start_ms, end_ms, label, score, payload) VALUES ";
  int p = 5;
  for (int r = 0; r < rows; ++r) {
    if (r) sql += ',';
    sql += "($1,$2,$3,$4";
    for (int c = 0; c < kItemColumnsPerRow; ++c) sql += ",$" + std::to_string(p++);
    sql += ')';
  }
  return sql;
}

const std::string& batch_insert_sql() {
  static const std::string sql = item_insert_sql(kItemBatchRows);
  return sql;
}
const std::string& single_insert_sql() {
  static const std::string sql = item_insert_sql(1);
  return sql;
}

bool valid_kind(std::string_view kind) {
  if (kind.empty() || kind.size() > 64) return false;
  return std::all_of(kind.begin(), kind.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

std::string item_field(std::size_t index, const char* name) {
  return "items[" + std::to_string(index) + "]." + name;
}

Status validate(const LayerRunDraft& draft, const Transcript& transcript) {
  if (!valid_kind(draft.kind)) {
    return make_error(ErrorCode::invalid_argument, "a layer kind is 1 to 64 of a-z, 0-9, '_', '.', '-'", "kind");
  }
  if (draft.producer_name.empty() || draft.producer_name.size() > 200) {
    return make_error(ErrorCode::invalid_argument, "a producer name is 1 to 200 characters", "producer.name");
  }
  if (draft.producer_version.empty() || draft.producer_version.size() > 100) {
    return make_error(ErrorCode::invalid_argument, "a producer version is 1 to 100 characters", "producer.version");
  }
  if (draft.params_json.size() > kLayerParamsBytesMax) {
    return make_error(ErrorCode::invalid_argument, "parameters are at most 64 KiB of JSON", "producer.params");
  }
  if (draft.items.size() > kLayerItemsPerRunMax) {
    return make_error(ErrorCode::resource_exhausted,
                      "a layer run has at most " + std::to_string(kLayerItemsPerRunMax) + " items", "items");
  }
  for (std::size_t i = 0; i < draft.items.size(); ++i) {
    const LayerItemDraft& item = draft.items[i];
    if (item.start_ms.has_value() != item.end_ms.has_value()) {
      return make_error(ErrorCode::invalid_argument, "start_ms and end_ms are both set or both empty",
                        item_field(i, item.start_ms ? "end_ms" : "start_ms"));
    }
    if (item.start_ms && *item.start_ms < 0) {
      return make_error(ErrorCode::invalid_argument, "start_ms cannot be negative", item_field(i, "start_ms"));
    }
    if (item.start_ms && *item.end_ms < *item.start_ms) {
      return make_error(ErrorCode::invalid_argument, "end_ms is before start_ms", item_field(i, "end_ms"));
    }
    if (item.segment_ordinal_first.has_value() != item.segment_ordinal_last.has_value()) {
      return make_error(ErrorCode::invalid_argument, "first and last segment are both set or both empty",
                        item_field(i, "segment_ordinal_last"));
    }
    if (item.segment_ordinal_first) {
      if (*item.segment_ordinal_first < 0 || *item.segment_ordinal_last < *item.segment_ordinal_first) {
        return make_error(ErrorCode::invalid_argument, "segments run from first to last, first >= 0",
                          item_field(i, "segment_ordinal_first"));
      }
      // With segments immutable and numbered 0..count-1, this check is the reference's integrity
      // (migration 0006 has no foreign key to segments; docs/decisions/0007).
      if (*item.segment_ordinal_last >= transcript.segment_count) {
        return make_error(ErrorCode::invalid_argument,
                          "segment " + std::to_string(*item.segment_ordinal_last) + " is past the transcript's " +
                              std::to_string(transcript.segment_count) + " segments",
                          item_field(i, "segment_ordinal_last"));
      }
    }
    if (item.label && (item.label->empty() || item.label->size() > kLayerLabelBytesMax)) {
      return make_error(ErrorCode::invalid_argument, "a label is 1 to 256 bytes", item_field(i, "label"));
    }
    if (item.payload_json.size() > kLayerItemPayloadBytesMax) {
      return make_error(ErrorCode::invalid_argument, "a payload is at most 64 KiB of JSON", item_field(i, "value"));
    }
  }
  return ok_status();
}

// Where an item sits, once its missing half (times or segments) is filled in from the segments.
struct Position {
  std::optional<std::int64_t> first;
  std::optional<std::int64_t> last;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

struct SegmentTime {
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

Result<std::vector<SegmentTime>> segment_times(Transaction& tx, const TenantScope& scope, const Transcript& transcript) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectSegmentTimes));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, transcript.id);
  std::vector<SegmentTime> times;
  times.reserve(static_cast<std::size_t>(transcript.segment_count));
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, s->step());
    if (!has_row) break;
    if (s->column_int64(0) != static_cast<std::int64_t>(times.size())) {
      s->reset();
      return make_error(ErrorCode::internal, "the transcript's segment ordinals are not 0..n-1", "segments");
    }
    times.push_back({s->column_int64(1), s->column_int64(2)});
  }
  s->reset();
  return times;
}

// Fills in each item's times from its segments, or its segments from its times (the segments it
// overlaps, [start, end) against each segment's [start, end); a zero-length item at t overlaps a
// segment containing t). Reads the segments only when some item needs them.
Result<std::vector<Position>> resolve_positions(Transaction& tx, const TenantScope& scope,
                                                const Transcript& transcript, const LayerRunDraft& draft) {
  std::vector<Position> positions(draft.items.size());
  bool needs_segments = false;
  for (const LayerItemDraft& item : draft.items) {
    if (!item.start_ms || (!item.segment_ordinal_first && item.link_by_time)) needs_segments = true;
  }
  std::vector<SegmentTime> times;
  if (needs_segments) {
    ASSIGN_OR_RETURN(times, segment_times(tx, scope, transcript));
  }
  const std::int64_t transcript_end = times.empty() ? 0 : std::max_element(times.begin(), times.end(), [](auto& a, auto& b) {
                                                             return a.end_ms < b.end_ms;
                                                           })->end_ms;
  for (std::size_t i = 0; i < draft.items.size(); ++i) {
    const LayerItemDraft& item = draft.items[i];
    Position& p = positions[i];
    p.first = item.segment_ordinal_first;
    p.last = item.segment_ordinal_last;
    if (item.start_ms) {
      p.start_ms = *item.start_ms;
      p.end_ms = *item.end_ms;
    } else if (item.segment_ordinal_first) {
      p.start_ms = times[static_cast<std::size_t>(*item.segment_ordinal_first)].start_ms;
      p.end_ms = std::max(p.start_ms, times[static_cast<std::size_t>(*item.segment_ordinal_last)].end_ms);
    } else {
      p.end_ms = transcript_end;  // about the whole transcript: no segments
      continue;
    }
    if (item.segment_ordinal_first || !item.link_by_time) continue;
    for (std::size_t ordinal = 0; ordinal < times.size(); ++ordinal) {
      const SegmentTime& t = times[ordinal];
      const bool overlaps = p.start_ms == p.end_ms ? (t.start_ms <= p.start_ms && p.start_ms < t.end_ms)
                                                   : (t.start_ms < p.end_ms && p.start_ms < t.end_ms);
      if (!overlaps) continue;
      if (!p.first) p.first = static_cast<std::int64_t>(ordinal);
      p.last = static_cast<std::int64_t>(ordinal);
    }
  }
  return positions;
}

void bind_item(Statement& s, int first, std::int64_t ordinal, const LayerItemDraft& item, const Position& at) {
  s.bind_int64(first, ordinal);
  s.bind_optional_int64(first + 1, at.first);
  s.bind_optional_int64(first + 2, at.last);
  s.bind_int64(first + 3, at.start_ms);
  s.bind_int64(first + 4, at.end_ms);
  s.bind_optional_text(first + 5, item.label);
  s.bind_optional_double(first + 6, item.score);
  s.bind_json(first + 7, item.payload_json);
}

Status insert_items(Transaction& tx, const TenantScope& scope, std::int64_t layer_id, std::int64_t transcript_id,
                    const LayerRunDraft& draft, const std::vector<Position>& positions) {
  const UnixMicros now = tx.now_us();
  const std::size_t total = draft.items.size();
  std::size_t next = 0;
  auto fail_at = [&](Error error, std::size_t index) {
    error.field = "items[" + std::to_string(index) + "]: " + error.field;
    return error;
  };
  auto bind_shared = [&](Statement& s) {
    s.bind_int64(1, scope.tenant_id());
    s.bind_int64(2, layer_id);
    s.bind_int64(3, transcript_id);
    s.bind_int64(4, now);
  };
  while (total - next >= static_cast<std::size_t>(kItemBatchRows)) {
    ASSIGN_OR_RETURN(Statement * s, tx.prepare(batch_insert_sql()));
    bind_shared(*s);
    for (int r = 0; r < kItemBatchRows; ++r) {
      const std::size_t i = next + static_cast<std::size_t>(r);
      bind_item(*s, 5 + r * kItemColumnsPerRow, static_cast<std::int64_t>(i), draft.items[i], positions[i]);
    }
    if (auto done = s->execute(); !done.ok()) return fail_at(std::move(done).error(), next);
    next += kItemBatchRows;
  }
  for (; next < total; ++next) {
    ASSIGN_OR_RETURN(Statement * s, tx.prepare(single_insert_sql()));
    bind_shared(*s);
    bind_item(*s, 5, static_cast<std::int64_t>(next), draft.items[next], positions[next]);
    if (auto done = s->execute(); !done.ok()) return fail_at(std::move(done).error(), next);
  }
  return ok_status();
}

LayerRun read_run(const Statement& s, const Transcript& transcript) {
  LayerRun run;
  run.id = s.column_int64(0);
  run.public_id = s.column_uuid(1);
  run.transcript_public_id = transcript.public_id;
  run.kind = s.column_text(2);
  run.version = static_cast<int>(s.column_int64(3));
  run.producer_name = s.column_text(4);
  run.producer_version = s.column_text(5);
  run.params_json = s.column_text(6);
  run.params_hash = to_hex(s.column_blob(7));
  run.transcript_content_hash = to_hex(s.column_blob(8));
  run.created_at = s.column_int64(9);
  run.item_count = s.column_int64(10);
  run.item_span_max = s.column_int64(11);
  run.pinned = s.column_bool(12);
  run.current = s.column_bool(13);
  run.transcript_revision = transcript.revision;
  return run;
}

Result<bool> has_newer_revision(Transaction& tx, const TenantScope& scope, const Transcript& transcript) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectNewerRevision));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, transcript.id);
  ASSIGN_OR_RETURN(bool has_row, s->step());
  const bool newer = has_row && s->column_int64(0) > 0;
  s->reset();
  return newer;
}

// Runs the statement `s` (already bound) and reads every run it returns, marked stale when a
// newer revision of the transcript exists.
Result<std::vector<LayerRun>> read_runs(Transaction& tx, const TenantScope& scope, Statement& s,
                                        const Transcript& transcript) {
  std::vector<LayerRun> runs;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, s.step());
    if (!has_row) break;
    runs.push_back(read_run(s, transcript));
  }
  s.reset();
  if (!runs.empty()) {
    ASSIGN_OR_RETURN(bool stale, has_newer_revision(tx, scope, transcript));
    for (LayerRun& run : runs) run.stale = stale;
  }
  return runs;
}

LayerItem read_item(const Statement& s) {
  LayerItem item;
  item.ordinal = s.column_int64(0);
  item.segment_ordinal_first = s.column_optional_int64(1);
  item.segment_ordinal_last = s.column_optional_int64(2);
  item.start_ms = s.column_int64(3);
  item.end_ms = s.column_int64(4);
  item.label = s.column_optional_text(5);
  item.score = s.column_optional_double(6);
  item.payload_json = s.column_text(7);
  return item;
}

Result<std::vector<LayerItem>> read_items(Statement& s) {
  std::vector<LayerItem> items;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, s.step());
    if (!has_row) break;
    items.push_back(read_item(s));
  }
  s.reset();
  return items;
}

Result<LayerRun> get_by_id(Transaction& tx, const TenantScope& scope, const Transcript& transcript, std::int64_t id) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectLayerById));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, id);
  ASSIGN_OR_RETURN(std::vector<LayerRun> runs, read_runs(tx, scope, *s, transcript));
  if (runs.empty()) return make_error(ErrorCode::internal, "layer vanished within its transaction", "layer");
  return std::move(runs.front());
}

}  // namespace

Result<LayerRunWrite> LayerRepository::create_run(Transaction& tx, const TenantScope& scope,
                                                  const Transcript& transcript, const LayerRunDraft& draft) {
  RETURN_IF_ERROR(validate(draft, transcript));
  RETURN_IF_ERROR(tx.enter(scope));
  std::string content_hash;
  if (!from_hex(transcript.content_hash, content_hash) || content_hash.size() != 32) {
    return make_error(ErrorCode::internal, "transcript content hash is not hex SHA-256", "transcript");
  }
  const std::string params_hash = sha256(draft.params_json);

  ASSIGN_OR_RETURN(Statement * same, tx.prepare(kSelectSameRun));
  same->bind_int64(1, scope.tenant_id());
  same->bind_int64(2, transcript.id);
  same->bind_text(3, draft.kind);
  same->bind_text(4, draft.producer_name);
  same->bind_text(5, draft.producer_version);
  same->bind_blob(6, params_hash);
  same->bind_blob(7, content_hash);
  ASSIGN_OR_RETURN(bool exists, same->step());
  if (exists) {
    const std::int64_t id = same->column_int64(0);
    same->reset();
    ASSIGN_OR_RETURN(LayerRun run, get_by_id(tx, scope, transcript, id));
    return LayerRunWrite{std::move(run), false};
  }

  ASSIGN_OR_RETURN(Statement * latest, tx.prepare(kSelectLatestVersion));
  latest->bind_int64(1, scope.tenant_id());
  latest->bind_int64(2, transcript.id);
  latest->bind_text(3, draft.kind);
  ASSIGN_OR_RETURN(bool has_row, latest->step());
  if (!has_row) return make_error(ErrorCode::internal, "latest version query returned no row");
  const std::int64_t previous = latest->column_is_null(0) ? 0 : latest->column_int64(0);
  const bool another_pinned = latest->column_int64(1) > 0;
  const bool stale = latest->column_int64(2) > 0;
  latest->reset();

  ASSIGN_OR_RETURN(std::vector<Position> positions, resolve_positions(tx, scope, transcript, draft));
  LayerRun run;
  for (const Position& p : positions) {
    if (p.first) run.item_span_max = std::max(run.item_span_max, *p.last - *p.first);
  }
  run.public_id = tx.new_id();
  run.transcript_public_id = transcript.public_id;
  run.kind = draft.kind;
  run.version = static_cast<int>(previous + 1);
  run.producer_name = draft.producer_name;
  run.producer_version = draft.producer_version;
  run.params_json = draft.params_json;
  run.params_hash = to_hex(params_hash);
  run.transcript_content_hash = transcript.content_hash;
  run.item_count = static_cast<std::int64_t>(draft.items.size());
  run.created_at = tx.now_us();
  run.transcript_revision = transcript.revision;
  run.current = !another_pinned;  // the newest, unless another version is pinned
  run.stale = stale;

  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertLayer));
  insert->bind_uuid(1, run.public_id);
  insert->bind_int64(2, scope.tenant_id());
  insert->bind_int64(3, transcript.id);
  insert->bind_text(4, run.kind);
  insert->bind_int64(5, run.version);
  insert->bind_text(6, run.producer_name);
  insert->bind_text(7, run.producer_version);
  insert->bind_json(8, run.params_json);
  insert->bind_blob(9, params_hash);
  insert->bind_blob(10, content_hash);
  insert->bind_int64(11, run.item_span_max);
  insert->bind_int64(12, run.created_at);
  ASSIGN_OR_RETURN(bool inserted, insert->step());
  if (!inserted) return make_error(ErrorCode::internal, "layer insert returned no id");
  run.id = insert->column_int64(0);
  insert->reset();
  RETURN_IF_ERROR(insert_items(tx, scope, run.id, transcript.id, draft, positions));
  tx.record_change(scope, "layer.version.created", "layer", run.public_id,
                   JsonObject()
                       .add("transcript", transcript.public_id.to_string())
                       .add("kind", run.kind)
                       .add("version", run.version)
                       .add("producer", run.producer_name)
                       .add("producer_version", run.producer_version)
                       .add("item_count", run.item_count)
                       .str());
  return LayerRunWrite{std::move(run), true};
}

Result<LayerRun> LayerRepository::get(Transaction& tx, const TenantScope& scope, const Transcript& transcript,
                                      std::string_view kind, std::optional<int> version) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(version ? kSelectLayerVersion : kSelectCurrentLayer));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, transcript.id);
  s->bind_text(3, kind);
  if (version) s->bind_int64(4, *version);
  ASSIGN_OR_RETURN(std::vector<LayerRun> runs, read_runs(tx, scope, *s, transcript));
  if (runs.empty()) {
    if (version) {
      return make_error(ErrorCode::not_found,
                        "the transcript has no version " + std::to_string(*version) + " of layer " + std::string(kind),
                        "version");
    }
    return make_error(ErrorCode::not_found, "the transcript has no layer " + std::string(kind), "kind");
  }
  return std::move(runs.front());
}

Result<CurrentChange> LayerRepository::set_current(Transaction& tx, const TenantScope& scope,
                                                   const Transcript& transcript, std::string_view kind,
                                                   std::optional<int> version) {
  ASSIGN_OR_RETURN(LayerRun before, get(tx, scope, transcript, kind, std::nullopt));
  std::optional<LayerRun> target;
  if (version) {
    ASSIGN_OR_RETURN(target, get(tx, scope, transcript, kind, version));
  }
  CurrentChange change;
  change.previous_version = before.version;
  const bool already = version ? (before.pinned && before.id == target->id) : !before.pinned;
  if (already) {
    change.current = std::move(before);
    return change;
  }
  const UnixMicros now = tx.now_us();
  ASSIGN_OR_RETURN(Statement * unpin, tx.prepare(kUnpin));
  unpin->bind_int64(1, scope.tenant_id());
  unpin->bind_int64(2, transcript.id);
  unpin->bind_text(3, kind);
  unpin->bind_bool(4, false);
  unpin->bind_int64(5, now);
  RETURN_IF_ERROR(unpin->execute());
  if (target) {
    ASSIGN_OR_RETURN(Statement * pin, tx.prepare(kPin));
    pin->bind_int64(1, scope.tenant_id());
    pin->bind_int64(2, target->id);
    pin->bind_bool(3, true);
    pin->bind_int64(4, now);
    RETURN_IF_ERROR(pin->execute());
  }
  ASSIGN_OR_RETURN(change.current, get(tx, scope, transcript, kind, std::nullopt));
  change.changed = true;
  tx.record_change(scope, "layer.current.changed", "layer", change.current.public_id,
                   JsonObject()
                       .add("transcript", transcript.public_id.to_string())
                       .add("kind", change.current.kind)
                       .add("version", change.current.version)
                       .add("previous_version", before.version)
                       .add("pinned", change.current.pinned)
                       .str());
  return change;
}

Result<std::vector<LayerRun>> LayerRepository::list_for_transcript(Transaction& tx, const TenantScope& scope,
                                                                   const Transcript& transcript) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectTranscriptLayers));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, transcript.id);
  return read_runs(tx, scope, *s, transcript);
}

Result<LayerItemPage> LayerRepository::items(Transaction& tx, const TenantScope& scope, const LayerRun& run,
                                             const LayerItemQuery& query) {
  RETURN_IF_ERROR(check_page_limit(query.limit));
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectItems));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, run.id);
  s->bind_int64(3, query.after_ordinal.value_or(-1));
  s->bind_int64(4, query.limit);
  LayerItemPage page;
  ASSIGN_OR_RETURN(page.items, read_items(*s));
  if (static_cast<int>(page.items.size()) == query.limit) page.next_after_ordinal = page.items.back().ordinal;
  return page;
}

Result<std::vector<LayerItem>> LayerRepository::all_items(Transaction& tx, const TenantScope& scope,
                                                          const LayerRun& run) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectItems));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, run.id);
  s->bind_int64(3, -1);
  s->bind_int64(4, std::numeric_limits<std::int64_t>::max());
  return read_items(*s);
}

Result<std::vector<LayerItem>> LayerRepository::items_over_segments(Transaction& tx, const TenantScope& scope,
                                                                    const LayerRun& run, std::int64_t first,
                                                                    std::int64_t last) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectItemsOverSegments));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, run.id);
  // An item covering `first` starts at most item_span_max segments before it.
  s->bind_int64(3, std::max<std::int64_t>(0, first - run.item_span_max));
  s->bind_int64(4, last);
  s->bind_int64(5, first);
  return read_items(*s);
}

}  // namespace narralytica::store
