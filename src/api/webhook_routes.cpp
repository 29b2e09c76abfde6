// Webhooks (docs/webhooks.md): endpoints (list, register, read, change, delete), secret rotation,
// deliveries with their attempts, replay from a feed position, and retrying one delivery. Each
// handler is app::WebhookService's function of the same name; the permissions are its constants.
#include "api/detail/io.hpp"
#include "api/detail/route.hpp"
#include "api/detail/state.hpp"
#include "api/detail/views.hpp"
#include "app/webhook_address.hpp"
#include "app/webhook_service.hpp"

namespace narralytica::api {
namespace webhook_routes_impl {
namespace {

using nlohmann::json;
using app::WebhookService;

constexpr Field kCreateFields[] = {
    {.name = "id", .read_only = true},
    {.name = "url", .required = true, .length_max = app::kWebhookUrlLengthMax,
     .description = "https:// (or http://) URL the deliveries are POSTed to"},
    {.name = "description", .length_max = app::kWebhookDescriptionLengthMax},
    {.name = "event_types", .type = FieldType::any,
     .description = "Array of event types, \"<entity>.*\" or \"*\"; empty or absent: every type"},
    {.name = "enabled", .type = FieldType::boolean},
    {.name = "disabled_reason", .read_only = true},
    {.name = "secret", .read_only = true, .description = "whsec_…: answered once, at creation and rotation"},
    {.name = "previous_secret_valid_until", .read_only = true},
    {.name = "start_position", .read_only = true},
    {.name = "created_at", .read_only = true},
    {.name = "updated_at", .read_only = true},
};

constexpr Field kUpdateFields[] = {
    {.name = "id", .read_only = true},
    {.name = "url", .length_max = app::kWebhookUrlLengthMax},
    {.name = "description", .length_max = app::kWebhookDescriptionLengthMax},
    {.name = "event_types", .type = FieldType::any},
    {.name = "enabled", .type = FieldType::boolean, .description = "true re-enables a disabled endpoint"},
    {.name = "disabled_reason", .read_only = true},
    {.name = "previous_secret_valid_until", .read_only = true},
    {.name = "start_position", .read_only = true},
    {.name = "created_at", .read_only = true},
    {.name = "updated_at", .read_only = true},
};

constexpr Field kReplayFields[] = {
    {.name = "from_position", .type = FieldType::integer, .required = true,
     .description = "Feed position (GET /v1/events) of the first event to deliver again"},
};

Result<std::vector<std::string>> event_types(const json& value) {
  std::vector<std::string> types;
  if (value.is_null()) return types;
  if (!value.is_array()) return make_error(ErrorCode::invalid_argument, "expected an array of strings", "event_types");
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!value[i].is_string()) {
      return make_error(ErrorCode::invalid_argument, "expected a string", "event_types[" + std::to_string(i) + "]");
    }
    types.push_back(value[i].get<std::string>());
  }
  return types;
}

Result<Uuid> page_after(const HttpRequest& request, char kind) {
  ASSIGN_OR_RETURN(std::string key, decode_cursor(kind, *request.query_param("cursor")));
  auto after = Uuid::from_bytes(key);
  if (!after) return make_error(ErrorCode::invalid_argument, "not a cursor this list gave out", "cursor");
  return *after;
}

Result<HttpResponse> list_webhooks(Call& call) {
  store::PageRequest page;
  ASSIGN_OR_RETURN(page.limit, page_limit(call.request));
  if (call.request.query_param("cursor")) {
    ASSIGN_OR_RETURN(page.after, page_after(call.request, 'w'));
  }
  ASSIGN_OR_RETURN(auto endpoints, WebhookService::list(*call.tx, *call.scope, page));
  JsonArray items;
  for (const auto& e : endpoints.items) items.add_raw(app::webhook_json(e, call.tx->now_us()));
  std::optional<std::string> next;
  if (endpoints.next_after) next = encode_cursor('w', endpoints.next_after->byte_view());
  return json_response(200, page_json(items.str(), next));
}

Result<HttpResponse> create_webhook(Call& call) {
  const json& body = call.body;
  app::WebhookDraft draft;
  draft.url = body.at("url").get<std::string>();
  draft.description = body.value("description", "");
  if (body.contains("event_types")) {
    ASSIGN_OR_RETURN(draft.event_types, event_types(body["event_types"]));
  }
  draft.enabled = body.value("enabled", true);
  ASSIGN_OR_RETURN(auto created, WebhookService::create(*call.tx, *call.scope, draft, call.state.secret_box));
  HttpResponse response = json_response(201, app::webhook_with_secret_json(created, call.tx->now_us()));
  response.with_header("Location", "/v1/webhooks/" + created.endpoint.public_id.to_string());
  response.with_header("Cache-Control", "no-store");
  return response;
}

Result<HttpResponse> get_webhook(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "webhook"));
  ASSIGN_OR_RETURN(auto endpoint, WebhookService::get(*call.tx, *call.scope, id));
  return json_response(200, app::webhook_json(endpoint, call.tx->now_us()));
}

