#include "app/webhook_service.hpp"

#include <algorithm>

#include "app/webhook_address.hpp"
#include "app/webhook_signing.hpp"
#include "core/json_writer.hpp"

namespace narralytica::app {
namespace {

constexpr std::string_view kEventTypes[] = {
    "attachment.created",    "layer.current.changed", "layer.version.created", "member.added",
    "member.changed",        "member.removed",        "role.created",          "speaker.linked",
    "speaker.merged",        "speaker.renamed",       "speaker.unlinked",      "token.created",
    "token.revoked",         "transcript.created",    "transcript.deleted",    "transcript.edited",
    "video.created",         "video.deleted",         "video.media_attached",  "video.updated",
};

constexpr std::string_view kOwnEvents = "webhook.";

std::string types_list() {
  std::string out;
  for (std::string_view type : kEventTypes) out += (out.empty() ? "" : ", ") + std::string(type);
  return out;
}

Status validate_event_types(const std::vector<std::string>& patterns) {
  if (patterns.size() > kWebhookEventTypesMax) {
    return make_error(ErrorCode::invalid_argument, "at most " + std::to_string(kWebhookEventTypesMax) + " event types",
                      "event_types");
  }
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const std::string& p = patterns[i];
    const std::string field = "event_types[" + std::to_string(i) + "]";
    bool known = p == "*";
    if (!known && p.size() > 2 && p.ends_with(".*")) {
      const std::string prefix = p.substr(0, p.size() - 1);  // "video."
      known = std::any_of(std::begin(kEventTypes), std::end(kEventTypes),
                          [&](std::string_view type) { return type.starts_with(prefix); });
    } else if (!known) {
      known = std::find(std::begin(kEventTypes), std::end(kEventTypes), p) != std::end(kEventTypes);
    }
    if (!known) {
      return make_error(ErrorCode::invalid_argument,
                        "unknown event type \"" + p + "\"; use \"*\", \"<entity>.*\" or one of " + types_list(), field);
    }
  }
  return ok_status();
}

Status validate_description(const std::string& description) {
  if (description.size() > kWebhookDescriptionLengthMax) {
    return make_error(ErrorCode::invalid_argument,
                      "a description is at most " + std::to_string(kWebhookDescriptionLengthMax) + " bytes",
                      "description");
  }
  return ok_status();
}

std::string endpoint_payload(const store::WebhookEndpoint& e) {
  std::string types = "[";
  for (std::size_t i = 0; i < e.event_types.size(); ++i) {
    if (i) types += ',';
    append_json_string(types, e.event_types[i]);
  }
  types += ']';
  return JsonObject().add("url", e.url).add_raw("event_types", types).add("enabled", e.enabled).str();
}

std::string string_array(const std::vector<std::string>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, values[i]);
  }
  return out + "]";
}

std::string attempt_json(const store::WebhookAttempt& a) {
  JsonObject o;
  o.add("at", format_rfc3339(a.created_at)).add("outcome", a.outcome);
  if (a.status_code) o.add("status_code", *a.status_code);
  else o.add_null("status_code");
  o.add("latency_ms", static_cast<double>(a.latency_us) / 1000.0)
      .add_optional("error", a.error)
      .add("response_body", a.response_body);
  return o.str();
}

}  // namespace

std::span<const std::string_view> webhook_event_types() { return kEventTypes; }

bool webhook_event_matches(const std::vector<std::string>& patterns, std::string_view event_type) {
  if (event_type.starts_with(kOwnEvents)) return false;
  if (patterns.empty()) return true;
  for (const std::string& p : patterns) {
    if (p == "*" || p == event_type) return true;
    if (p.ends_with(".*") && event_type.starts_with(std::string_view(p).substr(0, p.size() - 1))) return true;
  }
  return false;
}

std::string webhook_body(const store::FeedEvent& event) {
  JsonObject data;
  data.add("event_position", event.position).add("entity_type", event.entity_type);
  if (event.entity_public_id) data.add("entity_id", event.entity_public_id->to_string());
  else data.add_null("entity_id");
  data.add_raw("payload", event.payload_json.empty() ? std::string_view("{}") : std::string_view(event.payload_json));
  return JsonObject()
      .add("type", event.event_type)
      .add("timestamp", format_rfc3339(event.created_at))
      .add_raw("data", data.str())
      .str();
}

Result<WebhookWithSecret> WebhookService::create(store::Transaction& tx, const store::TenantScope& scope,
                                                 const WebhookDraft& draft, const SecretBox& key) {
  RETURN_IF_ERROR(parse_webhook_url(draft.url, "url"));
  RETURN_IF_ERROR(validate_description(draft.description));
  RETURN_IF_ERROR(validate_event_types(draft.event_types));
  store::WebhookEndpoint endpoint;
  endpoint.url = draft.url;
  endpoint.description = draft.description;
  endpoint.event_types = draft.event_types;
  endpoint.enabled = draft.enabled;
  if (!draft.enabled) endpoint.disabled_reason = "manual";
  std::string secret = generate_webhook_secret(tx.random());
  ASSIGN_OR_RETURN(endpoint.secret, seal_webhook_secret(&key, tx.random(), secret));
  ASSIGN_OR_RETURN(endpoint, store::WebhookRepository::create(tx, scope, std::move(endpoint)));
  if (!draft.enabled) RETURN_IF_ERROR(store::WebhookRepository::update(tx, scope, endpoint));
  tx.record_change(scope, "webhook.created", "webhook", endpoint.public_id, endpoint_payload(endpoint));
  return WebhookWithSecret{std::move(endpoint), std::move(secret)};
}

