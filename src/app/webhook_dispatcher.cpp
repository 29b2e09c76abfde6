#include "app/webhook_dispatcher.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>

#include "app/webhook_service.hpp"
#include "app/webhook_signing.hpp"
#include "core/hashing.hpp"
#include "core/json_writer.hpp"
#include "store/webhooks/webhook_repository.hpp"

namespace narralytica::app {
namespace {

using SteadyClock = std::chrono::steady_clock;

const store::Actor kDispatcherActor{std::nullopt, std::nullopt, "webhooks:dispatcher"};

std::string default_owner() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::string nonce(4, '\0');
  SecureRandom::instance().fill(nonce.data(), nonce.size());
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + to_hex(nonce);
}

// A response body as stored text: at most `max` bytes of valid UTF-8 without NUL (PostgreSQL
// refuses both in text), anything else replaced by '?'.
std::string printable_utf8(std::string_view bytes, std::size_t max) {
  std::string out;
  out.reserve(std::min(bytes.size(), max));
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool valid = length > 0 && i + length <= bytes.size() && c != 0;
    for (std::size_t k = 1; valid && k < length; ++k) valid = (static_cast<unsigned char>(bytes[i + k]) >> 6) == 0x2;
    if (!valid) length = 1;
    if (out.size() + length > max) break;
    if (valid) out.append(bytes.substr(i, length));
    else out.push_back('?');
    i += length;
  }
  return out;
}

// The webhook-signature header, from the secrets as stored (sealed; see webhook_signing.hpp).
Result<std::string> signature_of(const SecretBox* box, const store::ClaimedEndpoint& endpoint, bool rotating,
                                 std::string_view message_id, std::int64_t timestamp_s, std::string_view body) {
  ASSIGN_OR_RETURN(std::string secret, open_webhook_secret(box, endpoint.secret));
  std::optional<std::string> previous;
  if (rotating) {
    ASSIGN_OR_RETURN(previous, open_webhook_secret(box, *endpoint.previous_secret));
  }
  return webhook_signature_header(secret, previous, message_id, timestamp_s, body);
}

struct EndpointWork {
  store::ClaimedEndpoint endpoint;
  std::vector<store::WebhookDelivery> deliveries;
  std::vector<store::DeliveryOutcome> outcomes;
  std::optional<std::string> disable_reason;
};

}  // namespace

std::vector<std::int64_t> standard_retry_schedule_us() {
  constexpr std::int64_t s = 1'000'000;
  return {5 * s, 5 * 60 * s, 30 * 60 * s, 2 * 3600 * s, 5 * 3600 * s, 10 * 3600 * s, 10 * 3600 * s};
}

Status validate(const WebhookDeliveryOptions& o) {
  auto bad = [](const char* what, const char* field) {
    return make_error(ErrorCode::invalid_argument, what, field);
  };
  if (o.retry_schedule_us.empty() || o.retry_schedule_us.size() > kWebhookRetriesMax) {
    return bad("the retry schedule has 1 to 20 delays", "retry_schedule");
  }
  for (std::int64_t delay : o.retry_schedule_us) {
    if (delay < 0) return bad("a retry delay cannot be negative", "retry_schedule");
  }
  if (o.jitter < 0 || o.jitter > 1) return bad("jitter is 0 to 1", "jitter");
  if (o.lease_us < 1000) return bad("the lease is at least 1 ms", "lease");
  if (o.endpoints_per_round < 1 || o.endpoints_per_round > kWebhookEndpointsPerRoundMax) {
    return bad("endpoints per round is 1 to 1000", "endpoints_per_round");
  }
  if (o.deliveries_per_endpoint < 1 || o.deliveries_per_endpoint > kWebhookDeliveriesPerEndpointMax) {
    return bad("deliveries per endpoint is 1 to 1000", "deliveries_per_endpoint");
  }
  if (o.threads < 1 || o.threads > kWebhookThreadsMax) return bad("threads is 1 to 64", "threads");
  if (o.idle_poll_us < 1000) return bad("the idle poll is at least 1 ms", "idle_poll");
  return ok_status();
}

