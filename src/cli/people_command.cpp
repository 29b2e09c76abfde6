// `narralytica people ...`: list, show, create, update, delete, link, unlink, merge, split and
// segments of people, through app::PeopleService like /v1/people.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/people_service.hpp"
#include "app/tenant_work.hpp"
#include "cli/command_support.hpp"
#include "cli/text_table.hpp"
#include "core/json_writer.hpp"

namespace narralytica::cli {
namespace people_command_impl {
namespace {

struct PeopleArgs {
  std::string tenant;
  std::string id;
  std::string name;
  std::string notes;
  bool notes_given = false;
  std::vector<std::string> external_ids;  // key=value
  std::string speaker;
  std::vector<std::string> speakers;
  std::string person;  // link: an id or a name
  std::string into;
  int limit = store::kPageLimitDefault;
  std::int64_t from_ms = -1;
  std::int64_t to_ms = -1;
  std::string cursor;
  bool json = false;
} args;

std::string seconds(std::int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(ms / 60000),
                static_cast<long long>(ms / 1000 % 60));
  return text;
}

Result<Uuid> parse_id(const std::string& text, std::string_view what) {
  auto id = Uuid::parse(text);
  if (!id) return make_error(ErrorCode::invalid_argument, "not a " + std::string(what) + " id (a UUID): " + text, std::string(what));
  return *id;
}

Result<std::vector<Uuid>> parse_ids(const std::vector<std::string>& texts, std::string_view what) {
  std::vector<Uuid> ids;
  for (const auto& text : texts) {
    ASSIGN_OR_RETURN(Uuid id, parse_id(text, what));
    ids.push_back(id);
  }
  return ids;
}

// --external-id wikidata=Q42 (repeatable) as the JSON object the service checks.
Result<std::optional<std::string>> external_ids_json() {
  if (args.external_ids.empty()) return std::optional<std::string>();
  JsonObject ids;
  for (const auto& pair : args.external_ids) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) {
      return make_error(ErrorCode::invalid_argument, "expected NAME=VALUE, such as wikidata=Q7259: " + pair,
                        "--external-id");
    }
    ids.add(pair.substr(0, eq), pair.substr(eq + 1));
  }
  return std::optional<std::string>(ids.str());
}

Result<app::PersonInput> person_input() {
  app::PersonInput input;
  if (!args.name.empty()) input.name = args.name;
  if (args.notes_given) input.notes = args.notes;
  ASSIGN_OR_RETURN(input.external_ids_json, external_ids_json());
  return input;
}

void print_person(const store::Person& p) {
  std::printf("person     %s\nname       %s\n", p.public_id.to_string().c_str(), p.name.c_str());
  if (p.external_ids_json != "{}") std::printf("external   %s\n", p.external_ids_json.c_str());
  if (p.notes) std::printf("notes      %s\n", p.notes->c_str());
  if (p.merged_into) std::printf("merged     into %s\n", p.merged_into->to_string().c_str());
  else std::printf("speakers   %lld\n", static_cast<long long>(p.speaker_count));
}

// Runs `work` as the operator in --tenant (cli/command_support.hpp).
template <class Work>
int run(const GlobalOptions& global, store::Permission permission, store::TxMode mode, Work&& work) {
  return run_in_tenant(global, args.tenant, permission, mode, std::forward<Work>(work));
}

int run_list(const GlobalOptions& global) {
  return run(global, app::kReadPeople, store::TxMode::read, [](store::Transaction& tx, const store::TenantScope& scope) -> Status {
    store::PersonListQuery query;
    query.page.limit = args.limit;
    ASSIGN_OR_RETURN(query.page.after, api::id_cursor_after('p', optional_arg(args.cursor)));
    if (!args.name.empty()) query.name_contains = args.name;
    ASSIGN_OR_RETURN(auto page, app::PeopleService::list(tx, scope, query));
    const auto next = api::id_cursor('p', page.next_after);
    if (args.json) {
      std::printf("%s\n", json_page(page.items, api::person_json, next).c_str());
      return ok_status();
    }
    TextTable table({"ID", "NAME", "SPEAKERS", "EXTERNAL IDS"});
    for (const auto& p : page.items) {
      table.add_row({p.public_id.to_string(), p.name, std::to_string(p.speaker_count),
                     p.external_ids_json == "{}" ? "" : p.external_ids_json});
    }
    table.print();
    print_more(next);
    return ok_status();
  });
}

