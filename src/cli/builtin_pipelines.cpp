#include "cli/builtin_pipelines.hpp"

#include <CLI/CLI.hpp>

#include <cmath>

#include "app/conversation_service.hpp"
#include "app/secret_key.hpp"

namespace narralytica::cli {
namespace {

struct WebhookArgs {
  bool allow_private = false;
  std::vector<double> retry_schedule_s;
  double connect_timeout_s = 10;
  double response_timeout_s = 15;
} webhook_args;

}  // namespace

Result<std::unique_ptr<BuiltinPipelines>> make_builtin_pipelines(store::Database& database,
                                                                 const std::filesystem::path& data_dir,
                                                                 app::WebhookDeliveryOptions webhook_options) {
  ASSIGN_OR_RETURN(SecretBox key, app::load_or_create_secret_key(app::secret_key_file(data_dir)));
  auto pipelines = std::make_unique<BuiltinPipelines>(database, data_dir, key, std::move(webhook_options));
  jobs::PipelineDefinition search;
  search.name = std::string(app::kSearchPipeline);
  search.batch = jobs::kPipelineBatchMax;
  search.derived = [service = &pipelines->search](const jobs::DerivedBatch& batch) {
    return service->apply_events(batch.after, batch.events, batch.behind_horizon);
  };
  RETURN_IF_ERROR(pipelines->runner.add(std::move(search)));
  jobs::PipelineDefinition webhooks;
  webhooks.name = std::string(app::kWebhookPipeline);
  webhooks.batch = jobs::kPipelineBatchMax;
  webhooks.process = [dispatcher = &pipelines->webhooks](store::Transaction& tx,
                                                         std::span<const store::FeedEvent> events) {
    return dispatcher->fan_out(tx, events);
  };
  RETURN_IF_ERROR(pipelines->runner.add(std::move(webhooks)));
  // Conversation analytics keeps its measures in the database: a batch commits with the checkpoint,
  // inside one write transaction, so batches are small (a three-hour transcript takes a few
  // milliseconds to measure; SQLite's write lock is held meanwhile).
  jobs::PipelineDefinition conversation;
  conversation.name = std::string(app::kConversationPipeline);
  conversation.batch = 20;
  conversation.process = [](store::Transaction& tx, std::span<const store::FeedEvent> events) {
    return app::ConversationService::apply_events(tx, events);
  };
  RETURN_IF_ERROR(pipelines->runner.add(std::move(conversation)));
  return pipelines;
}

void add_webhook_options(CLI::App& command) {
  command.add_flag("--webhooks-allow-private", webhook_args.allow_private,
                   "Deliver webhooks to private, loopback and link-local addresses too (refused by default)");
  command.add_option("--webhooks-retry-schedule", webhook_args.retry_schedule_s,
                     "Seconds before each webhook retry, comma-separated (default the Standard Webhooks schedule: "
                     "5,300,1800,7200,18000,36000,36000)")
      ->delimiter(',');
  command.add_option("--webhooks-connect-timeout", webhook_args.connect_timeout_s,
                     "Seconds to resolve, connect and handshake with a webhook endpoint (default 10)")
      ->check(CLI::Range(0.01, 300.0));
  command.add_option("--webhooks-response-timeout", webhook_args.response_timeout_s,
                     "Seconds to send a delivery and read the answer (default 15)")
      ->check(CLI::Range(0.01, 300.0));
}

Result<app::WebhookDeliveryOptions> webhook_options() {
  app::WebhookDeliveryOptions options;
  options.http.allow_private = webhook_args.allow_private;
  options.http.connect_timeout = std::chrono::milliseconds(std::llround(webhook_args.connect_timeout_s * 1000));
  options.http.response_timeout = std::chrono::milliseconds(std::llround(webhook_args.response_timeout_s * 1000));
  if (!webhook_args.retry_schedule_s.empty()) {
    options.retry_schedule_us.clear();
    for (double s : webhook_args.retry_schedule_s) {
      if (!(s >= 0 && s <= 7 * 86400)) {
        return make_error(ErrorCode::invalid_argument, "each delay is 0 to 604800 seconds", "--webhooks-retry-schedule");
      }
      options.retry_schedule_us.push_back(std::llround(s * 1e6));
    }
  }
  if (auto valid = app::validate(options); !valid.ok()) {
    return make_error(ErrorCode::invalid_argument, valid.error().message, "--webhooks-retry-schedule");
  }
  return options;
}

}  // namespace narralytica::cli
