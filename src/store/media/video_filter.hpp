// The video list narrowed to a collection and/or a tag (GET /v1/videos?collection=&tag=, a
// collection's videos). Beside VideoRepository rather than in it, so the many files that include
// video_repository.hpp do not depend on collections.
#pragma once

#include "store/media/video_repository.hpp"

namespace narralytica::store {

// Both set: videos in the collection that carry the tag.
struct VideoFilter {
  std::optional<std::int64_t> collection_id;  // internal id, from CollectionRepository::get
  std::optional<std::string> tag;             // normalised (app/tag_name.hpp)
  bool any() const { return collection_id || tag; }
};

// Oldest first, keyset pages, like VideoRepository::list (which it is without a filter).
// Errors: invalid_argument for a bad limit.
Result<Page<Video>> list_videos(Transaction& tx, const TenantScope& scope, PageRequest page, const VideoFilter& filter);

}  // namespace narralytica::store
