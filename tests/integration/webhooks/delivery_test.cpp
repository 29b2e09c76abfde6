// Webhook deliveries against a receiver on loopback, on both backends: signatures verified by an
// independent implementation (Python's hmac), also with two signatures during a rotation; feed
// order per endpoint kept across a 500 and its retry; a 410 disables; Retry-After is honoured;
// the schedule's end disables; a disabled endpoint receives nothing; tenant A's events never go
// to tenant B's endpoints; the address guard refuses loopback until the deployment allows it;
// replay and retry send the same webhook-id and body again; bad input names its field.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include "webhook_fixture.hpp"

#ifndef NARRALYTICA_VERIFY_SCRIPT
#error "NARRALYTICA_VERIFY_SCRIPT must name verify_signature.py"
#endif

namespace narralytica::testing {
namespace {

using app::WebhookService;

// Runs the Python verifier on one received hook; true when it accepts the signature.
bool python_verifies(const std::string& secret, const ReceivedHook& hook, const TempDir& dir) {
  const auto body_file = dir.path() / "body.json";
  {
    std::ofstream out(body_file, std::ios::binary);
    out << hook.body;
  }
  const std::string command = "python3 '" + std::string(NARRALYTICA_VERIFY_SCRIPT) + "' '" + secret + "' '" +
                              hook.id + "' '" + hook.timestamp + "' '" + hook.signature + "' '" +
                              body_file.string() + "'";
  const int status = std::system(command.c_str());
  return status == 0;
}

// The feed position in a delivered body.
std::int64_t position_of(const ReceivedHook& hook) {
  const auto at = hook.body.find("\"event_position\":");
  return at == std::string::npos ? -1 : std::atoll(hook.body.c_str() + at + 17);
}

TEST(WebhookAddressGuard, RefusesEveryNonPublicRange) {
  for (const char* ip : {"127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                         "169.254.169.254", "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255", "::", "::1",
                         "fe80::1", "febf::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1",
                         "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2001:db8::1"}) {
    EXPECT_TRUE(app::forbidden_address_reason(ip).has_value()) << ip;
  }
  EXPECT_EQ(app::forbidden_address_reason("169.254.169.254").value_or(""), "link-local");
  EXPECT_EQ(app::forbidden_address_reason("::1").value_or(""), "loopback");
  EXPECT_EQ(app::forbidden_address_reason("fd00::1").value_or(""), "unique-local");
  for (const char* ip : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "11.0.0.1", "2606:4700::1111", "::ffff:8.8.8.8"}) {
    EXPECT_FALSE(app::forbidden_address_reason(ip).has_value()) << ip;
  }
}

TEST(WebhookUrl, AcceptsHttpAndHttpsAndNamesTheFieldOtherwise) {
  auto https = app::parse_webhook_url("https://Hooks.Example.com/in?x=1", "url");
  ASSERT_TRUE(https.ok());
  EXPECT_TRUE(https->tls);
  EXPECT_EQ(https->host, "hooks.example.com");
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->target, "/in?x=1");
  auto v6 = app::parse_webhook_url("http://[::1]:8080", "url");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8080);
  EXPECT_EQ(v6->target, "/");
  for (const char* bad : {"ftp://example.com/", "example.com/hook", "https://user:pw@example.com/", "https:///x",
                          "https://example.com:0/", "https://example.com:99999/", "https://exa mple.com/",
                          "https://example.com/#frag"}) {
    auto parsed = app::parse_webhook_url(bad, "url");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().field, "url");
  }
}

class WebhookDeliveryTest : public WebhookTest {};