Result<HttpResponse> update_webhook(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "webhook"));
  const json& body = call.body;
  app::WebhookPatch patch;
  if (body.contains("url")) patch.url = body["url"].get<std::string>();
  if (body.contains("description")) patch.description = body["description"].get<std::string>();
  if (body.contains("event_types")) {
    ASSIGN_OR_RETURN(patch.event_types, event_types(body["event_types"]));
  }
  if (body.contains("enabled")) patch.enabled = body["enabled"].get<bool>();
  ASSIGN_OR_RETURN(auto endpoint, WebhookService::update(*call.tx, *call.scope, id, patch));
  return json_response(200, app::webhook_json(endpoint, call.tx->now_us()));
}

Result<HttpResponse> delete_webhook(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "webhook"));
  RETURN_IF_ERROR(WebhookService::remove(*call.tx, *call.scope, id));
  return json_response(204, "");
}

Result<HttpResponse> rotate_secret(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "webhook"));
  ASSIGN_OR_RETURN(auto grace, query_int(call.request, "grace_seconds", 0, app::kSecretGraceSecondsMax));
  ASSIGN_OR_RETURN(auto rotated, WebhookService::rotate_secret(*call.tx, *call.scope, id,
                                                               grace.value_or(app::kSecretGraceSecondsDefault),
                                                               call.state.secret_box));
  HttpResponse response = json_response(200, app::webhook_with_secret_json(rotated, call.tx->now_us()));
  response.with_header("Cache-Control", "no-store");
  return response;
}

Result<HttpResponse> list_deliveries(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "webhook"));
  store::PageRequest page;
  ASSIGN_OR_RETURN(page.limit, page_limit(call.request));
  if (call.request.query_param("cursor")) {
    ASSIGN_OR_RETURN(page.after, page_after(call.request, 'd'));
  }
  ASSIGN_OR_RETURN(auto deliveries, WebhookService::deliveries(*call.tx, *call.scope, id, page));
  JsonArray items;
  for (const auto& d : deliveries.items) items.add_raw(app::delivery_json(d));
  std::optional<std::string> next;
  if (deliveries.next_after) next = encode_cursor('d', deliveries.next_after->byte_view());
  return json_response(200, page_json(items.str(), next));
}

Result<HttpResponse> replay(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "webhook"));
  ASSIGN_OR_RETURN(auto report, WebhookService::replay(*call.tx, *call.scope, id,
                                                       call.body.at("from_position").get<std::int64_t>()));
  return json_response(202, app::replay_json(report));
}

Result<HttpResponse> get_delivery(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "delivery"));
  ASSIGN_OR_RETURN(auto delivery, WebhookService::delivery(*call.tx, *call.scope, id));
  return json_response(200, app::delivery_json(delivery));
}

Result<HttpResponse> retry_delivery(Call& call) {
  ASSIGN_OR_RETURN(Uuid id, path_id(call, "id", "delivery"));
  ASSIGN_OR_RETURN(auto delivery, WebhookService::retry_delivery(*call.tx, *call.scope, id));
  return json_response(202, app::delivery_json(delivery));
}

