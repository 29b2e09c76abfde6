#include "app/conversation_service.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "app/collection_service.hpp"
#include "app/tag_name.hpp"
#include "app/word_times.hpp"
#include "search/projection.hpp"
#include "store/identity/authorizer.hpp"

namespace narralytica::app {
namespace {

using analytics::SpeakerMeasures;
using store::ConversationRepository;
using store::TenantScope;
using store::Transaction;

// A transcript measured from its segments, with who each slot is.
struct LiveMeasures {
  analytics::TranscriptMeasures measures;
  std::vector<ConversationParty> parties;             // by slot
  std::vector<std::optional<std::int64_t>> speaker_ids;  // by slot (internal ids)
};

ConversationParty speaker_party(const store::ConversationSpeaker& s) {
  ConversationParty p;
  p.kind = ConversationParty::Kind::speaker;
  p.id = s.public_id;
  p.label = s.label;
  p.name = s.display_name.value_or(s.label);
  p.person = s.person;
  return p;
}

ConversationParty unattributed_party() {
  ConversationParty p;
  p.kind = ConversationParty::Kind::unattributed;
  p.name = "(no speaker)";
  return p;
}

Result<LiveMeasures> measure_live(Transaction& tx, const TenantScope& scope, const store::Transcript& transcript,
                                  std::int64_t video_id, analytics::Options options) {
  std::vector<analytics::WordTime> words;
  std::vector<std::pair<std::size_t, std::size_t>> word_ranges;  // per segment: first word, count
  ASSIGN_OR_RETURN(auto segments,
                   ConversationRepository::segments(tx, scope, transcript, [&](std::size_t index, std::string_view json) -> Status {
                     if (word_ranges.size() <= index) word_ranges.resize(index + 1, {0, 0});
                     const std::size_t first = words.size();
                     RETURN_IF_ERROR(decode_word_times(json, words));
                     word_ranges[index] = {first, words.size() - first};
                     return ok_status();
                   }));
  word_ranges.resize(segments.size(), {0, 0});
  ASSIGN_OR_RETURN(auto speakers, ConversationRepository::speakers(tx, scope, video_id));
  std::unordered_map<std::int64_t, const store::ConversationSpeaker*> by_id;
  for (const auto& s : speakers) by_id.emplace(s.id, &s);

  LiveMeasures live;
  // Slots in order of each speaker's first segment.
  std::unordered_map<std::int64_t, int> slot_of;
  for (const auto& segment : segments) {
    if (segment.speaker_id && !slot_of.contains(*segment.speaker_id)) {
      slot_of.emplace(*segment.speaker_id, static_cast<int>(live.parties.size()));
      auto found = by_id.find(*segment.speaker_id);
      if (found == by_id.end()) return make_error(ErrorCode::internal, "a segment names a speaker of another video");
      live.parties.push_back(speaker_party(*found->second));
      live.speaker_ids.push_back(*segment.speaker_id);
    }
  }
  std::vector<analytics::Utterance> utterances;
  utterances.reserve(segments.size());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& segment = segments[i];
    analytics::Utterance u;
    u.speaker = segment.speaker_id ? slot_of.at(*segment.speaker_id) : -1;
    u.start_ms = segment.start_ms;
    u.end_ms = segment.end_ms;
    u.text = segment.text;
    u.words = std::span<const analytics::WordTime>(words.data() + word_ranges[i].first, word_ranges[i].second);
    utterances.push_back(u);
  }
  options.language = transcript.language;
  live.measures = analytics::measure_transcript(utterances, static_cast<int>(live.parties.size()), options);
  if (live.measures.speakers.size() > live.parties.size()) {
    live.parties.push_back(unattributed_party());
    live.speaker_ids.emplace_back();
  }
  return live;
}

std::int64_t total_talk(const analytics::TranscriptMeasures& m) {
  std::int64_t talk = 0;
  for (const auto& s : m.speakers) talk += s.talk_ms;
  return talk;
}

void sort_rows(std::vector<ConversationRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const ConversationRow& a, const ConversationRow& b) {
    return a.measures.talk_ms > b.measures.talk_ms;
  });
}

