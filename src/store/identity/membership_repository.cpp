#include "store/identity/membership_repository.hpp"

#include "core/json_writer.hpp"

namespace narralytica::store {
namespace {

constexpr const char* kInsertMembership =
    "INSERT INTO memberships (public_id, tenant_id, user_id, role_id, status, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, 'active', $5, $5)";
constexpr const char* kSelectMemberships =
    "SELECT m.id, m.public_id, u.public_id, u.email, r.name, m.status FROM memberships m "
    "JOIN users u ON u.id = m.user_id "
    "JOIN roles r ON r.tenant_id = m.tenant_id AND r.id = m.role_id "
    "WHERE m.tenant_id = $1 ORDER BY m.id";
constexpr const char* kSelectMembership =
    "SELECT m.id, m.public_id, u.public_id, u.email, r.name, m.status FROM memberships m "
    "JOIN users u ON u.id = m.user_id "
    "JOIN roles r ON r.tenant_id = m.tenant_id AND r.id = m.role_id "
    "WHERE m.tenant_id = $1 AND m.public_id = $2";
constexpr const char* kSelectUserTenants =
    "SELECT n.id, n.public_id, n.slug, n.name, n.status, n.created_at, n.updated_at, r.name FROM memberships m "
    "JOIN tenants n ON n.id = m.tenant_id "
    "JOIN roles r ON r.tenant_id = m.tenant_id AND r.id = m.role_id "
    "WHERE m.user_id = $1 AND m.status = 'active' AND n.status = 'active' ORDER BY n.slug, r.name";
// Active owner memberships other than $2: a tenant must keep one, or nobody could manage it.
constexpr const char* kOtherActiveOwners =
    "SELECT count(*) FROM memberships m JOIN roles r ON r.tenant_id = m.tenant_id AND r.id = m.role_id "
    "WHERE m.tenant_id = $1 AND m.id <> $2 AND m.status = 'active' AND r.name = 'owner' AND r.builtin = $3";
constexpr const char* kUpdateMembership =
    "UPDATE memberships SET role_id = $3, status = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2";
constexpr const char* kDeleteMembership = "DELETE FROM memberships WHERE tenant_id = $1 AND id = $2";

// The UNIQUE (tenant, user, role) refusal, said so that the caller knows what to change.
Status said_as_role_held(Result<std::int64_t> written, const std::string& email, const std::string& role) {
  if (written.ok()) return ok_status();
  if (written.error().code == ErrorCode::conflict) {
    return make_error(ErrorCode::conflict, email + " already has role " + role + " here", "role");
  }
  return std::move(written).error();
}

Membership read_membership(const Statement& row) {
  return Membership{row.column_int64(0), row.column_uuid(1), row.column_uuid(2), row.column_text(3),
                    row.column_text(4), row.column_text(5)};
}

Result<Membership> find(Transaction& tx, const TenantScope& scope, const Uuid& id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectMembership));
  s->bind_int64(1, scope.tenant_id());
  s->bind_uuid(2, id);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no such membership", "id");
  Membership membership = read_membership(*s);
  s->reset();
  return membership;
}

// Refuses a change that takes away the tenant's last active owner.
Status keep_an_owner(Transaction& tx, const TenantScope& scope, const Membership& before, bool stays_owner) {
  if (before.role != "owner" || before.status != "active" || stays_owner) return ok_status();
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kOtherActiveOwners));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, before.id);
  s->bind_bool(3, true);
  ASSIGN_OR_RETURN(bool row, s->step());
  const std::int64_t others = row ? s->column_int64(0) : 0;
  s->reset();
  if (others == 0) {
    return make_error(ErrorCode::conflict, "this is the tenant's last active owner; make another owner first", "id");
  }
  return ok_status();
}

}  // namespace

Result<Membership> MembershipRepository::add(Transaction& tx, const TenantScope& scope, const User& user,
                                             std::string_view role_name) {
  ASSIGN_OR_RETURN(Role role, RoleRepository::find_by_name(tx, scope, role_name));
  Membership membership{0, tx.new_id(), user.public_id, user.email, role.name, "active"};
  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertMembership));
  insert->bind_uuid(1, membership.public_id);
  insert->bind_int64(2, scope.tenant_id());
  insert->bind_int64(3, user.id);
  insert->bind_int64(4, role.id);
  insert->bind_int64(5, tx.now_us());
  RETURN_IF_ERROR(said_as_role_held(insert->execute(), user.email, role.name));
  tx.record_change(scope, "member.added", "membership", membership.public_id,
                   JsonObject().add("user", user.public_id.to_string()).add("email", user.email).add("role", role.name).str());
  return membership;
}

Result<std::vector<Membership>> MembershipRepository::list(Transaction& tx, const TenantScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectMemberships));
  s->bind_int64(1, scope.tenant_id());
  return s->collect(read_membership);
}

Result<std::vector<UserTenant>> MembershipRepository::tenants_of(Transaction& tx, const SystemScope& scope,
                                                                 std::int64_t user_id) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectUserTenants));
  s->bind_int64(1, user_id);
  std::vector<UserTenant> out;
  while (true) {
    ASSIGN_OR_RETURN(bool has_row, s->step());
    if (!has_row) break;
    const std::int64_t tenant_id = s->column_int64(0);
    if (out.empty() || out.back().tenant.id != tenant_id) {  // rows come by slug: one tenant's roles are adjacent
      out.push_back(UserTenant{Tenant{tenant_id, s->column_uuid(1), s->column_text(2), s->column_text(3),
                                      s->column_text(4), s->column_int64(5), s->column_int64(6)},
                               {}});
    }
    out.back().roles.push_back(s->column_text(7));
  }
  s->reset();
  return out;
}

Result<Membership> MembershipRepository::update(Transaction& tx, const TenantScope& scope, const Uuid& id,
                                                std::optional<std::string_view> role_name,
                                                std::optional<std::string_view> status) {
  if (status && *status != "active" && *status != "suspended") {
    return make_error(ErrorCode::invalid_argument, "status is active or suspended", "status");
  }
  ASSIGN_OR_RETURN(Membership before, find(tx, scope, id));
  ASSIGN_OR_RETURN(Role role, RoleRepository::find_by_name(tx, scope, role_name.value_or(before.role)));
  Membership after = before;
  after.role = role.name;
  if (status) after.status = std::string(*status);
  RETURN_IF_ERROR(keep_an_owner(tx, scope, before, after.role == "owner" && role.builtin && after.status == "active"));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kUpdateMembership));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, before.id);
  s->bind_int64(3, role.id);
  s->bind_text(4, after.status);
  s->bind_int64(5, tx.now_us());
  RETURN_IF_ERROR(said_as_role_held(s->execute(), after.email, role.name));
  tx.record_change(scope, "member.changed", "membership", after.public_id,
                   JsonObject().add("email", after.email).add("role", after.role).add("status", after.status).str());
  return after;
}

Status MembershipRepository::remove(Transaction& tx, const TenantScope& scope, const Uuid& id) {
  ASSIGN_OR_RETURN(Membership before, find(tx, scope, id));
  RETURN_IF_ERROR(keep_an_owner(tx, scope, before, false));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kDeleteMembership));
  s->bind_int64(1, scope.tenant_id());
  s->bind_int64(2, before.id);
  RETURN_IF_ERROR(s->execute());
  tx.record_change(scope, "member.removed", "membership", before.public_id,
                   JsonObject().add("email", before.email).add("role", before.role).str());
  return ok_status();
}

}  // namespace narralytica::store
