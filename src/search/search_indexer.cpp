#include "search/search_indexer.hpp"

#include <chrono>
#include <limits>
#include <map>
#include <set>

#include "search/projection.hpp"
#include "search/search_index.hpp"
#include "store/identity/authorizer.hpp"
#include "store/media/transcript_repository.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::search {
namespace {

constexpr store::Permission kReadTranscripts{"read", "transcripts"};
constexpr int kVideoListPage = store::kPageLimitMax;

const store::Principal& indexer_principal() {
  static const store::Principal principal = store::Principal::operator_cli("pipeline:search");
  return principal;
}

// A read transaction acting in one tenant.
struct TenantRead {
  store::Transaction tx;
  store::TenantScope scope;
};

Result<TenantRead> read_in(store::Database& database, store::StoreContext context, const TenantRef& tenant) {
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database, store::TxMode::read, context));
  ASSIGN_OR_RETURN(store::Tenant row, store::TenantRepository::find_by_id(tx, tenant.id));
  ASSIGN_OR_RETURN(auto scope, store::Authorizer::authorize(tx, indexer_principal(), row, kReadTranscripts));
  return TenantRead{std::move(tx), std::move(scope)};
}

Status project_into(store::Transaction& tx, const store::TenantScope& scope, IndexWriter& writer,
                    const std::set<Uuid>& videos) {
  for (const auto& video : videos) {
    ASSIGN_OR_RETURN(auto projection, project_video(tx, scope, video));
    if (projection) {
      RETURN_IF_ERROR(writer.replace_video(video, projection->documents, projection->vectors));
    } else {
      RETURN_IF_ERROR(writer.remove_video(video));
    }
  }
  return ok_status();
}

Result<std::vector<Uuid>> all_videos(store::Transaction& tx, const store::TenantScope& scope) {
  std::vector<Uuid> videos;
  std::optional<Uuid> after;
  while (true) {
    ASSIGN_OR_RETURN(auto page, list_videos(tx, scope, after, kVideoListPage));
    if (page.empty()) break;
    after = page.back();
    videos.insert(videos.end(), page.begin(), page.end());
    if (static_cast<int>(page.size()) < kVideoListPage) break;
  }
  return videos;
}

// The tenant's catch-up found events pruned before it read them: only a rebuild can help.
Error behind_horizon_error(const TenantRef& tenant) {
  return make_error(ErrorCode::precondition_failed,
                    "the search index of tenant " + tenant.slug + " is older than the retained event feed", "reindex");
}

}  // namespace

Result<TenantRef> SearchIndexer::tenant_by_id(std::int64_t id) {
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database_, store::TxMode::read, context_));
  ASSIGN_OR_RETURN(store::Tenant tenant, store::TenantRepository::find_by_id(tx, id));
  return TenantRef{tenant.id, tenant.public_id, tenant.slug};
}

Result<std::vector<TenantRef>> SearchIndexer::tenants(std::string_view only) {
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database_, store::TxMode::read, context_));
  std::vector<TenantRef> refs;
  if (!only.empty()) {
    ASSIGN_OR_RETURN(store::Tenant tenant, store::TenantRepository::find(tx, only));
    refs.push_back(TenantRef{tenant.id, tenant.public_id, tenant.slug});
    return refs;
  }
  const auto scope = store::SystemScope::because(indexer_principal().actor);
  store::PageRequest request;
  request.limit = store::kPageLimitMax;
  while (true) {
    ASSIGN_OR_RETURN(auto page, store::TenantRepository::list(tx, scope, request));
    for (const auto& tenant : page.items) refs.push_back(TenantRef{tenant.id, tenant.public_id, tenant.slug});
    if (!page.next_after) break;
    request.after = page.next_after;
  }
  return refs;
}

Status SearchIndexer::order_largest_first(std::vector<TenantRef>& tenants) {
  std::map<std::int64_t, std::int64_t> size;  // by tenant id
  for (const auto& tenant : tenants) {
    ASSIGN_OR_RETURN(TenantRead read, read_in(database_, context_, tenant));
    ASSIGN_OR_RETURN(size[tenant.id], store::TranscriptRepository::segments_stored(read.tx, read.scope));
  }
  std::stable_sort(tenants.begin(), tenants.end(),
                   [&](const TenantRef& a, const TenantRef& b) { return size[a.id] > size[b.id]; });
  return ok_status();
}

