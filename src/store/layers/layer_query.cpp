#include "store/layers/layer_query.hpp"

#include <algorithm>
#include <tuple>

#include "core/json_writer.hpp"

namespace narralytica::store {
namespace {

// The id of the current version of `kind_param` over the transcript `transcript_column`: the
// pinned version, else the newest (layers_pinned and the (transcript, kind, version) index).
std::string current_layer_id(const std::string& tenant_column, const std::string& transcript_column,
                             const std::string& kind_param) {
  return "(SELECT c.id FROM layers c WHERE c.tenant_id = " + tenant_column + " AND c.transcript_id = " +
         transcript_column + " AND c.kind = " + kind_param + " ORDER BY c.pinned DESC, c.version DESC LIMIT 1)";
}

// Only the newest revision of each transcript (same video and language).
constexpr const char* kNewestRevision =
    " AND NOT EXISTS (SELECT 1 FROM transcripts n WHERE n.tenant_id = t.tenant_id AND n.video_id = t.video_id "
    "AND n.language = t.language AND n.revision > t.revision)";

// The member of a list kind's elements that `label=` matches; empty for kinds with one label.
std::string_view list_label_member(std::string_view kind) {
  if (kind == "topics") return "label";
  if (kind == "keywords") return "text";
  if (kind == "entities") return "type";
  return {};
}

const char* sql_operator(CompareOp op) {
  switch (op) {
    case CompareOp::eq: return " = ";
    case CompareOp::ne: return " <> ";
    case CompareOp::lt: return " < ";
    case CompareOp::le: return " <= ";
    case CompareOp::gt: return " > ";
    case CompareOp::ge: return " >= ";
  }
  return " = ";
}

// Parameters collected while the SQL text is built, bound in order afterwards.
struct Params {
  struct Value {
    enum class Type { integer, number, text, json, uuid } type;
    std::int64_t integer = 0;
    double number = 0;
    std::string text;
    Uuid uuid;
  };
  std::vector<Value> values;

  std::string add_int(std::int64_t v) { return push({Value::Type::integer, v, 0, {}, {}}); }
  std::string add_number(double v) { return push({Value::Type::number, 0, v, {}, {}}); }
  std::string add_text(std::string v) { return push({Value::Type::text, 0, 0, std::move(v), {}}); }
  std::string add_json(std::string v) { return push({Value::Type::json, 0, 0, std::move(v), {}}); }
  std::string add_uuid(const Uuid& v) { return push({Value::Type::uuid, 0, 0, {}, v}); }

  void bind(Statement& s) const {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      const Value& v = values[i];
      switch (v.type) {
        case Value::Type::integer: s.bind_int64(index, v.integer); break;
        case Value::Type::number: s.bind_double(index, v.number); break;
        case Value::Type::text: s.bind_text(index, v.text); break;
        case Value::Type::json: s.bind_json(index, v.text); break;
        case Value::Type::uuid: s.bind_uuid(index, v.uuid); break;
      }
    }
  }

 private:
  std::string push(Value v) {
    values.push_back(std::move(v));
    std::string placeholder = "$";  // not "$" + to_string: GCC 12 -O2 warns falsely (-Wrestrict)
    placeholder += std::to_string(values.size());
    return placeholder;
  }
};

// The internal id of a tenant's row by public id. Errors: not_found naming `field`.
Result<std::int64_t> resolve_id(Transaction& tx, const TenantScope& scope, const char* table, const Uuid& id,
                                const char* field, const char* what) {
  ASSIGN_OR_RETURN(Statement * s,
                   tx.prepare(std::string("SELECT id FROM ") + table + " WHERE tenant_id = $1 AND public_id = $2"));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, id);
  ASSIGN_OR_RETURN(bool found, s->step());
  const std::int64_t internal = found ? s->column_int64(0) : 0;
  s->reset();
  if (!found) return make_error(ErrorCode::not_found, std::string("no such ") + what, field);
  return internal;
}

