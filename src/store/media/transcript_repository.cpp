#include "store/media/transcript_repository.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "core/hashing.hpp"
#include "core/json_writer.hpp"
#include "store/media/detail/speaker_row.hpp"
#include "store/media/speaker_repository.hpp"
#include "store/media/transcript_revision.hpp"

namespace narralytica::store {
namespace {

// Segments are inserted this many rows per statement: on PostgreSQL one round trip per row
// would dominate; on SQLite a multi-row VALUES saves per-statement overhead. Measured in
// bench/segment_insert_bench (docs/performance.md).
constexpr int kSegmentBatchRows = 64;
constexpr int kSegmentColumnsPerRow = 7;  // bound per row; tenant, transcript and time are shared

constexpr const char* kSelectLatestRevision =
    "SELECT id, revision FROM transcripts WHERE tenant_id = $1 AND video_id = $2 AND language = $3 "
    "ORDER BY revision DESC LIMIT 1";
constexpr const char* kSelectByContent =
    "SELECT public_id FROM transcripts WHERE tenant_id = $1 AND video_id = $2 AND content_hash = $3";
constexpr const char* kInsertTranscript =
    "INSERT INTO transcripts (public_id, tenant_id, video_id, language, revision, previous_transcript_id, "
    "origin, engine, model, model_version, attachment_id, content_hash, segment_count, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id";
constexpr const char* kUpsertSpeaker =
    "INSERT INTO speakers (public_id, tenant_id, video_id, label, display_name, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (tenant_id, video_id, label) DO NOTHING";
constexpr const char* kSelectSpeakerId =
    "SELECT id FROM speakers WHERE tenant_id = $1 AND video_id = $2 AND label = $3";

#define TRANSCRIPT_SELECT                                                                            \
  "SELECT t.id, t.public_id, v.public_id, t.language, t.revision, p.public_id, t.origin, t.engine, " \
  "t.model, t.model_version, t.content_hash, t.segment_count, t.created_at FROM transcripts t "      \
  "JOIN videos v ON v.tenant_id = t.tenant_id AND v.id = t.video_id "                                \
  "LEFT JOIN transcripts p ON p.tenant_id = t.tenant_id AND p.id = t.previous_transcript_id "

constexpr const char* kSelectTranscript = TRANSCRIPT_SELECT "WHERE t.tenant_id = $1 AND t.public_id = $2";
constexpr const char* kSelectVideoTranscripts =
    TRANSCRIPT_SELECT "WHERE t.tenant_id = $1 AND t.video_id = $2 ORDER BY t.language, t.revision";
constexpr const char* kSelectByAttachment =
    TRANSCRIPT_SELECT "JOIN attachments a ON a.tenant_id = t.tenant_id AND a.id = t.attachment_id "
                      "WHERE t.tenant_id = $1 AND a.sha256 = $2 ORDER BY t.id LIMIT 1";
constexpr const char* kSelectByAttachmentOnVideo =
    TRANSCRIPT_SELECT "JOIN attachments a ON a.tenant_id = t.tenant_id AND a.id = t.attachment_id "
                      "WHERE t.tenant_id = $1 AND a.sha256 = $2 AND t.video_id = $3 ORDER BY t.id LIMIT 1";
#undef TRANSCRIPT_SELECT

constexpr const char* kHasNewerRevision =
    "SELECT 1 FROM transcripts WHERE tenant_id = $1 AND previous_transcript_id = $2 LIMIT 1";
constexpr const char* kSegmentsStored =
    "SELECT CAST(coalesce(sum(segment_count), 0) AS bigint) FROM transcripts WHERE tenant_id = $1";
constexpr const char* kDeleteTranscript = "DELETE FROM transcripts WHERE tenant_id = $1 AND id = $2";

#define SEGMENT_SELECT                                                                             \
  "SELECT s.ordinal, s.start_ms, s.end_ms, sp.public_id, sp.label, s.text, "                      \
  "s.confidence, s.words FROM segments s "                                                         \
  "LEFT JOIN speakers sp ON sp.tenant_id = s.tenant_id AND sp.id = s.speaker_id "                  \
  "WHERE s.tenant_id = $1 AND s.transcript_id = $2 AND s.ordinal > $3 AND s.end_ms >= $4 "         \
  "AND s.start_ms < $5 "
constexpr const char* kSelectSegments = SEGMENT_SELECT "ORDER BY s.ordinal LIMIT $6";
constexpr const char* kSelectSpeakerSegments =
    SEGMENT_SELECT "AND s.speaker_id = (SELECT id FROM speakers WHERE tenant_id = $1 AND public_id = $7) "
                   "ORDER BY s.ordinal LIMIT $6";
#undef SEGMENT_SELECT

constexpr const char* kSelectSpeakers =
    NARRALYTICA_SPEAKER_SELECT "WHERE s.tenant_id = $1 AND s.video_id = $2 ORDER BY s.id";
constexpr const char* kTenantOfTranscript =
    "SELECT n.public_id FROM transcripts t JOIN tenants n ON n.id = t.tenant_id WHERE t.public_id = $1";
constexpr const char* kRenameSpeaker =
    "UPDATE speakers SET display_name = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2";

// "INSERT ... VALUES (...), (...)" for `rows` segments. $1..$3 are shared (tenant, transcript,
// time); each row adds kSegmentColumnsPerRow parameters.
std::string segment_insert_sql(int rows) {
  std::string sql =
      "INSERT INTO segments (tenant_id, transcript_id, created_at, updated_at, ordinal, "
      "start_ms, end_ms, speaker_id, text, confidence, words) VALUES ";
  int p = 4;
  for (int r = 0; r < rows; ++r) {
    if (r) sql += ',';
    sql += "($1,$2,$3,$3";
    for (int c = 0; c < kSegmentColumnsPerRow; ++c) sql += ",$" + std::to_string(p++);
    sql += ')';
  }
  return sql;
}

// "INSERT INTO transcript_speakers ... VALUES ($1,$2,$3), ($1,$2,$4), ..." for `rows` speakers of
// one transcript ($1 tenant, $2 transcript).
std::string transcript_speakers_insert_sql(int rows) {
  std::string sql = "INSERT INTO transcript_speakers (tenant_id, transcript_id, speaker_id) VALUES ";
  for (int r = 0; r < rows; ++r) {
    if (r) sql += ',';
    sql += "($1,$2,$";
    sql += std::to_string(3 + r);
    sql += ')';
  }
  return sql;
}

// The statement for `rows` segments, rows one of kSegmentBatchSizes.
constexpr int kSegmentBatchSizes[] = {kSegmentBatchRows, 16, 4, 1};
const std::string& segment_insert_sql_for(int rows) {
  static const std::string sql[] = {segment_insert_sql(kSegmentBatchSizes[0]), segment_insert_sql(kSegmentBatchSizes[1]),
                                    segment_insert_sql(kSegmentBatchSizes[2]), segment_insert_sql(kSegmentBatchSizes[3])};
  for (std::size_t i = 0; i < std::size(kSegmentBatchSizes); ++i) {
    if (kSegmentBatchSizes[i] == rows) return sql[i];
  }
  return sql[std::size(kSegmentBatchSizes) - 1];
}

Transcript read_transcript(const Statement& s) {
  Transcript t;
  t.id = s.column_int64(0);
  t.public_id = s.column_uuid(1);
  t.video_public_id = s.column_uuid(2);
  t.language = s.column_text(3);
  t.revision = static_cast<int>(s.column_int64(4));
  t.previous_public_id = s.column_optional_uuid(5);
  t.origin = s.column_text(6);
  t.engine = s.column_optional_text(7);
  t.model = s.column_optional_text(8);
  t.model_version = s.column_optional_text(9);
  t.content_hash = to_hex(s.column_blob(10));
  t.segment_count = s.column_int64(11);
  t.created_at = s.column_int64(12);
  return t;
}

// The first row of a bound transcript query, if any; leaves the statement reset for reuse.
Result<std::optional<Transcript>> first_transcript(Statement& s) {
  ASSIGN_OR_RETURN(bool found, s.step());
  std::optional<Transcript> transcript;
  if (found) transcript = read_transcript(s);
  s.reset();
  return transcript;
}

Status validate(const TranscriptDraft& draft) {
  if (draft.language.size() < 2 || draft.language.size() > 35) {
    return make_error(ErrorCode::invalid_argument, "a language is a BCP 47 tag such as 'en'", "language");
  }
  static constexpr std::string_view origins[] = {"asr", "human", "import", "edit"};
  if (std::find(std::begin(origins), std::end(origins), draft.origin) == std::end(origins)) {
    return make_error(ErrorCode::invalid_argument, "origin must be asr, human, import or edit", "origin");
  }
  if (draft.segments.size() > kTranscriptSegmentsMax) {
    return make_error(ErrorCode::resource_exhausted,
                      "a transcript has at most " + std::to_string(kTranscriptSegmentsMax) + " segments", "segments");
  }
  for (std::size_t i = 0; i < draft.segments.size(); ++i) {
    const SegmentDraft& s = draft.segments[i];
    auto field = [&](const char* name) { return "segments[" + std::to_string(i) + "]." + name; };
    if (s.start_ms < 0) return make_error(ErrorCode::invalid_argument, "start_ms cannot be negative", field("start_ms"));
    if (s.end_ms < s.start_ms) {
      return make_error(ErrorCode::invalid_argument,
                        "end_ms " + std::to_string(s.end_ms) + " is before start_ms " + std::to_string(s.start_ms),
                        field("end_ms"));
    }
    if (s.text.empty()) return make_error(ErrorCode::invalid_argument, "a segment's text cannot be empty", field("text"));
    if (s.text.size() > kSegmentTextLengthMax) {
      return make_error(ErrorCode::invalid_argument, "a segment's text is at most 100000 bytes", field("text"));
    }
    if (s.confidence && !(*s.confidence >= 0.0 && *s.confidence <= 1.0)) {
      return make_error(ErrorCode::invalid_argument, "confidence must be between 0 and 1", field("confidence"));
    }
    if (s.speaker_label.size() > 200) {
      return make_error(ErrorCode::invalid_argument, "a speaker label is at most 200 characters", field("speaker"));
    }
  }
  return ok_status();
}

// Label -> speaker id for every label the draft uses, creating the missing speakers.
Result<std::map<std::string, std::int64_t>> resolve_speakers(Transaction& tx, const TenantScope& scope,
                                                             const Video& video, const TranscriptDraft& draft) {
  std::map<std::string, std::int64_t> ids;
  std::map<std::string, std::string> names(draft.speaker_names.begin(), draft.speaker_names.end());
  for (const SegmentDraft& segment : draft.segments) {
    if (!segment.speaker_label.empty()) ids.emplace(segment.speaker_label, 0);
  }
  for (auto& [label, id] : ids) {
    ASSIGN_OR_RETURN(Statement * upsert, tx.prepare(kUpsertSpeaker));
    upsert->bind_uuid(1, tx.new_id());
    upsert->bind_int64(2, scope.tenant_id());
    upsert->bind_int64(3, video.id);
    upsert->bind_text(4, label);
    if (auto name = names.find(label); name != names.end() && !name->second.empty()) {
      upsert->bind_text(5, name->second);
    } else {
      upsert->bind_null(5);
    }
    upsert->bind_int64(6, tx.now_us());
    RETURN_IF_ERROR(upsert->execute());
    ASSIGN_OR_RETURN(Statement * select, tx.prepare(kSelectSpeakerId));
    select->bind_int64(1, scope.tenant_id());
    select->bind_int64(2, video.id);
    select->bind_text(3, label);
    ASSIGN_OR_RETURN(bool found, select->step());
    if (!found) return make_error(ErrorCode::internal, "speaker vanished after insert: " + label);
    id = select->column_int64(0);
    select->reset();
  }
  return ids;
}

void bind_segment(Statement& s, int first, std::int64_t ordinal, const SegmentDraft& segment,
                  const std::map<std::string, std::int64_t>& speakers) {
  s.bind_int64(first, ordinal);
  s.bind_int64(first + 1, segment.start_ms);
  s.bind_int64(first + 2, segment.end_ms);
  if (segment.speaker_label.empty()) {
    s.bind_null(first + 3);
  } else {
    s.bind_int64(first + 3, speakers.at(segment.speaker_label));
  }
  s.bind_text(first + 4, segment.text);
  s.bind_optional_double(first + 5, segment.confidence);
  if (segment.words_json.empty()) s.bind_null(first + 6); else s.bind_json(first + 6, segment.words_json);
}

// The transcript's speakers, before its segments: each segment's speaker key refers to its own
// transcript's row (decision 0010). Up to kSegmentBatchRows per statement, usually one statement.
Status insert_transcript_speakers(Transaction& tx, const TenantScope& scope, std::int64_t transcript_id,
                                  const std::map<std::string, std::int64_t>& speakers) {
  std::vector<std::int64_t> ids;
  ids.reserve(speakers.size());
  for (const auto& [label, id] : speakers) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (std::size_t next = 0; next < ids.size();) {
    const std::size_t rows = std::min(ids.size() - next, static_cast<std::size_t>(kSegmentBatchRows));
    ASSIGN_OR_RETURN(Statement * s, tx.prepare(transcript_speakers_insert_sql(static_cast<int>(rows))));
    s->bind_int64(1, scope.tenant_id());
    s->bind_int64(2, transcript_id);
    for (std::size_t r = 0; r < rows; ++r) s->bind_int64(3 + static_cast<int>(r), ids[next + r]);
    RETURN_IF_ERROR(s->execute());
    next += rows;
  }
  return ok_status();
}

// Copied segments: runs of consecutive ordinals of the source transcript, each shifted by one
// delta; the untouched segments of a 1% edit make ~300 runs. Each run is one index range scan of
// the source: the runs drive the join (an engine that started from the segments would test every
// source row against every run).
struct CopyRun {
  std::int64_t first = 0;  // source ordinals first..last
  std::int64_t last = 0;
  std::int64_t delta = 0;  // new ordinal - source ordinal
  std::size_t index = 0;   // the draft's index of the first, for errors
};

#define SEGMENT_COPY_INSERT                                                                         \
  "INSERT INTO segments (tenant_id, transcript_id, created_at, updated_at, ordinal, start_ms, "     \
  "end_ms, speaker_id, text, confidence, words) SELECT s.tenant_id, CAST($2 AS bigint), "           \
  "CAST($3 AS bigint), CAST($3 AS bigint), s.ordinal + r.delta, s.start_ms, s.end_ms, s.speaker_id, " \
  "s.text, s.confidence, s.words FROM "
// PostgreSQL: every run in one statement, as three arrays ($5 first, $6 last, $7 delta); the
// lateral subquery (kept apart by OFFSET 0) makes each run an index scan, which the planner would
// not choose by itself under row-level security (it takes the segments for one row).
constexpr const char* kCopySegmentsPostgres =
    SEGMENT_COPY_INSERT
    "unnest(CAST($5 AS bigint[]), CAST($6 AS bigint[]), CAST($7 AS bigint[])) AS r(first_ordinal, last_ordinal, "
    "delta) CROSS JOIN LATERAL (SELECT g.tenant_id, g.ordinal, g.start_ms, g.end_ms, g.speaker_id, g.text, "
    "g.confidence, g.words FROM segments g WHERE g.tenant_id = CAST($1 AS bigint) AND g.transcript_id = CAST($4 AS "
    "bigint) AND g.ordinal BETWEEN r.first_ordinal AND r.last_ordinal OFFSET 0) AS s";
#undef SEGMENT_COPY_INSERT

// SQLite: kSegmentCopyRuns runs per statement as VALUES rows ($5.. three per run; unused places
// are empty ranges, so one statement text serves every edit); CROSS JOIN keeps the runs outside.
constexpr int kSegmentCopyRuns = 64;
const std::string& copy_segments_sqlite_sql() {
  static const std::string sql = [] {
    std::string text =
        "INSERT INTO segments (tenant_id, transcript_id, created_at, updated_at, ordinal, start_ms, end_ms, "
        "speaker_id, text, confidence, words) SELECT s.tenant_id, $2, $3, $3, s.ordinal + r.column3, s.start_ms, "
        "s.end_ms, s.speaker_id, s.text, s.confidence, s.words FROM (VALUES ";
    for (int r = 0, p = 5; r < kSegmentCopyRuns; ++r, p += 3) {
      if (r) text += ',';
      text += "($" + std::to_string(p) + ",$" + std::to_string(p + 1) + ",$" + std::to_string(p + 2) + ")";
    }
    text += ") AS r CROSS JOIN segments s WHERE s.tenant_id = $1 AND s.transcript_id = $4 "
            "AND s.ordinal BETWEEN r.column1 AND r.column2";
    return text;
  }();
  return sql;
}

std::string postgres_array(const std::vector<CopyRun>& runs, std::int64_t CopyRun::*member) {
  std::string text = "{";
  for (const CopyRun& run : runs) {
    if (text.size() > 1) text += ',';
    text += std::to_string(run.*member);
  }
  return text + "}";
}

std::vector<CopyRun> copy_runs(const SegmentCopies& copies) {
  std::vector<CopyRun> runs;
  for (std::size_t i = 0; i < copies.source_ordinals.size(); ++i) {
    const auto& source = copies.source_ordinals[i];
    if (!source) continue;
    const auto delta = static_cast<std::int64_t>(i) - *source;
    if (!runs.empty() && runs.back().last + 1 == *source && runs.back().delta == delta &&
        copies.source_ordinals[i - 1]) {
      runs.back().last = *source;
    } else {
      runs.push_back(CopyRun{*source, *source, delta, i});
    }
  }
  return runs;
}

Error at_segment(Error error, std::size_t index) {
  error.field = "segments[" + std::to_string(index) + "]: " + error.field;
  return error;
}

// The segments `copies` names, copied inside the database; the count copied must be the count
// named (the source is an immutable revision, so anything else is a caller's mistake).
Status copy_segments(Transaction& tx, const TenantScope& scope, std::int64_t transcript_id,
                     const SegmentCopies& copies) {
  const std::vector<CopyRun> runs = copy_runs(copies);
  if (runs.empty()) return ok_status();
  std::int64_t expected = 0;
  for (const CopyRun& run : runs) expected += run.last - run.first + 1;
  std::int64_t copied = 0;
  auto bind_shared = [&](Statement& s) {
    s.bind_int64(1, scope.tenant_id());
    s.bind_int64(2, transcript_id);
    s.bind_int64(3, tx.now_us());
    s.bind_int64(4, copies.from_transcript);
  };
  if (tx.backend() == Backend::postgres) {
    ASSIGN_OR_RETURN(Statement * s, tx.prepare(kCopySegmentsPostgres));
    bind_shared(*s);
    s->bind_text(5, postgres_array(runs, &CopyRun::first));
    s->bind_text(6, postgres_array(runs, &CopyRun::last));
    s->bind_text(7, postgres_array(runs, &CopyRun::delta));
    auto done = s->execute();
    if (!done.ok()) return at_segment(std::move(done).error(), runs.front().index);
    copied = *done;
  }
  for (std::size_t next = 0; tx.backend() != Backend::postgres && next < runs.size(); next += kSegmentCopyRuns) {
    ASSIGN_OR_RETURN(Statement * s, tx.prepare(copy_segments_sqlite_sql()));
    bind_shared(*s);
    for (int r = 0; r < kSegmentCopyRuns; ++r) {
      const std::size_t k = next + static_cast<std::size_t>(r);
      const CopyRun run = k < runs.size() ? runs[k] : CopyRun{1, 0, 0, 0};  // padding: an empty range
      s->bind_int64(5 + 3 * r, run.first);
      s->bind_int64(6 + 3 * r, run.last);
      s->bind_int64(7 + 3 * r, run.delta);
    }
    auto done = s->execute();
    if (!done.ok()) return at_segment(std::move(done).error(), runs[next].index);
    copied += *done;
  }
  if (copied != expected) {
    return make_error(ErrorCode::internal,
                      "copied " + std::to_string(copied) + " stored segments of the " + std::to_string(expected) +
                          " the draft names",
                      "segments");
  }
  return ok_status();
}

// The segments bound from the process: every one `copies` does not name, in statements of
// kSegmentBatchSizes rows, the largest that fits what is left (an edit's 290 touched segments
// make 4 + 2 + 0 + 2 statements, not 4 + 34: on PostgreSQL each is a round trip).
Status insert_segments(Transaction& tx, const TenantScope& scope, std::int64_t transcript_id,
                       const TranscriptDraft& draft, const SegmentCopies* copies,
                       const std::map<std::string, std::int64_t>& speakers) {
  const UnixMicros now = tx.now_us();
  std::vector<std::size_t> bound;
  bound.reserve(draft.segments.size());
  for (std::size_t i = 0; i < draft.segments.size(); ++i) {
    if (!copies || !copies->source_ordinals[i]) bound.push_back(i);
  }
  std::size_t next = 0;
  for (const int rows : kSegmentBatchSizes) {
    while (bound.size() - next >= static_cast<std::size_t>(rows)) {
      ASSIGN_OR_RETURN(Statement * s, tx.prepare(segment_insert_sql_for(rows)));
      s->bind_int64(1, scope.tenant_id());
      s->bind_int64(2, transcript_id);
      s->bind_int64(3, now);
      for (int r = 0; r < rows; ++r) {
        const std::size_t i = bound[next + static_cast<std::size_t>(r)];
        bind_segment(*s, 4 + r * kSegmentColumnsPerRow, static_cast<std::int64_t>(i), draft.segments[i], speakers);
      }
      if (auto done = s->execute(); !done.ok()) return at_segment(std::move(done).error(), bound[next]);
      next += static_cast<std::size_t>(rows);
    }
  }
  return copies ? copy_segments(tx, scope, transcript_id, *copies) : ok_status();
}

}  // namespace

std::string transcript_content_hash(const TranscriptDraft& draft) {
  Sha256 h;
  h.update_field(draft.language);
  for (const SegmentDraft& s : draft.segments) {
    h.update_field(std::to_string(s.start_ms));
    h.update_field(std::to_string(s.end_ms));
    h.update_field(s.speaker_label);
    h.update_field(s.text);
    h.update_field(s.words_json);
  }
  return h.finish();
}

namespace {

// TranscriptRepository::create and create_transcript_copying: `copies` null writes every segment.
Result<TranscriptWrite> create_transcript(Transaction& tx, const TenantScope& scope, const Video& video,
                                          const TranscriptDraft& draft, const SegmentCopies* copies) {
  RETURN_IF_ERROR(validate(draft));
  if (copies && copies->source_ordinals.size() != draft.segments.size()) {
    return make_error(ErrorCode::internal,
                      "the copies name " + std::to_string(copies->source_ordinals.size()) + " segments of a draft of " +
                          std::to_string(draft.segments.size()),
                      "segments");
  }
  RETURN_IF_ERROR(tx.enter(scope));
  const std::string content_hash = transcript_content_hash(draft);

  ASSIGN_OR_RETURN(Statement * existing, tx.prepare(kSelectByContent));
  existing->bind_int64(1, scope.tenant_id());
  existing->bind_int64(2, video.id);
  existing->bind_blob(3, content_hash);
  ASSIGN_OR_RETURN(bool exists, existing->step());
  if (exists) {
    const Uuid id = existing->column_uuid(0);
    existing->reset();
    ASSIGN_OR_RETURN(Transcript transcript, TranscriptRepository::get(tx, scope, id));
    return TranscriptWrite{std::move(transcript), false};
  }

  ASSIGN_OR_RETURN(Statement * latest, tx.prepare(kSelectLatestRevision));
  latest->bind_int64(1, scope.tenant_id());
  latest->bind_int64(2, video.id);
  latest->bind_text(3, draft.language);
  ASSIGN_OR_RETURN(bool has_previous, latest->step());
  std::int64_t previous_id = 0;  // 0: none (ids start at 1)
  int revision = 1;
  if (has_previous) {
    previous_id = latest->column_int64(0);
    revision = static_cast<int>(latest->column_int64(1)) + 1;
  }
  latest->reset();

  ASSIGN_OR_RETURN(auto speakers, resolve_speakers(tx, scope, video, draft));

  Transcript t;
  t.public_id = tx.new_id();
  t.video_public_id = video.public_id;
  t.language = draft.language;
  t.revision = revision;
  t.origin = draft.origin;
  t.engine = draft.engine;
  t.model = draft.model;
  t.model_version = draft.model_version;
  t.content_hash = to_hex(content_hash);
  t.segment_count = static_cast<std::int64_t>(draft.segments.size());
  t.created_at = tx.now_us();
  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertTranscript));
  insert->bind_uuid(1, t.public_id);
  insert->bind_int64(2, scope.tenant_id());
  insert->bind_int64(3, video.id);
  insert->bind_text(4, t.language);
  insert->bind_int64(5, t.revision);
  if (has_previous) insert->bind_int64(6, previous_id); else insert->bind_null(6);
  insert->bind_text(7, t.origin);
  insert->bind_optional_text(8, t.engine);
  insert->bind_optional_text(9, t.model);
  insert->bind_optional_text(10, t.model_version);
  insert->bind_optional_int64(11, draft.attachment_id);
  insert->bind_blob(12, content_hash);
  insert->bind_int64(13, t.segment_count);
  insert->bind_int64(14, t.created_at);
  ASSIGN_OR_RETURN(bool inserted, insert->step());
  if (!inserted) return make_error(ErrorCode::internal, "transcript insert returned no id");
  t.id = insert->column_int64(0);
  insert->reset();
  RETURN_IF_ERROR(insert_transcript_speakers(tx, scope, t.id, speakers));
  RETURN_IF_ERROR(insert_segments(tx, scope, t.id, draft, copies, speakers));
  if (has_previous) {
    ASSIGN_OR_RETURN(Transcript stored, TranscriptRepository::get(tx, scope, t.public_id));
    t.previous_public_id = stored.previous_public_id;
  }
  JsonObject payload;
  payload.add("video", video.public_id.to_string()).add("language", t.language).add("revision", t.revision)
      .add("segment_count", t.segment_count);
  // An edit is a change of its own kind for the feed's readers; search re-projects the video on
  // any "transcript." event (search/projection.cpp), so it follows edits as it follows imports.
  const bool edited = t.origin == "edit";
  if (edited) {
    if (t.previous_public_id) payload.add("previous", t.previous_public_id->to_string());
    payload.add_optional("operations", draft.edit_operations);
  }
  tx.record_change(scope, edited ? "transcript.edited" : "transcript.created", "transcript", t.public_id,
                   payload.str());
  return TranscriptWrite{std::move(t), true};
}

}  // namespace

