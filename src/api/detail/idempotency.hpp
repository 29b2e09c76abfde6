// The Idempotency-Key of a POST that changes data: the first successful answer (a 2xx whose body
// is at most store::kIdempotentBodyBytesMax) is stored under the key with a hash of the request,
// in the request's own transaction; the same key again answers the stored response (with
// `Idempotent-Replayed: true`) when the request is the same, and is refused when it is not.
// Internal to src/api; one object per request, used by the dispatcher's thread only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/detail/route.hpp"

namespace narralytica::api {

class IdempotentRequest {
 public:
  // Takes the key when `route` changes data and `request` is a POST; otherwise there is none and
  // check() and remember() do nothing.
  IdempotentRequest(const Route& route, const HttpRequest& request);

  // What the key says before the handler runs.
  struct Early {
    HttpResponse response;
    bool replay = false;  // the stored answer (change nothing, audit nothing); else a problem
  };
  // In the request's transaction. nullopt: run the handler. Else the answer: the replayed one, or
  // the problem 400 malformed_request (a key over store::kIdempotencyKeyLengthMax characters),
  // 422 idempotency_key_reused (the key was used for a different request), or the store's error.
  std::optional<Early> check(store::Transaction& tx, const store::TenantScope& scope);

  // After the handler succeeded, before the commit: stores `answer` under the key when it is
  // worth replaying. nullopt when stored or not kept; else the problem for the store's error.
  std::optional<HttpResponse> remember(store::Transaction& tx, const store::TenantScope& scope,
                                       const HttpResponse& answer);

 private:
  const HttpRequest& request_;
  std::string_view key_;
  std::string hash_;  // of the request, computed by check()
};

}  // namespace narralytica::api
