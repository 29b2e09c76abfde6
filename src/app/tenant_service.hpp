// The tenant's own administration as use cases, shared by the API (/v1/tenant, /v1/tenant/config,
// /v1/members, /v1/roles, /v1/tokens, /v1/audit, /v1/events: always the caller's tenant) and the
// CLI (`narralytica config|members|roles|tokens|audit list|events`, the tenant --tenant names).
// Each function works inside the caller's transaction with a scope authorized for the permission
// named beside it; every change writes its audit record (and event) there, so a failure keeps
// nothing.
//
// Stateless and thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/identity/membership_repository.hpp"
#include "store/identity/role_repository.hpp"
#include "store/identity/token_repository.hpp"
#include "store/ops/audit_log.hpp"
#include "store/ops/event_feed.hpp"

namespace narralytica::app {

inline constexpr store::Permission kTenantRead{"read", "tenant"};
inline constexpr store::Permission kConfigRead{"read", "config"};
inline constexpr store::Permission kConfigWrite{"write", "config"};
inline constexpr store::Permission kMembersRead{"read", "members"};
inline constexpr store::Permission kMembersWrite{"write", "members"};
inline constexpr store::Permission kMembersDelete{"delete", "members"};
inline constexpr store::Permission kRolesRead{"read", "roles"};
inline constexpr store::Permission kRolesWrite{"write", "roles"};
inline constexpr store::Permission kTokensRead{"read", "tokens"};
inline constexpr store::Permission kTokensWrite{"write", "tokens"};
inline constexpr store::Permission kTokensDelete{"delete", "tokens"};
inline constexpr store::Permission kEventsRead{"read", "events"};

inline constexpr std::size_t kConfigKeyLengthMax = 100;
inline constexpr std::size_t kConfigValueBytesMax = 64 * 1024;
inline constexpr std::size_t kRolePermissionsMax = 100;
// Listings of tokens and audit records are the newest rows, one page of at most this many.
inline constexpr int kNewestPageMax = 1000;
inline constexpr int kNewestPageDefault = 100;

// The token lifetime rule, for every path that makes a token (API, CLI): from a minute to
// store::kTokenLifetimeUsMax (366 days). No expiry at all is the operator's choice, on the CLI.
inline constexpr std::int64_t kTokenLifetimeSMin = 60;
inline constexpr std::int64_t kTokenLifetimeSMax = store::kTokenLifetimeUsMax / 1'000'000;
// When a token made at `now` that lives `lifetime_s` expires (nullopt: never). Errors:
// invalid_argument naming `field` outside the rule.
Result<std::optional<UnixMicros>> token_expiry(UnixMicros now, std::optional<std::int64_t> lifetime_s,
                                               std::string_view field);

struct ConfigEntry {
  std::string key;
  std::string value_json;  // compact JSON
};

class TenantService {
 public:
  // kTenantRead. The scope's tenant.
  static Result<store::Tenant> get(store::Transaction& tx, const store::TenantScope& scope);

  // kConfigRead. Errors: invalid_argument (field "key") for a key that is not 1 to 100 of a-z,
  // 0-9, '_', '.', '-'; not_found (field "key") when it is not set.
  static Result<ConfigEntry> config_get(store::Transaction& tx, const store::TenantScope& scope, std::string_view key);
  // kConfigWrite. Stores `value_json` (any JSON value, at most 64 KiB compact); the rate limits
  // key must hold limits app/rate_limits.hpp accepts. Returns what was stored. Errors:
  // invalid_argument naming "key" or "value" (or the limit's field).
  static Result<ConfigEntry> config_set(store::Transaction& tx, const store::TenantScope& scope, std::string_view key,
                                        std::string_view value_json);

  // kMembersRead.
  static Result<std::vector<store::Membership>> members(store::Transaction& tx, const store::TenantScope& scope);
  // kMembersWrite. Gives the user (an e-mail or a user id) the role. Errors: invalid_argument
  // (field "email") when no such user exists, for users are made by an operator, not by a
  // tenant; not_found for an unknown role (listing the tenant's); conflict when the user already
  // has that role.
  static Result<store::Membership> add_member(store::Transaction& tx, const store::TenantScope& scope,
                                              std::string_view user, std::string_view role);
  // kMembersWrite. Errors: invalid_argument (field "role") when neither is given, or for a
  // status other than active or suspended; not_found for the membership or the role; conflict
  // when the tenant would be left without an active owner.
  static Result<store::Membership> update_member(store::Transaction& tx, const store::TenantScope& scope,
                                                 const Uuid& id, std::optional<std::string_view> role,
                                                 std::optional<std::string_view> status);
  // kMembersDelete. Errors: not_found; conflict for the last active owner.
  static Status remove_member(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);

  // kRolesRead.
  static Result<std::vector<store::Role>> roles(store::Transaction& tx, const store::TenantScope& scope);
  // kRolesWrite. `permissions` are "action:resource" names from the catalog. Errors:
  // invalid_argument naming "permissions" or "permissions[i]"; conflict for a taken name.
  static Result<store::Role> create_role(store::Transaction& tx, const store::TenantScope& scope, std::string_view name,
                                         std::string_view description, std::span<const std::string> permissions);

  // kTokensRead. The newest `limit` tokens (1..kNewestPageMax), revoked and expired included.
  static Result<std::vector<store::ApiToken>> tokens(store::Transaction& tx, const store::TenantScope& scope,
                                                     int limit);
  // kTokensWrite. A token for `user` (an e-mail or id, a member of the tenant) living
  // `lifetime_s` (token_expiry's rule). The secret is in the result only. Errors: as
  // token_expiry (field "expires_in_s"); not_found for the user; invalid_argument when the user
  // is not a member or the name is bad.
  static Result<store::CreatedToken> create_token(store::Transaction& tx, const store::TenantScope& scope,
                                                  std::string_view user, std::string_view name,
                                                  std::optional<std::int64_t> lifetime_s);
  // kTokensDelete. Errors: not_found.
  static Status revoke_token(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id);

  // kAuditRead (app/audit_service.hpp). The newest `limit` records (1..kNewestPageMax).
  static Result<std::vector<store::AuditEntry>> audit(store::Transaction& tx, const store::TenantScope& scope,
                                                      int limit);
  // kEventsRead. The tenant's changes after position `after`, at most `limit`
  // (1..store::kFeedLimitMax). Errors: precondition_failed (field "after") when events after it
  // were pruned: the reader rebuilds from canonical data and resumes at the horizon.
  static Result<store::FeedPage> events(store::Transaction& tx, const store::TenantScope& scope, std::int64_t after,
                                        int limit);
};

}  // namespace narralytica::app