Result<TranscriptWrite> TranscriptRepository::create(Transaction& tx, const TenantScope& scope, const Video& video,
                                                     const TranscriptDraft& draft) {
  return create_transcript(tx, scope, video, draft, nullptr);
}

Result<TranscriptWrite> create_transcript_copying(Transaction& tx, const TenantScope& scope, const Video& video,
                                                  const TranscriptDraft& draft, const SegmentCopies& copies) {
  return create_transcript(tx, scope, video, draft, &copies);
}

Result<Transcript> TranscriptRepository::get(Transaction& tx, const TenantScope& scope, const Uuid& public_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectTranscript));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, public_id);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no transcript " + public_id.to_string(), "transcript");
  Transcript t = read_transcript(*s);
  s->reset();
  return t;
}

Result<std::optional<Transcript>> TranscriptRepository::find_by_attachment(Transaction& tx, const TenantScope& scope,
                                                                          std::string_view sha256) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectByAttachment));
  s->bind_int64(1, scope.tenant_id());
  s->bind_blob(2, sha256);
  return first_transcript(*s);
}

Result<std::optional<Transcript>> TranscriptRepository::find_by_attachment_on_video(Transaction& tx,
                                                                                   const TenantScope& scope,
                                                                                   const Video& video,
                                                                                   std::string_view sha256) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectByAttachmentOnVideo));
  s->bind_int64(1, scope.tenant_id());
  s->bind_blob(2, sha256);
  s->bind_int64(3, video.id);
  return first_transcript(*s);
}