TEST_P(WebhookDeliveryTest, SignaturesVerifyWithPythonsHmacAndTamperingFails) {
  NARRALYTICA_WEBHOOK_TEST();
  const auto endpoint = add_endpoint(tenant_a_, receiver_.url());
  EXPECT_TRUE(endpoint.secret.starts_with("whsec_"));
  make_videos(tenant_a_, 1, "signed");
  app::WebhookDispatcher dispatcher(db_->app(), fast_options());
  fan_out(dispatcher);
  ASSERT_TRUE(deliver_until(dispatcher, [&] { return receiver_.received().size() >= 1; }));
  const ReceivedHook hook = receiver_.received().front();
  EXPECT_TRUE(hook.id.starts_with("msg_"));
  EXPECT_TRUE(hook.signature.starts_with("v1,"));
  EXPECT_NE(hook.body.find("\"type\":\"video.created\""), std::string::npos) << hook.body;
  EXPECT_NE(hook.body.find("\"timestamp\":"), std::string::npos);
  EXPECT_NE(hook.body.find("signed 0"), std::string::npos);
  TempDir dir;
  EXPECT_TRUE(python_verifies(endpoint.secret, hook, dir));
  ReceivedHook tampered = hook;
  tampered.body.replace(tampered.body.find("signed 0"), 8, "signed 1");
  EXPECT_FALSE(python_verifies(endpoint.secret, tampered, dir)) << "the verifier can fail";
  ReceivedHook late = hook;
  late.timestamp = std::to_string(std::atoll(hook.timestamp.c_str()) + 1);
  EXPECT_FALSE(python_verifies(endpoint.secret, late, dir)) << "the timestamp is signed";
  EXPECT_EQ(count("webhook_attempts", "outcome = 'delivered'"), 1);
  EXPECT_EQ(count("webhook_deliveries", "status = 'delivered'"), 1);
}

TEST_P(WebhookDeliveryTest, DuringRotationBothSecretsSignAndAfterItOnlyTheNewOne) {
  NARRALYTICA_WEBHOOK_TEST();
  const auto endpoint = add_endpoint(tenant_a_, receiver_.url());
  auto rotated = in_tenant(tenant_a_, [&](store::Transaction& tx, const store::TenantScope& scope) {
    return WebhookService::rotate_secret(tx, scope, endpoint.endpoint.public_id, 3600, *secret_box_);
  });
  ASSERT_TRUE(rotated.ok());
  ASSERT_NE(rotated->secret, endpoint.secret);
  make_videos(tenant_a_, 1);
  app::WebhookDispatcher dispatcher(db_->app(), fast_options());
  fan_out(dispatcher);
  ASSERT_TRUE(deliver_until(dispatcher, [&] { return receiver_.received().size() >= 1; }));
  ReceivedHook hook = receiver_.received().front();
  EXPECT_NE(hook.signature.find(' '), std::string::npos) << "two signatures: " << hook.signature;
  TempDir dir;
  EXPECT_TRUE(python_verifies(rotated->secret, hook, dir));
  EXPECT_TRUE(python_verifies(endpoint.secret, hook, dir));
  // Ending the grace period (rotating with 0) leaves one signature, by the newest secret.
  auto ended = in_tenant(tenant_a_, [&](store::Transaction& tx, const store::TenantScope& scope) {
    return WebhookService::rotate_secret(tx, scope, endpoint.endpoint.public_id, 0, *secret_box_);
  });
  ASSERT_TRUE(ended.ok());
  make_videos(tenant_a_, 1);
  fan_out(dispatcher);
  ASSERT_TRUE(deliver_until(dispatcher, [&] { return receiver_.received().size() >= 2; }));
  hook = receiver_.received().back();
  EXPECT_EQ(hook.signature.find(' '), std::string::npos) << hook.signature;
  EXPECT_TRUE(python_verifies(ended->secret, hook, dir));
  EXPECT_FALSE(python_verifies(rotated->secret, hook, dir));
}

