// Speaker use cases, shared by the API (/v1/videos/{id}/speakers, /v1/speakers/{id}...) and the
// CLI (`narralytica speakers ...`): a video's speakers, one speaker, renaming, and merging two
// speakers of one video when diarization split one voice in two. Linking a speaker to a person
// is PeopleService::link (app/people_service.hpp). Each function works inside the caller's
// transaction with a scope authorized for the permission named beside it; every change writes
// its event and audit record there, so a failure keeps nothing.
//
// Stateless and thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "app/transcript_service.hpp"

namespace narralytica::app {

class SpeakerService {
 public:
  // kTranscriptsRead. Errors: not_found (field "video").
  static Result<std::vector<store::Speaker>> list(store::Transaction& tx, const store::TenantScope& scope,
                                                  const Uuid& video);
  // kTranscriptsRead. Errors: not_found (field "speaker").
  static Result<store::Speaker> show(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);
  // kTranscriptsWrite. Sets the display name. Errors: not_found; invalid_argument naming
  // "display_name".
  static Result<store::Speaker> rename(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id,
                                       std::string_view display_name);
  // kTranscriptsWrite. Moves every segment of `source` to `into` (a speaker of the same video)
  // and deletes `source`; returns `into`. Errors: not_found for either; invalid_argument when
  // they are the same speaker or of different videos.
  static Result<store::Speaker> merge(store::Transaction& tx, const store::TenantScope& scope, const Uuid& source,
                                      const Uuid& into);
};

}  // namespace narralytica::app
