#include "app/tag_name.hpp"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace narralytica::app {
namespace {

Error bad_tag(const std::string& field, const std::string& why) {
  return make_error(ErrorCode::invalid_argument, "a tag " + why, field);
}

}  // namespace

Result<std::string> normalize_tag(std::string_view text, const std::string& field) {
  // Collapse and trim white space while checking each code point.
  std::u32string points;
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    UChar32 c = 0;
    std::int32_t at = static_cast<std::int32_t>(i);
    U8_NEXT(text.data(), at, static_cast<std::int32_t>(text.size()), c);
    i = static_cast<std::size_t>(at);
    if (c < 0) return bad_tag(field, "must be UTF-8 text");
    if (u_isUWhiteSpace(c)) {
      pending_space = !points.empty();
      continue;
    }
    if (u_iscntrl(c) || c == '/' || c == ',') {
      return bad_tag(field, "cannot contain control characters, '/' or ','");
    }
    if (pending_space) points.push_back(U' ');
    pending_space = false;
    points.push_back(static_cast<char32_t>(c));
  }
  if (points.empty()) return bad_tag(field, "cannot be empty");
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(points.data()),
                                                             static_cast<std::int32_t>(points.size()));
  unicode.toLower(icu::Locale::getRoot());
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return make_error(ErrorCode::internal, "ICU has no NFC normalizer", field);
  icu::UnicodeString normalized = nfc->normalize(unicode, status);
  if (U_FAILURE(status)) return bad_tag(field, "could not be normalised");
  if (static_cast<std::size_t>(normalized.countChar32()) > kTagCharactersMax) {
    return bad_tag(field, "is at most " + std::to_string(kTagCharactersMax) + " characters");
  }
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

}  // namespace narralytica::app
