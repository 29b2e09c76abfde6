// The mixed write workload of the server crash harness, and the ledger of what the server
// acknowledged. Each client thread owns its videos (nothing it writes is touched by another
// thread), so the latest acknowledged state of every entity is known exactly. A request that got no
// answer (the server was killed under it) may or may not have committed: the video it touched is
// frozen (never written again), and only what was acknowledged before is checked of it; a delete
// without an answer leaves the video possibly gone.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace narralytica::testing {

inline constexpr const char* kCrashLanguages[] = {"en", "fr", "de"};

struct AckedTranscript {
  std::string id;
  std::string video;
  std::string language;
  std::int64_t revision = 0;
  std::vector<std::string> texts;  // by ordinal, as uploaded or edited
};

struct AckedLayer {
  std::string id;
  std::string transcript;
  std::string video;
  std::int64_t items = 0;
};

struct AckedVideo {
  std::string id;
  std::string title;
  bool deleted = false;        // a DELETE answered 204
  bool maybe_deleted = false;  // a DELETE without an answer
  bool frozen = false;         // a request without an answer touched it: no more writes
  std::map<std::string, std::string> current;  // language -> the newest acknowledged revision's id
};

struct Ledger {
  std::vector<AckedVideo> videos;
  std::map<std::string, AckedTranscript> transcripts;  // by id
  std::vector<AckedLayer> layers;
  std::int64_t counter = 0;       // makes each upload's and edit's words unique to it
  std::int64_t acknowledged = 0;  // writes answered 2xx
  std::int64_t unanswered = 0;    // writes the kill cut off
  std::vector<std::string> refused;  // writes answered neither 2xx nor not at all: a harness or product bug

  const AckedVideo* video(const std::string& id) const;
};

// Sends writes to the server on `port` as `token` until the server stops answering (it was
// killed) or `stop` is set, recording each answer in `ledger` and counting acknowledged writes in
// `acknowledged` too (the harness times its kill by it). `thread` (0-25) names this thread's
// words. Returns true when a request was in flight when the server went away.
bool run_client(std::uint16_t port, const std::string& token, int thread, Ledger& ledger, SeededRandom& random,
                const std::atomic<bool>& stop, std::atomic<std::int64_t>& acknowledged);

// The first word of a segment text the workload wrote (its upload's or edit's unique word).
std::string first_word(const std::string& text);

}  // namespace narralytica::testing
