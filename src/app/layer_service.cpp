#include "app/layer_service.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>

#include "app/layer_json.hpp"
#include "app/layer_kinds.hpp"
#include "app/tenant_work.hpp"
#include "app/transcript_service.hpp"
#include "store/tenancy/tenant_repository.hpp"

namespace narralytica::app {
namespace {

using store::LayerItem;
using store::LayerRepository;
using store::LayerRun;
using store::Principal;
using store::TenantScope;
using store::Transaction;
using store::TranscriptRepository;
using store::TxMode;

// A transaction with the principal's scope in the transcript's tenant, for the CLI.
struct Authorized {
  Transaction tx;
  TenantScope scope;
};

Result<Authorized> begin_authorized(store::Database& database, store::StoreContext context,
                                    const Principal& principal, std::string_view tenant_ref, const Uuid& transcript,
                                    store::Permission permission, TxMode mode) {
  ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(database, mode, context));
  std::string tenant_name(tenant_ref);
  if (tenant_name.empty()) {
    if (principal.kind != Principal::Kind::operator_cli) {
      return make_error(ErrorCode::invalid_argument, "name the tenant", "tenant");
    }
    ASSIGN_OR_RETURN(Uuid owner,
                     TranscriptRepository::tenant_of(tx, store::SystemScope::because(principal.actor), transcript));
    tenant_name = owner.to_string();
  }
  ASSIGN_OR_RETURN(store::Tenant tenant, store::TenantRepository::find(tx, tenant_name));
  ASSIGN_OR_RETURN(TenantScope scope, store::Authorizer::authorize(tx, principal, tenant, permission));
  return Authorized{std::move(tx), std::move(scope)};
}

// Items are matched across versions by where they sit.
using PositionKey = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>;
PositionKey position_key(const LayerItem& item) {
  if (item.segment_ordinal_first) return {*item.segment_ordinal_first, *item.segment_ordinal_last, -1, -1};
  return {-1, -1, item.start_ms, item.end_ms};
}

void add_changed_segments(LayerDiff& diff, const LayerItem& item) {
  if (!item.segment_ordinal_first) return;
  diff.changed_segments.emplace_back(*item.segment_ordinal_first, *item.segment_ordinal_last);
}

// Sorts and merges overlapping or adjacent [first, last] ranges.
void merge_ranges(std::vector<std::pair<std::int64_t, std::int64_t>>& ranges) {
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<std::int64_t, std::int64_t>> merged;
  for (const auto& range : ranges) {
    if (!merged.empty() && range.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, range.second);
    } else {
      merged.push_back(range);
    }
  }
  ranges = std::move(merged);
}

LayerDiffEntry entry(LayerDiffEntry::Change change, const LayerItem& at) {
  LayerDiffEntry e;
  e.change = change;
  e.segment_first = at.segment_ordinal_first;
  e.segment_last = at.segment_ordinal_last;
  e.start_ms = at.start_ms;
  e.end_ms = at.end_ms;
  return e;
}

}  // namespace

Result<std::vector<LayerSelector>> parse_layer_selectors(std::string_view text, const std::string& field) {
  std::vector<LayerSelector> selectors;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    LayerSelector selector;
    const std::size_t at = part.find('@');
    selector.kind = std::string(part.substr(0, at));
    if (!known_layer_kind(selector.kind)) {
      return make_error(ErrorCode::invalid_argument,
                        "unknown layer kind \"" + selector.kind + "\" (expected kind or kind@version)", field);
    }
    if (at != std::string_view::npos) {
      int version = 0;
      const std::string_view digits = part.substr(at + 1);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
      if (ec != std::errc() || end != digits.data() + digits.size() || version < 1) {
        return make_error(ErrorCode::invalid_argument, "a version is an integer >= 1 (kind@version)", field);
      }
      selector.version = version;
    }
    selectors.push_back(std::move(selector));
  }
  if (selectors.empty()) return make_error(ErrorCode::invalid_argument, "name at least one layer kind", field);
  if (selectors.size() > store::kLayerConditionsMax) {
    return make_error(ErrorCode::invalid_argument, "at most 8 layers at once", field);
  }
  return selectors;
}

Result<store::LayerRunWrite> LayerService::create_in(Transaction& tx, const TenantScope& scope, const Uuid& transcript_id,
                                                     const store::LayerRunDraft& draft) {
  ASSIGN_OR_RETURN(store::Transcript transcript, TranscriptRepository::get(tx, scope, transcript_id));
  return LayerRepository::create_run(tx, scope, transcript, draft);
}

