// `narralytica collections list|create|show|rename|delete|add|remove` and
// `narralytica tags add|remove|list`: the same app::CollectionService operations as
// /v1/collections and /v1/videos/{id}/tags, run in the named tenant with the operation's
// permission (app::in_tenant). A collection is named by its id or its exact name. Listings print a
// table, or with --json the API's document: `list` a page of every collection, `show` the
// collection with its videos ({"collection":…,"videos":[…]}), `tags list` the video's
// {"tags":[…]} or a page of every tag with its video count.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "api/detail/views.hpp"
#include "app/collection_service.hpp"
#include "app/tenant_work.hpp"
#include "cli/command_support.hpp"

namespace narralytica::cli {
namespace collections_command_impl {
namespace {

using app::CollectionService;
using store::TenantScope;
using store::Transaction;
using store::TxMode;

struct CollectionsArgs {
  std::string tenant;
  std::string collection;
  std::string name;
  std::string description;
  bool description_set = false;
  std::string video;
  std::vector<std::string> items;  // video ids (add/remove) or tags
  bool json = false;
} args;

Result<std::vector<Uuid>> video_ids(const std::vector<std::string>& texts) {
  std::vector<Uuid> ids;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto id = Uuid::parse(texts[i]);
    if (!id) return make_error(ErrorCode::invalid_argument, "not a video id (a UUID)", "VIDEO[" + std::to_string(i) + "]");
    ids.push_back(*id);
  }
  return ids;
}

void print_collection(const store::Collection& c) {
  std::printf("%-36s  %6lld  %-30s  %s\n", c.public_id.to_string().c_str(), static_cast<long long>(c.video_count),
              c.name.c_str(), c.description.c_str());
}

// Runs `work` as the operator in --tenant (cli/command_support.hpp).
template <class Work>
int run(const GlobalOptions& global, store::Permission permission, store::TxMode mode, Work&& work) {
  return run_in_tenant(global, args.tenant, permission, mode, std::forward<Work>(work));
}

int list_collections(const GlobalOptions& global) {
  return run(global, app::kOrganiseRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    std::vector<store::Collection> all;
    store::PageRequest page{std::nullopt, store::kPageLimitMax};
    while (true) {
      ASSIGN_OR_RETURN(auto collections, CollectionService::list_in(tx, scope, page));
      all.insert(all.end(), collections.items.begin(), collections.items.end());
      if (!collections.next_after) break;
      page.after = collections.next_after;
    }
    if (args.json) {
      std::printf("%s\n", json_page(all, api::collection_json, std::nullopt).c_str());
      return ok_status();
    }
    std::printf("%-36s  %6s  %-30s  %s\n", "ID", "VIDEOS", "NAME", "DESCRIPTION");
    for (const auto& c : all) print_collection(c);
    return ok_status();
  });
}

int create_collection(const GlobalOptions& global) {
  return run(global, app::kOrganiseWrite, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto c, CollectionService::create_in(tx, scope, args.name, args.description));
    std::printf("created collection %s  %s\n", c.public_id.to_string().c_str(), c.name.c_str());
    return ok_status();
  });
}

int show_collection(const GlobalOptions& global) {
  return run(global, app::kOrganiseRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(auto c, CollectionService::get_in(tx, scope, args.collection));
    std::vector<store::Video> videos;
    store::PageRequest page{std::nullopt, store::kPageLimitMax};
    const std::optional<std::string> ref = c.public_id.to_string();
    while (true) {
      ASSIGN_OR_RETURN(auto listed, CollectionService::videos_in(tx, scope, page, ref, std::nullopt));
      videos.insert(videos.end(), listed.items.begin(), listed.items.end());
      if (!listed.next_after) break;
      page.after = listed.next_after;
    }
    if (args.json) {
      std::printf("{\"collection\":%s,\"videos\":%s}\n", api::collection_json(c).c_str(),
                  json_array(videos, api::video_json).c_str());
      return ok_status();
    }
    std::printf("id           %s\nname         %s\ndescription  %s\nvideos       %lld\n",
                c.public_id.to_string().c_str(), c.name.c_str(), c.description.c_str(),
                static_cast<long long>(c.video_count));
    for (const auto& v : videos) std::printf("  %s  %s\n", v.public_id.to_string().c_str(), v.title.c_str());
    return ok_status();
  });
}

int rename_collection(const GlobalOptions& global) {
  return run(global, app::kOrganiseWrite, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    store::CollectionPatch patch;
    patch.name = args.name;
    if (args.description_set) patch.description = args.description;
    ASSIGN_OR_RETURN(auto c, CollectionService::update_in(tx, scope, args.collection, patch));
    std::printf("renamed collection %s  %s\n", c.public_id.to_string().c_str(), c.name.c_str());
    return ok_status();
  });
}

int delete_collection(const GlobalOptions& global) {
  return run(global, app::kOrganiseWrite, TxMode::write, [](Transaction& tx, const TenantScope& scope) -> Status {
    RETURN_IF_ERROR(CollectionService::remove_in(tx, scope, args.collection));
    std::printf("deleted collection %s\n", args.collection.c_str());
    return ok_status();
  });
}

int change_members(const GlobalOptions& global, bool add) {
  auto ids = video_ids(args.items);
  if (!ids.ok()) return report(ids.error());
  return run(global, app::kOrganiseWrite, TxMode::write, [&](Transaction& tx, const TenantScope& scope) -> Status {
    ASSIGN_OR_RETURN(std::int64_t changed, add ? CollectionService::add_videos_in(tx, scope, args.collection, *ids)
                                                : CollectionService::remove_videos_in(tx, scope, args.collection, *ids));
    std::printf("%s %lld of %zu videos\n", add ? "added" : "removed", static_cast<long long>(changed), ids->size());
    return ok_status();
  });
}

