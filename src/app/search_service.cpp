#include "app/search_service.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <thread>

#include "core/json_writer.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::app {
namespace {

// Cursors are opaque to clients: "o<offset>" (a page by position), or
// "k<offset>.<generation>.<docid>.<score bits in hex>": the page after a hit (search::ResumeKey).
std::string encode_cursor(int offset, const std::optional<search::ResumeKey>& after) {
  std::string cursor = (after ? "k" : "o") + std::to_string(offset);
  if (after) {
    char bits[17];
    std::snprintf(bits, sizeof bits, "%016llx", static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(after->score)));
    cursor += "." + std::to_string(after->generation) + "." + std::to_string(after->docid) + "." + bits;
  }
  return cursor;
}

// Reads one number of a cursor up to `stop` (or its end); false when it is not one.
template <class Number>
bool cursor_field(std::string_view& rest, Number& out, char stop, int base = 10) {
  const auto end = rest.find(stop);
  const std::string_view field = rest.substr(0, end);
  auto [last, ec] = std::from_chars(field.data(), field.data() + field.size(), out, base);
  if (field.empty() || ec != std::errc() || last != field.data() + field.size()) return false;
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return true;
}

Status decode_cursor(std::string_view cursor, search::SearchRequest& request) {
  const Error bad = make_error(ErrorCode::invalid_argument, "not a cursor this API gave out", "cursor");
  if (cursor.size() < 2 || (cursor[0] != 'o' && cursor[0] != 'k')) return bad;
  const bool keyed = cursor[0] == 'k';
  std::string_view rest = cursor.substr(1);
  int offset = 0;
  if (!cursor_field(rest, offset, keyed ? '.' : '\0') || offset < 0 || offset > search::kSearchOffsetMax) return bad;
  request.offset = offset;
  if (!keyed) return rest.empty() ? ok_status() : Status(bad);
  search::ResumeKey key;
  std::uint64_t bits = 0;
  if (!cursor_field(rest, key.generation, '.') || !cursor_field(rest, key.docid, '.') || !cursor_field(rest, bits, '\0', 16) ||
      !rest.empty()) {
    return bad;
  }
  key.score = std::bit_cast<double>(bits);
  if (!std::isfinite(key.score)) return bad;
  request.resume_after = key;
  return ok_status();
}

}  // namespace

std::optional<std::string> next_cursor(const search::SearchResult& result) {
  if (!result.next_offset) return std::nullopt;
  return encode_cursor(*result.next_offset, result.next_after);
}

namespace {

Status require_operator(const store::Principal& principal) {
  if (principal.kind != store::Principal::Kind::operator_cli) {
    return make_error(ErrorCode::permission_denied, "only the operator (the CLI) rebuilds search indexes");
  }
  return ok_status();
}

// Runs `work` for each tenant on up to `threads` threads; the first error wins.
template <class Report, class Work>
Result<std::vector<Report>> for_each_tenant(const std::vector<search::TenantRef>& tenants, int threads, Work work) {
  if (threads < 1 || threads > kReindexThreadsMax) {
    return make_error(ErrorCode::invalid_argument, "threads must be between 1 and " + std::to_string(kReindexThreadsMax),
                      "threads");
  }
  std::vector<std::optional<Result<Report>>> results(tenants.size());
  std::atomic<std::size_t> next{0};
  auto loop = [&] {
    for (std::size_t i = next++; i < tenants.size(); i = next++) results[i] = work(tenants[i]);
  };
  std::vector<std::thread> pool;
  const auto count = std::min<std::size_t>(static_cast<std::size_t>(threads), tenants.size());
  for (std::size_t t = 1; t < count; ++t) pool.emplace_back(loop);
  loop();
  for (auto& thread : pool) thread.join();
  std::vector<Report> reports;
  for (auto& result : results) {
    if (!result->ok()) return result->error();
    reports.push_back(std::move(result->value()));
  }
  return reports;
}

void append_hit(JsonObject& object, const search::SearchHit& hit) {
  const auto& d = hit.document;
  add_source(object, d)
      .add("ordinal", d.ordinal)
      .add("start_ms", d.start_ms)
      .add("end_ms", d.end_ms);
  object.add_raw("speaker", speaker_json(d));
  object.add("text", d.text).add("snippet", hit.snippet_html).add("score", hit.score).add("link", hit_link(d));
  if (hit.text_rank || hit.vector_rank) {
    object.add_optional("text_rank", hit.text_rank).add_optional("vector_rank", hit.vector_rank);
  }
}

}  // namespace

