#include "app/video_service.hpp"

#include "app/collection_service.hpp"

namespace narralytica::app {

Result<store::Page<store::Video>> VideoService::list(store::Transaction& tx, const store::TenantScope& scope,
                                                      const VideoListQuery& query) {
  // The collection and tag filters belong to the organising use cases; one listing serves both.
  return CollectionService::videos_in(tx, scope, query.page, query.collection, query.tag);
}

Result<store::Video> VideoService::show(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id) {
  return store::VideoRepository::get(tx, scope, id);
}

Result<store::Video> VideoService::create(store::Transaction& tx, const store::TenantScope& scope,
                                          const store::VideoDraft& draft) {
  return store::VideoRepository::create(tx, scope, draft);
}

Result<store::Video> VideoService::update(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id,
                                          const store::VideoPatch& patch) {
  return store::VideoRepository::update(tx, scope, id, patch);
}

Status VideoService::remove(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id) {
  return store::VideoRepository::remove(tx, scope, id);
}

Result<std::vector<store::VideoSource>> VideoService::sources(store::Transaction& tx,
                                                              const store::TenantScope& scope, const Uuid& id) {
  ASSIGN_OR_RETURN(store::Video video, store::VideoRepository::get(tx, scope, id));
  return std::move(video.sources);
}

}  // namespace narralytica::app
