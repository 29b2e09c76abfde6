#include "api/detail/views.hpp"

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

std::string transcript_json(const store::Transcript& t) {
  return JsonObject()
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
      .add("created_at", rfc3339(t.created_at))
      .str();
}

std::string segment_json(const store::Segment& s) {
  JsonObject out;
  out.add("ordinal", s.ordinal)
      .add("start_ms", s.start_ms)
      .add("end_ms", s.end_ms)
      .add_optional("speaker_id", id_text(s.speaker_public_id))
      .add_optional("speaker", s.speaker_label)
      .add("text", s.text)
      .add_optional("confidence", s.confidence);
  if (s.words_json) out.add_raw("words", *s.words_json);
  else out.add_null("words");
  return out.str();
}

std::string speaker_json(const store::Speaker& s) {
  return JsonObject()
      .add("id", s.public_id.to_string())
      .add_optional("video_id", id_text(s.video_public_id))
      .add("label", s.label)
      .add_optional("display_name", s.display_name)
      .add_optional("person_id", id_text(s.identity_public_id))
      .str();
}

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

std::string page_json(const std::string& items_array, const std::optional<std::string>& next_cursor) {
  return JsonObject().add_raw("items", items_array).add_optional("next_cursor", next_cursor).str();
}

}  // namespace narralytica::api