TEST_P(WebhookDeliveryTest, OrderIsKeptPerEndpointAcrossA500AndItsRetry) {
  NARRALYTICA_WEBHOOK_TEST();
  add_endpoint(tenant_a_, receiver_.url("/one"));
  add_endpoint(tenant_a_, receiver_.url("/two"));
  constexpr int kEvents = 12;
  make_videos(tenant_a_, kEvents);
  std::mutex mutex;
  std::map<std::string, int> seen;  // webhook-id -> times
  receiver_.set_responder([&](const ReceivedHook& hook) {
    std::lock_guard lock(mutex);
    // The fourth event ("video 3") to /one fails twice with a 500, then succeeds.
    const int times = ++seen[hook.id];
    return hook.target == "/one" && hook.body.find("video 3\"") != std::string::npos && times <= 2
               ? HookReply{500, std::nullopt, "boom"}
               : HookReply{};
  });
  app::WebhookDispatcher dispatcher(db_->app(), fast_options());
  fan_out(dispatcher);
  ASSERT_TRUE(deliver_until(dispatcher, [&] { return count("webhook_deliveries", "status = 'pending'") == 0; }));
  const auto hooks = receiver_.received();
  std::map<std::string, std::vector<ReceivedHook>> by_target;
  for (const auto& h : hooks) by_target[h.target].push_back(h);
  ASSERT_EQ(by_target["/one"].size(), kEvents + 2u) << "two retries after the 500s";
  ASSERT_EQ(by_target["/two"].size(), static_cast<std::size_t>(kEvents));
  for (const auto& [target, list] : by_target) {
    std::int64_t last = 0;
    for (const auto& h : list) {
      EXPECT_GE(position_of(h), last) << target << ": feed order per endpoint";
      last = position_of(h);
    }
  }
  // The failing delivery was retried with the same id and body, and nothing after it came first.
  const auto& one = by_target["/one"];
  EXPECT_EQ(one[3].id, one[4].id);
  EXPECT_EQ(one[4].id, one[5].id);
  EXPECT_EQ(one[3].body, one[5].body);
  EXPECT_EQ(count("webhook_attempts", "status_code = 500"), 2);
  EXPECT_EQ(count("webhook_deliveries", "status = 'delivered'"), 2 * kEvents);
}

TEST_P(WebhookDeliveryTest, A410DisablesTheEndpointAndItReceivesNothingMore) {
  NARRALYTICA_WEBHOOK_TEST();
  const auto endpoint = add_endpoint(tenant_a_, receiver_.url());
  receiver_.set_responder([](const ReceivedHook&) { return HookReply{410, std::nullopt, "gone"}; });
  make_videos(tenant_a_, 3);
  app::WebhookDispatcher dispatcher(db_->app(), fast_options());
  fan_out(dispatcher);
  ASSERT_TRUE(deliver_until(dispatcher, [&] { return count("webhook_endpoints", "disabled_reason = 'gone'") == 1; }));
  make_videos(tenant_a_, 2);
  fan_out(dispatcher);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(dispatcher.deliver_due().ok());
  EXPECT_EQ(receiver_.received().size(), 1u) << "one attempt, then nothing";
  EXPECT_EQ(count("webhook_deliveries", "status = 'failed'"), 1);
  EXPECT_EQ(count("webhook_deliveries"), 3) << "a disabled endpoint gets no new deliveries";
  EXPECT_EQ(count("audit_logs", "action = 'webhook.disabled'"), 1);
  auto shown = in_tenant(tenant_a_, [&](store::Transaction& tx, const store::TenantScope& scope) {
    return WebhookService::get(tx, scope, endpoint.endpoint.public_id);
  });
  ASSERT_TRUE(shown.ok());
  EXPECT_FALSE(shown->enabled);
  EXPECT_EQ(shown->disabled_reason.value_or(""), "gone");
}

