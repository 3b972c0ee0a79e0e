#include "ds/compact_string.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <new>

namespace corvid {

void CompactString::Free() {
  if (!IsInline()) free(heap_.ptr);
}

size_t CompactString::HeapBytes() const { return IsInline() ? 0 : malloc_usable_size(heap_.ptr); }

size_t CompactString::Capacity() const { return IsInline() ? kInlineMax : malloc_usable_size(heap_.ptr); }

void CompactString::Assign(std::string_view s) {
  if (s.size() <= kInlineMax) {
    Free();
    Reset();
    if (!s.empty()) memcpy(inl_, s.data(), s.size());
    inl_[15] = static_cast<char>(s.size());
    return;
  }
  char* p = Resize(s.size());
  memmove(p, s.data(), s.size());
}

char* CompactString::Resize(size_t n, bool grow_spare) {
  if (IsInline()) {
    if (n <= kInlineMax) {
      inl_[15] = static_cast<char>(n);
      return inl_;
    }
    size_t want = grow_spare ? std::max(n * 2, size_t{32}) : n;
    char* p = static_cast<char*>(malloc(want));
    if (!p) throw std::bad_alloc();
    memcpy(p, inl_, tag());
    heap_.ptr = p;
    heap_.len = static_cast<uint32_t>(n);
    heap_.tag = kHeapTag;
    return p;
  }
  if (n > malloc_usable_size(heap_.ptr)) {
    // Double up to 1 MB, then grow by 1 MB steps (Redis' sdsMakeRoomFor policy).
    size_t want = n;
    if (grow_spare) want = n < 1024 * 1024 ? n * 2 : n + 1024 * 1024;
    char* p = static_cast<char*>(realloc(heap_.ptr, want));
    if (!p) throw std::bad_alloc();
    heap_.ptr = p;
  }
  heap_.len = static_cast<uint32_t>(n);
  return heap_.ptr;
}

void CompactString::Append(std::string_view s) {
  size_t old = size();
  char* p = Resize(old + s.size(), true);
  memcpy(p + old, s.data(), s.size());
}

}  // namespace corvid
