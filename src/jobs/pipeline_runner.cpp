#include "jobs/pipeline_runner.hpp"

#include <algorithm>
#include <exception>

#include "store/ops/checkpoint_repository.hpp"

namespace narralytica::jobs {
namespace {

// Calls a pipeline's function, turning an exception into the error a failing job handler's
// exception becomes (worker_pool.cpp): the pipeline runs on a worker thread, where an exception
// that escapes is std::terminate for the whole process.
template <class Fn>
Status call_pipeline(const std::string& name, Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return make_error(ErrorCode::internal, std::string("pipeline threw: ") + e.what(), name);
  } catch (...) {
    return make_error(ErrorCode::internal, "pipeline threw a non-standard exception", name);
  }
}

}  // namespace

Status PipelineRunner::add(PipelineDefinition definition) {
  if (definition.name.empty() || definition.name.size() > store::kPipelineNameLengthMax) {
    return make_error(ErrorCode::invalid_argument, "pipeline name must be 1 to 100 bytes", "name");
  }
  if (!definition.process == !definition.derived) {
    return make_error(ErrorCode::invalid_argument, "a pipeline needs exactly one batch function", definition.name);
  }
  if (definition.batch < 1 || definition.batch > kPipelineBatchMax) {
    return make_error(ErrorCode::invalid_argument, "pipeline batch must be 1 to 1000", "batch");
  }
  if (pipelines_.size() >= kPipelinesMax) return make_error(ErrorCode::resource_exhausted, "too many pipelines");
  const bool taken = std::any_of(pipelines_.begin(), pipelines_.end(),
                                 [&](const PipelineDefinition& p) { return p.name == definition.name; });
  if (taken) return make_error(ErrorCode::conflict, "a pipeline with this name is already registered", definition.name);
  pipelines_.push_back(std::move(definition));
  return ok_status();
}

Result<PipelineRun> PipelineRunner::run_once(const std::string& name) {
  auto it = std::find_if(pipelines_.begin(), pipelines_.end(), [&](const PipelineDefinition& p) { return p.name == name; });
  if (it == pipelines_.end()) return make_error(ErrorCode::not_found, "no such pipeline", name);
  if (it->derived) return run_derived(*it);
  const auto scope = store::SystemScope::because(store::Actor{std::nullopt, std::nullopt, "pipeline:" + name});
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database_, store::TxMode::write, context_));
  // The checkpoint row is locked until commit: a second runner of this pipeline waits here
  // instead of processing the same batch.
  ASSIGN_OR_RETURN(store::Checkpoint checkpoint, store::CheckpointRepository::lock(tx, scope, name, std::nullopt));
  ASSIGN_OR_RETURN(store::FeedPage page, store::EventFeed::read(tx, scope, checkpoint.position, it->batch));
  PipelineRun run;
  run.head = page.head;
  run.position = checkpoint.position;
  if (page.behind_horizon) {
    // Events this pipeline never saw are gone: say so, and continue from the horizon. Its
    // derived data must be rebuilt from canonical data (the pipeline's owner decides how).
    run.behind_horizon = true;
    run.position = page.pruned_through;
  } else if (!page.events.empty()) {
    RETURN_IF_ERROR(call_pipeline(name, [&] { return it->process(tx, page.events); }));
    // The pipeline may have entered a tenant scope; the checkpoint is system bookkeeping.
    run.processed = static_cast<int>(page.events.size());
    run.position = page.next_after;
  }
  if (run.position != checkpoint.position) {
    RETURN_IF_ERROR(store::CheckpointRepository::advance(tx, scope, name, std::nullopt, run.position,
                                                         checkpoint.state_json));
  }
  RETURN_IF_ERROR(tx.commit());
  return run;
}

Result<PipelineRun> PipelineRunner::run_derived(const PipelineDefinition& pipeline) {
  const auto scope = store::SystemScope::because(store::Actor{std::nullopt, std::nullopt, "pipeline:" + pipeline.name});
  PipelineRun run;
  std::vector<store::FeedEvent> events;
  bool behind_horizon = false;
  {
    ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database_, store::TxMode::read, context_));
    ASSIGN_OR_RETURN(auto checkpoint, store::CheckpointRepository::find(tx, scope, pipeline.name, std::nullopt));
    run.position = checkpoint ? checkpoint->position : 0;
    ASSIGN_OR_RETURN(store::FeedPage page, store::EventFeed::read(tx, scope, run.position, pipeline.batch));
    run.head = page.head;
    behind_horizon = page.behind_horizon;
    events = std::move(page.events);
    if (behind_horizon) run.behind_horizon = true;
  }
  const std::int64_t after = run.position;
  if (events.empty() && !behind_horizon) return run;
  RETURN_IF_ERROR(call_pipeline(pipeline.name, [&] { return pipeline.derived(DerivedBatch{after, events, behind_horizon}); }));
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database_, store::TxMode::write, context_));
  ASSIGN_OR_RETURN(store::Checkpoint checkpoint, store::CheckpointRepository::lock(tx, scope, pipeline.name, std::nullopt));
  std::int64_t target = events.empty() ? run.head : events.back().position;
  run.processed = static_cast<int>(events.size());
  // Another runner of the same pipeline may have moved it further meanwhile: never move back.
  run.position = std::max(checkpoint.position, target);
  if (run.position != checkpoint.position) {
    RETURN_IF_ERROR(store::CheckpointRepository::advance(tx, scope, pipeline.name, std::nullopt, run.position,
                                                         checkpoint.state_json));
  }
  RETURN_IF_ERROR(tx.commit());
  return run;
}

PipelineRound PipelineRunner::run_all_once() {
  PipelineRound round;
  for (const auto& pipeline : pipelines_) {
    auto run = run_once(pipeline.name);
    if (run.ok()) {
      round.processed += run->processed;
    } else {
      Error error = std::move(run).error();
      // The field names the pipeline, so a log line says which one failed.
      if (error.field.empty()) error.field = pipeline.name;
      else if (error.field != pipeline.name) error.field = pipeline.name + ": " + error.field;
      round.errors.push_back(std::move(error));
    }
  }
  return round;
}

}  // namespace narralytica::jobs