std::optional<std::int64_t> retry_delay_us(const WebhookDeliveryOptions& options, int attempts,
                                           std::int64_t retry_after_us, Random& random) {
  if (attempts < 1 || static_cast<std::size_t>(attempts) > options.retry_schedule_us.size()) return std::nullopt;
  const double unit = static_cast<double>(random.next_u64() >> 11) / static_cast<double>(1ULL << 53);  // [0, 1)
  const double factor = 1.0 + options.jitter * (2.0 * unit - 1.0);
  const auto delay = static_cast<std::int64_t>(static_cast<double>(options.retry_schedule_us[attempts - 1]) * factor);
  return std::max(delay, retry_after_us);
}

WebhookDispatcher::WebhookDispatcher(store::Database& database, WebhookDeliveryOptions options)
    : database_(database), options_(std::move(options)) {
  if (options_.owner.empty()) options_.owner = default_owner();
}

WebhookDispatcher::~WebhookDispatcher() { stop(); }

Status WebhookDispatcher::fan_out(store::Transaction& tx, std::span<const store::FeedEvent> events) {
  const auto system = store::SystemScope::because(kDispatcherActor);
  std::map<std::int64_t, std::vector<store::WebhookEndpoint>> endpoints;  // per tenant, read once a batch
  std::deque<std::string> bodies;  // stable addresses for the queued deliveries' views
  std::vector<store::QueuedDelivery> queue;
  for (const store::FeedEvent& event : events) {
    if (!event.tenant_id || !webhook_event_matches({}, event.event_type)) continue;
    auto found = endpoints.find(*event.tenant_id);
    if (found == endpoints.end()) {
      ASSIGN_OR_RETURN(auto enabled, store::WebhookRepository::enabled_endpoints(tx, system, *event.tenant_id));
      found = endpoints.emplace(*event.tenant_id, std::move(enabled)).first;
    }
    const std::string* body = nullptr;
    for (const store::WebhookEndpoint& endpoint : found->second) {
      if (event.position <= endpoint.start_position) continue;
      if (!webhook_event_matches(endpoint.event_types, event.event_type)) continue;
      if (body == nullptr) body = &bodies.emplace_back(webhook_body(event));
      queue.push_back(store::QueuedDelivery{endpoint.tenant_id, endpoint.id, event.position, event.event_type, *body});
    }
  }
  if (queue.empty()) return ok_status();
  ASSIGN_OR_RETURN(std::int64_t queued, store::WebhookRepository::enqueue(tx, system, queue));
  if (queued > 0) wake();  // early at worst: the loop finds nothing and waits one idle poll
  return ok_status();
}

