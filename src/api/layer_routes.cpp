// AI layers: runs written whole (JSON or NDJSON), versions listed and read, the current version
// pinned, two versions diffed; segments across the tenant filtered by layer values; analytics by
// label per video, speaker and time bucket.
#include <charconv>

#include "api/detail/io.hpp"
#include "api/detail/layer_where.hpp"
#include "api/detail/route.hpp"
#include "api/detail/views.hpp"
#include "app/layer_json.hpp"
#include "app/layer_service.hpp"
#include "core/json_writer.hpp"

namespace narralytica::api {
namespace layer_routes_impl {
namespace {

using app::LayerService;
using store::LayerRun;

std::string kind_param(const Call& call) { return std::string(call.param("kind")); }

Result<std::optional<int>> version_param(const HttpRequest& request, std::string_view name) {
  ASSIGN_OR_RETURN(auto version, query_int(request, name, 1, INT32_MAX));
  if (!version) return std::optional<int>();
  return std::optional<int>(static_cast<int>(*version));
}

Result<HttpResponse> create_layer_run(Call& call) {
  ASSIGN_OR_RETURN(Uuid transcript, path_id(call, "id", "transcript"));
  const std::string_view type = call.request.header("content-type");
  const app::LayerDocumentFormat format =
      type.starts_with("application/x-ndjson") || type.starts_with("application/ndjson")
          ? app::LayerDocumentFormat::ndjson
          : app::LayerDocumentFormat::json;
  ASSIGN_OR_RETURN(store::LayerRunDraft draft, app::read_layer_run(call.request.body, "body", format));
  ASSIGN_OR_RETURN(store::LayerRunWrite written, LayerService::create_in(*call.tx, *call.scope, transcript, draft));
  return json_response(written.created ? 201 : 200, app::layer_run_json(written.run));
}

Result<HttpResponse> list_layer_runs(Call& call) {
  ASSIGN_OR_RETURN(Uuid transcript, path_id(call, "id", "transcript"));
  ASSIGN_OR_RETURN(std::vector<LayerRun> runs, LayerService::list_in(*call.tx, *call.scope, transcript));
  JsonArray items;
  for (const LayerRun& run : runs) items.add_raw(app::layer_run_json(run));
  return json_response(200, page_json(items.str(), std::nullopt));
}

std::string ordinal_cursor(std::int64_t ordinal) { return encode_int_cursor('l', {ordinal}); }

Result<std::optional<std::int64_t>> ordinal_from_cursor(const HttpRequest& request) {
  auto cursor = request.query_param("cursor");
  if (!cursor) return std::optional<std::int64_t>();
  ASSIGN_OR_RETURN(auto key, decode_int_cursor('l', *cursor, 1));
  return std::optional<std::int64_t>(key[0]);
}

// {"run": {...}, "items": [...], "next_cursor": ...}: one version with a page of its items.
Result<HttpResponse> get_layer_run(Call& call) {
  ASSIGN_OR_RETURN(Uuid transcript, path_id(call, "id", "transcript"));
  ASSIGN_OR_RETURN(std::optional<int> version, version_param(call.request, "version"));
  store::LayerItemQuery query;
  ASSIGN_OR_RETURN(query.limit, page_limit(call.request));
  ASSIGN_OR_RETURN(query.after_ordinal, ordinal_from_cursor(call.request));
  ASSIGN_OR_RETURN(auto shown, LayerService::run_page_in(*call.tx, *call.scope, transcript, kind_param(call), version, query));
  const auto& [run, page] = shown;
  std::optional<std::string> next;
  if (page.next_after_ordinal) next = ordinal_cursor(*page.next_after_ordinal);
  return json_response(200, app::layer_run_page_json(run, page.items, next));
}

Result<HttpResponse> set_current_layer(Call& call) {
  ASSIGN_OR_RETURN(Uuid transcript, path_id(call, "id", "transcript"));
  std::optional<int> version;
  if (const auto& v = call.body["version"]; !v.is_null()) {
    if (v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > INT32_MAX) {
      return make_error(ErrorCode::invalid_argument, "a version is an integer >= 1, or null to unpin", "version");
    }
    version = static_cast<int>(v.get<std::int64_t>());
  }
  ASSIGN_OR_RETURN(store::CurrentChange change,
                   LayerService::set_current_in(*call.tx, *call.scope, transcript, kind_param(call), version));
  return json_response(200, app::layer_run_json(change.current));
}

// Runs are immutable, so a diff is the same every time it is asked: its entries page by offset.
Result<HttpResponse> diff_layer(Call& call) {
  ASSIGN_OR_RETURN(Uuid transcript, path_id(call, "id", "transcript"));
  ASSIGN_OR_RETURN(std::optional<int> from, version_param(call.request, "from"));
  ASSIGN_OR_RETURN(std::optional<int> to, version_param(call.request, "to"));
  if (!from) return make_error(ErrorCode::invalid_argument, "from (a version) is required", "from");
  if (!to) return make_error(ErrorCode::invalid_argument, "to (a version) is required", "to");
  ASSIGN_OR_RETURN(int limit, page_limit(call.request));
  ASSIGN_OR_RETURN(std::optional<std::int64_t> offset, ordinal_from_cursor(call.request));
  ASSIGN_OR_RETURN(app::LayerDiff diff,
                   LayerService::diff_in(*call.tx, *call.scope, transcript, kind_param(call), *from, *to));
  const std::size_t begin = static_cast<std::size_t>(offset.value_or(0));
  const std::size_t end = std::min(diff.entries.size(), begin + static_cast<std::size_t>(limit));
  std::optional<std::string> next;
  if (end < diff.entries.size()) next = ordinal_cursor(static_cast<std::int64_t>(end));
  return json_response(200, app::layer_diff_json(diff, begin, end, next));
}

Result<std::optional<Uuid>> query_id(const HttpRequest& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text) return std::optional<Uuid>();
  auto id = Uuid::parse(*text);
  if (!id) return make_error(ErrorCode::invalid_argument, std::string(name) + " is an id", std::string(name));
  return std::optional<Uuid>(*id);
}

std::string hit_cursor(const std::pair<std::int64_t, std::int64_t>& after) {
  return encode_int_cursor('h', {after.first, after.second});
}

Result<std::optional<std::pair<std::int64_t, std::int64_t>>> hit_from_cursor(const HttpRequest& request) {
  using After = std::optional<std::pair<std::int64_t, std::int64_t>>;
  auto cursor = request.query_param("cursor");
  if (!cursor) return After();
  ASSIGN_OR_RETURN(auto key, decode_int_cursor('h', *cursor, 2));
  return After(std::make_pair(key[0], key[1]));
}

// GET /v1/segments?where=...: segments across the tenant whose current layers match.
Result<HttpResponse> search_segments(Call& call) {
  store::SegmentSearch search;
  auto where = call.request.query_param("where");
  if (!where) return make_error(ErrorCode::invalid_argument, "where (conditions on layers) is required", "where");
  ASSIGN_OR_RETURN(search.where, parse_where(*where));
  ASSIGN_OR_RETURN(search.video, query_id(call.request, "video"));
  ASSIGN_OR_RETURN(search.transcript, query_id(call.request, "transcript"));
  ASSIGN_OR_RETURN(search.speaker, query_id(call.request, "speaker"));
  ASSIGN_OR_RETURN(search.from_ms, query_int(call.request, "from_ms", 0, INT64_MAX));
  ASSIGN_OR_RETURN(search.to_ms, query_int(call.request, "to_ms", 0, INT64_MAX));
  ASSIGN_OR_RETURN(search.limit, page_limit(call.request));
  ASSIGN_OR_RETURN(search.after, hit_from_cursor(call.request));
  ASSIGN_OR_RETURN(store::SegmentHitPage page,
                   LayerService::search_segments_in(*call.tx, *call.scope, *call.principal, search));
  std::string out = "{\"items\":[";
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    const store::SegmentHit& hit = page.items[i];
    if (i) out += ',';
    out += "{\"transcript\":";
    append_json_string(out, hit.transcript_public_id.to_string());
    out += ",\"video\":";
    append_json_string(out, hit.video_public_id.to_string());
    out += ",\"segment\":";
    append_segment_json(out, hit.segment);
    out += '}';
  }
  out += "],\"next_cursor\":";
  if (page.next_after) {
    append_json_string(out, hit_cursor(*page.next_after));
  } else {
    out += "null";
  }
  out += '}';
  return json_response(200, std::move(out));
}

// GET /v1/analytics/layers?kind=sentiment&by=speaker&bucket=60s
Result<HttpResponse> layer_analytics(Call& call) {
  store::LayerAnalyticsQuery query;
  auto kind = call.request.query_param("kind");
  if (!kind) return make_error(ErrorCode::invalid_argument, "kind (a layer kind) is required", "kind");
  query.kind = *kind;
  if (auto by = call.request.query_param("by")) {
    std::string_view rest = *by;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view name = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (name == "video") {
        query.by.push_back(store::LayerGrouping::video);
      } else if (name == "speaker") {
        query.by.push_back(store::LayerGrouping::speaker);
      } else {
        return make_error(ErrorCode::invalid_argument, "by is video, speaker or both (video,speaker)", "by");
      }
    }
  }
  if (auto bucket = call.request.query_param("bucket")) {
    // "60s", "5m", "1h" or milliseconds.
    std::int64_t amount = 0;
    auto [end, ec] = std::from_chars(bucket->data(), bucket->data() + bucket->size(), amount);
    const std::string_view unit(end, static_cast<std::size_t>(bucket->data() + bucket->size() - end));
    std::int64_t scale = unit.empty() || unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : unit == "h" ? 3'600'000 : 0;
    if (ec != std::errc() || amount < 1 || scale == 0 || amount > INT64_MAX / scale) {
      return make_error(ErrorCode::invalid_argument, "a bucket is a duration such as 60s, 5m or 1h", "bucket");
    }
    query.bucket_ms = amount * scale;
  }
  ASSIGN_OR_RETURN(query.video, query_id(call.request, "video"));
  ASSIGN_OR_RETURN(query.transcript, query_id(call.request, "transcript"));
  ASSIGN_OR_RETURN(std::vector<store::LayerAnalyticsRow> rows, LayerService::analytics_in(*call.tx, *call.scope, query));
  JsonArray items;
  for (const store::LayerAnalyticsRow& row : rows) {
    JsonObject o;
    if (row.video) o.add("video", row.video->to_string());
    if (std::find(query.by.begin(), query.by.end(), store::LayerGrouping::speaker) != query.by.end()) {
      o.add_optional("speaker", row.speaker ? std::optional<std::string>(row.speaker->to_string()) : std::nullopt);
      o.add_optional("speaker_label", row.speaker_label);
    }
    if (row.bucket_start_ms) o.add("bucket_start_ms", *row.bucket_start_ms);
    o.add_optional("label", row.label).add("count", row.count).add_optional("mean_score", row.mean_score);
    items.add_raw(o.str());
  }
  return json_response(200, JsonObject()
                                .add("kind", query.kind)
                                .add_optional("bucket_ms", query.bucket_ms)
                                .add_raw("items", items.str())
                                .str());
}