Result<std::vector<LayerRun>> LayerService::list_in(Transaction& tx, const TenantScope& scope, const Uuid& transcript_id) {
  ASSIGN_OR_RETURN(store::Transcript transcript, TranscriptRepository::get(tx, scope, transcript_id));
  return LayerRepository::list_for_transcript(tx, scope, transcript);
}

Result<LayerRun> LayerService::get_in(Transaction& tx, const TenantScope& scope, const Uuid& transcript_id,
                                      std::string_view kind, std::optional<int> version) {
  ASSIGN_OR_RETURN(store::Transcript transcript, TranscriptRepository::get(tx, scope, transcript_id));
  return LayerRepository::get(tx, scope, transcript, kind, version);
}

Result<store::CurrentChange> LayerService::set_current_in(Transaction& tx, const TenantScope& scope,
                                                          const Uuid& transcript_id, std::string_view kind,
                                                          std::optional<int> version) {
  ASSIGN_OR_RETURN(store::Transcript transcript, TranscriptRepository::get(tx, scope, transcript_id));
  return LayerRepository::set_current(tx, scope, transcript, kind, version);
}

Result<LayerDiff> LayerService::diff_in(Transaction& tx, const TenantScope& scope, const Uuid& transcript_id,
                                        std::string_view kind, int from, int to) {
  ASSIGN_OR_RETURN(store::Transcript transcript, TranscriptRepository::get(tx, scope, transcript_id));
  LayerDiff diff;
  ASSIGN_OR_RETURN(diff.from, LayerRepository::get(tx, scope, transcript, kind, from));
  ASSIGN_OR_RETURN(diff.to, LayerRepository::get(tx, scope, transcript, kind, to));
  ASSIGN_OR_RETURN(std::vector<LayerItem> before, LayerRepository::all_items(tx, scope, diff.from));
  ASSIGN_OR_RETURN(std::vector<LayerItem> after, LayerRepository::all_items(tx, scope, diff.to));
  // Several items at one position are paired in their run order.
  auto by_position = [](const LayerItem& a, const LayerItem& b) {
    return std::make_tuple(position_key(a), a.ordinal) < std::make_tuple(position_key(b), b.ordinal);
  };
  std::sort(before.begin(), before.end(), by_position);
  std::sort(after.begin(), after.end(), by_position);
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < before.size() || j < after.size()) {
    const bool take_before = j == after.size() || (i < before.size() && position_key(before[i]) < position_key(after[j]));
    const bool take_after = i == before.size() || (j < after.size() && position_key(after[j]) < position_key(before[i]));
    if (take_before) {
      LayerDiffEntry e = entry(LayerDiffEntry::Change::removed, before[i]);
      e.from_value = before[i].payload_json;
      add_changed_segments(diff, before[i++]);
      diff.entries.push_back(std::move(e));
      ++diff.removed;
    } else if (take_after) {
      LayerDiffEntry e = entry(LayerDiffEntry::Change::added, after[j]);
      e.to_value = after[j].payload_json;
      add_changed_segments(diff, after[j++]);
      diff.entries.push_back(std::move(e));
      ++diff.added;
    } else if (before[i].payload_json == after[j].payload_json) {
      ++diff.unchanged;
      ++i;
      ++j;
    } else {
      LayerDiffEntry e = entry(LayerDiffEntry::Change::changed, after[j]);
      e.from_value = before[i].payload_json;
      e.to_value = after[j].payload_json;
      add_changed_segments(diff, after[j]);
      diff.entries.push_back(std::move(e));
      ++diff.changed;
      ++i;
      ++j;
    }
  }
  merge_ranges(diff.changed_segments);
  return diff;
}

Result<std::pair<LayerRun, store::LayerItemPage>> LayerService::run_page_in(Transaction& tx, const TenantScope& scope,
                                                                           const Uuid& transcript, std::string_view kind,
                                                                           std::optional<int> version,
                                                                           const store::LayerItemQuery& query) {
  ASSIGN_OR_RETURN(LayerRun run, get_in(tx, scope, transcript, kind, version));
  ASSIGN_OR_RETURN(store::LayerItemPage page, LayerRepository::items(tx, scope, run, query));
  return std::make_pair(std::move(run), std::move(page));
}

Result<std::vector<AttachedLayer>> LayerService::attach_to_page_in(Transaction& tx, const TenantScope& scope,
                                                                   const Principal& principal,
                                                                   const store::Transcript& transcript,
                                                                   const std::vector<LayerSelector>& selectors,
                                                                   const store::SegmentPage& page) {
  RETURN_IF_ERROR(authorize_also(tx, scope, principal, kLayersRead));
  if (page.items.empty()) return std::vector<AttachedLayer>();
  return attach_in(tx, scope, transcript, selectors, page.items.front().ordinal, page.items.back().ordinal);
}

