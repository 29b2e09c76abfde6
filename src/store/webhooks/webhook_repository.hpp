// Webhook endpoints, their deliveries (one per endpoint and feed event, the unit that carries a
// stable webhook-id) and every attempt at a delivery. Tenant calls take a TenantScope; the
// dispatcher's cross-tenant calls (fan-out, claiming due endpoints, recording attempts) take a
// SystemScope. Validation of URLs and event types is the app layer's (app/webhook_service.hpp);
// this layer stores what it is given and enforces the schema's bounds.
//
// Thread-safety: stateless; works inside the Transaction it is given.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/page.hpp"
#include "store/scope.hpp"
#include "store/transaction.hpp"

namespace narralytica::store {

inline constexpr std::size_t kWebhookResponseBodyBytesMax = 1024;  // kept of each attempt's answer
inline constexpr int kWebhookAttemptsListedMax = 20;               // attempts shown per delivery

struct WebhookEndpoint {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  Uuid public_id;
  std::string url;
  std::string description;
  std::vector<std::string> event_types;  // empty: every type
  bool enabled = true;
  std::optional<std::string> disabled_reason;  // manual, gone (410), failing (retries exhausted)
  std::string secret;                          // "whsec_..."
  std::optional<std::string> previous_secret;  // still signed with until previous_secret_expires_at
  std::optional<UnixMicros> previous_secret_expires_at;
  std::int64_t start_position = 0;  // receives the tenant's events after this feed position
  UnixMicros created_at = 0;
  UnixMicros updated_at = 0;
};

struct WebhookAttempt {
  std::string outcome;  // delivered, failed
  std::optional<int> status_code;
  std::int64_t latency_us = 0;
  std::optional<std::string> error;
  std::string response_body;  // at most kWebhookResponseBodyBytesMax bytes
  UnixMicros created_at = 0;
};

struct WebhookDelivery {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  std::int64_t endpoint_id = 0;
  Uuid public_id;  // the webhook-id ("msg_" + this)
  std::int64_t event_position = 0;
  std::string event_type;
  std::string payload;  // the body as sent
  std::string status;   // pending, delivered, failed
  int attempts = 0;
  UnixMicros next_attempt_at = 0;
  std::optional<int> last_status_code;
  std::optional<std::string> last_error;
  std::optional<UnixMicros> delivered_at;
  UnixMicros created_at = 0;
  std::vector<WebhookAttempt> recent_attempts;  // newest first, filled by list/get
};

// An endpoint claimed by one dispatcher for one round.
struct ClaimedEndpoint {
  std::int64_t id = 0;
  std::int64_t tenant_id = 0;
  Uuid public_id;
  std::string url;
  std::string secret;
  std::optional<std::string> previous_secret;
  std::optional<UnixMicros> previous_secret_expires_at;
};

// One delivery for fan-out to queue: an event of the endpoint's tenant, with the body to send.
struct QueuedDelivery {
  std::int64_t tenant_id = 0;
  std::int64_t endpoint_id = 0;
  std::int64_t position = 0;
  std::string_view event_type;
  std::string_view payload;
};

// What a round did to one delivery.
struct DeliveryOutcome {
  std::int64_t tenant_id = 0;
  std::int64_t delivery_id = 0;
  WebhookAttempt attempt;
  std::string status;                    // pending (retry later), delivered, failed
  int attempts = 0;                      // after this attempt
  UnixMicros next_attempt_at = 0;        // for pending
};

class WebhookRepository {
 public:
  // --- a tenant's endpoints ---
  // Stores a new endpoint (start_position = the tenant's feed head now). Errors: invalid_argument
  // from the schema's bounds.
  static Result<WebhookEndpoint> create(Transaction& tx, const TenantScope& scope, WebhookEndpoint draft);
  // Errors: not_found (also for another tenant's id).
  static Result<WebhookEndpoint> get(Transaction& tx, const TenantScope& scope, const Uuid& public_id);
  static Result<Page<WebhookEndpoint>> list(Transaction& tx, const TenantScope& scope, const PageRequest& page);
  // Writes url, description, event_types, enabled and disabled_reason of `endpoint` (found by id);
  // an enabled endpoint's queue becomes due again at its oldest pending delivery.
  static Status update(Transaction& tx, const TenantScope& scope, const WebhookEndpoint& endpoint);
  // Writes the secrets of `endpoint`.
  static Status update_secrets(Transaction& tx, const TenantScope& scope, const WebhookEndpoint& endpoint);
  // Deletes the endpoint with its deliveries and attempts.
  static Status remove(Transaction& tx, const TenantScope& scope, const WebhookEndpoint& endpoint);

