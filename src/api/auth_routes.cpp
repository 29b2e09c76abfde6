// Login: e-mail, password and tenant in, a new expiring API token out (what the web UI uses).
#include "api/detail/io.hpp"
#include "api/detail/route.hpp"
#include "api/detail/state.hpp"
#include "api/detail/views.hpp"
#include "core/json_writer.hpp"
#include "core/secrets.hpp"
#include "store/identity/token_repository.hpp"

namespace narralytica::api {
namespace {

// A UI session: long enough for a working day, short enough that a stolen one fades.
constexpr std::int64_t kLoginTokenLifetimeUs = 12LL * 3600 * 1'000'000;

Result<HttpResponse> login(Call& call) {
  const std::string email = call.body.at("email").get<std::string>();
  const std::string password = call.body.at("password").get<std::string>();
  const std::string tenant_name = call.body.at("tenant").get<std::string>();
  ApiState& state = call.state;
  const Error refused = make_error(ErrorCode::unauthenticated, "wrong e-mail, password or tenant");
  std::string normalized = email;
  for (char& c : normalized) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!state.login_throttle.allowed(normalized, state.clock().now_us())) {
    return make_error(ErrorCode::resource_exhausted, "too many failed logins for this e-mail; wait five minutes",
                      "email");
  }
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(state.database, store::TxMode::write, state.store_context));
  auto user = store::UserRepository::verify_login(tx, email, password);
  if (!user.ok()) {
    if (user.error().code != ErrorCode::unauthenticated && user.error().code != ErrorCode::invalid_argument &&
        user.error().code != ErrorCode::not_found) {
      return std::move(user).error();
    }
    state.login_throttle.failed(normalized, state.clock().now_us());
    return refused;
  }
  auto tenant = store::TenantRepository::find(tx, tenant_name);
  if (!tenant.ok()) return tenant.error().code == ErrorCode::not_found ? refused : std::move(tenant).error();
  const store::Principal principal{store::Principal::Kind::user,
                                   store::Actor{user->id, std::nullopt, "user:" + user->email}, std::nullopt};
  const auto& request = call.request;
  auto scope = store::Authorizer::authorize(
      tx, principal, *tenant, {"read", "tenant"},
      store::RequestContext{request.client_address, std::string(request.header("user-agent").substr(0, 200)),
                            request.request_id});
  if (!scope.ok()) return refused;
  const UnixMicros expires_at = tx.now_us() + kLoginTokenLifetimeUs;
  ASSIGN_OR_RETURN(auto created, store::TokenRepository::create(tx, *scope, *user, "login", expires_at));
  RETURN_IF_ERROR(tx.commit());
  state.login_throttle.succeeded(normalized);
  HttpResponse response = json_response(201, JsonObject()
                                                 .add("token", created.secret)
                                                 .add("token_type", "Bearer")
                                                 .add("expires_at", rfc3339(expires_at))
                                                 .add_raw("tenant", tenant_json(*tenant))
                                                 .str());
  response.with_header("Cache-Control", "no-store");
  return response;
}

constexpr Field kLoginFields[] = {
    {.name = "email", .required = true, .length_max = 320},
    {.name = "password", .required = true, .length_max = kPasswordLengthMax},
    {.name = "tenant", .required = true, .length_max = 100, .description = "The tenant's slug or id"},
};

constexpr Route kRoutes[] = {
    {.method = "POST", .pattern = "/v1/auth/login", .operation_id = "auth.login",
     .summary = "Exchange e-mail, password and tenant for a 12-hour API token", .access = Access::open,
     .body = BodyKind::json, .fields = kLoginFields, .handler = login, .status = 201},
};

}  // namespace

std::span<const Route> auth_routes() { return kRoutes; }

}  // namespace narralytica::api
