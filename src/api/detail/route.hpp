// The route table: method, path pattern, the permission the caller's role must hold, the request
// body it accepts and the handler. The dispatcher, the OpenAPI document and the metrics all read
// this one table, so a route cannot exist undocumented or be documented without existing.
// Internal to src/api (it exposes nlohmann::json through Call).
#pragma once

#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/detail/schema.hpp"
#include "api/http_message.hpp"
#include "core/result.hpp"
#include "store/identity/authorizer.hpp"

namespace narralytica::api {

struct ApiState;

enum class Access {
  open,    // no credentials (health, metrics, login, the OpenAPI document)
  tenant,  // a bearer token whose role in its tenant holds the route's permission
};

enum class BodyKind {
  none,
  json,    // application/json, validated against Route::fields
  upload,  // any content type; the handler reads the bytes (transcript upload)
};

// What a handler gets: the request, its path parameters, and for tenant routes the open
// transaction with the authorized scope. The dispatcher commits after a successful handler and
// rolls back after a failed one; handlers never commit.
struct Call {
  Call(const HttpRequest& request_in, std::vector<std::pair<std::string_view, std::string_view>> params_in,
       ApiState& state_in)
      : request(request_in), params(std::move(params_in)), state(state_in) {}

  const HttpRequest& request;
  std::vector<std::pair<std::string_view, std::string_view>> params;
  ApiState& state;
  store::Transaction* tx = nullptr;
  const store::TenantScope* scope = nullptr;
  const store::Principal* principal = nullptr;
  std::string caller_email;  // the token's user, for tenant routes
  nlohmann::json body;  // the parsed body of a BodyKind::json route

  std::string_view param(std::string_view name) const {
    for (const auto& [key, value] : params) {
      if (key == name) return value;
    }
    return {};
  }
};

using Handler = Result<HttpResponse> (*)(Call&);

// A status a handler answers besides its route's `status` and the errors every route shares (304
// to If-None-Match, 206 to Range, 308 to a merged person, 200 to a replayed create): documented so
// clients expect it. A 2xx or 3xx answer's body is the component `returns`, or the route's.
struct Answer {
  int status = 0;
  std::string_view returns{};
};

struct Route {
  std::string_view method{};
  std::string_view pattern{};     // "/v1/videos/{id}"
  std::string_view operation_id{};  // also the audit action of a mutating route: "video.update"
  // The success body's schema: a component of detail/schemas.hpp ("Video", "VideoPage"); empty
  // for an answer documented only as a JSON object.
  std::string_view returns{};
  std::string_view summary{};
  Access access = Access::tenant;
  store::Permission permission{};
  BodyKind body = BodyKind::none;
  std::span<const Field> fields{};
  Handler handler = nullptr;
  std::string_view resource_type{};  // audit resource type for mutating routes
  std::span<const std::string_view> query{};  // accepted query parameters (documented)
  int status = 200;                           // the status of a successful answer (documented)
  std::string_view produces = "application/json";
  // Other media types the success answer can have (a transcript exported with ?format=vtt).
  std::span<const std::string_view> also_produces{};
  std::span<const Answer> also{};

  // A POST that only reads (a search whose query is too large for a URL): a read transaction, no
  // audit record, no idempotency key.
  bool reads_only = false;

  bool mutating() const { return !reads_only && method != "GET" && method != "HEAD"; }
};

// Every route, in documentation order.
std::span<const Route> all_routes();

struct RouteMatch {
  const Route* route = nullptr;
  std::vector<std::pair<std::string_view, std::string_view>> params;
  bool path_exists = false;  // some route has this path under another method (405)
};
RouteMatch match_route(std::string_view method, std::string_view path);

// Route groups, one per handler file.
std::span<const Route> ops_routes();
std::span<const Route> auth_routes();
std::span<const Route> tenant_routes();
std::span<const Route> video_routes();
std::span<const Route> transcript_routes();
std::span<const Route> transcript_edit_routes();
std::span<const Route> speaker_routes();
std::span<const Route> people_routes();
std::span<const Route> jobs_routes();
std::span<const Route> layer_routes();
std::span<const Route> media_routes();
std::span<const Route> search_routes();
std::span<const Route> webhook_routes();

}  // namespace narralytica::api
