// `narralytica transcript edit --tenant T TRANSCRIPT EDIT.json [--if-match N]`: applies an edit
// file ({"operations": [...]}, docs/editing.md) to the current revision of a transcript and stores
// the next revision, through the same use case as PATCH /v1/transcripts/{id}.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/edit_service.hpp"
#include "cli/cli_support.hpp"

namespace narralytica::cli {
namespace {

struct EditArgs {
  std::string tenant;
  std::string transcript;
  std::string file;
  int if_match = 0;  // 0: not given
} args;

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

void add_transcript_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto* transcript = app.add_subcommand("transcript", "Transcripts: edit one as a new revision");
  transcript->require_subcommand(1);
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