SearchService::SearchService(store::Database& database, std::filesystem::path data_dir, store::StoreContext context)
    : database_(database), context_(context), searcher_(search::IndexDirectory(data_dir)),
      indexer_(database, data_dir, context) {}

Result<search::SearchResult> SearchService::search_in(const store::TenantScope& scope, const SearchQuery& query) {
  search::SearchRequest request;
  if (!query.q.empty() || query.mode != search::SearchMode::vector) {
    ASSIGN_OR_RETURN(request.query, search::parse_query(query.q));
  }
  request.mode = query.mode;
  request.vector = query.vector;
  request.rrf_k = query.rrf_k;
  request.candidates = query.candidates;
  request.limit = query.limit;
  request.group_by_video = query.group_by_video;
  request.hits_per_video = query.hits_per_video;
  if (!query.cursor.empty()) RETURN_IF_ERROR(decode_cursor(query.cursor, request));
  return searcher_.search(scope.tenant_public_id(), request);
}

Result<search::TimelineResult> SearchService::timeline_in(const store::TenantScope& scope,
                                                         const TimelineQuery& query) {
  search::TimelineRequest request;
  ASSIGN_OR_RETURN(request.query, search::parse_query(query.q));
  request.bucket = query.bucket;
  request.by = query.by;
  request.top = query.top;
  return searcher_.timeline(scope.tenant_public_id(), request);
}

Result<search::SearchResult> SearchService::search(const store::Principal& principal, std::string_view tenant,
                                                   const SearchQuery& query) {
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database_, store::TxMode::read, context_));
  ASSIGN_OR_RETURN(store::Tenant row, store::TenantRepository::find(tx, tenant));
  ASSIGN_OR_RETURN(auto scope, store::Authorizer::authorize(tx, principal, row, kReadTranscripts));
  return search_in(scope, query);
}

Result<std::vector<search::RebuildReport>> SearchService::reindex(const store::Principal& principal,
                                                                  std::string_view tenant, int threads,
                                                                  const search::ProgressFn& progress) {
  RETURN_IF_ERROR(require_operator(principal));
  ASSIGN_OR_RETURN(auto tenants, indexer_.tenants(tenant));
  // Built largest first, reported in the listing's order.
  auto scheduled = tenants;
  if (threads > 1 && tenants.size() > 1) RETURN_IF_ERROR(indexer_.order_largest_first(scheduled));
  std::mutex progress_mutex;
  search::ProgressFn serialized;
  if (progress) {
    serialized = [&](const search::RebuildProgress& p) {
      std::lock_guard lock(progress_mutex);
      progress(p);
    };
  }
  ASSIGN_OR_RETURN(auto built, for_each_tenant<search::RebuildReport>(
                                   scheduled, threads,
                                   [&](const search::TenantRef& t) { return indexer_.rebuild(t, serialized); }));
  std::vector<search::RebuildReport> reports;
  for (const auto& t : tenants) {
    auto report = std::find_if(built.begin(), built.end(),
                               [&](const search::RebuildReport& r) { return r.tenant == t.public_id; });
    reports.push_back(std::move(*report));
  }
  return reports;
}

Result<std::vector<search::VerifyReport>> SearchService::verify(const store::Principal& principal,
                                                                std::string_view tenant, int threads) {
  RETURN_IF_ERROR(require_operator(principal));
  ASSIGN_OR_RETURN(auto tenants, indexer_.tenants(tenant));
  return for_each_tenant<search::VerifyReport>(tenants, threads,
                                               [&](const search::TenantRef& t) { return indexer_.verify(t); });
}

Result<search::SearchMode> parse_search_mode(std::string_view name, std::string_view field) {
  if (name == "text") return search::SearchMode::text;
  if (name == "vector") return search::SearchMode::vector;
  if (name == "hybrid") return search::SearchMode::hybrid;
  return make_error(ErrorCode::invalid_argument, "mode is text, vector or hybrid", std::string(field));
}

Result<search::TimelineBucketSize> parse_timeline_bucket(std::string_view name, std::string_view field) {
  if (name == "day") return search::TimelineBucketSize::day;
  if (name == "week") return search::TimelineBucketSize::week;
  if (name == "month") return search::TimelineBucketSize::month;
  if (name == "year") return search::TimelineBucketSize::year;
  return make_error(ErrorCode::invalid_argument, "bucket is day, week, month or year", std::string(field));
}

Result<search::TimelineSeries> parse_timeline_series(std::string_view name, std::string_view field) {
  if (name == "none") return search::TimelineSeries::none;
  if (name == "speaker") return search::TimelineSeries::speaker;
  if (name == "person") return search::TimelineSeries::person;
  return make_error(ErrorCode::invalid_argument, "by is none, speaker or person", std::string(field));
}

