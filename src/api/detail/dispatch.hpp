// Turns one request into one response: route match, authentication, authorization, body
// validation, idempotent replay, the handler in its transaction, the audit record of a denied or
// failed change, and the problem body for every error. Thread-safe; blocks on the database.
#pragma once

#include "api/detail/state.hpp"
#include "api/http_message.hpp"

namespace narralytica::api {

struct Dispatched {
  HttpResponse response;
  int route = -1;  // index in all_routes(), -1 when nothing matched
  // The answer rests on tenant data read or written with its durability wait deferred: with
  // group commit, send it only once every commit begun so far is durable (store/group_sync.hpp).
  bool await_durability = false;
};

Dispatched dispatch(ApiState& state, const HttpRequest& request);

}  // namespace narralytica::api
