// `narralytica videos list|show|create|update|delete|sources`: a tenant's videos through
// app::VideoService, like /v1/videos, as the operator. Listings print an aligned table, or with
// --json the document the API answers; show, create and update print the video.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/video_service.hpp"
#include "cli/command_support.hpp"
#include "cli/text_table.hpp"
#include "core/time_text.hpp"

namespace narralytica::cli {
namespace videos_command_impl {
namespace {

using app::VideoService;
using store::TenantScope;
using store::Transaction;
using store::TxMode;

struct VideosArgs {
  std::string tenant;
  std::string id;
  std::string collection, tag, cursor;
  int limit = store::kPageLimitDefault;
  std::string title, description, language, published_at, status;
  std::int64_t duration_ms = 0;
  std::vector<std::string> source_urls;  // kind url
  std::vector<std::string> external_ids;  // KIND:ID, such as youtube:dQw4w9WgXcQ
  std::int64_t if_match = 0;
  bool json = false;
} args;

// Which options of `update` were given: an empty --language or --published-at clears the field.
struct Given {
  CLI::Option* title = nullptr;
  CLI::Option* description = nullptr;
  CLI::Option* language = nullptr;
  CLI::Option* duration_ms = nullptr;
  CLI::Option* create_duration_ms = nullptr;
  CLI::Option* published_at = nullptr;
  CLI::Option* status = nullptr;
  CLI::Option* if_match = nullptr;
} given;

bool was_given(const CLI::Option* option) { return option && option->count() > 0; }

std::string duration_text(const std::optional<std::int64_t>& ms) {
  if (!ms) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(*ms / 3'600'000),
                static_cast<long long>(*ms / 60'000 % 60), static_cast<long long>(*ms / 1000 % 60));
  return text;
}

void print_video(const store::Video& v) {
  if (args.json) {
    std::printf("%s\n", api::video_json(v).c_str());
    return;
  }
  TextTable table({"FIELD", "VALUE"});
  table.add_row({"id", v.public_id.to_string()});
  table.add_row({"title", v.title});
  if (!v.description.empty()) table.add_row({"description", v.description});
  table.add_row({"language", v.language.value_or("-")});
  table.add_row({"duration", duration_text(v.duration_ms)});
  table.add_row({"published_at", v.published_at ? format_rfc3339(*v.published_at) : "-"});
  table.add_row({"status", v.status});
  table.add_row({"version", std::to_string(v.updated_at)});  // what --if-match names
  for (const auto& s : v.sources) {
    table.add_row({"source", s.kind + " " + s.uri.value_or(s.external_id.value_or("")) + (s.is_primary ? " (primary)" : "")});
  }
  table.print();
}

Result<std::optional<UnixMicros>> time_arg(const std::string& text) {
  if (text.empty()) return std::optional<UnixMicros>();
  ASSIGN_OR_RETURN(UnixMicros us, parse_rfc3339(text, "--published-at"));
  return std::optional<UnixMicros>(us);
}

Result<std::vector<store::VideoSourceDraft>> source_drafts() {
  std::vector<store::VideoSourceDraft> sources;
  for (const auto& url : args.source_urls) {
    store::VideoSourceDraft source;
    source.uri = url;
    sources.push_back(std::move(source));
  }
  for (const auto& pair : args.external_ids) {
    const auto colon = pair.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == pair.size()) {
      return make_error(ErrorCode::invalid_argument, "expected KIND:ID, such as youtube:dQw4w9WgXcQ: " + pair,
                        "--external-id");
    }
    store::VideoSourceDraft source;
    source.kind = pair.substr(0, colon);
    source.external_id = pair.substr(colon + 1);
    sources.push_back(std::move(source));
  }
  if (!sources.empty()) sources.front().is_primary = true;
  return sources;
}

int run_list(const GlobalOptions& global) {
  return run_in_tenant(global, args.tenant, app::kVideosRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    app::VideoListQuery query;
    query.page.limit = args.limit;
    ASSIGN_OR_RETURN(query.page.after, api::id_cursor_after('v', optional_arg(args.cursor)));
    query.collection = optional_arg(args.collection);
    query.tag = optional_arg(args.tag);
    ASSIGN_OR_RETURN(auto videos, VideoService::list(tx, scope, query));
    const auto next = api::id_cursor('v', videos.next_after);
    if (args.json) {
      std::printf("%s\n", json_page(videos.items, api::video_json, next).c_str());
      return ok_status();
    }
    TextTable table({"ID", "TITLE", "LANG", "DURATION", "PUBLISHED", "STATUS"});
    for (const auto& v : videos.items) {
      table.add_row({v.public_id.to_string(), v.title, v.language.value_or("-"), duration_text(v.duration_ms),
                     v.published_at ? format_rfc3339(*v.published_at).substr(0, 10) : "-", v.status});
    }
    table.print();
    print_more(next);
    return ok_status();
  });
}

int run_show(const GlobalOptions& global) {
  return run_in_tenant(global, args.tenant, app::kVideosRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.id, "video", "ID"));
    ASSIGN_OR_RETURN(auto video, VideoService::show(tx, scope, id));
    print_video(video);
    return ok_status();
  });
}

