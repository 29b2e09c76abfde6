// The JSON the API answers and the CLI prints (--json) for layer runs, their items and the diff of
// two versions, written in one place so both say the same thing; and the run document that
// `layers export` writes and `layers import` reads back (app/layer_document.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "app/layer_service.hpp"
#include "store/layers/layer_repository.hpp"

namespace narralytica::app {

// A run's metadata (no items): id, transcript, kind, version, producer, item count, current,
// pinned, stale, created_at.
std::string layer_run_json(const store::LayerRun& run);

// One item as the run document has it ("segment" or "segments", start_ms, end_ms, value).
void append_layer_item_json(std::string& out, const store::LayerItem& item);

// A whole run in the document form (what `layers export` writes and `layers import` reads), with
// the run's metadata alongside (ignored when read back).
std::string write_layer_run(const store::LayerRun& run, const std::vector<store::LayerItem>& items);

// {"run": {...}, "items": [...], "next_cursor": ...}: one version with a page of its items.
std::string layer_run_page_json(const store::LayerRun& run, const std::vector<store::LayerItem>& items,
                                const std::optional<std::string>& next_cursor);

// {"kind", "from", "to", "added", "removed", "changed", "unchanged", "changed_segments",
//  "items": entries [begin, end) of the diff, "next_cursor"}.
std::string layer_diff_json(const LayerDiff& diff, std::size_t begin, std::size_t end,
                            const std::optional<std::string>& next_cursor);

// "added", "removed" or "changed".
const char* layer_change_name(LayerDiffEntry::Change change);

}  // namespace narralytica::app
