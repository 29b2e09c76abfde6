// Reads the start and end of each word from a segment's stored word timings (the compact JSON
// array that app::encode_words writes: [{"w":"text","s":0,"e":400,...},...]) without building a
// JSON tree: conversation analytics reads ~30,000 words per three-hour transcript and needs only
// the times. Keys may come in any order with white space between tokens (PostgreSQL returns the
// stored text as written); other members are skipped.
#pragma once

#include <string_view>
#include <vector>

#include "analytics/conversation.hpp"
#include "core/result.hpp"

namespace narralytica::app {

// Appends one WordTime per word to `out` (a word without "e" ends where it starts). Errors:
// internal (the stored text is not an array of objects each with an integer "s"); `out` may then
// hold some of the words.
Status decode_word_times(std::string_view json, std::vector<analytics::WordTime>& out);

}  // namespace narralytica::app