Result<store::Page<store::WebhookEndpoint>> WebhookService::list(store::Transaction& tx,
                                                                 const store::TenantScope& scope,
                                                                 const store::PageRequest& page) {
  return store::WebhookRepository::list(tx, scope, page);
}

Result<store::WebhookEndpoint> WebhookService::get(store::Transaction& tx, const store::TenantScope& scope,
                                                   const Uuid& id) {
  return store::WebhookRepository::get(tx, scope, id);
}

Result<store::WebhookEndpoint> WebhookService::update(store::Transaction& tx, const store::TenantScope& scope,
                                                      const Uuid& id, const WebhookPatch& patch) {
  ASSIGN_OR_RETURN(store::WebhookEndpoint endpoint, store::WebhookRepository::get(tx, scope, id));
  if (patch.url) {
    RETURN_IF_ERROR(parse_webhook_url(*patch.url, "url"));
    endpoint.url = *patch.url;
  }
  if (patch.description) {
    RETURN_IF_ERROR(validate_description(*patch.description));
    endpoint.description = *patch.description;
  }
  if (patch.event_types) {
    RETURN_IF_ERROR(validate_event_types(*patch.event_types));
    endpoint.event_types = *patch.event_types;
  }
  if (patch.enabled && *patch.enabled != endpoint.enabled) {
    endpoint.enabled = *patch.enabled;
    endpoint.disabled_reason = endpoint.enabled ? std::nullopt : std::optional<std::string>("manual");
  }
  RETURN_IF_ERROR(store::WebhookRepository::update(tx, scope, endpoint));
  endpoint.updated_at = tx.now_us();
  tx.record_change(scope, "webhook.updated", "webhook", endpoint.public_id, endpoint_payload(endpoint));
  return endpoint;
}

Status WebhookService::remove(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id) {
  ASSIGN_OR_RETURN(store::WebhookEndpoint endpoint, store::WebhookRepository::get(tx, scope, id));
  RETURN_IF_ERROR(store::WebhookRepository::remove(tx, scope, endpoint));
  tx.record_change(scope, "webhook.deleted", "webhook", endpoint.public_id, endpoint_payload(endpoint));
  return ok_status();
}

Result<WebhookWithSecret> WebhookService::rotate_secret(store::Transaction& tx, const store::TenantScope& scope,
                                                        const Uuid& id, std::int64_t grace_seconds,
                                                        const SecretBox& key) {
  if (grace_seconds < 0 || grace_seconds > kSecretGraceSecondsMax) {
    return make_error(ErrorCode::invalid_argument,
                      "grace_seconds is 0 to " + std::to_string(kSecretGraceSecondsMax) + " (7 days)", "grace_seconds");
  }
  ASSIGN_OR_RETURN(store::WebhookEndpoint endpoint, store::WebhookRepository::get(tx, scope, id));
  if (grace_seconds > 0) {
    endpoint.previous_secret = endpoint.secret;
    endpoint.previous_secret_expires_at = tx.now_us() + grace_seconds * 1'000'000;
  } else {
    endpoint.previous_secret.reset();
    endpoint.previous_secret_expires_at.reset();
  }
  std::string secret = generate_webhook_secret(tx.random());
  ASSIGN_OR_RETURN(endpoint.secret, seal_webhook_secret(&key, tx.random(), secret));
  RETURN_IF_ERROR(store::WebhookRepository::update_secrets(tx, scope, endpoint));
  endpoint.updated_at = tx.now_us();
  tx.record_change(scope, "webhook.secret_rotated", "webhook", endpoint.public_id,
                   JsonObject().add("grace_seconds", grace_seconds).str());
  return WebhookWithSecret{std::move(endpoint), std::move(secret)};
}

Result<store::Page<store::WebhookDelivery>> WebhookService::deliveries(store::Transaction& tx,
                                                                       const store::TenantScope& scope, const Uuid& id,
                                                                       const store::PageRequest& page) {
  ASSIGN_OR_RETURN(store::WebhookEndpoint endpoint, store::WebhookRepository::get(tx, scope, id));
  return store::WebhookRepository::deliveries(tx, scope, endpoint, page);
}

Result<store::WebhookDelivery> WebhookService::delivery(store::Transaction& tx, const store::TenantScope& scope,
                                                        const Uuid& delivery_id) {
  return store::WebhookRepository::get_delivery(tx, scope, delivery_id);
}

