// Proves the repositories' behaviour a user relies on, on both backends: tenants come with their
// roles, users and tokens authenticate (and stop when revoked or expired), videos page by keyset,
// updates refuse a stale version, a transcript import is one event and is idempotent, every
// mutation is audited on an intact hash chain, and a failure just before commit leaves nothing.
#include <gtest/gtest.h>

#include "core/secrets.hpp"
#include "fixtures.hpp"
#include "store/identity/role_repository.hpp"
#include "store/identity/token_repository.hpp"
#include "store/ops/audit_log.hpp"

namespace narralytica {
namespace {

using store::Backend;
using namespace narralytica::testing;

class RepositoriesTest : public ::testing::TestWithParam<Backend> {};

TEST_P(RepositoriesTest, NewTenantHasBuiltinRolesAndDuplicateSlugConflicts) {
  NARRALYTICA_TEST_DB(db, GetParam());
  auto tenant = create_tenant(db->app(), "newsroom");
  auto tx = store::Transaction::begin(db->app(), store::TxMode::write);
  auto scope = operator_scope(*tx, tenant);
  auto roles = store::RoleRepository::list(*tx, scope);
  ASSERT_TRUE(roles.ok());
  std::vector<std::string> names;
  for (const auto& r : *roles) names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"owner", "admin", "editor", "viewer"}));

  auto again = store::TenantRepository::create(*tx, store::SystemScope::because(test_operator().actor), "newsroom", "x");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_EQ(again.error().field, "slug");

  auto bad = store::TenantRepository::create(*tx, store::SystemScope::because(test_operator().actor), "Bad Slug", "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
}

TEST_P(RepositoriesTest, TokensAuthenticateUntilRevokedOrExpired) {
  NARRALYTICA_TEST_DB(db, GetParam());
  FakeClock clock(1'700'000'000'000'000);
  store::StoreContext context{&clock, &SecureRandom::instance()};
  auto tenant = create_tenant(db->app(), "acme");
  auto tx = store::Transaction::begin(db->app(), store::TxMode::write, context);
  const auto system = store::SystemScope::because(test_operator().actor);
  auto user = store::UserRepository::create(*tx, system, "Ada@Example.org", "Ada", "correct horse battery");
  ASSERT_TRUE(user.ok()) << user.error().describe();
  EXPECT_EQ(user->email, "ada@example.org");
  auto scope = operator_scope(*tx, tenant);
  auto not_member = store::TokenRepository::create(*tx, scope, *user, "t", std::nullopt);
  ASSERT_FALSE(not_member.ok());
  EXPECT_EQ(not_member.error().field, "user");
  ASSERT_TRUE(store::MembershipRepository::add(*tx, scope, *user, "editor").ok());
  auto forever = store::TokenRepository::create(*tx, scope, *user, "laptop", std::nullopt);
  auto brief = store::TokenRepository::create(*tx, scope, *user, "ci", clock.now_us() + 60'000'000);
  ASSERT_TRUE(forever.ok() && brief.ok());
  ASSERT_TRUE(tx->commit().ok());

  // Only the hash is stored: the secret appears nowhere in the table.
  EXPECT_EQ(count_rows(db->owner(), "api_tokens"), 2);
  auto lease = db->owner().acquire();
  auto s = (*lease)->prepare("SELECT secret_hash FROM api_tokens ORDER BY id");
  ASSERT_TRUE(*(*s)->step());
  EXPECT_EQ((*s)->column_blob(0), hash_token(forever->secret));
  (*s)->reset();

  auto authenticate = [&](const std::string& secret) {
    auto auth_tx = store::Transaction::begin(db->app(), store::TxMode::write, context);
    auto identity = store::TokenRepository::authenticate(*auth_tx, system, secret);
    EXPECT_TRUE(auth_tx->commit().ok());
    return identity;
  };
  auto who = authenticate(forever->secret);
  ASSERT_TRUE(who.ok()) << who.error().describe();
  EXPECT_EQ(who->tenant_id, tenant.id);
  EXPECT_EQ(who->email, "ada@example.org");
  EXPECT_EQ(authenticate(forever->secret + "x").error().code, ErrorCode::unauthenticated);
  EXPECT_TRUE(authenticate(brief->secret).ok());
  clock.advance_us(61'000'000);
  EXPECT_EQ(authenticate(brief->secret).error().code, ErrorCode::unauthenticated);

  auto revoke_tx = store::Transaction::begin(db->app(), store::TxMode::write, context);
  auto revoke_scope = operator_scope(*revoke_tx, tenant);
  ASSERT_TRUE(store::TokenRepository::revoke(*revoke_tx, revoke_scope, forever->token.public_id).ok());
  ASSERT_TRUE(revoke_tx->commit().ok());
  EXPECT_EQ(authenticate(forever->secret).error().code, ErrorCode::unauthenticated);

  auto login_tx = store::Transaction::begin(db->app(), store::TxMode::write, context);
  EXPECT_TRUE(store::UserRepository::verify_login(*login_tx, "ADA@example.org", "correct horse battery").ok());
  EXPECT_EQ(store::UserRepository::verify_login(*login_tx, "ada@example.org", "wrong password").error().code,
            ErrorCode::unauthenticated);
}

TEST_P(RepositoriesTest, AuthorizerChecksRolePermissions) {
  NARRALYTICA_TEST_DB(db, GetParam());
  auto tenant = create_tenant(db->app(), "acme");
  auto other = create_tenant(db->app(), "other");
  auto tx = store::Transaction::begin(db->app(), store::TxMode::write);
  auto user = store::UserRepository::create(*tx, store::SystemScope::because(test_operator().actor),
                                            "viewer@example.org", "Viewer", "");
  auto scope = operator_scope(*tx, tenant);
  ASSERT_TRUE(store::MembershipRepository::add(*tx, scope, *user, "viewer").ok());
  store::Principal viewer{store::Principal::Kind::user, store::Actor{user->id, std::nullopt, "user:viewer"}, tenant.id};
  EXPECT_TRUE(store::Authorizer::authorize(*tx, viewer, tenant, {"read", "videos"}).ok());
  auto write = store::Authorizer::authorize(*tx, viewer, tenant, {"write", "videos"});
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().code, ErrorCode::permission_denied);
  auto elsewhere = store::Authorizer::authorize(*tx, viewer, other, {"read", "videos"});
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, ErrorCode::not_found);
}