Result<std::vector<Transcript>> TranscriptRepository::list_for_video(Transaction& tx, const TenantScope& scope,
                                                                     const Video& video) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectVideoTranscripts));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, video.id);
  return s->collect(read_transcript);
}

Result<std::int64_t> TranscriptRepository::segments_stored(Transaction& tx, const TenantScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSegmentsStored));
  s->bind_int64(1, scope.tenant_id());
  ASSIGN_OR_RETURN(bool has_row, s->step());
  const std::int64_t total = has_row ? s->column_int64(0) : 0;
  s->reset();
  return total;
}

Status TranscriptRepository::remove(Transaction& tx, const TenantScope& scope, const Uuid& public_id) {
  ASSIGN_OR_RETURN(Transcript t, get(tx, scope, public_id));
  ASSIGN_OR_RETURN(Statement * newer, tx.prepare(kHasNewerRevision));
  newer->bind_int64(1, scope.tenant_id());
  newer->bind_int64(2, t.id);
  ASSIGN_OR_RETURN(bool has_newer, newer->step());
  newer->reset();
  if (has_newer) {
    return make_error(ErrorCode::conflict,
                      "revision " + std::to_string(t.revision) +
                          " has a newer revision built on it; delete the newer revision first",
                      "transcript");
  }
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kDeleteTranscript));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, t.id);
  RETURN_IF_ERROR(s->execute());
  tx.record_change(scope, "transcript.deleted", "transcript", t.public_id,
                   JsonObject().add("video", t.video_public_id.to_string()).add("revision", t.revision).str());
  return ok_status();
}

