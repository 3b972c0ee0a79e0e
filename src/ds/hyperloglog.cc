#include "ds/hyperloglog.h"

#include <cmath>
#include <cstring>

namespace corvid::hll {

namespace {

constexpr unsigned kP = 14;
constexpr unsigned kQ = 64 - kP;
constexpr uint64_t kPMask = kRegisters - 1;
constexpr uint8_t kRegisterMax = 63;
constexpr size_t kDenseBytes = kDenseSize - kHeaderSize;
constexpr double kAlphaInf = 0.721347520444481703680;  // 1 / (2 ln 2)
constexpr unsigned kValMaxValue = 32, kValMaxLen = 4, kZeroMaxLen = 64, kXzeroMaxLen = 16384;

// ---- sparse opcodes ----
inline bool IsZero(uint8_t b) { return (b & 0xc0) == 0; }
inline bool IsXzero(uint8_t b) { return (b & 0xc0) == 0x40; }
inline bool IsVal(uint8_t b) { return b & 0x80; }
inline unsigned ZeroLen(uint8_t b) { return (b & 0x3f) + 1u; }
inline unsigned XzeroLen(uint8_t b0, uint8_t b1) { return (((b0 & 0x3fu) << 8) | b1) + 1; }
inline unsigned ValValue(uint8_t b) { return ((b >> 2) & 0x1f) + 1u; }
inline unsigned ValLen(uint8_t b) { return (b & 0x3) + 1u; }
inline uint8_t ValOp(unsigned value, unsigned len) { return static_cast<uint8_t>(((value - 1) << 2 | (len - 1)) | 0x80); }
// Writes a ZERO or XZERO (len > 64) run; returns the bytes written.
inline size_t PutZeros(uint8_t* p, unsigned len) {
  if (len > kZeroMaxLen) {
    p[0] = static_cast<uint8_t>(((len - 1) >> 8) | 0x40);
    p[1] = static_cast<uint8_t>((len - 1) & 0xff);
    return 2;
  }
  p[0] = static_cast<uint8_t>(len - 1);
  return 1;
}

// Walks a sparse code calling zeros(run) and val(value, run); returns the number of registers covered, or
// stops (returning more than kRegisters) when a VAL run would pass the last register. The second byte of an
// XZERO cut off by the end reads as 0, as in Redis (its strings end with a NUL).
template <typename Z, typename V>
size_t WalkSparse(std::string_view s, Z&& zeros, V&& val) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data()) + kHeaderSize;
  const auto* end = reinterpret_cast<const uint8_t*>(s.data()) + s.size();
  size_t idx = 0;
  while (p < end) {
    if (IsZero(*p)) {
      unsigned run = ZeroLen(*p);
      zeros(run);
      idx += run;
      ++p;
    } else if (IsXzero(*p)) {
      unsigned run = XzeroLen(p[0], p + 1 < end ? p[1] : 0);
      zeros(run);
      idx += run;
      p += 2;
    } else {
      unsigned run = ValLen(*p), v = ValValue(*p);
      if (idx + run > kRegisters) return kRegisters + 1;
      val(v, run, idx);
      idx += run;
      ++p;
    }
  }
  return idx;
}

// ---- dense registers (6 bits each, least significant bit first) ----
inline uint8_t GetReg(const uint8_t* r, size_t i) {
  size_t byte = i * 6 / 8;
  unsigned fb = i * 6 & 7;
  unsigned b0 = r[byte], b1 = byte + 1 < kDenseBytes ? r[byte + 1] : 0;
  return static_cast<uint8_t>(((b0 >> fb) | (b1 << (8 - fb))) & kRegisterMax);
}

inline void SetReg(uint8_t* r, size_t i, uint8_t v) {
  size_t byte = i * 6 / 8;
  unsigned fb = i * 6 & 7;
  r[byte] = static_cast<uint8_t>((r[byte] & ~(kRegisterMax << fb)) | (v << fb));
  if (byte + 1 < kDenseBytes)
    r[byte + 1] = static_cast<uint8_t>((r[byte + 1] & ~(kRegisterMax >> (8 - fb))) | (v >> (8 - fb)));
}

