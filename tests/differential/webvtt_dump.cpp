// The WebVTT reader's view of files, for the differential test against the W3C's webvtt-parser
// (compare.mjs): one JSON line per file named on the command line, with the cues as read
// ({"file","ok","cues":[{"start","end","text"}]}) or the error that refused the file. Reads in
// the default (lenient) mode, as an import does without --strict. Exit 0 unless a file is unreadable.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "core/json_writer.hpp"
#include "formats/webvtt_reader.hpp"

int main(int argc, char** argv) {
  using namespace narralytica;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "webvtt_dump: cannot read %s\n", argv[i]);
      return 1;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string content = buffer.str();
    auto document = formats::read_webvtt(content, formats::ReadOptions{.source_name = argv[i]});
    std::string line = "{\"file\":";
    append_json_string(line, argv[i]);
    if (!document.ok()) {
      line += ",\"ok\":false,\"error\":";
      append_json_string(line, document.error().describe());
    } else {
      line += ",\"ok\":true,\"cues\":[";
      for (std::size_t k = 0; k < document->segments.size(); ++k) {
        const formats::Segment& segment = document->segments[k];
        if (k) line += ',';
        line += "{\"start\":";
        append_json_int(line, segment.start_ms);
        line += ",\"end\":";
        append_json_int(line, segment.end_ms);
        line += ",\"text\":";
        append_json_string(line, segment.text);
        line += '}';
      }
      line += ']';
    }
    line += "}\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  return 0;
}
