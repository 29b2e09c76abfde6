#include "store/media/video_repository.hpp"

#include "store/media/video_filter.hpp"

#include <algorithm>

#include "core/ascii.hpp"
#include "core/json_writer.hpp"

namespace narralytica::store {
namespace {

#define VIDEO_COLUMNS \
  "id, public_id, title, description, language, duration_ms, published_at, status, created_at, updated_at"

constexpr const char* kInsertVideo =
    "INSERT INTO videos (public_id, tenant_id, title, description, language, duration_ms, published_at, "
    "status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $8) RETURNING id";
constexpr const char* kInsertSource =
    "INSERT INTO video_sources (public_id, tenant_id, video_id, kind, uri, external_id, checksum, "
    "is_primary, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)";
constexpr const char* kSelectVideo =
    "SELECT " VIDEO_COLUMNS " FROM videos WHERE tenant_id = $1 AND public_id = $2";
constexpr const char* kSelectVideoBySource =
    "SELECT v.public_id FROM video_sources s JOIN videos v ON v.tenant_id = s.tenant_id AND v.id = s.video_id "
    "WHERE s.tenant_id = $1 AND s.kind = $2 AND s.external_id = $3";
constexpr const char* kSelectSources =
    "SELECT public_id, kind, uri, external_id, checksum, is_primary FROM video_sources "
    "WHERE tenant_id = $1 AND video_id = $2 ORDER BY id";
constexpr const char* kListVideosFirst =
    "SELECT " VIDEO_COLUMNS " FROM videos WHERE tenant_id = $1 ORDER BY id LIMIT $2";
constexpr const char* kListVideosAfter =
    "SELECT " VIDEO_COLUMNS " FROM videos WHERE tenant_id = $1 "
    "AND id > (SELECT id FROM videos WHERE tenant_id = $1 AND public_id = $3) ORDER BY id LIMIT $2";
// The filters' parameters are typed so that PostgreSQL can plan "$n IS NULL"; C is the collection's
// parameter, T the tag's.
#define VIDEO_FILTER(C, T)                                                                                    \
  " AND (CAST(" C " AS bigint) IS NULL OR id IN (SELECT video_id FROM collection_videos "                    \
  "WHERE tenant_id = $1 AND collection_id = " C ")) AND (CAST(" T " AS TEXT) IS NULL OR id IN "              \
  "(SELECT video_id FROM video_tags WHERE tenant_id = $1 AND tag = " T "))"
constexpr const char* kListFilteredFirst =
    "SELECT " VIDEO_COLUMNS " FROM videos WHERE tenant_id = $1" VIDEO_FILTER("$3", "$4") " ORDER BY id LIMIT $2";
constexpr const char* kListFilteredAfter =
    "SELECT " VIDEO_COLUMNS " FROM videos WHERE tenant_id = $1" VIDEO_FILTER("$4", "$5")
    " AND id > (SELECT id FROM videos WHERE tenant_id = $1 AND public_id = $3) ORDER BY id LIMIT $2";
#undef VIDEO_FILTER
constexpr const char* kUpdateVideo =
    "UPDATE videos SET title = $3, description = $4, language = $5, duration_ms = $6, published_at = $7, "
    "status = $8, updated_at = $9 WHERE tenant_id = $1 AND id = $2";
constexpr const char* kDeleteVideo = "DELETE FROM videos WHERE tenant_id = $1 AND id = $2";

#undef VIDEO_COLUMNS

Video read_video(const Statement& s) {
  Video v;
  v.id = s.column_int64(0);
  v.public_id = s.column_uuid(1);
  v.title = s.column_text(2);
  v.description = s.column_text(3);
  v.language = s.column_optional_text(4);
  v.duration_ms = s.column_optional_int64(5);
  v.published_at = s.column_optional_int64(6);
  v.status = s.column_text(7);
  v.created_at = s.column_int64(8);
  v.updated_at = s.column_int64(9);
  return v;
}


Status validate(const std::string& title, const std::string& description, const std::optional<std::string>& language,
                const std::optional<std::int64_t>& duration_ms) {
  if (is_blank(title) || title.size() > kVideoTitleLengthMax) {
    return make_error(ErrorCode::invalid_argument,
                      "a title is 1 to " + std::to_string(kVideoTitleLengthMax) + " characters, not blank", "title");
  }
  if (description.size() > kVideoDescriptionLengthMax) {
    return make_error(ErrorCode::invalid_argument,
                      "a description is at most " + std::to_string(kVideoDescriptionLengthMax) + " characters",
                      "description");
  }
  if (language && (language->size() < 2 || language->size() > 35)) {
    return make_error(ErrorCode::invalid_argument, "a language is a BCP 47 tag such as 'en' or 'pt-BR'", "language");
  }
  if (duration_ms && *duration_ms < 0) {
    return make_error(ErrorCode::invalid_argument, "a duration cannot be negative", "duration_ms");
  }
  return ok_status();
}

Status validate_source(const VideoSourceDraft& source, std::size_t index) {
  const std::string field = "sources[" + std::to_string(index) + "]";
  static constexpr std::string_view kinds[] = {"url", "youtube", "vimeo", "file", "object"};
  if (std::find(std::begin(kinds), std::end(kinds), source.kind) == std::end(kinds)) {
    return make_error(ErrorCode::invalid_argument, "kind must be one of url, youtube, vimeo, file, object",
                      field + ".kind");
  }
  if (!source.uri && !source.external_id) {
    return make_error(ErrorCode::invalid_argument, "a source needs a uri or an external_id", field);
  }
  if (source.uri && (source.uri->empty() || source.uri->size() > 2048)) {
    return make_error(ErrorCode::invalid_argument, "a uri is 1 to 2048 characters", field + ".uri");
  }
  return ok_status();
}

Result<std::vector<VideoSource>> read_sources(Transaction& tx, std::int64_t tenant_id, std::int64_t video_id) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectSources));
  s->bind_int64(1, tenant_id);
  s->bind_int64(2, video_id);
  return s->collect([](const Statement& row) {
    return VideoSource{row.column_uuid(0), row.column_text(1), row.column_optional_text(2),
                       row.column_optional_text(3), row.column_optional_text(4), row.column_bool(5)};
  });
}

