// Webhook fan-out (issue 16): 1,000 events to 10 endpoints, delivered and acknowledged on
// loopback, against a baseline run beside it on the same machine and receiver.
//
//   product:  the events are committed first (one transaction each, as API writes are); the clock
//             then runs from the fan-out pipeline's first batch until every one of the 10,000
//             deliveries is recorded as delivered: fan-out, claims, signing, the HTTP posts over
//             kept-alive connections, the receiver's answers and the recording of every attempt.
//   baseline: the same 10,000 POSTs of the same bodies as bare Boost.Beast requests from one
//             client, 10 kept-alive connections used in turn (no database, no signing).
//
// Usage: webhooks_bench DB_URL [EVENTS] [ENDPOINTS] [THREADS]
// Prints both times, deliveries per second and the ratio product / baseline.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "app/webhook_dispatcher.hpp"
#include "app/webhook_service.hpp"
#include "integration/webhooks/receiver.hpp"
#include "jobs/pipeline_runner.hpp"
#include "store/identity/authorizer.hpp"
#include "store/media/video_repository.hpp"
#include "store/migrations.hpp"
#include "store/tenancy/tenant_repository.hpp"

using namespace narralytica;
using SteadyClock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const Error& e) {
  std::fprintf(stderr, "webhooks_bench: %s\n", e.describe().c_str());
  std::exit(1);
}
template <class T>
T must(Result<T> r) {
  if (!r.ok()) die(r.error());
  return std::move(r).value();
}
void must(Status s) {
  if (!s.ok()) die(s.error());
}

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

std::int64_t delivered(store::Database& owner) {
  auto lease = must(owner.acquire());
  auto* s = must(lease->prepare("SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'"));
  must(s->step());
  const auto n = s->column_int64(0);
  s->reset();
  return n;
}

// The baseline: `count` POSTs of `body` from one client over `connections` kept-alive connections.
double bare_posts(std::uint16_t port, int count, int connections, const std::string& body) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  std::vector<beast::tcp_stream> streams;
  for (int i = 0; i < connections; ++i) {
    streams.emplace_back(io);
    streams.back().connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }
  beast::flat_buffer buffer;
  const auto start = SteadyClock::now();
  for (int i = 0; i < count; ++i) {
    auto& stream = streams[static_cast<std::size_t>(i % connections)];
    http::request<http::string_body> request{http::verb::post, "/baseline", 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/json");
    request.keep_alive(true);
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    if (response.result_int() != 200) {
      std::fprintf(stderr, "baseline: HTTP %u\n", response.result_int());
      std::exit(1);
    }
  }
  return seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB_URL [EVENTS] [ENDPOINTS] [THREADS]\n", argv[0]);
    return 2;
  }
  const int events = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int endpoints = argc > 3 ? std::atoi(argv[3]) : 10;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 10;
  store::DatabaseOptions owner_options;
  owner_options.url = argv[1];
  owner_options.role = store::ConnectRole::owner;
  auto owner = must(store::Database::open(owner_options));
  {
    store::MigrationRunner runner(*owner, must(store::load_migrations(store::embedded_migrations(owner->backend()))));
    must(runner.apply());
  }
  store::DatabaseOptions app_options;
  app_options.url = argv[1];
  app_options.pool_size_max = 8;
  auto db = must(store::Database::open(app_options));

  testing::HookReceiver receiver;
  const auto operator_cli = store::Principal::operator_cli("bench");
  store::Tenant tenant;
  // Secrets are sealed with a server key (core/secret_box.hpp); the bench's own, never stored.
  std::array<unsigned char, SecretBox::kKeyBytes> key{};
  SecureRandom::instance().fill(key.data(), key.size());
  const SecretBox secret_box(key);
  {
    auto tx = must(store::Transaction::begin(*db, store::TxMode::write));
    tenant = must(store::TenantRepository::create(tx, store::SystemScope::because(operator_cli.actor), "bench-" +
                                                      std::to_string(std::time(nullptr)), "Bench")).first;
    auto scope = must(store::Authorizer::authorize(tx, operator_cli, tenant, app::kWebhooksWrite));
    for (int i = 0; i < endpoints; ++i) {
      must(app::WebhookService::create(tx, scope,
                                       app::WebhookDraft{receiver.url("/e" + std::to_string(i)), "bench", {}, true},
                                       secret_box));
    }
    must(tx.commit());
  }
  std::string sample_body;
  for (int i = 0; i < events; ++i) {
    auto tx = must(store::Transaction::begin(*db, store::TxMode::write));
    auto scope = must(store::Authorizer::authorize(tx, operator_cli, tenant, {"write", "videos"}));
    store::VideoDraft draft;
    draft.title = "bench video " + std::to_string(i);
    must(store::VideoRepository::create(tx, scope, draft));
    must(tx.commit());
  }

  app::WebhookDeliveryOptions options;
  options.threads = threads;
  options.endpoints_per_round = endpoints;
  options.deliveries_per_endpoint = 1000;
  options.http.allow_private = true;  // the receiver is on loopback
  options.secret_box = &secret_box;
  app::WebhookDispatcher dispatcher(*db, options);
  jobs::PipelineRunner runner(*db);
  jobs::PipelineDefinition fan_out;
  fan_out.name = std::string(app::kWebhookPipeline);
  fan_out.batch = jobs::kPipelineBatchMax;
  fan_out.process = [&](store::Transaction& tx, std::span<const store::FeedEvent> batch) {
    return dispatcher.fan_out(tx, batch);
  };
  must(runner.add(std::move(fan_out)));

  const std::int64_t expected = static_cast<std::int64_t>(events) * endpoints;
  const auto start = SteadyClock::now();
  while (must(runner.run_once(std::string(app::kWebhookPipeline))).processed > 0) {
  }
  const double fan_out_s = seconds_since(start);
  int rounds = 0;
  while (delivered(*owner) < expected) {
    must(dispatcher.deliver_due());
    ++rounds;
    if (seconds_since(start) > 120) {
      std::fprintf(stderr, "webhooks_bench: only %lld of %lld delivered after 120 s\n",
                   static_cast<long long>(delivered(*owner)), static_cast<long long>(expected));
      return 1;
    }
  }
  const double product_s = seconds_since(start);
  const auto received = receiver.received();
  if (static_cast<std::int64_t>(received.size()) != expected) {
    std::fprintf(stderr, "webhooks_bench: the receiver got %zu posts for %lld deliveries\n", received.size(),
                 static_cast<long long>(expected));
    return 1;
  }
  sample_body = received.front().body;
  const double baseline_s = bare_posts(receiver.port(), static_cast<int>(expected), endpoints, sample_body);

  std::printf("backend %s: %d events x %d endpoints = %lld deliveries, %d posting threads\n",
              store::to_string(db->backend()), events, endpoints, static_cast<long long>(expected), threads);
  std::printf("  product  %.3f s (fan-out %.3f s, %d delivery rounds)  %.0f deliveries/s\n", product_s, fan_out_s,
              rounds, static_cast<double>(expected) / product_s);
  std::printf("  baseline %.3f s (bare Beast POSTs, one client)       %.0f posts/s\n", baseline_s,
              static_cast<double>(expected) / baseline_s);
  std::printf("  ratio    %.2fx\n", product_s / baseline_s);
  return 0;
}
