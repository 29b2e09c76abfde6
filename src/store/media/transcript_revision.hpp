// Storing a transcript whose segments are partly rows of a stored one, unchanged: an edit's new
// revision, where most segments are the edited revision's. Those are copied inside the database
// (INSERT ... SELECT) instead of travelling to the process and back; the rest is written as
// TranscriptRepository::create writes every segment. Kept apart from transcript_repository.hpp,
// which half the project includes, because only the edit service writes this way.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "store/media/transcript_repository.hpp"

namespace narralytica::store {

// Which segments of a draft are rows of a stored transcript.
struct SegmentCopies {
  std::int64_t from_transcript = 0;  // the id of a transcript of the same tenant and video
  // Per segment of the draft: the ordinal of `from_transcript` it is, unchanged, or none. The
  // draft's fields must still hold that row's values: they are validated and hashed as any other.
  std::vector<std::optional<std::int64_t>> source_ordinals;
};

// TranscriptRepository::create, with the segments `copies` names copied from their stored rows.
// Errors: as create; internal when `copies` does not match the draft or the copy finds another
// number of rows than it names (nothing is kept: the caller's transaction rolls back).
Result<TranscriptWrite> create_transcript_copying(Transaction& tx, const TenantScope& scope, const Video& video,
                                                  const TranscriptDraft& draft, const SegmentCopies& copies);

}  // namespace narralytica::store