void add_without_offsets(SpeakerMeasures& into, const SpeakerMeasures& row) {
  SpeakerMeasures copy = row;
  copy.offsets_ms.clear();
  into.add(copy);
}

void fill_live_report(ConversationReport& report, const LiveMeasures& live, const std::optional<Uuid>& only_speaker) {
  report.timing = std::string(analytics::timing_name(live.measures.timing));
  report.totals.add(live.measures);
  const std::int64_t talk = total_talk(live.measures);
  std::optional<int> only_slot;
  for (std::size_t slot = 0; slot < live.parties.size(); ++slot) {
    const ConversationParty& who = live.parties[slot];
    if (only_speaker) {
      if (who.id != only_speaker) continue;
      only_slot = static_cast<int>(slot);
    }
    report.speakers.push_back(ConversationRow{who, live.measures.speakers[slot], talk, {}, {}, {}});
  }
  sort_rows(report.speakers);
  for (const auto& pair : live.measures.pairs) {
    if (only_speaker && pair.from != only_slot && pair.to != only_slot) continue;
    report.pairs.push_back(ConversationPair{live.parties[static_cast<std::size_t>(pair.from)],
                                            live.parties[static_cast<std::size_t>(pair.to)], pair.offsets_ms});
  }
}

store::MeasuredTranscript to_stored(const store::Transcript& transcript, std::int64_t video_id,
                                    const LiveMeasures& live) {
  const auto& m = live.measures;
  store::MeasuredTranscript t;
  t.transcript_id = transcript.id;
  t.video_id = video_id;
  t.timing = std::string(analytics::timing_name(m.timing));
  t.span_ms = m.span_ms;
  t.speech_ms = m.speech_ms;
  t.overlap_ms = m.overlap_ms;
  t.turns = m.turns;
  t.speaker_changes = m.speaker_changes;
  t.offsets = analytics::encode_offsets(m.offsets_ms);
  for (std::size_t slot = 0; slot < m.speakers.size(); ++slot) {
    const SpeakerMeasures& s = m.speakers[slot];
    t.talk_ms += s.talk_ms;
    t.words += s.words;
    t.interruptions += s.interruptions;
    t.overlaps += s.overlaps;
    t.questions += s.questions;
    store::MeasuredSpeaker row;
    row.transcript_id = transcript.id;
    row.slot = static_cast<int>(slot);
    row.speaker_id = live.speaker_ids[slot];
    row.talk_ms = s.talk_ms;
    row.words = s.words;
    row.turns = s.turns;
    row.turn_ms = s.turn_ms;
    row.longest_turn_ms = s.longest_turn_ms;
    row.interruptions = s.interruptions;
    row.interrupted = s.interrupted;
    row.overlaps = s.overlaps;
    row.overlap_ms = s.overlap_ms;
    row.questions = s.questions;
    row.offsets = analytics::encode_offsets(s.offsets_ms);
    t.speakers.push_back(std::move(row));
  }
  return t;
}

SpeakerMeasures from_stored(const store::MeasuredSpeaker& row) {
  SpeakerMeasures m;
  m.talk_ms = row.talk_ms;
  m.words = row.words;
  m.turns = row.turns;
  m.turn_ms = row.turn_ms;
  m.longest_turn_ms = row.longest_turn_ms;
  m.interruptions = row.interruptions;
  m.interrupted = row.interrupted;
  m.overlaps = row.overlaps;
  m.overlap_ms = row.overlap_ms;
  m.questions = row.questions;
  analytics::decode_offsets(row.offsets, m.offsets_ms);
  return m;
}

// Who a stored row counts for in a wide scope: its person, or one of the two rows for speakers
// without a person and for segments without a speaker.
ConversationParty stored_party(const store::MeasuredSpeaker& row) {
  ConversationParty p;
  if (!row.speaker_id) return unattributed_party();
  if (!row.person) {
    p.kind = ConversationParty::Kind::unlinked;
    p.name = "(speakers not linked to a person)";
    return p;
  }
  p.kind = ConversationParty::Kind::person;
  p.id = row.person->public_id;
  p.name = row.person->name;
  return p;
}

