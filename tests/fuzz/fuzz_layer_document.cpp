// libFuzzer target for layer run documents (app/layer_document.hpp), which POST
// /v1/transcripts/{id}/layers and `narralytica layers import` read from untrusted bytes. The
// input is read as JSON and as NDJSON, each by both readers: the fast scanner the product uses
// and the DOM reader alone (the reference). Differential: when one accepts, the other returns
// exactly the same draft; when one refuses, the other refuses with the same error, and that
// error says where: the source, for NDJSON the line, and a JSON path or a line:column.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/layer_document.hpp"

namespace {

using namespace narralytica;
using app::LayerDocumentFormat;
using app::LayerReader;
using store::LayerItemDraft;
using store::LayerRunDraft;

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

bool same_item(const LayerItemDraft& a, const LayerItemDraft& b) {
  return a.segment_ordinal_first == b.segment_ordinal_first && a.segment_ordinal_last == b.segment_ordinal_last &&
         a.start_ms == b.start_ms && a.end_ms == b.end_ms && a.label == b.label && a.score == b.score &&
         a.payload_json == b.payload_json && a.link_by_time == b.link_by_time;
}

void check_draft(const LayerRunDraft& run) {
  require(!run.kind.empty() && !run.producer_name.empty() && !run.producer_version.empty(), "head members set");
  require(!run.params_json.empty() && run.params_json.front() == '{', "params is an object");
  for (const LayerItemDraft& item : run.items) {
    require(item.segment_ordinal_first.has_value() == item.segment_ordinal_last.has_value(), "ordinals in pairs");
    if (item.segment_ordinal_first) {
      require(*item.segment_ordinal_first >= 0 && *item.segment_ordinal_first <= *item.segment_ordinal_last,
              "ordinals ordered");
    }
    require(item.start_ms.has_value() == item.end_ms.has_value(), "times in pairs");
    if (item.start_ms) require(*item.start_ms >= 0 && *item.start_ms <= *item.end_ms, "times ordered");
    require(!item.payload_json.empty(), "an item has a value");
  }
}

void compare(std::string_view content, LayerDocumentFormat format) {
  const char* source = "fuzz.json";
  auto fast = app::read_layer_run(content, source, format, LayerReader::fast);
  auto dom = app::read_layer_run(content, source, format, LayerReader::dom);
  require(fast.ok() == dom.ok(), "both readers accept or both refuse");
  // NARRALYTICA_FUZZ_VERBOSE=1: what each input reads as, to see which seeds are accepted.
  static const bool verbose = std::getenv("NARRALYTICA_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "%s: %s\n", format == LayerDocumentFormat::json ? "json" : "ndjson",
                 fast.ok() ? (std::to_string(fast->items.size()) + " items").c_str() : fast.error().describe().c_str());
  }
  if (!fast.ok()) {
    const Error& a = fast.error();
    const Error& b = dom.error();
    require(a.code == b.code && a.message == b.message && a.field == b.field, "both readers give the same error");
    require(a.code == ErrorCode::invalid_argument || a.code == ErrorCode::resource_exhausted, "a refusal is the input's");
    require(!a.message.empty(), "an error says what");
    require(a.field.starts_with(std::string(source) + ":"), "an error names the source and where in it");
    require(a.field.size() > std::string_view(source).size() + 1, "an error says where in the source");
    return;
  }
  const LayerRunDraft& a = *fast;
  const LayerRunDraft& b = *dom;
  require(a.kind == b.kind && a.producer_name == b.producer_name && a.producer_version == b.producer_version &&
              a.params_json == b.params_json,
          "both readers read the same head");
  require(a.items.size() == b.items.size(), "both readers read the same number of items");
  for (std::size_t i = 0; i < a.items.size(); ++i) require(same_item(a.items[i], b.items[i]), "both readers read the same item");
  check_draft(a);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  compare(content, LayerDocumentFormat::json);
  compare(content, LayerDocumentFormat::ndjson);
  // What detection guesses is one of the two just read; it must not fail on any input.
  (void)app::detect_layer_document(content);
  return 0;
}