int run_show(const GlobalOptions& global) {
  return run(global, app::kReadPeople, store::TxMode::read, [](store::Transaction& tx, const store::TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_id(args.id, "person"));
    ASSIGN_OR_RETURN(auto person, app::PeopleService::get(tx, scope, id));
    if (args.json) {
      std::printf("%s\n", api::person_json(person).c_str());
      return ok_status();
    }
    print_person(person);
    if (person.merged_into) return ok_status();
    ASSIGN_OR_RETURN(auto appearances, app::PeopleService::appearances(tx, scope, person));
    if (appearances.empty()) return ok_status();
    std::printf("\n");
    TextTable table({"VIDEO", "TITLE", "LANG", "SPEAKERS", "SEGMENTS", "SPEAKING", "FIRST", "LAST"});
    for (const auto& a : appearances) {
      std::string labels;
      for (const auto& label : a.speaker_labels) labels += (labels.empty() ? "" : ",") + label;
      table.add_row({a.video_public_id.to_string(), a.video_title, a.language, labels, std::to_string(a.segment_count),
                     seconds(a.speaking_ms), seconds(a.first_ms), seconds(a.last_ms)});
    }
    table.print();
    return ok_status();
  });
}

int run_create(const GlobalOptions& global) {
  return run(global, app::kWritePeople, store::TxMode::write, [](store::Transaction& tx, const store::TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto input, person_input());
    ASSIGN_OR_RETURN(auto person, app::PeopleService::create(tx, scope, input));
    print_person(person);
    return ok_status();
  });
}

int run_update(const GlobalOptions& global) {
  return run(global, app::kWritePeople, store::TxMode::write, [](store::Transaction& tx, const store::TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_id(args.id, "person"));
    ASSIGN_OR_RETURN(auto input, person_input());
    ASSIGN_OR_RETURN(auto person, app::PeopleService::update(tx, scope, id, input));
    print_person(person);
    return ok_status();
  });
}

int run_delete(const GlobalOptions& global) {
  return run(global, app::kWritePeople, store::TxMode::write, [](store::Transaction& tx, const store::TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_id(args.id, "person"));
    RETURN_IF_ERROR(app::PeopleService::remove(tx, scope, id));
    std::printf("deleted    person %s\n", args.id.c_str());
    return ok_status();
  });
}

void print_speaker(const store::Speaker& s) {
  std::printf("speaker    %s  %s  video %s  person %s\n", s.public_id.to_string().c_str(), s.label.c_str(),
              s.video_public_id.to_string().c_str(),
              s.person_public_id ? (s.person_public_id->to_string() + " (" + s.person_name.value_or("") + ")").c_str()
                                 : "none");
}

int run_link(const GlobalOptions& global) {
  return run(global, app::kWritePeople, store::TxMode::write, [](store::Transaction& tx, const store::TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid speaker, parse_id(args.speaker, "speaker"));
    ASSIGN_OR_RETURN(auto linked, app::PeopleService::link(tx, scope, speaker, args.person));
    print_speaker(linked);
    return ok_status();
  });
}

int run_unlink(const GlobalOptions& global) {
  return run(global, app::kWritePeople, store::TxMode::write, [](store::Transaction& tx, const store::TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid speaker, parse_id(args.speaker, "speaker"));
    ASSIGN_OR_RETURN(auto unlinked, app::PeopleService::unlink(tx, scope, speaker));
    print_speaker(unlinked);
    return ok_status();
  });
}

int run_merge(const GlobalOptions& global) {
  return run(global, app::kWritePeople, store::TxMode::write, [](store::Transaction& tx, const store::TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid source, parse_id(args.id, "person"));
    ASSIGN_OR_RETURN(Uuid into, parse_id(args.into, "person"));
    ASSIGN_OR_RETURN(auto survivor, app::PeopleService::merge(tx, scope, source, into));
    std::printf("merged     %s into %s\n", args.id.c_str(), args.into.c_str());
    print_person(survivor);
    return ok_status();
  });
}

int run_split(const GlobalOptions& global) {
  return run(global, app::kWritePeople, store::TxMode::write, [](store::Transaction& tx, const store::TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid person, parse_id(args.id, "person"));
    ASSIGN_OR_RETURN(auto speakers, parse_ids(args.speakers, "speaker"));
    ASSIGN_OR_RETURN(auto created, app::PeopleService::split(tx, scope, person, speakers, args.name));
    print_person(created);
    return ok_status();
  });
}