Status check_threshold(const std::optional<std::int64_t>& value, const char* field) {
  if (value && (*value < 0 || *value > analytics::kThresholdMsMax)) {
    return make_error(ErrorCode::invalid_argument,
                      "between 0 and " + std::to_string(analytics::kThresholdMsMax) + " milliseconds", field);
  }
  return ok_status();
}

Status validate(const ConversationQuery& q) {
  const int scopes = (q.transcript ? 1 : 0) + (q.video ? 1 : 0) + (q.speaker ? 1 : 0) + (q.person ? 1 : 0);
  if (scopes > 1) {
    const char* second = q.person ? "person" : q.speaker ? "speaker" : "video";
    return make_error(ErrorCode::invalid_argument,
                      "name one scope: transcript, video, speaker or person (or none for the whole tenant)", second);
  }
  const bool live = q.transcript || q.video || q.speaker;
  if (live) {
    const char* field = q.collection ? "collection" : q.tag ? "tag" : q.published_after ? "after"
                        : q.published_before ? "before" : nullptr;
    if (field) {
      return make_error(ErrorCode::invalid_argument,
                        "narrows a person or the whole tenant, not a transcript, video or speaker", field);
    }
  } else {
    const char* field = q.overlap_threshold_ms ? "overlap_threshold_ms" : q.yield_window_ms ? "yield_window_ms" : nullptr;
    if (field) {
      return make_error(ErrorCode::invalid_argument,
                        "applies to a transcript, video or speaker; the stored measures of wider scopes use the "
                        "defaults (200 ms, 2000 ms)",
                        field);
    }
  }
  RETURN_IF_ERROR(check_threshold(q.overlap_threshold_ms, "overlap_threshold_ms"));
  RETURN_IF_ERROR(check_threshold(q.yield_window_ms, "yield_window_ms"));
  if (q.published_after && q.published_before && *q.published_before <= *q.published_after) {
    return make_error(ErrorCode::invalid_argument, "must be later than after", "before");
  }
  return ok_status();
}

Result<ConversationReport> live_report(Transaction& tx, const TenantScope& scope, const ConversationQuery& q,
                                       const analytics::Options& options) {
  ConversationReport report;
  report.options = options;
  std::optional<store::Transcript> transcript;
  store::Video video;
  std::optional<Uuid> only_speaker;
  if (q.transcript) {
    report.scope = "transcript";
    report.scope_id = q.transcript;
    ASSIGN_OR_RETURN(auto t, store::TranscriptRepository::get(tx, scope, *q.transcript));
    ASSIGN_OR_RETURN(video, store::VideoRepository::get(tx, scope, t.video_public_id));
    transcript = std::move(t);
  } else {
    Uuid video_id;
    if (q.speaker) {
      report.scope = "speaker";
      report.scope_id = q.speaker;
      ASSIGN_OR_RETURN(auto found, ConversationRepository::speaker(tx, scope, *q.speaker));
      video_id = found.second;
      only_speaker = q.speaker;
    } else {
      report.scope = "video";
      report.scope_id = q.video;
      video_id = *q.video;
    }
    ASSIGN_OR_RETURN(video, store::VideoRepository::get(tx, scope, video_id));
    ASSIGN_OR_RETURN(auto all, store::TranscriptRepository::list_for_video(tx, scope, video));
    transcript = analysed_transcript(std::move(all), video.language);
  }
  report.video_id = video.public_id;
  if (!transcript) {
    report.timing = "none";
    return report;
  }
  ASSIGN_OR_RETURN(LiveMeasures live, measure_live(tx, scope, *transcript, video.id, options));
  fill_live_report(report, live, only_speaker);
  report.transcript = std::move(transcript);
  return report;
}

