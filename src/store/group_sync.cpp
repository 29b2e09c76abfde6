#include "store/group_sync.hpp"

#include <algorithm>
#include <utility>

namespace narralytica::store {

GroupSync::GroupSync(std::function<Status()> sync) : sync_(std::move(sync)) {
  thread_ = std::thread([this] { run(); });
}

GroupSync::~GroupSync() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_one();
  thread_.join();
}

std::uint64_t GroupSync::commit_begun() { return begun_.fetch_add(1, std::memory_order_acq_rel) + 1; }

void GroupSync::commit_ended(std::uint64_t sequence) {
  {
    std::lock_guard lock(mutex_);
    ended_ = std::max(ended_, sequence);
  }
  work_.notify_one();
}

Status GroupSync::failure() const {
  std::lock_guard lock(mutex_);
  return outcome_locked();
}

Status GroupSync::outcome_locked() const {
  if (failed_) return *failed_;
  return ok_status();
}

// A commit that became durable before a later sync failed stays durable: only what the failed
// sync should have covered, and everything after it, is reported as not durable.
Status GroupSync::wait(std::uint64_t sequence) {
  if (durable(sequence)) return ok_status();
  std::unique_lock lock(mutex_);
  durable_.wait(lock, [&] { return failed_ || durable(sequence); });
  if (durable(sequence)) return ok_status();
  return outcome_locked();
}

void GroupSync::when_durable(std::uint64_t sequence, std::function<void(const Status&)> done) {
  Status outcome = ok_status();
  {
    std::lock_guard lock(mutex_);
    if (!durable(sequence)) {
      if (!failed_) {
        waiters_.push_back(Waiter{sequence, std::move(done)});
        return;
      }
      outcome = *failed_;
    }
  }
  done(outcome);
}

void GroupSync::fail_next_sync(Error error) {
  std::lock_guard lock(mutex_);
  fail_next_ = std::move(error);
}

void GroupSync::fail(Error error) {
  std::vector<Waiter> told;
  Status outcome = ok_status();
  {
    std::lock_guard lock(mutex_);
    if (!failed_) {
      error.code = ErrorCode::unavailable;
      failed_ = std::move(error);
    }
    told = std::move(waiters_);
    waiters_.clear();
    outcome = *failed_;
  }
  durable_.notify_all();
  work_.notify_one();
  for (auto& waiter : told) waiter.done(outcome);
}

void GroupSync::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    work_.wait(lock, [&] { return stopping_ || (!failed_ && ended_ > synced_.load()); });
    if (failed_ || ended_ <= synced_.load()) {
      if (stopping_) break;
      continue;
    }
    // Everything ended by now has written its frames; one sync makes all of it durable. Commits
    // that end while it runs wait for the next one, which covers them all.
    const std::uint64_t target = ended_;
    std::optional<Error> injected = std::exchange(fail_next_, std::nullopt);
    lock.unlock();
    Status synced = injected ? Status(std::move(*injected)) : sync_();
    syncs_.fetch_add(1, std::memory_order_relaxed);
    lock.lock();
    if (synced.ok()) {
      synced_.store(target, std::memory_order_release);
    } else {
      Error error = std::move(synced).error();
      error.code = ErrorCode::unavailable;
      error.message = "the database's write-ahead log could not be made durable (" + error.message +
                      "); changes since the last good sync may be lost: restart the server";
      failed_ = std::move(error);
    }
    std::vector<Waiter> ready;
    std::vector<Waiter> later;
    for (auto& waiter : waiters_) {
      (failed_ || waiter.sequence <= target ? ready : later).push_back(std::move(waiter));
    }
    waiters_ = std::move(later);
    const Status outcome = outcome_locked();
    lock.unlock();
    durable_.notify_all();
    for (auto& waiter : ready) waiter.done(outcome);
    lock.lock();
  }
  // Whoever still waits (after a failure, or for a commit that never ended) is told it is not
  // durable: nobody is left to make it so.
  std::vector<Waiter> left = std::move(waiters_);
  const Status outcome = failed_ ? Status(*failed_)
                                 : Status(make_error(ErrorCode::unavailable,
                                                     "the database was closed before this change was made durable"));
  lock.unlock();
  for (auto& waiter : left) waiter.done(outcome);
}

}  // namespace narralytica::store
