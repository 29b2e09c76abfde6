#include "search/text_analysis.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

namespace narralytica::search {
namespace {

bool is_ascii_word_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_word_char(UChar32 c) {
  if (c < 0x80) return is_ascii_word_char(static_cast<unsigned char>(c));
  return u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
}

bool is_apostrophe(UChar32 c) { return c == '\'' || c == 0x2019; }

// Scripts written without spaces between words: each character is its own term.
bool is_unsegmented_script(UChar32 c) {
  if (c < 0x2E80) return false;
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  return U_SUCCESS(status) &&
         (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA ||
          script == USCRIPT_HANGUL);
}

// Case fold, decompose, drop combining marks, recompose. Empty on an ICU failure (the word is
// then not indexed rather than indexed wrongly).
std::string fold_unicode_word(std::string_view word) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return {};
  icu::UnicodeString folded = icu::UnicodeString::fromUTF8(icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  folded.foldCase(U_FOLD_CASE_DEFAULT);
  icu::UnicodeString decomposed = nfkd->normalize(folded, status);
  if (U_FAILURE(status)) return {};
  icu::UnicodeString bare;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    if ((U_GET_GC_MASK(c) & U_GC_MN_MASK) == 0) bare.append(c);
    i += U16_LENGTH(c);
  }
  icu::UnicodeString composed = nfc->normalize(bare, status);
  if (U_FAILURE(status)) return {};
  std::string out;
  composed.toUTF8String(out);
  // Folding may produce characters that are not word characters (e.g. a ligature's parts are
  // fine, but a compatibility form may decompose to punctuation): keep only word characters.
  std::string kept;
  kept.reserve(out.size());
  for (std::int32_t i = 0; i < static_cast<std::int32_t>(out.size());) {
    const std::int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(out.data(), i, static_cast<std::int32_t>(out.size()), c);
    if (c >= 0 && (is_word_char(c) || is_apostrophe(c))) kept.append(out, static_cast<std::size_t>(start), static_cast<std::size_t>(i - start));
  }
  return kept;
}

void emit(std::string_view text, std::uint32_t begin, std::uint32_t end, bool ascii, std::vector<Token>& out) {
  std::string_view word = text.substr(begin, end - begin);
  std::string term;
  if (ascii) {
    term.resize(word.size());
    for (std::size_t i = 0; i < word.size(); ++i) {
      const char c = word[i];
      term[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  } else {
    term = fold_unicode_word(word);
    // A typographic apostrophe folds to the ASCII one, so "don’t" and "don't" are one term.
    for (std::size_t at = term.find("\xE2\x80\x99"); at != std::string::npos; at = term.find("\xE2\x80\x99", at)) {
      term.replace(at, 3, "'");
    }
  }
  if (term.empty() || term.size() > kWordBytesMax) return;
  out.push_back(Token{std::move(term), begin, end});
}

}  // namespace

void tokenize(std::string_view text, std::vector<Token>& out) {
  const auto length = static_cast<std::int32_t>(text.size());
  std::int32_t i = 0;
  std::int32_t word_begin = -1;
  std::int32_t word_end = 0;
  bool word_ascii = true;
  auto finish = [&] {
    if (word_begin >= 0) {
      emit(text, static_cast<std::uint32_t>(word_begin), static_cast<std::uint32_t>(word_end), word_ascii, out);
    }
    word_begin = -1;
    word_ascii = true;
  };
  while (i < length) {
    const std::int32_t start = i;
    const auto byte = static_cast<unsigned char>(text[static_cast<std::size_t>(i)]);
    UChar32 c = 0;
    if (byte < 0x80) {
      c = byte;
      ++i;
    } else {
      U8_NEXT(text.data(), i, length, c);
    }
    if (c >= 0 && is_word_char(c)) {
      if (is_unsegmented_script(c)) {
        finish();
        emit(text, static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(i), false, out);
        continue;
      }
      if (word_begin < 0) word_begin = start;
      word_end = i;
      if (c >= 0x80) word_ascii = false;
      continue;
    }
    if (c >= 0 && is_apostrophe(c) && word_begin >= 0 && word_end == start && i < length) {
      // Inside a word only when a word character follows.
      std::int32_t next = i;
      UChar32 following = 0;
      U8_NEXT(text.data(), next, length, following);
      if (following >= 0 && is_word_char(following) && !is_unsegmented_script(following)) {
        word_end = i;
        if (c >= 0x80) word_ascii = false;
        continue;
      }
    }
    finish();
  }
  finish();
}

std::string fold_text(std::string_view text) {
  std::vector<Token> tokens;
  tokenize(text, tokens);
  std::string out;
  for (const auto& token : tokens) {
    if (!out.empty()) out += ' ';
    out += token.term;
  }
  return out;
}

}  // namespace narralytica::search
