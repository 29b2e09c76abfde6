// The caller's tenant: its record and configuration, members, roles, API tokens and audit log.
// The tenant is always the token's own; no route takes a tenant id, so none can name another.
#include "api/detail/io.hpp"
#include "core/json_writer.hpp"
#include "api/detail/route.hpp"
#include "api/detail/views.hpp"
#include "api/detail/state.hpp"
#include "app/audit_service.hpp"
#include "app/rate_limits.hpp"
#include "app/tenant_service.hpp"

namespace narralytica::api {
namespace tenant_routes_impl {
namespace {

using app::TenantService;

Result<HttpResponse> get_tenant(Call& call) {
  ASSIGN_OR_RETURN(auto tenant, TenantService::get(*call.tx, *call.scope));
  return json_response(200, tenant_json(tenant));
}

Result<HttpResponse> get_config(Call& call) {
  ASSIGN_OR_RETURN(auto entry, TenantService::config_get(*call.tx, *call.scope, call.param("key")));
  return json_response(200, config_json(entry.key, entry.value_json));
}

Result<HttpResponse> put_config(Call& call) {
  ASSIGN_OR_RETURN(auto entry, TenantService::config_set(*call.tx, *call.scope, call.param("key"),
                                                         call.body.at("value").dump()));
  // This process reads the new limits at the tenant's next request (others within
  // RateLimiter::kRatesRefreshUs). Expiring before the commit is harmless: a request that reads
  // the old value meanwhile keeps it only until the next refresh.
  if (entry.key == app::kRateLimitsConfigKey) call.state.rate_limiter.expire_rates(call.scope->tenant_id());
  return json_response(200, config_json(entry.key, entry.value_json));
}

// Every item of `rows` as JSON, in one page without a cursor.
template <class Rows, class ToJson>
HttpResponse whole_page(const Rows& rows, ToJson to_json) {
  JsonArray items;
  for (const auto& row : rows) items.add_raw(to_json(row));
  return json_response(200, page_json(items.str(), std::nullopt));
}

Result<HttpResponse> list_members(Call& call) {
  ASSIGN_OR_RETURN(auto members, TenantService::members(*call.tx, *call.scope));
  return whole_page(members, membership_json);
}

Result<HttpResponse> add_member(Call& call) {
  ASSIGN_OR_RETURN(auto member, TenantService::add_member(*call.tx, *call.scope, call.body.at("email").get<std::string>(),
                                                          call.body.at("role").get<std::string>()));
  return json_response(201, membership_json(member));
}

Result<HttpResponse> update_member(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "membership"));
  const auto role = optional_string(call.body, "role");
  const auto status = optional_string(call.body, "status");
  ASSIGN_OR_RETURN(auto member, TenantService::update_member(*call.tx, *call.scope, id, role, status));
  return json_response(200, membership_json(member));
}

Result<HttpResponse> remove_member(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "membership"));
  RETURN_IF_ERROR(TenantService::remove_member(*call.tx, *call.scope, id));
  return json_response(204, "");
}

Result<HttpResponse> list_roles(Call& call) {
  ASSIGN_OR_RETURN(auto roles, TenantService::roles(*call.tx, *call.scope));
  return whole_page(roles, role_json);
}

// {"name": …, "description": …, "permissions": ["read:videos", …]}: a role made of catalog
// permissions, named "action:resource" as GET /v1/roles and the docs show them.
Result<HttpResponse> create_role(Call& call) {
  const auto& given = call.body.at("permissions");
  if (!given.is_array()) {  // its length is the service's to check
    return make_error(ErrorCode::invalid_argument,
                      "permissions is a list of 1 to 100 \"action:resource\" names, e.g. \"read:videos\"", "permissions");
  }
  std::vector<std::string> permissions;
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (!given[i].is_string()) {
      return make_error(ErrorCode::invalid_argument, "expected a string", "permissions[" + std::to_string(i) + "]");
    }
    permissions.push_back(given[i].get<std::string>());
  }
  ASSIGN_OR_RETURN(auto role, TenantService::create_role(*call.tx, *call.scope, call.body.at("name").get<std::string>(),
                                                         call.body.value("description", std::string()), permissions));
  return json_response(201, role_json(role));
}

// ?limit= of the newest rows (100 unless given).
Result<int> newest_limit(const Call& call) {
  ASSIGN_OR_RETURN(auto limit, query_int(call.request, "limit", 1, app::kNewestPageMax));
  return static_cast<int>(limit.value_or(app::kNewestPageDefault));
}

Result<HttpResponse> list_tokens(Call& call) {
  ASSIGN_OR_RETURN(int limit, newest_limit(call));
  ASSIGN_OR_RETURN(auto tokens, TenantService::tokens(*call.tx, *call.scope, limit));
  return whole_page(tokens, token_json);
}