Result<ReplayReport> WebhookService::replay(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id,
                                            std::int64_t from_position) {
  if (from_position < 0) {
    return make_error(ErrorCode::invalid_argument, "a feed position is 0 or more", "from_position");
  }
  ASSIGN_OR_RETURN(store::WebhookEndpoint endpoint, store::WebhookRepository::get(tx, scope, id));
  ReplayReport report;
  std::int64_t after = std::max<std::int64_t>(0, from_position - 1);
  int seen = 0;
  while (seen < kReplayEventsMax) {
    const int limit = std::min(store::kFeedLimitMax, kReplayEventsMax - seen);
    ASSIGN_OR_RETURN(store::FeedPage page, store::EventFeed::read(tx, scope, after, limit));
    if (page.behind_horizon) {
      return make_error(ErrorCode::invalid_argument,
                        "events up to position " + std::to_string(page.pruned_through) +
                            " were pruned (retention); replay from " + std::to_string(page.pruned_through + 1),
                        "from_position");
    }
    for (const store::FeedEvent& event : page.events) {
      if (!webhook_event_matches(endpoint.event_types, event.event_type)) continue;
      ASSIGN_OR_RETURN(bool inserted, store::WebhookRepository::requeue(tx, scope, endpoint, event.position,
                                                                        event.event_type, webhook_body(event)));
      (inserted ? report.queued : report.requeued) += 1;
    }
    seen += static_cast<int>(page.events.size());
    after = page.next_after;
    if (static_cast<int>(page.events.size()) < limit) {
      after = 0;
      break;
    }
  }
  report.next_position = after == 0 ? 0 : after + 1;
  tx.record_change(scope, "webhook.replayed", "webhook", endpoint.public_id,
                   JsonObject()
                       .add("from_position", from_position)
                       .add("queued", report.queued)
                       .add("requeued", report.requeued)
                       .str());
  return report;
}

Result<store::WebhookDelivery> WebhookService::retry_delivery(store::Transaction& tx, const store::TenantScope& scope,
                                                              const Uuid& delivery_id) {
  ASSIGN_OR_RETURN(store::WebhookDelivery delivery, store::WebhookRepository::get_delivery(tx, scope, delivery_id));
  RETURN_IF_ERROR(store::WebhookRepository::retry(tx, scope, delivery));
  tx.record_change(scope, "webhook.delivery_retried", "webhook_delivery", delivery.public_id,
                   JsonObject().add("event_position", delivery.event_position).str());
  return store::WebhookRepository::get_delivery(tx, scope, delivery_id);
}

std::string webhook_json(const store::WebhookEndpoint& e, UnixMicros now) {
  JsonObject o;
  o.add("id", e.public_id.to_string())
      .add("url", e.url)
      .add("description", e.description)
      .add_raw("event_types", string_array(e.event_types))
      .add("enabled", e.enabled)
      .add_optional("disabled_reason", e.disabled_reason);
  if (e.previous_secret && e.previous_secret_expires_at && *e.previous_secret_expires_at > now) {
    o.add("previous_secret_valid_until", format_rfc3339(*e.previous_secret_expires_at));
  } else {
    o.add_null("previous_secret_valid_until");
  }
  o.add("start_position", e.start_position)
      .add("created_at", format_rfc3339(e.created_at))
      .add("updated_at", format_rfc3339(e.updated_at));
  return o.str();
}

std::string webhook_with_secret_json(const WebhookWithSecret& created, UnixMicros now) {
  std::string json = webhook_json(created.endpoint, now);
  json.pop_back();  // '}'
  json += ",\"secret\":";
  append_json_string(json, created.secret);
  return json + "}";
}

std::string delivery_json(const store::WebhookDelivery& d) {
  std::string attempts = "[";
  for (std::size_t i = 0; i < d.recent_attempts.size(); ++i) {
    if (i) attempts += ',';
    attempts += attempt_json(d.recent_attempts[i]);
  }
  attempts += ']';
  JsonObject o;
  o.add("id", d.public_id.to_string())
      .add("webhook_id", "msg_" + d.public_id.to_string())
      .add("event_position", d.event_position)
      .add("event_type", d.event_type)
      .add("status", d.status)
      .add("attempts", d.attempts);
  if (d.status == "pending") o.add("next_attempt_at", format_rfc3339(d.next_attempt_at));
  else o.add_null("next_attempt_at");
  if (d.last_status_code) o.add("last_status_code", *d.last_status_code);
  else o.add_null("last_status_code");
  o.add_optional("last_error", d.last_error);
  if (d.delivered_at) o.add("delivered_at", format_rfc3339(*d.delivered_at));
  else o.add_null("delivered_at");
  o.add("created_at", format_rfc3339(d.created_at)).add_raw("recent_attempts", attempts);
  return o.str();
}

std::string replay_json(const ReplayReport& report) {
  JsonObject o;
  o.add("queued", report.queued).add("requeued", report.requeued);
  if (report.next_position) o.add("next_position", report.next_position);
  else o.add_null("next_position");
  return o.str();
}

}  // namespace narralytica::app
