// Sessions: login (e-mail, password and optionally the tenant in, a 12-hour token bound to one
// tenant out), the signed-in user's tenants, and switching the session to another of them. What
// the web UI's sign-in and tenant switch use; the rules are app::SessionService's.
#include "api/detail/io.hpp"
#include "api/detail/route.hpp"
#include "api/detail/state.hpp"
#include "api/detail/views.hpp"
#include "app/session_service.hpp"
#include "core/json_writer.hpp"
#include "core/secrets.hpp"

namespace narralytica::api {
namespace auth_routes_impl {
namespace {

store::RequestContext context_of(const HttpRequest& request) {
  return store::RequestContext{request.client_address, std::string(request.header("user-agent").substr(0, 200)),
                               request.request_id};
}

HttpResponse session_response(const app::SessionToken& token) {
  HttpResponse response = json_response(201, JsonObject()
                                                 .add("token", token.secret)
                                                 .add("token_type", "Bearer")
                                                 .add("expires_at", rfc3339(token.expires_at))
                                                 .add_raw("tenant", tenant_json(token.tenant))
                                                 .str());
  response.with_header("Cache-Control", "no-store");
  return response;
}

std::string tenants_json(const std::vector<store::UserTenant>& tenants, std::optional<std::int64_t> current) {
  JsonArray items;
  for (const auto& t : tenants) {
    JsonArray roles;
    for (const auto& role : t.roles) {
      std::string quoted;
      append_json_string(quoted, role);
      roles.add_raw(quoted);
    }
    items.add_raw(JsonObject()
                      .add("id", t.tenant.public_id.to_string())
                      .add("slug", t.tenant.slug)
                      .add("name", t.tenant.name)
                      .add_raw("roles", roles.str())
                      .add("current", current == t.tenant.id)
                      .str());
  }
  return items.str();
}

Result<HttpResponse> login(Call& call) {
  const std::string email = call.body.at("email").get<std::string>();
  const std::string password = call.body.at("password").get<std::string>();
  std::optional<std::string> tenant;
  if (call.body.contains("tenant") && !call.body.at("tenant").is_null()) tenant = call.body.at("tenant").get<std::string>();
  ApiState& state = call.state;
  std::string normalized = email;
  for (char& c : normalized) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!state.login_throttle.allowed(normalized, state.clock().now_us())) {
    return make_error(ErrorCode::resource_exhausted, "too many failed logins for this e-mail; wait five minutes",
                      "email");
  }
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(state.database, store::TxMode::write, state.store_context));
  auto answer = app::SessionService::login(tx, email, password, tenant, context_of(call.request));
  if (!answer.ok()) {
    if (answer.error().code == ErrorCode::unauthenticated) state.login_throttle.failed(normalized, state.clock().now_us());
    return std::move(answer).error();
  }
  if (!answer->token) {
    // Several tenants and none named: nothing was written; the client asks again with one.
    RETURN_IF_ERROR(tx.rollback());
    state.login_throttle.succeeded(normalized);
    HttpResponse response = json_response(
        200, JsonObject().add_raw("tenants", tenants_json(answer->tenants, std::nullopt)).str());
    response.with_header("Cache-Control", "no-store");
    return response;
  }
  RETURN_IF_ERROR(tx.commit());
  state.login_throttle.succeeded(normalized);
  return session_response(*answer->token);
}

Result<HttpResponse> my_tenants(Call& call) {
  ASSIGN_OR_RETURN(auto tenants,
                   app::SessionService::tenants(*call.tx, *call.scope, *call.principal, context_of(call.request)));
  HttpResponse response =
      json_response(200, page_json(tenants_json(tenants, call.scope->tenant_id()), std::nullopt));
  response.with_header("Cache-Control", "no-store");
  return response;
}

Result<HttpResponse> switch_tenant(Call& call) {
  ASSIGN_OR_RETURN(auto token, app::SessionService::switch_tenant(*call.tx, *call.scope, *call.principal,
                                                                  call.caller_email,
                                                                  call.body.at("tenant").get<std::string>(),
                                                                  context_of(call.request)));
  return session_response(token);
}

constexpr Field kLoginFields[] = {
    {.name = "email", .required = true, .length_max = 320},
    {.name = "password", .required = true, .length_max = kPasswordLengthMax},
    {.name = "tenant", .nullable = true, .length_max = 100,
     .description = "The tenant's slug or id; without it, the user's only tenant, or the list to choose from"},
};

constexpr Field kSwitchFields[] = {
    {.name = "tenant", .required = true, .length_max = 100, .description = "The tenant's slug or id"},
};

constexpr Answer kLoginAlso[] = {{200, "TenantChoice"}};  // no tenant named and several to choose from: the list

constexpr Route kRoutes[] = {
    {.method = "POST", .pattern = "/v1/auth/login", .operation_id = "auth.login", .returns = "Session",
     .summary = "Exchange e-mail, password and tenant for a 12-hour API token (without a tenant: 200 with "
                "`tenants` when the user has several)",
     .access = Access::open, .body = BodyKind::json, .fields = kLoginFields, .handler = login, .status = 201,
     .also = kLoginAlso},
    {.method = "POST", .pattern = "/v1/auth/switch", .operation_id = "auth.switch", .returns = "Session",
     .summary = "Move a login session to another of the user's tenants: a new token there, the old one revoked",
     .permission = app::kSignIn, .body = BodyKind::json, .fields = kSwitchFields, .handler = switch_tenant,
     .resource_type = "api_token", .status = 201},
    {.method = "GET", .pattern = "/v1/me/tenants", .operation_id = "me.tenants", .returns = "UserTenantPage",
     .summary = "The tenants the token's user may sign in to (`current`: the token's)",
     .permission = app::kSignIn, .handler = my_tenants},
};

}  // namespace
}  // namespace auth_routes_impl

std::span<const Route> auth_routes() { return auth_routes_impl::kRoutes; }

}  // namespace narralytica::api
