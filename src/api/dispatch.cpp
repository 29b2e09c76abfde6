#include "api/detail/dispatch.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "api/detail/body_schema.hpp"
#include "api/detail/idempotency.hpp"
#include "api/detail/io.hpp"
#include "api/detail/rate_limit.hpp"
#include "api/detail/route.hpp"
#include "api/detail/web_ui.hpp"
#include "api/problem.hpp"
#include "app/rate_limits.hpp"
#include "core/json_writer.hpp"
#include "store/identity/token_repository.hpp"

namespace narralytica::api {
namespace {

using store::Transaction;
using store::TxMode;

std::string_view bearer_secret(const HttpRequest& request) {
  std::string_view value = request.header("authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return {};
    }
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return value;
}

store::RequestContext request_context(const HttpRequest& request) {
  return store::RequestContext{request.client_address, std::string(request.header("user-agent").substr(0, 200)),
                               request.request_id};
}

const store::Actor kAuthenticator{std::nullopt, std::nullopt, "api:authenticator"};

// Read routes whose answer is a function of the path, the query and the tenant's data alone,
// answered from ApiState::responses while the tenant's event head is unchanged. A route belongs
// here only when every change that alters its answer records an event in the tenant (the segment
// page: transcript deletion, speaker merges); a route over jobs (no events) or audit records
// (written without events) must not. A request with `unless` in its query is not cached: its
// answer depends on more than the route's permission (?layers= needs read access to layers too).
struct CachedRead {
  std::string_view operation;
  std::string_view unless;
};
constexpr CachedRead kCachedReads[] = {{"segment.list", "layers"}};

bool cached(const Route& route, const HttpRequest& request) {
  if (route.mutating()) return false;
  for (const CachedRead& read : kCachedReads) {
    if (route.operation_id == read.operation) return !request.query_param(read.unless);
  }
  return false;
}

// Appends an audit record for a change that was refused or failed, in its own transaction: the
// request's transaction has been rolled back and must not carry it.
void audit_outcome(ApiState& state, const Route& route, const Call& call, const store::Principal& principal,
                   std::int64_t tenant_id, store::AuditOutcome outcome, const HttpResponse& answer) {
  auto tx = Transaction::begin(state.database, TxMode::write, state.store_context);
  if (!tx.ok()) return;
  const auto context = request_context(call.request);
  if (!tx->enter(store::SystemScope::because(principal.actor, context)).ok()) return;
  std::optional<Uuid> resource;
  if (auto id = Uuid::parse(call.param("id"))) resource = *id;
  tx->record_audit(store::AuditRecord{tenant_id, principal.actor, std::string(route.operation_id),
                                      std::string(route.resource_type), resource, outcome, context,
                                      JsonObject().add("status", answer.status).add("path", call.request.path).str()});
  if (auto committed = tx->commit(); !committed.ok()) {
    std::fprintf(stderr, "narralytica: audit of a %s request failed: %s\n", store::to_string(outcome),
                 committed.error().describe().c_str());
  }
}

struct Authenticated {
  store::Principal principal;
  store::TokenAccess access;
};

// Resolves the bearer secret inside `tx`, with what authorizing `permission` needs, in one
// statement. Authentication may refresh the token's last-use time (a write, once a minute); on
// SQLite a read transaction can lose the race to upgrade, so that one case is retried in a write
// transaction of its own and the read transaction begun anew.
Result<Authenticated> authenticate(ApiState& state, std::string_view secret, store::Permission permission,
                                   std::optional<Transaction>& tx, TxMode mode) {
  const auto system = store::SystemScope::because(kAuthenticator);
  auto access = store::TokenRepository::authenticate_for(*tx, system, secret, permission);
  if (!access.ok() && access.error().code != ErrorCode::unauthenticated && mode == TxMode::read) {
    tx.reset();
    ASSIGN_OR_RETURN(auto writer, Transaction::begin(state.database, TxMode::write, state.store_context));
    access = store::TokenRepository::authenticate_for(writer, system, secret, permission);
    if (access.ok()) RETURN_IF_ERROR(writer.commit());
    ASSIGN_OR_RETURN(auto reader, Transaction::begin(state.database, mode, state.store_context));
    tx.emplace(std::move(reader));
  }
  if (!access.ok()) return std::move(access).error();
  const store::TokenIdentity& identity = access->identity;
  store::Principal principal{store::Principal::Kind::user,
                             store::Actor{identity.user_id, identity.token_id, "token:" + identity.prefix},
                             identity.tenant_id};
  return Authenticated{std::move(principal), std::move(access).value()};
}

// A tenant route's request; `limit` is the rate limit decision taken for it, if any.
HttpResponse run_authorized(ApiState& state, const Route& route, Call& call, std::optional<RateDecision>& limit) {
  const HttpRequest& request = call.request;
  const std::string_view secret = bearer_secret(request);
  if (secret.empty()) {
    return problem(401, "unauthenticated", "send an API token as `Authorization: Bearer <token>`", "Authorization",
                   request);
  }
  // A token seen before is charged here, so a flood it sends is refused without database work.
  const bool limited = state.options.rate_limits;
  const std::uint64_t token_key = limited ? rate_limit_key(secret) : 0;
  if (limited) {
    limit = state.rate_limiter.charge_known(token_key);
    if (limit && !limit->allowed) return rate_limited(*limit, request);
  }
  const TxMode mode = route.mutating() ? TxMode::write : TxMode::read;
  // On SQLite a write waits here for the database's one writer (its write batch, or its write
  // turn without group commit), in the store: see Transaction::begin.
  std::optional<Transaction> tx;
  {
    auto begun = Transaction::begin(state.database, mode, state.store_context);
    if (!begun.ok()) return problem(begun.error(), request);
    tx.emplace(std::move(begun).value());
  }
  auto who = authenticate(state, secret, route.permission, tx, mode);
  if (!who.ok()) {
    if (who.error().code == ErrorCode::unauthenticated) {
      return problem(401, "unauthenticated", who.error().message, "Authorization", request);
    }
    return problem(who.error(), request);
  }
  // The server sends the answer once what it rests on is durable, without holding this thread.
  tx->defer_durability();
  const store::Principal& principal = who->principal;
  const std::int64_t tenant_id = who->access.tenant.id;
  call.principal = &principal;
  call.caller_email = who->access.identity.email;
  auto scope = store::Authorizer::authorize(*tx, principal, who->access, request_context(request));
  if (!scope.ok()) {
    tx.reset();
    HttpResponse answer = problem(scope.error(), request);
    if (route.mutating() && scope.error().code == ErrorCode::permission_denied) {
      audit_outcome(state, route, call, principal, tenant_id, store::AuditOutcome::denied, answer);
    }
    return answer;
  }
  call.tx = &*tx;
  call.scope = &*scope;
  if (limited && !limit) {
    // A token not seen yet, or its tenant's limits are due to be read again.
    if (!state.rate_limiter.rates_current(tenant_id)) {
      auto rates = app::load_rate_limits(*tx, *scope);
      if (!rates.ok()) return problem(rates.error(), request);
      state.rate_limiter.set_rates(tenant_id, *rates);
    }
    limit = state.rate_limiter.charge(token_key, tenant_id, app::kRateLimitsDefault);
    if (!limit->allowed) return rate_limited(*limit, request);
  }

  std::string cache_key;
  if (cached(route, request)) {
    cache_key = request.path;
    cache_key += '?';
    cache_key += request.query;
    const std::int64_t head = who->access.tenant_event_head;
    if (auto hit = state.responses.find(tenant_id, cache_key, head, state.clock().now_us())) {
      // Only authentication ran. Its write, if any, is committed; else the transaction is rolled
      // back, which on PostgreSQL is one round trip where a commit is two (the outbox's check).
      const Status ended = who->access.identity.last_use_written ? tx->commit() : tx->rollback();
      if (!ended.ok()) return problem(ended.error(), request);
      return std::move(*hit);
    }
  }

  auto fail = [&](HttpResponse answer) {
    tx.reset();
    if (route.mutating()) audit_outcome(state, route, call, principal, tenant_id, store::AuditOutcome::failed, answer);
    return answer;
  };
  if (auto refused = read_body(route, call)) return fail(std::move(*refused));

  IdempotentRequest idempotent(route, request);
  if (auto early = idempotent.check(*tx, *scope)) {
    // A replay is read only: the transaction rolls back as it goes out of scope.
    if (early->replay) return std::move(early->response);
    return fail(std::move(early->response));
  }

  auto answer = route.handler(call);
  if (!answer.ok()) {
    if (answer.error().code == ErrorCode::internal) {
      std::fprintf(stderr, "narralytica: request %s: %s\n", request.request_id.c_str(), answer.error().describe().c_str());
    }
    return fail(problem(answer.error(), request));
  }
  if (auto refused = idempotent.remember(*tx, *scope, *answer)) return fail(std::move(*refused));
  if (auto committed = tx->commit(); !committed.ok()) return fail(problem(committed.error(), request));
  if (!cache_key.empty() && answer->status == 200) {
    answer->shared_body = std::make_shared<const std::string>(std::move(answer->body));
    answer->body.clear();
    state.responses.store(tenant_id, cache_key, who->access.tenant_event_head, state.clock().now_us(), *answer);
  }
  return std::move(answer).value();
}

HttpResponse run_tenant_route(ApiState& state, const Route& route, Call& call) {
  std::optional<RateDecision> limit;
  HttpResponse answer = run_authorized(state, route, call, limit);
  if (limit && answer.status != 429) add_rate_limit_headers(answer, *limit);
  return answer;
}

}  // namespace

Dispatched dispatch(ApiState& state, const HttpRequest& request) {
  Dispatched out;
  RouteMatch match = match_route(request.method, request.path);
  if (!match.route) {
    if (auto page = web_ui_answer(request)) {
      out.response = std::move(*page);
      return out;
    }
    if (match.path_exists) {
      out.response = problem(405, "method_not_allowed", "this path does not accept " + request.method, "", request);
    } else {
      out.response = problem(404, "not_found", "no such route", "", request);
    }
    return out;
  }
  const Route& route = *match.route;
  out.route = static_cast<int>(&route - all_routes().data());
  Call call(request, std::move(match.params), state);
  if (route.access == Access::open) {
    if (auto refused = read_body(route, call)) {
      out.response = std::move(*refused);
      return out;
    }
    auto answer = route.handler(call);
    out.response = answer.ok() ? std::move(answer).value() : problem(answer.error(), request);
    return out;
  }
  out.response = run_tenant_route(state, route, call);
  out.await_durability = true;
  return out;
}

}  // namespace narralytica::api
