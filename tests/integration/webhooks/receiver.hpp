// A webhook receiver on a loopback port chosen by the system, for the delivery tests and the
// benchmark: it records every request it gets (target, the Standard Webhooks headers, body) and
// answers what the test's responder says (200 by default). Keep-alive connections, one thread
// each. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace narralytica::testing {

struct ReceivedHook {
  std::string target;
  std::string id;         // webhook-id
  std::string timestamp;  // webhook-timestamp
  std::string signature;  // webhook-signature
  std::string body;
  std::chrono::steady_clock::time_point at;
};

struct HookReply {
  int status = 200;
  std::optional<std::string> retry_after;
  std::string body = "ok";
};

class HookReceiver {
 public:
  HookReceiver();
  ~HookReceiver();
  HookReceiver(const HookReceiver&) = delete;
  HookReceiver& operator=(const HookReceiver&) = delete;

  std::uint16_t port() const;
  // "http://127.0.0.1:PORT" + path.
  std::string url(const std::string& path = "/hook") const;
  // Decides each answer (called on the connection's thread, under no lock of the receiver).
  void set_responder(std::function<HookReply(const ReceivedHook&)> responder);
  // Every request so far, in arrival order.
  std::vector<ReceivedHook> received() const;
  // Waits until at least `count` requests arrived; false after `timeout`.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace narralytica::testing