Result<SegmentPage> TranscriptRepository::segments(Transaction& tx, const TenantScope& scope,
                                                   const Transcript& transcript, const SegmentQuery& query) {
  RETURN_IF_ERROR(check_page_limit(query.limit));
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(query.speaker_public_id ? kSelectSpeakerSegments : kSelectSegments));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, transcript.id);
  s->bind_int64(3, query.after_ordinal.value_or(-1));
  s->bind_int64(4, query.from_ms.value_or(-1));
  s->bind_int64(5, query.to_ms.value_or(std::numeric_limits<std::int64_t>::max()));
  s->bind_int64(6, query.limit);
  if (query.speaker_public_id) s->bind_uuid(7, *query.speaker_public_id);
  SegmentPage page;
  ASSIGN_OR_RETURN(page.items, s->collect([](const Statement& row) {
    return Segment{row.column_int64(0), row.column_int64(1), row.column_int64(2),
                   row.column_optional_uuid(3), row.column_optional_text(4), row.column_text(5),
                   row.column_optional_double(6), row.column_optional_text(7)};
  }));
  if (static_cast<int>(page.items.size()) == query.limit) page.next_after_ordinal = page.items.back().ordinal;
  return page;
}

Result<std::vector<Speaker>> TranscriptRepository::speakers(Transaction& tx, const TenantScope& scope,
                                                            const Video& video) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectSpeakers));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, video.id);
  return s->collect(detail::read_speaker);
}

