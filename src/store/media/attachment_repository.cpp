#include "store/media/attachment_repository.hpp"

#include "core/hashing.hpp"
#include "core/json_writer.hpp"

namespace narralytica::store {
namespace {

constexpr const char* kSelectBySha =
    "SELECT id, public_id, kind, media_type, size_bytes, storage_uri FROM attachments "
    "WHERE tenant_id = $1 AND sha256 = $2";
constexpr const char* kSelectAttachmentById =
    "SELECT id, public_id, kind, media_type, sha256, size_bytes, storage_uri FROM attachments "
    "WHERE tenant_id = $1 AND public_id = $2";
constexpr const char* kInsert =
    "INSERT INTO attachments (public_id, tenant_id, kind, media_type, sha256, size_bytes, storage_uri, "
    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id";

}  // namespace

Result<Attachment> AttachmentRepository::put(Transaction& tx, const TenantScope& scope, const Attachment& draft) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * select, tx.prepare(kSelectBySha));
  select->bind_int64(1, scope.tenant_id());
  select->bind_blob(2, draft.sha256);
  ASSIGN_OR_RETURN(bool found, select->step());
  if (found) {
    Attachment existing{select->column_int64(0), select->column_uuid(1), select->column_text(2),
                        select->column_text(3), draft.sha256, select->column_int64(4), select->column_text(5)};
    select->reset();
    return existing;
  }
  Attachment attachment = draft;
  attachment.public_id = tx.new_id();
  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsert));
  insert->bind_uuid(1, attachment.public_id);
  insert->bind_int64(2, scope.tenant_id());
  insert->bind_text(3, attachment.kind);
  insert->bind_text(4, attachment.media_type);
  insert->bind_blob(5, attachment.sha256);
  insert->bind_int64(6, attachment.size_bytes);
  insert->bind_text(7, attachment.storage_uri);
  insert->bind_int64(8, tx.now_us());
  ASSIGN_OR_RETURN(bool inserted, insert->step());
  if (!inserted) return make_error(ErrorCode::internal, "attachment insert returned no id");
  attachment.id = insert->column_int64(0);
  insert->reset();
  tx.record_change(scope, "attachment.created", "attachment", attachment.public_id,
                   JsonObject().add("kind", attachment.kind).add("media_type", attachment.media_type)
                       .add("sha256", to_hex(attachment.sha256)).add("size_bytes", attachment.size_bytes).str());
  return attachment;
}

Result<Attachment> AttachmentRepository::get(Transaction& tx, const TenantScope& scope, const Uuid& public_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * select, tx.prepare(kSelectAttachmentById));
  select->bind_int64(1, scope.tenant_id());
  select->bind_uuid(2, public_id);
  ASSIGN_OR_RETURN(bool found, select->step());
  if (!found) return make_error(ErrorCode::not_found, "no attachment " + public_id.to_string(), "attachment");
  Attachment attachment{select->column_int64(0), select->column_uuid(1), select->column_text(2), select->column_text(3),
                        select->column_blob(4),  select->column_int64(5), select->column_text(6)};
  select->reset();
  return attachment;
}

}  // namespace narralytica::store