Result<WebhookRoundReport> WebhookDispatcher::deliver_due() {
  RETURN_IF_ERROR(validate(options_));
  const auto system = store::SystemScope::because(kDispatcherActor);
  const Clock& clock = *options_.store_context.clock;
  Random& random = *options_.store_context.random;
  const UnixMicros round_at = clock.now_us();
  std::vector<EndpointWork> work;
  {
    ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database_, store::TxMode::write, options_.store_context));
    ASSIGN_OR_RETURN(auto claimed, store::WebhookRepository::claim_due(tx, system, round_at, options_.owner,
                                                                       round_at + options_.lease_us,
                                                                       options_.endpoints_per_round));
    for (auto& endpoint : claimed) {
      ASSIGN_OR_RETURN(auto pending,
                       store::WebhookRepository::pending(tx, system, endpoint.id, options_.deliveries_per_endpoint));
      work.push_back(EndpointWork{std::move(endpoint), std::move(pending), {}, {}});
    }
    RETURN_IF_ERROR(tx.commit());
  }
  WebhookRoundReport report;
  report.endpoints = static_cast<int>(work.size());
  if (work.empty()) return report;

  // Posting: no transaction open. Each endpoint's deliveries go in feed order, one at a time.
  const auto post_deadline = SteadyClock::now() + std::chrono::microseconds(options_.lease_us / 2);
  std::mutex random_mutex;  // the injected Random is not thread-safe
  auto post_endpoint = [&](EndpointWork& w) {
    auto url = parse_webhook_url(w.endpoint.url, "url");
    std::optional<WebhookConnection> connection;
    if (url.ok()) connection.emplace(*url, options_.http);
    for (const store::WebhookDelivery& d : w.deliveries) {
      if (d.next_attempt_at > round_at || SteadyClock::now() >= post_deadline) break;
      const UnixMicros now = clock.now_us();
      const std::string message_id = "msg_" + d.public_id.to_string();
      const bool rotating = w.endpoint.previous_secret && w.endpoint.previous_secret_expires_at &&
                            *w.endpoint.previous_secret_expires_at > now;
      store::DeliveryOutcome outcome;
      outcome.tenant_id = w.endpoint.tenant_id;
      outcome.delivery_id = d.id;
      outcome.attempts = d.attempts + 1;
      outcome.attempt.created_at = now;
      WebhookHttpAnswer answer;
      const auto started = SteadyClock::now();
      auto signature = signature_of(options_.secret_box, w.endpoint, rotating, message_id,
                                    now / 1'000'000, d.payload);
      if (!url.ok()) {
        answer.error = url.error().message;
      } else if (!signature.ok()) {
        answer.error = signature.error().message;
      } else {
        answer = connection->post({{"webhook-id", message_id},
                                   {"webhook-timestamp", std::to_string(now / 1'000'000)},
                                   {"webhook-signature", *signature}},
                                  d.payload);
      }
      outcome.attempt.latency_us =
          std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started).count();
      outcome.attempt.status_code = answer.status;
      outcome.attempt.response_body = printable_utf8(answer.body, store::kWebhookResponseBodyBytesMax);
      const bool success = answer.status && *answer.status >= 200 && *answer.status < 300;
      outcome.attempt.outcome = success ? "delivered" : "failed";
      if (!success) {
        if (!answer.error.empty()) outcome.attempt.error = printable_utf8(answer.error, 500);
        else if (*answer.status >= 300 && *answer.status < 400) outcome.attempt.error = "redirects are not followed";
        else outcome.attempt.error = "HTTP " + std::to_string(*answer.status);
      }
      w.outcomes.push_back(outcome);
      store::DeliveryOutcome& o = w.outcomes.back();
      if (success) {
        o.status = "delivered";
        o.next_attempt_at = d.next_attempt_at;
        continue;
      }
      if (answer.status == 410) {
        o.status = "failed";
        o.next_attempt_at = d.next_attempt_at;
        w.disable_reason = "gone";
        break;
      }
      const bool throttled = answer.status == 429 || answer.status == 503;
      const std::int64_t retry_after_us = throttled && answer.retry_after_s ? *answer.retry_after_s * 1'000'000 : 0;
      std::optional<std::int64_t> delay;
      {
        std::lock_guard lock(random_mutex);
        delay = retry_delay_us(options_, o.attempts, retry_after_us, random);
      }
      if (!delay) {
        o.status = "failed";
        o.next_attempt_at = d.next_attempt_at;
        w.disable_reason = "failing";
      } else {
        o.status = "pending";
        o.next_attempt_at = now + *delay;
      }
      break;  // a failed delivery holds back the endpoint's later ones
    }
  };
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < work.size(); i = next++) post_endpoint(work[i]);
  };
  const int threads = std::min<int>(options_.threads, static_cast<int>(work.size()));
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database_, store::TxMode::write, options_.store_context));
  std::vector<const EndpointWork*> held;
  std::vector<store::DeliveryOutcome> outcomes;
  for (const EndpointWork& w : work) {
    ASSIGN_OR_RETURN(bool holds, store::WebhookRepository::holds_lease(tx, system, w.endpoint.id, options_.owner));
    if (!holds) continue;  // taken over after our lease expired: its new holder posts again
    held.push_back(&w);
    outcomes.insert(outcomes.end(), w.outcomes.begin(), w.outcomes.end());
    for (const store::DeliveryOutcome& o : w.outcomes) {
      report.attempted += 1;
      report.delivered += o.status == "delivered" ? 1 : 0;
    }
  }
  // Every attempt in a few statements; then each endpoint is due again at its new queue head.
  RETURN_IF_ERROR(store::WebhookRepository::settle(tx, system, outcomes));
  for (const EndpointWork* w : held) {
    RETURN_IF_ERROR(store::WebhookRepository::release(tx, system, w->endpoint.id, options_.owner, w->disable_reason));
    if (w->disable_reason) {
      tx.record_audit(store::AuditRecord{w->endpoint.tenant_id, kDispatcherActor, "webhook.disabled", "webhook",
                                         w->endpoint.public_id, store::AuditOutcome::allowed, {},
                                         "{\"reason\":\"" + *w->disable_reason + "\"}"});
    }
  }
  RETURN_IF_ERROR(tx.commit());
  return report;
}

