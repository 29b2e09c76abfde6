#include "store/media/speaker_repository.hpp"

#include "core/json_writer.hpp"

namespace narralytica::store {
namespace {

constexpr std::size_t kPersonLabelLengthMax = 200;

constexpr const char* kSelectSpeaker =
    "SELECT s.id, s.public_id, v.public_id, s.label, s.display_name, i.public_id, s.video_id FROM speakers s "
    "LEFT JOIN videos v ON v.tenant_id = s.tenant_id AND v.id = s.video_id "
    "LEFT JOIN speakers i ON i.tenant_id = s.tenant_id AND i.id = s.identity_speaker_id "
    "WHERE s.tenant_id = $1 AND s.public_id = $2";
constexpr const char* kInsertPerson =
    "INSERT INTO speakers (public_id, tenant_id, video_id, label, created_at, updated_at) "
    "VALUES ($1, $2, NULL, $3, $4, $4) ON CONFLICT (tenant_id, label) WHERE video_id IS NULL DO NOTHING";
constexpr const char* kSelectPerson =
    "SELECT id, public_id FROM speakers WHERE tenant_id = $1 AND video_id IS NULL AND label = $2";
constexpr const char* kSetIdentity =
    "UPDATE speakers SET identity_speaker_id = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2";
// A merge moves segments transcript by transcript (decision 0010): segments have no speaker index,
// so the UPDATE reaches them through the primary key's prefix (tenant_id, transcript_id) for the
// transcripts transcript_speakers lists for the merged speaker. The target speaker joins those
// transcripts first (the segments' new key must exist), the merged one leaves them after.
constexpr const char* kAddTargetToTranscripts =
    "INSERT INTO transcript_speakers (tenant_id, transcript_id, speaker_id) "
    "SELECT tenant_id, transcript_id, $3 FROM transcript_speakers WHERE tenant_id = $1 AND speaker_id = $2 "
    "ON CONFLICT (tenant_id, transcript_id, speaker_id) DO NOTHING";
constexpr const char* kMoveSegments =
    "UPDATE segments SET speaker_id = $3, updated_at = $4 WHERE tenant_id = $1 AND transcript_id IN "
    "(SELECT transcript_id FROM transcript_speakers WHERE tenant_id = $1 AND speaker_id = $2) AND speaker_id = $2";
constexpr const char* kRemoveFromTranscripts =
    "DELETE FROM transcript_speakers WHERE tenant_id = $1 AND speaker_id = $2";
constexpr const char* kVideosOfPerson =
    "SELECT DISTINCT v.public_id FROM speakers p "
    "JOIN speakers s ON s.tenant_id = p.tenant_id AND s.identity_speaker_id = p.id "
    "JOIN videos v ON v.tenant_id = s.tenant_id AND v.id = s.video_id "
    "WHERE p.tenant_id = $1 AND p.public_id = $2 LIMIT $3";
constexpr const char* kDeleteSpeaker = "DELETE FROM speakers WHERE tenant_id = $1 AND id = $2";

struct Row {
  Speaker speaker;
  std::optional<std::int64_t> video_id;
};

Result<Row> load(Transaction& tx, const TenantScope& scope, const Uuid& public_id, const char* field) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectSpeaker));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, public_id);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no speaker " + public_id.to_string(), field);
  Row row{Speaker{s->column_int64(0), s->column_uuid(1), s->column_optional_uuid(2), s->column_text(3),
                  s->column_optional_text(4), s->column_optional_uuid(5)},
          s->column_optional_int64(6)};
  s->reset();
  return row;
}

}  // namespace

Result<Speaker> SpeakerRepository::get(Transaction& tx, const TenantScope& scope, const Uuid& public_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Row row, load(tx, scope, public_id, "speaker"));
  return row.speaker;
}