constexpr Field kCurrentFields[] = {
    {.name = "version", .type = FieldType::integer, .required = true, .nullable = true,
     .description = "the version to pin as current, or null to unpin (the newest is current again)"},
};

constexpr std::string_view kRunQuery[] = {"version", "limit", "cursor"};
constexpr std::string_view kDiffQuery[] = {"from", "to", "limit", "cursor"};
constexpr std::string_view kSearchQuery[] = {"where", "video", "transcript", "speaker", "from_ms",
                                             "to_ms", "limit", "cursor"};
constexpr std::string_view kAnalyticsQuery[] = {"kind", "by", "bucket", "video", "transcript"};

constexpr Answer kStoredOrFound[] = {{200}};  // the same producer, parameters and content were already stored

constexpr Route kRoutes[] = {
    {.method = "POST", .pattern = "/v1/transcripts/{id}/layers", .operation_id = "layer.create", .returns = "LayerRun",
     .summary = "Write a layer run (the next version of its kind) in one request: a JSON document "
                "{kind, producer, items}, or NDJSON (Content-Type application/x-ndjson: the head, then one item a "
                "line); 201 when stored, 200 when the same producer, parameters and transcript content already were",
     .permission = app::kLayersWrite, .body = BodyKind::upload, .handler = create_layer_run,
     .resource_type = "layer", .status = 201, .also = kStoredOrFound},
    {.method = "GET", .pattern = "/v1/transcripts/{id}/layers", .operation_id = "layer.list", .returns = "LayerRunPage",
     .summary = "Every layer version over a transcript, by kind then version, with its producer and whether it is "
                "current, pinned or stale",
     .permission = app::kLayersRead, .handler = list_layer_runs},
    {.method = "GET", .pattern = "/v1/transcripts/{id}/layers/{kind}", .operation_id = "layer.get", .returns = "LayerRunItems",
     .summary = "One version of a kind (?version=, default the current one) with a page of its items",
     .permission = app::kLayersRead, .handler = get_layer_run, .query = kRunQuery},
    {.method = "PUT", .pattern = "/v1/transcripts/{id}/layers/{kind}/current", .operation_id = "layer.set_current", .returns = "LayerRun",
     .summary = "Pin a version as the kind's current version, or unpin with null (the newest is current)",
     .permission = app::kLayersWrite, .body = BodyKind::json, .fields = kCurrentFields,
     .handler = set_current_layer, .resource_type = "layer"},
    {.method = "GET", .pattern = "/v1/transcripts/{id}/layers/{kind}/diff", .operation_id = "layer.diff", .returns = "LayerDiff",
     .summary = "What changed between two versions of a kind: counts, the changed segments as ranges, and a page "
                "of added, removed and changed items",
     .permission = app::kLayersRead, .handler = diff_layer, .query = kDiffQuery},
    {.method = "GET", .pattern = "/v1/segments", .operation_id = "segment.search", .returns = "SegmentMatchPage",
     .summary = "Segments across the tenant whose current layers match every condition in where "
                "(sentiment.label=negative;sentiment.score>0.8;topics.label=economy), with video, transcript, speaker "
                "and time filters; newest transcript revisions only unless a transcript is named",
     .permission = app::kLayersRead, .handler = search_segments, .query = kSearchQuery},
    {.method = "GET", .pattern = "/v1/analytics/layers", .operation_id = "layer.analytics", .returns = "LayerAnalytics",
     .summary = "Item counts and mean scores by label of a kind's current versions, per video and/or speaker "
                "(by=video,speaker) and per time bucket (bucket=60s)",
     .permission = app::kLayersRead, .handler = layer_analytics, .query = kAnalyticsQuery},
};

}  // namespace
}  // namespace layer_routes_impl

std::span<const Route> layer_routes() { return layer_routes_impl::kRoutes; }

}  // namespace narralytica::api
