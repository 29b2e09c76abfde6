// `narralytica webhooks list|create|show|update|delete|rotate|deliveries|replay|retry`: a tenant's
// webhook endpoints from the command line, through the same app::WebhookService functions as
// /v1/webhooks, as the operator (authorized with the permission each function names). `list`
// prints a table (or JSON with --json); the others print the JSON the API answers.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <functional>

#include "app/content_store.hpp"
#include "app/secret_key.hpp"
#include "app/webhook_service.hpp"
#include "cli/cli_support.hpp"

namespace narralytica::cli {
namespace webhooks_command_impl {
namespace {

struct WebhooksArgs {
  std::string tenant;
  std::string id;
  std::string url;
  std::string description;
  std::vector<std::string> event_types;
  bool disabled = false;
  std::string enabled;  // update: "true" or "false"
  bool clear_event_types = false;
  std::int64_t grace_seconds = app::kSecretGraceSecondsDefault;
  std::int64_t from_position = 0;
  int limit = 20;
  bool json = false;
  std::string data_dir;  // create, rotate: where the server key that seals secrets is
} args;

using Body = std::function<Result<std::string>(store::Transaction&, const store::TenantScope&)>;

// Runs `body` for the operator in --tenant with `permission`, committing when it succeeds, and
// prints what it returns.
int in_tenant(const GlobalOptions& global, store::Permission permission, const Body& body) {
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  auto run = [&]() -> Result<std::string> {
    ASSIGN_OR_RETURN(auto tx, store::Transaction::begin(**database, store::TxMode::write));
    ASSIGN_OR_RETURN(store::Tenant tenant, store::TenantRepository::find(tx, args.tenant));
    ASSIGN_OR_RETURN(store::TenantScope scope,
                     store::Authorizer::authorize(tx, operator_principal(), tenant, permission));
    ASSIGN_OR_RETURN(std::string out, body(tx, scope));
    RETURN_IF_ERROR(tx.commit());
    return out;
  };
  auto out = run();
  if (!out.ok()) return report(out.error());
  if (!out->empty()) std::printf("%s\n", out->c_str());
  return 0;
}

Result<Uuid> id_arg(const char* what) {
  auto id = Uuid::parse(args.id);
  if (!id) return make_error(ErrorCode::invalid_argument, std::string("not a ") + what + " id (a UUID)", "ID");
  return *id;
}

int run_list(const GlobalOptions& global) {
  return in_tenant(global, app::kWebhooksRead, [](store::Transaction& tx, const store::TenantScope& scope)
                                                   -> Result<std::string> {
    store::PageRequest page;
    page.limit = store::kPageLimitMax;
    ASSIGN_OR_RETURN(auto endpoints, app::WebhookService::list(tx, scope, page));
    std::string out;
    if (args.json) {
      out = "[";
      for (const auto& e : endpoints.items) out += (out.size() > 1 ? "," : "") + app::webhook_json(e, tx.now_us());
      return out + "]";
    }
    char line[512];
    std::snprintf(line, sizeof line, "%-36s  %-8s  %-40s  %s", "ID", "ENABLED", "URL", "EVENT TYPES");
    out = line;
    for (const auto& e : endpoints.items) {
      std::string types;
      for (const auto& t : e.event_types) types += (types.empty() ? "" : ",") + t;
      std::snprintf(line, sizeof line, "\n%-36s  %-8s  %-40s  %s", e.public_id.to_string().c_str(),
                    e.enabled ? "yes" : ("no:" + e.disabled_reason.value_or("manual")).c_str(), e.url.c_str(),
                    types.empty() ? "*" : types.c_str());
      out += line;
    }
    return out;
  });
}

// The key that seals secrets: the one `serve` and `worker` use, from the same data directory.
Result<SecretBox> server_key(const GlobalOptions& global) {
  const std::filesystem::path data_dir =
      args.data_dir.empty() ? app::default_data_dir(global.db) : std::filesystem::path(args.data_dir);
  return app::load_or_create_secret_key(app::secret_key_file(data_dir));
}

int run_create(const GlobalOptions& global) {
  auto key = server_key(global);
  if (!key.ok()) return report(key.error());
  return in_tenant(global, app::kWebhooksWrite, [&key](store::Transaction& tx, const store::TenantScope& scope)
                                                    -> Result<std::string> {
    app::WebhookDraft draft{args.url, args.description, args.event_types, !args.disabled};
    ASSIGN_OR_RETURN(auto created, app::WebhookService::create(tx, scope, draft, *key));
    return app::webhook_with_secret_json(created, tx.now_us());
  });
}

int run_show(const GlobalOptions& global) {
  return in_tenant(global, app::kWebhooksRead, [](store::Transaction& tx, const store::TenantScope& scope)
                                                   -> Result<std::string> {
    ASSIGN_OR_RETURN(Uuid id, id_arg("webhook"));
    ASSIGN_OR_RETURN(auto endpoint, app::WebhookService::get(tx, scope, id));
    return app::webhook_json(endpoint, tx.now_us());
  });
}

int run_update(const GlobalOptions& global, CLI::App& command) {
  app::WebhookPatch patch;
  if (command.count("--url")) patch.url = args.url;
  if (command.count("--description")) patch.description = args.description;
  if (command.count("--event-type")) patch.event_types = args.event_types;
  if (args.clear_event_types) patch.event_types = std::vector<std::string>{};
  if (!args.enabled.empty()) {
    if (args.enabled != "true" && args.enabled != "false") {
      return report(make_error(ErrorCode::invalid_argument, "true or false", "--enabled"));
    }
    patch.enabled = args.enabled == "true";
  }
  return in_tenant(global, app::kWebhooksWrite, [&patch](store::Transaction& tx, const store::TenantScope& scope)
                                                    -> Result<std::string> {
    ASSIGN_OR_RETURN(Uuid id, id_arg("webhook"));
    ASSIGN_OR_RETURN(auto endpoint, app::WebhookService::update(tx, scope, id, patch));
    return app::webhook_json(endpoint, tx.now_us());
  });
}

int run_delete(const GlobalOptions& global) {
  return in_tenant(global, app::kWebhooksDelete, [](store::Transaction& tx, const store::TenantScope& scope)
                                                     -> Result<std::string> {
    ASSIGN_OR_RETURN(Uuid id, id_arg("webhook"));
    RETURN_IF_ERROR(app::WebhookService::remove(tx, scope, id));
    return "deleted " + args.id;
  });
}

int run_rotate(const GlobalOptions& global) {
  auto key = server_key(global);
  if (!key.ok()) return report(key.error());
  return in_tenant(global, app::kWebhooksWrite, [&key](store::Transaction& tx, const store::TenantScope& scope)
                                                    -> Result<std::string> {
    ASSIGN_OR_RETURN(Uuid id, id_arg("webhook"));
    ASSIGN_OR_RETURN(auto rotated, app::WebhookService::rotate_secret(tx, scope, id, args.grace_seconds, *key));
    return app::webhook_with_secret_json(rotated, tx.now_us());
  });
}

int run_deliveries(const GlobalOptions& global) {
  return in_tenant(global, app::kWebhooksRead, [](store::Transaction& tx, const store::TenantScope& scope)
                                                   -> Result<std::string> {
    ASSIGN_OR_RETURN(Uuid id, id_arg("webhook"));
    store::PageRequest page;
    page.limit = args.limit;
    ASSIGN_OR_RETURN(auto deliveries, app::WebhookService::deliveries(tx, scope, id, page));
    std::string out = "[";
    for (const auto& d : deliveries.items) out += (out.size() > 1 ? "," : "") + app::delivery_json(d);
    return out + "]";
  });
}

int run_replay(const GlobalOptions& global) {
  return in_tenant(global, app::kWebhooksWrite, [](store::Transaction& tx, const store::TenantScope& scope)
                                                    -> Result<std::string> {
    ASSIGN_OR_RETURN(Uuid id, id_arg("webhook"));
    ASSIGN_OR_RETURN(auto report, app::WebhookService::replay(tx, scope, id, args.from_position));
    return app::replay_json(report);
  });
}

int run_retry(const GlobalOptions& global) {
  return in_tenant(global, app::kWebhooksWrite, [](store::Transaction& tx, const store::TenantScope& scope)
                                                    -> Result<std::string> {
    ASSIGN_OR_RETURN(Uuid id, id_arg("delivery"));
    ASSIGN_OR_RETURN(auto delivery, app::WebhookService::retry_delivery(tx, scope, id));
    return app::delivery_json(delivery);
  });
}

}  // namespace
}  // namespace webhooks_command_impl

void add_webhooks_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace webhooks_command_impl;
  auto* webhooks = app.add_subcommand("webhooks", "A tenant's webhook endpoints and their deliveries");
  webhooks->require_subcommand(1);
  auto tenant = [](CLI::App* command) {
    command->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
  };
  auto id = [](CLI::App* command, const char* what) { command->add_option("ID", args.id, what)->required(); };

