// A forward-only reader over JSON text for the fast paths that read machine-written JSON without a
// document tree (formats' Whisper reader, app's layer documents). Each reads the shapes its
// engine writes in one pass and gives up (false) on anything it is not sure of, so that the DOM
// reader decides: nothing here reports an error, and false leaves the cursor anywhere (a caller
// that wants to go on from a known place keeps `p` and puts it back).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace narralytica {

// A number as it stands in the text, by JSON's grammar.
struct JsonNumber {
  std::string_view text;
  bool negative = false;
  bool integer = true;   // no fraction and no exponent
  bool exponent = false;
};

struct JsonCursor {
  const char* p;
  const char* end;

  JsonCursor(const char* begin, const char* stop) : p(begin), end(stop) {}
  explicit JsonCursor(std::string_view text) : p(text.data()), end(text.data() + text.size()) {}

  // JSON's white space: space, tab, line feed, carriage return.
  void skip_blanks() {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  }
  // Nothing but blanks left.
  bool at_end() {
    skip_blanks();
    return p == end;
  }
  // Skips blanks; true when `c` is next.
  bool peek(char c) {
    skip_blanks();
    return p < end && *p == c;
  }
  // Skips blanks, then consumes `c` if it is next.
  bool eat(char c) {
    if (!peek(c)) return false;
    ++p;
    return true;
  }

  // A string without escapes or control characters, as it stands in the text (keys, and values
  // that are written back byte for byte). `printable_ascii`: also gives up on bytes outside
  // 0x20..0x7E.
  bool raw_string(std::string_view& out, bool printable_ascii = false);
  // A string with its escapes decoded. Gives up on \u0000 (the readers would not keep it as is)
  // and on a surrogate that is not half of a pair. Bytes above 0x7F are copied unchecked: the
  // caller has checked the input's UTF-8, or a DOM parser checks it after.
  bool string(std::string& out);
  // A number by JSON's strict grammar (no leading zeros, no '+', no bare '.').
  bool number(JsonNumber& out);
  // A number as a finite double, as nlohmann's get<double>() reads it.
  bool number(double& out);
  // Any value, checked as strictly as a JSON parser would, nested at most `depth` more levels.
  bool skip_value(std::size_t depth);

 private:
  bool scan_string(std::string* out);
  bool escape(std::string* out);
  bool hex4(char32_t& out);
};

}  // namespace narralytica