TEST_P(RepositoriesTest, VideosPageByKeysetAndRefuseStaleUpdates) {
  NARRALYTICA_TEST_DB(db, GetParam());
  auto tenant = create_tenant(db->app(), "acme");
  auto tx = store::Transaction::begin(db->app(), store::TxMode::write);
  auto scope = operator_scope(*tx, tenant);
  std::vector<Uuid> ids;
  for (int i = 0; i < 5; ++i) {
    store::VideoDraft draft{"Video " + std::to_string(i), "", "en", 1000, std::nullopt, {}};
    if (i == 0) draft.sources.push_back({"youtube", "https://youtu.be/abc", "abc", std::nullopt, true});
    auto video = store::VideoRepository::create(*tx, scope, draft);
    ASSERT_TRUE(video.ok()) << video.error().describe();
    ids.push_back(video->public_id);
  }
  ASSERT_TRUE(tx->commit().ok());
  {
    auto dup_tx = store::Transaction::begin(db->app(), store::TxMode::write);
    auto dup_scope = operator_scope(*dup_tx, tenant);
    store::VideoDraft duplicate{"Again", "", std::nullopt, std::nullopt, std::nullopt,
                                {{"youtube", std::nullopt, "abc", std::nullopt, false}}};
    auto conflict = store::VideoRepository::create(*dup_tx, dup_scope, duplicate);
    ASSERT_FALSE(conflict.ok());
    EXPECT_EQ(conflict.error().code, ErrorCode::conflict);
    EXPECT_EQ(conflict.error().field, "sources[0].external_id");
    // The failed call wrote its video before the source failed: the transaction refuses to
    // commit that half, on both backends.
    EXPECT_FALSE(dup_tx->commit().ok());
  }

  auto read_tx = store::Transaction::begin(db->app(), store::TxMode::write);
  auto read_scope = operator_scope(*read_tx, tenant);
  std::vector<Uuid> seen;
  store::PageRequest page{std::nullopt, 2};
  do {
    auto listed = store::VideoRepository::list(*read_tx, read_scope, page);
    ASSERT_TRUE(listed.ok());
    for (const auto& v : listed->items) seen.push_back(v.public_id);
    page.after = listed->next_after;
  } while (page.after);
  EXPECT_EQ(seen, ids);

  auto found = store::VideoRepository::find_by_source(*read_tx, read_scope, "youtube", "abc");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->public_id, ids[0]);
  ASSERT_EQ((*found)->sources.size(), 1u);

  auto current = store::VideoRepository::get(*read_tx, read_scope, ids[1]);
  store::VideoPatch patch;
  patch.title = "Renamed";
  patch.expected_updated_at = current->updated_at;
  auto updated = store::VideoRepository::update(*read_tx, read_scope, ids[1], patch);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->title, "Renamed");
  patch.title = "Lost update";  // same stale version as before
  auto stale = store::VideoRepository::update(*read_tx, read_scope, ids[1], patch);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::precondition_failed);
}

