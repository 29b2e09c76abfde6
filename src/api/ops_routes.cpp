// Operability routes: liveness, readiness, Prometheus metrics and the OpenAPI document.
#include "api/detail/io.hpp"
#include "core/json_writer.hpp"
#include "api/detail/route.hpp"
#include "api/detail/state.hpp"
#include "api/openapi.hpp"

namespace narralytica::api {
namespace ops_routes_impl {
namespace {

Result<HttpResponse> healthz(Call&) { return json_response(200, R"({"status":"ok"})"); }

Result<HttpResponse> readyz(Call& call) {
  auto ready = call.state.readiness.check(call.state.database, call.state.clock());
  if (!ready.ok()) {
    if (ready.error().code == ErrorCode::unavailable) return std::move(ready).error();
    return make_error(ErrorCode::unavailable, ready.error().message, ready.error().field);
  }
  return json_response(200, R"({"status":"ready"})");
}

Result<HttpResponse> metrics(Call& call) {
  HttpResponse response = json_response(200, call.state.metrics.render(call.state.database));
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return response;
}

Result<HttpResponse> openapi(Call&) { return json_response(200, std::string(openapi_document())); }

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/healthz", .operation_id = "health.live", .returns = "Health", .summary = "The process is up",
     .access = Access::open, .handler = healthz},
    {.method = "GET", .pattern = "/readyz", .operation_id = "health.ready", .returns = "Health",
     .summary = "The database is reachable and its migrations are current", .access = Access::open,
     .handler = readyz},
    {.method = "GET", .pattern = "/metrics", .operation_id = "metrics",
     .summary = "Prometheus metrics: requests by route and status, latency, database pool, in flight",
     .access = Access::open, .handler = metrics, .produces = "text/plain"},
    {.method = "GET", .pattern = "/v1/openapi.json", .operation_id = "openapi", .returns = "OpenApiDocument",
     .summary = "This API's OpenAPI 3.1 document", .access = Access::open, .handler = openapi},
};

}  // namespace
}  // namespace ops_routes_impl

std::span<const Route> ops_routes() { return ops_routes_impl::kRoutes; }

}  // namespace narralytica::api
