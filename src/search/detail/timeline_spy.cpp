#include "search/detail/timeline_spy.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

#include "search/detail/index_schema.hpp"
#include "search/segment_document.hpp"

namespace narralytica::search::detail {
namespace {

constexpr std::int64_t kMicrosPerDay = 86'400'000'000LL;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

UnixMicros bucket_start(UnixMicros at, TimelineBucketSize size) {
  using namespace std::chrono;
  const std::int64_t day = floor_div(at, kMicrosPerDay);
  switch (size) {
    case TimelineBucketSize::day: return day * kMicrosPerDay;
    case TimelineBucketSize::week: {
      // 1970-01-01 was a Thursday: Monday is 3 days before.
      const std::int64_t monday = day - ((day + 3) % 7 + 7) % 7;
      return monday * kMicrosPerDay;
    }
    case TimelineBucketSize::month:
    case TimelineBucketSize::year: {
      const year_month_day date{sys_days{days{day}}};
      const year_month_day first = size == TimelineBucketSize::month ? date.year() / date.month() / 1
                                                                       : date.year() / January / 1;
      return static_cast<std::int64_t>(sys_days{first}.time_since_epoch().count()) * kMicrosPerDay;
    }
  }
  return day * kMicrosPerDay;
}

std::string TimelineSpy::key_text(const std::string& key) {
  if (key.empty()) return "";
  const auto id = Uuid::from_bytes(key);
  return id ? id->to_string() : "";
}

// The series key of a match (the speaker's or person's 16 bytes, empty for none) from its value
// slot; the label only the first time a key is seen, from the document's data. A document
// indexed before the slots existed has none: its data says both.
void TimelineSpy::count_series(const Xapian::Document& document, std::string& key) {
  const std::string value = document.get_value(by_ == TimelineSeries::speaker ? kSpeakerSlot : kPersonSlot);
  if (!value.empty()) {
    key = value == kNoIdValue ? std::string() : value;
    if (auto found = series_.find(key); found != series_.end()) {
      ++found->second.second;
      return;
    }
  }
  auto decoded = deserialize(document.get_data());
  if (!decoded.ok()) {
    failure_ = decoded.error().message;
    return;
  }
  std::string label;
  if (by_ == TimelineSeries::speaker) {
    key = decoded->speaker_id ? std::string(decoded->speaker_id->byte_view()) : "";
    label = !decoded->speaker_name.empty() ? decoded->speaker_name : decoded->speaker_label;
  } else {
    key = decoded->person_id ? std::string(decoded->person_id->byte_view()) : "";
    label = decoded->person_name;
  }
  auto& total = series_[key];
  if (total.first.empty()) total.first = label;
  ++total.second;
}

void TimelineSpy::operator()(const Xapian::Document& document, double weight) {
  ++total_;
  std::string key;
  if (by_ != TimelineSeries::none) {
    count_series(document, key);
    if (failure_) return;
  }
  const std::string published = document.get_value(kPublishedSlot);
  if (published.empty()) {
    ++undated_;
    return;
  }
  const auto at = static_cast<UnixMicros>(Xapian::sortable_unserialise(published));
  const Xapian::docid id = document.get_docid();
  // The start is read only for a match that may be the first mention: most are later.
  if (!first_ || at <= std::get<0>(*first_)) {
    const auto start_ms = static_cast<std::int64_t>(Xapian::sortable_unserialise(document.get_value(kStartSlot)));
    if (!first_ || std::make_tuple(at, start_ms, id) < *first_) first_ = std::make_tuple(at, start_ms, id);
  }
  Bucket& bucket = buckets_[bucket_start(at, bucket_)];
  ++bucket.count;
  if (by_ != TimelineSeries::none) ++bucket.series[key];
  if (top_ == 0) return;
  const Moment moment{weight, id};
  if (static_cast<int>(bucket.top.size()) < top_) {
    bucket.top.push_back(moment);
    std::push_heap(bucket.top.begin(), bucket.top.end(), std::greater<>());
  } else if (moment > bucket.top.front()) {
    std::pop_heap(bucket.top.begin(), bucket.top.end(), std::greater<>());
    bucket.top.back() = moment;
    std::push_heap(bucket.top.begin(), bucket.top.end(), std::greater<>());
  }
}

}  // namespace narralytica::search::detail
