#include "store/media/conversation_repository.hpp"

namespace narralytica::store {
namespace {

// The person of speaker `s` (as `p`), and "speaker `s` is person $N": the only two places that
// know how a speaker links to its person (the people model, migration 0012: person_speakers).
#define PERSON_OF_SPEAKER                                                                       \
  " LEFT JOIN person_speakers ps ON ps.tenant_id = s.tenant_id AND ps.speaker_id = s.id"        \
  " LEFT JOIN people p ON p.tenant_id = ps.tenant_id AND p.id = ps.person_id "
#define SPEAKER_IS_PERSON(param)                                                                \
  " EXISTS (SELECT 1 FROM person_speakers ps2 WHERE ps2.tenant_id = s.tenant_id AND ps2.speaker_id = s.id" \
  " AND ps2.person_id = " param ") "

constexpr const char* kSegments =
    "SELECT start_ms, end_ms, speaker_id, text, words FROM segments WHERE tenant_id = $1 AND transcript_id = $2 "
    "ORDER BY ordinal";
constexpr const char* kSpeakers =
    "SELECT s.id, s.public_id, s.label, s.display_name, p.id, p.public_id, p.name "
    "FROM speakers s" PERSON_OF_SPEAKER "WHERE s.tenant_id = $1 AND s.video_id = $2";
constexpr const char* kSpeaker =
    "SELECT s.id, s.public_id, s.label, s.display_name, p.id, p.public_id, p.name, "
    "v.public_id FROM speakers s JOIN videos v ON v.tenant_id = s.tenant_id AND v.id = s.video_id"
    PERSON_OF_SPEAKER "WHERE s.tenant_id = $1 AND s.public_id = $2";
// A person, or the survivor a merged person points to.
constexpr const char* kPerson =
    "SELECT p.id, p.public_id, p.name, m.public_id FROM people p "
    "LEFT JOIN people m ON m.tenant_id = p.tenant_id AND m.id = p.merged_into_id "
    "WHERE p.tenant_id = $1 AND p.public_id = $2";
constexpr int kMergeHopsMax = 16;

constexpr const char* kDeleteVideoConversation = "DELETE FROM conversation_transcripts WHERE tenant_id = $1 AND video_id = $2";
constexpr const char* kDeleteTenant = "DELETE FROM conversation_transcripts WHERE tenant_id = $1";
constexpr const char* kInsertConversationTranscript =
    "INSERT INTO conversation_transcripts (tenant_id, transcript_id, video_id, timing, span_ms, speech_ms, "
    "overlap_ms, turns, speaker_changes, talk_ms, words, interruptions, overlap_turns, questions, offsets, computed_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
constexpr const char* kInsertSpeaker =
    "INSERT INTO conversation_speakers (tenant_id, transcript_id, slot, speaker_id, talk_ms, words, turns, turn_ms, "
    "longest_turn_ms, interruptions, interrupted, overlap_turns, overlap_ms, questions, offsets) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
constexpr const char* kMeasured =
    "SELECT transcript_id FROM conversation_transcripts WHERE tenant_id = $1 ORDER BY transcript_id";

// The scope's filter over `ct` (conversation_transcripts) and `v` (its video). Parameters are
// typed so that PostgreSQL can plan "$n IS NULL": $2 collection, $3 tag, $4 published at or
// after, $5 published before, $6 person.
#define SCOPE_FILTER                                                                                          \
  " WHERE ct.tenant_id = $1"                                                                                  \
  " AND (CAST($2 AS bigint) IS NULL OR ct.video_id IN (SELECT video_id FROM collection_videos "               \
  "WHERE tenant_id = $1 AND collection_id = $2))"                                                             \
  " AND (CAST($3 AS TEXT) IS NULL OR ct.video_id IN (SELECT video_id FROM video_tags "                        \
  "WHERE tenant_id = $1 AND tag = $3))"                                                                       \
  " AND (CAST($4 AS bigint) IS NULL OR v.published_at >= $4)"                                                 \
  " AND (CAST($5 AS bigint) IS NULL OR v.published_at < $5)"                                                  \
  " AND (CAST($6 AS bigint) IS NULL OR ct.transcript_id IN (SELECT cs2.transcript_id FROM conversation_speakers " \
  "cs2 JOIN speakers s ON s.tenant_id = cs2.tenant_id AND s.id = cs2.speaker_id WHERE cs2.tenant_id = $1 AND"  \
  SPEAKER_IS_PERSON("$6") "))"

constexpr const char* kTranscriptsIn =
    "SELECT ct.transcript_id, ct.video_id, ct.timing, ct.span_ms, ct.speech_ms, ct.overlap_ms, ct.turns, "
    "ct.speaker_changes, ct.talk_ms, ct.words, ct.interruptions, ct.overlap_turns, ct.questions, ct.offsets "
    "FROM conversation_transcripts ct JOIN videos v ON v.tenant_id = ct.tenant_id AND v.id = ct.video_id"
    SCOPE_FILTER " ORDER BY ct.transcript_id";
constexpr const char* kSpeakersIn =
    "SELECT cs.transcript_id, cs.slot, cs.speaker_id, cs.talk_ms, cs.words, cs.turns, cs.turn_ms, "
    "cs.longest_turn_ms, cs.interruptions, cs.interrupted, cs.overlap_turns, cs.overlap_ms, cs.questions, cs.offsets, "
    "s.public_id, s.label, s.display_name, p.id, p.public_id, p.name, v.public_id, "
    "v.title, v.published_at "
    "FROM conversation_speakers cs "
    "JOIN conversation_transcripts ct ON ct.tenant_id = cs.tenant_id AND ct.transcript_id = cs.transcript_id "
    "JOIN videos v ON v.tenant_id = ct.tenant_id AND v.id = ct.video_id "
    "LEFT JOIN speakers s ON s.tenant_id = cs.tenant_id AND s.id = cs.speaker_id" PERSON_OF_SPEAKER
    SCOPE_FILTER " ORDER BY cs.transcript_id, cs.slot";

#undef SCOPE_FILTER
#undef SPEAKER_IS_PERSON
#undef PERSON_OF_SPEAKER

std::optional<PersonRef> read_person(const Statement& s, int column) {
  if (s.column_is_null(column)) return std::nullopt;
  return PersonRef{s.column_int64(column), s.column_uuid(column + 1), s.column_text(column + 2)};
}

ConversationSpeaker read_speaker(const Statement& s) {
  return ConversationSpeaker{s.column_int64(0), s.column_uuid(1), s.column_text(2), s.column_optional_text(3),
                             read_person(s, 4)};
}

void bind_scope(Statement& s, std::int64_t tenant_id, const ConversationScope& filter) {
  s.bind_int64(1, tenant_id);
  s.bind_optional_int64(2, filter.collection_id);
  s.bind_optional_text(3, filter.tag);
  s.bind_optional_int64(4, filter.published_after);
  s.bind_optional_int64(5, filter.published_before);
  s.bind_optional_int64(6, filter.person_id);
}

}  // namespace

Result<std::vector<ConversationSegment>> ConversationRepository::segments(Transaction& tx, const TenantScope& scope,
                                                                          const Transcript& transcript,
                                                                          const ConversationWordsReader& on_words) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSegments));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, transcript.id);
  std::vector<ConversationSegment> segments;
  segments.reserve(static_cast<std::size_t>(transcript.segment_count));
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->step());
    if (!row) break;
    if (segments.size() >= kTranscriptSegmentsMax) {
      s->reset();
      return make_error(ErrorCode::resource_exhausted, "a transcript has at most " +
                                                           std::to_string(kTranscriptSegmentsMax) + " segments");
    }
    ConversationSegment& segment = segments.emplace_back();
    segment.start_ms = s->column_int64(0);
    segment.end_ms = s->column_int64(1);
    segment.speaker_id = s->column_optional_int64(2);
    segment.text = s->column_text(3);
    if (!s->column_is_null(4)) {
      if (Status read = on_words(segments.size() - 1, s->column_text(4)); !read.ok()) {
        s->reset();
        return read.error();
      }
    }
  }
  s->reset();
  return segments;
}

