#include "app/retrieval_service.hpp"

#include "core/json_writer.hpp"

namespace narralytica::app {

Result<search::RetrievalResult> RetrievalService::retrieve_in(const store::TenantScope& scope,
                                                              const RetrievalQuery& query) {
  search::RetrievalRequest request;
  request.passages = query.passages;
  request.search.vector = query.vector;
  if (query.vector) {
    request.search.mode = query.query.empty() ? search::SearchMode::vector : search::SearchMode::hybrid;
  }
  if (!query.query.empty() || !query.vector) {
    auto parsed = search::parse_query(query.query);
    if (!parsed.ok()) {
      Error error = parsed.error();
      if (error.field == "q") error.field = "query";  // the member this request calls it
      return error;
    }
    request.search.query = std::move(*parsed);
    if (query.vector && !request.search.query.text) request.search.mode = search::SearchMode::vector;
  }
  return search_.searcher().retrieve(scope.tenant_public_id(), request);
}

Result<search::Budget> make_budget(std::string_view unit, std::int64_t limit, std::string_view field) {
  search::Budget budget;
  if (unit == "words") {
    budget.unit = search::BudgetUnit::words;
  } else if (unit == "tokens") {
    budget.unit = search::BudgetUnit::tokens;
  } else {
    return make_error(ErrorCode::invalid_argument, "a budget is in words or tokens", std::string(field));
  }
  if (limit < 1 || limit > search::kBudgetMax) {
    return make_error(ErrorCode::invalid_argument, "must be between 1 and " + std::to_string(search::kBudgetMax),
                      std::string(field));
  }
  budget.limit = limit;
  return budget;
}

std::string retrieval_json(const search::RetrievalResult& result, const search::Budget& budget) {
  std::string passages = "[";
  for (const auto& p : result.passages.passages) {
    if (passages.size() > 1) passages += ',';
    const auto& d = p.first;
    JsonObject citation;
    add_source(citation, d)
        .add("first_ordinal", p.first_ordinal)
        .add("last_ordinal", p.last_ordinal)
        .add("start_ms", p.start_ms)
        .add("end_ms", p.end_ms)
        .add_raw("speaker", speaker_json(d))
        .add("link", hit_link(d));
    passages += JsonObject()
                    .add("passage_id", p.id)
                    .add("text", p.text)
                    .add("words", p.words)
                    .add("tokens", p.tokens)
                    .add("score", p.score)
                    .add("hits", p.hits)
                    .add_raw("citation", citation.str())
                    .str();
  }
  passages += ']';
  JsonObject budget_json;
  switch (budget.unit) {
    case search::BudgetUnit::none: budget_json.add_null("unit").add_null("limit"); break;
    case search::BudgetUnit::words: budget_json.add("unit", "words").add("limit", budget.limit); break;
    case search::BudgetUnit::tokens: budget_json.add("unit", "tokens").add("limit", budget.limit); break;
  }
  budget_json.add("words", result.passages.words)
      .add("tokens", result.passages.tokens)
      .add("truncated", result.passages.truncated);
  return JsonObject()
      .add_raw("passages", passages)
      .add_raw("budget", budget_json.str())
      .add("indexed_through", result.indexed_through)
      .str();
}

}  // namespace narralytica::app
