// Proves webhook delivery is crash-safe, on both backends: the real `narralytica worker` delivers
// 300 events to a loopback receiver while the harness SIGKILLs it at seeded random moments (a
// bounded number of times, each while it is posting) and starts it again, as the job queue's crash harness
// (tests/integration/jobs/crash_test.cpp) does. At the end nothing is lost (every event has
// exactly one delivery, delivered, and the receiver saw every webhook-id), and nothing is
// delivered twice under one webhook-id with different content (a repeat after a kill carries the
// same body: receivers deduplicate by webhook-id). Each endpoint's first arrivals are in feed order.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>

#include "webhook_fixture.hpp"

#ifndef NARRALYTICA_BINARY
#error "NARRALYTICA_BINARY must name the narralytica executable"
#endif

namespace narralytica::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kEvents = 300;
constexpr int kKills = 5;
constexpr auto kDeadline = std::chrono::seconds(90);

pid_t spawn_worker(const std::string& url, const std::string& data_dir) {
  // As in the job crash harness: stop signals blocked across fork and exec, so a SIGTERM sent
  // while the child starts waits for the worker's own sigwait.
  sigset_t stop;
  sigset_t previous;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, &previous);
  const pid_t pid = fork();
  if (pid == 0) {
    // The fixture's data directory: the worker signs with the key the endpoints were sealed with.
    execl(NARRALYTICA_BINARY, NARRALYTICA_BINARY, "--db", url.c_str(), "worker", "--data-dir", data_dir.c_str(),
          "--concurrency", "1",
          "--lease-seconds", "1", "--webhooks-allow-private", "--webhooks-retry-schedule", "0.05,0.05,0.05,0.05,0.05",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return pid;
}

std::int64_t position_of(const ReceivedHook& hook) {
  const auto at = hook.body.find("\"event_position\":");
  return at == std::string::npos ? -1 : std::atoll(hook.body.c_str() + at + 17);
}

class WebhookCrashTest : public WebhookTest {};

TEST_P(WebhookCrashTest, KilledWorkersLoseNoDeliveryAndRepeatOnlyTheSameContent) {
  NARRALYTICA_WEBHOOK_TEST();
  add_endpoint(tenant_a_, receiver_.url("/crash"));
  // A little work per answer, so that kills land in the middle of rounds.
  receiver_.set_responder([](const ReceivedHook&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return HookReply{};
  });
  make_videos(tenant_a_, kEvents, "crash");

  pid_t worker = spawn_worker(db_->url(), data_dir_.path().string());
  SeededRandom random(20261206);
  int kills_with_work_left = 0;
  for (int round = 0; round < kKills; ++round) {
    // Killed while posting: once this worker has posted something, at a random moment after.
    const std::size_t before = receiver_.received().size();
    if (before >= static_cast<std::size_t>(kEvents)) break;
    receiver_.wait_for(before + 1, std::chrono::seconds(30));
    std::this_thread::sleep_for(std::chrono::milliseconds(random.next_u64() % 150));
    if (receiver_.received().size() < static_cast<std::size_t>(kEvents)) ++kills_with_work_left;
    ASSERT_EQ(kill(worker, SIGKILL), 0);
    int status = 0;
    waitpid(worker, &status, 0);
    worker = spawn_worker(db_->url(), data_dir_.path().string());
  }
  const auto started = Clock::now();
  while (Clock::now() - started < kDeadline &&
         count("webhook_deliveries", "status = 'delivered'") < kEvents) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(worker, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(worker, &status, 0), worker);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a graceful stop exits 0";

  EXPECT_EQ(count("webhook_deliveries"), kEvents) << "one delivery per event";
  EXPECT_EQ(count("webhook_deliveries", "status = 'delivered'"), kEvents) << "none lost";
  const auto hooks = receiver_.received();
  std::map<std::string, std::string> body_of;  // webhook-id -> body
  std::set<std::int64_t> positions;
  std::int64_t last_first_arrival = 0;
  int repeats = 0;
  for (const ReceivedHook& hook : hooks) {
    auto [it, first] = body_of.emplace(hook.id, hook.body);
    if (!first) {
      ++repeats;
      EXPECT_EQ(it->second, hook.body) << "a repeat of " << hook.id << " carries the same body";
      continue;
    }
    EXPECT_GT(position_of(hook), last_first_arrival) << "first arrivals in feed order";
    last_first_arrival = position_of(hook);
    positions.insert(position_of(hook));
  }
  EXPECT_EQ(body_of.size(), static_cast<std::size_t>(kEvents)) << "every event arrived under one webhook-id";
  EXPECT_EQ(positions.size(), static_cast<std::size_t>(kEvents));
  EXPECT_GE(kills_with_work_left, 3) << "the kills interrupted deliveries, or the harness proved nothing";
  std::printf("webhook crash harness (%s): %d events, %d kills (%d with work left), %zu posts received, %d repeats "
              "of an id (same body each time)\n",
              store::to_string(GetParam()), kEvents, kKills, kills_with_work_left, hooks.size(), repeats);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookCrashTest, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         backend_name);

}  // namespace
}  // namespace narralytica::testing
