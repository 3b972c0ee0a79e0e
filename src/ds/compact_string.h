// A 16-byte string: up to 15 bytes inline, longer ones on the heap (capacity from the allocator).
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>

namespace corvid {

class CompactString {
 public:
  static constexpr size_t kInlineMax = 15;

  CompactString() { Reset(); }
  explicit CompactString(std::string_view s) {
    Reset();
    Assign(s);
  }
  CompactString(CompactString&& o) noexcept {
    memcpy(static_cast<void*>(this), &o, sizeof(*this));
    o.Reset();
  }
  CompactString& operator=(CompactString&& o) noexcept {
    if (this != &o) {
      Free();
      memcpy(static_cast<void*>(this), &o, sizeof(*this));
      o.Reset();
    }
    return *this;
  }
  CompactString(const CompactString&) = delete;
  CompactString& operator=(const CompactString&) = delete;
  ~CompactString() { Free(); }

  bool IsInline() const { return tag() != kHeapTag; }
  size_t size() const { return IsInline() ? tag() : heap_.len; }
  bool empty() const { return size() == 0; }
  const char* data() const { return IsInline() ? inl_ : heap_.ptr; }
  char* mutable_data() { return IsInline() ? inl_ : heap_.ptr; }
  std::string_view view() const { return {data(), size()}; }

  // REQUIRES (Assign, Append): s does not point into this string.
  void Assign(std::string_view s);
  // Sets the length to n keeping the first min(n, size()) bytes; bytes past the old end are uninitialised.
  // grow_spare: on reallocation keep room to grow (for APPEND/SETRANGE), as Redis' sds does.
  char* Resize(size_t n, bool grow_spare = false);
  void Append(std::string_view s);
  // Bytes allocated on the heap for this string (0 when inline).
  size_t HeapBytes() const;
  // Capacity in bytes without reallocation.
  size_t Capacity() const;

 private:
  static constexpr uint8_t kHeapTag = 0x80;
  uint8_t tag() const { return static_cast<uint8_t>(inl_[15]); }
  void Reset() {
    memset(inl_, 0, sizeof(inl_));
  }
  void Free();

  union {
    char inl_[16];  // inline: bytes [0, len), inl_[15] = len (0..15)
    struct {
      char* ptr;
      uint32_t len;
      uint8_t pad[3];
      uint8_t tag;  // kHeapTag
    } heap_;
  };
};
static_assert(sizeof(CompactString) == 16);

}  // namespace corvid
