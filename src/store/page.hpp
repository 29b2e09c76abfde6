// Keyset pagination: a page is the rows after a cursor (the public id of the last row seen), in
// id order. No OFFSET: a page costs the same however deep it is, and rows inserted meanwhile
// neither repeat nor vanish.
#pragma once

#include <optional>
#include <vector>

#include "core/result.hpp"
#include "core/uuid.hpp"

namespace narralytica::store {

inline constexpr int kPageLimitDefault = 100;
inline constexpr int kPageLimitMax = 1000;

struct PageRequest {
  std::optional<Uuid> after;  // the last public id of the previous page
  int limit = kPageLimitDefault;
};

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<Uuid> next_after;  // set when more rows may follow
};

inline Status check_page_limit(int limit) {
  if (limit < 1 || limit > kPageLimitMax) {
    return make_error(ErrorCode::invalid_argument,
                      "limit must be between 1 and " + std::to_string(kPageLimitMax), "limit");
  }
  return ok_status();
}

// Fills next_after from the last item when the page is full. T must have `public_id`.
template <class T>
Page<T> make_page(std::vector<T> items, int limit) {
  Page<T> page;
  if (static_cast<int>(items.size()) == limit && !items.empty()) page.next_after = items.back().public_id;
  page.items = std::move(items);
  return page;
}

}  // namespace narralytica::store