int run_create(const GlobalOptions& global) {
  return run_in_tenant(global, args.tenant, app::kVideosWrite, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    store::VideoDraft draft;
    draft.title = args.title;
    draft.description = args.description;
    draft.language = optional_arg(args.language);
    if (was_given(given.create_duration_ms)) draft.duration_ms = args.duration_ms;
    ASSIGN_OR_RETURN(draft.published_at, time_arg(args.published_at));
    ASSIGN_OR_RETURN(draft.sources, source_drafts());
    ASSIGN_OR_RETURN(auto video, VideoService::create(tx, scope, draft));
    print_video(video);
    return ok_status();
  });
}

int run_update(const GlobalOptions& global) {
  return run_in_tenant(global, args.tenant, app::kVideosWrite, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.id, "video", "ID"));
    store::VideoPatch patch;
    if (was_given(given.title)) patch.title = args.title;
    if (was_given(given.description)) patch.description = args.description;
    if (was_given(given.language)) patch.language = optional_arg(args.language);
    if (was_given(given.duration_ms)) patch.duration_ms = std::optional<std::int64_t>(args.duration_ms);
    if (was_given(given.published_at)) {
      ASSIGN_OR_RETURN(auto published, time_arg(args.published_at));
      patch.published_at = published;
    }
    if (was_given(given.status)) patch.status = args.status;
    if (was_given(given.if_match)) patch.expected_updated_at = args.if_match;
    ASSIGN_OR_RETURN(auto video, VideoService::update(tx, scope, id, patch));
    print_video(video);
    return ok_status();
  });
}

int run_delete(const GlobalOptions& global) {
  return run_in_tenant(global, args.tenant, app::kVideosDelete, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.id, "video", "ID"));
    RETURN_IF_ERROR(VideoService::remove(tx, scope, id));
    std::printf("deleted video %s\n", id.to_string().c_str());
    return ok_status();
  });
}

int run_sources(const GlobalOptions& global) {
  return run_in_tenant(global, args.tenant, app::kVideosRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(Uuid id, parse_uuid(args.id, "video", "ID"));
    ASSIGN_OR_RETURN(auto sources, VideoService::sources(tx, scope, id));
    if (args.json) {
      std::printf("%s\n", json_page(sources, api::source_json, std::nullopt).c_str());
      return ok_status();
    }
    TextTable table({"ID", "KIND", "URI", "EXTERNAL ID", "PRIMARY"});
    for (const auto& s : sources) {
      table.add_row({s.public_id.to_string(), s.kind, s.uri.value_or("-"), s.external_id.value_or("-"),
                     s.is_primary ? "yes" : "no"});
    }
    table.print();
    return ok_status();
  });
}

}  // namespace
}  // namespace videos_command_impl

void add_videos_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace videos_command_impl;
  auto* videos = app.add_subcommand("videos", "Videos and their sources");
  videos->require_subcommand(1);
  auto common = [](CLI::App* command) {
    command->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
    command->add_flag("--json", args.json, "Print the API's JSON document");
  };
  auto with_id = [&](CLI::App* command) {
    common(command);
    command->add_option("ID", args.id, "Video id")->required();
  };

  auto* list = videos->add_subcommand("list", "Videos, oldest first");
  common(list);
  list->add_option("--collection", args.collection, "Only videos in this collection (id or name)");
  list->add_option("--tag", args.tag, "Only videos with this tag");
  list->add_option("--limit", args.limit, "At most this many")->check(CLI::Range(1, store::kPageLimitMax));
  list->add_option("--cursor", args.cursor, "Continue a listing where it stopped");
  list->callback([&] { exit_code = run_list(options); });

  auto* show = videos->add_subcommand("show", "One video with its sources");
  with_id(show);
  show->callback([&] { exit_code = run_show(options); });

  auto* create = videos->add_subcommand("create", "Create a video");
  common(create);
  create->add_option("--title", args.title, "Title")->required();
  create->add_option("--description", args.description, "Description");
  create->add_option("--language", args.language, "BCP 47 language tag, such as en or pt-BR");
  given.create_duration_ms = create->add_option("--duration-ms", args.duration_ms, "Duration in milliseconds")
                          ->check(CLI::NonNegativeNumber);
  create->add_option("--published-at", args.published_at, "RFC 3339 time, such as 2025-01-31T12:00:00Z");
  create->add_option("--source-url", args.source_urls, "Where the video is (repeatable; the first is primary)");
  create->add_option("--external-id", args.external_ids, "KIND:ID on a platform, such as youtube:dQw4w9WgXcQ (repeatable)");
  create->callback([&] { exit_code = run_create(options); });

  auto* update = videos->add_subcommand("update", "Change a video's fields");
  with_id(update);
  given.title = update->add_option("--title", args.title, "Title");
  given.description = update->add_option("--description", args.description, "Description");
  given.language = update->add_option("--language", args.language, "Language tag (empty: clear)");
  given.duration_ms = update->add_option("--duration-ms", args.duration_ms, "Duration in milliseconds")
                          ->check(CLI::NonNegativeNumber);
  given.published_at = update->add_option("--published-at", args.published_at, "RFC 3339 time (empty: clear)");
  given.status = update->add_option("--status", args.status, "active or archived");
  given.if_match = update->add_option("--if-match", args.if_match,
                                      "Only if the video is still at this version (show prints it); else exit 5");
  update->callback([&] { exit_code = run_update(options); });

  auto* remove = videos->add_subcommand("delete", "Delete a video with its sources, speakers, transcripts and segments");
  with_id(remove);
  remove->callback([&] { exit_code = run_delete(options); });

  auto* sources = videos->add_subcommand("sources", "A video's sources");
  with_id(sources);
  sources->callback([&] { exit_code = run_sources(options); });
}

}  // namespace narralytica::cli