std::string timeline_bucket_label(UnixMicros start) { return format_rfc3339(start).substr(0, 10); }

std::string timeline_json(const search::TimelineResult& result) {
  auto counts_json = [](const std::vector<search::TimelineCount>& counts) {
    std::string out = "[";
    for (const auto& c : counts) {
      if (out.size() > 1) out += ',';
      JsonObject entry;
      if (c.key.empty()) entry.add_null("id"); else entry.add("id", c.key);
      if (c.label.empty()) entry.add_null("name"); else entry.add("name", c.label);
      out += entry.add("count", c.count).str();
    }
    return out + "]";
  };
  auto hit_json = [](const search::SearchHit& hit) {
    JsonObject object;
    append_hit(object, hit);
    return object.str();
  };
  std::string buckets = "[";
  for (const auto& b : result.buckets) {
    if (buckets.size() > 1) buckets += ',';
    std::string top = "[";
    for (const auto& hit : b.top) top += (top.size() > 1 ? "," : "") + hit_json(hit);
    top += ']';
    buckets += JsonObject()
                   .add("start", timeline_bucket_label(b.start))
                   .add("count", b.count)
                   .add_raw("series", counts_json(b.series))
                   .add_raw("top", top)
                   .str();
  }
  buckets += ']';
  JsonObject out;
  out.add_raw("buckets", buckets).add("total", result.total).add("undated", result.undated);
  if (result.peak) out.add("peak", timeline_bucket_label(*result.peak)); else out.add_null("peak");
  if (result.first_mention) out.add_raw("first_mention", hit_json(*result.first_mention));
  else out.add_null("first_mention");
  out.add_raw("series", counts_json(result.series)).add("indexed_through", result.indexed_through);
  return out.str();
}

JsonObject& add_source(JsonObject& object, const search::SegmentDocument& d) {
  return object.add("video_id", d.video_id.to_string())
      .add("video_title", d.video_title)
      .add("transcript_id", d.transcript_id.to_string())
      .add("revision", d.revision)
      .add("language", d.language);
}

std::string speaker_json(const search::SegmentDocument& d) {
  if (!d.speaker_id && d.speaker_label.empty()) return "null";
  JsonObject speaker;
  if (d.speaker_id) speaker.add("id", d.speaker_id->to_string()); else speaker.add_null("id");
  speaker.add("label", d.speaker_label);
  if (d.speaker_name.empty()) speaker.add_null("name"); else speaker.add("name", d.speaker_name);
  if (d.person_id) {
    speaker.add_raw("person", JsonObject().add("id", d.person_id->to_string()).add("name", d.person_name).str());
  } else {
    speaker.add_null("person");
  }
  return speaker.str();
}

std::string hit_link(const search::SegmentDocument& document) {
  const std::int64_t ms = document.start_ms;
  std::string seconds = std::to_string(ms / 1000);
  if (ms % 1000) {
    char fraction[8];
    std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>(ms % 1000));
    seconds += fraction;
    while (seconds.back() == '0') seconds.pop_back();
  }
  return "/videos/" + document.video_id.to_string() + "?transcript=" + document.transcript_id.to_string() +
         "#t=" + seconds;
}

std::string search_result_json(const search::SearchResult& result) {
  // Both shapes always carry both keys (one empty), so a client never probes for one.
  std::string out = "{\"items\":[";
  for (std::size_t i = 0; i < result.hits.size(); ++i) {
    if (i) out += ',';
    JsonObject hit;
    append_hit(hit, result.hits[i]);
    out += hit.str();
  }
  out += "],\"groups\":[";
  for (std::size_t g = 0; g < result.groups.size(); ++g) {
    const auto& group = result.groups[g];
    if (g) out += ',';
    std::string items = "[";
    for (std::size_t i = 0; i < group.items.size(); ++i) {
      if (i) items += ',';
      JsonObject hit;
      append_hit(hit, group.items[i]);
      items += hit.str();
    }
    items += ']';
    out += JsonObject()
               .add("video_id", group.video_id.to_string())
               .add("video_title", group.video_title)
               .add("hits", group.hits)
               .add("hits_exact", group.hits_exact)
               .add_raw("items", items)
               .str();
  }
  out += "],\"total\":";
  out += JsonObject().add("value", result.total).add("exact", result.total_exact).str();
  out += ",\"next_cursor\":";
  if (auto cursor = next_cursor(result)) append_json_string(out, *cursor); else out += "null";
  out += ",\"indexed_through\":";
  append_json_int(out, result.indexed_through);
  out += '}';
  return out;
}

}  // namespace narralytica::app
