// Readers for OpenAI Whisper verbose_json and WhisperX JSON. They share one file because WhisperX
// output is Whisper's segment list extended with speakers and word scores.
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "formats/document.hpp"
#include "formats/format.hpp"

namespace narralytica::formats {

// Whisper verbose_json: text, language, duration, segments[] {id, start, end, text, avg_logprob,
// no_speech_prob, words[] {word, start, end, probability}}; a top-level words[] (the API's
// timestamp_granularities=word) is distributed into the segments by time.
// Segment confidence is exp(avg_logprob) clamped to [0, 1].
// Errors: invalid_argument with field "source:line:column: $.json.path".
Result<Document> read_whisper(std::string_view content, const ReadOptions& options = {});

// WhisperX: segments[] {start, end, text, speaker, words[] {word, start, end, score, speaker}},
// word_segments[] (ignored when segments carry words). Words without start/end are kept with
// times interpolated between their timed neighbours and their timing WordTiming::interpolated.
Result<Document> read_whisperx(std::string_view content, const ReadOptions& options = {});

}  // namespace narralytica::formats