Result<store::SegmentHitPage> LayerService::search_segments_in(Transaction& tx, const TenantScope& scope,
                                                               const Principal& principal,
                                                               const store::SegmentSearch& search) {
  RETURN_IF_ERROR(authorize_also(tx, scope, principal, kTranscriptsRead));
  return store::LayerQuery::segments(tx, scope, search);
}

Result<std::vector<store::LayerAnalyticsRow>> LayerService::analytics_in(Transaction& tx, const TenantScope& scope,
                                                                         const store::LayerAnalyticsQuery& query) {
  return store::LayerQuery::analytics(tx, scope, query);
}

Result<std::vector<AttachedLayer>> LayerService::attach_in(Transaction& tx, const TenantScope& scope,
                                                           const store::Transcript& transcript,
                                                           const std::vector<LayerSelector>& selectors,
                                                           std::int64_t first, std::int64_t last) {
  std::vector<AttachedLayer> attached;
  for (const LayerSelector& selector : selectors) {
    AttachedLayer layer;
    ASSIGN_OR_RETURN(layer.run, LayerRepository::get(tx, scope, transcript, selector.kind, selector.version));
    ASSIGN_OR_RETURN(layer.items, LayerRepository::items_over_segments(tx, scope, layer.run, first, last));
    attached.push_back(std::move(layer));
  }
  return attached;
}

Result<store::LayerRunWrite> LayerService::import(const Principal& principal, std::string_view tenant,
                                                  const Uuid& transcript, std::string_view content,
                                                  std::string_view source_name) {
  // Read and check the whole document before touching the database: a broken file takes no lock.
  ASSIGN_OR_RETURN(store::LayerRunDraft draft,
                   read_layer_run(content, source_name, detect_layer_document(content)));
  ASSIGN_OR_RETURN(Authorized auth, begin_authorized(database_, context_, principal, tenant, transcript,
                                                     kLayersWrite, TxMode::write));
  ASSIGN_OR_RETURN(store::LayerRunWrite written, create_in(auth.tx, auth.scope, transcript, draft));
  if (written.created) RETURN_IF_ERROR(auth.tx.commit());
  return written;
}

Result<std::vector<LayerRun>> LayerService::list(const Principal& principal, std::string_view tenant,
                                                 const Uuid& transcript) {
  ASSIGN_OR_RETURN(Authorized auth, begin_authorized(database_, context_, principal, tenant, transcript,
                                                     kLayersRead, TxMode::read));
  return list_in(auth.tx, auth.scope, transcript);
}

Result<std::string> LayerService::export_run(const Principal& principal, std::string_view tenant,
                                             const Uuid& transcript, std::string_view kind,
                                             std::optional<int> version) {
  ASSIGN_OR_RETURN(Authorized auth, begin_authorized(database_, context_, principal, tenant, transcript,
                                                     kLayersRead, TxMode::read));
  ASSIGN_OR_RETURN(LayerRun run, get_in(auth.tx, auth.scope, transcript, kind, version));
  ASSIGN_OR_RETURN(std::vector<LayerItem> items, LayerRepository::all_items(auth.tx, auth.scope, run));
  return write_layer_run(run, items);
}

Result<std::pair<LayerRun, store::LayerItemPage>> LayerService::show(const Principal& principal,
                                                                    std::string_view tenant, const Uuid& transcript,
                                                                    std::string_view kind, std::optional<int> version,
                                                                    const store::LayerItemQuery& query) {
  ASSIGN_OR_RETURN(Authorized auth, begin_authorized(database_, context_, principal, tenant, transcript,
                                                     kLayersRead, TxMode::read));
  return run_page_in(auth.tx, auth.scope, transcript, kind, version, query);
}

Result<store::CurrentChange> LayerService::set_current(const Principal& principal, std::string_view tenant,
                                                       const Uuid& transcript, std::string_view kind,
                                                       std::optional<int> version) {
  ASSIGN_OR_RETURN(Authorized auth, begin_authorized(database_, context_, principal, tenant, transcript,
                                                     kLayersWrite, TxMode::write));
  ASSIGN_OR_RETURN(store::CurrentChange change, set_current_in(auth.tx, auth.scope, transcript, kind, version));
  RETURN_IF_ERROR(auth.tx.commit());
  return change;
}

Result<LayerDiff> LayerService::diff(const Principal& principal, std::string_view tenant, const Uuid& transcript,
                                     std::string_view kind, int from, int to) {
  ASSIGN_OR_RETURN(Authorized auth, begin_authorized(database_, context_, principal, tenant, transcript,
                                                     kLayersRead, TxMode::read));
  return diff_in(auth.tx, auth.scope, transcript, kind, from, to);
}

}  // namespace narralytica::app
