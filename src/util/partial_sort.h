// Redis' pqsort: the NetBSD quicksort (Bentley & McIlroy's three-way partitioning, median of three or of nine
// pivots, insertion sort below 7 elements; as in Redis 7.0, no switch to insertion sort after a pass without
// swaps) that skips the partitions lying wholly outside the range of positions [lo, hi]. It is not stable; following its exact steps puts elements
// that compare equal where Redis puts them (GEORADIUS/GEOSEARCH with COUNT order their points with it).
#pragma once
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace corvid {

namespace partial_sort_detail {

template <typename T, typename Cmp>
void InsertionSort(T* a, size_t n, Cmp& cmp) {
  for (size_t m = 1; m < n; ++m)
    for (size_t l = m; l > 0 && cmp(a[l - 1], a[l]) > 0; --l) std::swap(a[l], a[l - 1]);
}

template <typename T, typename Cmp>
T* Med3(T* a, T* b, T* c, Cmp& cmp) {
  if (cmp(*a, *b) < 0) return cmp(*b, *c) < 0 ? b : (cmp(*a, *c) < 0 ? c : a);
  return cmp(*b, *c) > 0 ? b : (cmp(*a, *c) < 0 ? a : c);
}

template <typename T>
void SwapRuns(T* a, T* b, ptrdiff_t n) {
  for (ptrdiff_t i = 0; i < n; ++i) std::swap(a[i], b[i]);
}

// Sorts a[0, n) as far as positions [*lo, *hi] need.
template <typename T, typename Cmp>
void Sort(T* a, size_t n, Cmp& cmp, const T* lo, const T* hi) {
  auto overlaps = [&](const T* s, ptrdiff_t len) { return !(hi < s || lo > s + len - 1); };
  for (;;) {
    if (n < 7) return InsertionSort(a, n, cmp);
    T* pm = a + n / 2;
    if (n > 7) {
      T* pl = a;
      T* pn = a + n - 1;
      if (n > 40) {
        size_t d = n / 8;
        pl = Med3(pl, pl + d, pl + 2 * d, cmp);
        pm = Med3(pm - d, pm, pm + d, cmp);
        pn = Med3(pn - 2 * d, pn - d, pn, cmp);
      }
      pm = Med3(pl, pm, pn, cmp);
    }
    std::swap(*a, *pm);
    // [a+1, pa) and (pd, end) collect elements equal to the pivot, [pa, pb) the smaller, (pc, pd] the larger.
    T *pa = a + 1, *pb = a + 1, *pc = a + n - 1, *pd = a + n - 1;
    for (;;) {
      int r;
      while (pb <= pc && (r = cmp(*pb, *a)) <= 0) {
        if (r == 0) std::swap(*pa++, *pb);
        ++pb;
      }
      while (pb <= pc && (r = cmp(*pc, *a)) >= 0) {
        if (r == 0) std::swap(*pc, *pd--);
        --pc;
      }
      if (pb > pc) break;
      std::swap(*pb++, *pc--);
    }
    T* end = a + n;
    ptrdiff_t r = std::min(pa - a, pb - pa);
    SwapRuns(a, pb - r, r);
    r = std::min(pd - pc, end - pd - 1);
    SwapRuns(pb, end - r, r);
    if ((r = pb - pa) > 1 && overlaps(a, r)) Sort(a, static_cast<size_t>(r), cmp, lo, hi);
    if ((r = pd - pc) <= 1) return;
    a = end - r;  // iterate on the right part instead of recursing
    n = static_cast<size_t>(r);
    if (!overlaps(a, r)) return;
  }
}

}  // namespace partial_sort_detail

// Orders v so that positions [lo, hi] hold what a full sort would, exactly as Redis' pqsort(v, lo, hi) leaves
// them. cmp(a, b) returns <0, 0 or >0. REQUIRES: lo <= hi < v.size().
template <typename T, typename Cmp>
void PartialQuickSort(std::vector<T>& v, size_t lo, size_t hi, Cmp cmp) {
  partial_sort_detail::Sort(v.data(), v.size(), cmp, v.data() + lo, v.data() + hi);
}

}  // namespace corvid
