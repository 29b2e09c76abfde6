// Shared set-up for the webhook tests: a migrated database on the test's backend with tenants A
// and B, a loopback receiver, the fan-out pipeline on a runner, and helpers that make events
// (videos), register endpoints through app::WebhookService and run delivery rounds until a
// condition holds. Rounds run on the test's thread (deliver_due), with a retry schedule of
// milliseconds, so nothing sleeps long.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "app/secret_key.hpp"
#include "app/webhook_dispatcher.hpp"
#include "app/webhook_service.hpp"
#include "integration/store/fixtures.hpp"
#include "jobs/pipeline_runner.hpp"
#include "receiver.hpp"
#include "store/media/video_repository.hpp"

namespace narralytica::testing {

class WebhookTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    db_ = make_test_database(GetParam());
    if (!db_) return;
    tenant_a_ = create_tenant(db_->app(), "alpha");
    tenant_b_ = create_tenant(db_->app(), "beta");
    // The server key under data_dir_, as `serve` and `worker --data-dir` load it.
    auto key = app::load_or_create_secret_key(app::secret_key_file(data_dir_.path()));
    ASSERT_TRUE(key.ok()) << key.error().describe();
    secret_box_ = *key;
  }

  // Rounds fast enough for tests, signing with the fixture's key.
  app::WebhookDeliveryOptions fast_options(bool allow_private = true) const {
    app::WebhookDeliveryOptions options;
    options.retry_schedule_us = {20'000, 20'000, 20'000};
    options.jitter = 0;
    options.http.allow_private = allow_private;
    options.http.connect_timeout = std::chrono::milliseconds(2000);
    options.http.response_timeout = std::chrono::milliseconds(2000);
    options.lease_us = 10'000'000;
    options.secret_box = &*secret_box_;
    return options;
  }

  // Runs `body` in a write transaction as the operator in `tenant`, committed.
  template <class Body>
  auto in_tenant(const store::Tenant& tenant, Body body) {
    auto tx = store::Transaction::begin(db_->app(), store::TxMode::write);
    EXPECT_TRUE(tx.ok());
    auto scope = operator_scope(*tx, tenant);
    auto result = body(*tx, scope);
    if (result.ok()) {
      EXPECT_TRUE(tx->commit().ok());
    }
    return result;
  }

  app::WebhookWithSecret add_endpoint(const store::Tenant& tenant, const std::string& url,
                                      std::vector<std::string> types = {}, bool enabled = true) {
    auto created = in_tenant(tenant, [&](store::Transaction& tx, const store::TenantScope& scope) {
      return app::WebhookService::create(tx, scope, app::WebhookDraft{url, "test", std::move(types), enabled},
                                         *secret_box_);
    });
    EXPECT_TRUE(created.ok()) << created.error().describe();
    return *created;
  }

  // `count` video.created events in `tenant`, one transaction each (so one event each).
  std::vector<Uuid> make_videos(const store::Tenant& tenant, int count, const std::string& title = "video") {
    std::vector<Uuid> ids;
    for (int i = 0; i < count; ++i) {
      auto video = in_tenant(tenant, [&](store::Transaction& tx, const store::TenantScope& scope) {
        store::VideoDraft draft;
        draft.title = title + " " + std::to_string(i);
        return store::VideoRepository::create(tx, scope, draft);
      });
      EXPECT_TRUE(video.ok());
      if (video.ok()) ids.push_back(video->public_id);
    }
    return ids;
  }

  // Runs the fan-out pipeline until it has caught up with the feed.
  void fan_out(app::WebhookDispatcher& dispatcher) {
    jobs::PipelineRunner runner(db_->app());
    jobs::PipelineDefinition pipeline;
    pipeline.name = std::string(app::kWebhookPipeline);
    pipeline.batch = 100;
    pipeline.process = [&](store::Transaction& tx, std::span<const store::FeedEvent> events) {
      return dispatcher.fan_out(tx, events);
    };
    ASSERT_TRUE(runner.add(std::move(pipeline)).ok());
    for (int i = 0; i < 1000; ++i) {
      auto run = runner.run_once(std::string(app::kWebhookPipeline));
      ASSERT_TRUE(run.ok()) << run.error().describe();
      if (run->processed == 0) return;
    }
  }

  // Delivery rounds until `done()` or `timeout`; false on timeout.
  bool deliver_until(app::WebhookDispatcher& dispatcher, const std::function<bool()>& done,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(15'000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      auto round = dispatcher.deliver_due();
      EXPECT_TRUE(round.ok()) << round.error().describe();
      if (!round.ok()) return false;
      if (round->endpoints == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  std::int64_t count(const std::string& table, const std::string& where = "") {
    return count_rows(db_->owner(), table, where);
  }

  std::unique_ptr<TestDatabase> db_;
  store::Tenant tenant_a_, tenant_b_;
  HookReceiver receiver_;
  TempDir data_dir_;  // holds the server key (secret.key)
  std::optional<SecretBox> secret_box_;
};

}  // namespace narralytica::testing

#define NARRALYTICA_WEBHOOK_TEST() \
  if (!db_) return
