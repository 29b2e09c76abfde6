// AI layers as a use case: writing a run from its JSON document, listing and reading versions,
// pinning the current one, diffing two versions, and attaching current layer values to segments.
// The `_in` functions work inside a transaction the caller opened and authorized (the API's
// dispatcher); the others open their own for the CLI, authorize the principal and commit.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/layer_document.hpp"
#include "store/identity/authorizer.hpp"
#include "store/layers/layer_query.hpp"
#include "store/media/transcript_repository.hpp"

namespace narralytica::app {

inline constexpr store::Permission kLayersRead{"read", "layers"};
inline constexpr store::Permission kLayersWrite{"write", "layers"};

// One item's change between two versions of a kind. Items are matched by position: their
// segments, or for items without segments their time range.
struct LayerDiffEntry {
  enum class Change { added, removed, changed };
  Change change = Change::changed;
  std::optional<std::int64_t> segment_first;
  std::optional<std::int64_t> segment_last;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
  std::optional<std::string> from_value;  // JSON; absent for added
  std::optional<std::string> to_value;    // JSON; absent for removed
};

struct LayerDiff {
  store::LayerRun from;
  store::LayerRun to;
  std::int64_t added = 0;
  std::int64_t removed = 0;
  std::int64_t changed = 0;
  std::int64_t unchanged = 0;
  // The segments any added, removed or changed item covers, as merged [first, last] ranges.
  std::vector<std::pair<std::int64_t, std::int64_t>> changed_segments;
  std::vector<LayerDiffEntry> entries;  // in position order
};

// "sentiment" (the current version) or "sentiment@2".
struct LayerSelector {
  std::string kind;
  std::optional<int> version;
};
// Parses "sentiment,topics@2". Errors: invalid_argument naming `field`.
Result<std::vector<LayerSelector>> parse_layer_selectors(std::string_view text, const std::string& field);

// The items of each selected layer covering a range of segments.
struct AttachedLayer {
  store::LayerRun run;
  std::vector<store::LayerItem> items;  // by first segment
};

class LayerService {
 public:
  explicit LayerService(store::Database& database, store::StoreContext context = {})
      : database_(database), context_(context) {}

  static Result<store::LayerRunWrite> create_in(store::Transaction& tx, const store::TenantScope& scope,
                                                const Uuid& transcript, const store::LayerRunDraft& draft);
  static Result<std::vector<store::LayerRun>> list_in(store::Transaction& tx, const store::TenantScope& scope,
                                                      const Uuid& transcript);
  static Result<store::LayerRun> get_in(store::Transaction& tx, const store::TenantScope& scope,
                                        const Uuid& transcript, std::string_view kind, std::optional<int> version);
  static Result<store::CurrentChange> set_current_in(store::Transaction& tx, const store::TenantScope& scope,
                                                     const Uuid& transcript, std::string_view kind,
                                                     std::optional<int> version);
  static Result<LayerDiff> diff_in(store::Transaction& tx, const store::TenantScope& scope, const Uuid& transcript,
                                   std::string_view kind, int from, int to);
  // One version (the current one when `version` is empty) and a page of its items after
  // query.after_ordinal; read on layers. Errors: not_found for an unknown transcript (also
  // another tenant's), kind or version.
  static Result<std::pair<store::LayerRun, store::LayerItemPage>> run_page_in(
      store::Transaction& tx, const store::TenantScope& scope, const Uuid& transcript, std::string_view kind,
      std::optional<int> version, const store::LayerItemQuery& query);
  // The selected layers' items over segments [first, last] of `transcript`.
  static Result<std::vector<AttachedLayer>> attach_in(store::Transaction& tx, const store::TenantScope& scope,
                                                      const store::Transcript& transcript,
                                                      const std::vector<LayerSelector>& selectors,
                                                      std::int64_t first, std::int64_t last);
  // attach_in over a page of segments read with a scope for reading transcripts: `principal`
  // must be able to read layers as well, checked first (also for an empty page, which gets no
  // layers). Errors: permission_denied; not_found for an unknown kind or version.
  static Result<std::vector<AttachedLayer>> attach_to_page_in(store::Transaction& tx, const store::TenantScope& scope,
                                                              const store::Principal& principal,
                                                              const store::Transcript& transcript,
                                                              const std::vector<LayerSelector>& selectors,
                                                              const store::SegmentPage& page);
  // Segments across the tenant whose current layers match `search` (store/layers/layer_query.hpp),
  // with a scope for reading layers: segment text is transcript data, so `principal` must be able
  // to read transcripts as well, checked first. Errors: permission_denied; invalid_argument
  // naming the condition or filter that is wrong.
  static Result<store::SegmentHitPage> search_segments_in(store::Transaction& tx, const store::TenantScope& scope,
                                                          const store::Principal& principal,
                                                          const store::SegmentSearch& search);
  // Item counts and mean scores by label of a kind's current versions, grouped as `query` says;
  // read on layers. Errors: invalid_argument naming the field that is wrong.
  static Result<std::vector<store::LayerAnalyticsRow>> analytics_in(store::Transaction& tx,
                                                                    const store::TenantScope& scope,
                                                                    const store::LayerAnalyticsQuery& query);

  // CLI: `tenant` may be empty for the operator (looked up from the transcript).
  Result<store::LayerRunWrite> import(const store::Principal& principal, std::string_view tenant,
                                      const Uuid& transcript, std::string_view content, std::string_view source_name);
  Result<std::vector<store::LayerRun>> list(const store::Principal& principal, std::string_view tenant,
                                            const Uuid& transcript);
  // The run in the document form `import` reads (layer_document.hpp).
  Result<std::string> export_run(const store::Principal& principal, std::string_view tenant, const Uuid& transcript,
                                 std::string_view kind, std::optional<int> version);
  // One version (the current one when `version` is empty) and a page of its items. Errors:
  // not_found for an unknown transcript, kind or version.
  Result<std::pair<store::LayerRun, store::LayerItemPage>> show(const store::Principal& principal,
                                                                std::string_view tenant, const Uuid& transcript,
                                                                std::string_view kind, std::optional<int> version,
                                                                const store::LayerItemQuery& query);
  // Pins `version` as the current one, or unpins (the newest becomes current) when it is empty;
  // one event and one audit record, committed. Errors: as set_current_in.
  Result<store::CurrentChange> set_current(const store::Principal& principal, std::string_view tenant,
                                           const Uuid& transcript, std::string_view kind, std::optional<int> version);
  // Errors: as diff_in.
  Result<LayerDiff> diff(const store::Principal& principal, std::string_view tenant, const Uuid& transcript,
                         std::string_view kind, int from, int to);

 private:
  store::Database& database_;
  store::StoreContext context_;
};

}  // namespace narralytica::app
