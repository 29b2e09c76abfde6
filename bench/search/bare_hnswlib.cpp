#include "bare_hnswlib.hpp"

// Debian's hnswlib 0.6.2 defines functions and variables in its headers without `inline`
// (cpuid, AVXCapable, hnswlib::InnerProductSIMD16Ext, ...), so it can be included in one
// translation unit of a program only, and the product's search library already has that one.
// Here it is included inside a namespace of its own, which gives its definitions other names;
// every header it includes is included first, outside that namespace.
#include <algorithm>
#include <atomic>
#include <cassert>
#include <deque>
#include <fstream>
#include <iostream>
#include <list>
#include <mutex>
#include <queue>
#include <random>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <assert.h>
#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

namespace bare_engine {
#include <hnswlib/hnswlib.h>
}  // namespace bare_engine

namespace narralytica::bench {

struct BareHnsw::Impl {
  Impl(std::size_t dims, std::size_t capacity, std::size_t m, std::size_t ef_construction)
      : space(dims), graph(&space, capacity, m, ef_construction) {}
  bare_engine::hnswlib::InnerProductSpace space;
  bare_engine::hnswlib::HierarchicalNSW<float> graph;
};

BareHnsw::BareHnsw(std::size_t dims, std::size_t capacity, std::size_t m, std::size_t ef_construction)
    : impl_(std::make_unique<Impl>(dims, capacity, m, ef_construction)) {}
BareHnsw::~BareHnsw() = default;

void BareHnsw::add(const float* values, std::size_t label) { impl_->graph.addPoint(values, label); }
void BareHnsw::set_ef(std::size_t ef) { impl_->graph.setEf(ef); }

std::vector<std::size_t> BareHnsw::search(const float* query, std::size_t k) const {
  auto queue = impl_->graph.searchKnn(query, k);
  std::vector<std::size_t> labels(queue.size());
  for (std::size_t i = queue.size(); i-- > 0; queue.pop()) labels[i] = queue.top().second;
  return labels;
}

}  // namespace narralytica::bench