int run_segments(const GlobalOptions& global) {
  return run(global, app::kReadPeople, store::TxMode::read, [](store::Transaction& tx, const store::TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_id(args.id, "person"));
    ASSIGN_OR_RETURN(auto person, app::PeopleService::get(tx, scope, id));
    if (person.merged_into) {
      return make_error(ErrorCode::conflict, "this person was merged into " + person.merged_into->to_string(), "ID");
    }
    store::PersonSegmentQuery query;
    query.limit = args.limit;
    if (args.from_ms >= 0) query.from_ms = args.from_ms;
    if (args.to_ms >= 0) query.to_ms = args.to_ms;
    ASSIGN_OR_RETURN(auto page, app::PeopleService::segments(tx, scope, person, query));
    TextTable table({"VIDEO", "AT", "SPEAKER", "TEXT"});
    for (const auto& s : page.items) {
      table.add_row({s.video_public_id.to_string(), seconds(s.segment.start_ms), s.segment.speaker_label.value_or(""),
                     s.segment.text});
    }
    table.print();
    if (page.next_after) std::printf("(more: raise --limit)\n");
    return ok_status();
  });
}

}  // namespace
}  // namespace people_command_impl

void add_people_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace people_command_impl;
  auto* people = app.add_subcommand("people", "People: who speaks, across videos");
  people->require_subcommand(1);
  auto tenant = [](CLI::App* command) { command->add_option("--tenant", args.tenant, "Tenant slug or id")->required(); };
  auto fields = [](CLI::App* command) {
    command->add_option("--external-id", args.external_ids, "NAME=VALUE, such as wikidata=Q7259 (repeatable)");
    command->add_option("--notes", args.notes, "Free notes (an empty string clears them)")
        ->each([](const std::string&) { args.notes_given = true; });
  };

  auto* list = people->add_subcommand("list", "List people");
  tenant(list);
  list->add_option("--name", args.name, "Only names containing this (case-insensitive)");
  list->add_option("--limit", args.limit, "Most rows")->check(CLI::Range(1, store::kPageLimitMax));
  list->add_option("--cursor", args.cursor, "Continue after the page that printed it");
  list->add_flag("--json", args.json, "Print the API's JSON document");
  list->callback([&] { exit_code = run_list(options); });

  auto* show = people->add_subcommand("show", "A person and every transcript they speak in");
  tenant(show);
  show->add_option("ID", args.id, "Person id")->required();
  show->add_flag("--json", args.json, "Print the API's JSON document (the person, as GET /v1/people/{id})");
  show->callback([&] { exit_code = run_show(options); });

  auto* create = people->add_subcommand("create", "Create a person");
  tenant(create);
  create->add_option("--name", args.name, "Name")->required();
  fields(create);
  create->callback([&] { exit_code = run_create(options); });

  auto* update = people->add_subcommand("update", "Change a person's name, external ids or notes");
  tenant(update);
  update->add_option("ID", args.id, "Person id")->required();
  update->add_option("--name", args.name, "New name");
  fields(update);
  update->callback([&] { exit_code = run_update(options); });

  auto* remove = people->add_subcommand("delete", "Delete a person and its links (the speakers stay)");
  tenant(remove);
  remove->add_option("ID", args.id, "Person id")->required();
  remove->callback([&] { exit_code = run_delete(options); });

  auto* link = people->add_subcommand("link", "Link a speaker to a person (by id, or by name: created if new)");
  tenant(link);
  link->add_option("--speaker", args.speaker, "Speaker id")->required();
  link->add_option("PERSON", args.person, "Person id or name")->required();
  link->callback([&] { exit_code = run_link(options); });

  auto* unlink = people->add_subcommand("unlink", "Remove a speaker's link to its person");
  tenant(unlink);
  unlink->add_option("--speaker", args.speaker, "Speaker id")->required();
  unlink->callback([&] { exit_code = run_unlink(options); });

  auto* merge = people->add_subcommand("merge", "Move every speaker of a person to another");
  tenant(merge);
  merge->add_option("ID", args.id, "The person merged away")->required();
  merge->add_option("--into", args.into, "The person that keeps the speakers")->required();
  merge->callback([&] { exit_code = run_merge(options); });

  auto* split = people->add_subcommand("split", "Move some of a person's speakers to a new person");
  tenant(split);
  split->add_option("ID", args.id, "Person id")->required();
  split->add_option("--speaker", args.speakers, "A speaker to move (repeatable)")->required();
  split->add_option("--name", args.name, "The new person's name")->required();
  split->callback([&] { exit_code = run_split(options); });

  auto* segments = people->add_subcommand("segments", "What a person said, across videos");
  tenant(segments);
  segments->add_option("ID", args.id, "Person id")->required();
  segments->add_option("--from-ms", args.from_ms, "Segments ending at or after this time in their video");
  segments->add_option("--to-ms", args.to_ms, "Segments starting before this time");
  segments->add_option("--limit", args.limit, "Most rows")->check(CLI::Range(1, store::kPageLimitMax));
  segments->callback([&] { exit_code = run_segments(options); });
}

}  // namespace narralytica::cli
