// Private to the layer document readers (layer_document.cpp: format detection, the entry point,
// the DOM and NDJSON readers; layer_document_fast.cpp: the one-pass scanner). Includes
// nlohmann/json's forward declarations: for those two .cpp files only.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/json_cursor.hpp"
#include "store/layers/layer_repository.hpp"

namespace narralytica::app::detail {

// The DOM reader's pieces, which the fast reader hands what it gives up on.
//
// The document's head: kind and producer (everything but the items); errors name `path`.
Status read_layer_head(const nlohmann::json& head, const std::string& path, store::LayerRunDraft& run,
                       bool items_allowed);
// One item; an error's field is relative to the item ("" for the item itself, ".value.score"), so
// no path string is built for the items that are fine (the caller prefixes "$.items[3]").
Result<store::LayerItemDraft> read_layer_item(const nlohmann::json& item, std::string_view kind);

// The fast reader (layer_document_fast.cpp). It never decides that something is wrong: false or
// nullopt means "read this with the DOM reader", which gives the same draft or the error.
namespace fast {

// The built-in kinds whose values it checks; `other` (custom kinds) it leaves to the DOM reader.
enum class Kind { sentiment, topics, keywords, entities, summary, embedding, other };
Kind kind_of(std::string_view kind);

// One item object {segment|segments, start_ms, end_ms, value} into `draft`, its value written as
// dump() would; `out` is scratch space kept between calls.
bool item(JsonCursor& c, Kind kind, std::string& out, store::LayerItemDraft& draft);

}  // namespace fast

// A whole JSON document, its items scanned without a document tree; nullopt: use the DOM reader.
std::optional<store::LayerRunDraft> read_layer_json_fast(std::string_view content);

}  // namespace narralytica::app::detail
