#include "api/detail/views.hpp"

#include <charconv>
#include <cmath>

#include "api/detail/io.hpp"
#include "core/json_writer.hpp"

namespace narralytica::api {
namespace {

std::optional<std::string> id_text(const std::optional<Uuid>& id) {
  if (!id) return std::nullopt;
  return id->to_string();
}

std::optional<std::string> time_text(const std::optional<UnixMicros>& us) {
  if (!us) return std::nullopt;
  return rfc3339(*us);
}

}  // namespace

std::string source_json(const store::VideoSource& source) {
  return JsonObject()
      .add("id", source.public_id.to_string())
      .add("kind", source.kind)
      .add_optional("uri", source.uri)
      .add_optional("external_id", source.external_id)
      .add_optional("checksum", source.checksum)
      .add("is_primary", source.is_primary)
      .str();
}

std::string video_json(const store::Video& video) {
  JsonArray sources;
  for (const auto& s : video.sources) sources.add_raw(source_json(s));
  return JsonObject()
      .add("id", video.public_id.to_string())
      .add("title", video.title)
      .add("description", video.description)
      .add_optional("language", video.language)
      .add_optional("duration_ms", video.duration_ms)
      .add_optional("published_at", time_text(video.published_at))
      .add("status", video.status)
      .add_raw("sources", sources.str())
      .add("created_at", rfc3339(video.created_at))
      .add("updated_at", rfc3339(video.updated_at))
      .str();
}

namespace {

JsonObject transcript_object(const store::Transcript& t) {
  JsonObject object;
  object
      .add("id", t.public_id.to_string())
      .add("video_id", t.video_public_id.to_string())
      .add("language", t.language)
      .add("revision", t.revision)
      .add_optional("previous_id", id_text(t.previous_public_id))
      .add("origin", t.origin)
      .add_optional("engine", t.engine)
      .add_optional("model", t.model)
      .add_optional("model_version", t.model_version)
      .add("content_hash", t.content_hash)
      .add("segment_count", t.segment_count)
      .add("created_at", rfc3339(t.created_at));
  return object;
}

}  // namespace

std::string transcript_json(const store::Transcript& t) {
  return transcript_object(t).str();
}

std::string transcript_json(const store::Transcript& t, const std::vector<formats::Warning>& warnings) {
  JsonArray items;
  for (const formats::Warning& warning : warnings) {
    JsonObject item;
    item.add("message", warning.message);
    if (warning.line != 0) {
      item.add("line", static_cast<std::int64_t>(warning.line));
      item.add("column", static_cast<std::int64_t>(warning.column));
    }
    items.add_raw(item.str());
  }
  return transcript_object(t).add_raw("warnings", items.str()).str();
}

namespace {

// The API's numbers in their shortest round-trip form (core's append_json_double writes all 17
// digits, which stored data depends on).
void append_shortest_double(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;  // shortest round-trip form
  out.append(buffer, end);
}

void append_uuid(std::string& out, const Uuid& id) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  const auto& bytes = id.bytes();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(hex[bytes[i] >> 4]);
    out.push_back(hex[bytes[i] & 0xf]);
  }
  out.push_back('"');
}

}  // namespace

void append_segment_json(std::string& out, const store::Segment& s) {
  out += "{\"ordinal\":";
  append_json_int(out, s.ordinal);
  out += ",\"start_ms\":";
  append_json_int(out, s.start_ms);
  out += ",\"end_ms\":";
  append_json_int(out, s.end_ms);
  out += ",\"speaker_id\":";
  if (s.speaker_public_id) append_uuid(out, *s.speaker_public_id);
  else out += "null";
  out += ",\"speaker\":";
  if (s.speaker_label) append_json_string(out, *s.speaker_label);
  else out += "null";
  out += ",\"text\":";
  append_json_string(out, s.text);
  out += ",\"confidence\":";
  if (s.confidence) append_shortest_double(out, *s.confidence);
  else out += "null";
  out += ",\"words\":";
  out += s.words_json ? std::string_view(*s.words_json) : std::string_view("null");
  out.push_back('}');
}

std::string segment_json(const store::Segment& segment) {
  std::string out;
  append_segment_json(out, segment);
  return out;
}

std::string speaker_json(const store::Speaker& s) {
  return JsonObject()
      .add("id", s.public_id.to_string())
      .add("video_id", s.video_public_id.to_string())
      .add("label", s.label)
      .add_optional("display_name", s.display_name)
      .add_optional("person_id", id_text(s.person_public_id))
      .add_optional("person_name", s.person_name)
      .str();
}

std::string person_json(const store::Person& p) {
  return JsonObject()
      .add("id", p.public_id.to_string())
      .add("name", p.name)
      .add_raw("external_ids", p.external_ids_json)
      .add_optional("notes", p.notes)
      .add_optional("merged_into", id_text(p.merged_into))
      .add("speaker_count", p.speaker_count)
      .add("created_at", rfc3339(p.created_at))
      .add("updated_at", rfc3339(p.updated_at))
      .str();
}