Status SearchIndexer::catch_up(const TenantRef& tenant, IndexWriter& writer,
                               std::span<const store::FeedEvent> events, std::int64_t after,
                               std::optional<std::int64_t> batch_end) {
  const std::int64_t position = writer.position();
  ASSIGN_OR_RETURN(TenantRead read, read_in(database_, context_, tenant));
  std::set<Uuid> videos;
  // Events the global batch does not carry: between the index's own position and the batch
  // (after a rebuild or a restore), or everything up to the head (rebuild, verify).
  const std::int64_t catch_up_to = batch_end ? after : std::numeric_limits<std::int64_t>::max();
  std::int64_t cursor = position;
  std::int64_t reached = position;
  while (cursor < catch_up_to) {
    ASSIGN_OR_RETURN(auto page, store::EventFeed::read(read.tx, read.scope, cursor, store::kFeedLimitMax));
    if (page.behind_horizon) return behind_horizon_error(tenant);
    for (const auto& event : page.events) {
      if (event.position > catch_up_to) break;
      ASSIGN_OR_RETURN(auto touched, videos_touched(read.tx, read.scope, event));
      videos.insert(touched.begin(), touched.end());
      reached = event.position;
    }
    if (page.events.empty() || page.next_after >= catch_up_to) break;
    cursor = page.next_after;
  }
  for (const auto& event : events) {
    if (event.position <= position) continue;  // already in the index (a replay after a crash)
    ASSIGN_OR_RETURN(auto touched, videos_touched(read.tx, read.scope, event));
    videos.insert(touched.begin(), touched.end());
  }
  const std::int64_t target = std::max({position, reached, batch_end.value_or(0)});
  if (videos.empty() && target == position) return ok_status();
  RETURN_IF_ERROR(project_into(read.tx, read.scope, writer, videos));
  return writer.commit(target);
}

Status SearchIndexer::apply(std::int64_t after, std::span<const store::FeedEvent> events, bool behind_horizon) {
  if (behind_horizon) {
    // Events were pruned before this pipeline saw them: rebuild every index that exists.
    ASSIGN_OR_RETURN(auto all, tenants());
    const auto indexed = directory_.tenants();
    for (const auto& tenant : all) {
      if (std::find(indexed.begin(), indexed.end(), tenant.public_id) == indexed.end()) continue;
      ASSIGN_OR_RETURN(auto report, rebuild(tenant));
      (void)report;
    }
    return ok_status();
  }
  if (events.empty()) return ok_status();
  const std::int64_t batch_end = events.back().position;
  std::map<std::int64_t, std::vector<store::FeedEvent>> by_tenant;
  for (const auto& event : events) {
    if (event.tenant_id) by_tenant[*event.tenant_id].push_back(event);
  }
  for (const auto& entry : by_tenant) {
    // Named copies, not a structured binding: the lambda below captures them (clang 14 cannot
    // capture a binding).
    const std::int64_t tenant_id = entry.first;
    const std::vector<store::FeedEvent>& tenant_events = entry.second;
    auto tenant = tenant_by_id(tenant_id);
    if (!tenant.ok()) {
      if (tenant.error().code == ErrorCode::not_found) continue;  // the tenant is gone
      return tenant.error();
    }
    ASSIGN_OR_RETURN(auto current, directory_.current(tenant->public_id));
    if (!current) {
      const bool relevant = std::any_of(tenant_events.begin(), tenant_events.end(),
                                        [](const store::FeedEvent& e) { return affects_search(e.event_type); });
      if (!relevant) continue;  // no index and nothing to index yet
      // The first indexed change of this tenant: build its index whole (the feed before it may
      // have been pruned); the build catches up to the feed's head itself.
      ASSIGN_OR_RETURN(auto report, rebuild(*tenant));
      (void)report;
      continue;
    }
    Status applied = [&]() -> Status {
      ASSIGN_OR_RETURN(auto lock, directory_.lock(tenant->public_id));
      ASSIGN_OR_RETURN(auto locked_current, directory_.current(tenant->public_id));
      if (!locked_current) return ok_status();
      ASSIGN_OR_RETURN(auto writer, IndexWriter::open(*locked_current));
      return catch_up(*tenant, *writer, tenant_events, after, batch_end);
    }();
    if (!applied.ok() && applied.error().code == ErrorCode::precondition_failed) {
      ASSIGN_OR_RETURN(auto report, rebuild(*tenant));
      (void)report;
      continue;
    }
    RETURN_IF_ERROR(applied);
  }
  return ok_status();
}

