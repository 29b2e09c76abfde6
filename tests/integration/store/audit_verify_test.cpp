// Proves that verifying the audit chain names the first tampered record among 100,000 of one
// tenant, in each way a record can be tampered with (as a superuser could, past the append-only
// triggers): one record's content changed ("changed", that record), two neighbours reordered
// ("unlinked", the first of the swapped pair), one record deleted ("unlinked", the record after
// it); and that undoing the change and the reordering gives an intact chain again. Both backends.
#include <gtest/gtest.h>

#include "app/admin.hpp"
#include "app/audit_service.hpp"
#include "core/hashing.hpp"
#include "integration/store/fixtures.hpp"
#include "store/outbox.hpp"

namespace narralytica {
namespace {

using store::Backend;
using namespace narralytica::testing;

constexpr std::int64_t kRecords = 100'000;
constexpr std::size_t kRowsPerInsert = 1000;

class AuditVerifyTest : public ::testing::TestWithParam<Backend> {};

Status execute(store::Database& database, const std::string& sql) {
  auto lease = database.acquire();
  if (!lease.ok()) return std::move(lease).error();
  return (*lease)->execute_script(sql);
}

std::string blob(Backend backend, std::string_view bytes) {
  return backend == Backend::sqlite ? "X'" + to_hex(bytes) + "'" : "'\\x" + to_hex(bytes) + "'::bytea";
}

std::string uuid_literal(Backend backend, const Uuid& id) {
  return backend == Backend::sqlite ? blob(backend, id.byte_view()) : "'" + id.to_string() + "'::uuid";
}

// The chain of `tenant_id` as the verifier sees it, oldest first: public ids only.
std::vector<Uuid> chain_ids(store::Database& database, std::int64_t tenant_id) {
  std::vector<Uuid> ids;
  auto lease = database.acquire();
  EXPECT_TRUE(lease.ok());
  auto s = (*lease)->prepare("SELECT public_id FROM audit_logs WHERE tenant_id = $1 ORDER BY id");
  EXPECT_TRUE(s.ok());
  (*s)->bind_int64(1, tenant_id);
  while (*(*s)->step()) ids.push_back((*s)->column_uuid(0));
  (*s)->reset();
  return ids;
}

TEST_P(AuditVerifyTest, NamesTheFirstChangedReorderedOrDeletedRecordAmong100000) {
  NARRALYTICA_TEST_DB(db, GetParam());
  const Backend backend = GetParam();
  const auto principal = store::Principal::operator_cli("cli:test");
  app::AdminService admin(db->app(), principal);
  auto tenant = admin.create_tenant("audited", "Audited");
  ASSERT_TRUE(tenant.ok()) << tenant.error().describe();

  // Append kRecords records to the tenant's chain, hashed as the store hashes them, in
  // multi-row INSERTs (the outbox's one statement per record would take minutes here).
  std::string prev;
  {
    auto lease = db->owner().acquire();
    auto head = (*lease)->prepare("SELECT hash FROM audit_logs WHERE tenant_id = $1 ORDER BY id DESC LIMIT 1");
    ASSERT_TRUE(head.ok());
    (*head)->bind_int64(1, tenant->id);
    prev = *(*head)->step() ? (*head)->column_blob(0) : std::string(32, '\0');
    (*head)->reset();
  }
  FakeClock clock(1'700'000'000'000'000);
  SeededRandom random(17);
  std::string sql;
  for (std::int64_t i = 0; i < kRecords; ++i) {
    store::AuditHashInput in;
    in.prev_hash = prev;
    in.public_id = Uuid::v7(clock, random);
    in.tenant_id = tenant->id;
    in.actor = "test";
    in.action = "video.update";
    in.resource_type = "video";
    in.outcome = "allowed";
    in.details_json = "{\"n\":" + std::to_string(i) + "}";
    in.created_at = clock.now_us() + i;
    const std::string hash = store::audit_hash(in);
    if (sql.empty()) {
      sql = "INSERT INTO audit_logs (public_id, tenant_id, actor, action, resource_type, outcome, details, "
            "prev_hash, hash, created_at) VALUES ";
    } else {
      sql += ',';
    }
    sql += "(" + uuid_literal(backend, in.public_id) + "," + std::to_string(tenant->id) + ",'test','video.update',"
           "'video','allowed','" + in.details_json + "'," + blob(backend, prev) + "," + blob(backend, hash) + "," +
           std::to_string(in.created_at) + ")";
    prev = hash;
    if ((i + 1) % kRowsPerInsert == 0 || i + 1 == kRecords) {
      ASSERT_TRUE(execute(db->owner(), sql).ok());
      sql.clear();
    }
  }
  const std::vector<Uuid> ids = chain_ids(db->owner(), tenant->id);
  ASSERT_GT(ids.size(), static_cast<std::size_t>(kRecords));
  const auto total = static_cast<std::int64_t>(ids.size());

  auto verify = [&]() {
    auto reports = app::AuditService::verify_all(db->app(), principal, std::string("audited"));
    EXPECT_TRUE(reports.ok()) << reports.error().describe();
    EXPECT_EQ(reports->size(), 1u);
    return reports->front().verification;
  };
  store::ChainVerification intact = verify();
  EXPECT_EQ(intact.records, total);
  EXPECT_FALSE(intact.first_broken.has_value());

  // Past the append-only guards, as a superuser could; PostgreSQL's ids are also made writable.
  ASSERT_TRUE(execute(db->owner(), backend == Backend::sqlite
                                       ? "DROP TRIGGER audit_logs_no_update; DROP TRIGGER audit_logs_no_delete"
                                       : "ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only; "
                                         "ALTER TABLE audit_logs ALTER COLUMN id SET GENERATED BY DEFAULT")
                  .ok());
  auto where = [&](std::int64_t index) { return " WHERE public_id = " + uuid_literal(backend, ids[index]); };

  // Changed: one record's action.
  const std::int64_t changed = 61'803;
  ASSERT_TRUE(execute(db->owner(), "UPDATE audit_logs SET action = 'video.viewed'" + where(changed)).ok());
  store::ChainVerification after_change = verify();
  ASSERT_TRUE(after_change.first_broken.has_value());
  EXPECT_EQ(*after_change.first_broken, ids[changed]);
  EXPECT_EQ(after_change.reason, "changed");
  EXPECT_EQ(after_change.first_broken_index, changed);
  EXPECT_EQ(after_change.records, total);
  ASSERT_TRUE(execute(db->owner(), "UPDATE audit_logs SET action = 'video.update'" + where(changed)).ok());
  EXPECT_FALSE(verify().first_broken.has_value()) << "undone";

  // Reordered: two neighbours swap places in id order.
  const std::int64_t swapped = 27'182;
  const std::string id_of = "(SELECT id FROM audit_logs" + where(swapped) + ")";
  const std::string id_of_next = "(SELECT id FROM audit_logs" + where(swapped + 1) + ")";
  auto swap = [&] {
    std::int64_t a = 0, b = 0;
    auto lease = db->owner().acquire();
    auto s = (*lease)->prepare("SELECT " + id_of + ", " + id_of_next);
    ASSERT_TRUE(s.ok() && *(*s)->step());
    a = (*s)->column_int64(0);
    b = (*s)->column_int64(1);
    (*s)->reset();
    ASSERT_TRUE((*lease)->execute_script("UPDATE audit_logs SET id = -1 WHERE id = " + std::to_string(a) +
                                         "; UPDATE audit_logs SET id = " + std::to_string(a) + " WHERE id = " +
                                         std::to_string(b) + "; UPDATE audit_logs SET id = " + std::to_string(b) +
                                         " WHERE id = -1")
                    .ok());
  };
  swap();
  store::ChainVerification after_swap = verify();
  ASSERT_TRUE(after_swap.first_broken.has_value());
  EXPECT_EQ(*after_swap.first_broken, ids[swapped + 1]) << "the later record, now first of the pair";
  EXPECT_EQ(after_swap.reason, "unlinked");
  EXPECT_EQ(after_swap.first_broken_index, swapped);
  swap();
  EXPECT_FALSE(verify().first_broken.has_value()) << "undone";

  // Deleted: one record goes; the one after it no longer follows its predecessor.
  const std::int64_t deleted = 31'415;
  ASSERT_TRUE(execute(db->owner(), "DELETE FROM audit_logs" + where(deleted)).ok());
  store::ChainVerification after_delete = verify();
  ASSERT_TRUE(after_delete.first_broken.has_value());
  EXPECT_EQ(*after_delete.first_broken, ids[deleted + 1]);
  EXPECT_EQ(after_delete.reason, "unlinked");
  EXPECT_EQ(after_delete.first_broken_index, deleted);
  EXPECT_EQ(after_delete.records, total - 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditVerifyTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         testing::backend_name);

}  // namespace
}  // namespace narralytica
