// A tenant's own administration from the command line, through app::TenantService like the API's
// /v1/tenant/config, /v1/members, /v1/roles, /v1/tokens, /v1/audit and /v1/events, as the
// operator in the tenant --tenant names:
//   narralytica config get|set, members list|add|update|remove, roles list|create,
//   tokens list|revoke, audit list, events list.
// Listings print an aligned table, or with --json the document the API answers. (Creating users
// and giving them tokens is `narralytica admin`.)
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/audit_service.hpp"
#include "app/tenant_service.hpp"
#include "cli/command_support.hpp"
#include "cli/text_table.hpp"

namespace narralytica::cli {
namespace tenant_command_impl {
namespace {

using app::TenantService;
using store::TenantScope;
using store::Transaction;
using store::TxMode;

struct TenantArgs {
  std::string tenant;
  std::string key, value;
  std::string id;
  std::string user, role, status;
  std::string name, description;
  std::vector<std::string> permissions;
  int limit = app::kNewestPageDefault;
  std::int64_t after = 0;
  bool json = false;
} args;

std::string time_or_dash(const std::optional<UnixMicros>& us) { return us ? format_rfc3339(*us) : "-"; }

template <class Work>
int run(const GlobalOptions& global, store::Permission permission, TxMode mode, Work work) {
  return run_in_tenant(global, args.tenant, permission, mode, work);
}

// Prints `rows` as the API's page (--json) or as `table` filled by `row(table, item)`.
template <class Rows, class ToJson, class Row>
void print_rows(const Rows& rows, ToJson to_json, TextTable table, Row row) {
  if (args.json) {
    std::printf("%s\n", json_page(rows, to_json, std::nullopt).c_str());
    return;
  }
  for (const auto& item : rows) row(table, item);
  table.print();
}

void print_membership(const store::Membership& m) {
  if (args.json) {
    std::printf("%s\n", api::membership_json(m).c_str());
    return;
  }
  std::printf("member %s  %s is %s (%s)\n", m.public_id.to_string().c_str(), m.email.c_str(), m.role.c_str(),
              m.status.c_str());
}

void add_member_row(TextTable& table, const store::Membership& m) {
  table.add_row({m.public_id.to_string(), m.email, m.role, m.status});
}

int config_get(const GlobalOptions& global) {
  return run(global, app::kConfigRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto entry, TenantService::config_get(tx, scope, args.key));
    std::printf("%s\n", args.json ? api::config_json(entry.key, entry.value_json).c_str() : entry.value_json.c_str());
    return ok_status();
  });
}

int config_set(const GlobalOptions& global) {
  return run(global, app::kConfigWrite, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto entry, TenantService::config_set(tx, scope, args.key, args.value));
    std::printf("%s\n", api::config_json(entry.key, entry.value_json).c_str());
    return ok_status();
  });
}

int members_list(const GlobalOptions& global) {
  return run(global, app::kMembersRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto members, TenantService::members(tx, scope));
    print_rows(members, api::membership_json, TextTable({"ID", "EMAIL", "ROLE", "STATUS"}), add_member_row);
    return ok_status();
  });
}

int members_add(const GlobalOptions& global) {
  return run(global, app::kMembersWrite, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto member, TenantService::add_member(tx, scope, args.user, args.role));
    print_membership(member);
    return ok_status();
  });
}

int members_update(const GlobalOptions& global) {
  return run(global, app::kMembersWrite, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.id, "membership", "ID"));
    const auto role = optional_arg(args.role);
    const auto status = optional_arg(args.status);
    ASSIGN_OR_RETURN(auto member, TenantService::update_member(tx, scope, id, role, status));
    print_membership(member);
    return ok_status();
  });
}

int members_remove(const GlobalOptions& global) {
  return run(global, app::kMembersDelete, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.id, "membership", "ID"));
    RETURN_IF_ERROR(TenantService::remove_member(tx, scope, id));
    std::printf("removed membership %s\n", id.to_string().c_str());
    return ok_status();
  });
}

int roles_list(const GlobalOptions& global) {
  return run(global, app::kRolesRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto roles, TenantService::roles(tx, scope));
    print_rows(roles, api::role_json, TextTable({"ID", "NAME", "BUILTIN", "DESCRIPTION"}),
               [](TextTable& table, const store::Role& r) {
                 table.add_row({r.public_id.to_string(), r.name, r.builtin ? "yes" : "no", r.description});
               });
    return ok_status();
  });
}

int roles_create(const GlobalOptions& global) {
  return run(global, app::kRolesWrite, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto role, TenantService::create_role(tx, scope, args.name, args.description, args.permissions));
    if (args.json) std::printf("%s\n", api::role_json(role).c_str());
    else std::printf("role %s  %s\n", role.public_id.to_string().c_str(), role.name.c_str());
    return ok_status();
  });
}

int tokens_list(const GlobalOptions& global) {
  return run(global, app::kTokensRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto tokens, TenantService::tokens(tx, scope, args.limit));
    print_rows(tokens, api::token_json, TextTable({"ID", "NAME", "PREFIX", "EXPIRES", "REVOKED"}),
               [](TextTable& table, const store::ApiToken& t) {
                 table.add_row({t.public_id.to_string(), t.name, t.prefix, time_or_dash(t.expires_at),
                                time_or_dash(t.revoked_at)});
               });
    return ok_status();
  });
}

int tokens_revoke(const GlobalOptions& global) {
  return run(global, app::kTokensDelete, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.id, "token", "ID"));
    RETURN_IF_ERROR(TenantService::revoke_token(tx, scope, id));
    std::printf("revoked token %s\n", id.to_string().c_str());
    return ok_status();
  });
}

