#include "app/edit_service.hpp"

#include <algorithm>

#include "app/tenant_work.hpp"
#include "app/transcript_service.hpp"
#include "store/media/transcript_revision.hpp"
#include "store/media/video_repository.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::app {
namespace {

using namespace store;

// The revisions of `transcript`'s video in its language, oldest first: its chain (a revision
// is always stored on top of the newest, and one with a newer revision on it cannot be deleted).
Result<std::vector<Transcript>> chain_of(Transaction& tx, const TenantScope& scope, const Transcript& transcript,
                                         Video& video) {
  ASSIGN_OR_RETURN(video, VideoRepository::get(tx, scope, transcript.video_public_id));
  ASSIGN_OR_RETURN(std::vector<Transcript> all, TranscriptRepository::list_for_video(tx, scope, video));
  std::vector<Transcript> chain;
  for (Transcript& t : all) {
    if (t.language == transcript.language) chain.push_back(std::move(t));
  }
  std::sort(chain.begin(), chain.end(), [](const Transcript& a, const Transcript& b) { return a.revision < b.revision; });
  return chain;
}

Result<std::vector<Segment>> all_segments(Transaction& tx, const TenantScope& scope, const Transcript& transcript) {
  std::vector<Segment> segments;
  segments.reserve(static_cast<std::size_t>(transcript.segment_count));
  SegmentQuery query;
  query.limit = kPageLimitMax;
  while (true) {
    ASSIGN_OR_RETURN(SegmentPage page, TranscriptRepository::segments(tx, scope, transcript, query));
    for (Segment& segment : page.items) segments.push_back(std::move(segment));
    if (!page.next_after_ordinal) break;
    query.after_ordinal = page.next_after_ordinal;
  }
  return segments;
}

std::string etag_hint(int revision) { return "If-Match: \"" + std::to_string(revision) + "\""; }

// The edit's base must be what the caller read, and still the newest revision: otherwise the
// edit would silently drop a change stored since.
Status check_current(const Transcript& base, const std::vector<Transcript>& chain, std::optional<int> expected) {
  if (expected && *expected != base.revision) {
    return make_error(ErrorCode::precondition_failed,
                      "If-Match names revision " + std::to_string(*expected) + ", but transcript " +
                          base.public_id.to_string() + " is revision " + std::to_string(base.revision),
                      "If-Match");
  }
  const Transcript& current = chain.back();
  if (current.revision != base.revision) {
    return make_error(ErrorCode::precondition_failed,
                      "revision " + std::to_string(base.revision) + " is no longer current: revision " +
                          std::to_string(current.revision) + " (transcript " + current.public_id.to_string() +
                          ") was stored since; apply the edit to it (" + etag_hint(current.revision) + ")",
                      "If-Match");
  }
  return ok_status();
}

// The new revision, and which of its segments are the base's rows unchanged (copied in the
// database: an untouched segment's words never come back).
TranscriptDraft draft_of(const Transcript& base, std::vector<EditableSegment>& segments, std::size_t operations,
                         SegmentCopies& copies) {
  TranscriptDraft draft;
  draft.language = base.language;
  draft.origin = "edit";
  // The engine stays named: the words an edit kept are still its timings.
  draft.engine = base.engine;
  draft.model = base.model;
  draft.model_version = base.model_version;
  draft.edit_operations = static_cast<std::int64_t>(operations);
  copies.from_transcript = base.id;
  copies.source_ordinals.reserve(segments.size());
  draft.segments.reserve(segments.size());
  for (EditableSegment& s : segments) {
    SegmentDraft segment;
    segment.start_ms = s.start_ms;
    segment.end_ms = s.end_ms;
    segment.text = std::move(s.text);
    segment.speaker_label = std::move(s.speaker_label);
    segment.confidence = s.confidence;
    // Untouched segments keep their stored row byte for byte.
    const bool untouched = !s.changed && !s.words_decoded && s.stored_ordinal;
    copies.source_ordinals.push_back(untouched ? s.stored_ordinal : std::nullopt);
    if (s.words_decoded) {
      if (!s.words.empty()) segment.words_json = encode_words(s.words);
    } else {
      segment.words_json = std::move(s.words_json);
    }
    draft.segments.push_back(std::move(segment));
  }
  return draft;
}

}  // namespace

