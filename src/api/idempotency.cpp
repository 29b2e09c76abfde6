// Idempotency-Key handling (detail/idempotency.hpp): the stored answers live in
// idempotency_keys through store::IdempotencyRepository.
#include "api/detail/idempotency.hpp"

#include "api/problem.hpp"
#include "core/hashing.hpp"
#include "store/ops/idempotency_repository.hpp"

namespace narralytica::api {
namespace idempotency_impl {

// What makes two requests "the same": method, path, query, content type and body.
std::string request_hash(const HttpRequest& request) {
  Sha256 h;
  h.update_field(request.method);
  h.update_field(request.path);
  h.update_field(request.query);
  h.update_field(request.header("content-type"));
  h.update_field(request.body);
  return h.finish();
}

std::string serialize_headers(const HttpResponse& response) {
  std::string out;
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\n";
  return out;
}

HttpResponse replay(const store::StoredResponse& stored) {
  HttpResponse response;
  response.status = stored.status;
  response.content_type = stored.content_type;
  response.body = stored.body;
  std::string_view rest = stored.headers;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    const auto colon = line.find(": ");
    if (colon != std::string_view::npos) response.with_header(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
  }
  response.with_header("Idempotent-Replayed", "true");
  return response;
}

}  // namespace idempotency_impl

IdempotentRequest::IdempotentRequest(const Route& route, const HttpRequest& request)
    : request_(request),
      key_(request.method == "POST" && route.mutating() ? request.header("idempotency-key") : std::string_view{}) {}

std::optional<IdempotentRequest::Early> IdempotentRequest::check(store::Transaction& tx,
                                                                const store::TenantScope& scope) {
  if (key_.empty()) return std::nullopt;
  if (key_.size() > store::kIdempotencyKeyLengthMax) {
    return Early{problem(400, "malformed_request", "an Idempotency-Key is at most 255 characters", "Idempotency-Key",
                         request_)};
  }
  hash_ = idempotency_impl::request_hash(request_);
  auto stored = store::IdempotencyRepository::find(tx, scope, key_);
  if (!stored.ok()) return Early{problem(stored.error(), request_)};
  if (!*stored) return std::nullopt;
  if ((*stored)->request_hash != hash_) {
    return Early{problem(422, "idempotency_key_reused",
                         "this Idempotency-Key was used for a different request; use a new key", "Idempotency-Key",
                         request_)};
  }
  return Early{idempotency_impl::replay(**stored), true};
}

std::optional<HttpResponse> IdempotentRequest::remember(store::Transaction& tx, const store::TenantScope& scope,
                                                        const HttpResponse& answer) {
  if (key_.empty() || answer.status >= 300 || answer.body.size() > store::kIdempotentBodyBytesMax) return std::nullopt;
  auto stored = store::IdempotencyRepository::store(
      tx, scope, key_,
      store::StoredResponse{hash_, answer.status, answer.content_type, idempotency_impl::serialize_headers(answer),
                            answer.body});
  if (!stored.ok()) return problem(stored.error(), request_);
  return std::nullopt;
}

}  // namespace narralytica::api
