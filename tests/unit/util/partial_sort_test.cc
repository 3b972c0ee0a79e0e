#include "util/partial_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace corvid {
namespace {

int Compare(int a, int b) { return a < b ? -1 : a > b ? 1 : 0; }

TEST(PartialSortTest, RangeHoldsWhatAFullSortPutsThere) {
  std::mt19937 rng(9);
  for (int round = 0; round < 500; ++round) {
    size_t n = 1 + rng() % 200;
    std::vector<int> v(n);
    for (int& x : v) x = static_cast<int>(rng() % (round % 2 ? 10 : 1000));  // many ties on odd rounds
    size_t lo = rng() % n, hi = lo + rng() % (n - lo);
    std::vector<int> sorted = v, before = v;
    std::sort(sorted.begin(), sorted.end());
    PartialQuickSort(v, lo, hi, Compare);
    for (size_t i = lo; i <= hi; ++i) ASSERT_EQ(v[i], sorted[i]) << "n=" << n << " lo=" << lo << " hi=" << hi;
    std::sort(v.begin(), v.end());
    ASSERT_EQ(v, sorted);  // a permutation of the input
  }
}

TEST(PartialSortTest, FullRangeSortsEverything) {
  std::vector<int> v = {5, 3, 9, 1, 1, 7, 3, 8, 2, 6, 0, 4, 4, 9, 1};
  PartialQuickSort(v, 0, v.size() - 1, Compare);
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
}

}  // namespace
}  // namespace corvid
