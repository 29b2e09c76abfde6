// The segment filter of GET /v1/segments?where=…: conditions on the current layers of a
// transcript, parsed from the query text. Internal to src/api; its own file so that the fuzz
// target (tests/fuzz/fuzz_segment_filter.cpp) reaches the parser without the route table.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "store/layers/layer_query.hpp"

namespace narralytica::api {

// "sentiment.label=negative;sentiment.score>0.8;topics.label=economy". A condition without a kind
// ("score>0.8") is about the kind of the condition before it. Success: one condition per part, a
// score condition's number finite. Errors: invalid_argument naming the part ("where[2]"). The
// number of conditions and the kind names are checked by store::LayerQuery::segments.
Result<std::vector<store::LayerCondition>> parse_where(std::string_view text);

}  // namespace narralytica::api