Result<std::vector<ConversationSpeaker>> ConversationRepository::speakers(Transaction& tx, const TenantScope& scope,
                                                                          std::int64_t video_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSpeakers));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, video_id);
  return s->collect(read_speaker);
}

Result<PersonRef> ConversationRepository::person(Transaction& tx, const TenantScope& scope, const Uuid& public_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  Uuid wanted = public_id;
  for (int hop = 0; hop < kMergeHopsMax; ++hop) {
    ASSIGN_OR_RETURN(Statement * s, tx.prepare(kPerson));
    s->bind_int64(1, scope.tenant_id());
    s->bind_uuid(2, wanted);
    ASSIGN_OR_RETURN(bool found, s->step());
    if (!found) return make_error(ErrorCode::not_found, "no person " + public_id.to_string(), "person");
    PersonRef person{s->column_int64(0), s->column_uuid(1), s->column_text(2)};
    const std::optional<Uuid> survivor = s->column_optional_uuid(3);
    s->reset();
    if (!survivor) return person;
    wanted = *survivor;
  }
  return make_error(ErrorCode::internal, "person " + public_id.to_string() + " was merged too many times", "person");
}

Result<std::pair<ConversationSpeaker, Uuid>> ConversationRepository::speaker(Transaction& tx,
                                                                             const TenantScope& scope,
                                                                             const Uuid& public_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSpeaker));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, public_id);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no speaker " + public_id.to_string(), "speaker");
  auto result = std::make_pair(read_speaker(*s), s->column_uuid(7));
  s->reset();
  return result;
}