Result<int> WebhookDispatcher::seal_plaintext_secrets() {
  const auto system = store::SystemScope::because(kDispatcherActor);
  ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(database_, store::TxMode::write, options_.store_context));
  ASSIGN_OR_RETURN(auto plaintext, store::WebhookRepository::plaintext_secrets(tx, system));
  if (plaintext.empty()) return 0;
  const SecretBox* box = options_.secret_box;
  for (store::ClaimedEndpoint& endpoint : plaintext) {
    if (endpoint.secret.starts_with(kWebhookSecretPrefix)) {
      ASSIGN_OR_RETURN(endpoint.secret, seal_webhook_secret(box, tx.random(), endpoint.secret));
    }
    if (endpoint.previous_secret && endpoint.previous_secret->starts_with(kWebhookSecretPrefix)) {
      ASSIGN_OR_RETURN(endpoint.previous_secret, seal_webhook_secret(box, tx.random(), *endpoint.previous_secret));
    }
    RETURN_IF_ERROR(store::WebhookRepository::replace_secrets(tx, system, endpoint));
  }
  const int sealed = static_cast<int>(plaintext.size());
  tx.record_change(system, std::nullopt, "webhook.secrets_sealed", "webhook", std::nullopt,
                   JsonObject().add("endpoints", sealed).str());
  RETURN_IF_ERROR(tx.commit());
  return sealed;
}

Status WebhookDispatcher::start() {
  RETURN_IF_ERROR(validate(options_));
  if (thread_.joinable()) return make_error(ErrorCode::conflict, "the webhook dispatcher is already running");
  RETURN_IF_ERROR(seal_plaintext_secrets());
  stopping_.store(false);
  thread_ = std::thread([this] { loop(); });
  return ok_status();
}

void WebhookDispatcher::stop() {
  stopping_.store(true);
  wake();
  if (thread_.joinable()) thread_.join();
}

void WebhookDispatcher::wake() {
  {
    std::lock_guard lock(wake_mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void WebhookDispatcher::loop() {
  while (!stopping_.load()) {
    auto round = deliver_due();
    if (!round.ok()) {
      std::fprintf(stderr, "narralytica: webhook delivery round failed: %s\n", round.error().describe().c_str());
    }
    if (round.ok() && round->endpoints > 0) continue;
    std::unique_lock lock(wake_mutex_);
    wake_.wait_for(lock, std::chrono::microseconds(options_.idle_poll_us),
                   [&] { return woken_ || stopping_.load(); });
    woken_ = false;
  }
}

}  // namespace narralytica::app
