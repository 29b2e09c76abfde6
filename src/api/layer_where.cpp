#include "api/detail/layer_where.hpp"

#include <charconv>
#include <cmath>
#include <string>
#include <utility>

namespace narralytica::api {

Result<std::vector<store::LayerCondition>> parse_where(std::string_view text) {
  std::vector<store::LayerCondition> conditions;
  std::size_t index = 0;
  while (!text.empty()) {
    const std::size_t semicolon = text.find(';');
    const std::string_view part = text.substr(0, semicolon);
    text = semicolon == std::string_view::npos ? std::string_view() : text.substr(semicolon + 1);
    const std::string field = "where[" + std::to_string(index++) + "]";
    const std::size_t op_at = part.find_first_of("=!<>");
    if (op_at == std::string_view::npos || op_at == 0) {
      return make_error(ErrorCode::invalid_argument,
                        "expected kind.field<op>value, e.g. sentiment.label=negative or sentiment.score>0.8", field);
    }
    store::LayerCondition c;
    std::string_view name = part.substr(0, op_at);
    std::string_view rest = part.substr(op_at);
    if (const std::size_t dot = name.rfind('.'); dot != std::string_view::npos) {
      c.kind = std::string(name.substr(0, dot));
      name = name.substr(dot + 1);
    } else if (!conditions.empty()) {
      c.kind = conditions.back().kind;
    } else {
      return make_error(ErrorCode::invalid_argument, "the first condition names its kind (sentiment.score>0.8)", field);
    }
    if (name == "label") {
      c.field = store::LayerField::label;
    } else if (name == "score") {
      c.field = store::LayerField::score;
    } else {
      return make_error(ErrorCode::invalid_argument, "a condition is on label or score", field);
    }
    constexpr std::pair<std::string_view, store::CompareOp> kOps[] = {
        {"!=", store::CompareOp::ne}, {">=", store::CompareOp::ge}, {"<=", store::CompareOp::le},
        {"=", store::CompareOp::eq},  {">", store::CompareOp::gt},  {"<", store::CompareOp::lt}};
    bool matched = false;
    for (const auto& [symbol, op] : kOps) {
      if (rest.starts_with(symbol)) {
        c.op = op;
        rest.remove_prefix(symbol.size());
        matched = true;
        break;
      }
    }
    if (!matched) return make_error(ErrorCode::invalid_argument, "an operator is =, !=, <, <=, > or >=", field);
    if (c.field == store::LayerField::score) {
      auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), c.number);
      // from_chars also reads "nan" and "inf": no score compares with those meaningfully, and
      // SQLite would bind NaN as NULL.
      if (ec != std::errc() || end != rest.data() + rest.size() || !std::isfinite(c.number)) {
        return make_error(ErrorCode::invalid_argument, "a score is compared with a number", field);
      }
    } else {
      c.text = std::string(rest);
    }
    conditions.push_back(std::move(c));
  }
  return conditions;
}

}  // namespace narralytica::api
