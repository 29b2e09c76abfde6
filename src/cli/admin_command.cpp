// `narralytica admin …`: tenants, users, memberships and API tokens, as the local operator.
#include <CLI/CLI.hpp>

#include "api/detail/views.hpp"
#include "app/admin.hpp"
#include "store/identity/token_repository.hpp"
#include "cli/cli_support.hpp"
#include "cli/command_support.hpp"

namespace narralytica::cli {
namespace admin_command_impl {
namespace {

struct AdminArgs {
  std::string slug, name;
  std::string email, display_name, password_env;
  std::string member_tenant, member_user, member_role;
  std::string token_tenant, token_user, token_name = "cli";
  int expires_days = 0;
} args;

// Runs `action` with an AdminService on the opened database; reports errors.
template <class Action>
int with_admin(const GlobalOptions& options, Action action) {
  auto database = open_database(options);
  if (!database.ok()) return report(database.error());
  app::AdminService admin(**database, operator_principal());
  return action(admin);
}

}  // namespace
}  // namespace admin_command_impl

void add_admin_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace admin_command_impl;
  auto* admin = app.add_subcommand("admin", "Manage tenants, users, memberships and API tokens");
  admin->require_subcommand(1);

  auto* tenant = admin->add_subcommand("tenant", "Tenants");
  tenant->require_subcommand(1);
  auto* tenant_create = tenant->add_subcommand("create", "Create a tenant with the built-in roles");
  tenant_create->add_option("slug", args.slug, "Short name: a-z, 0-9 and '-'")->required();
  tenant_create->add_option("--name", args.name, "Display name (defaults to the slug)");
  tenant_create->callback([&] {
    exit_code = with_admin(options, [&](app::AdminService& service) {
      auto created = service.create_tenant(args.slug, args.name.empty() ? args.slug : args.name);
      if (!created.ok()) return report(created.error());
      std::printf("tenant %s  %s  (%s)\n", created->public_id.to_string().c_str(), created->slug.c_str(),
                  created->name.c_str());
      return 0;
    });
  });
  auto* tenant_list = tenant->add_subcommand("list", "List tenants");
  static bool tenant_list_json = false;
  tenant_list->add_flag("--json", tenant_list_json, "Print the tenants as one JSON page (the API's tenant objects)");
  tenant_list->callback([&] {
    exit_code = with_admin(options, [&](app::AdminService& service) {
      std::vector<store::Tenant> tenants;
      store::PageRequest page{std::nullopt, store::kPageLimitMax};
      do {
        auto listed = service.list_tenants(page);
        if (!listed.ok()) return report(listed.error());
        tenants.insert(tenants.end(), listed->items.begin(), listed->items.end());
        page.after = listed->next_after;
      } while (page.after);
      if (tenant_list_json) {
        std::printf("%s\n", json_page(tenants, api::tenant_json, std::nullopt).c_str());
        return 0;
      }
      for (const auto& t : tenants) {
        std::printf("%s  %-24s %-10s %s\n", t.public_id.to_string().c_str(), t.slug.c_str(), t.status.c_str(),
                    t.name.c_str());
      }
      return 0;
    });
  });

  auto* user = admin->add_subcommand("user", "Users");
  user->require_subcommand(1);
  auto* user_create = user->add_subcommand("create", "Create a user (global; add them to tenants with `member add`)");
  user_create->add_option("email", args.email, "E-mail address (the login)")->required();
  user_create->add_option("--name", args.display_name, "Display name (defaults to the e-mail)");
  user_create->add_option("--password-env", args.password_env,
                          "Name of an environment variable holding the password (none: token-only user)");
  user_create->callback([&] {
    exit_code = with_admin(options, [&](app::AdminService& service) {
      std::string password;
      if (!args.password_env.empty()) {
        const char* value = std::getenv(args.password_env.c_str());
        if (!value) return report(make_error(ErrorCode::invalid_argument, "environment variable is not set", args.password_env));
        password = value;
      }
      auto created = service.create_user(args.email, args.display_name.empty() ? args.email : args.display_name, password);
      if (!created.ok()) return report(created.error());
      std::printf("user %s  %s\n", created->public_id.to_string().c_str(), created->email.c_str());
      return 0;
    });
  });

  auto* member = admin->add_subcommand("member", "Memberships");
  member->require_subcommand(1);
  auto* member_add = member->add_subcommand("add", "Give a user a role in a tenant");
  member_add->add_option("--tenant", args.member_tenant, "Tenant slug or id")->required();
  member_add->add_option("--user", args.member_user, "User e-mail or id")->required();
  member_add->add_option("--role", args.member_role, "owner, admin, editor, viewer or a custom role")->required();
  member_add->callback([&] {
    exit_code = with_admin(options, [&](app::AdminService& service) {
      auto added = service.add_member(args.member_tenant, args.member_user, args.member_role);
      if (!added.ok()) return report(added.error());
      std::printf("member %s  %s is %s\n", added->public_id.to_string().c_str(), added->email.c_str(),
                  added->role.c_str());
      return 0;
    });
  });

  auto* token = admin->add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "Create an API token; the secret is printed once");
  token_create->add_option("--tenant", args.token_tenant, "Tenant slug or id")->required();
  token_create->add_option("--user", args.token_user, "User e-mail or id")->required();
  token_create->add_option("--name", args.token_name, "A name to tell tokens apart");
  token_create->add_option("--expires-days", args.expires_days, "Days until it expires, 1 to 366 (0: never)")
      ->check(CLI::Range(0, static_cast<int>(store::kTokenLifetimeDaysMax)));
  token_create->callback([&] {
    exit_code = with_admin(options, [&](app::AdminService& service) {
      std::optional<std::int64_t> lifetime_s;
      if (args.expires_days > 0) lifetime_s = std::int64_t{args.expires_days} * 86'400;
      auto created = service.create_token(args.token_tenant, args.token_user, args.token_name, lifetime_s);
      if (!created.ok()) return report(created.error());
      std::printf("token %s  %s\n", created->token.public_id.to_string().c_str(), created->token.name.c_str());
      std::printf("secret %s\n", created->secret.c_str());
      std::fprintf(stderr, "Store the secret now: only its hash is kept, it cannot be shown again.\n");
      return 0;
    });
  });
}

}  // namespace narralytica::cli