Result<ConversationReport> stored_report(Transaction& tx, const TenantScope& scope, const ConversationQuery& q) {
  ConversationReport report;
  store::ConversationScope filter;
  if (q.collection) {
    ASSIGN_OR_RETURN(store::Collection c, CollectionService::get_in(tx, scope, *q.collection));
    filter.collection_id = c.id;
  }
  if (q.tag) {
    ASSIGN_OR_RETURN(filter.tag, normalize_tag(*q.tag, "tag"));
  }
  filter.published_after = q.published_after;
  filter.published_before = q.published_before;
  std::optional<store::PersonRef> person;
  if (q.person) {
    ASSIGN_OR_RETURN(person, ConversationRepository::person(tx, scope, *q.person));
    filter.person_id = person->id;
    report.scope = "person";
    report.scope_id = q.person;
  } else {
    report.scope = "tenant";
  }
  ASSIGN_OR_RETURN(auto transcripts, ConversationRepository::transcripts_in(tx, scope, filter));
  ASSIGN_OR_RETURN(auto rows, ConversationRepository::speakers_in(tx, scope, filter));

  std::set<std::string> timings;
  for (const auto& t : transcripts) {
    ++report.totals.transcripts;
    report.totals.span_ms += t.span_ms;
    report.totals.speech_ms += t.speech_ms;
    report.totals.overlap_ms += t.overlap_ms;
    report.totals.turns += t.turns;
    report.totals.speaker_changes += t.speaker_changes;
    analytics::decode_offsets(t.offsets, report.totals.offsets_ms);
    timings.insert(t.timing);
  }
  report.timing = timings.empty() ? "none" : timings.size() == 1 ? *timings.begin() : "mixed";

  std::unordered_map<std::int64_t, std::int64_t> talk_by_transcript;
  for (const auto& row : rows) talk_by_transcript[row.transcript_id] += row.talk_ms;
  // Rows grouped by who they count for, in order of first appearance.
  std::map<std::pair<int, std::string>, std::size_t> group_of;
  for (const auto& row : rows) {
    const SpeakerMeasures measures = from_stored(row);
    add_without_offsets(report.totals.everyone, measures);
    ConversationParty who = stored_party(row);
    if (person && (!row.person || row.person->id != person->id)) continue;
    const auto key = std::make_pair(static_cast<int>(who.kind), who.id ? who.id->to_string() : std::string());
    auto [at, added] = group_of.emplace(key, report.speakers.size());
    if (added) report.speakers.push_back(ConversationRow{who, {}, 0, {}, {}, {}});
    report.speakers[at->second].measures.add(measures);
    if (person) {
      report.videos.push_back(ConversationRow{who, measures, talk_by_transcript[row.transcript_id],
                                              row.video_public_id, row.video_title, row.published_at});
    }
  }
  for (auto& row : report.speakers) row.talk_total_ms = report.totals.everyone.talk_ms;
  if (person && report.speakers.empty()) {
    ConversationParty who;
    who.kind = ConversationParty::Kind::person;
    who.id = person->public_id;
    who.name = person->name;
    report.speakers.push_back(ConversationRow{who, {}, 0, {}, {}, {}});
  }
  sort_rows(report.speakers);
  return report;
}

}  // namespace

std::string_view party_kind_name(ConversationParty::Kind kind) {
  switch (kind) {
    case ConversationParty::Kind::person: return "person";
    case ConversationParty::Kind::unlinked: return "unlinked";
    case ConversationParty::Kind::unattributed: return "unattributed";
    case ConversationParty::Kind::speaker: break;
  }
  return "speaker";
}

std::optional<store::Transcript> analysed_transcript(std::vector<store::Transcript> transcripts,
                                                     const std::optional<std::string>& video_language) {
  if (transcripts.empty()) return std::nullopt;
  // The current revision of each language, and when each language was first transcribed.
  std::map<std::string, store::Transcript> current;
  std::map<std::string, std::int64_t> first_id;
  for (auto& t : transcripts) {
    auto [first, added] = first_id.emplace(t.language, t.id);
    if (!added) first->second = std::min(first->second, t.id);
    auto it = current.find(t.language);
    if (it == current.end() || it->second.revision < t.revision) current[t.language] = std::move(t);
  }
  if (video_language) {
    if (auto it = current.find(*video_language); it != current.end()) return it->second;
  }
  const auto earliest = std::min_element(first_id.begin(), first_id.end(),
                                         [](const auto& a, const auto& b) { return a.second < b.second; });
  return current.at(earliest->first);
}