  auto* list = webhooks->add_subcommand("list", "List the tenant's endpoints");
  tenant(list);
  list->add_flag("--json", args.json, "JSON instead of a table");
  list->callback([&] { exit_code = run_list(options); });

  auto* create = webhooks->add_subcommand("create", "Register an endpoint; prints its signing secret, this once");
  tenant(create);
  create->add_option("--url", args.url, "https:// (or http://) URL to POST deliveries to")->required();
  create->add_option("--description", args.description, "What the endpoint is for");
  create->add_option("--event-type", args.event_types,
                     "An event type, \"<entity>.*\" or \"*\" (repeat; default: every type)");
  create->add_flag("--disabled", args.disabled, "Register it disabled");
  create->add_option("--data-dir", args.data_dir, "Where the server key that seals secrets is (default: beside the database)");
  create->callback([&] { exit_code = run_create(options); });

  auto* show = webhooks->add_subcommand("show", "One endpoint");
  tenant(show);
  id(show, "Webhook id");
  show->callback([&] { exit_code = run_show(options); });

  auto* update = webhooks->add_subcommand("update", "Change an endpoint (only the options given)");
  tenant(update);
  id(update, "Webhook id");
  update->add_option("--url", args.url, "New URL");
  update->add_option("--description", args.description, "New description");
  update->add_option("--event-type", args.event_types, "Replace the event types (repeat)");
  update->add_flag("--all-event-types", args.clear_event_types, "Subscribe to every event type");
  update->add_option("--enabled", args.enabled, "true (also re-enables an endpoint disabled by failures) or false");
  update->callback([&, update] { exit_code = run_update(options, *update); });

