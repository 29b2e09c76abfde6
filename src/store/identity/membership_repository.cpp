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
  auto done = insert->execute();
  if (!done.ok()) {
    if (done.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict, user.email + " already has role " + role.name + " here", "role");
    }
    return std::move(done).error();
  }
  tx.record_change(scope, "member.added", "membership", membership.public_id,
                   JsonObject().add("user", user.public_id.to_string()).add("email", user.email).add("role", role.name).str());
  return membership;
}

Result<std::vector<Membership>> MembershipRepository::list(Transaction& tx, const TenantScope& scope) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectMemberships));
  s->bind_int64(1, scope.tenant_id());
  return s->collect([](const Statement& row) {
    return Membership{row.column_int64(0), row.column_uuid(1), row.column_uuid(2), row.column_text(3),
                      row.column_text(4), row.column_text(5)};
  });
}

}  // namespace narralytica::store
