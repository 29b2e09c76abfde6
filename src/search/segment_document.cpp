#include "search/segment_document.hpp"

#include <cstring>

namespace narralytica::search {
namespace {

constexpr char kFormatVersion = 1;

void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

void put_signed(std::string& out, std::int64_t value) {
  put_varint(out, (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
}

void put_string(std::string& out, std::string_view value) {
  put_varint(out, value.size());
  out.append(value);
}

void put_uuid(std::string& out, const std::optional<Uuid>& id) {
  if (!id) {
    out += '\0';
    return;
  }
  out += '\1';
  out.append(id->byte_view());
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool failed() const { return failed_; }
  bool at_end() const { return bytes_.empty(); }

  std::uint64_t varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (bytes_.empty()) return fail();
      const auto byte = static_cast<unsigned char>(bytes_.front());
      bytes_.remove_prefix(1);
      value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return fail();
  }
  std::int64_t signed_value() {
    const std::uint64_t zigzag = varint();
    return static_cast<std::int64_t>((zigzag >> 1) ^ (~(zigzag & 1) + 1));
  }
  std::string string() {
    const std::uint64_t size = varint();
    if (size > bytes_.size()) {
      fail();
      return {};
    }
    std::string value(bytes_.substr(0, size));
    bytes_.remove_prefix(size);
    return value;
  }
  std::optional<Uuid> uuid() {
    if (bytes_.empty()) return fail(), std::nullopt;
    const char present = bytes_.front();
    bytes_.remove_prefix(1);
    if (present == '\0') return std::nullopt;
    if (bytes_.size() < 16) return fail(), std::nullopt;
    auto id = Uuid::from_bytes(bytes_.substr(0, 16));
    bytes_.remove_prefix(16);
    return id;
  }

 private:
  std::uint64_t fail() {
    failed_ = true;
    bytes_ = {};
    return 0;
  }
  std::string_view bytes_;
  bool failed_ = false;
};

}  // namespace

std::string serialize(const SegmentDocument& d) {
  std::string out;
  out.reserve(96 + d.text.size() + d.video_title.size());
  out += kFormatVersion;
  put_uuid(out, d.video_id);
  put_string(out, d.video_title);
  put_varint(out, d.published_at ? 1 : 0);
  if (d.published_at) put_signed(out, *d.published_at);
  put_uuid(out, d.transcript_id);
  put_varint(out, static_cast<std::uint64_t>(d.revision));
  put_string(out, d.language);
  put_signed(out, d.ordinal);
  put_signed(out, d.start_ms);
  put_signed(out, d.end_ms);
  put_uuid(out, d.speaker_id);
  put_string(out, d.speaker_label);
  put_string(out, d.speaker_name);
  put_uuid(out, d.person_id);
  put_string(out, d.person_name);
  put_string(out, d.text);
  put_varint(out, d.labels.size());
  for (const auto& label : d.labels) {
    put_string(out, label.kind);
    put_string(out, label.label);
  }
  return out;
}

Result<SegmentDocument> deserialize(std::string_view bytes) {
  const Error unknown =
      make_error(ErrorCode::internal, "a search document of an unknown format; run `narralytica reindex`");
  if (bytes.empty() || bytes.front() != kFormatVersion) return unknown;
  Reader in(bytes.substr(1));
  SegmentDocument d;
  const auto video = in.uuid();
  d.video_title = in.string();
  if (!in.failed() && in.varint() == 1) d.published_at = in.signed_value();
  const auto transcript = in.uuid();
  d.revision = static_cast<int>(in.varint());
  d.language = in.string();
  d.ordinal = in.signed_value();
  d.start_ms = in.signed_value();
  d.end_ms = in.signed_value();
  d.speaker_id = in.uuid();
  d.speaker_label = in.string();
  d.speaker_name = in.string();
  d.person_id = in.uuid();
  d.person_name = in.string();
  d.text = in.string();
  const std::uint64_t labels = in.varint();
  for (std::uint64_t i = 0; i < labels && !in.failed(); ++i) {
    LayerLabel label;
    label.kind = in.string();
    label.label = in.string();
    d.labels.push_back(std::move(label));
  }
  if (in.failed() || !in.at_end() || !video || !transcript) return unknown;
  d.video_id = *video;
  d.transcript_id = *transcript;
  return d;
}

}  // namespace narralytica::search
