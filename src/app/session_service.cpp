#include "app/session_service.hpp"

#include <algorithm>

#include "store/identity/token_repository.hpp"
#include "store/identity/user_repository.hpp"

namespace narralytica::app {
namespace {

Error refused() { return make_error(ErrorCode::unauthenticated, std::string(kLoginRefused)); }

// The user acting for themselves in any tenant where they are a member (not bound to a token's).
store::Principal person(const store::User& user) {
  return store::Principal{store::Principal::Kind::user, store::Actor{user.id, std::nullopt, "user:" + user.email},
                          std::nullopt};
}

// The user's active memberships whose roles allow signing in.
Result<std::vector<store::UserTenant>> usable_tenants(store::Transaction& tx, const store::Principal& who,
                                                      const store::RequestContext& context) {
  const auto system = store::SystemScope::because(who.actor, context);
  ASSIGN_OR_RETURN(auto all, store::MembershipRepository::tenants_of(tx, system, *who.actor.user_id));
  std::vector<store::UserTenant> usable;
  for (auto& t : all) {
    auto scope = store::Authorizer::authorize(tx, who, t.tenant, kSignIn, context);
    if (scope.ok()) {
      usable.push_back(std::move(t));
    } else if (scope.error().code != ErrorCode::permission_denied && scope.error().code != ErrorCode::not_found) {
      return std::move(scope).error();
    }
  }
  return usable;
}

Result<SessionToken> make_session(store::Transaction& tx, const store::User& user, const store::Tenant& tenant,
                                  UnixMicros expires_at, const store::RequestContext& context) {
  ASSIGN_OR_RETURN(auto scope, store::Authorizer::authorize(tx, person(user), tenant, kSignIn, context));
  ASSIGN_OR_RETURN(auto created, store::TokenRepository::create(tx, scope, user, kSessionTokenName, expires_at));
  return SessionToken{std::move(created.secret), tenant, expires_at};
}

}  // namespace

Result<LoginAnswer> SessionService::login(store::Transaction& tx, std::string_view email, std::string_view password,
                                          const std::optional<std::string>& tenant,
                                          const store::RequestContext& context) {
  auto user = store::UserRepository::verify_login(tx, email, password);
  if (!user.ok()) {
    const ErrorCode code = user.error().code;
    if (code == ErrorCode::unauthenticated || code == ErrorCode::invalid_argument || code == ErrorCode::not_found) {
      return refused();
    }
    return std::move(user).error();
  }
  const UnixMicros expires_at = tx.now_us() + kSessionLifetimeUs;
  if (tenant) {
    auto found = store::TenantRepository::find(tx, *tenant);
    if (!found.ok()) return found.error().code == ErrorCode::not_found ? refused() : std::move(found).error();
    auto token = make_session(tx, *user, *found, expires_at, context);
    if (!token.ok()) {
      const ErrorCode code = token.error().code;
      if (code == ErrorCode::not_found || code == ErrorCode::permission_denied) return refused();
      return std::move(token).error();
    }
    return LoginAnswer{std::move(token).value(), {}};
  }
  ASSIGN_OR_RETURN(auto usable, usable_tenants(tx, person(*user), context));
  if (usable.empty()) return refused();
  if (usable.size() > 1) return LoginAnswer{std::nullopt, std::move(usable)};
  ASSIGN_OR_RETURN(auto token, make_session(tx, *user, usable.front().tenant, expires_at, context));
  return LoginAnswer{std::move(token), {}};
}

Result<std::vector<store::UserTenant>> SessionService::tenants(store::Transaction& tx, const store::TenantScope& scope,
                                                               const store::Principal& caller,
                                                               const store::RequestContext& context) {
  if (!caller.actor.user_id) return make_error(ErrorCode::permission_denied, "only a user's token has tenants");
  store::Principal who = caller;
  who.bound_tenant_id.reset();  // to ask about the user's other tenants; nothing is done in them
  ASSIGN_OR_RETURN(auto usable, usable_tenants(tx, who, context));
  RETURN_IF_ERROR(tx.enter(scope));
  return usable;
}

Result<SessionToken> SessionService::switch_tenant(store::Transaction& tx, const store::TenantScope& scope,
                                                   const store::Principal& caller, std::string_view caller_email,
                                                   std::string_view tenant_ref, const store::RequestContext& context) {
  if (!caller.actor.user_id || !caller.actor.token_id) {
    return make_error(ErrorCode::permission_denied, "only a signed-in user's token can switch tenants");
  }
  ASSIGN_OR_RETURN(auto current, store::TokenRepository::session(tx, scope, *caller.actor.token_id));
  if (current.name != kSessionTokenName) {
    return make_error(ErrorCode::permission_denied,
                      "only a session token (from POST /v1/auth/login) can switch tenants; this token stays in its "
                      "tenant",
                      "Authorization");
  }
  ASSIGN_OR_RETURN(auto user, store::UserRepository::find(tx, caller_email));
  auto target = store::TenantRepository::find(tx, tenant_ref);
  if (!target.ok()) {
    if (target.error().code == ErrorCode::not_found) return make_error(ErrorCode::not_found, "no such tenant", "tenant");
    return std::move(target).error();
  }
  if (target->id == scope.tenant_id()) {
    return make_error(ErrorCode::invalid_argument, "this session is already in tenant " + target->slug, "tenant");
  }
  // The new token ends when the old one would have: switching does not lengthen a session.
  const UnixMicros expires_at = std::min(current.expires_at.value_or(INT64_MAX), tx.now_us() + kSessionLifetimeUs);
  auto token = make_session(tx, user, *target, expires_at, context);
  if (!token.ok()) {
    const ErrorCode code = token.error().code;
    if (code == ErrorCode::not_found || code == ErrorCode::permission_denied) {
      return make_error(ErrorCode::not_found, "no such tenant", "tenant");
    }
    return std::move(token).error();
  }
  RETURN_IF_ERROR(store::TokenRepository::revoke(tx, scope, current.public_id));
  return token;
}

}  // namespace narralytica::app