Result<EditResult> EditService::edit_in(Transaction& tx, const TenantScope& scope, const Principal& principal,
                                        const Uuid& transcript, const EditRequest& request) {
  RETURN_IF_ERROR(authorize_also(tx, scope, principal, {"write", "transcripts"}));
  if (request.operations.empty()) {
    return make_error(ErrorCode::invalid_argument, "expected a list of one or more operations", "operations");
  }
  ASSIGN_OR_RETURN(Transcript base, TranscriptRepository::get(tx, scope, transcript));
  Video video;
  ASSIGN_OR_RETURN(std::vector<Transcript> chain, chain_of(tx, scope, base, video));
  RETURN_IF_ERROR(check_current(base, chain, request.expected_revision));

  ASSIGN_OR_RETURN(std::vector<Segment> stored, all_segments(tx, scope, base));
  std::vector<EditableSegment> segments;
  segments.reserve(stored.size());
  for (Segment& s : stored) {
    EditableSegment segment;
    segment.start_ms = s.start_ms;
    segment.end_ms = s.end_ms;
    segment.text = std::move(s.text);
    segment.speaker_label = s.speaker_label.value_or("");
    segment.confidence = s.confidence;
    segment.stored_ordinal = s.ordinal;
    if (s.words_json) segment.words_json = std::move(*s.words_json);
    segments.push_back(std::move(segment));
  }
  std::map<Uuid, std::string> speakers;
  ASSIGN_OR_RETURN(std::vector<Speaker> video_speakers, TranscriptRepository::speakers(tx, scope, video));
  for (const Speaker& speaker : video_speakers) speakers.emplace(speaker.public_id, speaker.label);

  EditResult result;
  ASSIGN_OR_RETURN(result.stats, apply_edit(segments, request.operations, speakers));
  SegmentCopies copies;
  const TranscriptDraft draft = draft_of(base, segments, request.operations.size(), copies);
  auto written = create_transcript_copying(tx, scope, video, draft, copies);
  if (!written.ok()) {
    // Two edits of the same revision at once (PostgreSQL): the second finds its revision taken.
    if (written.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::precondition_failed,
                        "another edit stored revision " + std::to_string(base.revision + 1) +
                            " first; read it and apply the edit to it",
                        "If-Match");
    }
    return std::move(written).error();
  }
  if (!written->created && written->transcript.public_id != base.public_id) {
    return make_error(ErrorCode::conflict,
                      "the edited transcript is the same as revision " + std::to_string(written->transcript.revision) +
                          " (transcript " + written->transcript.public_id.to_string() +
                          "), and a video stores each content once; read that revision instead",
                      "operations");
  }
  result.created = written->created;
  result.transcript = std::move(written->transcript);
  result.previous = std::move(base);
  return result;
}

Result<EditResult> EditService::edit(Database& database, const Principal& principal, std::string_view tenant_ref,
                                     const Uuid& transcript, const EditRequest& request, StoreContext context) {
  ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(database, TxMode::write, context));
  ASSIGN_OR_RETURN(Tenant tenant, TenantRepository::find(tx, tenant_ref));
  ASSIGN_OR_RETURN(TenantScope scope, Authorizer::authorize(tx, principal, tenant, {"write", "transcripts"}));
  ASSIGN_OR_RETURN(EditResult result, edit_in(tx, scope, principal, transcript, request));
  if (result.created) RETURN_IF_ERROR(tx.commit());
  return result;
}

Result<std::vector<Transcript>> EditService::revisions_in(Transaction& tx, const TenantScope& scope,
                                                          const Uuid& transcript) {
  ASSIGN_OR_RETURN(Transcript named, TranscriptRepository::get(tx, scope, transcript));
  Video video;
  return chain_of(tx, scope, named, video);
}

Result<TranscriptDiff> EditService::diff_in(Transaction& tx, const TenantScope& scope, const Uuid& transcript,
                                            std::optional<int> from, std::optional<int> to) {
  ASSIGN_OR_RETURN(Transcript named, TranscriptRepository::get(tx, scope, transcript));
  Video video;
  ASSIGN_OR_RETURN(std::vector<Transcript> chain, chain_of(tx, scope, named, video));
  const int to_revision = to.value_or(named.revision);
  const int from_revision = from.value_or(to_revision - 1);
  auto find = [&](int revision, const char* field) -> Result<Transcript> {
    for (const Transcript& t : chain) {
      if (t.revision == revision) return t;
    }
    std::string known;
    for (const Transcript& t : chain) known += (known.empty() ? "" : ", ") + std::to_string(t.revision);
    return make_error(ErrorCode::invalid_argument,
                      "no revision " + std::to_string(revision) + " of this transcript; it has " + known, field);
  };
  TranscriptDiff diff;
  ASSIGN_OR_RETURN(diff.from, find(from_revision, "from"));
  ASSIGN_OR_RETURN(diff.to, find(to_revision, "to"));
  ASSIGN_OR_RETURN(std::vector<Segment> old_segments, all_segments(tx, scope, diff.from));
  ASSIGN_OR_RETURN(std::vector<Segment> new_segments, all_segments(tx, scope, diff.to));
  ASSIGN_OR_RETURN(diff.segments, diff_segments(old_segments, new_segments, diff.counts));
  return diff;
}

}  // namespace narralytica::app
