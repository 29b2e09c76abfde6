// TranscriptService's reads and deletion of stored transcripts (the import and export halves are
// in transcript_service.cpp).
#include "app/transcript_service.hpp"
#include "store/media/video_repository.hpp"

namespace narralytica::app {

Result<std::vector<store::Transcript>> TranscriptService::list_in(store::Transaction& tx,
                                                                  const store::TenantScope& scope, const Uuid& video) {
  ASSIGN_OR_RETURN(store::Video found, store::VideoRepository::get(tx, scope, video));
  return store::TranscriptRepository::list_for_video(tx, scope, found);
}

Result<store::Transcript> TranscriptService::get_in(store::Transaction& tx, const store::TenantScope& scope,
                                                    const Uuid& id) {
  return store::TranscriptRepository::get(tx, scope, id);
}

Status TranscriptService::remove_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id) {
  return store::TranscriptRepository::remove(tx, scope, id);
}

Result<SegmentListing> TranscriptService::segments_in(store::Transaction& tx, const store::TenantScope& scope,
                                                      const Uuid& id, const store::SegmentQuery& query) {
  if (query.from_ms && query.to_ms && *query.from_ms > *query.to_ms) {
    return make_error(ErrorCode::invalid_argument, "from_ms must not be after to_ms", "from_ms");
  }
  SegmentListing listing;
  ASSIGN_OR_RETURN(listing.transcript, store::TranscriptRepository::get(tx, scope, id));
  ASSIGN_OR_RETURN(listing.page, store::TranscriptRepository::segments(tx, scope, listing.transcript, query));
  return listing;
}

}  // namespace narralytica::app