Result<Uuid> video_arg() {
  auto id = Uuid::parse(args.video);
  if (!id) return make_error(ErrorCode::invalid_argument, "not a video id (a UUID)", "--video");
  return *id;
}

int change_tags(const GlobalOptions& global, bool add) {
  auto video = video_arg();
  if (!video.ok()) return report(video.error());
  return run(global, app::kOrganiseWrite, TxMode::write, [&](Transaction& tx, const TenantScope& scope) -> Status {
    for (const std::string& tag : args.items) {
      ASSIGN_OR_RETURN(auto change, add ? CollectionService::tag_in(tx, scope, *video, tag)
                                         : CollectionService::untag_in(tx, scope, *video, tag));
      std::printf("%-8s %s\n", change.changed ? (add ? "tagged" : "untagged") : "unchanged", change.tag.c_str());
    }
    return ok_status();
  });
}

int list_tags(const GlobalOptions& global) {
  return run(global, app::kOrganiseRead, TxMode::read, [](Transaction& tx, const TenantScope& scope) -> Status {
    if (!args.video.empty()) {
      ASSIGN_OR_RETURN(Uuid video, video_arg());
      ASSIGN_OR_RETURN(auto tags, CollectionService::tags_in(tx, scope, video));
      if (args.json) {
        std::printf("{\"tags\":%s}\n", api::tags_json(tags).c_str());
        return ok_status();
      }
      for (const auto& tag : tags) std::printf("%s\n", tag.c_str());
      return ok_status();
    }
    ASSIGN_OR_RETURN(auto tags, CollectionService::all_tags_in(tx, scope));
    if (args.json) {
      std::printf("%s\n", json_page(tags, api::tag_count_json, std::nullopt).c_str());
      return ok_status();
    }
    std::printf("%6s  %s\n", "VIDEOS", "TAG");
    for (const auto& t : tags) std::printf("%6lld  %s\n", static_cast<long long>(t.videos), t.tag.c_str());
    return ok_status();
  });
}

CLI::App* with_json(CLI::App* command) {
  command->add_flag("--json", args.json, "Print the API's JSON document instead of a table");
  return command;
}

CLI::App* with_tenant(CLI::App* command) {
  command->add_option("--tenant", args.tenant, "Tenant slug or id")->required();
  return command;
}

}  // namespace
}  // namespace collections_command_impl

void add_collections_commands(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace collections_command_impl;
  auto* collections = app.add_subcommand("collections", "Named collections of videos");
  collections->require_subcommand(1);
  auto* list = with_json(with_tenant(collections->add_subcommand("list", "The tenant's collections")));
  list->callback([&] { exit_code = list_collections(options); });
  auto* create = with_tenant(collections->add_subcommand("create", "Create a collection"));
  create->add_option("NAME", args.name, "Its name, unique in the tenant")->required();
  create->add_option("--description", args.description, "What it gathers");
  create->callback([&] { exit_code = create_collection(options); });
  auto* show = with_json(with_tenant(collections->add_subcommand("show", "A collection and its videos")));
  show->add_option("COLLECTION", args.collection, "Its id or name")->required();
  show->callback([&] { exit_code = show_collection(options); });
  auto* rename = with_tenant(collections->add_subcommand("rename", "Rename a collection"));
  rename->add_option("COLLECTION", args.collection, "Its id or name")->required();
  rename->add_option("NAME", args.name, "The new name")->required();
  rename->add_option("--description", args.description, "A new description too")
      ->each([](const std::string&) { args.description_set = true; });
  rename->callback([&] { exit_code = rename_collection(options); });
  auto* remove_collection = with_tenant(collections->add_subcommand("delete", "Delete a collection (videos stay)"));
  remove_collection->add_option("COLLECTION", args.collection, "Its id or name")->required();
  remove_collection->callback([&] { exit_code = delete_collection(options); });
  auto* add = with_tenant(collections->add_subcommand("add", "Add videos to a collection"));
  add->add_option("COLLECTION", args.collection, "Its id or name")->required();
  add->add_option("VIDEO", args.items, "Video ids")->required();
  add->callback([&] { exit_code = change_members(options, true); });
  auto* remove = with_tenant(collections->add_subcommand("remove", "Take videos out of a collection"));
  remove->add_option("COLLECTION", args.collection, "Its id or name")->required();
  remove->add_option("VIDEO", args.items, "Video ids")->required();
  remove->callback([&] { exit_code = change_members(options, false); });

  auto* tags = app.add_subcommand("tags", "Free tags on videos (trimmed, lower-cased, NFC; docs/collections.md)");
  tags->require_subcommand(1);
  auto* tag_add = with_tenant(tags->add_subcommand("add", "Tag a video"));
  tag_add->add_option("--video", args.video, "Video id")->required();
  tag_add->add_option("TAG", args.items, "Tags")->required();
  tag_add->callback([&] { exit_code = change_tags(options, true); });
  auto* tag_remove = with_tenant(tags->add_subcommand("remove", "Remove tags from a video"));
  tag_remove->add_option("--video", args.video, "Video id")->required();
  tag_remove->add_option("TAG", args.items, "Tags")->required();
  tag_remove->callback([&] { exit_code = change_tags(options, false); });
  auto* tag_list =
      with_json(with_tenant(tags->add_subcommand("list", "The tenant's tags with their video counts, or a video's")));
  tag_list->add_option("--video", args.video, "Only this video's tags");
  tag_list->callback([&] { exit_code = list_tags(options); });
}

}  // namespace narralytica::cli
