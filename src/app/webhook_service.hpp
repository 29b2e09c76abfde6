// Webhook use cases, shared by the API (/v1/webhooks…) and the CLI (`narralytica webhooks …`):
// register, list, show, change and delete a tenant's endpoints, rotate a signing secret, list
// deliveries with their attempts, replay from a feed position, retry one delivery. Each runs in
// the caller's transaction for a scope the caller authorized with the permission named beside
// it (kWebhooksRead/Write/Delete; the API's route table and the CLI use these constants), and
// each mutation records its event and audit record (`webhook.*`, never delivered to webhooks).
// The secret is returned by create and rotate_secret only, and stored sealed with the server key
// they are given (app/secret_key.hpp), so a dump of the database does not reveal it.
//
// Thread-safety: stateless.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/identity/authorizer.hpp"
#include "store/ops/event_feed.hpp"
#include "core/secret_box.hpp"
#include "store/webhooks/webhook_repository.hpp"

namespace narralytica::app {

inline constexpr store::Permission kWebhooksRead{"read", "webhooks"};
inline constexpr store::Permission kWebhooksWrite{"write", "webhooks"};
inline constexpr store::Permission kWebhooksDelete{"delete", "webhooks"};

inline constexpr std::size_t kWebhookDescriptionLengthMax = 500;
inline constexpr std::size_t kWebhookEventTypesMax = 50;
inline constexpr std::int64_t kSecretGraceSecondsDefault = 24 * 3600;
inline constexpr std::int64_t kSecretGraceSecondsMax = 7 * 24 * 3600;
inline constexpr int kReplayEventsMax = 10'000;  // events looked at by one replay request

// The event types a webhook can subscribe to by name. A pattern is one of these, "<entity>.*"
// for an entity among them, or "*"; patterns match by prefix at delivery, so a type added
// later under a subscribed entity (or "*") is delivered too. `webhook.*` events (changes to
// webhooks themselves) are never delivered.
std::span<const std::string_view> webhook_event_types();
// Whether an endpoint subscribed to `patterns` (empty: everything) receives `event_type`.
bool webhook_event_matches(const std::vector<std::string>& patterns, std::string_view event_type);

// The delivery body of a feed event (Standard Webhooks: type, timestamp, data).
std::string webhook_body(const store::FeedEvent& event);

struct WebhookDraft {
  std::string url;
  std::string description;
  std::vector<std::string> event_types;  // empty: every type
  bool enabled = true;
};

// Fields to change; unset ones stay. Enabling clears the disabled reason; disabling sets "manual".
struct WebhookPatch {
  std::optional<std::string> url;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> event_types;
  std::optional<bool> enabled;
};

struct WebhookWithSecret {
  store::WebhookEndpoint endpoint;
  std::string secret;  // shown once
};

struct ReplayReport {
  int queued = 0;    // deliveries created (events the endpoint never had)
  int requeued = 0;  // existing deliveries set pending again (same webhook-id and body)
  std::int64_t next_position = 0;  // replay again from here for more (0: done)
};

class WebhookService {
 public:
  // kWebhooksWrite. The new secret is stored sealed with `key`. Errors: invalid_argument naming
  // the field (url, description, event_types[i]).
  static Result<WebhookWithSecret> create(store::Transaction& tx, const store::TenantScope& scope,
                                          const WebhookDraft& draft, const SecretBox& key);
  // kWebhooksRead.
  static Result<store::Page<store::WebhookEndpoint>> list(store::Transaction& tx, const store::TenantScope& scope,
                                                          const store::PageRequest& page);
  // kWebhooksRead. Errors: not_found (also for another tenant's id).
  static Result<store::WebhookEndpoint> get(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);
  // kWebhooksWrite. Errors: not_found; invalid_argument naming the field.
  static Result<store::WebhookEndpoint> update(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id,
                                               const WebhookPatch& patch);
  // kWebhooksDelete. Errors: not_found.
  static Status remove(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);
  // kWebhooksWrite. A new secret; the old one keeps signing (a second signature) for
  // `grace_seconds` (0..kSecretGraceSecondsMax). Errors: not_found; invalid_argument
  // (grace_seconds).
  // The new secret is stored sealed with `key`.
  static Result<WebhookWithSecret> rotate_secret(store::Transaction& tx, const store::TenantScope& scope,
                                                 const Uuid& id, std::int64_t grace_seconds, const SecretBox& key);
  // kWebhooksRead. Newest first, with each delivery's recent attempts. Errors: not_found.
  static Result<store::Page<store::WebhookDelivery>> deliveries(store::Transaction& tx, const store::TenantScope& scope,
                                                                const Uuid& id, const store::PageRequest& page);
  // kWebhooksRead. Errors: not_found.
  static Result<store::WebhookDelivery> delivery(store::Transaction& tx, const store::TenantScope& scope,
                                                 const Uuid& delivery_id);
  // kWebhooksWrite. Queues the endpoint's deliveries of the tenant's events at or after
  // `from_position` that it subscribes to, up to kReplayEventsMax events per call, in feed order
  // (behind nothing that is pending before them). Errors: not_found; invalid_argument
  // (from_position) for a negative position or one whose events were pruned.
  static Result<ReplayReport> replay(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id,
                                     std::int64_t from_position);
  // kWebhooksWrite. Sets one delivery pending again, due now (same webhook-id and body).
  // Errors: not_found.
  static Result<store::WebhookDelivery> retry_delivery(store::Transaction& tx, const store::TenantScope& scope,
                                                       const Uuid& delivery_id);
};

// JSON views, as the API answers and `narralytica webhooks … --json` prints.
std::string webhook_json(const store::WebhookEndpoint& endpoint, UnixMicros now);
std::string webhook_with_secret_json(const WebhookWithSecret& created, UnixMicros now);
std::string delivery_json(const store::WebhookDelivery& delivery);
std::string replay_json(const ReplayReport& report);

}  // namespace narralytica::app