TEST_P(RepositoriesTest, TranscriptImportIsOneEventAndIdempotent) {
  NARRALYTICA_TEST_DB(db, GetParam());
  auto tenant = create_tenant(db->app(), "acme");
  auto tx = store::Transaction::begin(db->app(), store::TxMode::write);
  auto scope = operator_scope(*tx, tenant);
  auto video = store::VideoRepository::create(*tx, scope, store::VideoDraft{"Talk", "", "en", 600'000, {}, {}});
  ASSERT_TRUE(tx->commit().ok());
  const auto events_before = count_rows(db->owner(), "event_logs");

  auto import = [&](const store::TranscriptDraft& draft) {
    auto import_tx = store::Transaction::begin(db->app(), store::TxMode::write);
    auto import_scope = operator_scope(*import_tx, tenant);
    auto written = store::TranscriptRepository::create(*import_tx, import_scope, *video, draft);
    EXPECT_TRUE(written.ok()) << written.error().describe();
    EXPECT_TRUE(import_tx->commit().ok());
    return written;
  };
  const auto draft = sample_transcript(150);  // more than one insert batch, with a remainder
  auto first = import(draft);
  ASSERT_TRUE(first->created);
  EXPECT_EQ(first->transcript.revision, 1);
  EXPECT_EQ(first->transcript.segment_count, 150);
  EXPECT_EQ(count_rows(db->owner(), "segments"), 150);
  EXPECT_EQ(count_rows(db->owner(), "speakers"), 2);
  EXPECT_EQ(count_rows(db->owner(), "event_logs") - events_before, 1);
  EXPECT_EQ(count_rows(db->owner(), "event_logs", "event_type = 'transcript.created'"), 1);

  auto again = import(draft);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->transcript.public_id, first->transcript.public_id);
  EXPECT_EQ(count_rows(db->owner(), "segments"), 150);

  auto edited = draft;
  edited.segments[3].text = "corrected text";
  auto second = import(edited);
  ASSERT_TRUE(second->created);
  EXPECT_EQ(second->transcript.revision, 2);
  EXPECT_EQ(second->transcript.previous_public_id, first->transcript.public_id);
  EXPECT_EQ(count_rows(db->owner(), "speakers"), 2);  // deduplicated by label within the video

  auto read_tx = store::Transaction::begin(db->app(), store::TxMode::read);
  auto read_scope = operator_scope(*read_tx, tenant);
  store::SegmentQuery query;
  query.limit = 100;
  auto page1 = store::TranscriptRepository::segments(*read_tx, read_scope, second->transcript, query);
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->items.size(), 100u);
  EXPECT_EQ(page1->items[3].text, "corrected text");
  EXPECT_EQ(page1->items[1].speaker_label, "SPEAKER_01");
  query.after_ordinal = page1->next_after_ordinal;
  auto page2 = store::TranscriptRepository::segments(*read_tx, read_scope, second->transcript, query);
  ASSERT_EQ(page2->items.size(), 50u);
  EXPECT_EQ(page2->items.front().ordinal, 100);

  store::SegmentQuery window;
  window.from_ms = 10'000;
  window.to_ms = 12'000;
  auto windowed = store::TranscriptRepository::segments(*read_tx, read_scope, second->transcript, window);
  ASSERT_EQ(windowed->items.size(), 2u);  // segments 10 and 11
  EXPECT_EQ(windowed->items[0].start_ms, 10'000);

  auto old_revision = store::TranscriptRepository::remove(*read_tx, read_scope, first->transcript.public_id);
  ASSERT_FALSE(old_revision.ok());
  EXPECT_EQ(old_revision.error().code, ErrorCode::conflict);
}

TEST_P(RepositoriesTest, InvalidSegmentIsNamedAndNothingIsWritten) {
  NARRALYTICA_TEST_DB(db, GetParam());
  auto tenant = create_tenant(db->app(), "acme");
  {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write);
    auto scope = operator_scope(*tx, tenant);
    auto video = store::VideoRepository::create(*tx, scope, store::VideoDraft{"Talk", "", "en", 1000, {}, {}});
    auto draft = sample_transcript(10);
    draft.segments[7].end_ms = draft.segments[7].start_ms - 1;
    auto written = store::TranscriptRepository::create(*tx, scope, *video, draft);
    ASSERT_FALSE(written.ok());
    EXPECT_EQ(written.error().field, "segments[7].end_ms");
  }  // not committed: rolled back
  EXPECT_EQ(count_rows(db->owner(), "videos"), 0);
  EXPECT_EQ(count_rows(db->owner(), "transcripts"), 0);
}