Status ConversationRepository::replace_video(Transaction& tx, const TenantScope& scope, std::int64_t video_id,
                                             const std::optional<MeasuredTranscript>& measured) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * remove, tx.prepare(kDeleteVideoConversation));
  remove->bind_int64(1, scope.tenant_id());
  remove->bind_int64(2, video_id);
  RETURN_IF_ERROR(remove->execute());
  if (!measured) return ok_status();
  const MeasuredTranscript& m = *measured;
  ASSIGN_OR_RETURN(Statement * t, tx.prepare(kInsertConversationTranscript));
  t->bind_int64(1, scope.tenant_id());
  t->bind_int64(2, m.transcript_id);
  t->bind_int64(3, video_id);
  t->bind_text(4, m.timing);
  int column = 5;
  for (std::int64_t value : {m.span_ms, m.speech_ms, m.overlap_ms, m.turns, m.speaker_changes, m.talk_ms, m.words,
                             m.interruptions, m.overlaps, m.questions}) {
    t->bind_int64(column++, value);
  }
  t->bind_blob(15, m.offsets);
  t->bind_int64(16, tx.now_us());
  RETURN_IF_ERROR(t->execute());
  for (const MeasuredSpeaker& speaker : m.speakers) {
    ASSIGN_OR_RETURN(Statement * s, tx.prepare(kInsertSpeaker));
    s->bind_int64(1, scope.tenant_id());
    s->bind_int64(2, m.transcript_id);
    s->bind_int64(3, speaker.slot);
    s->bind_optional_int64(4, speaker.speaker_id);
    column = 5;
    for (std::int64_t value : {speaker.talk_ms, speaker.words, speaker.turns, speaker.turn_ms, speaker.longest_turn_ms,
                               speaker.interruptions, speaker.interrupted, speaker.overlaps, speaker.overlap_ms,
                               speaker.questions}) {
      s->bind_int64(column++, value);
    }
    s->bind_blob(15, speaker.offsets);
    RETURN_IF_ERROR(s->execute());
  }
  return ok_status();
}

Status ConversationRepository::clear(Transaction& tx, const TenantScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kDeleteTenant));
  s->bind_int64(1, scope.tenant_id());
  RETURN_IF_ERROR(s->execute());
  return ok_status();
}

Result<std::vector<MeasuredTranscript>> ConversationRepository::transcripts_in(Transaction& tx,
                                                                               const TenantScope& scope,
                                                                               const ConversationScope& filter) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kTranscriptsIn));
  bind_scope(*s, scope.tenant_id(), filter);
  return s->collect([](const Statement& row) {
    MeasuredTranscript m;
    m.transcript_id = row.column_int64(0);
    m.video_id = row.column_int64(1);
    m.timing = row.column_text(2);
    m.span_ms = row.column_int64(3);
    m.speech_ms = row.column_int64(4);
    m.overlap_ms = row.column_int64(5);
    m.turns = row.column_int64(6);
    m.speaker_changes = row.column_int64(7);
    m.talk_ms = row.column_int64(8);
    m.words = row.column_int64(9);
    m.interruptions = row.column_int64(10);
    m.overlaps = row.column_int64(11);
    m.questions = row.column_int64(12);
    m.offsets = row.column_blob(13);
    return m;
  });
}

Result<std::vector<MeasuredSpeaker>> ConversationRepository::speakers_in(Transaction& tx, const TenantScope& scope,
                                                                         const ConversationScope& filter) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSpeakersIn));
  bind_scope(*s, scope.tenant_id(), filter);
  return s->collect([](const Statement& row) {
    MeasuredSpeaker m;
    m.transcript_id = row.column_int64(0);
    m.slot = static_cast<int>(row.column_int64(1));
    m.speaker_id = row.column_optional_int64(2);
    m.talk_ms = row.column_int64(3);
    m.words = row.column_int64(4);
    m.turns = row.column_int64(5);
    m.turn_ms = row.column_int64(6);
    m.longest_turn_ms = row.column_int64(7);
    m.interruptions = row.column_int64(8);
    m.interrupted = row.column_int64(9);
    m.overlaps = row.column_int64(10);
    m.overlap_ms = row.column_int64(11);
    m.questions = row.column_int64(12);
    m.offsets = row.column_blob(13);
    m.speaker_public_id = row.column_optional_uuid(14);
    if (!row.column_is_null(15)) m.speaker_label = row.column_text(15);
    m.speaker_name = row.column_optional_text(16);
    m.person = read_person(row, 17);
    m.video_public_id = row.column_uuid(20);
    m.video_title = row.column_text(21);
    m.published_at = row.column_optional_int64(22);
    return m;
  });
}

Result<std::vector<std::int64_t>> ConversationRepository::measured_transcripts(Transaction& tx,
                                                                               const TenantScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kMeasured));
  s->bind_int64(1, scope.tenant_id());
  return s->collect([](const Statement& row) { return row.column_int64(0); });
}

}  // namespace narralytica::store
