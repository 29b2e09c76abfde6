// `narralytica segments list --tenant T TRANSCRIPT`: a transcript's segments in order through
// app::TranscriptService::segments_in, with the filters of GET /v1/transcripts/{id}/segments (a
// time window, one speaker, a page and its cursor), in an aligned table or the API's JSON.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/transcript_service.hpp"
#include "cli/command_support.hpp"
#include "cli/text_table.hpp"

namespace narralytica::cli {
namespace segments_command_impl {
namespace {

struct SegmentsArgs {
  std::string tenant;
  std::string transcript;
  std::string speaker;
  std::string cursor;
  std::int64_t from_ms = -1;
  std::int64_t to_ms = -1;
  int limit = store::kPageLimitDefault;
  bool json = false;
} args;

int run_list(const GlobalOptions& global) {
  return run_in_tenant(global, args.tenant, app::kTranscriptsRead, store::TxMode::read,
                       [](store::Transaction& tx, const store::TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.transcript, "transcript", "TRANSCRIPT"));
    store::SegmentQuery query;
    query.limit = args.limit;
    if (args.from_ms >= 0) query.from_ms = args.from_ms;
    if (args.to_ms >= 0) query.to_ms = args.to_ms;
    if (!args.speaker.empty()) {
      ASSIGN_OR_RETURN(query.speaker_public_id, parse_uuid(args.speaker, "speaker", "--speaker"));
    }
    if (!args.cursor.empty()) {
      ASSIGN_OR_RETURN(auto key, api::decode_int_cursor('s', args.cursor, 1));
      query.after_ordinal = key[0];
    }
    ASSIGN_OR_RETURN(app::SegmentListing listing, app::TranscriptService::segments_in(tx, scope, id, query));
    std::optional<std::string> next;
    if (listing.page.next_after_ordinal) next = api::encode_int_cursor('s', {*listing.page.next_after_ordinal});
    if (args.json) {
      std::printf("%s\n", json_page(listing.page.items, api::segment_json, next).c_str());
      return ok_status();
    }
    TextTable table({"#", "START", "END", "SPEAKER", "TEXT"});
    for (const auto& s : listing.page.items) {
      table.add_row({std::to_string(s.ordinal), clock_text(s.start_ms), clock_text(s.end_ms),
                     s.speaker_label.value_or("-"), s.text});
    }
    table.print();
    print_more(next);
    return ok_status();
  });
}

}  // namespace
}  // namespace segments_command_impl

void add_segments_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace segments_command_impl;
  auto* segments = app.add_subcommand("segments", "A transcript's segments");
  segments->require_subcommand(1);
  auto* list = segments->add_subcommand("list", "Segments in order, in a time window and of one speaker");
  list->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
  list->add_option("TRANSCRIPT", args.transcript, "Transcript id")->required();
  list->add_option("--from-ms", args.from_ms, "Segments ending at or after this time")->check(CLI::NonNegativeNumber);
  list->add_option("--to-ms", args.to_ms, "Segments starting before this time")->check(CLI::NonNegativeNumber);
  list->add_option("--speaker", args.speaker, "Only this speaker's segments (speaker id)");
  list->add_option("--limit", args.limit, "At most this many")->check(CLI::Range(1, store::kPageLimitMax));
  list->add_option("--cursor", args.cursor, "Continue a listing where it stopped");
  list->add_flag("--json", args.json, "Print the API's JSON document");
  list->callback([&] { exit_code = run_list(options); });
}

}  // namespace narralytica::cli
