// Speaker edits beyond renaming (which TranscriptRepository owns): reading one speaker and merging
// two speakers of one video when diarization split one voice in two. Links to people are
// PeopleRepository's (store/media/people_repository.hpp). Every call is scoped to one tenant.
#pragma once

#include "store/media/transcript_repository.hpp"

namespace narralytica::store {

class SpeakerRepository {
 public:
  // Errors: not_found (also for another tenant's id), naming `field`.
  static Result<Speaker> get(Transaction& tx, const TenantScope& scope, const Uuid& public_id,
                             std::string_view field = "speaker");

  // Moves every segment of `source` to `target` and deletes `source`; returns `target`. Both must
  // belong to the same video. When only `source` was linked to a person, `target` takes the link.
  // Errors: not_found for either; invalid_argument when they are the same speaker or belong to
  // different videos.
  static Result<Speaker> merge(Transaction& tx, const TenantScope& scope, const Uuid& source, const Uuid& target);
};

}  // namespace narralytica::store
