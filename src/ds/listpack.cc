#include "ds/listpack.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

namespace corvid {
namespace {

constexpr uint32_t kHeaderSize = 6;
constexpr uint16_t kCountUnknown = UINT16_MAX;
constexpr unsigned char kEof = 0xFF;

// Encoding bytes (Redis 7.0 listpack).
constexpr unsigned char k6BitStr = 0x80;    // 10xxxxxx
constexpr unsigned char k13BitInt = 0xC0;   // 110xxxxx yyyyyyyy
constexpr unsigned char k12BitStr = 0xE0;   // 1110xxxx yyyyyyyy
constexpr unsigned char k32BitStr = 0xF0;   // 11110000 + 4-byte length
constexpr unsigned char k16BitInt = 0xF1;
constexpr unsigned char k24BitInt = 0xF2;
constexpr unsigned char k32BitInt = 0xF3;
constexpr unsigned char k64BitInt = 0xF4;

uint16_t Load16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

uint32_t Load32(const unsigned char* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

uint64_t Load64(const unsigned char* p) { return uint64_t{Load32(p)} | (uint64_t{Load32(p + 4)} << 32); }

void StoreLe(unsigned char* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}

// Bytes of the backlen for an entry whose encoding+data is `len` bytes. Redis' thresholds are
// exclusive at 16383, 2097151 and 268435455 (16383 takes 3 bytes), and the bytes follow them.
uint32_t BacklenBytes(uint64_t len) {
  if (len <= 127) return 1;
  if (len < 16383) return 2;
  if (len < 2097151) return 3;
  if (len < 268435455) return 4;
  return 5;
}

// Writes the backlen of `len`: most significant 7-bit group first, every byte but the first
// flagged with 0x80 ("more bytes to the left" when read from the right).
void EncodeBacklen(uint64_t len, unsigned char* out) {
  const uint32_t n = BacklenBytes(len);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t shift = 7 * (n - 1 - i);
    out[i] = static_cast<unsigned char>((len >> shift) & 127);
    if (i > 0) out[i] |= 128;
  }
}

// Reads the backlen whose last byte is at `last`, walking left.
// REQUIRES: a well-formed backlen ends at `last`.
uint64_t DecodeBacklen(const unsigned char* last) {
  uint64_t value = 0;
  for (uint32_t n = 0;; ++n) {
    const unsigned char b = *(last - n);
    value |= uint64_t{b & 127u} << (7 * n);
    if ((b & 128) == 0) return value;
  }
}

// Size of an entry's <encoding><data>, or 0 when the encoding byte is not a valid entry (unused
// encodings and the terminator). Reads at most the encoding's header bytes, which must be within
// `avail`; returns 0 when they are not.
uint64_t EncodedSize(const unsigned char* p, uint64_t avail) {
  if (avail == 0) return 0;
  const unsigned char b = p[0];
  if (b < 0x80) return 1;
  if ((b & 0xC0) == k6BitStr) return 1 + (b & 0x3F);
  if ((b & 0xE0) == k13BitInt) return avail >= 2 ? 2 : 0;
  if ((b & 0xF0) == k12BitStr) return avail >= 2 ? 2 + (((b & 0x0F) << 8) | p[1]) : 0;
  switch (b) {
    case k32BitStr: return avail >= 5 ? 5 + uint64_t{Load32(p + 1)} : 0;
    case k16BitInt: return 3;
    case k24BitInt: return 4;
    case k32BitInt: return 5;
    case k64BitInt: return 9;
    default: return 0;
  }
}

// Redis' lpStringToInt64: true only for the canonical decimal text of an int64 (no sign other than
// a leading '-', no leading zeros, no "-0", no spaces, at most 20 characters).
bool StringToInt64(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  size_t i = 0;
  const bool negative = s[0] == '-';
  if (negative) {
    if (s.size() == 1) return false;
    i = 1;
  }
  if (s[i] == '0') {
    if (s.size() != 1) return false;
    *out = 0;
    return true;
  }
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - '0';
    if (d > 9) return false;
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (negative) {
    if (v > uint64_t{INT64_MAX} + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > uint64_t{INT64_MAX}) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

// Decodes the entry at `p` into `*v`; returns the size of its <encoding><data>.
// REQUIRES: a valid entry starts at `p`.
uint64_t DecodeEntry(const unsigned char* p, LpValue* v) {
  const unsigned char b = p[0];
  auto str = [v](const unsigned char* data, uint64_t len, uint64_t header) {
    v->is_int = false;
    v->str = std::string_view(reinterpret_cast<const char*>(data), len);
    return header + len;
  };
  auto num = [v](int64_t n, uint64_t size) {
    v->is_int = true;
    v->num = n;
    return size;
  };
  if (b < 0x80) return num(b, 1);
  if ((b & 0xC0) == k6BitStr) return str(p + 1, b & 0x3F, 1);
  if ((b & 0xE0) == k13BitInt) {
    const int64_t u = ((b & 0x1F) << 8) | p[1];
    return num(u >= 4096 ? u - 8192 : u, 2);
  }
  if ((b & 0xF0) == k12BitStr) return str(p + 2, ((b & 0x0F) << 8) | p[1], 2);
  switch (b) {
    case k32BitStr: return str(p + 5, Load32(p + 1), 5);
    case k16BitInt: return num(static_cast<int16_t>(Load16(p + 1)), 3);
    case k24BitInt: {
      const int64_t u = p[1] | (p[2] << 8) | (p[3] << 16);
      return num(u >= (1 << 23) ? u - (1 << 24) : u, 4);
    }
    case k32BitInt: return num(static_cast<int32_t>(Load32(p + 1)), 5);
    default: return num(static_cast<int64_t>(Load64(p + 1)), 9);  // k64BitInt
  }
}

// `avail` for EncodedSize() on entries already known to be valid.
constexpr uint64_t kTrusted = UINT64_MAX;

[[noreturn]] void OutOfMemory() { std::abort(); }

unsigned char* Reallocate(unsigned char* blob, size_t size) {
  auto* p = static_cast<unsigned char*>(std::realloc(blob, size));
  if (p == nullptr) OutOfMemory();
  return p;
}

}  // namespace

std::string_view LpValue::AsString(char (&buf)[kIntBufSize]) const {
  if (!is_int) return str;
  const auto res = std::to_chars(buf, buf + kIntBufSize, num);
  return std::string_view(buf, static_cast<size_t>(res.ptr - buf));
}

bool LpValue::Equals(std::string_view s) const {
  if (!is_int) return str == s;
  int64_t v;
  return StringToInt64(s, &v) && v == num;
}

// One entry ready to be written: header bytes (and integer value), string payload, backlen.
struct Listpack::Encoded {
  unsigned char head[9];
  uint32_t head_len = 0;
  std::string_view data;
  unsigned char backlen[5];
  uint32_t backlen_len = 0;

  static Encoded Int(int64_t v) {
    Encoded e;
    if (v >= 0 && v <= 127) {
      e.head[0] = static_cast<unsigned char>(v);
      e.head_len = 1;
    } else if (v >= -4096 && v <= 4095) {
      const uint64_t u = static_cast<uint64_t>(v) & 0x1FFF;  // 13-bit two's complement
      e.head[0] = static_cast<unsigned char>(k13BitInt | (u >> 8));
      e.head[1] = static_cast<unsigned char>(u & 0xFF);
      e.head_len = 2;
    } else {
      int bytes;
      if (v >= INT16_MIN && v <= INT16_MAX) {
        e.head[0] = k16BitInt;
        bytes = 2;
      } else if (v >= -(1 << 23) && v < (1 << 23)) {
        e.head[0] = k24BitInt;
        bytes = 3;
      } else if (v >= INT32_MIN && v <= INT32_MAX) {
        e.head[0] = k32BitInt;
        bytes = 4;
      } else {
        e.head[0] = k64BitInt;
        bytes = 8;
      }
      StoreLe(e.head + 1, static_cast<uint64_t>(v), bytes);
      e.head_len = 1 + static_cast<uint32_t>(bytes);
    }
    e.SetBacklen();
    return e;
  }

  static Encoded String(std::string_view s) {
    int64_t v;
    if (StringToInt64(s, &v)) return Int(v);
    Encoded e;
    const size_t n = s.size();
    if (n < 64) {
      e.head[0] = static_cast<unsigned char>(k6BitStr | n);
      e.head_len = 1;
    } else if (n < 4096) {
      e.head[0] = static_cast<unsigned char>(k12BitStr | (n >> 8));
      e.head[1] = static_cast<unsigned char>(n & 0xFF);
      e.head_len = 2;
    } else {
      e.head[0] = k32BitStr;
      StoreLe(e.head + 1, n, 4);
      e.head_len = 5;
    }
    e.data = s;
    e.SetBacklen();
    return e;
  }

  void SetBacklen() {
    const uint64_t len = head_len + data.size();
    backlen_len = BacklenBytes(len);
    EncodeBacklen(len, backlen);
  }

  uint64_t Size() const { return head_len + data.size() + backlen_len; }

  void WriteTo(unsigned char* dst) const {
    std::memcpy(dst, head, head_len);
    if (!data.empty()) std::memcpy(dst + head_len, data.data(), data.size());
    std::memcpy(dst + head_len + data.size(), backlen, backlen_len);
  }
};

Listpack::Listpack() : lp_(Reallocate(nullptr, kEmptySize)) {
  StoreLe(lp_, kEmptySize, 4);
  StoreLe(lp_ + 4, 0, 2);
  lp_[kHeaderSize] = kEof;
}

Listpack::~Listpack() { std::free(lp_); }

Listpack::Listpack(Listpack&& other) noexcept : lp_(std::exchange(other.lp_, nullptr)) {}

Listpack& Listpack::operator=(Listpack&& other) noexcept {
  if (this != &other) {
    std::free(lp_);
    lp_ = std::exchange(other.lp_, nullptr);
  }
  return *this;
}

bool Listpack::Validate(std::string_view bytes, bool deep) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t size = bytes.size();
  if (size < kEmptySize || size > UINT32_MAX) return false;
  if (Load32(b) != size || b[size - 1] != kEof) return false;
  if (!deep) return true;

  const uint64_t end = size - 1;
  uint64_t pos = kHeaderSize;
  uint32_t count = 0;
  while (pos < end) {
    const uint64_t avail = end - pos;
    const uint64_t encoded = EncodedSize(b + pos, avail);
    if (encoded == 0) return false;
    const uint64_t entry = encoded + BacklenBytes(encoded);
    if (entry > avail) return false;
    // Read the backlen right to left as Prev() will, never past the entry's first byte. Like
    // Redis, accept any bytes that decode to the right value.
    const uint64_t last = pos + entry - 1;
    uint64_t value = 0;
    for (uint32_t n = 0;; ++n) {
      if (n == 5 || last - n < pos) return false;
      const unsigned char c = b[last - n];
      value |= uint64_t{c & 127u} << (7 * n);
      if ((c & 128) == 0) break;
    }
    if (value != encoded) return false;
    pos += entry;
    ++count;
  }
  const uint16_t header_count = Load16(b + 4);
  return header_count == kCountUnknown || header_count == count;
}

Listpack Listpack::FromBytes(std::string_view bytes) {
  auto* blob = Reallocate(nullptr, bytes.size());
  std::memcpy(blob, bytes.data(), bytes.size());
  return Listpack(blob);
}

std::string_view Listpack::Bytes() const { return {reinterpret_cast<const char*>(lp_), TotalBytes()}; }

uint32_t Listpack::TotalBytes() const { return Load32(lp_); }

uint32_t Listpack::Size() const {
  const uint16_t header_count = Load16(lp_ + 4);
  if (header_count != kCountUnknown) return header_count;
  uint32_t count = 0;
  for (Pos p = First(); p != kNoPos; p = Next(p)) ++count;
  if (count < kCountUnknown) StoreLe(lp_ + 4, count, 2);
  return count;
}

bool Listpack::Empty() const { return lp_[kHeaderSize] == kEof; }

bool Listpack::SafeToAdd(size_t add_bytes) const { return TotalBytes() + add_bytes <= kMaxSafetySize; }

uint32_t Listpack::EntrySize(Pos pos) const {
  const uint64_t encoded = EncodedSize(lp_ + pos, kTrusted);
  return static_cast<uint32_t>(encoded + BacklenBytes(encoded));
}

Listpack::Pos Listpack::First() const { return Empty() ? kNoPos : kHeaderSize; }

Listpack::Pos Listpack::Last() const { return Empty() ? kNoPos : Prev(TotalBytes() - 1); }

Listpack::Pos Listpack::Next(Pos pos) const {
  const Pos next = pos + EntrySize(pos);
  return lp_[next] == kEof ? kNoPos : next;
}

// Also used with the terminator's offset, to find the last element.
Listpack::Pos Listpack::Prev(Pos pos) const {
  if (pos == kHeaderSize) return kNoPos;
  // The backlen's width comes from its value, as in Redis: a backlen written with extra bytes
  // (which deep validation accepts, as Redis does) still leads to the entry's start.
  const uint64_t encoded = DecodeBacklen(lp_ + pos - 1);
  return static_cast<Pos>(pos - BacklenBytes(encoded) - encoded);
}

Listpack::Pos Listpack::Seek(int64_t index) const {
  const int64_t size = Size();
  if (index < 0) index += size;
  if (index < 0 || index >= size) return kNoPos;
  if (index <= size / 2) {
    Pos p = First();
    for (int64_t i = 0; i < index; ++i) p = Next(p);
    return p;
  }
  Pos p = Last();
  for (int64_t i = size - 1; i > index; --i) p = Prev(p);
  return p;
}

LpValue Listpack::Get(Pos pos) const {
  LpValue v;
  DecodeEntry(lp_ + pos, &v);
  return v;
}

Listpack::Pos Listpack::Find(Pos start, std::string_view value, uint32_t skip) const {
  if (start == kNoPos) return kNoPos;
  // The value's integer form, computed once on the first integer entry met.
  enum { kUnknown, kInt, kNotInt } int_state = kUnknown;
  int64_t int_value = 0;
  uint32_t to_skip = 0;
  for (Pos p = start; lp_[p] != kEof;) {
    uint64_t encoded;
    if (to_skip == 0) {
      LpValue v;
      encoded = DecodeEntry(lp_ + p, &v);
      if (v.is_int) {
        if (int_state == kUnknown) int_state = StringToInt64(value, &int_value) ? kInt : kNotInt;
        if (int_state == kInt && v.num == int_value) return p;
      } else if (v.str == value) {
        return p;
      }
      to_skip = skip;
    } else {
      encoded = EncodedSize(lp_ + p, kTrusted);
      --to_skip;
    }
    p += static_cast<Pos>(encoded + BacklenBytes(encoded));
  }
  return kNoPos;
}

bool Listpack::Aliases(std::string_view value) const {
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  return !value.empty() && p >= lp_ && p < lp_ + TotalBytes();
}

void Listpack::Shift(Pos from, Pos to, uint32_t new_total) {
  const uint32_t old_total = TotalBytes();
  const uint32_t tail = old_total - from;
  if (new_total > old_total) lp_ = Reallocate(lp_, new_total);
  std::memmove(lp_ + to, lp_ + from, tail);
  if (new_total < old_total) lp_ = Reallocate(lp_, new_total);
  StoreLe(lp_, new_total, 4);
}

Listpack::Pos Listpack::InsertEncoded(Pos at, const Encoded& entry) {
  const uint64_t size = entry.Size();
  const uint64_t new_total = TotalBytes() + size;
  if (new_total > UINT32_MAX) OutOfMemory();
  Shift(at, static_cast<Pos>(at + size), static_cast<uint32_t>(new_total));
  entry.WriteTo(lp_ + at);
  const uint16_t count = Load16(lp_ + 4);
  if (count != kCountUnknown) StoreLe(lp_ + 4, count + 1u, 2);
  return at;
}

void Listpack::ReplaceEncoded(Pos pos, const Encoded& entry) {
  const uint32_t old_size = EntrySize(pos);
  const uint64_t size = entry.Size();
  if (size != old_size) {
    const uint64_t new_total = uint64_t{TotalBytes()} - old_size + size;
    if (new_total > UINT32_MAX) OutOfMemory();
    Shift(pos + old_size, static_cast<Pos>(pos + size), static_cast<uint32_t>(new_total));
  }
  entry.WriteTo(lp_ + pos);
}

void Listpack::Append(std::string_view value) {
  if (Aliases(value)) return Append(std::string(value));
  InsertEncoded(TotalBytes() - 1, Encoded::String(value));
}

void Listpack::AppendInt(int64_t value) { InsertEncoded(TotalBytes() - 1, Encoded::Int(value)); }

void Listpack::Prepend(std::string_view value) {
  if (Aliases(value)) return Prepend(std::string(value));
  InsertEncoded(kHeaderSize, Encoded::String(value));
}

void Listpack::PrependInt(int64_t value) { InsertEncoded(kHeaderSize, Encoded::Int(value)); }

Listpack::Pos Listpack::Insert(Pos pos, Where where, std::string_view value) {
  if (Aliases(value)) return Insert(pos, where, std::string(value));
  return InsertEncoded(where == Where::kBefore ? pos : pos + EntrySize(pos), Encoded::String(value));
}

Listpack::Pos Listpack::InsertInt(Pos pos, Where where, int64_t value) {
  return InsertEncoded(where == Where::kBefore ? pos : pos + EntrySize(pos), Encoded::Int(value));
}

void Listpack::Replace(Pos pos, std::string_view value) {
  if (Aliases(value)) return Replace(pos, std::string(value));
  ReplaceEncoded(pos, Encoded::String(value));
}

void Listpack::ReplaceInt(Pos pos, int64_t value) { ReplaceEncoded(pos, Encoded::Int(value)); }

Listpack::Pos Listpack::Delete(Pos pos, uint32_t count) {
  Pos end = pos;
  uint32_t deleted = 0;
  while (deleted < count && lp_[end] != kEof) {
    end += EntrySize(end);
    ++deleted;
  }
  Shift(end, pos, TotalBytes() - (end - pos));
  const uint16_t header_count = Load16(lp_ + 4);
  if (header_count != kCountUnknown) StoreLe(lp_ + 4, header_count - deleted, 2);
  return lp_[pos] == kEof ? kNoPos : pos;
}

}  // namespace corvid