std::string video_payload(const Video& v) {
  return JsonObject().add("title", v.title).add_optional("language", v.language)
      .add_optional("duration_ms", v.duration_ms).add("status", v.status).str();
}

}  // namespace

Result<Video> VideoRepository::create(Transaction& tx, const TenantScope& scope, const VideoDraft& draft) {
  RETURN_IF_ERROR(validate(draft.title, draft.description, draft.language, draft.duration_ms));
  if (draft.sources.size() > kVideoSourcesMax) {
    return make_error(ErrorCode::invalid_argument, "at most " + std::to_string(kVideoSourcesMax) + " sources", "sources");
  }
  int primaries = 0;
  for (std::size_t i = 0; i < draft.sources.size(); ++i) {
    RETURN_IF_ERROR(validate_source(draft.sources[i], i));
    primaries += draft.sources[i].is_primary ? 1 : 0;
  }
  if (primaries > 1) return make_error(ErrorCode::invalid_argument, "at most one source can be primary", "sources");
  RETURN_IF_ERROR(tx.enter(scope));

  Video video;
  video.public_id = tx.new_id();
  video.title = draft.title;
  video.description = draft.description;
  video.language = draft.language;
  video.duration_ms = draft.duration_ms;
  video.published_at = draft.published_at;
  video.status = "active";
  video.created_at = video.updated_at = tx.now_us();
  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertVideo));
  insert->bind_uuid(1, video.public_id);
  insert->bind_int64(2, scope.tenant_id());
  insert->bind_text(3, video.title);
  insert->bind_text(4, video.description);
  insert->bind_optional_text(5, video.language);
  insert->bind_optional_int64(6, video.duration_ms);
  insert->bind_optional_int64(7, video.published_at);
  insert->bind_int64(8, video.created_at);
  ASSIGN_OR_RETURN(bool inserted, insert->step());
  if (!inserted) return make_error(ErrorCode::internal, "video insert returned no id");
  video.id = insert->column_int64(0);
  insert->reset();

  for (std::size_t i = 0; i < draft.sources.size(); ++i) {
    const VideoSourceDraft& d = draft.sources[i];
    VideoSource source{tx.new_id(), d.kind, d.uri, d.external_id, d.checksum, d.is_primary};
    ASSIGN_OR_RETURN(Statement * s, tx.prepare(kInsertSource));
    s->bind_uuid(1, source.public_id);
    s->bind_int64(2, scope.tenant_id());
    s->bind_int64(3, video.id);
    s->bind_text(4, source.kind);
    s->bind_optional_text(5, source.uri);
    s->bind_optional_text(6, source.external_id);
    s->bind_optional_text(7, source.checksum);
    s->bind_bool(8, source.is_primary);
    s->bind_int64(9, video.created_at);
    auto done = s->execute();
    if (!done.ok()) {
      if (done.error().code == ErrorCode::conflict) {
        return make_error(ErrorCode::conflict,
                          "another video already has " + d.kind + " id '" + d.external_id.value_or("") + "'",
                          "sources[" + std::to_string(i) + "].external_id");
      }
      return std::move(done).error();
    }
    video.sources.push_back(std::move(source));
  }
  tx.record_change(scope, "video.created", "video", video.public_id, video_payload(video));
  return video;
}

