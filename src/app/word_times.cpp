#include "app/word_times.hpp"

#include <charconv>

namespace narralytica::app {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  void skip_space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\t' || text_[at_] == '\r')) {
      ++at_;
    }
  }
  bool take(char c) {
    skip_space();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  // A string's raw bytes (escapes left as written: keys here never need them decoded).
  bool string(std::string_view& out) {
    if (!take('"')) return false;
    const std::size_t begin = at_;
    while (at_ < text_.size() && text_[at_] != '"') at_ += text_[at_] == '\\' ? 2 : 1;
    if (at_ >= text_.size()) return false;
    out = text_.substr(begin, at_ - begin);
    ++at_;
    return true;
  }
  bool integer(std::int64_t& out) {
    skip_space();
    const char* begin = text_.data() + at_;
    auto [end, ec] = std::from_chars(begin, text_.data() + text_.size(), out);
    if (ec != std::errc()) return false;
    at_ += static_cast<std::size_t>(end - begin);
    return true;
  }
  // Skips a scalar value (string, number, true, false, null).
  bool skip_value() {
    skip_space();
    if (at_ < text_.size() && text_[at_] == '"') {
      std::string_view ignored;
      return string(ignored);
    }
    const std::size_t begin = at_;
    while (at_ < text_.size() && text_[at_] != ',' && text_[at_] != '}' && text_[at_] != '[' && text_[at_] != '{') {
      ++at_;
    }
    return at_ > begin && at_ < text_.size() && text_[at_] != '[' && text_[at_] != '{';
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

Error malformed() {
  return make_error(ErrorCode::internal, "stored word timings are not an array of words with times", "words");
}

}  // namespace

Status decode_word_times(std::string_view json, std::vector<analytics::WordTime>& out) {
  Reader r(json);
  if (!r.take('[')) return malformed();
  if (r.take(']')) return ok_status();
  do {
    if (!r.take('{')) return malformed();
    analytics::WordTime word;
    bool has_start = false;
    bool has_end = false;
    if (!r.take('}')) {
      do {
        std::string_view key;
        if (!r.string(key) || !r.take(':')) return malformed();
        if (key == "s") {
          if (!r.integer(word.start_ms)) return malformed();
          has_start = true;
        } else if (key == "e") {
          if (!r.integer(word.end_ms)) return malformed();
          has_end = true;
        } else if (!r.skip_value()) {
          return malformed();
        }
      } while (r.take(','));
      if (!r.take('}')) return malformed();
    }
    if (!has_start) return malformed();
    if (!has_end) word.end_ms = word.start_ms;  // a word without an end holds no time
    out.push_back(word);
  } while (r.take(','));
  if (!r.take(']')) return malformed();
  return ok_status();
}

}  // namespace narralytica::app
