// Who a piece of work acts for, and in which tenant. Repository calls on tenant data take a
// TenantScope, which only the Authorizer (store/identity/authorizer.hpp) creates after checking a
// permission, and the tenant repository when it creates a tenant; cross-tenant work (claiming
// any tenant's jobs, listing tenants, authenticating a token) takes a SystemScope, which is
// created by name at a few deliberate call sites. Neither can be made from a bare id.
// Scopes carry the actor and request context, so every mutation can be audited without asking.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/uuid.hpp"

namespace narralytica::store {

// Who acted: a user through a token or a login, or the local operator (CLI).
struct Actor {
  std::optional<std::int64_t> user_id;
  std::optional<std::int64_t> token_id;
  std::string label;  // "cli:root", "user:ada@example.org", "token:ab12cd34"
};

// Where a request came from; empty for CLI work.
struct RequestContext {
  std::string client_address;
  std::string user_agent;
  std::string request_id;
};

class Authorizer;
class TenantRepository;

class TenantScope {
 public:
  std::int64_t tenant_id() const { return tenant_id_; }
  const Uuid& tenant_public_id() const { return tenant_public_id_; }
  const Actor& actor() const { return actor_; }
  const RequestContext& context() const { return context_; }

 private:
  friend class Authorizer;        // after a permission check
  friend class TenantRepository;  // a tenant's creator acts in the tenant it just created
  TenantScope(std::int64_t tenant_id, Uuid tenant_public_id, Actor actor, RequestContext context)
      : tenant_id_(tenant_id), tenant_public_id_(tenant_public_id), actor_(std::move(actor)),
        context_(std::move(context)) {}

  std::int64_t tenant_id_;
  Uuid tenant_public_id_;
  Actor actor_;
  RequestContext context_;
};

// For work that spans tenants by design. Creating one is a deliberate, greppable act.
class SystemScope {
 public:
  // `actor` is who asked (the CLI operator, a worker, the authenticator).
  static SystemScope because(Actor actor, RequestContext context = {}) {
    return SystemScope(std::move(actor), std::move(context));
  }
  const Actor& actor() const { return actor_; }
  const RequestContext& context() const { return context_; }

  // For a loop that runs the same few statements thousands of times a second (the job queue):
  // on PostgreSQL its transactions plan prepared statements generically instead of letting the
  // server re-plan them at every execution (see Transaction::enter).
  SystemScope with_generic_plans() const {
    SystemScope copy = *this;
    copy.generic_plans_ = true;
    return copy;
  }
  bool generic_plans() const { return generic_plans_; }

 private:
  SystemScope(Actor actor, RequestContext context)
      : actor_(std::move(actor)), context_(std::move(context)) {}
  Actor actor_;
  RequestContext context_;
  bool generic_plans_ = false;
};

}  // namespace narralytica::store
