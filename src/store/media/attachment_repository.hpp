// Attachments: files kept beside canonical data (an imported transcript's original file, say).
// The bytes live in content-addressed storage (app/content_store.hpp); this table records their
// checksum, size, type and where they are, once per tenant and content.
#pragma once

#include <string>

#include "store/scope.hpp"
#include "store/transaction.hpp"

namespace narralytica::store {

struct Attachment {
  std::int64_t id = 0;
  Uuid public_id;
  std::string kind;        // transcript_original, export, other
  std::string media_type;  // e.g. text/vtt
  std::string sha256;      // 32 raw bytes
  std::int64_t size_bytes = 0;
  std::string storage_uri;
};

class AttachmentRepository {
 public:
  // Records the attachment, or returns the tenant's existing record of the same content.
  static Result<Attachment> put(Transaction& tx, const TenantScope& scope, const Attachment& attachment);
  // The tenant's attachment with this public id. Errors: not_found.
  static Result<Attachment> get(Transaction& tx, const TenantScope& scope, const Uuid& public_id);
};

}  // namespace narralytica::store
