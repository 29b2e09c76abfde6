// Speaker edits beyond renaming (which TranscriptRepository owns): reading one speaker, linking a
// video's speaker to a cross-video identity (a person), and merging two speakers of one video
// when diarization split one voice in two. Every call is scoped to one tenant.
#pragma once

#include <string_view>
#include <vector>

#include "store/media/transcript_repository.hpp"

namespace narralytica::store {

class SpeakerRepository {
 public:
  // Errors: not_found (also for another tenant's id).
  static Result<Speaker> get(Transaction& tx, const TenantScope& scope, const Uuid& public_id);

  // Links a video's speaker to the person labelled `person_label`, creating the person when the
  // tenant has none by that label. Errors: not_found for the speaker; invalid_argument when the
  // speaker is itself a person or the label is empty or longer than 200 characters.
  static Result<Speaker> link(Transaction& tx, const TenantScope& scope, const Uuid& speaker,
                              std::string_view person_label);
  // Removes the link to a person. Errors: not_found.
  static Result<Speaker> unlink(Transaction& tx, const TenantScope& scope, const Uuid& speaker);

  // Moves every segment of `source` to `target` and deletes `source`; returns `target`. Both must
  // belong to the same video. Errors: not_found for either; invalid_argument when they are the
  // same speaker or belong to different videos.
  static Result<Speaker> merge(Transaction& tx, const TenantScope& scope, const Uuid& source, const Uuid& target);

  // The videos whose speakers are linked to `person`, at most kPersonVideosMax (derived systems
  // re-read them when the person changes). An unknown person has none.
  static Result<std::vector<Uuid>> videos_of_person(Transaction& tx, const TenantScope& scope, const Uuid& person);
};

inline constexpr int kPersonVideosMax = 100'000;

}  // namespace narralytica::store
