#include "app/layer_json.hpp"

#include "core/clock.hpp"
#include "core/json_writer.hpp"

namespace narralytica::app {
namespace {

std::string producer_json(const store::LayerRun& run) {
  return JsonObject()
      .add("name", run.producer_name)
      .add("version", run.producer_version)
      .add_raw("params", run.params_json)
      .str();
}

void append_cursor(std::string& out, const std::optional<std::string>& next_cursor) {
  out += "\"next_cursor\":";
  if (next_cursor) {
    append_json_string(out, *next_cursor);
  } else {
    out += "null";
  }
}

}  // namespace

std::string layer_run_json(const store::LayerRun& run) {
  return JsonObject()
      .add("id", run.public_id.to_string())
      .add("transcript", run.transcript_public_id.to_string())
      .add("transcript_revision", run.transcript_revision)
      .add("kind", run.kind)
      .add("version", run.version)
      .add_raw("producer", producer_json(run))
      .add("params_hash", run.params_hash)
      .add("transcript_content_hash", run.transcript_content_hash)
      .add("item_count", run.item_count)
      .add("current", run.current)
      .add("pinned", run.pinned)
      .add("stale", run.stale)
      .add("created_at", format_rfc3339(run.created_at))
      .str();
}

void append_layer_item_json(std::string& out, const store::LayerItem& item) {
  out += '{';
  if (item.segment_ordinal_first && *item.segment_ordinal_first == *item.segment_ordinal_last) {
    out += "\"segment\":";
    out += std::to_string(*item.segment_ordinal_first);
    out += ',';
  } else if (item.segment_ordinal_first) {
    out += "\"segments\":[";
    out += std::to_string(*item.segment_ordinal_first);
    out += ',';
    out += std::to_string(*item.segment_ordinal_last);
    out += "],";
  }
  out += "\"start_ms\":";
  out += std::to_string(item.start_ms);
  out += ",\"end_ms\":";
  out += std::to_string(item.end_ms);
  out += ",\"value\":";
  out += item.payload_json;
  out += '}';
}

std::string write_layer_run(const store::LayerRun& run, const std::vector<store::LayerItem>& items) {
  std::string out;
  out.reserve(256 + items.size() * 96);
  out += JsonObject()
             .add("kind", run.kind)
             .add_raw("producer", producer_json(run))
             .add_raw("run", layer_run_json(run))
             .str();
  out.pop_back();  // the closing brace: items follow
  out += ",\"items\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '\n';
    append_layer_item_json(out, items[i]);
  }
  out += "\n]}\n";
  return out;
}

std::string layer_run_page_json(const store::LayerRun& run, const std::vector<store::LayerItem>& items,
                                const std::optional<std::string>& next_cursor) {
  std::string out = "{\"run\":" + layer_run_json(run) + ",\"items\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    append_layer_item_json(out, items[i]);
  }
  out += "],";
  append_cursor(out, next_cursor);
  out += '}';
  return out;
}

const char* layer_change_name(LayerDiffEntry::Change change) {
  switch (change) {
    case LayerDiffEntry::Change::added: return "added";
    case LayerDiffEntry::Change::removed: return "removed";
    case LayerDiffEntry::Change::changed: return "changed";
  }
  return "changed";
}

std::string layer_diff_json(const LayerDiff& diff, std::size_t begin, std::size_t end,
                            const std::optional<std::string>& next_cursor) {
  std::string segments = "[";
  for (std::size_t i = 0; i < diff.changed_segments.size(); ++i) {
    if (i) segments += ',';
    segments += "[" + std::to_string(diff.changed_segments[i].first) + "," +
                std::to_string(diff.changed_segments[i].second) + "]";
  }
  segments += ']';
  std::string out = JsonObject()
                        .add("kind", diff.from.kind)
                        .add("from", diff.from.version)
                        .add("to", diff.to.version)
                        .add("added", diff.added)
                        .add("removed", diff.removed)
                        .add("changed", diff.changed)
                        .add("unchanged", diff.unchanged)
                        .add_raw("changed_segments", segments)
                        .str();
  out.pop_back();  // the closing brace: items follow
  out += ",\"items\":[";
  for (std::size_t i = begin; i < end && i < diff.entries.size(); ++i) {
    const LayerDiffEntry& e = diff.entries[i];
    JsonObject entry;
    entry.add("change", layer_change_name(e.change));
    if (e.segment_first) entry.add("segment_first", *e.segment_first).add("segment_last", *e.segment_last);
    entry.add("start_ms", e.start_ms).add("end_ms", e.end_ms);
    if (e.from_value) entry.add_raw("from", *e.from_value);
    if (e.to_value) entry.add_raw("to", *e.to_value);
    if (i > begin) out += ',';
    out += entry.str();
  }
  out += "],";
  append_cursor(out, next_cursor);
  out += '}';
  return out;
}

}  // namespace narralytica::app
