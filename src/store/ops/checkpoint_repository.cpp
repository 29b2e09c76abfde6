#include "store/ops/checkpoint_repository.hpp"

namespace narralytica::store {
namespace {

// Tenant NULL (a global cursor) is keyed as tenant 0, matching pipeline_checkpoints_key.
constexpr const char* kEnsure =
    "INSERT INTO pipeline_checkpoints (pipeline, tenant_id, position, state, created_at, updated_at) "
    "VALUES ($1, $2, 0, '{}', $3, $3) ON CONFLICT DO NOTHING";
constexpr const char* kSelectCheckpoint =
    "SELECT pipeline, tenant_id, position, state, updated_at FROM pipeline_checkpoints "
    "WHERE pipeline = $1 AND coalesce(tenant_id, 0) = $2";
constexpr const char* kLockPostgres =
    "SELECT pipeline, tenant_id, position, state, updated_at FROM pipeline_checkpoints "
    "WHERE pipeline = $1 AND coalesce(tenant_id, 0) = $2 FOR UPDATE";
constexpr const char* kAdvance =
    "UPDATE pipeline_checkpoints SET position = $3, state = $4, updated_at = $5 "
    "WHERE pipeline = $1 AND coalesce(tenant_id, 0) = $2";
constexpr const char* kList =
    "SELECT pipeline, tenant_id, position, state, updated_at FROM pipeline_checkpoints "
    "ORDER BY pipeline, coalesce(tenant_id, 0) LIMIT $1";
constexpr const char* kReset =
    "UPDATE pipeline_checkpoints SET position = $2, updated_at = $3 WHERE pipeline = $1";

Status check_pipeline_name(std::string_view pipeline) {
  if (pipeline.empty() || pipeline.size() > kPipelineNameLengthMax) {
    return make_error(ErrorCode::invalid_argument,
                      "pipeline name must be 1 to " + std::to_string(kPipelineNameLengthMax) + " bytes", "pipeline");
  }
  return ok_status();
}

Checkpoint read_checkpoint(const Statement& s) {
  Checkpoint c;
  c.pipeline = s.column_text(0);
  c.tenant_id = s.column_optional_int64(1);
  c.position = s.column_int64(2);
  c.state_json = s.column_text(3);
  c.updated_at = s.column_int64(4);
  return c;
}

}  // namespace

Result<Checkpoint> CheckpointRepository::lock(Transaction& tx, const SystemScope& scope, std::string_view pipeline,
                                              std::optional<std::int64_t> tenant_id) {
  RETURN_IF_ERROR(check_pipeline_name(pipeline));
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * ensure, tx.prepare(kEnsure));
  ensure->bind_text(1, pipeline);
  ensure->bind_optional_int64(2, tenant_id);
  ensure->bind_int64(3, tx.now_us());
  RETURN_IF_ERROR(ensure->execute());
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(tx.backend() == Backend::postgres ? kLockPostgres : kSelectCheckpoint));
  s->bind_text(1, pipeline);
  s->bind_int64(2, tenant_id.value_or(0));
  ASSIGN_OR_RETURN(bool has_row, s->step());
  if (!has_row) {
    s->reset();
    return make_error(ErrorCode::internal, "checkpoint vanished after it was created", std::string(pipeline));
  }
  Checkpoint c = read_checkpoint(*s);
  s->reset();
  return c;
}

Result<std::optional<Checkpoint>> CheckpointRepository::find(Transaction& tx, const SystemScope& scope,
                                                            std::string_view pipeline,
                                                            std::optional<std::int64_t> tenant_id) {
  RETURN_IF_ERROR(check_pipeline_name(pipeline));
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectCheckpoint));  // without FOR UPDATE: a plain read
  s->bind_text(1, pipeline);
  s->bind_int64(2, tenant_id.value_or(0));
  ASSIGN_OR_RETURN(bool has_row, s->step());
  std::optional<Checkpoint> found;
  if (has_row) found = read_checkpoint(*s);
  s->reset();
  return found;
}

Status CheckpointRepository::advance(Transaction& tx, const SystemScope& scope, std::string_view pipeline,
                                     std::optional<std::int64_t> tenant_id, std::int64_t position,
                                     std::string_view state_json) {
  RETURN_IF_ERROR(check_pipeline_name(pipeline));
  if (position < 0) return make_error(ErrorCode::invalid_argument, "position must not be negative", "position");
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kAdvance));
  s->bind_text(1, pipeline);
  s->bind_int64(2, tenant_id.value_or(0));
  s->bind_int64(3, position);
  s->bind_json(4, state_json.empty() ? std::string_view("{}") : state_json);
  s->bind_int64(5, tx.now_us());
  ASSIGN_OR_RETURN(std::int64_t changed, s->execute());
  if (changed == 0) return make_error(ErrorCode::not_found, "no such checkpoint", std::string(pipeline));
  return ok_status();
}

Result<std::vector<Checkpoint>> CheckpointRepository::list(Transaction& tx, const SystemScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kList));
  s->bind_int64(1, kCheckpointListMax);
  std::vector<Checkpoint> out;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, s->step());
    if (!has_row) break;
    out.push_back(read_checkpoint(*s));
  }
  s->reset();
  return out;
}

Result<std::int64_t> CheckpointRepository::reset(Transaction& tx, const SystemScope& scope,
                                                 std::string_view pipeline, std::int64_t position) {
  RETURN_IF_ERROR(check_pipeline_name(pipeline));
  if (position < 0) return make_error(ErrorCode::invalid_argument, "position must not be negative", "position");
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kReset));
  s->bind_text(1, pipeline);
  s->bind_int64(2, position);
  s->bind_int64(3, tx.now_us());
  ASSIGN_OR_RETURN(std::int64_t changed, s->execute());
  if (changed == 0) return make_error(ErrorCode::not_found, "no checkpoint for this pipeline", std::string(pipeline));
  return changed;
}

}  // namespace narralytica::store
