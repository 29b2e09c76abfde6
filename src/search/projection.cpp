#include "search/projection.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

#include "store/layers/layer_repository.hpp"
#include "store/media/people_repository.hpp"
#include "store/media/speaker_repository.hpp"
#include "store/media/transcript_repository.hpp"
#include "store/media/video_repository.hpp"

namespace narralytica::search {
namespace {

using store::Speaker;
using store::Transcript;

// The current revision of each language: the highest.
std::vector<Transcript> current_revisions(std::vector<Transcript> all) {
  std::map<std::string, Transcript> newest;
  for (auto& t : all) {
    auto it = newest.find(t.language);
    if (it == newest.end() || it->second.revision < t.revision) newest[t.language] = std::move(t);
  }
  std::vector<Transcript> current;
  for (auto& [language, t] : newest) current.push_back(std::move(t));
  std::sort(current.begin(), current.end(),
            [](const Transcript& a, const Transcript& b) { return a.public_id < b.public_id; });
  return current;
}

struct SpeakerInfo {
  std::string label;
  std::string name;
  std::optional<Uuid> person_id;
  std::string person_name;
};

Result<std::map<Uuid, SpeakerInfo>> speaker_infos(store::Transaction& tx, const store::TenantScope& scope,
                                                  const store::Video& video) {
  ASSIGN_OR_RETURN(std::vector<Speaker> speakers, store::TranscriptRepository::speakers(tx, scope, video));
  std::map<Uuid, SpeakerInfo> infos;
  for (const auto& speaker : speakers) {
    SpeakerInfo info;
    info.label = speaker.label;
    info.name = speaker.display_name.value_or("");
    info.person_id = speaker.person_public_id;
    info.person_name = speaker.person_name.value_or("");
    infos.emplace(speaker.public_id, std::move(info));
  }
  return infos;
}

bool is_indexed_kind(std::string_view kind) {
  return std::any_of(std::begin(kIndexedLayerKinds), std::end(kIndexedLayerKinds),
                     [&](const IndexedLayerKind& k) { return k.kind == kind; });
}

// The labels of the current run of each indexed kind, by segment ordinal.
Status attach_labels(store::Transaction& tx, const store::TenantScope& scope, const Transcript& transcript,
                     std::vector<SegmentDocument>& documents, std::size_t first_document) {
  ASSIGN_OR_RETURN(auto runs, store::LayerRepository::list_for_transcript(tx, scope, transcript));
  for (const auto& run : runs) {
    if (!run.current || !is_indexed_kind(run.kind)) continue;
    ASSIGN_OR_RETURN(auto items, store::LayerRepository::all_items(tx, scope, run));
    for (const auto& item : items) {
      if (!item.label || item.label->empty() || !item.segment_ordinal_first) continue;
      const std::int64_t last = item.segment_ordinal_last.value_or(*item.segment_ordinal_first);
      for (std::int64_t ordinal = *item.segment_ordinal_first; ordinal <= last; ++ordinal) {
        const std::size_t index = first_document + static_cast<std::size_t>(ordinal);
        if (ordinal < 0 || index >= documents.size()) break;
        LayerLabel label{run.kind, *item.label};
        auto& labels = documents[index].labels;
        if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(std::move(label));
      }
    }
  }
  return ok_status();
}

// The vectors of the transcript's current embedding run (payload {"dims": n, "vector": [...]}).
Status collect_vectors(store::Transaction& tx, const store::TenantScope& scope, const Transcript& transcript,
                       const Uuid& video, std::vector<SegmentVector>& out) {
  ASSIGN_OR_RETURN(auto runs, store::LayerRepository::list_for_transcript(tx, scope, transcript));
  for (const auto& run : runs) {
    if (!run.current || run.kind != "embedding") continue;
    const std::string producer = run.producer_name + "@" + run.producer_version;
    ASSIGN_OR_RETURN(auto items, store::LayerRepository::all_items(tx, scope, run));
    for (const auto& item : items) {
      if (!item.segment_ordinal_first) continue;
      const auto payload = nlohmann::json::parse(item.payload_json, nullptr, false);
      if (!payload.is_object() || !payload.contains("vector") || !payload["vector"].is_array()) continue;
      std::vector<float> values;
      values.reserve(payload["vector"].size());
      for (const auto& number : payload["vector"]) values.push_back(number.is_number() ? number.get<float>() : 0.0f);
      const std::int64_t last = item.segment_ordinal_last.value_or(*item.segment_ordinal_first);
      for (std::int64_t ordinal = *item.segment_ordinal_first; ordinal <= last; ++ordinal) {
        out.push_back(SegmentVector{producer, video, transcript.public_id, ordinal, values});
      }
    }
  }
  return ok_status();
}

std::optional<Uuid> payload_uuid(const std::string& payload_json, const char* key) {
  const auto payload = nlohmann::json::parse(payload_json, nullptr, false);
  if (!payload.is_object() || !payload.contains(key) || !payload[key].is_string()) return std::nullopt;
  return Uuid::parse(payload[key].get<std::string>());
}

// The ids of an array of strings in the payload; none when absent.
std::vector<Uuid> payload_uuids(const std::string& payload_json, const char* key) {
  std::vector<Uuid> ids;
  const auto payload = nlohmann::json::parse(payload_json, nullptr, false);
  if (!payload.is_object() || !payload.contains(key) || !payload[key].is_array()) return ids;
  for (const auto& item : payload[key]) {
    if (!item.is_string()) continue;
    if (auto id = Uuid::parse(item.get<std::string>())) ids.push_back(*id);
  }
  return ids;
}

}  // namespace

Result<std::optional<VideoProjection>> project_video(store::Transaction& tx, const store::TenantScope& scope,
                                                     const Uuid& video_id) {
  auto video = store::VideoRepository::get(tx, scope, video_id);
  if (!video.ok()) {
    if (video.error().code == ErrorCode::not_found) return std::optional<VideoProjection>();
    return video.error();
  }
  VideoProjection projection;
  projection.video_id = video_id;
  ASSIGN_OR_RETURN(auto all, store::TranscriptRepository::list_for_video(tx, scope, *video));
  const auto transcripts = current_revisions(std::move(all));
  if (transcripts.empty()) return std::optional<VideoProjection>(std::move(projection));
  ASSIGN_OR_RETURN(auto speakers, speaker_infos(tx, scope, *video));
  for (const auto& transcript : transcripts) {
    const std::size_t first_document = projection.documents.size();
    store::SegmentQuery query;
    query.limit = store::kPageLimitMax;
    while (true) {
      ASSIGN_OR_RETURN(auto page, store::TranscriptRepository::segments(tx, scope, transcript, query));
      for (auto& segment : page.items) {
        SegmentDocument d;
        d.video_id = video->public_id;
        d.video_title = video->title;
        d.published_at = video->published_at;
        d.transcript_id = transcript.public_id;
        d.revision = transcript.revision;
        d.language = transcript.language;
        d.ordinal = segment.ordinal;
        d.start_ms = segment.start_ms;
        d.end_ms = segment.end_ms;
        d.speaker_id = segment.speaker_public_id;
        if (segment.speaker_public_id) {
          if (auto it = speakers.find(*segment.speaker_public_id); it != speakers.end()) {
            d.speaker_label = it->second.label;
            d.speaker_name = it->second.name;
            d.person_id = it->second.person_id;
            d.person_name = it->second.person_name;
          }
        } else if (segment.speaker_label) {
          d.speaker_label = *segment.speaker_label;
        }
        d.text = std::move(segment.text);
        projection.documents.push_back(std::move(d));
      }
      if (!page.next_after_ordinal) break;
      query.after_ordinal = page.next_after_ordinal;
    }
    // Ordinals are dense from 0 (segments are written whole), so index = first + ordinal.
    RETURN_IF_ERROR(attach_labels(tx, scope, transcript, projection.documents, first_document));
    RETURN_IF_ERROR(collect_vectors(tx, scope, transcript, video->public_id, projection.vectors));
  }
  return std::optional<VideoProjection>(std::move(projection));
}

Result<std::vector<Uuid>> list_videos(store::Transaction& tx, const store::TenantScope& scope,
                                      const std::optional<Uuid>& after, int limit) {
  store::PageRequest request;
  request.after = after;
  request.limit = limit;
  ASSIGN_OR_RETURN(auto page, store::VideoRepository::list(tx, scope, request));
  std::vector<Uuid> ids;
  ids.reserve(page.items.size());
  for (const auto& video : page.items) ids.push_back(video.public_id);
  return ids;
}

bool affects_search(std::string_view type) {
  return type.starts_with("transcript.") || type.starts_with("video.") || type.starts_with("speaker.") ||
         type.starts_with("layer.") || type.starts_with("person.");
}

Result<std::set<Uuid>> videos_touched(store::Transaction& tx, const store::TenantScope& scope,
                                      const store::FeedEvent& event) {
  std::set<Uuid> videos;
  const std::string& type = event.event_type;
  if (!affects_search(type) || !event.entity_public_id) return videos;
  const Uuid& entity = *event.entity_public_id;
  auto ignore_missing = [](const Error& error) -> Status {
    return error.code == ErrorCode::not_found ? ok_status() : Status(error);
  };
  if (type.starts_with("video.")) {
    videos.insert(entity);
  } else if (type.starts_with("transcript.")) {
    if (auto video = payload_uuid(event.payload_json, "video")) {
      videos.insert(*video);
    } else if (auto transcript = store::TranscriptRepository::get(tx, scope, entity); transcript.ok()) {
      videos.insert(transcript->video_public_id);
    } else {
      RETURN_IF_ERROR(ignore_missing(transcript.error()));
    }
  } else if (type.starts_with("layer.")) {
    if (auto transcript_id = payload_uuid(event.payload_json, "transcript")) {
      auto transcript = store::TranscriptRepository::get(tx, scope, *transcript_id);
      if (transcript.ok()) videos.insert(transcript->video_public_id);
      else RETURN_IF_ERROR(ignore_missing(transcript.error()));
    }
  } else if (type.starts_with("speaker.")) {
    auto speaker = store::SpeakerRepository::get(tx, scope, entity);
    if (speaker.ok()) videos.insert(speaker->video_public_id);
    else RETURN_IF_ERROR(ignore_missing(speaker.error()));
  } else if (type.starts_with("person.")) {
    // Every video with a speaker linked to the person shows its name; a deleted person's event
    // lists the videos it was linked in, since the links are gone by now.
    ASSIGN_OR_RETURN(auto linked, store::PeopleRepository::videos_of(tx, scope, entity));
    videos.insert(linked.begin(), linked.end());
    for (const Uuid& video : payload_uuids(event.payload_json, "videos")) videos.insert(video);
  }
  return videos;
}

}  // namespace narralytica::search
