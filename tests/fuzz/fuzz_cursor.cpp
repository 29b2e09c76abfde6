// libFuzzer target for the API's page cursors (api/detail/cursor.hpp), which every list route
// reads from its `cursor` query parameter. Any text either decodes or is refused with
// invalid_argument on field "cursor"; a decoded cursor encodes back to the same text (one text
// per position, so a cursor cannot be varied to dodge a cache or a comparison); and the typed
// forms round-trip: decode(encode(x)) == x for key bytes, integer keys and ids.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "api/detail/cursor.hpp"

namespace {

using namespace narralytica;

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

void require_refusal(const Error& error) {
  require(error.code == ErrorCode::invalid_argument, "a bad cursor is invalid_argument");
  require(error.field == "cursor", "a bad cursor names the field");
  require(!error.message.empty(), "a bad cursor says why");
}

std::int64_t int_at(std::string_view bytes, std::size_t index) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const std::size_t at = index * 8 + i;
    value = (value << 8) | (at < bytes.size() ? static_cast<unsigned char>(bytes[at]) : 0u);
  }
  return static_cast<std::int64_t>(value);
}

std::string encode_ints(char kind, const std::vector<std::int64_t>& v) {
  switch (v.size()) {
    case 1: return api::encode_int_cursor(kind, {v[0]});
    case 2: return api::encode_int_cursor(kind, {v[0], v[1]});
    default: return api::encode_int_cursor(kind, {v[0], v[1], v[2]});
  }
}

// The text as a client would send it back.
void decode_text(char kind, std::string_view text) {
  auto key = api::decode_cursor(kind, text);
  if (!key.ok()) {
    require_refusal(key.error());
  } else {
    require(api::encode_cursor(kind, *key) == text, "a decoded cursor encodes to the same text");
  }
  for (std::size_t count = 1; count <= 3; ++count) {
    auto values = api::decode_int_cursor(kind, text, count);
    if (!values.ok()) {
      require_refusal(values.error());
      continue;
    }
    require(values->size() == count, "an integer cursor has its count of values");
    require(encode_ints(kind, *values) == text, "an integer cursor encodes to the same text");
  }
  auto id = api::id_cursor_after(kind, std::string(text));
  if (!id.ok()) {
    require_refusal(id.error());
  } else {
    require(id->has_value() && api::id_cursor(kind, *id) == std::string(text), "an id cursor encodes to the same text");
  }
  // A cursor of one list is not another list's.
  if (key.ok()) {
    const char other = static_cast<char>(kind + 1);
    require(!api::decode_cursor(other, text).ok(), "a cursor names its list");
  }
}

// The bytes as a key the server would give out.
void round_trip(char kind, std::string_view bytes) {
  const std::string text = api::encode_cursor(kind, bytes);
  auto key = api::decode_cursor(kind, text);
  // Keys longer than a cursor may be are refused, never mangled.
  if (key.ok()) require(*key == bytes, "decode(encode(key)) == key");
  const std::size_t count = 1 + bytes.size() % 3;
  std::vector<std::int64_t> values;
  for (std::size_t i = 0; i < count; ++i) values.push_back(int_at(bytes, i));
  auto decoded = api::decode_int_cursor(kind, encode_ints(kind, values), count);
  require(decoded.ok() && *decoded == values, "decode(encode(integers)) == integers");
  if (bytes.size() >= 16) {
    const auto id = Uuid::from_bytes(bytes.substr(0, 16));
    require(id.has_value(), "16 bytes are an id");
    auto after = api::id_cursor_after(kind, api::id_cursor(kind, *id));
    require(after.ok() && *after == id, "decode(encode(id)) == id");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const char kind = static_cast<char>(data[0]);
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  decode_text(kind, rest);
  round_trip(kind, rest);
  require(api::id_cursor(kind, std::nullopt) == std::nullopt, "no id, no cursor");
  auto none = api::id_cursor_after(kind, std::nullopt);
  require(none.ok() && !none->has_value(), "no cursor, no id");
  return 0;
}