constexpr std::string_view kPageQuery[] = {"limit", "cursor"};
constexpr std::string_view kRotateQuery[] = {"grace_seconds"};

constexpr Route kRoutes[] = {
    {.method = "GET", .pattern = "/v1/webhooks", .operation_id = "webhook.list", .returns = "WebhookEndpointPage",
     .summary = "List webhook endpoints, oldest first (never their secrets)", .permission = app::kWebhooksRead,
     .handler = list_webhooks, .query = kPageQuery},
    {.method = "POST", .pattern = "/v1/webhooks", .operation_id = "webhook.create", .returns = "WebhookEndpointWithSecret",
     .summary = "Register an endpoint; the answer carries its signing secret, shown this once",
     .permission = app::kWebhooksWrite, .body = BodyKind::json, .fields = kCreateFields, .handler = create_webhook,
     .resource_type = "webhook", .status = 201},
    {.method = "GET", .pattern = "/v1/webhooks/{id}", .operation_id = "webhook.get", .returns = "WebhookEndpoint", .summary = "One endpoint",
     .permission = app::kWebhooksRead, .handler = get_webhook},
    {.method = "PATCH", .pattern = "/v1/webhooks/{id}", .operation_id = "webhook.update", .returns = "WebhookEndpoint",
     .summary = "Change an endpoint's URL, description or event types, or enable or disable it",
     .permission = app::kWebhooksWrite, .body = BodyKind::json, .fields = kUpdateFields, .handler = update_webhook,
     .resource_type = "webhook"},
    {.method = "DELETE", .pattern = "/v1/webhooks/{id}", .operation_id = "webhook.delete",
     .summary = "Delete an endpoint with its deliveries", .permission = app::kWebhooksDelete,
     .handler = delete_webhook, .resource_type = "webhook", .status = 204},
    {.method = "POST", .pattern = "/v1/webhooks/{id}/rotate-secret", .operation_id = "webhook.rotate_secret", .returns = "WebhookEndpointWithSecret",
     .summary = "A new signing secret (answered once); the old one signs too for ?grace_seconds= (default 86400, "
                "at most 604800; 0 ends it now)",
     .permission = app::kWebhooksWrite, .handler = rotate_secret, .resource_type = "webhook", .query = kRotateQuery},
    {.method = "GET", .pattern = "/v1/webhooks/{id}/deliveries", .operation_id = "webhook.deliveries", .returns = "DeliveryPage",
     .summary = "The endpoint's deliveries, newest first, each with its recent attempts",
     .permission = app::kWebhooksRead, .handler = list_deliveries, .query = kPageQuery},
    {.method = "POST", .pattern = "/v1/webhooks/{id}/replay", .operation_id = "webhook.replay", .returns = "Replay",
     .summary = "Deliver again the tenant's events from a feed position on (same webhook-id for events delivered "
                "before), up to 10,000 events a request",
     .permission = app::kWebhooksWrite, .body = BodyKind::json, .fields = kReplayFields, .handler = replay,
     .resource_type = "webhook", .status = 202},
    {.method = "GET", .pattern = "/v1/webhook-deliveries/{id}", .operation_id = "webhook.delivery", .returns = "Delivery",
     .summary = "One delivery with its recent attempts", .permission = app::kWebhooksRead, .handler = get_delivery},
    {.method = "POST", .pattern = "/v1/webhook-deliveries/{id}/retry", .operation_id = "webhook.delivery_retry", .returns = "Delivery",
     .summary = "Deliver one delivery again now (same webhook-id and body)", .permission = app::kWebhooksWrite,
     .handler = retry_delivery, .resource_type = "webhook_delivery", .status = 202},
};

}  // namespace
}  // namespace webhook_routes_impl

std::span<const Route> webhook_routes() { return webhook_routes_impl::kRoutes; }

}  // namespace narralytica::api
