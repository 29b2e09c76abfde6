// The pipelines over the event feed that `narralytica worker` and `serve --workers N` run: the
// composition root wires each derived system to the runner here, once for both commands.
#pragma once

#include <filesystem>
#include <memory>

#include "app/search_service.hpp"
#include "jobs/pipeline_runner.hpp"

namespace narralytica::cli {

struct BuiltinPipelines {
  BuiltinPipelines(store::Database& database, const std::filesystem::path& data_dir)
      : search(database, data_dir), runner(database) {}
  app::SearchService search;  // the search index (pipeline "search.index")
  jobs::PipelineRunner runner;
};

// Errors: as jobs::PipelineRunner::add (a bug if it fails).
Result<std::unique_ptr<BuiltinPipelines>> make_builtin_pipelines(store::Database& database,
                                                                 const std::filesystem::path& data_dir);

}  // namespace narralytica::cli
