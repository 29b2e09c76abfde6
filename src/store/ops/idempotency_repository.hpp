// Stored first answers to POST requests that carried an Idempotency-Key (the API's replay), so a
// client retrying after a lost response gets the same answer instead of a second write. A key
// belongs to one user in one tenant; the request it answered is remembered by hash, so the same
// key on a different request is refused rather than answered with an unrelated response.
#pragma once

#include <optional>
#include <string>

#include "store/scope.hpp"
#include "store/transaction.hpp"

namespace narralytica::store {

inline constexpr std::size_t kIdempotencyKeyLengthMax = 255;
// A stored answer larger than this is not kept (the request is still served): replaying a huge
// body is not worth the row.
inline constexpr std::size_t kIdempotentBodyBytesMax = 256 * 1024;
inline constexpr std::int64_t kIdempotencyTtlUs = 24LL * 3600 * 1'000'000;

struct StoredResponse {
  std::string request_hash;  // 32 raw bytes
  int status = 0;
  std::string content_type;
  std::string headers;  // "Name: value" lines, '\n'-separated
  std::string body;
};

class IdempotencyRepository {
 public:
  // The unexpired answer stored under `key` for the scope's user, if any. Call in the same
  // transaction that will run the request, so a concurrent first attempt is either seen whole
  // or not at all.
  static Result<std::optional<StoredResponse>> find(Transaction& tx, const TenantScope& scope, std::string_view key);
  // Stores the answer, replacing an expired one. Errors: conflict when another request stored an
  // answer under the same key first (the caller retries and replays it).
  static Status store(Transaction& tx, const TenantScope& scope, std::string_view key,
                      const StoredResponse& response);
};

}  // namespace narralytica::store
