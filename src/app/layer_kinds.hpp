// The layer kinds Narralytica knows and what their item values must look like, so every consumer
// can rely on `sentiment` meaning {label, score} whoever produced it:
//
//   sentiment  {"label": "positive"|"neutral"|"negative", "score": 0..1}
//   topics     [{"label": string, "score": 0..1}, ...]
//   entities   [{"text": string, "type": string, "start_char": int, "end_char": int}, ...]
//   summary    {"text": string}
//   keywords   [{"text": string, "score": 0..1}, ...]
//   embedding  {"dims": 1..4096, "vector": [dims numbers]}
//   x-...      any JSON object (a team's own kind)
//
// Members other than these are refused (a typo must not pass silently). The item's label and
// score columns are extracted here: a list kind's are those of its highest-scoring element
// (entities: the first element's type).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace narralytica::app {

struct LayerItemValues {
  std::optional<std::string> label;
  std::optional<double> score;
};

// True for the built-in kinds and for custom `x-` kinds.
bool known_layer_kind(std::string_view kind);

// Checks `value` against `kind`. Errors: invalid_argument with `path` extended to the first bad
// member (e.g. "$.items[3].value.score"), and what was expected there.
Result<LayerItemValues> check_layer_value(std::string_view kind, const nlohmann::json& value, const std::string& path);

// Names of the built-in kinds, comma separated, for error messages and docs.
std::string_view builtin_layer_kinds();

}  // namespace narralytica::app