Result<ConversationReport> ConversationService::conversation_in(Transaction& tx, const TenantScope& scope,
                                                                const ConversationQuery& query) {
  RETURN_IF_ERROR(validate(query));
  if (query.transcript || query.video || query.speaker) {
    analytics::Options options;
    if (query.overlap_threshold_ms) options.overlap_threshold_ms = *query.overlap_threshold_ms;
    if (query.yield_window_ms) options.yield_window_ms = *query.yield_window_ms;
    return live_report(tx, scope, query, options);
  }
  return stored_report(tx, scope, query);
}

Status ConversationService::refresh_video_in(Transaction& tx, const TenantScope& scope, const Uuid& video_id) {
  auto video = store::VideoRepository::get(tx, scope, video_id);
  if (!video.ok()) {
    // A deleted video's measures went with it (ON DELETE CASCADE).
    return video.error().code == ErrorCode::not_found ? ok_status() : Status(video.error());
  }
  ASSIGN_OR_RETURN(auto all, store::TranscriptRepository::list_for_video(tx, scope, *video));
  const auto transcript = analysed_transcript(std::move(all), video->language);
  if (!transcript) return ConversationRepository::replace_video(tx, scope, video->id, std::nullopt);
  ASSIGN_OR_RETURN(LiveMeasures live, measure_live(tx, scope, *transcript, video->id, analytics::Options{}));
  return ConversationRepository::replace_video(tx, scope, video->id, to_stored(*transcript, video->id, live));
}

Result<ConversationRebuild> ConversationService::rebuild_in(Transaction& tx, const TenantScope& scope) {
  RETURN_IF_ERROR(ConversationRepository::clear(tx, scope));
  ConversationRebuild rebuild;
  store::PageRequest page{std::nullopt, store::kPageLimitMax};
  while (true) {
    ASSIGN_OR_RETURN(auto videos, store::VideoRepository::list(tx, scope, page));
    for (const auto& video : videos.items) {
      RETURN_IF_ERROR(refresh_video_in(tx, scope, video.public_id));
      ++rebuild.videos;
    }
    if (!videos.next_after) break;
    page.after = videos.next_after;
  }
  ASSIGN_OR_RETURN(auto measured, ConversationRepository::measured_transcripts(tx, scope));
  rebuild.transcripts = static_cast<std::int64_t>(measured.size());
  return rebuild;
}

Status ConversationService::apply_events(Transaction& tx, std::span<const store::FeedEvent> events) {
  static const store::Principal principal = store::Principal::operator_cli("pipeline:analytics.conversation");
  auto relevant = [](const std::string& type) {
    return type.starts_with("transcript.") || type == "video.updated" || type == "video.deleted" ||
           type == "speaker.merged";
  };
  // Events by tenant, each tenant's videos refreshed once per batch.
  std::map<std::int64_t, std::vector<const store::FeedEvent*>> by_tenant;
  for (const auto& event : events) {
    if (event.tenant_id && relevant(event.event_type)) by_tenant[*event.tenant_id].push_back(&event);
  }
  for (const auto& [tenant_id, tenant_events] : by_tenant) {
    ASSIGN_OR_RETURN(store::Tenant tenant, store::TenantRepository::find_by_id(tx, tenant_id));
    ASSIGN_OR_RETURN(TenantScope scope, store::Authorizer::authorize(tx, principal, tenant, kConversationRead));
    std::set<Uuid> videos;
    for (const store::FeedEvent* event : tenant_events) {
      ASSIGN_OR_RETURN(auto touched, search::videos_touched(tx, scope, *event));
      videos.insert(touched.begin(), touched.end());
    }
    for (const Uuid& video : videos) RETURN_IF_ERROR(refresh_video_in(tx, scope, video));
  }
  return ok_status();
}

}  // namespace narralytica::app
