// Intset: Redis' sorted set of integers, byte for byte.
//
// Layout: <encoding u32 LE> <length u32 LE> <length values, little-endian, ascending>
// encoding is the width of every value in bytes (2, 4 or 8). Adding a value that does not fit
// widens ("upgrades") every value; removing never narrows. The RDB code writes Bytes() straight
// into RDB files and loads them back with FromBytes().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace corvid {

class Intset {
 public:
  // Bytes of the header (encoding and length).
  static constexpr size_t kHeaderSize = 8;

  // Creates an empty intset with 16-bit encoding.
  Intset();
  ~Intset();
  // A moved-from intset may only be destroyed or assigned to.
  Intset(Intset&& other) noexcept;
  Intset& operator=(Intset&& other) noexcept;
  Intset(const Intset&) = delete;
  Intset& operator=(const Intset&) = delete;

  // Returns true if `bytes` is a well-formed intset: a known encoding and a size that matches the
  // length; with deep == true also strictly ascending values. Never reads outside `bytes`.
  // (An empty intset is well-formed; RDB loading rejects empty sets separately, as Redis does.)
  static bool Validate(std::string_view bytes, bool deep);

  // Returns an intset holding a copy of `bytes`.
  // REQUIRES: Validate(bytes, /*deep=*/true).
  static Intset FromBytes(std::string_view bytes);

  // Returns the encoded intset: what RDB stores. Valid until the next change.
  std::string_view Bytes() const;

  // Returns the number of values.
  uint32_t Size() const;

  // Returns the width of each stored value in bytes: 2, 4 or 8.
  uint32_t Encoding() const;

  // Adds `value`; returns false if it was already present.
  bool Add(int64_t value);

  // Removes `value`; returns false if it was not present.
  bool Remove(int64_t value);

  // Returns true if `value` is present (binary search).
  bool Find(int64_t value) const;

  // Returns the index-th smallest value.
  // REQUIRES: index < Size().
  int64_t Get(uint32_t index) const;

  // Returns a uniformly chosen value.
  // REQUIRES: Size() > 0.
  int64_t Random() const;

 private:
  explicit Intset(unsigned char* blob) : is_(blob) {}

  // Stores `value` at `index` using the current encoding.
  void Set(uint32_t index, int64_t value);
  // Finds `value`; returns true if present. `*index` receives its index, or where it would go.
  bool Search(int64_t value, uint32_t* index) const;
  // Re-encodes every value to `encoding` bytes and adds `value`, which is out of the old range.
  void UpgradeAndAdd(uint32_t encoding, int64_t value);
  void Resize(uint32_t length);

  unsigned char* is_;
};

}  // namespace corvid
