// `narralytica transcript list|show|delete` (also spelt `transcripts`): a video's transcripts
// through app::TranscriptService like /v1/videos/{id}/transcripts and /v1/transcripts/{id}, as
// the operator, in an aligned table or the API's JSON (--json).
// `narralytica transcript edit --tenant T TRANSCRIPT EDIT.json [--if-match N]`: applies an edit
// file ({"operations": [...]}, docs/editing.md) to the current revision of a transcript and stores
// the next revision, through the same use case as PATCH /v1/transcripts/{id}.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/edit_service.hpp"
#include "app/transcript_service.hpp"
#include "cli/command_support.hpp"
#include "cli/text_table.hpp"

namespace narralytica::cli {
namespace transcript_command_impl {
namespace {

struct EditArgs {
  std::string tenant;
  std::string transcript;
  std::string file;
  int if_match = 0;  // 0: not given
  std::string video;
  bool json = false;
} args;

using app::TranscriptService;
using store::TenantScope;
using store::Transaction;
using store::TxMode;

void print_transcript(const store::Transcript& t) {
  if (args.json) {
    std::printf("%s\n", api::transcript_json(t).c_str());
    return;
  }
  TextTable table({"FIELD", "VALUE"});
  table.add_row({"id", t.public_id.to_string()});
  table.add_row({"video", t.video_public_id.to_string()});
  table.add_row({"language", t.language});
  table.add_row({"revision", std::to_string(t.revision)});
  table.add_row({"previous", t.previous_public_id ? t.previous_public_id->to_string() : "-"});
  table.add_row({"origin", t.origin});
  table.add_row({"engine", t.engine.value_or("-")});
  table.add_row({"model", t.model.value_or("-") + (t.model_version ? " " + *t.model_version : "")});
  table.add_row({"segments", std::to_string(t.segment_count)});
  table.add_row({"created_at", format_rfc3339(t.created_at)});
  table.print();
}

int run_list(const GlobalOptions& global) {
  return run_in_tenant(global, args.tenant, app::kTranscriptsRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid video, parse_uuid(args.video, "video", "--video"));
    ASSIGN_OR_RETURN(auto transcripts, TranscriptService::list_in(tx, scope, video));
    if (args.json) {
      std::printf("%s\n", json_page(transcripts, [](const store::Transcript& t) { return api::transcript_json(t); },
                                     std::nullopt).c_str());
      return ok_status();
    }
    TextTable table({"ID", "LANG", "REVISION", "ORIGIN", "ENGINE", "SEGMENTS", "CREATED"});
    for (const auto& t : transcripts) {
      table.add_row({t.public_id.to_string(), t.language, std::to_string(t.revision), t.origin, t.engine.value_or("-"),
                     std::to_string(t.segment_count), format_rfc3339(t.created_at)});
    }
    table.print();
    return ok_status();
  });
}

int run_show(const GlobalOptions& global) {
  return run_in_tenant(global, args.tenant, app::kTranscriptsRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.transcript, "transcript", "ID"));
    ASSIGN_OR_RETURN(auto transcript, TranscriptService::get_in(tx, scope, id));
    print_transcript(transcript);
    return ok_status();
  });
}

int run_delete(const GlobalOptions& global) {
  return run_in_tenant(global, args.tenant, app::kTranscriptsDelete, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.transcript, "transcript", "ID"));
    RETURN_IF_ERROR(TranscriptService::remove_in(tx, scope, id));
    std::printf("deleted transcript %s\n", id.to_string().c_str());
    return ok_status();
  });
}

int run_edit(const GlobalOptions& global) {
  auto transcript = Uuid::parse(args.transcript);
  if (!transcript) return report(make_error(ErrorCode::invalid_argument, "not a transcript id (a UUID)", "TRANSCRIPT"));
  auto content = read_file(args.file, app::kEditBytesMax);
  if (!content.ok()) return report(content.error());
  app::EditRequest request;
  auto operations = app::parse_edit(*content);
  if (!operations.ok()) {
    Error error = operations.error();
    error.field = args.file + ": " + error.field;
    return report(error);
  }
  request.operations = std::move(operations).value();
  if (args.if_match > 0) request.expected_revision = args.if_match;
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  auto edited = app::EditService::edit(**database, operator_principal(), args.tenant, *transcript, request);
  if (!edited.ok()) return report(edited.error());
  if (!edited->created) {
    std::printf("unchanged  transcript %s  revision %d: the operations change nothing\n",
                edited->transcript.public_id.to_string().c_str(), edited->transcript.revision);
    return 0;
  }
  std::printf("edited     transcript %s  revision %d (from revision %d, %s)\n",
              edited->transcript.public_id.to_string().c_str(), edited->transcript.revision,
              edited->previous.revision, edited->previous.public_id.to_string().c_str());
  std::printf("           %zu operations, %lld segments changed; their words: %lld timed, %lld interpolated\n",
              request.operations.size(), static_cast<long long>(edited->stats.segments_changed),
              static_cast<long long>(edited->stats.words_timed),
              static_cast<long long>(edited->stats.words_interpolated));
  return 0;
}

}  // namespace
}  // namespace transcript_command_impl

void add_transcript_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace transcript_command_impl;
  auto* transcript = app.add_subcommand("transcript", "Transcripts: list, show, delete, edit one as a new revision");
  transcript->alias("transcripts");
  transcript->require_subcommand(1);
  auto common = [](CLI::App* command) {
    command->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
    command->add_flag("--json", args.json, "Print the API's JSON document");
  };

  auto* list = transcript->add_subcommand("list", "A video's transcripts, by language and revision");
  common(list);
  list->add_option("--video", args.video, "Video id")->required();
  list->callback([&] { exit_code = run_list(options); });

  auto* show = transcript->add_subcommand("show", "One transcript's metadata");
  common(show);
  show->add_option("ID", args.transcript, "Transcript id")->required();
  show->callback([&] { exit_code = run_show(options); });

  auto* remove = transcript->add_subcommand(
      "delete", "Delete a transcript and its segments (not when a newer revision builds on it)");
  remove->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
  remove->add_option("ID", args.transcript, "Transcript id")->required();
  remove->callback([&] { exit_code = run_delete(options); });

  auto* edit = transcript->add_subcommand(
      "edit", "Apply an edit file ({\"operations\": [...]}, docs/editing.md) to the current revision; stores the next");
  edit->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
  edit->add_option("--if-match", args.if_match, "Refuse unless the transcript is this revision (exit 5)")
      ->check(CLI::PositiveNumber);
  edit->add_option("TRANSCRIPT", args.transcript, "Transcript id (its current revision)")->required();
  edit->add_option("EDIT", args.file, "The edit file (JSON)")->required();
  edit->callback([&] { exit_code = run_edit(options); });
}

}  // namespace narralytica::cli