Result<Uuid> TranscriptRepository::tenant_of(Transaction& tx, const SystemScope& scope, const Uuid& transcript) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kTenantOfTranscript));
  s->bind_uuid(1, transcript);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no transcript " + transcript.to_string(), "transcript");
  const Uuid tenant = s->column_uuid(0);
  s->reset();
  return tenant;
}

Result<Speaker> TranscriptRepository::rename_speaker(Transaction& tx, const TenantScope& scope, const Uuid& speaker_id,
                                                     std::string_view display_name) {
  if (display_name.find_first_not_of(" \t\r\n") == std::string_view::npos || display_name.size() > 200) {
    return make_error(ErrorCode::invalid_argument, "a display name is 1 to 200 characters, not blank", "display_name");
  }
  ASSIGN_OR_RETURN(Speaker speaker, SpeakerRepository::get(tx, scope, speaker_id));
  ASSIGN_OR_RETURN(Statement * update, tx.prepare(kRenameSpeaker));
  update->bind_int64(1, scope.tenant_id());
  update->bind_int64(2, speaker.id);
  update->bind_text(3, display_name);
  update->bind_int64(4, tx.now_us());
  RETURN_IF_ERROR(update->execute());
  speaker.display_name = std::string(display_name);
  tx.record_change(scope, "speaker.renamed", "speaker", speaker.public_id,
                   JsonObject().add("label", speaker.label).add("display_name", display_name).str());
  return speaker;
}

}  // namespace narralytica::store
