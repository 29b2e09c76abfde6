#include "api/detail/io.hpp"

#include <charconv>

#include "store/page.hpp"

namespace narralytica::api {
namespace {

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kCursorLengthMax = 128;

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::string rfc3339(UnixMicros us) { return format_rfc3339(us); }

std::string encode_cursor(char kind, std::string_view key_bytes) {
  std::string in(1, kind);
  in += key_bytes;
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : in) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kBase64Url[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::string encode_int_cursor(char kind, std::initializer_list<std::int64_t> values) {
  std::string key;
  key.reserve(values.size() * 8);
  for (std::int64_t value : values) {
    for (int shift = 56; shift >= 0; shift -= 8) key += static_cast<char>((value >> shift) & 0xff);
  }
  return encode_cursor(kind, key);
}

Result<std::vector<std::int64_t>> decode_int_cursor(char kind, std::string_view text, std::size_t count) {
  ASSIGN_OR_RETURN(std::string key, decode_cursor(kind, text));
  if (key.size() != count * 8) return make_error(ErrorCode::invalid_argument, "not a cursor this list gave out", "cursor");
  std::vector<std::int64_t> values(count, 0);
  for (std::size_t i = 0; i < key.size(); ++i) {
    values[i / 8] = static_cast<std::int64_t>((static_cast<std::uint64_t>(values[i / 8]) << 8) |
                                              static_cast<unsigned char>(key[i]));
  }
  return values;
}

Result<std::optional<Uuid>> id_cursor_after(char kind, const std::optional<std::string>& cursor) {
  if (!cursor) return std::optional<Uuid>();
  ASSIGN_OR_RETURN(std::string key, decode_cursor(kind, *cursor));
  auto after = Uuid::from_bytes(key);
  if (!after) return make_error(ErrorCode::invalid_argument, "not a cursor this list gave out", "cursor");
  return std::optional<Uuid>(*after);
}

std::optional<std::string> id_cursor(char kind, const std::optional<Uuid>& next_after) {
  if (!next_after) return std::nullopt;
  return encode_cursor(kind, next_after->byte_view());
}

Result<std::string> decode_cursor(char kind, std::string_view text) {
  const Error bad = make_error(ErrorCode::invalid_argument, "not a cursor this list gave out", "cursor");
  if (text.empty() || text.size() > kCursorLengthMax) return bad;
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base64_value(c);
    if (v < 0) return bad;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  // Only the text encode_cursor writes: no sixth bit-group left over, and the bits left over
  // zero. Else several texts would name one position (a cache keyed by the query would hold the
  // same page under each of them).
  if (bits >= 6 || (buffer & ((1u << bits) - 1)) != 0) return bad;
  if (out.empty() || out[0] != kind) return bad;
  return out.substr(1);
}

Result<Uuid> path_id(const Call& call, std::string_view name, std::string_view what) {
  const std::string_view text = call.param(name);
  auto id = Uuid::parse(text);
  if (!id) return make_error(ErrorCode::not_found, "no " + std::string(what) + " " + std::string(text), std::string(name));
  return *id;
}

Result<std::optional<std::int64_t>> query_int(const HttpRequest& request, std::string_view name, std::int64_t min,
                                              std::int64_t max) {
  auto text = request.query_param(name);
  if (!text) return std::optional<std::int64_t>{};
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < min || value > max) {
    return make_error(ErrorCode::invalid_argument,
                      "expected an integer from " + std::to_string(min) + " to " + std::to_string(max),
                      std::string(name));
  }
  return std::optional<std::int64_t>{value};
}

Result<int> page_limit(const HttpRequest& request) {
  ASSIGN_OR_RETURN(auto limit, query_int(request, "limit", 1, store::kPageLimitMax));
  return static_cast<int>(limit.value_or(store::kPageLimitDefault));
}

HttpResponse json_response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::string etag_of(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

std::optional<std::int64_t> version_of_etag(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  if (etag.size() < 3 || etag.front() != '"' || etag.back() != '"') return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(etag.data() + 1, etag.data() + etag.size() - 1, value);
  // Versions are never negative: "-1" names none.
  if (ec != std::errc{} || end != etag.data() + etag.size() - 1 || value < 0) return std::nullopt;
  return value;
}

Result<std::optional<std::int64_t>> if_match_version(const HttpRequest& request, std::string_view what) {
  const std::string_view if_match = request.header("if-match");
  if (if_match.empty() || if_match == "*") return std::optional<std::int64_t>();
  auto version = version_of_etag(if_match);
  if (!version) {
    return make_error(ErrorCode::precondition_failed, "If-Match does not name a version of this " + std::string(what),
                      "If-Match");
  }
  return version;
}

std::optional<std::string> optional_string(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace narralytica::api
