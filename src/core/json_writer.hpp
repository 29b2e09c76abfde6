// A small JSON object builder for event payloads and audit details, so that layers below the API
// can emit JSON without pulling nlohmann/json (a heavy header) into every translation unit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace narralytica {

// Appends `value` to `out` as a JSON string literal, escaping as RFC 8259 requires.
void append_json_string(std::string& out, std::string_view value);
void append_json_int(std::string& out, std::int64_t value);
// As "%.17g" prints it (enough digits to round-trip), or null when not finite: JSON has no NaN or
// infinity. Stored word timings, and so transcript content hashes, depend on these exact bytes.
void append_json_double(std::string& out, double value);

class JsonObject {
 public:
  JsonObject() : text_("{") {}
  JsonObject& add(std::string_view key, std::string_view value);
  JsonObject& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
  JsonObject& add(std::string_view key, const std::string& value) { return add(key, std::string_view(value)); }
  JsonObject& add(std::string_view key, std::int64_t value);
  JsonObject& add(std::string_view key, int value) { return add(key, static_cast<std::int64_t>(value)); }
  JsonObject& add(std::string_view key, double value);
  JsonObject& add(std::string_view key, bool value);
  JsonObject& add_null(std::string_view key);
  // `json` must already be valid JSON (an object built by another JsonObject, say).
  JsonObject& add_raw(std::string_view key, std::string_view json);
  template <class T>
  JsonObject& add_optional(std::string_view key, const std::optional<T>& value) {
    return value ? add(key, *value) : add_null(key);
  }
  std::string str() const { return text_ + "}"; }

 private:
  void key(std::string_view name);
  std::string text_;
  bool empty_ = true;
};

}  // namespace narralytica
