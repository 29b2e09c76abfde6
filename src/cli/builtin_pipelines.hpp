// The pipelines over the event feed that `narralytica worker` and `serve --workers N` run: the
// composition root wires each derived system to the runner here, once for both commands, and
// the webhook dispatcher whose deliveries the fan-out pipeline queues.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "app/search_service.hpp"
#include "app/webhook_dispatcher.hpp"
#include "jobs/pipeline_runner.hpp"

namespace CLI {
class App;
}

namespace narralytica::cli {

struct BuiltinPipelines {
  BuiltinPipelines(store::Database& database, const std::filesystem::path& data_dir, SecretBox key,
                   app::WebhookDeliveryOptions webhook_options)
      : secret_box(key), search(database, data_dir),
        webhooks(database, with_key(std::move(webhook_options), secret_box)), runner(database) {}
  SecretBox secret_box;              // opens webhook secrets to sign deliveries (app/secret_key.hpp)
  app::SearchService search;         // the search index (pipeline "search.index")
  app::WebhookDispatcher webhooks;   // fan-out (pipeline "webhooks.fanout") and delivery rounds
  jobs::PipelineRunner runner;

 private:
  static app::WebhookDeliveryOptions with_key(app::WebhookDeliveryOptions options, const SecretBox& key) {
    options.secret_box = &key;
    return options;
  }
};

// Loads (or creates) the server key under `data_dir` for the dispatcher. Errors: the key's
// (app/secret_key.hpp); as jobs::PipelineRunner::add (a bug if it fails).
Result<std::unique_ptr<BuiltinPipelines>> make_builtin_pipelines(store::Database& database,
                                                                 const std::filesystem::path& data_dir,
                                                                 app::WebhookDeliveryOptions webhook_options = {});

// The webhook options `worker` and `serve` share, registered on `command`; read them with
// webhook_options() after parsing. Errors of the values show as invalid_argument naming the flag.
void add_webhook_options(CLI::App& command);
Result<app::WebhookDeliveryOptions> webhook_options();

}  // namespace narralytica::cli
