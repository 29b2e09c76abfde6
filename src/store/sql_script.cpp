#include "store/sql_script.hpp"

#include <cctype>

namespace narralytica::store {
namespace {

bool only_space_and_comments(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
    } else if (s.substr(i, 2) == "--") {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (s.substr(i, 2) == "/*") {
      auto end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

std::vector<ScriptStatement> split_sql_script(std::string_view script) {
  std::vector<ScriptStatement> statements;
  std::size_t start = 0;
  int line = 1;
  int start_line = 1;
  std::size_t i = 0;
  auto emit = [&](std::size_t end) {
    std::string_view text = script.substr(start, end - start);
    if (!only_space_and_comments(text)) {
      // Trim leading whitespace, counting the lines it spans.
      int first_line = start_line;
      std::size_t skip = 0;
      while (skip < text.size()) {
        if (std::isspace(static_cast<unsigned char>(text[skip]))) {
          if (text[skip] == '\n') ++first_line;
          ++skip;
        } else if (text.substr(skip, 2) == "--") {  // a comment line before the statement
          while (skip < text.size() && text[skip] != '\n') ++skip;
        } else {
          break;
        }
      }
      text.remove_prefix(skip);
      while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
      statements.push_back({text, first_line});
    }
  };
  while (i < script.size()) {
    const char c = script[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == '\'' || c == '"') {
      const char quote = c;
      ++i;
      while (i < script.size()) {
        if (script[i] == '\n') ++line;
        if (script[i] == quote) {
          if (i + 1 < script.size() && script[i + 1] == quote) { i += 2; continue; }
          ++i;
          break;
        }
        ++i;
      }
    } else if (script.substr(i, 2) == "--") {
      while (i < script.size() && script[i] != '\n') ++i;
    } else if (script.substr(i, 2) == "/*") {
      auto end = script.find("*/", i + 2);
      end = end == std::string_view::npos ? script.size() : end + 2;
      for (std::size_t k = i; k < end; ++k) line += script[k] == '\n';
      i = end;
    } else if (c == '$') {
      // $tag$ ... $tag$ (tag may be empty)
      std::size_t j = i + 1;
      while (j < script.size() && (std::isalnum(static_cast<unsigned char>(script[j])) || script[j] == '_')) ++j;
      if (j < script.size() && script[j] == '$' && !(j > i + 1 && std::isdigit(static_cast<unsigned char>(script[i + 1])))) {
        std::string_view tag = script.substr(i, j - i + 1);
        auto end = script.find(tag, j + 1);
        end = end == std::string_view::npos ? script.size() : end + tag.size();
        for (std::size_t k = i; k < end; ++k) line += script[k] == '\n';
        i = end;
      } else {
        ++i;
      }
    } else if (c == ';') {
      emit(i);
      ++i;
      start = i;
      start_line = line;
    } else {
      ++i;
    }
  }
  emit(script.size());
  return statements;
}

}  // namespace narralytica::store