TEST_P(RepositoriesTest, FailureBeforeCommitLeavesNoRowEventOrAudit) {
  NARRALYTICA_TEST_DB(db, GetParam());
  auto tenant = create_tenant(db->app(), "acme");
  const auto videos = count_rows(db->owner(), "videos");
  const auto events = count_rows(db->owner(), "event_logs");
  const auto audits = count_rows(db->owner(), "audit_logs");
  auto tx = store::Transaction::begin(db->app(), store::TxMode::write);
  auto scope = operator_scope(*tx, tenant);
  ASSERT_TRUE(store::VideoRepository::create(*tx, scope, store::VideoDraft{"Doomed", "", "en", 1000, {}, {}}).ok());
  bool hook_ran = false;
  tx->set_before_commit([&]() -> Status {
    hook_ran = true;  // the outbox has been written by now, inside the transaction
    return make_error(ErrorCode::internal, "injected failure");
  });
  auto committed = tx->commit();
  ASSERT_FALSE(committed.ok());
  EXPECT_TRUE(hook_ran);
  EXPECT_EQ(committed.error().message, "injected failure");
  EXPECT_EQ(count_rows(db->owner(), "videos"), videos);
  EXPECT_EQ(count_rows(db->owner(), "event_logs"), events);
  EXPECT_EQ(count_rows(db->owner(), "audit_logs"), audits);
}

TEST_P(RepositoriesTest, EveryMutationIsAuditedOnAnIntactChain) {
  NARRALYTICA_TEST_DB(db, GetParam());
  auto tenant = create_tenant(db->app(), "acme");
  {
    auto tx = store::Transaction::begin(db->app(), store::TxMode::write);
    auto scope = operator_scope(*tx, tenant);
    auto video = store::VideoRepository::create(*tx, scope, store::VideoDraft{"Talk", "", "en", 1000, {}, {}});
    ASSERT_TRUE(store::TenantRepository::set_config(*tx, scope, "retention_days", "30").ok());
    ASSERT_TRUE(store::VideoRepository::remove(*tx, scope, video->public_id).ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  auto tx = store::Transaction::begin(db->app(), store::TxMode::read);
  auto scope = operator_scope(*tx, tenant);
  auto recent = store::AuditLog::recent(*tx, scope, 10);
  ASSERT_TRUE(recent.ok());
  std::vector<std::string> actions;
  for (const auto& entry : *recent) actions.push_back(entry.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"video.deleted", "tenant.config.set", "video.created", "tenant.created"}));
  EXPECT_EQ(recent->front().actor, "cli:test");

  const auto system = store::SystemScope::because(test_operator().actor);
  auto verified = store::AuditLog::verify(*tx, system, tenant.id);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->records, 4);
  EXPECT_FALSE(verified->first_broken.has_value());
  tx->rollback().ok();

  // Tampering (as a superuser could, bypassing the trigger) shows in the chain.
  auto lease = db->owner().acquire();
  const std::string tamper = GetParam() == Backend::sqlite
      ? "DROP TRIGGER audit_logs_no_update; UPDATE audit_logs SET action = 'video.viewed' WHERE action = 'video.created'"
      : "ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_append_only; "
        "UPDATE audit_logs SET action = 'video.viewed' WHERE action = 'video.created'";
  ASSERT_TRUE((*lease)->execute_script(tamper).ok());
  auto verify_tx = store::Transaction::begin(db->app(), store::TxMode::read);
  auto broken = store::AuditLog::verify(*verify_tx, system, tenant.id);
  ASSERT_TRUE(broken.ok());
  EXPECT_TRUE(broken->first_broken.has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, RepositoriesTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         testing::backend_name);

}  // namespace
}  // namespace narralytica
