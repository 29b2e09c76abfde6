// `narralytica retrieve --tenant T QUERY [--budget-words N | --budget-tokens N] [--json]`:
// speaker-turn passages with citations, as POST /v1/retrieve answers them, through
// app::RetrievalService.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/content_store.hpp"
#include "app/retrieval_service.hpp"
#include "app/tenant_work.hpp"
#include "cli/cli_support.hpp"

namespace narralytica::cli {
namespace retrieve_command_impl {
namespace {

struct RetrieveArgs {
  std::string tenant;
  std::vector<std::string> words;
  std::int64_t budget_words = 0;
  std::int64_t budget_tokens = 0;
  int passage_words = search::kPassageWordsDefault;
  int overlap_words = search::kOverlapWordsDefault;
  int k = search::kRetrieveKDefault;
  std::string vector;
  std::string producer;
  bool json = false;
  std::string data_dir;
} args;

int run_retrieve(const GlobalOptions& global) {
  app::RetrievalQuery query;
  for (const auto& word : args.words) query.query += (query.query.empty() ? "" : " ") + word;
  query.passages.passage_words = args.passage_words;
  query.passages.overlap_words = args.overlap_words;
  query.passages.k = args.k;
  if (args.budget_words && args.budget_tokens) {
    return report(make_error(ErrorCode::invalid_argument, "give one of --budget-words or --budget-tokens", "--budget-words"));
  }
  if (args.budget_words || args.budget_tokens) {
    const bool words = args.budget_words != 0;
    auto budget = app::make_budget(words ? "words" : "tokens", words ? args.budget_words : args.budget_tokens,
                                   words ? "--budget-words" : "--budget-tokens");
    if (!budget.ok()) return report(budget.error());
    query.passages.budget = *budget;
  }
  if (!args.vector.empty()) {
    auto values = parse_vector(args.vector);
    if (!values.ok()) return report(values.error());
    query.vector = search::VectorQuery{std::move(*values), args.producer};
  }
  if (query.query.empty() && !query.vector) {
    return report(make_error(ErrorCode::invalid_argument, "give words to look for, or a --vector", "query"));
  }
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  app::SearchService search(**database, args.data_dir.empty() ? app::default_data_dir(global.db)
                                                              : std::filesystem::path(args.data_dir));
  app::RetrievalService service(search);
  auto result = app::in_tenant(**database, operator_principal(), args.tenant, app::kReadTranscripts,
                               store::TxMode::read, [&](store::Transaction&, const store::TenantScope& scope) {
                                 return service.retrieve_in(scope, query);
                               });
  if (!result.ok()) return report(result.error());
  if (args.json) {
    std::printf("%s\n", app::retrieval_json(*result, query.passages.budget).c_str());
    return 0;
  }
  int place = 0;
  for (const auto& p : result->passages.passages) {
    const auto& d = p.first;
    const std::string speaker = !d.person_name.empty() ? d.person_name
                                : !d.speaker_name.empty() ? d.speaker_name
                                                          : d.speaker_label;
    std::printf("%d. %s  %s-%s  %s  [%s]\n   %s\n   %s\n\n", ++place, d.video_title.c_str(),
                clock_time(p.start_ms).c_str(), clock_time(p.end_ms).c_str(), speaker.c_str(), p.id.c_str(),
                app::hit_link(d).c_str(), p.text.c_str());
  }
  std::fprintf(stderr, "%zu passages, %lld words, about %lld tokens%s\n", result->passages.passages.size(),
               static_cast<long long>(result->passages.words), static_cast<long long>(result->passages.tokens),
               result->passages.truncated ? " (more left out for the budget)" : "");
  return 0;
}

}  // namespace
}  // namespace retrieve_command_impl

void add_retrieve_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace retrieve_command_impl;
  auto* retrieve = app.add_subcommand("retrieve", "Passages with citations for an AI client (speaker turns, ranked)");
  retrieve->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
  retrieve->add_option("query", args.words, "Words and filters, as for search");
  retrieve->add_option("--budget-words", args.budget_words, "The most words of passage text in the answer");
  retrieve->add_option("--budget-tokens", args.budget_tokens, "The most tokens (estimated) in the answer");
  retrieve->add_option("--passage-words", args.passage_words, "The most words of a passage")->capture_default_str();
  retrieve->add_option("--overlap-words", args.overlap_words, "Words shared with the next passage of a turn")
      ->capture_default_str();
  retrieve->add_option("-k", args.k, "The most passages (1-50)")->capture_default_str();
  retrieve->add_option("--vector", args.vector, "The query's embedding, e.g. [0.1, 0.2] (hybrid with words)");
  retrieve->add_option("--producer", args.producer, "The embedding layer's producer, name@version");
  retrieve->add_flag("--json", args.json, "The API's JSON answer");
  retrieve->add_option("--data-dir", args.data_dir, "Where the search indexes are (default: beside a SQLite file)");
  retrieve->callback([&options, &exit_code] { exit_code = run_retrieve(options); });
}

}  // namespace narralytica::cli
