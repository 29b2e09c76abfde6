// Retrieval for AI clients (docs/retrieval.md): a query and/or a vector in, speaker-turn passages
// out, each with its citation (video, transcript revision, time span, speaker and person, deep
// link) and a stable id, best first, within a budget of words or tokens. Shared by
// POST /v1/retrieve and `narralytica retrieve`.
//
// Thread-safe, like the SearchService it reads through.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/search_service.hpp"

namespace narralytica::app {

struct RetrievalQuery {
  std::string query;  // words and filters in the search language; may be filters only with a vector
  std::optional<search::VectorQuery> vector;  // words + vector: hybrid; vector alone: vector
  search::PassageOptions passages;
};

class RetrievalService {
 public:
  explicit RetrievalService(SearchService& search) : search_(search) {}

  // The passages of the scope's tenant (the caller checked read access to transcripts).
  // Errors: invalid_argument with field "query" for a malformed query (the message names the
  // character position), naming passage_words, overlap_words, k, budget.words/budget.tokens,
  // vector or producer for other bad input; unavailable when the index cannot be read.
  Result<search::RetrievalResult> retrieve_in(const store::TenantScope& scope, const RetrievalQuery& query);

 private:
  SearchService& search_;
};

// "words" or "tokens" with its limit. Errors: invalid_argument naming `field`.
Result<search::Budget> make_budget(std::string_view unit, std::int64_t limit, std::string_view field);

// The API's answer, also what `narralytica retrieve --json` prints.
std::string retrieval_json(const search::RetrievalResult& result, const search::Budget& budget);

}  // namespace narralytica::app