// Which transcripts (alias t) a query reads: a video's, one named transcript, and otherwise only
// the newest revision of each. With `segments` (the segments' alias), a video's transcripts also
// constrain the segments themselves (the second column of their key): without statistics SQLite
// otherwise walks every segment of the tenant in key order for the ORDER BY (docs/performance.md,
// AI layers). Errors: not_found for an unknown video or transcript.
Result<std::string> transcript_filter(Transaction& tx, const TenantScope& scope, const std::optional<Uuid>& video,
                                      const std::optional<Uuid>& transcript, const std::string& tenant,
                                      const char* segments, Params& params) {
  std::string sql;
  if (video) {
    ASSIGN_OR_RETURN(std::int64_t id, resolve_id(tx, scope, "videos", *video, "video", "video"));
    const std::string video_param = params.add_int(id);
    sql += " AND t.video_id = " + video_param;
    if (segments != nullptr) {
      sql += std::string(" AND ") + segments + ".transcript_id IN (SELECT vt.id FROM transcripts vt WHERE vt.tenant_id = " +
             tenant + " AND vt.video_id = " + video_param + ")";
    }
  }
  if (transcript) {
    ASSIGN_OR_RETURN(std::int64_t id, resolve_id(tx, scope, "transcripts", *transcript, "transcript", "transcript"));
    sql += " AND t.id = " + params.add_int(id);
  } else {
    sql += kNewestRevision;
  }
  return sql;
}

Status check_condition(const LayerCondition& c, std::size_t index) {
  std::string field = "where[";  // built in steps: GCC 12 -O2 warns falsely (-Wrestrict) on "lit" + to_string
  field += std::to_string(index);
  field += ']';
  if (c.kind.empty() || c.kind.size() > 64) return make_error(ErrorCode::invalid_argument, "a layer kind is needed", field);
  if (c.field == LayerField::label && c.op != CompareOp::eq && c.op != CompareOp::ne) {
    return make_error(ErrorCode::invalid_argument, "a label is compared with = or !=", field);
  }
  if (c.field == LayerField::label && (c.text.empty() || c.text.size() > kLayerLabelBytesMax)) {
    return make_error(ErrorCode::invalid_argument, "a label is 1 to 256 bytes", field);
  }
  return ok_status();
}

// "EXISTS (an item of the current version of the condition's kind covers segment s and holds)".
std::string condition_sql(const LayerCondition& c, Backend backend, Params& params) {
  const std::string kind = params.add_text(c.kind);
  std::string sql =
      " AND EXISTS (SELECT 1 FROM layers l JOIN layer_items i ON i.tenant_id = l.tenant_id AND i.layer_id = l.id "
      // The layer's transcript and kind as plain equalities too: on PostgreSQL under row-level
      // security a clause with a subquery (or arithmetic) cannot be an index condition, so without
      // them the current layer is found by hashing every layer of the tenant for each segment.
      "WHERE l.tenant_id = s.tenant_id AND l.transcript_id = s.transcript_id AND l.kind = " +
      kind + " AND l.id = " + current_layer_id("s.tenant_id", "s.transcript_id", kind) +
      // An item covering segment s starts at most item_span_max segments before it.
      " AND i.segment_ordinal_first BETWEEN s.ordinal - l.item_span_max AND s.ordinal"
      " AND i.segment_ordinal_last >= s.ordinal AND ";
  const std::string_view member = list_label_member(c.kind);
  if (c.field == LayerField::label && !member.empty()) {
    std::string needle = "[" + JsonObject().add(member, c.text).str() + "]";
    std::string test;
    if (backend == Backend::postgres) {
      test = "i.payload @> " + params.add_json(std::move(needle));
    } else {
      test = "EXISTS (SELECT 1 FROM json_each(i.payload) e WHERE json_extract(e.value, '$." + std::string(member) +
             "') = " + params.add_text(c.text) + ")";
    }
    sql += c.op == CompareOp::eq ? test : "NOT " + test;
  } else if (c.field == LayerField::label) {
    sql += "i.label" + std::string(sql_operator(c.op)) + params.add_text(c.text);
  } else {
    sql += "i.score" + std::string(sql_operator(c.op)) + params.add_number(c.number);
  }
  return sql + ")";
}

}  // namespace

