// Canonical data -> search documents. The search index is a projection of the canonical tables:
// one document per segment of each transcript's current revision (the highest revision per video
// and language), carrying the video, the speaker and person, and the current labels of the
// indexed layer kinds. The projection unit is a video: every change that affects search is
// turned into the set of videos it touches, and each is projected again whole, so applying an
// event twice, or an event whose entity has since changed again, gives the same index.
//
// Thread-safety: stateless; reads inside the Transaction it is given.
#pragma once

#include <optional>
#include <set>
#include <vector>

#include "search/segment_document.hpp"
#include "search/vector_index.hpp"
#include "store/ops/event_feed.hpp"
#include "store/scope.hpp"
#include "store/transaction.hpp"

namespace narralytica::search {

struct VideoProjection {
  Uuid video_id;
  std::vector<SegmentDocument> documents;  // by transcript, then ordinal
  // The vectors of each transcript's current `embedding` layer, one per segment an item covers.
  std::vector<SegmentVector> vectors;
};

// The video's documents; nullopt when the video no longer exists (its documents must go).
Result<std::optional<VideoProjection>> project_video(store::Transaction& tx, const store::TenantScope& scope,
                                                     const Uuid& video);

// Every video of the tenant, oldest first, a page at a time: `after` is the last id of the
// previous page (nullopt for the first). An empty page ends the listing.
Result<std::vector<Uuid>> list_videos(store::Transaction& tx, const store::TenantScope& scope,
                                      const std::optional<Uuid>& after, int limit);

// The videos an event's change may have altered in the index (none for events search ignores).
// Entities that no longer exist contribute what their payload names (a deleted transcript's
// video) or nothing (their own deletion events follow in the feed).
Result<std::set<Uuid>> videos_touched(store::Transaction& tx, const store::TenantScope& scope,
                                      const store::FeedEvent& event);

// Whether search follows this event type at all (cheap filter before any database read).
bool affects_search(std::string_view event_type);

}  // namespace narralytica::search