// Calls fn(index, value) for every register of a dense sketch, 4 registers (3 bytes) at a time.
template <typename F>
void ForEachDense(const uint8_t* r, F&& fn) {
  for (size_t i = 0; i < kRegisters; i += 4, r += 3) {
    unsigned b0 = r[0], b1 = r[1], b2 = r[2];
    fn(i, static_cast<uint8_t>(b0 & 63));
    fn(i + 1, static_cast<uint8_t>(((b0 >> 6) | (b1 << 2)) & 63));
    fn(i + 2, static_cast<uint8_t>(((b1 >> 4) | (b2 << 4)) & 63));
    fn(i + 3, static_cast<uint8_t>(b2 >> 2));
  }
}

inline uint8_t* Regs(CompactString* s) { return reinterpret_cast<uint8_t*>(s->mutable_data()) + kHeaderSize; }

int DenseSet(CompactString* s, size_t reg, uint8_t count) {
  uint8_t* r = Regs(s);
  if (count <= GetReg(r, reg)) return 0;
  SetReg(r, reg, count);
  return 1;
}

int Promote(CompactString* s, size_t reg, uint8_t count) {
  if (!ToDense(s)) return -1;
  return DenseSet(s, reg, count);  // always 1: the sparse code could not hold the new value
}

// Redis' hllSparseSet, step by step: find the opcode covering reg; update it in place when trivial (a VAL
// already >= count, a one-register VAL or ZERO), else split it into up to three opcodes; then merge adjacent
// equal VALs in the five opcodes from the one before the change.
int SparseSet(CompactString* s, size_t reg, uint8_t count, size_t sparse_max_bytes) {
  if (count > kValMaxValue) return Promote(s, reg, count);
  auto* d = reinterpret_cast<uint8_t*>(s->mutable_data());
  size_t end = s->size(), p = kHeaderSize, first = 0, span = 0;
  ptrdiff_t prev = -1;
  while (p < end) {
    size_t oplen = 1;
    if (IsZero(d[p])) {
      span = ZeroLen(d[p]);
    } else if (IsVal(d[p])) {
      span = ValLen(d[p]);
    } else {
      span = XzeroLen(d[p], p + 1 < end ? d[p + 1] : 0);
      oplen = 2;
    }
    if (reg <= first + span - 1) break;
    prev = static_cast<ptrdiff_t>(p);
    p += oplen;
    first += span;
  }
  if (span == 0 || p >= end) return -1;
  const bool is_xzero = IsXzero(d[p]), is_zero = IsZero(d[p]), is_val = IsVal(d[p]);
  const size_t next = is_xzero ? p + 2 : p + 1;
  const bool has_next = next < end;
  const size_t runlen = span;

  bool trivial = false;
  if (is_val) {
    if (ValValue(d[p]) >= count) return 0;
    trivial = runlen == 1;
  }
  if (is_zero && runlen == 1) trivial = true;
  if (trivial) {
    d[p] = ValOp(count, 1);
  } else {
    uint8_t seq[5];
    size_t n = 0;
    const size_t last = first + span - 1;
    if (is_zero || is_xzero) {
      if (reg != first) n += PutZeros(seq + n, static_cast<unsigned>(reg - first));
      seq[n++] = ValOp(count, 1);
      if (reg != last) n += PutZeros(seq + n, static_cast<unsigned>(last - reg));
    } else {
      unsigned cur = ValValue(d[p]);
      if (reg != first) seq[n++] = ValOp(cur, static_cast<unsigned>(reg - first));
      seq[n++] = ValOp(count, 1);
      if (reg != last) seq[n++] = ValOp(cur, static_cast<unsigned>(last - reg));
    }
    const ptrdiff_t delta = static_cast<ptrdiff_t>(n) - (is_xzero ? 2 : 1);
    if (delta > 0 && end + delta > sparse_max_bytes) return Promote(s, reg, count);
    if (delta > 0) {
      d = reinterpret_cast<uint8_t*>(s->Resize(end + delta, true));
      if (has_next) memmove(d + next + delta, d + next, end - next);
    } else if (delta < 0) {
      if (has_next) memmove(d + next + delta, d + next, end - next);
      d = reinterpret_cast<uint8_t*>(s->Resize(end + delta));
    }
    memcpy(d + p, seq, n);
    end += delta;
  }

  size_t q = prev >= 0 ? static_cast<size_t>(prev) : kHeaderSize;
  for (int scan = 5; q < end && scan-- > 0;) {
    if (IsXzero(d[q])) {
      q += 2;
      continue;
    }
    if (IsZero(d[q])) {
      ++q;
      continue;
    }
    if (q + 1 < end && IsVal(d[q + 1]) && ValValue(d[q]) == ValValue(d[q + 1])) {
      unsigned len = ValLen(d[q]) + ValLen(d[q + 1]);
      if (len <= kValMaxLen) {
        d[q + 1] = ValOp(ValValue(d[q]), len);
        memmove(d + q, d + q + 1, end - q - 1);
        d = reinterpret_cast<uint8_t*>(s->Resize(--end));
        continue;  // try to merge the merged VAL with the next one
      }
    }
    ++q;
  }
  InvalidateCache(s);
  return 1;
}