int audit_list(const GlobalOptions& global) {
  return run(global, app::kAuditRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto entries, TenantService::audit(tx, scope, args.limit));
    print_rows(entries, api::audit_json, TextTable({"TIME", "ACTOR", "ACTION", "RESOURCE", "OUTCOME"}),
               [](TextTable& table, const store::AuditEntry& e) {
                 table.add_row({format_rfc3339(e.created_at), e.actor, e.action,
                                e.resource_type + (e.resource_public_id ? " " + e.resource_public_id->to_string() : ""),
                                e.outcome});
               });
    return ok_status();
  });
}

int events_list(const GlobalOptions& global) {
  return run(global, app::kEventsRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto page, TenantService::events(tx, scope, args.after, args.limit));
    if (args.json) {
      std::printf("%s\n", api::feed_json(page).c_str());
      return ok_status();
    }
    TextTable table({"POSITION", "TIME", "TYPE", "ENTITY"});
    for (const auto& e : page.events) {
      table.add_row({std::to_string(e.position), format_rfc3339(e.created_at), e.event_type,
                     e.entity_type + (e.entity_public_id ? " " + e.entity_public_id->to_string() : "")});
    }
    table.print();
    if (page.next_after < page.head) std::printf("(more: --after %lld)\n", static_cast<long long>(page.next_after));
    return ok_status();
  });
}

CLI::App* in_tenant_command(CLI::App* parent, const char* name, const char* description, bool json = true) {
  auto* command = parent->add_subcommand(name, description);
  command->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
  if (json) command->add_flag("--json", args.json, "Print the API's JSON document");
  return command;
}

}  // namespace
}  // namespace tenant_command_impl

void add_tenant_commands(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace tenant_command_impl;
  auto* config = app.add_subcommand("config", "A tenant's configuration values (JSON)");
  config->require_subcommand(1);
  auto* get = in_tenant_command(config, "get", "Print one value");
  get->add_option("KEY", args.key, "Key, such as rate_limits")->required();
  get->callback([&] { exit_code = config_get(options); });
  auto* set = in_tenant_command(config, "set", "Set one value", false);
  set->add_option("KEY", args.key, "Key")->required();
  set->add_option("VALUE", args.value, "Any JSON value, such as '{\"requests_per_second\": 20}' or '\"text\"'")
      ->required();
  set->callback([&] { exit_code = config_set(options); });

  auto* members = app.add_subcommand("members", "Who holds which role in a tenant");
  members->require_subcommand(1);
  in_tenant_command(members, "list", "Members and their roles")->callback([&] { exit_code = members_list(options); });
  auto* add = in_tenant_command(members, "add", "Give an existing user a role");
  add->add_option("--user", args.user, "User e-mail or id")->required();
  add->add_option("--role", args.role, "owner, admin, editor, viewer or a custom role")->required();
  add->callback([&] { exit_code = members_add(options); });
  auto* update = in_tenant_command(members, "update", "Change a membership's role or status");
  update->add_option("ID", args.id, "Membership id")->required();
  update->add_option("--role", args.role, "Another role of the tenant");
  update->add_option("--status", args.status, "active or suspended");
  update->callback([&] { exit_code = members_update(options); });
  auto* remove = in_tenant_command(members, "remove", "End a membership (a tenant keeps one active owner)", false);
  remove->add_option("ID", args.id, "Membership id")->required();
  remove->callback([&] { exit_code = members_remove(options); });

  auto* roles = app.add_subcommand("roles", "A tenant's roles");
  roles->require_subcommand(1);
  in_tenant_command(roles, "list", "Built-in and custom roles")->callback([&] { exit_code = roles_list(options); });
  auto* create = in_tenant_command(roles, "create", "A custom role made of catalog permissions");
  create->add_option("NAME", args.name, "Role name")->required();
  create->add_option("--permission", args.permissions, "action:resource, such as read:videos (repeatable)")
      ->required();
  create->add_option("--description", args.description, "What the role is for");
  create->callback([&] { exit_code = roles_create(options); });

  auto* tokens = app.add_subcommand("tokens", "A tenant's API tokens (create them with `admin token create`)");
  tokens->require_subcommand(1);
  auto* tokens_list_command = in_tenant_command(tokens, "list", "Tokens, newest first (never their secrets)");
  tokens_list_command->add_option("--limit", args.limit, "At most this many")
      ->check(CLI::Range(1, app::kNewestPageMax));
  tokens_list_command->callback([&] { exit_code = tokens_list(options); });
  auto* revoke = in_tenant_command(tokens, "revoke", "Revoke a token", false);
  revoke->add_option("ID", args.id, "Token id")->required();
  revoke->callback([&] { exit_code = tokens_revoke(options); });

  auto* events = app.add_subcommand("events", "A tenant's changes in commit order");
  events->require_subcommand(1);
  auto* events_list_command = in_tenant_command(events, "list", "Events after a position");
  events_list_command->add_option("--after", args.after, "Only events after this position")
      ->check(CLI::NonNegativeNumber);
  events_list_command->add_option("--limit", args.limit, "At most this many")
      ->check(CLI::Range(1, store::kFeedLimitMax));
  events_list_command->callback([&] { exit_code = events_list(options); });
}

// `audit list`, beside `audit verify` (audit_command.cpp).
void add_audit_list_command(CLI::App& audit, GlobalOptions& options, int& exit_code) {
  using namespace tenant_command_impl;
  auto* list = in_tenant_command(&audit, "list", "The tenant's audit records, newest first");
  list->add_option("--limit", args.limit, "At most this many")->check(CLI::Range(1, app::kNewestPageMax));
  list->callback([&] { exit_code = audit_list(options); });
}

}  // namespace narralytica::cli
