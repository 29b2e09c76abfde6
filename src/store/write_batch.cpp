#include "store/write_batch.hpp"

#include "store/group_sync.hpp"

namespace narralytica::store {

WriteBatch::WriteBatch(Database& database, GroupSync& group, WriteBatchLimits limits)
    : database_(database), group_(group), limits_(limits) {}

WriteBatch::~WriteBatch() {
  if (lease_) (void)commit_open_batch();
}

Result<WriteBatch::Member> WriteBatch::join() {
  ASSIGN_OR_RETURN(WriteTurn::Hold turn, turn_.take());
  // From here this member alone touches the batch's connection and counters, until end_turn().
  Member member(this, std::move(turn));
  if (!lease_) {
    if (auto begun = begin_batch(); !begun.ok()) {
      member.state_ = Member::State::rolled_back;  // nothing to undo; the destructor ends the turn
      return std::move(begun).error();
    }
  }
  if (auto opened = lease_->savepoint(); !opened.ok()) {
    member.state_ = Member::State::rolled_back;
    return std::move(opened).error();
  }
  ++members_;
  members_total_.fetch_add(1, std::memory_order_relaxed);
  return member;
}

Status WriteBatch::wait_durable(std::uint64_t sequence) { return group_.wait(sequence); }

Status WriteBatch::begin_batch() {
  ASSIGN_OR_RETURN(ConnectionLease lease, database_.acquire());
  RETURN_IF_ERROR(lease->begin(true));
  lease_ = std::move(lease);
  members_ = 0;
  opened_ = std::chrono::steady_clock::now();
  return ok_status();
}

Status WriteBatch::commit_open_batch() {
  // A failed COMMIT fails the group (the connection sees to it): every answer still held for
  // the batch's members, whose changes were reported written, then says so.
  Status committed = lease_->commit();
  commits_.fetch_add(1, std::memory_order_relaxed);
  lease_ = ConnectionLease();
  return committed;
}

void WriteBatch::end_turn() {
  // The turn is still held: lease_ and the counters are this thread's.
  const bool full =
      members_ >= limits_.members_max || std::chrono::steady_clock::now() - opened_ >= limits_.open_max;
  if (lease_ && (turn_.waiting() == 0 || full)) (void)commit_open_batch();
}

WriteBatch::Member::~Member() {
  if (!batch_) return;
  if (state_ == State::open) (void)rollback();
  batch_->end_turn();
}

Status WriteBatch::Member::release() {
  if (!batch_ || state_ != State::open) return make_error(ErrorCode::internal, "this batch member has ended");
  RETURN_IF_ERROR(batch_->lease_->release_savepoint());
  state_ = State::released;
  return ok_status();
}

// A member that ended (released, committed with its batch, or moved from) has nothing to undo.
Status WriteBatch::Member::rollback() {
  if (!batch_ || state_ != State::open) return ok_status();
  state_ = State::rolled_back;
  return batch_->lease_->rollback_to_savepoint();
}

Result<std::uint64_t> WriteBatch::Member::commit_batch() {
  RETURN_IF_ERROR(release());
  RETURN_IF_ERROR(batch_->commit_open_batch());
  // Nothing else writes while the turn is held: the newest number is the batch's.
  return batch_->group_.begun();
}

}  // namespace narralytica::store