// Ertl's sigma and tau as Redis 7.0 computes them.
double Sigma(double x) {
  if (x == 1.) return INFINITY;
  double z_prime, y = 1, z = x;
  do {
    x *= x;
    z_prime = z;
    z += x * y;
    y += y;
  } while (z_prime != z);
  return z;
}

double Tau(double x) {
  if (x == 0. || x == 1.) return 0.;
  double z_prime, y = 1.0, z = 1 - x;
  do {
    x = std::sqrt(x);
    z_prime = z;
    y *= 0.5;
    z -= std::pow(1 - x, 2) * y;
  } while (z_prime != z);
  return z / 3;
}

uint64_t Estimate(const int* histo) {
  const double m = kRegisters;
  double z = m * Tau((m - histo[kQ + 1]) / m);
  for (int j = kQ; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * Sigma(histo[0] / m);
  return static_cast<uint64_t>(std::llround(kAlphaInf * m * m / z));
}

}  // namespace

uint64_t MurmurHash64A(std::string_view s, uint64_t seed) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  const int r = 47;
  uint64_t h = seed ^ (static_cast<uint64_t>(s.size()) * m);
  const auto* data = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t* end = data + (s.size() - (s.size() & 7));
  for (; data != end; data += 8) {
    uint64_t k = 0;
    for (int i = 7; i >= 0; --i) k = (k << 8) | data[i];  // little-endian load
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  size_t rest = s.size() & 7;
  if (rest) {
    for (size_t i = rest; i-- > 0;) h ^= static_cast<uint64_t>(data[i]) << (8 * i);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

void HashElement(std::string_view ele, size_t* reg, uint8_t* count) {
  uint64_t h = MurmurHash64A(ele, 0xadc83b19ULL);
  *reg = h & kPMask;
  h >>= kP;
  h |= uint64_t{1} << kQ;  // bounds the count to Q + 1
  *count = static_cast<uint8_t>(__builtin_ctzll(h) + 1);
}

std::string NewSketch() {
  std::string s(kHeaderSize + 2, '\0');
  memcpy(s.data(), "HYLL", 4);
  s[4] = static_cast<char>(kSparse);
  PutZeros(reinterpret_cast<uint8_t*>(s.data()) + kHeaderSize, kXzeroMaxLen);
  return s;
}

bool LooksValid(std::string_view s) {
  if (s.size() < kHeaderSize || s.substr(0, 4) != "HYLL") return false;
  uint8_t enc = Encoding(s);
  if (enc > kSparse) return false;
  return enc != kDense || s.size() == kDenseSize;
}

int Add(CompactString* s, std::string_view ele, size_t sparse_max_bytes) {
  size_t reg;
  uint8_t count;
  HashElement(ele, &reg, &count);
  return Set(s, reg, count, sparse_max_bytes);
}

int Set(CompactString* s, size_t reg, uint8_t count, size_t sparse_max_bytes) {
  if (Encoding(s->view()) == kDense) return DenseSet(s, reg, count);
  return SparseSet(s, reg, count, sparse_max_bytes);
}

bool ToDense(CompactString* s) {
  std::string_view sv = s->view();
  if (Encoding(sv) == kDense) return true;
  std::string dense(kDenseSize, '\0');
  memcpy(dense.data(), sv.data(), kHeaderSize);
  dense[4] = static_cast<char>(kDense);
  auto* r = reinterpret_cast<uint8_t*>(dense.data()) + kHeaderSize;
  size_t covered = WalkSparse(sv, [](unsigned) {}, [&](unsigned v, unsigned run, size_t idx) {
    for (unsigned k = 0; k < run; ++k) SetReg(r, idx + k, static_cast<uint8_t>(v));
  });
  if (covered != kRegisters) return false;
  s->Assign(dense);
  return true;
}

void InvalidateCache(CompactString* s) { s->mutable_data()[15] = static_cast<char>(s->data()[15] | 0x80); }

bool CachedCount(std::string_view s, uint64_t* out) {
  if (static_cast<uint8_t>(s[15]) & 0x80) return false;
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[8 + i]);
  *out = v;
  return true;
}

void StoreCachedCount(CompactString* s, uint64_t card) {
  char* p = s->mutable_data() + 8;
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((card >> (8 * i)) & 0xff);
}

bool MergeInto(uint8_t* max, std::string_view s) {
  if (Encoding(s) == kDense) {
    ForEachDense(reinterpret_cast<const uint8_t*>(s.data()) + kHeaderSize,
                 [max](size_t i, uint8_t v) { max[i] = std::max(max[i], v); });
    return true;
  }
  size_t covered = WalkSparse(s, [](unsigned) {}, [&](unsigned v, unsigned run, size_t idx) {
    for (unsigned k = 0; k < run; ++k) max[idx + k] = std::max<uint8_t>(max[idx + k], static_cast<uint8_t>(v));
  });
  return covered == kRegisters;
}

uint64_t Count(std::string_view s, bool* invalid) {
  int histo[64] = {0};
  if (Encoding(s) == kDense) {
    ForEachDense(reinterpret_cast<const uint8_t*>(s.data()) + kHeaderSize, [&histo](size_t, uint8_t v) { ++histo[v]; });
  } else {
    size_t covered = WalkSparse(s, [&](unsigned run) { histo[0] += static_cast<int>(run); },
                                [&](unsigned v, unsigned run, size_t) { histo[v] += static_cast<int>(run); });
    if (covered != kRegisters) *invalid = true;
  }
  return Estimate(histo);
}

uint64_t CountRaw(const uint8_t* regs) {
  int histo[64] = {0};
  for (size_t i = 0; i < kRegisters; ++i) ++histo[regs[i] & 63];
  return Estimate(histo);
}

bool SetAll(CompactString* s, const uint8_t* max, bool to_dense, size_t sparse_max_bytes) {
  if (to_dense && !ToDense(s)) return false;
  for (size_t i = 0; i < kRegisters; ++i)
    if (max[i] && Set(s, i, max[i], sparse_max_bytes) < 0) return false;
  return true;
}

uint8_t DenseRegister(std::string_view s, size_t i) {
  return GetReg(reinterpret_cast<const uint8_t*>(s.data()) + kHeaderSize, i);
}

std::string Decode(std::string_view s) {
  std::string out;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data()) + kHeaderSize;
  const auto* end = reinterpret_cast<const uint8_t*>(s.data()) + s.size();
  while (p < end) {
    if (IsZero(*p)) {
      out += "z:" + std::to_string(ZeroLen(*p)) + " ";
      ++p;
    } else if (IsXzero(*p)) {
      out += "Z:" + std::to_string(XzeroLen(p[0], p + 1 < end ? p[1] : 0)) + " ";
      p += 2;
    } else {
      out += "v:" + std::to_string(ValValue(*p)) + "," + std::to_string(ValLen(*p)) + " ";
      ++p;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace corvid::hll