  auto* remove = webhooks->add_subcommand("delete", "Delete an endpoint with its deliveries");
  tenant(remove);
  id(remove, "Webhook id");
  remove->callback([&] { exit_code = run_delete(options); });

  auto* rotate = webhooks->add_subcommand("rotate", "A new signing secret (printed once); the old one keeps signing for a grace period");
  tenant(rotate);
  id(rotate, "Webhook id");
  rotate->add_option("--grace-seconds", args.grace_seconds, "How long the old secret still signs (default 86400)")
      ->check(CLI::Range(std::int64_t{0}, app::kSecretGraceSecondsMax));
  rotate->add_option("--data-dir", args.data_dir, "Where the server key that seals secrets is (default: beside the database)");
  rotate->callback([&] { exit_code = run_rotate(options); });

  auto* deliveries = webhooks->add_subcommand("deliveries", "An endpoint's deliveries, newest first, with attempts");
  tenant(deliveries);
  id(deliveries, "Webhook id");
  deliveries->add_option("--limit", args.limit, "How many (default 20)")->check(CLI::Range(1, store::kPageLimitMax));
  deliveries->callback([&] { exit_code = run_deliveries(options); });

  auto* replay = webhooks->add_subcommand("replay", "Deliver the tenant's events again from a feed position on");
  tenant(replay);
  id(replay, "Webhook id");
  replay->add_option("--from", args.from_position, "Feed position of the first event")->required();
  replay->callback([&] { exit_code = run_replay(options); });

  auto* retry = webhooks->add_subcommand("retry", "Deliver one delivery again now");
  tenant(retry);
  id(retry, "Delivery id");
  retry->callback([&] { exit_code = run_retry(options); });
}

}  // namespace narralytica::cli
