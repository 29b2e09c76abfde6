// The timeline's counting pass: a Xapian match spy that sees every match of the query once and
// counts it by the published-date bucket of its video and, when asked, by speaker or person,
// keeping each bucket's best documents and the earliest match. Internal to src/search.
#pragma once

#include <xapian.h>

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "search/search_index.hpp"

namespace narralytica::search::detail {

// The first instant (UTC) of the bucket holding `at`.
UnixMicros bucket_start(UnixMicros at, TimelineBucketSize size);

class TimelineSpy : public Xapian::MatchSpy {
 public:
  TimelineSpy(TimelineBucketSize bucket, TimelineSeries by, int top) : bucket_(bucket), by_(by), top_(top) {}

  void operator()(const Xapian::Document& document, double weight) override;

  struct Moment {
    double weight = 0;
    Xapian::docid id = 0;
    bool operator>(const Moment& other) const {
      return weight != other.weight ? weight > other.weight : id < other.id;
    }
  };
  struct Bucket {
    std::int64_t count = 0;
    std::map<std::string, std::int64_t> series;  // key -> matches
    std::vector<Moment> top;                      // a min-heap of the best `top` moments
  };

  // Series keys are the speaker's or person's 16 bytes (empty: none); key_text gives the id's
  // text form the API answers with.
  static std::string key_text(const std::string& key);

  const std::map<UnixMicros, Bucket>& buckets() const { return buckets_; }
  // key -> (label, matches) over every bucket, dated or not.
  const std::map<std::string, std::pair<std::string, std::int64_t>>& series() const { return series_; }
  std::int64_t total() const { return total_; }
  std::int64_t undated() const { return undated_; }
  // The earliest dated match: (published, start_ms, docid).
  const std::optional<std::tuple<UnixMicros, std::int64_t, Xapian::docid>>& first() const { return first_; }
  // Set when a document's stored form did not decode (the caller reports it).
  const std::optional<std::string>& failure() const { return failure_; }

 private:
  void count_series(const Xapian::Document& document, std::string& key);

  TimelineBucketSize bucket_;
  TimelineSeries by_;
  int top_;
  std::map<UnixMicros, Bucket> buckets_;
  std::map<std::string, std::pair<std::string, std::int64_t>> series_;
  std::int64_t total_ = 0;
  std::int64_t undated_ = 0;
  std::optional<std::tuple<UnixMicros, std::int64_t, Xapian::docid>> first_;
  std::optional<std::string> failure_;
};

}  // namespace narralytica::search::detail
