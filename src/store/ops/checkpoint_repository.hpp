// Pipeline checkpoints (table `pipeline_checkpoints`): a pipeline's cursor into the event feed,
// one per pipeline and tenant (or one global cursor, tenant NULL). The cursor is advanced in the
// same transaction as the pipeline's derived output, so output and cursor never disagree.
//
// Thread-safety: stateless; works inside the Transaction it is given. Pipelines are operated
// across tenants, so every call takes a SystemScope.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/scope.hpp"
#include "store/transaction.hpp"

namespace narralytica::store {

inline constexpr std::size_t kPipelineNameLengthMax = 100;
inline constexpr int kCheckpointListMax = 1000;

struct Checkpoint {
  std::string pipeline;
  std::optional<std::int64_t> tenant_id;  // nullopt: the pipeline's global cursor
  std::int64_t position = 0;              // the last event position processed
  std::string state_json = "{}";          // the pipeline's own small state
  UnixMicros updated_at = 0;
};

class CheckpointRepository {
 public:
  // The checkpoint, created at position 0 when missing, and locked until `tx` ends (SELECT … FOR
  // UPDATE on PostgreSQL; SQLite's write transaction is already exclusive), so two runners of
  // one pipeline take turns instead of processing the same batch. Errors: invalid_argument for a
  // bad name.
  static Result<Checkpoint> lock(Transaction& tx, const SystemScope& scope, std::string_view pipeline,
                                 std::optional<std::int64_t> tenant_id);
  // The checkpoint without locking or creating it (nullopt when it does not exist yet).
  static Result<std::optional<Checkpoint>> find(Transaction& tx, const SystemScope& scope, std::string_view pipeline,
                                                std::optional<std::int64_t> tenant_id);
  // Moves the cursor (and state) of a checkpoint locked in `tx`. Errors: not_found when missing.
  static Status advance(Transaction& tx, const SystemScope& scope, std::string_view pipeline,
                        std::optional<std::int64_t> tenant_id, std::int64_t position,
                        std::string_view state_json = "{}");
  // Every checkpoint, by pipeline then tenant, at most kCheckpointListMax.
  static Result<std::vector<Checkpoint>> list(Transaction& tx, const SystemScope& scope);
  // Rewinds every cursor of `pipeline` to `position` (0: replay everything retained).
  // Returns how many cursors moved; not_found when the pipeline has none.
  static Result<std::int64_t> reset(Transaction& tx, const SystemScope& scope, std::string_view pipeline,
                                    std::int64_t position = 0);
};

}  // namespace narralytica::store
