// The product side of the search benchmark, in process: opens the canonical database that
// `narralytica import` filled and `narralytica reindex` indexed, and answers every query of
// queries.tsv through app::SearchService::search (tenant lookup and permission check in a read
// transaction, query parsing, the tenant's Xapian index, top 20 with highlighted snippets), as
// `narralytica search` and GET /v1/search do. A query the product refuses fails the benchmark.
#include "app/search_service.hpp"
#include "bench_io.hpp"
#include "search_bench.hpp"
#include "store/database.hpp"

namespace narralytica::bench {

int run_product(const ProductOptions& options) {
  const auto queries = read_queries(options.queries);
  store::DatabaseOptions database_options;
  database_options.url = options.db;
  auto database = store::Database::open(database_options);
  if (!database.ok()) fail("cannot open " + options.db + ": " + database.error().describe());
  app::SearchService service(*database.value(), options.data_dir);
  const auto principal = store::Principal::operator_cli("search_bench");
  std::size_t snippet_bytes = 0;
  time_queries("product", queries, [&](const BenchQuery& q) {
    app::SearchQuery query;
    query.q = q.product;
    query.limit = 20;
    auto result = service.search(principal, q.tenant, query);
    if (!result.ok()) fail("product query " + q.product + " in " + q.tenant + ": " + result.error().describe());
    for (const auto& hit : result.value().hits) snippet_bytes += hit.snippet_html.size();
    return static_cast<int>(result.value().hits.size());
  }, options.out);
  figure("product_snippet_bytes", static_cast<double>(snippet_bytes));
  return 0;
}

}  // namespace narralytica::bench
