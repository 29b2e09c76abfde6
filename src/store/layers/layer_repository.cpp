#include "store/layers/layer_repository.hpp"

#include <algorithm>
#include <limits>

#include "core/hashing.hpp"
#include "core/json_writer.hpp"

namespace narralytica::store {
namespace {

// Items are inserted this many rows per statement, as segments are (transcript_repository.cpp):
// one round trip per row would dominate on PostgreSQL.
constexpr int kItemBatchRows = 64;
constexpr int kItemColumnsPerRow = 8;  // bound per row; tenant, layer, transcript and time are shared

constexpr const char* kSelectSameRun =
    "SELECT id FROM layers WHERE tenant_id = $1 AND transcript_id = $2 AND kind = $3 AND producer_name = $4 "
    "AND producer_version = $5 AND params_hash = $6 AND transcript_content_hash = $7";
constexpr const char* kSelectLatestVersion =
    "SELECT max(version) FROM layers WHERE tenant_id = $1 AND transcript_id = $2 AND kind = $3";
constexpr const char* kInsertLayer =
    "INSERT INTO layers (public_id, tenant_id, transcript_id, kind, version, producer_name, producer_version, "
    "params, params_hash, transcript_content_hash, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id";

#define LAYER_SELECT                                                                                    \
  "SELECT l.id, l.public_id, l.kind, l.version, l.producer_name, l.producer_version, l.params, "        \
  "l.params_hash, l.transcript_content_hash, l.created_at, "                                            \
  "(SELECT count(*) FROM layer_items i WHERE i.tenant_id = l.tenant_id AND i.layer_id = l.id) "         \
  "FROM layers l "
constexpr const char* kSelectLayerById = LAYER_SELECT "WHERE l.tenant_id = $1 AND l.id = $2";
constexpr const char* kSelectTranscriptLayers =
    LAYER_SELECT "WHERE l.tenant_id = $1 AND l.transcript_id = $2 ORDER BY l.kind, l.version";
#undef LAYER_SELECT

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
    return make_error(ErrorCode::invalid_argument, "parameters are at most 64 KiB of JSON", "params");
  }
  if (draft.items.size() > kLayerItemsPerRunMax) {
    return make_error(ErrorCode::resource_exhausted,
                      "a layer run has at most " + std::to_string(kLayerItemsPerRunMax) + " items", "items");
  }
  for (std::size_t i = 0; i < draft.items.size(); ++i) {
    const LayerItemDraft& item = draft.items[i];
    auto field = [&](const char* name) { return "items[" + std::to_string(i) + "]." + name; };
    if (item.start_ms < 0) return make_error(ErrorCode::invalid_argument, "start_ms cannot be negative", field("start_ms"));
    if (item.end_ms < item.start_ms) {
      return make_error(ErrorCode::invalid_argument, "end_ms is before start_ms", field("end_ms"));
    }
    if (item.segment_ordinal_first.has_value() != item.segment_ordinal_last.has_value()) {
      return make_error(ErrorCode::invalid_argument, "first and last segment are both set or both empty",
                        field("segment_ordinal_last"));
    }
    if (item.segment_ordinal_first) {
      if (*item.segment_ordinal_first < 0 || *item.segment_ordinal_last < *item.segment_ordinal_first) {
        return make_error(ErrorCode::invalid_argument, "segments run from first to last, first >= 0",
                          field("segment_ordinal_first"));
      }
      if (*item.segment_ordinal_last >= transcript.segment_count) {
        return make_error(ErrorCode::invalid_argument,
                          "segment " + std::to_string(*item.segment_ordinal_last) + " is past the transcript's " +
                              std::to_string(transcript.segment_count) + " segments",
                          field("segment_ordinal_last"));
      }
    }
    if (item.label && (item.label->empty() || item.label->size() > kLayerLabelBytesMax)) {
      return make_error(ErrorCode::invalid_argument, "a label is 1 to 256 bytes", field("label"));
    }
    if (item.payload_json.size() > kLayerItemPayloadBytesMax) {
      return make_error(ErrorCode::invalid_argument, "a payload is at most 64 KiB of JSON", field("payload"));
    }
  }
  return ok_status();
}

void bind_item(Statement& s, int first, std::int64_t ordinal, const LayerItemDraft& item) {
  s.bind_int64(first, ordinal);
  s.bind_optional_int64(first + 1, item.segment_ordinal_first);
  s.bind_optional_int64(first + 2, item.segment_ordinal_last);
  s.bind_int64(first + 3, item.start_ms);
  s.bind_int64(first + 4, item.end_ms);
  s.bind_optional_text(first + 5, item.label);
  s.bind_optional_double(first + 6, item.score);
  s.bind_json(first + 7, item.payload_json);
}

Status insert_items(Transaction& tx, const TenantScope& scope, std::int64_t layer_id, std::int64_t transcript_id,
                    const LayerRunDraft& draft) {
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
      bind_item(*s, 5 + r * kItemColumnsPerRow, static_cast<std::int64_t>(next + r), draft.items[next + r]);
    }
    if (auto done = s->execute(); !done.ok()) return fail_at(std::move(done).error(), next);
    next += kItemBatchRows;
  }
  for (; next < total; ++next) {
    ASSIGN_OR_RETURN(Statement * s, tx.prepare(single_insert_sql()));
    bind_shared(*s);
    bind_item(*s, 5, static_cast<std::int64_t>(next), draft.items[next]);
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
  return run;
}

Result<LayerRun> get_by_id(Transaction& tx, const TenantScope& scope, const Transcript& transcript, std::int64_t id) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectLayerById));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, id);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::internal, "layer vanished within its transaction", "layer");
  LayerRun run = read_run(*s, transcript);
  s->reset();
  return run;
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
  const std::int64_t previous = has_row && !latest->column_is_null(0) ? latest->column_int64(0) : 0;
  latest->reset();

  LayerRun run;
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
  insert->bind_int64(11, run.created_at);
  ASSIGN_OR_RETURN(bool inserted, insert->step());
  if (!inserted) return make_error(ErrorCode::internal, "layer insert returned no id");
  run.id = insert->column_int64(0);
  insert->reset();
  RETURN_IF_ERROR(insert_items(tx, scope, run.id, transcript.id, draft));
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

Result<std::vector<LayerRun>> LayerRepository::list_for_transcript(Transaction& tx, const TenantScope& scope,
                                                                   const Transcript& transcript) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectTranscriptLayers));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, transcript.id);
  std::vector<LayerRun> runs;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, s->step());
    if (!has_row) break;
    runs.push_back(read_run(*s, transcript));
  }
  s->reset();
  return runs;
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
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, s->step());
    if (!has_row) break;
    LayerItem item;
    item.ordinal = s->column_int64(0);
    item.segment_ordinal_first = s->column_optional_int64(1);
    item.segment_ordinal_last = s->column_optional_int64(2);
    item.start_ms = s->column_int64(3);
    item.end_ms = s->column_int64(4);
    item.label = s->column_optional_text(5);
    item.score = s->column_optional_double(6);
    item.payload_json = s->column_text(7);
    page.items.push_back(std::move(item));
  }
  s->reset();
  if (static_cast<int>(page.items.size()) == query.limit) page.next_after_ordinal = page.items.back().ordinal;
  return page;
}

}  // namespace narralytica::store
