#include "store/tenancy/tenant_repository.hpp"

#include "core/json_writer.hpp"
#include "store/identity/role_repository.hpp"

namespace narralytica::store {
namespace {

constexpr const char* kInsertTenant =
    "INSERT INTO tenants (public_id, slug, name, status, created_at, updated_at) "
    "VALUES ($1, $2, $3, 'active', $4, $4) RETURNING id";
constexpr const char* kSelectBySlug =
    "SELECT id, public_id, slug, name, status, created_at, updated_at FROM tenants WHERE slug = $1";
constexpr const char* kSelectTenantByPublicId =
    "SELECT id, public_id, slug, name, status, created_at, updated_at FROM tenants WHERE public_id = $1";
constexpr const char* kSelectTenantById =
    "SELECT id, public_id, slug, name, status, created_at, updated_at FROM tenants WHERE id = $1";
constexpr const char* kListTenantsFirst =
    "SELECT id, public_id, slug, name, status, created_at, updated_at FROM tenants "
    "ORDER BY id LIMIT $1";
constexpr const char* kListTenantsAfter =
    "SELECT id, public_id, slug, name, status, created_at, updated_at FROM tenants "
    "WHERE id > (SELECT id FROM tenants WHERE public_id = $2) ORDER BY id LIMIT $1";
constexpr const char* kUpsertConfig =
    "INSERT INTO tenant_configs (tenant_id, key, value, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $4) "
    "ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
constexpr const char* kSelectConfig =
    "SELECT value FROM tenant_configs WHERE tenant_id = $1 AND key = $2";

Tenant read_tenant(const Statement& s) {
  return Tenant{s.column_int64(0), s.column_uuid(1), s.column_text(2), s.column_text(3),
                s.column_text(4),  s.column_int64(5), s.column_int64(6)};
}

Status validate_slug(std::string_view slug) {
  const bool ok_chars = !slug.empty() && slug.size() <= 63 && slug.front() != '-' &&
                        slug.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
  if (!ok_chars) {
    return make_error(ErrorCode::invalid_argument,
                      "a tenant slug is 1 to 63 characters of a-z, 0-9 and '-', not starting with '-'",
                      "slug");
  }
  return ok_status();
}

Result<Tenant> find_one(Transaction& tx, const char* sql, auto bind, std::string_view what) {
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(sql));
  bind(*s);
  ASSIGN_OR_RETURN(bool found, s->step());
  if (!found) return make_error(ErrorCode::not_found, "no tenant " + std::string(what), "tenant");
  Tenant tenant = read_tenant(*s);
  s->reset();
  return tenant;
}

}  // namespace

Result<std::pair<Tenant, TenantScope>> TenantRepository::create(Transaction& tx, const SystemScope& scope,
                                                                 std::string_view slug, std::string_view name) {
  RETURN_IF_ERROR(validate_slug(slug));
  if (name.find_first_not_of(" \t\r\n") == std::string_view::npos || name.size() > 200) {
    return make_error(ErrorCode::invalid_argument, "a tenant name is 1 to 200 characters, not blank", "name");
  }
  RETURN_IF_ERROR(tx.enter(scope));
  Tenant tenant;
  tenant.public_id = tx.new_id();
  tenant.slug = slug;
  tenant.name = name;
  tenant.status = "active";
  tenant.created_at = tenant.updated_at = tx.now_us();
  ASSIGN_OR_RETURN(Statement * insert, tx.prepare(kInsertTenant));
  insert->bind_uuid(1, tenant.public_id);
  insert->bind_text(2, slug);
  insert->bind_text(3, name);
  insert->bind_int64(4, tenant.created_at);
  auto inserted = insert->step();
  if (!inserted.ok()) {
    if (inserted.error().code == ErrorCode::conflict) {
      return make_error(ErrorCode::conflict, "a tenant with slug '" + std::string(slug) + "' already exists", "slug");
    }
    return std::move(inserted).error();
  }
  tenant.id = insert->column_int64(0);
  insert->reset();
  TenantScope tenant_scope(tenant.id, tenant.public_id, scope.actor(), scope.context());
  RETURN_IF_ERROR(RoleRepository::create_builtin_roles(tx, tenant_scope));
  tx.record_change(scope, tenant.id, "tenant.created", "tenant", tenant.public_id,
                   JsonObject().add("slug", tenant.slug).add("name", tenant.name).str());
  return std::pair<Tenant, TenantScope>{tenant, tenant_scope};
}

Result<Tenant> TenantRepository::find(Transaction& tx, std::string_view slug_or_id) {
  if (auto id = Uuid::parse(slug_or_id)) {
    return find_one(tx, kSelectTenantByPublicId, [&](Statement& s) { s.bind_uuid(1, *id); },
                    "with id " + std::string(slug_or_id));
  }
  return find_one(tx, kSelectBySlug, [&](Statement& s) { s.bind_text(1, slug_or_id); },
                  "with slug '" + std::string(slug_or_id) + "'");
}

Result<Tenant> TenantRepository::find_by_id(Transaction& tx, std::int64_t id) {
  return find_one(tx, kSelectTenantById, [&](Statement& s) { s.bind_int64(1, id); }, "with that id");
}

Result<Page<Tenant>> TenantRepository::list(Transaction& tx, const SystemScope& scope, PageRequest page) {
  RETURN_IF_ERROR(check_page_limit(page.limit));
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(page.after ? kListTenantsAfter : kListTenantsFirst));
  s->bind_int64(1, page.limit);
  if (page.after) s->bind_uuid(2, *page.after);
  ASSIGN_OR_RETURN(std::vector<Tenant> tenants, s->collect(read_tenant));
  return make_page(std::move(tenants), page.limit);
}

Status TenantRepository::set_config(Transaction& tx, const TenantScope& scope, std::string_view key,
                                    std::string_view value_json) {
  if (key.empty() || key.size() > 100) {
    return make_error(ErrorCode::invalid_argument, "a configuration key is 1 to 100 characters", "key");
  }
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kUpsertConfig));
  s->bind_int64(1, scope.tenant_id());
  s->bind_text(2, key);
  s->bind_json(3, value_json);
  s->bind_int64(4, tx.now_us());
  auto done = s->execute();
  if (!done.ok()) {
    Error error = std::move(done).error();
    if (error.code == ErrorCode::invalid_argument) error = make_error(ErrorCode::invalid_argument, "the value is not valid JSON", "value");
    return error;
  }
  tx.record_change(scope, "tenant.config.set", "tenant_config", scope.tenant_public_id(),
                   JsonObject().add("key", key).add_raw("value", value_json).str());
  return ok_status();
}

Result<std::optional<std::string>> TenantRepository::get_config(Transaction& tx, const TenantScope& scope,
                                                                std::string_view key) {
  RETURN_IF_ERROR(tx.enter(scope));
  ASSIGN_OR_RETURN(Statement * s, tx.prepare(kSelectConfig));
  s->bind_int64(1, scope.tenant_id());
  s->bind_text(2, key);
  ASSIGN_OR_RETURN(bool found, s->step());
  std::optional<std::string> value;
  if (found) value = s->column_text(0);
  s->reset();
  return value;
}

}  // namespace narralytica::store