TEST_P(WebhookDeliveryTest, RetryAfterOn429IsHonoured) {
  NARRALYTICA_WEBHOOK_TEST();
  add_endpoint(tenant_a_, receiver_.url());
  std::atomic<int> calls{0};
  receiver_.set_responder([&](const ReceivedHook&) {
    return ++calls == 1 ? HookReply{429, std::string("2"), "slow down"} : HookReply{};
  });
  make_videos(tenant_a_, 1);
  app::WebhookDispatcher dispatcher(db_->app(), fast_options());
  fan_out(dispatcher);
  ASSERT_TRUE(deliver_until(dispatcher, [&] { return receiver_.received().size() >= 1; }));
  // The schedule says 20 ms; Retry-After says 2 s, and wins.
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(dispatcher.deliver_due().ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  EXPECT_EQ(receiver_.received().size(), 1u) << "no retry before Retry-After";
  EXPECT_EQ(count("webhook_deliveries", "status = 'pending' AND next_attempt_at - updated_at >= 2000000"), 1);
  ASSERT_TRUE(deliver_until(dispatcher, [&] { return receiver_.received().size() >= 2; }));
  const auto hooks = receiver_.received();
  EXPECT_GE(hooks[1].at - hooks[0].at, std::chrono::milliseconds(1900));
  EXPECT_EQ(hooks[0].id, hooks[1].id);
}

TEST_P(WebhookDeliveryTest, PersistentFailureEndsTheScheduleAndDisables) {
  NARRALYTICA_WEBHOOK_TEST();
  add_endpoint(tenant_a_, receiver_.url());
  receiver_.set_responder([](const ReceivedHook&) { return HookReply{500, std::nullopt, std::string(5000, 'x')}; });
  make_videos(tenant_a_, 2);
  app::WebhookDispatcher dispatcher(db_->app(), fast_options());
  fan_out(dispatcher);
  ASSERT_TRUE(
      deliver_until(dispatcher, [&] { return count("webhook_endpoints", "disabled_reason = 'failing'") == 1; }));
  EXPECT_EQ(receiver_.received().size(), 4u) << "the first attempt and three retries";
  EXPECT_EQ(count("webhook_attempts"), 4);
  EXPECT_EQ(count("webhook_deliveries", "status = 'failed'"), 1);
  EXPECT_EQ(count("webhook_deliveries", "status = 'pending'"), 1) << "held for when it is enabled again";
  EXPECT_EQ(count("webhook_attempts", "length(response_body) = 1024"), 4) << "answers kept up to 1 KiB";
}

TEST_P(WebhookDeliveryTest, ADisabledEndpointReceivesNothingAndTenantsStayApart) {
  NARRALYTICA_WEBHOOK_TEST();
  add_endpoint(tenant_a_, receiver_.url("/a-disabled"), {}, false);
  add_endpoint(tenant_b_, receiver_.url("/b"));
  add_endpoint(tenant_a_, receiver_.url("/a-transcripts"), {"transcript.*"});
  make_videos(tenant_a_, 4, "A-only");
  make_videos(tenant_b_, 1, "B-own");
  app::WebhookDispatcher dispatcher(db_->app(), fast_options());
  fan_out(dispatcher);
  ASSERT_TRUE(deliver_until(dispatcher, [&] { return receiver_.received().size() >= 1; }));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(dispatcher.deliver_due().ok());
  const auto hooks = receiver_.received();
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(hooks[0].target, "/b");
  EXPECT_NE(hooks[0].body.find("B-own"), std::string::npos);
  EXPECT_EQ(hooks[0].body.find("A-only"), std::string::npos);
  EXPECT_EQ(count("webhook_deliveries"), 1);
}

TEST_P(WebhookDeliveryTest, TheAddressGuardRefusesLoopbackUntilTheDeploymentAllowsIt) {
  NARRALYTICA_WEBHOOK_TEST();
  add_endpoint(tenant_a_, receiver_.url());
  add_endpoint(tenant_a_, "http://localhost:" + std::to_string(receiver_.port()) + "/by-name");
  make_videos(tenant_a_, 1);
  app::WebhookDispatcher guarded(db_->app(), fast_options(false));
  fan_out(guarded);
  ASSERT_TRUE(guarded.deliver_due().ok());
  EXPECT_TRUE(receiver_.received().empty()) << "nothing reached the loopback receiver";
  EXPECT_EQ(count("webhook_attempts", "status_code IS NULL AND error LIKE 'refused: 127.0.0.1 resolves to 127.0.0.1 is "
                                      "loopback%'"),
            1);
  EXPECT_EQ(count("webhook_attempts", "status_code IS NULL AND error LIKE 'refused: localhost resolves to % is "
                                      "loopback%'"),
            1);
  // The deployment allows it explicitly (--webhooks-allow-private): the retries get through.
  app::WebhookDispatcher allowed(db_->app(), fast_options(true));
  ASSERT_TRUE(deliver_until(allowed, [&] { return receiver_.received().size() >= 2; }));
  EXPECT_EQ(count("webhook_deliveries", "status = 'delivered'"), 2);
}

TEST_P(WebhookDeliveryTest, ReplayAndRetrySendTheSameIdAndBodyAgainInOrder) {
  NARRALYTICA_WEBHOOK_TEST();
  const auto endpoint = add_endpoint(tenant_a_, receiver_.url());
  make_videos(tenant_a_, 5);
  app::WebhookDispatcher dispatcher(db_->app(), fast_options());
  fan_out(dispatcher);
  ASSERT_TRUE(deliver_until(dispatcher, [&] { return receiver_.received().size() >= 5; }));
  const auto first = receiver_.received();
  const std::int64_t third = position_of(first[2]);
  auto replayed = in_tenant(tenant_a_, [&](store::Transaction& tx, const store::TenantScope& scope) {
    return WebhookService::replay(tx, scope, endpoint.endpoint.public_id, third);
  });
  ASSERT_TRUE(replayed.ok()) << replayed.error().describe();
  EXPECT_EQ(replayed->requeued, 3);
  EXPECT_EQ(replayed->queued, 0);
  ASSERT_TRUE(deliver_until(dispatcher, [&] { return receiver_.received().size() >= 8; }));
  auto hooks = receiver_.received();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(hooks[5 + i].id, first[2 + i].id);
    EXPECT_EQ(hooks[5 + i].body, first[2 + i].body);
  }
  // Replay from 0 covers events from before the endpoint existed, as new deliveries.
  const auto earlier = add_endpoint(tenant_a_, receiver_.url("/late"), {"video.*"});
  auto from_start = in_tenant(tenant_a_, [&](store::Transaction& tx, const store::TenantScope& scope) {
    return WebhookService::replay(tx, scope, earlier.endpoint.public_id, 0);
  });
  ASSERT_TRUE(from_start.ok());
  EXPECT_EQ(from_start->queued, 5);
  ASSERT_TRUE(deliver_until(dispatcher, [&] { return receiver_.received().size() >= 13; }));
  // One delivery again by its id.
  auto page = in_tenant(tenant_a_, [&](store::Transaction& tx, const store::TenantScope& scope) {
    return WebhookService::deliveries(tx, scope, endpoint.endpoint.public_id, store::PageRequest{});
  });
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 5u);
  const store::WebhookDelivery newest = page->items.front();
  EXPECT_EQ(newest.status, "delivered");
  EXPECT_EQ(newest.recent_attempts.size(), 2u);
  auto retried = in_tenant(tenant_a_, [&](store::Transaction& tx, const store::TenantScope& scope) {
    return WebhookService::retry_delivery(tx, scope, newest.public_id);
  });
  ASSERT_TRUE(retried.ok());
  ASSERT_TRUE(deliver_until(dispatcher, [&] { return receiver_.received().size() >= 14; }));
  EXPECT_EQ(receiver_.received().back().id, "msg_" + newest.public_id.to_string());
  EXPECT_EQ(count("audit_logs", "action IN ('webhook.replayed', 'webhook.delivery_retried')"), 3);
}

