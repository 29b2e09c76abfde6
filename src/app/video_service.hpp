// Video use cases, shared by the API (/v1/videos...) and the CLI (`narralytica videos ...`): list
// (narrowed to a collection or a tag), show, create with sources, update (optionally only from
// the version the caller read: If-Match), delete with everything under it, and a video's sources.
// Each function works inside the caller's transaction with a scope authorized for the permission
// named beside it; every change writes its event and audit record there
// (store/media/video_repository), so a failure keeps nothing.
//
// Stateless and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/identity/permission.hpp"
#include "store/media/video_repository.hpp"

namespace narralytica::app {

inline constexpr store::Permission kVideosRead{"read", "videos"};
inline constexpr store::Permission kVideosWrite{"write", "videos"};
inline constexpr store::Permission kVideosDelete{"delete", "videos"};

struct VideoListQuery {
  store::PageRequest page;
  std::optional<std::string> collection;  // a collection's id or exact name
  std::optional<std::string> tag;         // any spelling the tag rule accepts
};

class VideoService {
 public:
  // kVideosRead. A page of the tenant's videos, oldest first. Errors: invalid_argument for the
  // page limit or a tag the rule refuses (field "tag"); not_found for the collection (field
  // "collection").
  static Result<store::Page<store::Video>> list(store::Transaction& tx, const store::TenantScope& scope,
                                                const VideoListQuery& query);
  // kVideosRead. The video with its sources. Errors: not_found (also another tenant's id).
  static Result<store::Video> show(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);
  // kVideosWrite. Errors: invalid_argument naming the field (title, sources[i].kind, ...);
  // conflict when a source's external id is already another video's.
  static Result<store::Video> create(store::Transaction& tx, const store::TenantScope& scope,
                                     const store::VideoDraft& draft);
  // kVideosWrite. Changes the fields the patch sets; with patch.expected_updated_at, only when
  // the video is still at that version. Errors: not_found; precondition_failed when it changed
  // since; invalid_argument naming the field.
  static Result<store::Video> update(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id,
                                     const store::VideoPatch& patch);
  // kVideosDelete. Deletes the video with its sources, speakers, transcripts and segments.
  // Errors: not_found.
  static Status remove(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);
  // kVideosRead. The video's sources, primary first as stored. Errors: not_found.
  static Result<std::vector<store::VideoSource>> sources(store::Transaction& tx, const store::TenantScope& scope,
                                                         const Uuid& id);
};

}  // namespace narralytica::app
