// Deepgram pre-recorded transcription response reader.
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "formats/document.hpp"
#include "formats/format.hpp"

namespace narralytica::formats {

// Reads results.utterances[] as segments when present; otherwise the words of the first
// alternative of every channel, grouped into segments at speaker changes, pauses over
// limits::turn_gap_ms_max, and lengths over limits::turn_length_ms_max. Word text is
// punctuated_word when present, else word. Speaker labels are Deepgram's speaker numbers as text
// ("0", "1"); with several channels they are prefixed "channel N" so channels never merge.
Result<Document> read_deepgram(std::string_view content, const ReadOptions& options = {});

}  // namespace narralytica::formats
