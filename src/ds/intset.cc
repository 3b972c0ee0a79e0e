#include "ds/intset.h"

#include <cstdlib>
#include <cstring>
#include <random>
#include <utility>

namespace corvid {
namespace {

uint32_t Load32(const unsigned char* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

void StoreLe(unsigned char* p, uint64_t v, uint32_t bytes) {
  for (uint32_t i = 0; i < bytes; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

// Reads a little-endian signed value of `bytes` (2, 4 or 8) bytes.
int64_t LoadSigned(const unsigned char* p, uint32_t bytes) {
  uint64_t u = 0;
  for (uint32_t i = 0; i < bytes; ++i) u |= uint64_t{p[i]} << (8 * i);
  switch (bytes) {
    case 2: return static_cast<int16_t>(u);
    case 4: return static_cast<int32_t>(u);
    default: return static_cast<int64_t>(u);
  }
}

// Smallest encoding that holds `value`.
uint32_t EncodingFor(int64_t value) {
  if (value >= INT16_MIN && value <= INT16_MAX) return 2;
  if (value >= INT32_MIN && value <= INT32_MAX) return 4;
  return 8;
}

// splitmix64 over a per-thread state seeded once from the OS.
uint64_t NextRandom() {
  thread_local uint64_t state = (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

unsigned char* Reallocate(unsigned char* blob, size_t size) {
  auto* p = static_cast<unsigned char*>(std::realloc(blob, size));
  if (p == nullptr) std::abort();
  return p;
}

}  // namespace

Intset::Intset() : is_(Reallocate(nullptr, kHeaderSize)) {
  StoreLe(is_, 2, 4);
  StoreLe(is_ + 4, 0, 4);
}

Intset::~Intset() { std::free(is_); }

Intset::Intset(Intset&& other) noexcept : is_(std::exchange(other.is_, nullptr)) {}

Intset& Intset::operator=(Intset&& other) noexcept {
  if (this != &other) {
    std::free(is_);
    is_ = std::exchange(other.is_, nullptr);
  }
  return *this;
}

bool Intset::Validate(std::string_view bytes, bool deep) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < kHeaderSize) return false;
  const uint32_t encoding = Load32(b);
  if (encoding != 2 && encoding != 4 && encoding != 8) return false;
  const uint64_t length = Load32(b + 4);
  if (kHeaderSize + length * encoding != bytes.size()) return false;
  if (!deep) return true;
  for (uint64_t i = 1; i < length; ++i) {
    const unsigned char* p = b + kHeaderSize + i * encoding;
    if (LoadSigned(p - encoding, encoding) >= LoadSigned(p, encoding)) return false;
  }
  return true;
}

Intset Intset::FromBytes(std::string_view bytes) {
  auto* blob = Reallocate(nullptr, bytes.size());
  std::memcpy(blob, bytes.data(), bytes.size());
  return Intset(blob);
}

std::string_view Intset::Bytes() const {
  return {reinterpret_cast<const char*>(is_), kHeaderSize + size_t{Size()} * Encoding()};
}

uint32_t Intset::Size() const { return Load32(is_ + 4); }

uint32_t Intset::Encoding() const { return Load32(is_); }

int64_t Intset::Get(uint32_t index) const {
  const uint32_t enc = Encoding();
  return LoadSigned(is_ + kHeaderSize + size_t{index} * enc, enc);
}

void Intset::Set(uint32_t index, int64_t value) {
  const uint32_t enc = Encoding();
  StoreLe(is_ + kHeaderSize + size_t{index} * enc, static_cast<uint64_t>(value), enc);
}

void Intset::Resize(uint32_t length) {
  is_ = Reallocate(is_, kHeaderSize + size_t{length} * Encoding());
  StoreLe(is_ + 4, length, 4);
}

bool Intset::Search(int64_t value, uint32_t* index) const {
  const uint32_t size = Size();
  // Appending ascending values is the common case: answer it without a search.
  if (size == 0 || value > Get(size - 1)) {
    *index = size;
    return false;
  }
  if (value < Get(0)) {
    *index = 0;
    return false;
  }
  uint32_t lo = 0;
  uint32_t hi = size;  // the answer is in [lo, hi]
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    const int64_t v = Get(mid);
    if (v == value) {
      *index = mid;
      return true;
    }
    if (v < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *index = lo;
  return false;
}

bool Intset::Find(int64_t value) const {
  uint32_t index;
  return EncodingFor(value) <= Encoding() && Search(value, &index);
}

void Intset::UpgradeAndAdd(uint32_t encoding, int64_t value) {
  const uint32_t old_enc = Encoding();
  const uint32_t size = Size();
  // The new value is below or above every stored one, so it goes first or last.
  const uint32_t prepend = value < 0 ? 1 : 0;
  is_ = Reallocate(is_, kHeaderSize + (size_t{size} + 1) * encoding);
  StoreLe(is_, encoding, 4);
  StoreLe(is_ + 4, size + 1, 4);
  // Widen from the back so no value is overwritten before it is read.
  for (uint32_t i = size; i-- > 0;) {
    Set(i + prepend, LoadSigned(is_ + kHeaderSize + size_t{i} * old_enc, old_enc));
  }
  Set(prepend ? 0 : size, value);
}

bool Intset::Add(int64_t value) {
  const uint32_t needed = EncodingFor(value);
  if (needed > Encoding()) {
    UpgradeAndAdd(needed, value);
    return true;
  }
  uint32_t index;
  if (Search(value, &index)) return false;
  const uint32_t size = Size();
  Resize(size + 1);
  const uint32_t enc = Encoding();
  unsigned char* at = is_ + kHeaderSize + size_t{index} * enc;
  std::memmove(at + enc, at, size_t{size - index} * enc);
  Set(index, value);
  return true;
}

bool Intset::Remove(int64_t value) {
  uint32_t index;
  if (EncodingFor(value) > Encoding() || !Search(value, &index)) return false;
  const uint32_t size = Size();
  const uint32_t enc = Encoding();
  unsigned char* at = is_ + kHeaderSize + size_t{index} * enc;
  std::memmove(at, at + enc, size_t{size - index - 1} * enc);
  Resize(size - 1);
  return true;
}

int64_t Intset::Random() const { return Get(static_cast<uint32_t>(NextRandom() % Size())); }

}  // namespace corvid
