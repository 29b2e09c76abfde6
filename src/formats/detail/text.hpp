// Internal helpers shared by the readers and writers of src/formats: positions for error messages,
// input checks, timestamps, character references, warnings. Not part of the public API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "formats/document.hpp"
#include "formats/format.hpp"

namespace narralytica::formats::detail {

// "<input>" when the caller gave no name.
std::string source_or_default(std::string_view source);

// "source:line:column" for a byte offset into `content`: lines counted across LF, CRLF and CR,
// column counted in code points, both from 1.
std::string position_field(std::string_view source, std::string_view content, std::size_t offset);

// How a piece of input is quoted after "found": "\"abc\"" (escaped, cut at 40 bytes),
// "the end of the line" when empty.
std::string quote_found(std::string_view text);

// Refuses input over limits::input_bytes_max (resource_exhausted) and input that is not UTF-8
// (invalid_argument at the first bad byte). For text formats (`check_lines`), also refuses a line
// over limits::line_bytes_max.
Status check_input(std::string_view content, std::string_view source, bool check_lines);

// Length of a UTF-8 byte-order mark at the start of `content` (0 or 3).
std::size_t bom_length(std::string_view content);

std::string_view trim(std::string_view text);
bool is_space(char c);

// Seconds to milliseconds by rounding, so 1.0005 s is 1001 ms on every platform and converting
// back and forth never drifts.
int64_t seconds_to_ms(double seconds);

// "hh:mm:ss.mmm" with `separator` before the milliseconds; hours take as many digits as needed.
std::string format_timestamp(int64_t ms, char separator);

// Decodes one character reference starting at text[0] == '&'. On success appends the decoded
// text to `out` and returns the bytes consumed; returns 0 when it is not a known reference (the
// caller then keeps the '&' as is, as HTML does).
std::size_t decode_reference(std::string_view text, std::string& out);

// Collapses runs of spaces/tabs into one space and trims; keeps line breaks, drops blank lines.
std::string tidy_text(std::string_view text);

// Trims, collapses whitespace and cuts at limits::label_bytes_max (on a character boundary), for
// speaker labels and cue ids.
std::string clip_label(std::string_view text);

bool contains(std::string_view text, std::string_view part);
bool starts_with_word(std::string_view text, std::string_view word);  // word then space, tab or end

// Appends a warning about the whole file, keeping at most limits::warnings_max plus one final
// "further warnings" note.
void add_warning(Document& document, std::string message);

// One line of a text file, without its line terminator.
struct Line {
  std::string_view text;
  std::size_t offset = 0;  // byte offset of the first character in the whole content
  std::size_t number = 0;  // 1-based
};

// "source:line:column" for byte `pos` within `line`; cheap (does not rescan the file).
std::string line_field(std::string_view source, const Line& line, std::size_t pos = 0);

// Appends a warning about byte `pos` of `line` (same cap as above).
void add_warning(Document& document, std::string_view source, const Line& line, std::size_t pos,
                 std::string message);

// Why a reader cannot take a block, at byte `pos` of the line it names: "expected X, found Y".
struct LineProblem {
  std::size_t pos = 0;
  std::string message;
};

// The lenient/strict rule of the subtitle readers for a block a player discards (a cue whose
// timing cannot be read, text with no timing). With options.strict the file is refused:
// invalid_argument with `problem` at "source:line:column". Otherwise the block is skipped and a
// warning "<what> skipped: <problem>" at the same place says so; returns OK.
Status skip_or_refuse(Document& document, const ReadOptions& options, const Line& line,
                      const LineProblem& problem, std::string_view what);

// Splits content into lines across LF, CRLF and CR, with lookahead for the block parsers.
class LineReader {
 public:
  LineReader(std::string_view content, std::size_t start_offset);
  // The line `ahead` lines from the current one (0 = current), or nullptr past the end.
  const Line* peek(std::size_t ahead = 0);
  // Consumes the current line.
  void advance();
  bool at_end() { return peek() == nullptr; }

 private:
  bool read_one(Line& line);
  std::string_view content_;
  std::size_t position_ = 0;
  std::size_t next_number_ = 1;
  std::deque<Line> buffer_;
};

}  // namespace narralytica::formats::detail
