// Shared body of the reader fuzz targets: any input must either be refused with a positioned
// error or produce a Document that honours the invariants of document.hpp and survives every
// writer; Narralytica JSON must then read back to the same bytes. A violation aborts, which
// libFuzzer reports as a crash with the input that caused it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "formats/format.hpp"
#include "formats/limits.hpp"
#include "formats/narralytica_json.hpp"
#include "formats/srt_reader.hpp"
#include "formats/subtitle_writer.hpp"
#include "formats/webvtt_reader.hpp"

namespace narralytica::formats::fuzz {

inline void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

inline void check_document(const Document& document) {
  int64_t previous_start = -1;
  for (const Segment& segment : document.segments) {
    require(segment.start_ms >= 0 && segment.start_ms <= segment.end_ms, "segment span");
    require(segment.end_ms <= limits::timestamp_ms_max, "segment end limit");
    require(segment.start_ms >= previous_start, "segments sorted");
    require(!segment.text.empty() || !segment.words.empty(), "no empty segment");
    require(segment.text.find('\0') == std::string::npos, "no NUL");
    previous_start = segment.start_ms;
    for (const Word& word : segment.words) {
      require(word.start_ms >= 0 && word.start_ms <= word.end_ms, "word span");
    }
  }
  for (const Layer& layer : document.layers) {
    for (const LayerItem& item : layer.items) {
      require(item.segment_index.has_value() == item.segment_index_last.has_value(),
              "item index pair");
      if (item.segment_index) {
        require(*item.segment_index <= *item.segment_index_last, "item index order");
        require(*item.segment_index_last < document.segments.size(), "item index range");
      }
    }
  }
  require(document.warnings.size() <= limits::warnings_max + 1, "warnings limit");
}

template <class Reader>
int fuzz_reader(const uint8_t* data, size_t size, Reader reader) {
  std::string_view content(reinterpret_cast<const char*>(data), size);
  auto document =
      reader(content, ReadOptions{.source_name = "fuzz", .speaker_prefix = (size % 2) == 1});
  if (!document.ok()) {
    require(!document.error().message.empty(), "error has a message");
    require(!document.error().field.empty(), "error has a position");
    return 0;
  }
  check_document(*document);
  // What a writer produces, its reader must accept.
  auto vtt = write_webvtt(*document);
  require(vtt.ok(), "webvtt writer");
  require(read_webvtt(*vtt).ok(), "webvtt reads back");
  auto srt = write_srt(*document);
  require(srt.ok(), "srt writer");
  require(read_srt(*srt, ReadOptions{.speaker_prefix = true}).ok(), "srt reads back");
  auto json = write_narralytica_json(*document);
  require(json.ok(), "json writer");
  auto again = read_narralytica_json(*json);
  require(again.ok(), "json reads back");
  require(again->segments.size() == document->segments.size(), "json keeps segments");
  auto rewritten = write_narralytica_json(*again);
  require(rewritten.ok() && *rewritten == *json, "json byte-stable");
  return 0;
}

}  // namespace narralytica::formats::fuzz
