// Conversation analytics as a use case (docs/analytics.md), shared by
// GET /v1/analytics/conversation, `narralytica analytics conversation`, and the projection that
// keeps per-transcript measures for the wide scopes (pipeline "analytics.conversation",
// `narralytica analytics rebuild`; docs/decisions/0017-conversation-analytics.md).
//
// Scopes: a transcript, a video (its analysed transcript), a speaker (their row in their video's
// analysed transcript) are measured live from the segments; a person across their videos, and the
// tenant narrowed by collection, tag and published dates, are summed from the stored measures.
// Every operation works inside a transaction the caller opened with kConversationRead (the API's
// dispatcher from the route table, the CLI through in_tenant). Stateless, thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analytics/conversation.hpp"
#include "store/identity/permission.hpp"
#include "store/media/conversation_repository.hpp"
#include "store/ops/event_feed.hpp"

namespace narralytica::app {

inline constexpr store::Permission kConversationRead{"read", "transcripts"};
inline constexpr std::string_view kConversationPipeline = "analytics.conversation";

struct ConversationQuery {
  // At most one of these; none: the whole tenant.
  std::optional<Uuid> transcript;
  std::optional<Uuid> video;
  std::optional<Uuid> speaker;
  std::optional<Uuid> person;
  // Narrow the person and tenant scopes.
  std::optional<std::string> collection;  // id or exact name
  std::optional<std::string> tag;         // any spelling the tag rule accepts
  std::optional<UnixMicros> published_after;   // inclusive
  std::optional<UnixMicros> published_before;  // exclusive
  // Live scopes only (transcript, video, speaker); stored measures use the defaults.
  std::optional<std::int64_t> overlap_threshold_ms;
  std::optional<std::int64_t> yield_window_ms;
};

// Who a row is about.
struct ConversationParty {
  enum class Kind { speaker, person, unlinked, unattributed };
  Kind kind = Kind::speaker;
  std::optional<Uuid> id;  // the speaker's (kind speaker) or the person's (kind person)
  std::string label;       // the speaker's label as the source named it
  std::string name;        // display name; the person's name
  std::optional<store::PersonRef> person;  // a speaker's person
};
std::string_view party_kind_name(ConversationParty::Kind kind);

struct ConversationRow {
  ConversationParty who;
  analytics::SpeakerMeasures measures;
  std::int64_t talk_total_ms = 0;  // everyone's talk in the same transcripts: the share's whole
  // Person scope, one row per video:
  std::optional<Uuid> video_id;
  std::string video_title;
  std::optional<UnixMicros> published_at;
};

struct ConversationPair {
  ConversationParty from;
  ConversationParty to;
  std::vector<std::int32_t> offsets_ms;
};

struct ConversationReport {
  std::string scope;  // transcript, video, speaker, person, tenant
  std::optional<Uuid> scope_id;
  std::optional<store::Transcript> transcript;  // the measured transcript of a live scope
  std::optional<Uuid> video_id;                 // its video
  std::string timing;                           // words, segments, mixed, none (aggregates: the mix)
  analytics::Options options;
  analytics::ConversationTotals totals;
  std::vector<ConversationRow> speakers;  // by talk time, longest first
  std::vector<ConversationPair> pairs;    // live scopes
  std::vector<ConversationRow> videos;    // person scope: the person's row in each video
};

struct ConversationRebuild {
  std::int64_t videos = 0;
  std::int64_t transcripts = 0;
};

class ConversationService {
 public:
  // The measures of the query's scope. Errors: invalid_argument naming the parameter (two
  // scopes at once; after/before/collection/tag with a live scope; thresholds with a stored
  // scope or out of range; before not after `after`); not_found naming it for an id or
  // collection the tenant does not have.
  static Result<ConversationReport> conversation_in(store::Transaction& tx, const store::TenantScope& scope,
                                                    const ConversationQuery& query);

  // The projection: measures `video`'s analysed transcript again and stores it (or forgets the
  // video when it has no transcript or no longer exists). Needs a write transaction.
  static Status refresh_video_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& video);
  // Forgets and recomputes every video of the tenant.
  static Result<ConversationRebuild> rebuild_in(store::Transaction& tx, const store::TenantScope& scope);
  // The projection's batch function (jobs::PipelineDefinition::process): refreshes each video the
  // events touch, in each event's tenant, acting as the operator.
  static Status apply_events(store::Transaction& tx, std::span<const store::FeedEvent> events);
};

// The transcript analysed for a video: among the current revisions (the highest per language),
// the one in the video's language, else the one whose language was transcribed first. Nullopt
// when the video has no transcript.
std::optional<store::Transcript> analysed_transcript(std::vector<store::Transcript> transcripts,
                                                     const std::optional<std::string>& video_language);

}  // namespace narralytica::app
