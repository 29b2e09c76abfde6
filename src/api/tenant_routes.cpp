// The caller's tenant: its record and configuration, members, roles, API tokens and audit log.
// The tenant is always the token's own; no route takes a tenant id, so none can name another.
#include "api/detail/io.hpp"
#include "core/json_writer.hpp"
#include "api/detail/route.hpp"
#include "api/detail/views.hpp"
#include "api/detail/state.hpp"
#include "app/audit_service.hpp"
#include "app/rate_limits.hpp"
#include "store/identity/membership_repository.hpp"
#include "store/identity/role_repository.hpp"
#include "store/identity/token_repository.hpp"
#include "store/ops/audit_log.hpp"

namespace narralytica::api {
namespace {

constexpr std::size_t kConfigKeyLengthMax = 100;
constexpr std::size_t kConfigValueBytesMax = 64 * 1024;
constexpr int kAuditPageMax = 1000;
constexpr int kTokenPageMax = 1000;
constexpr std::size_t kRolePermissionsMax = 100;
// A token made through the API expires within a year unless told otherwise; a forgotten token
// should not work forever.
constexpr std::int64_t kTokenLifetimeMaxS = store::kTokenLifetimeUsMax / 1'000'000;

Result<HttpResponse> get_tenant(Call& call) {
  ASSIGN_OR_RETURN(auto tenant, store::TenantRepository::find_by_id(*call.tx, call.scope->tenant_id()));
  return json_response(200, tenant_json(tenant));
}

Result<std::string> config_key(const Call& call) {
  const std::string_view key = call.param("key");
  if (key.empty() || key.size() > kConfigKeyLengthMax ||
      key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string_view::npos) {
    return make_error(ErrorCode::invalid_argument, "a config key is 1 to 100 of a-z, 0-9, '_', '.', '-'", "key");
  }
  return std::string(key);
}

Result<HttpResponse> get_config(Call& call) {
  ASSIGN_OR_RETURN(std::string key, config_key(call));
  ASSIGN_OR_RETURN(auto value, store::TenantRepository::get_config(*call.tx, *call.scope, key));
  if (!value) return make_error(ErrorCode::not_found, "no config value " + key, "key");
  return json_response(200, JsonObject().add("key", key).add_raw("value", *value).str());
}

Result<HttpResponse> put_config(Call& call) {
  ASSIGN_OR_RETURN(std::string key, config_key(call));
  const std::string value = call.body.at("value").dump();
  if (value.size() > kConfigValueBytesMax) {
    return make_error(ErrorCode::invalid_argument, "a config value is at most 64 KiB of JSON", "value");
  }
  if (key == app::kRateLimitsConfigKey) RETURN_IF_ERROR(app::parse_rate_limits(value));
  RETURN_IF_ERROR(store::TenantRepository::set_config(*call.tx, *call.scope, key, value));
  // This process reads the new limits at the tenant's next request (others within
  // RateLimiter::kRatesRefreshUs). Expiring before the commit is harmless: a request that reads
  // the old value meanwhile keeps it only until the next refresh.
  if (key == app::kRateLimitsConfigKey) call.state.rate_limiter.expire_rates(call.scope->tenant_id());
  return json_response(200, JsonObject().add("key", key).add_raw("value", value).str());
}

Result<HttpResponse> list_members(Call& call) {
  ASSIGN_OR_RETURN(auto members, store::MembershipRepository::list(*call.tx, *call.scope));
  JsonArray items;
  for (const auto& m : members) items.add_raw(membership_json(m));
  return json_response(200, page_json(items.str(), std::nullopt));
}

Result<HttpResponse> add_member(Call& call) {
  auto user = store::UserRepository::find(*call.tx, call.body.at("email").get<std::string>());
  if (!user.ok()) {
    if (user.error().code == ErrorCode::not_found) {
      return make_error(ErrorCode::invalid_argument, "no user with this e-mail: an operator creates users", "email");
    }
    return std::move(user).error();
  }
  ASSIGN_OR_RETURN(auto member, store::MembershipRepository::add(*call.tx, *call.scope, *user,
                                                                 call.body.at("role").get<std::string>()));
  return json_response(201, membership_json(member));
}

Result<HttpResponse> update_member(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "membership"));
  std::optional<std::string> role;
  std::optional<std::string> status;
  if (call.body.contains("role")) role = call.body.at("role").get<std::string>();
  if (call.body.contains("status")) status = call.body.at("status").get<std::string>();
  if (!role && !status) return make_error(ErrorCode::invalid_argument, "give a role, a status or both", "role");
  ASSIGN_OR_RETURN(auto member, store::MembershipRepository::update(*call.tx, *call.scope, id, role, status));
  return json_response(200, membership_json(member));
}