  // --- deliveries, as a tenant sees them ---
  // Newest first; `page.after` is the last delivery id of the previous page.
  static Result<Page<WebhookDelivery>> deliveries(Transaction& tx, const TenantScope& scope,
                                                  const WebhookEndpoint& endpoint, const PageRequest& page);
  // Errors: not_found (also for another tenant's id).
  static Result<WebhookDelivery> get_delivery(Transaction& tx, const TenantScope& scope, const Uuid& public_id);
  // Queues the endpoint's delivery of the event at `position` again: a new one with `payload`, or
  // the existing one (same webhook-id, same body) set pending with a fresh retry schedule.
  // Returns true when it was new.
  static Result<bool> requeue(Transaction& tx, const TenantScope& scope, const WebhookEndpoint& endpoint,
                              std::int64_t position, std::string_view event_type, std::string_view payload);
  // Sets one delivery pending again, due now.
  static Status retry(Transaction& tx, const TenantScope& scope, const WebhookDelivery& delivery);

  // --- the dispatcher (every tenant) ---
  // Endpoints with a secret still stored as plain "whsec_" text (written before migration 0018).
  static Result<std::vector<ClaimedEndpoint>> plaintext_secrets(Transaction& tx, const SystemScope& scope);
  // Writes the stored forms of `endpoint`'s secret and previous secret, found by id.
  static Status replace_secrets(Transaction& tx, const SystemScope& scope, const ClaimedEndpoint& endpoint);
  // The enabled endpoints of a tenant, for fan-out.
  static Result<std::vector<WebhookEndpoint>> enabled_endpoints(Transaction& tx, const SystemScope& scope,
                                                                std::int64_t tenant_id);
  // Queues each of `deliveries` unless it exists (fan-out replays after a crash insert nothing
  // twice), many rows per statement, then makes each endpoint they name due at its oldest pending
  // delivery, once. Returns how many were new.
  static Result<std::int64_t> enqueue(Transaction& tx, const SystemScope& scope,
                                      std::span<const QueuedDelivery> deliveries);
  // Leases up to `limit` enabled endpoints whose oldest pending delivery is due at `now`, not
  // leased by another dispatcher (or whose lease expired), to `owner` until `lease_until`.
  static Result<std::vector<ClaimedEndpoint>> claim_due(Transaction& tx, const SystemScope& scope, UnixMicros now,
                                                        std::string_view owner, UnixMicros lease_until, int limit);
  // The endpoint's pending deliveries, oldest event first, at most `limit`.
  static Result<std::vector<WebhookDelivery>> pending(Transaction& tx, const SystemScope& scope,
                                                      std::int64_t endpoint_id, int limit);
  // Whether `owner` still holds the endpoint's lease (locking the row until the transaction
  // ends on PostgreSQL): a dispatcher whose lease was taken over records nothing.
  static Result<bool> holds_lease(Transaction& tx, const SystemScope& scope, std::int64_t endpoint_id,
                                  std::string_view owner);
  // Records each attempt and its delivery's new state, many rows per statement.
  static Status settle(Transaction& tx, const SystemScope& scope, std::span<const DeliveryOutcome> outcomes);
  // Ends `owner`'s lease of the endpoint, disables it when `disable_reason` is set, and makes it
  // due at its oldest pending delivery.
  static Status release(Transaction& tx, const SystemScope& scope, std::int64_t endpoint_id,
                              std::string_view owner, const std::optional<std::string>& disable_reason);
};

}  // namespace narralytica::store
