// The JSON a layer run is written and read as, the same for the API (POST /v1/transcripts/{id}/layers)
// and the CLI (`narralytica layers import|export`):
//
//   {"kind": "sentiment",
//    "producer": {"name": "acme-sentiment", "version": "2.1", "params": {"threshold": 0.5}},
//    "items": [{"segment": 0, "value": {"label": "negative", "score": 0.91}},
//              {"segments": [3, 7], "value": ...},                       // one item over segments 3..7
//              {"start_ms": 0, "end_ms": 600000, "value": ...},          // a time range (chapters)
//              {"value": ...}]}                                          // about the whole transcript
//
// or, for runs too large for one JSON document, NDJSON: the first line is the document without
// "items", each further line one item. Both are read item by item against the kind's rules
// (layer_kinds.hpp); an error names the source, the line for NDJSON, and the JSON path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/layers/layer_repository.hpp"

namespace narralytica::app {

enum class LayerDocumentFormat { json, ndjson };

// How deep a layer document (or one NDJSON line) may nest, counting the document's own levels:
// an item's value has 60 or more. Checked before any parsing.
inline constexpr std::size_t kLayerDocumentDepthMax = 64;

// NDJSON when the first non-blank line is a complete JSON object and more lines follow, else JSON.
LayerDocumentFormat detect_layer_document(std::string_view content);

// Errors: invalid_argument with "source:line:column" for broken JSON or nesting deeper than
// kLayerDocumentDepthMax, or the JSON path of the first invalid member ("source: $.items[3].value.score", "source:5: $.value.label" for NDJSON).
// `reader`: fast (what the API and CLI use) scans machine-written items in one pass and leaves
// everything else to the DOM reader; dom reads with the DOM reader alone. The two must return the
// same draft, or the same error, for every input: dom exists as the reference they are compared
// against (tests/unit/app, tests/fuzz/fuzz_layer_document.cpp).
enum class LayerReader { fast, dom };
Result<store::LayerRunDraft> read_layer_run(std::string_view content, std::string_view source_name,
                                            LayerDocumentFormat format, LayerReader reader = LayerReader::fast);

}  // namespace narralytica::app