Result<HttpResponse> remove_member(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "membership"));
  RETURN_IF_ERROR(store::MembershipRepository::remove(*call.tx, *call.scope, id));
  return json_response(204, "");
}

Result<HttpResponse> list_roles(Call& call) {
  ASSIGN_OR_RETURN(auto roles, store::RoleRepository::list(*call.tx, *call.scope));
  JsonArray items;
  for (const auto& r : roles) items.add_raw(role_json(r));
  return json_response(200, page_json(items.str(), std::nullopt));
}

// {"name": …, "description": …, "permissions": ["read:videos", …]}: a role made of catalog
// permissions, named "action:resource" as GET /v1/roles and the docs show them.
Result<HttpResponse> create_role(Call& call) {
  const auto& given = call.body.at("permissions");
  if (!given.is_array() || given.empty() || given.size() > kRolePermissionsMax) {
    return make_error(ErrorCode::invalid_argument,
                      "permissions is a list of 1 to 100 \"action:resource\" names, e.g. \"read:videos\"", "permissions");
  }
  // The permissions' names stay in the request body, which outlives the role's creation.
  std::vector<store::Permission> permissions;
  for (std::size_t i = 0; i < given.size(); ++i) {
    const std::string field = "permissions[" + std::to_string(i) + "]";
    if (!given[i].is_string()) return make_error(ErrorCode::invalid_argument, "expected a string", field);
    const std::string_view name = given[i].get_ref<const std::string&>();
    const auto colon = name.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == name.size()) {
      return make_error(ErrorCode::invalid_argument, "a permission is named \"action:resource\", e.g. \"read:videos\"",
                        field);
    }
    permissions.push_back(store::Permission{name.substr(0, colon), name.substr(colon + 1)});
  }
  ASSIGN_OR_RETURN(auto role, store::RoleRepository::create(*call.tx, *call.scope, call.body.at("name").get<std::string>(),
                                                            call.body.value("description", std::string()), permissions));
  return json_response(201, role_json(role));
}

// The newest rows, at most ?limit= (100 unless given), as one page without a cursor.
template <class Fetch, class ToJson>
Result<HttpResponse> newest_page(Call& call, int limit_max, Fetch fetch, ToJson to_json) {
  ASSIGN_OR_RETURN(auto limit, query_int(call.request, "limit", 1, limit_max));
  ASSIGN_OR_RETURN(auto rows, fetch(static_cast<int>(limit.value_or(100))));
  JsonArray items;
  for (const auto& row : rows) items.add_raw(to_json(row));
  return json_response(200, page_json(items.str(), std::nullopt));
}

Result<HttpResponse> list_tokens(Call& call) {
  return newest_page(
      call, kTokenPageMax, [&](int limit) { return store::TokenRepository::list(*call.tx, *call.scope, limit); },
      token_json);
}

Result<HttpResponse> create_token(Call& call) {
  // A token is made for the caller: giving others credentials goes through the operator's CLI.
  ASSIGN_OR_RETURN(auto user, store::UserRepository::find(*call.tx, call.caller_email));
  const std::int64_t lifetime_s = call.body.value("expires_in_s", kTokenLifetimeMaxS);
  if (lifetime_s < 60 || lifetime_s > kTokenLifetimeMaxS) {
    return make_error(ErrorCode::invalid_argument, "a token lives from 60 seconds to a year", "expires_in_s");
  }
  const UnixMicros expires_at = call.tx->now_us() + lifetime_s * 1'000'000;
  ASSIGN_OR_RETURN(auto created, store::TokenRepository::create(*call.tx, *call.scope, user,
                                                                call.body.at("name").get<std::string>(), expires_at));
  HttpResponse response =
      json_response(201, JsonObject().add_raw("token", token_json(created.token)).add("secret", created.secret).str());
  response.with_header("Cache-Control", "no-store");
  return response;
}

Result<HttpResponse> revoke_token(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "token"));
  RETURN_IF_ERROR(store::TokenRepository::revoke(*call.tx, *call.scope, id));
  return json_response(204, "");
}

Result<HttpResponse> verify_audit(Call& call) {
  ASSIGN_OR_RETURN(auto verification, app::AuditService::verify(*call.tx, *call.scope));
  return json_response(200, app::AuditService::verification_json(verification));
}

Result<HttpResponse> list_audit(Call& call) {
  return newest_page(
      call, kAuditPageMax, [&](int limit) { return store::AuditLog::recent(*call.tx, *call.scope, limit); },
      audit_json);
}

