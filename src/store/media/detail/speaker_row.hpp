// The one way speakers are read: the speaker with its video and, through person_speakers, the
// person it is linked to. Internal to src/store/media.
#pragma once

#include "store/database.hpp"
#include "store/media/transcript_repository.hpp"

namespace narralytica::store::detail {

// Columns 0-6 as read_speaker expects; callers append their WHERE clause on `s` (speakers).
#define NARRALYTICA_SPEAKER_SELECT                                                              \
  "SELECT s.id, s.public_id, v.public_id, s.label, s.display_name, p.public_id, p.name "        \
  "FROM speakers s JOIN videos v ON v.tenant_id = s.tenant_id AND v.id = s.video_id "           \
  "LEFT JOIN person_speakers ps ON ps.tenant_id = s.tenant_id AND ps.speaker_id = s.id "        \
  "LEFT JOIN people p ON p.tenant_id = ps.tenant_id AND p.id = ps.person_id "

inline Speaker read_speaker(const Statement& row) {
  return Speaker{row.column_int64(0),         row.column_uuid(1),          row.column_uuid(2),
                 row.column_text(3),          row.column_optional_text(4), row.column_optional_uuid(5),
                 row.column_optional_text(6)};
}

}  // namespace narralytica::store::detail