Result<HttpResponse> create_token(Call& call) {
  // A token is made for the caller: giving others credentials goes through the operator's CLI.
  ASSIGN_OR_RETURN(auto created,
                   TenantService::create_token(*call.tx, *call.scope, call.caller_email,
                                               call.body.at("name").get<std::string>(),
                                               call.body.value("expires_in_s", app::kTokenLifetimeSMax)));
  HttpResponse response =
      json_response(201, JsonObject().add_raw("token", token_json(created.token)).add("secret", created.secret).str());
  response.with_header("Cache-Control", "no-store");
  return response;
}

Result<HttpResponse> revoke_token(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "token"));
  RETURN_IF_ERROR(TenantService::revoke_token(*call.tx, *call.scope, id));
  return json_response(204, "");
}

Result<HttpResponse> verify_audit(Call& call) {
  ASSIGN_OR_RETURN(auto verification, app::AuditService::verify(*call.tx, *call.scope));
  return json_response(200, app::AuditService::verification_json(verification));
}

Result<HttpResponse> list_audit(Call& call) {
  ASSIGN_OR_RETURN(int limit, newest_limit(call));
  ASSIGN_OR_RETURN(auto entries, TenantService::audit(*call.tx, *call.scope, limit));
  return whole_page(entries, audit_json);
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
    {.method = "GET", .pattern = "/v1/tenant", .operation_id = "tenant.get", .returns = "Tenant", .summary = "The caller's tenant",
     .permission = app::kTenantRead, .handler = get_tenant},
    {.method = "GET", .pattern = "/v1/tenant/config/{key}", .operation_id = "config.get", .returns = "Config",
     .summary = "One configuration value", .permission = app::kConfigRead, .handler = get_config},
    {.method = "PUT", .pattern = "/v1/tenant/config/{key}", .operation_id = "config.set", .returns = "Config",
     .summary = "Set one configuration value", .permission = app::kConfigWrite, .body = BodyKind::json,
     .fields = kConfigFields, .handler = put_config, .resource_type = "tenant_config"},
    {.method = "GET", .pattern = "/v1/members", .operation_id = "member.list", .returns = "MemberPage", .summary = "Members and their roles",
     .permission = app::kMembersRead, .handler = list_members},
    {.method = "POST", .pattern = "/v1/members", .operation_id = "member.add", .returns = "Member",
     .summary = "Give an existing user a role in the tenant", .permission = app::kMembersWrite,
     .body = BodyKind::json, .fields = kMemberFields, .handler = add_member, .resource_type = "membership",
     .status = 201},
    {.method = "PATCH", .pattern = "/v1/members/{id}", .operation_id = "member.change", .returns = "Member",
     .summary = "Change a membership's role or status (a tenant keeps one active owner)",
     .permission = app::kMembersWrite, .body = BodyKind::json, .fields = kMemberChangeFields,
     .handler = update_member, .resource_type = "membership"},
    {.method = "DELETE", .pattern = "/v1/members/{id}", .operation_id = "member.remove",
     .summary = "End a membership (a tenant keeps one active owner)", .permission = app::kMembersDelete,
     .handler = remove_member, .resource_type = "membership", .status = 204},
    {.method = "GET", .pattern = "/v1/roles", .operation_id = "role.list", .returns = "RolePage", .summary = "The tenant's roles",
     .permission = app::kRolesRead, .handler = list_roles},
    {.method = "POST", .pattern = "/v1/roles", .operation_id = "role.create", .returns = "Role",
     .summary = "A custom role made of catalog permissions", .permission = app::kRolesWrite,
     .body = BodyKind::json, .fields = kRoleFields, .handler = create_role, .resource_type = "role", .status = 201},
    {.method = "GET", .pattern = "/v1/tokens", .operation_id = "token.list", .returns = "TokenPage",
     .summary = "The tenant's API tokens, newest first (never their secrets)", .permission = app::kTokensRead,
     .handler = list_tokens, .query = kTokenQuery},
    {.method = "POST", .pattern = "/v1/tokens", .operation_id = "token.create", .returns = "TokenCreated",
     .summary = "A new API token for the caller; the secret is shown once", .permission = app::kTokensWrite,
     .body = BodyKind::json, .fields = kTokenFields, .handler = create_token, .resource_type = "api_token",
     .status = 201},
    {.method = "DELETE", .pattern = "/v1/tokens/{id}", .operation_id = "token.revoke", .summary = "Revoke a token",
     .permission = app::kTokensDelete, .handler = revoke_token, .resource_type = "api_token", .status = 204},
    {.method = "GET", .pattern = "/v1/audit", .operation_id = "audit.list", .returns = "AuditRecordPage",
     .summary = "The tenant's audit log, newest first (admins and owners)", .permission = app::kAuditRead,
     .handler = list_audit, .query = kAuditQuery},
    {.method = "GET", .pattern = "/v1/audit/verify", .operation_id = "audit.verify", .returns = "AuditVerification",
     .summary = "Walk the tenant's audit hash chain: the first changed, or unlinked (deleted or reordered before it), record",
     .permission = app::kAuditRead, .handler = verify_audit},
};

}  // namespace
}  // namespace tenant_routes_impl

std::span<const Route> tenant_routes() { return tenant_routes_impl::kRoutes; }

}  // namespace narralytica::api
