#include "store/media/speaker_repository.hpp"

#include "core/json_writer.hpp"
#include "store/media/detail/speaker_row.hpp"

namespace narralytica::store {
namespace {

constexpr const char* kSelectSpeaker = NARRALYTICA_SPEAKER_SELECT "WHERE s.tenant_id = $1 AND s.public_id = $2";
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
// The merged speaker's person link passes to the target when the target has none.
constexpr const char* kInheritPerson =
    "INSERT INTO person_speakers (tenant_id, speaker_id, person_id, created_at) "
    "SELECT tenant_id, $3, person_id, $4 FROM person_speakers WHERE tenant_id = $1 AND speaker_id = $2 "
    "ON CONFLICT (tenant_id, speaker_id) DO NOTHING";
constexpr const char* kRemoveFromTranscripts =
    "DELETE FROM transcript_speakers WHERE tenant_id = $1 AND speaker_id = $2";
constexpr const char* kDeleteSpeaker = "DELETE FROM speakers WHERE tenant_id = $1 AND id = $2";

}  // namespace

Result<Speaker> SpeakerRepository::get(Transaction& tx, const TenantScope& scope, const Uuid& public_id,
                                       std::string_view field) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectSpeaker));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, public_id);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no speaker " + public_id.to_string(), std::string(field));
  Speaker speaker = detail::read_speaker(*s);
  s->reset();
  return speaker;
}

Result<Speaker> SpeakerRepository::merge(Transaction& tx, const TenantScope& scope, const Uuid& source,
                                         const Uuid& target) {
  if (source == target) return make_error(ErrorCode::invalid_argument, "a speaker cannot merge into itself", "into");
  ASSIGN_OR_RETURN(Speaker from, get(tx, scope, source));
  ASSIGN_OR_RETURN(Speaker into, get(tx, scope, target, "into"));
  if (from.video_public_id != into.video_public_id) {
    return make_error(ErrorCode::invalid_argument, "only two speakers of the same video can be merged", "into");
  }
  ASSIGN_OR_RETURN(Statement * join, tx.prepare(kAddTargetToTranscripts));
  join->bind_int64(1, scope.tenant_id());
  join->bind_int64(2, from.id);
  join->bind_int64(3, into.id);
  RETURN_IF_ERROR(join->execute());
  ASSIGN_OR_RETURN(Statement * move, tx.prepare(kMoveSegments));
  move->bind_int64(1, scope.tenant_id());
  move->bind_int64(2, from.id);
  move->bind_int64(3, into.id);
  move->bind_int64(4, tx.now_us());
  ASSIGN_OR_RETURN(std::int64_t moved, move->execute());
  if (!into.person_public_id && from.person_public_id) {
    ASSIGN_OR_RETURN(Statement * inherit, tx.prepare(kInheritPerson));
    inherit->bind_int64(1, scope.tenant_id());
    inherit->bind_int64(2, from.id);
    inherit->bind_int64(3, into.id);
    inherit->bind_int64(4, tx.now_us());
    RETURN_IF_ERROR(inherit->execute());
    into.person_public_id = from.person_public_id;
    into.person_name = from.person_name;
  }
  for (const char* sql : {kRemoveFromTranscripts, kDeleteSpeaker}) {
    ASSIGN_OR_RETURN(Statement * remove, tx.prepare(sql));
    remove->bind_int64(1, scope.tenant_id());
    remove->bind_int64(2, from.id);
    RETURN_IF_ERROR(remove->execute());
  }
  tx.record_change(scope, "speaker.merged", "speaker", into.public_id,
                   JsonObject().add("merged", from.public_id.to_string())
                       .add("label", from.label).add("segments_moved", moved).str());
  return into;
}

}  // namespace narralytica::store
