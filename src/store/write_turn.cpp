#include "store/write_turn.hpp"

#include <string>

namespace narralytica::store {

Result<WriteTurn::Hold> WriteTurn::take() {
  std::unique_lock lock(mutex_);
  if (taken_ && holder_ == std::this_thread::get_id()) {
    return make_error(ErrorCode::internal, "a write transaction began inside another on the same thread");
  }
  waiting_.fetch_add(1, std::memory_order_acq_rel);
  const auto free = [&] { return !taken_; };
  bool granted = true;
  if (timeout_) {
    granted = free_.wait_for(lock, *timeout_, free);
  } else {
    free_.wait(lock, free);
  }
  waiting_.fetch_sub(1, std::memory_order_acq_rel);
  if (!granted) {
    return make_error(ErrorCode::unavailable, "the database's write turn was not free within the busy timeout (" +
                                                  std::to_string(timeout_->count()) + " ms)");
  }
  taken_ = true;
  holder_ = std::this_thread::get_id();
  return Hold(this);
}

void WriteTurn::give_back() {
  {
    std::lock_guard lock(mutex_);
    taken_ = false;
    holder_ = std::thread::id();
  }
  free_.notify_one();
}

}  // namespace narralytica::store