std::string appearance_json(const store::Appearance& a) {
  std::string labels = "[";
  for (const auto& label : a.speaker_labels) {
    if (labels.size() > 1) labels += ',';
    append_json_string(labels, label);
  }
  labels += ']';
  JsonObject video;
  video.add("id", a.video_public_id.to_string()).add("title", a.video_title);
  if (a.video_published_at) video.add("published_at", rfc3339(*a.video_published_at));
  else video.add_null("published_at");
  return JsonObject()
      .add_raw("video", video.str())
      .add("transcript_id", a.transcript_public_id.to_string())
      .add("language", a.language)
      .add_raw("speakers", labels)
      .add("segment_count", a.segment_count)
      .add("speaking_ms", a.speaking_ms)
      .add("first_ms", a.first_ms)
      .add("last_ms", a.last_ms)
      .str();
}

std::string person_segment_json(const store::PersonSegment& s) {
  std::string segment;
  append_segment_json(segment, s.segment);
  return JsonObject()
      .add("video_id", s.video_public_id.to_string())
      .add("transcript_id", s.transcript_public_id.to_string())
      .add_raw("segment", segment)
      .str();
}

std::string collection_json(const store::Collection& c) {
  return JsonObject()
      .add("id", c.public_id.to_string())
      .add("name", c.name)
      .add("description", c.description)
      .add("video_count", c.video_count)
      .add("created_at", rfc3339(c.created_at))
      .add("updated_at", rfc3339(c.updated_at))
      .str();
}

std::string tags_json(const std::vector<std::string>& tags) {
  JsonArray items;
  for (const auto& tag : tags) {
    std::string quoted;
    append_json_string(quoted, tag);
    items.add_raw(quoted);
  }
  return items.str();
}

std::string tag_count_json(const store::TagCount& t) { return JsonObject().add("tag", t.tag).add("videos", t.videos).str(); }

std::string tenant_json(const store::Tenant& t) {
  return JsonObject()
      .add("id", t.public_id.to_string())
      .add("slug", t.slug)
      .add("name", t.name)
      .add("status", t.status)
      .add("created_at", rfc3339(t.created_at))
      .add("updated_at", rfc3339(t.updated_at))
      .str();
}

std::string membership_json(const store::Membership& m) {
  return JsonObject()
      .add("id", m.public_id.to_string())
      .add("user_id", m.user_public_id.to_string())
      .add("email", m.email)
      .add("role", m.role)
      .add("status", m.status)
      .str();
}

std::string role_json(const store::Role& r) {
  return JsonObject()
      .add("id", r.public_id.to_string())
      .add("name", r.name)
      .add("description", r.description)
      .add("builtin", r.builtin)
      .str();
}

std::string token_json(const store::ApiToken& t) {
  return JsonObject()
      .add("id", t.public_id.to_string())
      .add("name", t.name)
      .add("prefix", t.prefix)
      .add_optional("expires_at", time_text(t.expires_at))
      .add_optional("revoked_at", time_text(t.revoked_at))
      .str();
}

std::string audit_json(const store::AuditEntry& e) {
  return JsonObject()
      .add("id", e.public_id.to_string())
      .add("actor", e.actor)
      .add("action", e.action)
      .add("resource_type", e.resource_type)
      .add_optional("resource_id", id_text(e.resource_public_id))
      .add("outcome", e.outcome)
      .add("request_id", e.request_id)
      .add_raw("details", e.details_json.empty() ? "{}" : e.details_json)
      .add("created_at", rfc3339(e.created_at))
      .str();
}

std::string job_json(const store::Job& job) {
  return JsonObject()
      .add("id", job.public_id.to_string())
      .add("kind", job.kind)
      .add_raw("payload", job.payload_json.empty() ? "{}" : job.payload_json)
      .add("status", store::to_string(job.status))
      .add("priority", job.priority)
      .add("run_at", rfc3339(job.run_at))
      .add("attempts", job.attempts)
      .add("max_attempts", job.max_attempts)
      .add_optional("last_error", job.last_error)
      .add_optional("idempotency_key", job.idempotency_key)
      .add_optional("finished_at", time_text(job.finished_at))
      .add("created_at", rfc3339(job.created_at))
      .add("updated_at", rfc3339(job.updated_at))
      .str();
}

std::string config_json(std::string_view key, std::string_view value_json) {
  return JsonObject().add("key", key).add_raw("value", value_json).str();
}

std::string event_json(const store::FeedEvent& e) {
  return JsonObject()
      .add("position", e.position)
      .add("type", e.event_type)
      .add("entity_type", e.entity_type)
      .add_optional("entity_id", id_text(e.entity_public_id))
      .add_raw("payload", e.payload_json.empty() ? "{}" : e.payload_json)
      .add("created_at", rfc3339(e.created_at))
      .str();
}

std::string feed_json(const store::FeedPage& page) {
  JsonArray items;
  for (const auto& e : page.events) items.add_raw(event_json(e));
  return JsonObject().add_raw("items", items.str()).add("next_after", page.next_after).add("head", page.head).str();
}

std::string page_json(const std::string& items_array, const std::optional<std::string>& next_cursor) {
  return JsonObject().add_raw("items", items_array).add_optional("next_cursor", next_cursor).str();
}

}  // namespace narralytica::api
