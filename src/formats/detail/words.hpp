// Word-level helpers shared by the ASR readers: interpolating missing word times, and grouping a
// flat word list into segments by speaker turn.
#pragma once

#include <cstdint>
#include <vector>

#include "formats/document.hpp"

namespace narralytica::formats::detail {

// Declared in document.hpp: edits (app/word_alignment.hpp) interpolate the same way.
using formats::interpolate_words;

// Groups words (in time order) into segments: a new segment starts at a speaker change, after a
// pause longer than limits::turn_gap_ms_max, or when the segment would pass
// limits::turn_length_ms_max. Segment text is the words joined by spaces; the segment speaker is
// the words' speaker; confidence is the mean of the word confidences when all have one.
std::vector<Segment> group_words(std::vector<Word> words);

// Puts each word (in time order) into the segment (in time order) whose span contains its start,
// or the nearest earlier one.
void distribute_words(std::vector<Segment>& segments, std::vector<Word> words);

// The last step of the Whisper/WhisperX readers (the DOM one and the fast path): the flat word
// list (`flat`, timed[i] for each; empty when unused) interpolated over the transcript and
// distributed into its segments, then one warning when `untimed_words` (those of the segments
// plus the flat list's) is not zero.
void finish_whisper_words(Document& document, std::vector<Word> flat, const std::vector<bool>& timed,
                          std::size_t untimed_words);

}  // namespace narralytica::formats::detail