Result<Video> VideoRepository::get(Transaction& tx, const TenantScope& scope, const Uuid& public_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectVideo));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, public_id);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no video " + public_id.to_string(), "video");
  Video video = read_video(*s);
  s->reset();
  ASSIGN_OR_RETURN(video.sources, read_sources(tx, scope.tenant_id(), video.id));
  return video;
}

Result<std::optional<Video>> VideoRepository::find_by_source(Transaction& tx, const TenantScope& scope,
                                                             std::string_view kind, std::string_view external_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectVideoBySource));
  s->bind_int64(1, scope.tenant_id());
  s->bind_text(2, kind);
  s->bind_text(3, external_id);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return std::optional<Video>{};
  const Uuid id = s->column_uuid(0);
  s->reset();
  ASSIGN_OR_RETURN(Video video, get(tx, scope, id));
  return std::optional<Video>(std::move(video));
}

Result<Page<Video>> VideoRepository::list(Transaction& tx, const TenantScope& scope, PageRequest page) {
  return list_videos(tx, scope, page, VideoFilter{});
}

Result<Page<Video>> list_videos(Transaction& tx, const TenantScope& scope, PageRequest page,
                                const VideoFilter& filter) {
  RETURN_IF_ERROR(check_page_limit(page.limit));
  RETURN_IF_ERROR(tx.enter(scope));
  const char* sql = filter.any() ? (page.after ? kListFilteredAfter : kListFilteredFirst)
                                 : (page.after ? kListVideosAfter : kListVideosFirst);
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(sql));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, page.limit);
  if (page.after) s->bind_uuid(3, *page.after);
  if (filter.any()) {
    const int first = page.after ? 4 : 3;
    s->bind_optional_int64(first, filter.collection_id);
    s->bind_optional_text(first + 1, filter.tag);
  }
  ASSIGN_OR_RETURN(std::vector<Video> videos, s->collect(read_video));
  for (Video& video : videos) {
    ASSIGN_OR_RETURN(video.sources, read_sources(tx, scope.tenant_id(), video.id));
  }
  return make_page(std::move(videos), page.limit);
}

Result<Video> VideoRepository::update(Transaction& tx, const TenantScope& scope, const Uuid& public_id,
                                      const VideoPatch& patch) {
  ASSIGN_OR_RETURN(Video video, get(tx, scope, public_id));
  if (patch.expected_updated_at && *patch.expected_updated_at != video.updated_at) {
    return make_error(ErrorCode::precondition_failed,
                      "the video changed since you read it; read it again and reapply your change", "If-Match");
  }
  if (patch.title) video.title = *patch.title;
  if (patch.description) video.description = *patch.description;
  if (patch.language) video.language = *patch.language;
  if (patch.duration_ms) video.duration_ms = *patch.duration_ms;
  if (patch.published_at) video.published_at = *patch.published_at;
  if (patch.status) {
    if (*patch.status != "active" && *patch.status != "archived") {
      return make_error(ErrorCode::invalid_argument, "status must be active or archived", "status");
    }
    video.status = *patch.status;
  }
  RETURN_IF_ERROR(validate(video.title, video.description, video.language, video.duration_ms));
  // Strictly increasing even when two updates land in the same microsecond, so the version changes.
  video.updated_at = std::max(tx.now_us(), video.updated_at + 1);
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kUpdateVideo));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, video.id);
  s->bind_text(3, video.title);
  s->bind_text(4, video.description);
  s->bind_optional_text(5, video.language);
  s->bind_optional_int64(6, video.duration_ms);
  s->bind_optional_int64(7, video.published_at);
  s->bind_text(8, video.status);
  s->bind_int64(9, video.updated_at);
  RETURN_IF_ERROR(s->execute());
  tx.record_change(scope, "video.updated", "video", video.public_id, video_payload(video));
  return video;
}

Status VideoRepository::remove(Transaction& tx, const TenantScope& scope, const Uuid& public_id) {
  ASSIGN_OR_RETURN(Video video, get(tx, scope, public_id));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kDeleteVideo));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, video.id);
  RETURN_IF_ERROR(s->execute());
  tx.record_change(scope, "video.deleted", "video", video.public_id, JsonObject().add("title", video.title).str());
  return ok_status();
}

}  // namespace narralytica::store