Result<SegmentHitPage> LayerQuery::segments(Transaction& tx, const TenantScope& scope, const SegmentSearch& search) {
  RETURN_IF_ERROR(check_page_limit(search.limit));
  if (search.where.empty()) return make_error(ErrorCode::invalid_argument, "at least one condition is needed", "where");
  if (search.where.size() > kLayerConditionsMax) {
    return make_error(ErrorCode::invalid_argument,
                      std::string("at most ") + std::to_string(kLayerConditionsMax) + " conditions", "where");
  }
  for (std::size_t i = 0; i < search.where.size(); ++i) RETURN_IF_ERROR(check_condition(search.where[i], i));
  RETURN_IF_ERROR(tx.enter(scope));

  Params params;
  std::string sql =
      "SELECT s.transcript_id, t.public_id, v.public_id, s.ordinal, s.start_ms, s.end_ms, sp.public_id, sp.label, "
      "s.text, s.confidence FROM segments s "
      "JOIN transcripts t ON t.tenant_id = s.tenant_id AND t.id = s.transcript_id "
      "JOIN videos v ON v.tenant_id = t.tenant_id AND v.id = t.video_id "
      "LEFT JOIN speakers sp ON sp.tenant_id = s.tenant_id AND sp.id = s.speaker_id "
      "WHERE s.tenant_id = ";
  const std::string tenant = params.add_int(scope.tenant_id());
  sql += tenant;
  ASSIGN_OR_RETURN(std::string transcripts,
                   transcript_filter(tx, scope, search.video, search.transcript, tenant, "s", params));
  sql += transcripts;
  if (search.speaker) {
    ASSIGN_OR_RETURN(std::int64_t id, resolve_id(tx, scope, "speakers", *search.speaker, "speaker", "speaker"));
    const std::string speaker = params.add_int(id);
    // segments has no speaker index (decision 0010): the speaker's transcripts make the segment key
    // (tenant_id, transcript_id) an index search, one transcript at a time.
    sql += " AND s.speaker_id = ";
    sql += speaker;
    sql += " AND s.transcript_id IN (SELECT ts.transcript_id FROM transcript_speakers ts WHERE ts.tenant_id = ";
    sql += tenant;
    sql += " AND ts.speaker_id = ";
    sql += speaker;
    sql += ')';
  }
  if (search.from_ms) sql += " AND s.end_ms > " + params.add_int(*search.from_ms);
  if (search.to_ms) sql += " AND s.start_ms < " + params.add_int(*search.to_ms);
  if (search.after) {
    const std::string transcript = params.add_int(search.after->first);
    sql += " AND (s.transcript_id > " + transcript + " OR (s.transcript_id = " + transcript +
           " AND s.ordinal > " + params.add_int(search.after->second) + "))";
  }
  for (const LayerCondition& c : search.where) sql += condition_sql(c, tx.backend(), params);
  sql += " ORDER BY s.transcript_id, s.ordinal LIMIT " + params.add_int(search.limit);

  ASSIGN_OR_RETURN(Statement * s, tx.prepare(sql));
  params.bind(*s);
  SegmentHitPage page;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, s->step());
    if (!has_row) break;
    SegmentHit hit;
    hit.transcript_id = s->column_int64(0);
    hit.transcript_public_id = s->column_uuid(1);
    hit.video_public_id = s->column_uuid(2);
    hit.segment.ordinal = s->column_int64(3);
    hit.segment.start_ms = s->column_int64(4);
    hit.segment.end_ms = s->column_int64(5);
    if (!s->column_is_null(6)) hit.segment.speaker_public_id = s->column_uuid(6);
    hit.segment.speaker_label = s->column_optional_text(7);
    hit.segment.text = s->column_text(8);
    hit.segment.confidence = s->column_optional_double(9);
    page.items.push_back(std::move(hit));
  }
  s->reset();
  if (static_cast<int>(page.items.size()) == search.limit) {
    page.next_after = std::make_pair(page.items.back().transcript_id, page.items.back().segment.ordinal);
  }
  return page;
}

