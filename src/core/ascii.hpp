// ASCII character classes without the locale: std::isdigit/std::isspace take an int that must be
// an unsigned char's value (a plain char above 0x7F is undefined behaviour) and consult the C
// locale on every call. Byte-oriented parsers (subtitle timestamps, the query language, word
// splitting) want exactly the ASCII sets.
#pragma once

#include <string_view>

namespace narralytica {

constexpr bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// 0-15 for a hex digit (either case), -1 for any other byte.
constexpr int ascii_hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The C locale's white space: space, \t, \n, \v, \f, \r.
constexpr bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Empty or only spaces, tabs and line breaks: a name or title that says nothing.
constexpr bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace narralytica
