// AssemblyAI transcript JSON reader.
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "formats/document.hpp"
#include "formats/format.hpp"

namespace narralytica::formats {

// Reads a completed AssemblyAI transcript (times already in ms): utterances[] become segments
// (without utterances, words[] are grouped into segments by speaker turn and pause; without
// words, the whole text becomes one segment). sentiment_analysis_results, entities, chapters and
// iab_categories_result become layers "sentiment", "entities", "chapters", "topics" with
// producer "assemblyai", each item attached to the segments it overlaps.
// A transcript whose status is not "completed" is refused (invalid_argument, naming the status
// and, for "error", AssemblyAI's error text).
Result<Document> read_assemblyai(std::string_view content, const ReadOptions& options = {});

}  // namespace narralytica::formats
