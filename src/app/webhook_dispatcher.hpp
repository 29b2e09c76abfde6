// Webhook delivery. Two halves:
//
// 1. Fan-out, a pipeline over the event feed (kWebhookPipeline, jobs::PipelineDefinition::process):
//    in the runner's transaction, each tenant event becomes one delivery per enabled endpoint of
//    that tenant subscribed to its type, with its body fixed then. The checkpoint moves in the
//    same transaction, and a delivery is unique per (endpoint, event), so a crash neither loses
//    nor doubles one.
// 2. Delivery rounds (deliver_due, or the loop started by start()): claim endpoints whose oldest
//    pending delivery is due (a lease, so two dispatchers never post to one endpoint at once),
//    post each claimed endpoint's pending deliveries in feed order with no transaction open,
//    stopping at the first failure (which then blocks that endpoint only, until its retry), and
//    record every attempt with the deliveries' new states in one transaction. A process killed
//    after posting and before recording posts again after the lease expires: the receiver gets
//    the same webhook-id and the same body (Standard Webhooks' at-least-once contract).
//
// Retries follow `retry_schedule_us` (Standard Webhooks: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h)
// with ±jitter; a 429 or 503 with Retry-After waits at least that long. After the last retry
// fails the delivery is failed and the endpoint disabled ("failing"); a 410 disables it at once
// ("gone"). Either way its later deliveries stay pending for when it is enabled again.
//
// Thread-safety: fan_out and deliver_due may be called from any thread; start/stop from one.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "app/webhook_http.hpp"
#include "core/secret_box.hpp"
#include "store/database.hpp"
#include "store/ops/event_feed.hpp"
#include "store/transaction.hpp"

namespace narralytica::app {

inline constexpr std::string_view kWebhookPipeline = "webhooks.fanout";
inline constexpr int kWebhookEndpointsPerRoundMax = 1000;
inline constexpr int kWebhookDeliveriesPerEndpointMax = 1000;
inline constexpr int kWebhookThreadsMax = 64;
inline constexpr std::size_t kWebhookRetriesMax = 20;

// The Standard Webhooks schedule: the delay before the retry after the n-th failed attempt.
std::vector<std::int64_t> standard_retry_schedule_us();

struct WebhookDeliveryOptions {
  std::vector<std::int64_t> retry_schedule_us = standard_retry_schedule_us();  // 1..kWebhookRetriesMax
  double jitter = 0.1;  // each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]
  WebhookHttpOptions http;
  std::int64_t lease_us = 60'000'000;  // an endpoint's claim; a round stops posting at half of it
  int endpoints_per_round = 64;        // 1..kWebhookEndpointsPerRoundMax
  int deliveries_per_endpoint = 100;   // 1..kWebhookDeliveriesPerEndpointMax, posted in one round
  int threads = 8;                     // endpoints posted to at once, 1..kWebhookThreadsMax
  std::int64_t idle_poll_us = 100'000; // the loop's pause when nothing is due
  std::string owner;                   // lease owner; "host:pid:nonce" when empty
  store::StoreContext store_context;
  // Opens the sealed signing secrets (app/secret_key.hpp); must outlive the dispatcher. Without
  // one, only secrets still stored in plain text (before migration 0018) can sign.
  const SecretBox* secret_box = nullptr;
};

// Errors: invalid_argument naming the option.
Status validate(const WebhookDeliveryOptions& options);

// The delay after `attempts` failed attempts (1-based), jittered with `random`, at least
// `retry_after_us`; nullopt when no retry is left.
std::optional<std::int64_t> retry_delay_us(const WebhookDeliveryOptions& options, int attempts,
                                           std::int64_t retry_after_us, Random& random);

struct WebhookRoundReport {
  int endpoints = 0;   // claimed
  int attempted = 0;   // posts made
  int delivered = 0;   // answered 2xx
};

class WebhookDispatcher {
 public:
  // `database` must outlive the dispatcher. Errors of the options show at start() or
  // deliver_due().
  WebhookDispatcher(store::Database& database, WebhookDeliveryOptions options);
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // The fan-out pipeline's batch (jobs::PipelineBatchFn). Errors: database errors.
  Status fan_out(store::Transaction& tx, std::span<const store::FeedEvent> events);

  // One delivery round. Errors: invalid_argument for bad options; database errors (claimed
  // endpoints are then retried after their lease expires).
  Result<WebhookRoundReport> deliver_due();

  // Seals every secret still stored as plain text (endpoints registered before migration 0018)
  // with the server key, in one transaction with a system audit record; returns how many
  // endpoints it sealed. start() runs it first. Errors: internal without a key; database errors.
  Result<int> seal_plaintext_secrets();

  // Runs rounds on a thread of its own until stop(), after seal_plaintext_secrets(). Errors:
  // invalid_argument for bad options, conflict when already running, those of the sealing.
  Status start();
  // Finishes the round in progress and joins. Safe to call twice.
  void stop();
  // Ends the pause of an idle loop (new deliveries were committed).
  void wake();

  const WebhookDeliveryOptions& options() const { return options_; }

 private:
  void loop();

  store::Database& database_;
  WebhookDeliveryOptions options_;
  std::thread thread_;
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
};

}  // namespace narralytica::app
