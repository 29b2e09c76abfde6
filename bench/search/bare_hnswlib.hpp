// The engine alone: an hnswlib graph over inner product, nothing of the product around it, for
// vector_bench's floor. hnswlib stays behind this header.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace narralytica::bench {

class BareHnsw {
 public:
  BareHnsw(std::size_t dims, std::size_t capacity, std::size_t m, std::size_t ef_construction);
  ~BareHnsw();
  BareHnsw(const BareHnsw&) = delete;
  BareHnsw& operator=(const BareHnsw&) = delete;

  void add(const float* values, std::size_t label);
  void set_ef(std::size_t ef);
  // The labels of the `k` nearest, nearest first.
  std::vector<std::size_t> search(const float* query, std::size_t k) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace narralytica::bench