Result<RebuildReport> SearchIndexer::rebuild(const TenantRef& tenant, const ProgressFn& progress) {
  const auto started = std::chrono::steady_clock::now();
  RebuildReport report;
  report.tenant = tenant.public_id;
  report.slug = tenant.slug;
  ASSIGN_OR_RETURN(auto generation, directory_.new_generation(tenant.public_id));
  Status built = [&]() -> Status {
    ASSIGN_OR_RETURN(auto writer, IndexWriter::open(generation, WriteMode::unpublished_generation));
    std::vector<Uuid> videos;
    {
      ASSIGN_OR_RETURN(TenantRead read, read_in(database_, context_, tenant));
      // The head first, then the data: a change committed in between is in the data and is
      // applied again by the catch-up below, which is harmless (projection is idempotent).
      ASSIGN_OR_RETURN(auto head, store::EventFeed::read(read.tx, read.scope, 0, 1));
      // Past the pruned horizon too: a tenant whose newest event was pruned away must not leave
      // the new index behind the horizon, where its catch-up would find events missing.
      report.position = std::max(head.head, head.pruned_through);
      ASSIGN_OR_RETURN(videos, all_videos(read.tx, read.scope));
    }
    RebuildProgress state{tenant.public_id, 0, static_cast<std::int64_t>(videos.size()), 0};
    for (std::size_t first = 0; first < videos.size(); first += kRebuildVideosPerRead) {
      ASSIGN_OR_RETURN(TenantRead read, read_in(database_, context_, tenant));
      const std::size_t last = std::min(videos.size(), first + kRebuildVideosPerRead);
      for (std::size_t i = first; i < last; ++i) {
        ASSIGN_OR_RETURN(auto projection, project_video(read.tx, read.scope, videos[i]));
        if (!projection) continue;
        RETURN_IF_ERROR(writer->replace_video(videos[i], projection->documents, projection->vectors));
        state.documents += static_cast<std::int64_t>(projection->documents.size());
        ++state.videos_done;
      }
      state.videos_done = static_cast<std::int64_t>(last);
      if (progress) progress(state);
    }
    RETURN_IF_ERROR(writer->commit(report.position));
    // A reader then loads the vector graph instead of building it from the log. Before the lock:
    // building it takes a while, and what the catch-up appends is replayed on top.
    RETURN_IF_ERROR(writer->snapshot_vectors());
    report.videos = state.videos_done;
    report.documents = state.documents;
    // Swap it in under the lock, after catching up with what changed during the build.
    ASSIGN_OR_RETURN(auto lock, directory_.lock(tenant.public_id));
    RETURN_IF_ERROR(catch_up(tenant, *writer, {}, 0, std::nullopt));
    report.position = writer->position();
    writer.reset();
    return directory_.publish(tenant.public_id, generation);
  }();
  if (!built.ok()) {
    std::error_code ec;
    std::filesystem::remove_all(generation, ec);
    return built.error();
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

Result<VerifyReport> SearchIndexer::verify(const TenantRef& tenant) {
  VerifyReport report;
  report.tenant = tenant.public_id;
  report.slug = tenant.slug;
  ASSIGN_OR_RETURN(auto lock, directory_.lock(tenant.public_id));
  ASSIGN_OR_RETURN(auto current, directory_.current(tenant.public_id));
  if (current) {
    ASSIGN_OR_RETURN(auto writer, IndexWriter::open(*current));
    RETURN_IF_ERROR(catch_up(tenant, *writer, {}, 0, std::nullopt));
  }
  IndexDigest canonical;
  {
    ASSIGN_OR_RETURN(TenantRead read, read_in(database_, context_, tenant));
    ASSIGN_OR_RETURN(auto videos, all_videos(read.tx, read.scope));
    for (const auto& video : videos) {
      ASSIGN_OR_RETURN(auto projection, project_video(read.tx, read.scope, video));
      if (projection) add_to_digest(canonical, projection->documents);
    }
  }
  report.transcripts = static_cast<std::int64_t>(canonical.size());
  if (!current) {
    // No index at all: drift only when there is something to index.
    report.index_missing = true;
    for (const auto& [transcript, expected] : canonical) {
      report.documents += expected.documents;
      report.drift.push_back(Drift{transcript, "missing from the index (the tenant has no index yet)"});
    }
    return report;
  }
  IndexDigest indexed;
  if (auto digest = digest_generation(*current); digest.ok()) {
    indexed = std::move(*digest);
  } else {
    report.drift.push_back(Drift{Uuid(), digest.error().message});
    return report;
  }
  for (const auto& [transcript, expected] : canonical) {
    report.documents += expected.documents;
    auto found = indexed.find(transcript);
    if (found == indexed.end()) {
      report.drift.push_back(Drift{transcript, "missing from the index (" + std::to_string(expected.documents) + " segments)"});
    } else if (found->second.documents != expected.documents) {
      report.drift.push_back(Drift{transcript, std::to_string(found->second.documents) + " documents in the index, " +
                                                   std::to_string(expected.documents) + " segments in canonical data"});
    } else if (found->second.sha256_hex != expected.sha256_hex) {
      report.drift.push_back(Drift{transcript, "documents differ from canonical data (checksum)"});
    }
  }
  for (const auto& [transcript, stored] : indexed) {
    if (!canonical.count(transcript)) {
      report.drift.push_back(Drift{transcript, std::to_string(stored.documents) +
                                                   " documents of a transcript that is not current in canonical data"});
    }
  }
  return report;
}

}  // namespace narralytica::search