TEST_P(WebhookDeliveryTest, BadInputNamesTheField) {
  NARRALYTICA_WEBHOOK_TEST();
  auto create = [&](app::WebhookDraft draft) {
    return in_tenant(tenant_a_, [&](store::Transaction& tx, const store::TenantScope& scope) {
      return WebhookService::create(tx, scope, draft, *secret_box_);
    });
  };
  auto bad_url = create({"ftp://example.com/x", "", {}, true});
  ASSERT_FALSE(bad_url.ok());
  EXPECT_EQ(bad_url.error().field, "url");
  auto bad_type = create({"https://example.com/x", "", {"video.created", "video.exploded"}, true});
  ASSERT_FALSE(bad_type.ok());
  EXPECT_EQ(bad_type.error().field, "event_types[1]");
  EXPECT_NE(bad_type.error().message.find("video.exploded"), std::string::npos);
  auto bad_entity = create({"https://example.com/x", "", {"nothing.*"}, true});
  ASSERT_FALSE(bad_entity.ok());
  EXPECT_EQ(bad_entity.error().field, "event_types[0]");
  EXPECT_TRUE(create({"https://example.com/x", "", {"video.*", "transcript.created", "*"}, true}).ok());
  EXPECT_EQ(count("webhook_endpoints"), 1);
  EXPECT_EQ(count("audit_logs", "action = 'webhook.created'"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookDeliveryTest, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
