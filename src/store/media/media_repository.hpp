// A video's media file: an attachment (the bytes live in the content store under the data
// directory, never in the database) linked to the video by a source of kind "file" whose uri is
// "attachment:<attachment id>". A video has at most one such file; attaching another replaces
// the link (the old attachment stays, content-addressed, for any other video that shares it).
#pragma once

#include <optional>

#include "store/media/attachment_repository.hpp"
#include "store/media/video_repository.hpp"

namespace narralytica::store {

class MediaRepository {
 public:
  // Links `attachment` (already put) to `video` (read in this scope) as its media file, primary
  // when the video has no other primary source, and records video.media_attached. Returns the
  // new source.
  static Result<VideoSource> attach(Transaction& tx, const TenantScope& scope, const Video& video,
                                    const Attachment& attachment);
  // The video's media file, nullopt when none is attached. Errors: not_found for the video.
  static Result<std::optional<Attachment>> find(Transaction& tx, const TenantScope& scope, const Uuid& video);
};

}  // namespace narralytica::store
