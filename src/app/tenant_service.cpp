#include "app/tenant_service.hpp"

#include <nlohmann/json.hpp>

#include "app/rate_limits.hpp"

namespace narralytica::app {
namespace {

Status check_config_key(std::string_view key) {
  if (key.empty() || key.size() > kConfigKeyLengthMax ||
      key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.-") != std::string_view::npos) {
    return make_error(ErrorCode::invalid_argument, "a config key is 1 to 100 of a-z, 0-9, '_', '.', '-'", "key");
  }
  return ok_status();
}

Status check_newest_limit(int limit) {
  if (limit < 1 || limit > kNewestPageMax) {
    return make_error(ErrorCode::invalid_argument, "limit must be between 1 and " + std::to_string(kNewestPageMax),
                      "limit");
  }
  return ok_status();
}

// Users are global and made by an operator; a tenant only gives existing ones a role.
Result<store::User> existing_user(store::Transaction& tx, std::string_view user) {
  auto found = store::UserRepository::find(tx, user);
  if (!found.ok() && found.error().code == ErrorCode::not_found) {
    return make_error(ErrorCode::invalid_argument, "no user with this e-mail or id: an operator creates users",
                      "email");
  }
  return found;
}

}  // namespace

Result<std::optional<UnixMicros>> token_expiry(UnixMicros now, std::optional<std::int64_t> lifetime_s,
                                               std::string_view field) {
  if (!lifetime_s) return std::optional<UnixMicros>();
  if (*lifetime_s < kTokenLifetimeSMin || *lifetime_s > kTokenLifetimeSMax) {
    return make_error(ErrorCode::invalid_argument, "a token lives from 60 seconds to 366 days", std::string(field));
  }
  return std::optional<UnixMicros>(now + *lifetime_s * 1'000'000);
}

Result<store::Tenant> TenantService::get(store::Transaction& tx, const store::TenantScope& scope) {
  return store::TenantRepository::find_by_id(tx, scope.tenant_id());
}

Result<ConfigEntry> TenantService::config_get(store::Transaction& tx, const store::TenantScope& scope,
                                              std::string_view key) {
  RETURN_IF_ERROR(check_config_key(key));
  ASSIGN_OR_RETURN(auto value, store::TenantRepository::get_config(tx, scope, key));
  if (!value) return make_error(ErrorCode::not_found, "no config value " + std::string(key), "key");
  return ConfigEntry{std::string(key), std::move(*value)};
}

Result<ConfigEntry> TenantService::config_set(store::Transaction& tx, const store::TenantScope& scope,
                                              std::string_view key, std::string_view value_json) {
  RETURN_IF_ERROR(check_config_key(key));
  const auto parsed = nlohmann::json::parse(value_json, nullptr, false);
  if (parsed.is_discarded()) return make_error(ErrorCode::invalid_argument, "a config value is JSON", "value");
  ConfigEntry entry{std::string(key), parsed.dump()};
  if (entry.value_json.size() > kConfigValueBytesMax) {
    return make_error(ErrorCode::invalid_argument, "a config value is at most 64 KiB of JSON", "value");
  }
  if (key == kRateLimitsConfigKey) RETURN_IF_ERROR(parse_rate_limits(entry.value_json));
  RETURN_IF_ERROR(store::TenantRepository::set_config(tx, scope, key, entry.value_json));
  return entry;
}

Result<std::vector<store::Membership>> TenantService::members(store::Transaction& tx,
                                                              const store::TenantScope& scope) {
  return store::MembershipRepository::list(tx, scope);
}

Result<store::Membership> TenantService::add_member(store::Transaction& tx, const store::TenantScope& scope,
                                                    std::string_view user, std::string_view role) {
  ASSIGN_OR_RETURN(store::User found, existing_user(tx, user));
  return store::MembershipRepository::add(tx, scope, found, role);
}

Result<store::Membership> TenantService::update_member(store::Transaction& tx, const store::TenantScope& scope,
                                                       const Uuid& id, std::optional<std::string_view> role,
                                                       std::optional<std::string_view> status) {
  if (!role && !status) return make_error(ErrorCode::invalid_argument, "give a role, a status or both", "role");
  return store::MembershipRepository::update(tx, scope, id, role, status);
}

Status TenantService::remove_member(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id) {
  return store::MembershipRepository::remove(tx, scope, id);
}

Result<std::vector<store::Role>> TenantService::roles(store::Transaction& tx, const store::TenantScope& scope) {
  return store::RoleRepository::list(tx, scope);
}

Result<store::Role> TenantService::create_role(store::Transaction& tx, const store::TenantScope& scope,
                                               std::string_view name, std::string_view description,
                                               std::span<const std::string> permissions) {
  if (permissions.empty() || permissions.size() > kRolePermissionsMax) {
    return make_error(ErrorCode::invalid_argument,
                      "permissions is a list of 1 to 100 \"action:resource\" names, e.g. \"read:videos\"", "permissions");
  }
  // The views point into `permissions`, which outlives the role's creation.
  std::vector<store::Permission> parsed;
  for (std::size_t i = 0; i < permissions.size(); ++i) {
    const std::string_view text = permissions[i];
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
      return make_error(ErrorCode::invalid_argument, "a permission is named \"action:resource\", e.g. \"read:videos\"",
                        "permissions[" + std::to_string(i) + "]");
    }
    parsed.push_back(store::Permission{text.substr(0, colon), text.substr(colon + 1)});
  }
  return store::RoleRepository::create(tx, scope, name, description, parsed);
}

Result<std::vector<store::ApiToken>> TenantService::tokens(store::Transaction& tx, const store::TenantScope& scope,
                                                           int limit) {
  RETURN_IF_ERROR(check_newest_limit(limit));
  return store::TokenRepository::list(tx, scope, limit);
}

Result<store::CreatedToken> TenantService::create_token(store::Transaction& tx, const store::TenantScope& scope,
                                                        std::string_view user, std::string_view name,
                                                        std::optional<std::int64_t> lifetime_s) {
  ASSIGN_OR_RETURN(auto expires_at, token_expiry(tx.now_us(), lifetime_s, "expires_in_s"));
  ASSIGN_OR_RETURN(store::User found, store::UserRepository::find(tx, user));
  return store::TokenRepository::create(tx, scope, found, name, expires_at);
}

Status TenantService::revoke_token(store::Transaction& tx, const store::TenantScope& scope, const Uuid& id) {
  return store::TokenRepository::revoke(tx, scope, id);
}

Result<std::vector<store::AuditEntry>> TenantService::audit(store::Transaction& tx, const store::TenantScope& scope,
                                                            int limit) {
  RETURN_IF_ERROR(check_newest_limit(limit));
  return store::AuditLog::recent(tx, scope, limit);
}

Result<store::FeedPage> TenantService::events(store::Transaction& tx, const store::TenantScope& scope,
                                              std::int64_t after, int limit) {
  ASSIGN_OR_RETURN(store::FeedPage page, store::EventFeed::read(tx, scope, after, limit));
  if (page.behind_horizon) {
    return make_error(ErrorCode::precondition_failed,
                      "events after " + std::to_string(after) + " were pruned (through " +
                          std::to_string(page.pruned_through) + "): rebuild from canonical data and resume there",
                      "after");
  }
  return page;
}

}  // namespace narralytica::app
