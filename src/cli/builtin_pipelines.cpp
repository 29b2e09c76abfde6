#include "cli/builtin_pipelines.hpp"

namespace narralytica::cli {

Result<std::unique_ptr<BuiltinPipelines>> make_builtin_pipelines(store::Database& database,
                                                                 const std::filesystem::path& data_dir) {
  auto pipelines = std::make_unique<BuiltinPipelines>(database, data_dir);
  jobs::PipelineDefinition search;
  search.name = std::string(app::kSearchPipeline);
  search.batch = jobs::kPipelineBatchMax;
  search.derived = [service = &pipelines->search](const jobs::DerivedBatch& batch) {
    return service->apply_events(batch.after, batch.events, batch.behind_horizon);
  };
  RETURN_IF_ERROR(pipelines->runner.add(std::move(search)));
  return pipelines;
}

}  // namespace narralytica::cli
