#include "api/detail/io.hpp"

#include <charconv>
#include <ctime>

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

bool parse_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::string rfc3339(UnixMicros us) { return format_rfc3339(us); }

Result<UnixMicros> parse_rfc3339(std::string_view text, std::string_view field) {
  const Error bad = make_error(ErrorCode::invalid_argument,
                               "expected an RFC 3339 timestamp like 2024-05-01T12:00:00Z", std::string(field));
  int year, month, day, hour, minute, second;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
      text[13] != ':' || text[16] != ':' || !parse_digits(text, 0, 4, year) || !parse_digits(text, 5, 2, month) ||
      !parse_digits(text, 8, 2, day) || !parse_digits(text, 11, 2, hour) || !parse_digits(text, 14, 2, minute) ||
      !parse_digits(text, 17, 2, second) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60) {
    return bad;
  }
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad;
    for (int d = digits; d < 6; ++d) micros *= 10;
  }
  std::int64_t offset_s = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') && text[pos + 3] == ':') {
    int oh, om;
    if (!parse_digits(text, pos + 1, 2, oh) || !parse_digits(text, pos + 4, 2, om)) return bad;
    offset_s = (oh * 3600 + om * 60) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return bad;
  }
  if (pos != text.size()) return bad;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - offset_s;
  return seconds * 1'000'000 + micros;
}

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
  if (ec != std::errc{} || end != etag.data() + etag.size() - 1) return std::nullopt;
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