constexpr Field kConfigFields[] = {
    {.name = "value", .type = FieldType::any, .required = true, .description = "Any JSON value"},
};
constexpr Field kMemberFields[] = {
    {.name = "email", .required = true, .length_max = 320},
    {.name = "role", .required = true, .length_max = 100},
};
constexpr Field kMemberChangeFields[] = {
    {.name = "role", .length_max = 100, .description = "Another role of the tenant"},
    {.name = "status", .length_max = 20, .description = "active or suspended"},
};
constexpr Field kRoleFields[] = {
    {.name = "name", .required = true, .length_max = 100},
    {.name = "description", .length_max = 1000},
    {.name = "permissions", .type = FieldType::any, .required = true,
     .description = "The role's permissions as \"action:resource\" names, e.g. [\"read:videos\", \"write:layers\"]"},
};
constexpr Field kTokenFields[] = {
    {.name = "name", .required = true, .length_max = 100},
    {.name = "expires_in_s", .type = FieldType::integer, .description = "Lifetime in seconds (at most a year)"},
};
constexpr std::string_view kAuditQuery[] = {"limit"};
constexpr std::string_view kTokenQuery[] = {"limit"};

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/tenant", .operation_id = "tenant.get", .summary = "The caller's tenant",
     .permission = {"read", "tenant"}, .handler = get_tenant},
    {.method = "GET", .pattern = "/v1/tenant/config/{key}", .operation_id = "config.get",
     .summary = "One configuration value", .permission = {"read", "config"}, .handler = get_config},
    {.method = "PUT", .pattern = "/v1/tenant/config/{key}", .operation_id = "config.set",
     .summary = "Set one configuration value", .permission = {"write", "config"}, .body = BodyKind::json,
     .fields = kConfigFields, .handler = put_config, .resource_type = "tenant_config"},
    {.method = "GET", .pattern = "/v1/members", .operation_id = "member.list", .summary = "Members and their roles",
     .permission = {"read", "members"}, .handler = list_members},
    {.method = "POST", .pattern = "/v1/members", .operation_id = "member.add",
     .summary = "Give an existing user a role in the tenant", .permission = {"write", "members"},
     .body = BodyKind::json, .fields = kMemberFields, .handler = add_member, .resource_type = "membership",
     .status = 201},
    {.method = "PATCH", .pattern = "/v1/members/{id}", .operation_id = "member.change",
     .summary = "Change a membership's role or status (a tenant keeps one active owner)",
     .permission = {"write", "members"}, .body = BodyKind::json, .fields = kMemberChangeFields,
     .handler = update_member, .resource_type = "membership"},
    {.method = "DELETE", .pattern = "/v1/members/{id}", .operation_id = "member.remove",
     .summary = "End a membership (a tenant keeps one active owner)", .permission = {"delete", "members"},
     .handler = remove_member, .resource_type = "membership", .status = 204},
    {.method = "GET", .pattern = "/v1/roles", .operation_id = "role.list", .summary = "The tenant's roles",
     .permission = {"read", "roles"}, .handler = list_roles},
    {.method = "POST", .pattern = "/v1/roles", .operation_id = "role.create",
     .summary = "A custom role made of catalog permissions", .permission = {"write", "roles"},
     .body = BodyKind::json, .fields = kRoleFields, .handler = create_role, .resource_type = "role", .status = 201},
    {.method = "GET", .pattern = "/v1/tokens", .operation_id = "token.list",
     .summary = "The tenant's API tokens, newest first (never their secrets)", .permission = {"read", "tokens"},
     .handler = list_tokens, .query = kTokenQuery},
    {.method = "POST", .pattern = "/v1/tokens", .operation_id = "token.create",
     .summary = "A new API token for the caller; the secret is shown once", .permission = {"write", "tokens"},
     .body = BodyKind::json, .fields = kTokenFields, .handler = create_token, .resource_type = "api_token",
     .status = 201},
    {.method = "DELETE", .pattern = "/v1/tokens/{id}", .operation_id = "token.revoke", .summary = "Revoke a token",
     .permission = {"delete", "tokens"}, .handler = revoke_token, .resource_type = "api_token", .status = 204},
    {.method = "GET", .pattern = "/v1/audit", .operation_id = "audit.list",
     .summary = "The tenant's audit log, newest first (admins and owners)", .permission = {"read", "audit"},
     .handler = list_audit, .query = kAuditQuery},
    {.method = "GET", .pattern = "/v1/audit/verify", .operation_id = "audit.verify",
     .summary = "Walk the tenant's audit hash chain: the first changed, or unlinked (deleted or reordered before it), record",
     .permission = app::kAuditRead, .handler = verify_audit},
};

}  // namespace

std::span<const Route> tenant_routes() { return kRoutes; }

}  // namespace narralytica::api
