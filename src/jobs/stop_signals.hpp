// Graceful stop on SIGTERM/SIGINT for processes that run a WorkerPool (`narralytica worker`,
// `serve --workers`, the test worker). The signals are blocked in every thread and received
// synchronously by the thread that waits, so no work happens inside a signal handler.
#pragma once

namespace narralytica::jobs {

// Blocks SIGTERM and SIGINT in the calling thread and in threads it creates afterwards. Call
// before starting the pool.
void block_stop_signals();

// Waits until SIGTERM or SIGINT arrives (after block_stop_signals); returns the signal number.
int wait_for_stop_signal();

}  // namespace narralytica::jobs