Result<std::vector<LayerAnalyticsRow>> LayerQuery::analytics(Transaction& tx, const TenantScope& scope,
                                                             const LayerAnalyticsQuery& query) {
  if (query.kind.empty() || query.kind.size() > 64) {
    return make_error(ErrorCode::invalid_argument, "a layer kind is needed", "kind");
  }
  if (query.bucket_ms && *query.bucket_ms < 1000) {
    return make_error(ErrorCode::invalid_argument, "a time bucket is at least 1 s", "bucket");
  }
  RETURN_IF_ERROR(tx.enter(scope));
  const bool by_video = std::find(query.by.begin(), query.by.end(), LayerGrouping::video) != query.by.end();
  const bool by_speaker = std::find(query.by.begin(), query.by.end(), LayerGrouping::speaker) != query.by.end();

  Params params;
  const std::string tenant = params.add_int(scope.tenant_id());
  const std::string kind = params.add_text(query.kind);
  // Every grouping column is always selected (NULL when not grouped by it), so the reader and
  // GROUP BY 1..6 stay the same whatever the request groups by.
  std::string sql = "SELECT ";
  sql += by_video ? "v.public_id, " : "NULL, ";
  sql += by_speaker ? "sp.public_id, sp.label, " : "NULL, NULL, ";
  if (query.bucket_ms) {
    const std::string bucket = params.add_int(*query.bucket_ms);
    sql += "(i.start_ms / " + bucket + ") * " + bucket + ", ";
  } else {
    sql += "NULL, ";
  }
  // CROSS JOIN: SQLite keeps this order (the transcripts, their current layer, its items) instead
  // of guessing, without statistics, that walking every item of the tenant is cheaper;
  // PostgreSQL reorders it freely (docs/performance.md, AI layers).
  sql += "i.label, count(*), avg(i.score) FROM transcripts t CROSS JOIN layers l CROSS JOIN layer_items i "
         "JOIN videos v ON v.tenant_id = t.tenant_id AND v.id = t.video_id ";
  if (by_speaker) {
    // An item's speaker is its first segment's: one sentiment per utterance has exactly one.
    sql += "LEFT JOIN segments s ON s.tenant_id = i.tenant_id AND s.transcript_id = i.transcript_id "
           "AND s.ordinal = i.segment_ordinal_first "
           "LEFT JOIN speakers sp ON sp.tenant_id = s.tenant_id AND sp.id = s.speaker_id ";
  }
  sql += "WHERE t.tenant_id = " + tenant + " AND l.tenant_id = t.tenant_id AND l.transcript_id = t.id "
         "AND i.tenant_id = l.tenant_id AND i.layer_id = l.id AND l.kind = " + kind +
         " AND l.id = " + current_layer_id("l.tenant_id", "l.transcript_id", "l.kind");
  ASSIGN_OR_RETURN(std::string transcripts,
                   transcript_filter(tx, scope, query.video, query.transcript, tenant, nullptr, params));
  sql += transcripts;
  sql += " GROUP BY 1, 2, 3, 4, 5";

  ASSIGN_OR_RETURN(Statement * s, tx.prepare(sql));
  params.bind(*s);
  std::vector<LayerAnalyticsRow> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, s->step());
    if (!has_row) break;
    LayerAnalyticsRow row;
    if (!s->column_is_null(0)) row.video = s->column_uuid(0);
    if (!s->column_is_null(1)) row.speaker = s->column_uuid(1);
    row.speaker_label = s->column_optional_text(2);
    row.bucket_start_ms = s->column_optional_int64(3);
    row.label = s->column_optional_text(4);
    row.count = s->column_int64(5);
    row.mean_score = s->column_optional_double(6);
    rows.push_back(std::move(row));
  }
  s->reset();
  // One order on both backends (they sort NULLs differently): absent values first.
  auto key = [](const LayerAnalyticsRow& r) {
    return std::make_tuple(r.video ? r.video->to_string() : std::string(), r.speaker ? r.speaker->to_string() : std::string(),
                           r.bucket_start_ms.value_or(-1), r.label.value_or(std::string()));
  };
  std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  return rows;
}

}  // namespace narralytica::store
