// `narralytica speakers list|show|rename|link|merge`: a video's speakers through
// app::SpeakerService (linking through app::PeopleService::link), like /v1/videos/{id}/speakers
// and /v1/speakers/{id}..., as the operator; an aligned table or the API's JSON (--json).
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/people_service.hpp"
#include "app/speaker_service.hpp"
#include "cli/command_support.hpp"
#include "cli/text_table.hpp"

namespace narralytica::cli {
namespace speakers_command_impl {
namespace {

using app::SpeakerService;
using store::TenantScope;
using store::Transaction;
using store::TxMode;

struct SpeakersArgs {
  std::string tenant;
  std::string id;
  std::string video;
  std::string name;    // rename: the display name
  std::string person;  // link: a person id or a name
  std::string into;    // merge
  bool json = false;
} args;

std::string person_text(const store::Speaker& s) {
  if (!s.person_public_id) return "-";
  return s.person_name.value_or("") + " (" + s.person_public_id->to_string() + ")";
}

void print_speaker(const store::Speaker& s) {
  if (args.json) {
    std::printf("%s\n", api::speaker_json(s).c_str());
    return;
  }
  TextTable table({"FIELD", "VALUE"});
  table.add_row({"id", s.public_id.to_string()});
  table.add_row({"video", s.video_public_id.to_string()});
  table.add_row({"label", s.label});
  table.add_row({"display_name", s.display_name.value_or("-")});
  table.add_row({"person", person_text(s)});
  table.print();
}

// Runs `change(tx, scope, id)` on the speaker ID names and prints the speaker it returns.
template <class Change>
int run_change(const GlobalOptions& global, store::Permission permission, TxMode mode, Change change) {
  return run_in_tenant(global, args.tenant, permission, mode, [&](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.id, "speaker", "ID"));
    ASSIGN_OR_RETURN(store::Speaker speaker, change(tx, scope, id));
    print_speaker(speaker);
    return ok_status();
  });
}

int run_list(const GlobalOptions& global) {
  return run_in_tenant(global, args.tenant, app::kTranscriptsRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid video, parse_uuid(args.video, "video", "--video"));
    ASSIGN_OR_RETURN(auto speakers, SpeakerService::list(tx, scope, video));
    if (args.json) {
      std::printf("%s\n", json_page(speakers, api::speaker_json, std::nullopt).c_str());
      return ok_status();
    }
    TextTable table({"ID", "LABEL", "NAME", "PERSON"});
    for (const auto& s : speakers) {
      table.add_row({s.public_id.to_string(), s.label, s.display_name.value_or("-"), person_text(s)});
    }
    table.print();
    return ok_status();
  });
}

}  // namespace
}  // namespace speakers_command_impl

void add_speakers_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace speakers_command_impl;
  auto* speakers = app.add_subcommand("speakers", "The speakers of a video: rename, link to a person, merge");
  speakers->require_subcommand(1);
  auto common = [](CLI::App* command) {
    command->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
    command->add_flag("--json", args.json, "Print the API's JSON document");
  };
  auto with_id = [&](CLI::App* command) {
    common(command);
    command->add_option("ID", args.id, "Speaker id")->required();
  };

  auto* list = speakers->add_subcommand("list", "A video's speakers");
  common(list);
  list->add_option("--video", args.video, "Video id")->required();
  list->callback([&] { exit_code = run_list(options); });

  auto* show = speakers->add_subcommand("show", "One speaker");
  with_id(show);
  show->callback([&] {
    exit_code = run_change(options, app::kTranscriptsRead, TxMode::read,
                           [](Transaction& tx, const TenantScope& scope, const Uuid& id) {
                             return SpeakerService::show(tx, scope, id);
                           });
  });

  auto* rename = speakers->add_subcommand("rename", "Set a speaker's display name");
  with_id(rename);
  rename->add_option("NAME", args.name, "Display name")->required();
  rename->callback([&] {
    exit_code = run_change(options, app::kTranscriptsWrite, TxMode::write,
                           [](Transaction& tx, const TenantScope& scope, const Uuid& id) {
                             return SpeakerService::rename(tx, scope, id, args.name);
                           });
  });

  auto* link = speakers->add_subcommand("link", "Link a speaker to a person, by id or by name (created if new)");
  with_id(link);
  link->add_option("PERSON", args.person, "Person id or name")->required();
  link->callback([&] {
    exit_code = run_change(options, app::kWritePeople, TxMode::write,
                           [](Transaction& tx, const TenantScope& scope, const Uuid& id) {
                             return app::PeopleService::link(tx, scope, id, args.person);
                           });
  });

  auto* merge = speakers->add_subcommand("merge", "Move a speaker's segments to another speaker of the video");
  with_id(merge);
  merge->add_option("--into", args.into, "The speaker that keeps the segments")->required();
  merge->callback([&] {
    exit_code = run_change(options, app::kTranscriptsWrite, TxMode::write,
                           [](Transaction& tx, const TenantScope& scope, const Uuid& id) -> Result<store::Speaker> {
                             ASSIGN_OR_RETURN(Uuid into, parse_uuid(args.into, "speaker", "--into"));
                             return SpeakerService::merge(tx, scope, id, into);
                           });
  });
}

}  // namespace narralytica::cli
