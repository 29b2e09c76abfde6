#include "app/layer_kinds.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace narralytica::app {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kLabelBytesMax = 256;
constexpr std::size_t kEmbeddingDimsMax = 4096;

Error invalid(const std::string& path, std::string expected, const Json* found) {
  std::string message = "expected " + std::move(expected);
  if (found == nullptr) {
    message += ", found nothing";
  } else {
    std::string shown = found->dump();
    if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
    message += ", found " + shown;
  }
  return make_error(ErrorCode::invalid_argument, std::move(message), path);
}

// One member of an object's fixed shape.
enum class Type { label, text, unit, count };

struct Member {
  const char* name;
  Type type;
};

// Checks that `value` is an object with exactly `members` (all required) and returns nothing;
// the caller reads the values it needs.
Status check_object(const Json& value, const std::string& path, std::initializer_list<Member> members) {
  if (!value.is_object()) return invalid(path, "an object", &value);
  for (const auto& [name, member_value] : value.items()) {
    bool known = false;
    for (const Member& m : members) known = known || name == m.name;
    if (!known) return invalid(path + "." + name, "no such member here", &member_value);
  }
  for (const Member& m : members) {
    // Built only for an error: this loop runs for every member of every item of a run.
    auto where = [&] { return path + "." + m.name; };
    auto it = value.find(m.name);
    if (it == value.end()) return invalid(where(), "a value (required)", nullptr);
    switch (m.type) {
      case Type::label:
        if (!it->is_string() || it->get_ref<const std::string&>().empty() ||
            it->get_ref<const std::string&>().size() > kLabelBytesMax) {
          return invalid(where(), "a string of 1 to 256 bytes", &*it);
        }
        break;
      case Type::text:
        if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
          return invalid(where(), "a non-empty string", &*it);
        }
        break;
      case Type::unit:
        if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1) {
          return invalid(where(), "a number from 0 to 1", &*it);
        }
        break;
      case Type::count:
        if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
          return invalid(where(), "an integer >= 0", &*it);
        }
        break;
    }
  }
  return ok_status();
}

// A list kind: an array of objects of one shape; label and score from the best-scoring element.
Result<LayerItemValues> check_list(const Json& value, const std::string& path, std::initializer_list<Member> members,
                                   const char* label_member, const char* score_member) {
  if (!value.is_array()) return invalid(path, "an array", &value);
  LayerItemValues values;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (auto checked = check_object(value[i], path, members); !checked.ok()) {
      Error error = std::move(checked).error();
      error.field.insert(path.size(), "[" + std::to_string(i) + "]");
      return error;
    }
    const Json& element = value[i];
    if (score_member == nullptr) {
      if (i == 0) values.label = element[label_member].get<std::string>();
      continue;
    }
    const double score = element[score_member].get<double>();
    if (!values.score || score > *values.score) {
      values.score = score;
      values.label = element[label_member].get<std::string>();
    }
  }
  return values;
}

Result<LayerItemValues> check_sentiment(const Json& value, const std::string& path) {
  RETURN_IF_ERROR(check_object(value, path, {{"label", Type::label}, {"score", Type::unit}}));
  const auto& label = value["label"].get_ref<const std::string&>();
  if (label != "positive" && label != "neutral" && label != "negative") {
    return invalid(path + ".label", "\"positive\", \"neutral\" or \"negative\"", &value["label"]);
  }
  return LayerItemValues{label, value["score"].get<double>()};
}

Result<LayerItemValues> check_entities(const Json& value, const std::string& path) {
  ASSIGN_OR_RETURN(LayerItemValues values,
                   check_list(value, path,
                              {{"text", Type::text}, {"type", Type::label}, {"start_char", Type::count},
                               {"end_char", Type::count}},
                              "type", nullptr));
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i]["end_char"].get<std::int64_t>() < value[i]["start_char"].get<std::int64_t>()) {
      return invalid(path + "[" + std::to_string(i) + "].end_char", "end_char >= start_char", &value[i]["end_char"]);
    }
  }
  return values;
}

Result<LayerItemValues> check_embedding(const Json& value, const std::string& path) {
  if (!value.is_object()) return invalid(path, "an object", &value);
  for (const auto& [name, member] : value.items()) {
    if (name != "dims" && name != "vector") return invalid(path + "." + name, "no such member here", &member);
  }
  auto dims = value.find("dims");
  if (dims == value.end() || !dims->is_number_integer() || dims->get<std::int64_t>() < 1 ||
      dims->get<std::int64_t>() > static_cast<std::int64_t>(kEmbeddingDimsMax)) {
    return invalid(path + ".dims", "an integer from 1 to 4096", dims == value.end() ? nullptr : &*dims);
  }
  auto vector = value.find("vector");
  if (vector == value.end() || !vector->is_array() ||
      vector->size() != static_cast<std::size_t>(dims->get<std::int64_t>())) {
    return invalid(path + ".vector", "an array of " + std::to_string(dims->get<std::int64_t>()) + " numbers",
                   vector == value.end() ? nullptr : &*vector);
  }
  for (std::size_t i = 0; i < vector->size(); ++i) {
    if (!(*vector)[i].is_number()) return invalid(path + ".vector[" + std::to_string(i) + "]", "a number", &(*vector)[i]);
  }
  return LayerItemValues{};
}

// A custom kind's label and score, when it has members of those names.
LayerItemValues custom_values(const Json& value) {
  LayerItemValues values;
  if (auto label = value.find("label"); label != value.end() && label->is_string()) {
    const auto& text = label->get_ref<const std::string&>();
    if (!text.empty() && text.size() <= kLabelBytesMax) values.label = text;
  }
  if (auto score = value.find("score"); score != value.end() && score->is_number()) values.score = score->get<double>();
  return values;
}

}  // namespace

std::string_view builtin_layer_kinds() { return "sentiment, topics, entities, summary, keywords, embedding"; }

bool known_layer_kind(std::string_view kind) {
  static constexpr std::array<std::string_view, 6> kBuiltin = {"sentiment", "topics",   "entities",
                                                              "summary",   "keywords", "embedding"};
  if (kind.starts_with("x-") && kind.size() > 2) return true;
  for (std::string_view builtin : kBuiltin) {
    if (kind == builtin) return true;
  }
  return false;
}

Result<LayerItemValues> check_layer_value(std::string_view kind, const Json& value, const std::string& path) {
  if (kind == "sentiment") return check_sentiment(value, path);
  if (kind == "topics") return check_list(value, path, {{"label", Type::label}, {"score", Type::unit}}, "label", "score");
  if (kind == "keywords") return check_list(value, path, {{"text", Type::label}, {"score", Type::unit}}, "text", "score");
  if (kind == "entities") return check_entities(value, path);
  if (kind == "summary") {
    RETURN_IF_ERROR(check_object(value, path, {{"text", Type::text}}));
    return LayerItemValues{};
  }
  if (kind == "embedding") return check_embedding(value, path);
  if (kind.starts_with("x-") && kind.size() > 2) {
    if (!value.is_object()) return invalid(path, "an object (custom kinds hold any JSON object)", &value);
    return custom_values(value);
  }
  return make_error(ErrorCode::invalid_argument,
                    "unknown layer kind \"" + std::string(kind) + "\": the built-in kinds are " +
                        std::string(builtin_layer_kinds()) + "; a custom kind starts with \"x-\"",
                    "kind");
}

}  // namespace narralytica::app
