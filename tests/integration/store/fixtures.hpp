// Shared set-up for store tests: two tenants (A and B) created by the operator, each with an
// owner, so tests can check what one tenant's scope can and cannot reach.
#pragma once

#include "store/identity/authorizer.hpp"
#include "store/identity/membership_repository.hpp"
#include "store/media/transcript_repository.hpp"
#include "store/tenancy/tenant_repository.hpp"
#include "support/test_database.hpp"

namespace narralytica::testing {

inline store::Principal test_operator() { return store::Principal::operator_cli("cli:test"); }

inline store::Tenant create_tenant(store::Database& db, const std::string& slug) {
  auto tx = store::Transaction::begin(db, store::TxMode::write);
  EXPECT_TRUE(tx.ok());
  auto created = store::TenantRepository::create(*tx, store::SystemScope::because(test_operator().actor), slug,
                                                 "Tenant " + slug);
  EXPECT_TRUE(created.ok()) << created.error().describe();
  EXPECT_TRUE(tx->commit().ok());
  return created->first;
}

// A scope for the operator in `tenant`, inside `tx`.
inline store::TenantScope operator_scope(store::Transaction& tx, const store::Tenant& tenant) {
  auto scope = store::Authorizer::authorize(tx, test_operator(), tenant, {"write", "videos"});
  EXPECT_TRUE(scope.ok());
  return std::move(scope).value();
}

inline store::TranscriptDraft sample_transcript(int segments, const std::string& language = "en") {
  store::TranscriptDraft draft;
  draft.language = language;
  draft.origin = "asr";
  draft.engine = "whisper";
  for (int i = 0; i < segments; ++i) {
    store::SegmentDraft s;
    s.start_ms = i * 1000;
    s.end_ms = i * 1000 + 900;
    s.text = "segment number " + std::to_string(i);
    s.speaker_label = i % 2 ? "SPEAKER_01" : "SPEAKER_00";
    s.confidence = 0.9;
    s.words_json = R"([{"w":"segment","s":)" + std::to_string(i * 1000) + "}]";
    draft.segments.push_back(s);
  }
  return draft;
}

// Rows in `table` (owner connection, so row-level security does not hide any).
inline std::int64_t count_rows(store::Database& owner, const std::string& table, const std::string& where = "") {
  auto lease = owner.acquire();
  auto s = (*lease)->prepare("SELECT count(*) FROM " + table + (where.empty() ? "" : " WHERE " + where));
  EXPECT_TRUE(s.ok()) << s.error().describe();
  auto row = (*s)->step();
  EXPECT_TRUE(row.ok() && *row);
  const auto n = (*s)->column_int64(0);
  (*s)->reset();
  return n;
}

}  // namespace narralytica::testing
