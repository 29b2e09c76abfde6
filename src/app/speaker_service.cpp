#include "app/speaker_service.hpp"

#include "store/media/speaker_repository.hpp"
#include "store/media/video_repository.hpp"

namespace narralytica::app {

Result<std::vector<store::Speaker>> SpeakerService::list(store::Transaction& tx, const store::TenantScope& scope,
                                                         const Uuid& video) {
  ASSIGN_OR_RETURN(store::Video found, store::VideoRepository::get(tx, scope, video));
  return store::TranscriptRepository::speakers(tx, scope, found);
}

Result<store::Speaker> SpeakerService::show(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id) {
  return store::SpeakerRepository::get(tx, scope, id);
}

Result<store::Speaker> SpeakerService::rename(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id,
                                              std::string_view display_name) {
  return store::TranscriptRepository::rename_speaker(tx, scope, id, display_name);
}

Result<store::Speaker> SpeakerService::merge(store::Transaction& tx, const store::TenantScope& scope,
                                             const Uuid& source, const Uuid& into) {
  return store::SpeakerRepository::merge(tx, scope, source, into);
}

}  // namespace narralytica::app
