// libFuzzer target for the segment filter of GET /v1/segments?where=… (api/detail/layer_where.hpp):
// the parser refuses with invalid_argument naming the condition ("where[2]") or returns one
// condition per part with a kind, and a finite number for a score; then the same text goes
// through the real route (percent-encoded, over the in-process API of api_harness.hpp) and is
// answered 200 or a 4xx naming a `where` parameter, never a 5xx.
#include <cstdint>
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/detail/layer_where.hpp"
#include "api_harness.hpp"

namespace {

using namespace narralytica;
using fuzz::require;

std::size_t parts_of(std::string_view text) {
  std::size_t parts = 0;
  while (!text.empty()) {
    ++parts;
    const std::size_t semicolon = text.find(';');
    text = semicolon == std::string_view::npos ? std::string_view() : text.substr(semicolon + 1);
  }
  return parts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto conditions = api::parse_where(text);
  if (!conditions.ok()) {
    require(conditions.error().code == ErrorCode::invalid_argument, "a bad filter is invalid_argument");
    require(conditions.error().field.starts_with("where["), "a bad filter names its condition");
  } else {
    require(conditions->size() == parts_of(text), "one condition per part");
    for (const store::LayerCondition& c : *conditions) {
      if (c.field == store::LayerField::score) require(std::isfinite(c.number), "a score is compared with a finite number");
    }
  }
  fuzz::ApiHarness& harness = fuzz::ApiHarness::instance();
  const api::HttpResponse answer =
      harness.request("GET", "/v1/segments", "where=" + fuzz::percent_encode(text) + "&limit=5", "", {});
  fuzz::check_answer(answer, "GET /v1/segments");
  if (answer.status >= 400) require(fuzz::problem_field(answer).starts_with("where"), "a refused filter names where");
  if (!conditions.ok()) require(answer.status == 422 || answer.status == 400, "the route refuses what the parser refuses");
  return 0;
}
