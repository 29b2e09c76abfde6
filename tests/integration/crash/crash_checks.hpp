// What the server crash harness checks after each restart (tests/integration/crash/
// server_crash_test.cpp), against the database directly (owner connection: nothing hidden) and the
// restarted server: the file is sound (SQLite), every acknowledged write is there as acknowledged,
// nothing is half-written, the event feed has one event per committed change, every audit chain
// verifies, and the search index equals canonical data. Each finding is one line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/search_service.hpp"
#include "crash_workload.hpp"
#include "support/test_database.hpp"

namespace narralytica::testing {

struct CheckTarget {
  TestDatabase& db;
  std::string tenant_slug;
  std::uint16_t port = 0;  // the restarted server
  std::string token;
  app::SearchService& search;  // over the server's data directory
  int probes = 6;              // search probes of acknowledged current transcripts
};

struct CheckReport {
  std::vector<std::string> violations;
  std::int64_t writes_verified = 0;  // acknowledged writes whose effect (or later deletion) was found
  std::int64_t transcripts = 0;      // in the database, acknowledged or not
  std::int64_t events = 0;
  double search_catch_up_ms = 0;
};

CheckReport check_after_restart(const CheckTarget& target, const std::vector<Ledger>& ledgers, SeededRandom& random);

}  // namespace narralytica::testing