Result<Speaker> SpeakerRepository::link(Transaction& tx, const TenantScope& scope, const Uuid& speaker_id,
                                        std::string_view person_label) {
  if (person_label.find_first_not_of(" \t\r\n") == std::string_view::npos ||
      person_label.size() > kPersonLabelLengthMax) {
    return make_error(ErrorCode::invalid_argument, "a person label is 1 to 200 characters, not blank", "person");
  }
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Row row, load(tx, scope, speaker_id, "speaker"));
  if (!row.video_id) {
    return make_error(ErrorCode::invalid_argument, "a person cannot be linked to another person", "speaker");
  }
  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertPerson));
  insert->bind_uuid(1, tx.new_id());
  insert->bind_int64(2, scope.tenant_id());
  insert->bind_text(3, person_label);
  insert->bind_int64(4, tx.now_us());
  RETURN_IF_ERROR(insert->execute());
  ASSIGN_OR_RETURN(Statement * select, tx.prepare(kSelectPerson));
  select->bind_int64(1, scope.tenant_id());
  select->bind_text(2, person_label);
  ASSIGN_OR_RETURN(bool found, select->step());
  if (!found) return make_error(ErrorCode::internal, "person vanished after insert");
  const std::int64_t person_id = select->column_int64(0);
  const Uuid person_public_id = select->column_uuid(1);
  select->reset();
  ASSIGN_OR_RETURN(Statement * update, tx.prepare(kSetIdentity));
  update->bind_int64(1, scope.tenant_id());
  update->bind_int64(2, row.speaker.id);
  update->bind_int64(3, person_id);
  update->bind_int64(4, tx.now_us());
  RETURN_IF_ERROR(update->execute());
  row.speaker.identity_public_id = person_public_id;
  tx.record_change(scope, "speaker.linked", "speaker", row.speaker.public_id,
                   JsonObject().add("person", person_public_id.to_string()).add("person_label", person_label).str());
  return row.speaker;
}

Result<Speaker> SpeakerRepository::unlink(Transaction& tx, const TenantScope& scope, const Uuid& speaker_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Row row, load(tx, scope, speaker_id, "speaker"));
  ASSIGN_OR_RETURN(Statement * update, tx.prepare(kSetIdentity));
  update->bind_int64(1, scope.tenant_id());
  update->bind_int64(2, row.speaker.id);
  update->bind_null(3);
  update->bind_int64(4, tx.now_us());
  RETURN_IF_ERROR(update->execute());
  row.speaker.identity_public_id.reset();
  tx.record_change(scope, "speaker.unlinked", "speaker", row.speaker.public_id);
  return row.speaker;
}

Result<Speaker> SpeakerRepository::merge(Transaction& tx, const TenantScope& scope, const Uuid& source,
                                         const Uuid& target) {
  if (source == target) return make_error(ErrorCode::invalid_argument, "a speaker cannot merge into itself", "into");
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Row from, load(tx, scope, source, "speaker"));
  ASSIGN_OR_RETURN(Row into, load(tx, scope, target, "into"));
  if (!from.video_id || from.video_id != into.video_id) {
    return make_error(ErrorCode::invalid_argument, "only two speakers of the same video can be merged", "into");
  }
  ASSIGN_OR_RETURN(Statement * join, tx.prepare(kAddTargetToTranscripts));
  join->bind_int64(1, scope.tenant_id());
  join->bind_int64(2, from.speaker.id);
  join->bind_int64(3, into.speaker.id);
  RETURN_IF_ERROR(join->execute());
  ASSIGN_OR_RETURN(Statement * move, tx.prepare(kMoveSegments));
  move->bind_int64(1, scope.tenant_id());
  move->bind_int64(2, from.speaker.id);
  move->bind_int64(3, into.speaker.id);
  move->bind_int64(4, tx.now_us());
  ASSIGN_OR_RETURN(std::int64_t moved, move->execute());
  for (const char* sql : {kRemoveFromTranscripts, kDeleteSpeaker}) {
    ASSIGN_OR_RETURN(Statement * remove, tx.prepare(sql));
    remove->bind_int64(1, scope.tenant_id());
    remove->bind_int64(2, from.speaker.id);
    RETURN_IF_ERROR(remove->execute());
  }
  tx.record_change(scope, "speaker.merged", "speaker", into.speaker.public_id,
                   JsonObject().add("merged", from.speaker.public_id.to_string())
                       .add("label", from.speaker.label).add("segments_moved", moved).str());
  return into.speaker;
}

Result<std::vector<Uuid>> SpeakerRepository::videos_of_person(Transaction& tx, const TenantScope& scope,
                                                             const Uuid& person) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kVideosOfPerson));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, person);
  s->bind_int64(3, kPersonVideosMax);
  std::vector<Uuid> videos;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->step());
    if (!row) break;
    videos.push_back(s->column_uuid(0));
  }
  s->reset();
  return videos;
}

}  // namespace narralytica::store
