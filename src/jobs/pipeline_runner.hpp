// Pipelines: derived systems fed from the event feed. A pipeline is registered (name + batch
// function), not known. One run of a pipeline, in ONE transaction: lock its checkpoint, read the
// events after it, let the pipeline write its derived output (idempotently: a replay after a
// reset must not duplicate anything), advance the checkpoint, commit. A crash anywhere leaves the
// output and the cursor consistent, and a restart resumes where the last commit left off.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "store/database.hpp"
#include "store/ops/event_feed.hpp"
#include "store/transaction.hpp"

namespace narralytica::jobs {

inline constexpr std::size_t kPipelinesMax = 50;
inline constexpr int kPipelineBatchMax = store::kFeedLimitMax;

// Processes one batch of events inside the runner's transaction. An error rolls the batch back
// (output and checkpoint), and the batch is offered again on the next run. An exception is caught
// by the runner and treated as an error (ErrorCode::internal, "pipeline threw: ..."), as a job
// handler's is: a pipeline's bug never reaches std::terminate on a worker thread.
using PipelineBatchFn = std::function<Status(store::Transaction& tx, std::span<const store::FeedEvent> events)>;

// A batch for a derived system that keeps its own cursor outside the database (the search index
// records the feed position it applied inside its own commit). The runner reads the batch in a
// read transaction, calls this with no transaction open (indexing may take a while and must not
// hold the database's write lock), then advances the checkpoint in a short write transaction,
// which then only reports the lag. The function must skip what its own cursor says it has
// applied: after a crash between its commit and the checkpoint's, the batch comes again.
struct DerivedBatch {
  std::int64_t after = 0;  // the checkpoint the batch follows
  std::span<const store::FeedEvent> events;
  bool behind_horizon = false;  // events after `after` were pruned: rebuild from canonical data
};
using DerivedBatchFn = std::function<Status(const DerivedBatch& batch)>;

struct PipelineDefinition {
  std::string name;       // the checkpoint's name, 1..store::kPipelineNameLengthMax bytes
  PipelineBatchFn process;  // either this (output in the database) ...
  int batch = 100;        // events per run, 1..kPipelineBatchMax
  DerivedBatchFn derived = nullptr;  // ... or this (output outside it, with its own cursor)
};

// One round over every pipeline. A failing pipeline does not hold back the ones after it.
struct PipelineRound {
  int processed = 0;          // events handed to pipelines, summed
  std::vector<Error> errors;  // one per pipeline whose run failed; each names the pipeline in `field`
};

struct PipelineRun {
  int processed = 0;               // events handed to the pipeline
  std::int64_t position = 0;       // the checkpoint after the run
  std::int64_t head = 0;           // the feed's head at the run; head - position is the lag
  bool behind_horizon = false;     // the checkpoint was older than the retention horizon
};

// Thread-safe once filled: run_once may be called from several threads (runs of one pipeline take
// turns on the checkpoint's lock).
class PipelineRunner {
 public:
  PipelineRunner(store::Database& database, store::StoreContext context = {})
      : database_(database), context_(context) {}

  // Errors: invalid_argument for a bad name/batch, conflict for a duplicate name,
  // resource_exhausted past kPipelinesMax.
  Status add(PipelineDefinition definition);
  const std::vector<PipelineDefinition>& pipelines() const { return pipelines_; }

  // One batch of the named pipeline over the global feed (all tenants). When the checkpoint fell
  // behind the retention horizon the run reports it and jumps the cursor to the horizon (the
  // pipeline's derived data must then be rebuilt from canonical data, e.g. `reindex`).
  // Errors: not_found for an unknown pipeline; database errors; internal when the pipeline's
  // function threw (the batch is rolled back and offered again, like a returned error).
  Result<PipelineRun> run_once(const std::string& name);
  // One batch of every pipeline, each run whatever the ones before it did.
  PipelineRound run_all_once();

 private:
  Result<PipelineRun> run_derived(const PipelineDefinition& pipeline);

  store::Database& database_;
  store::StoreContext context_;
  std::vector<PipelineDefinition> pipelines_;
};

}  // namespace narralytica::jobs
