#include "ds/lzf.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace corvid {
namespace {

constexpr size_t kMaxLiteral = 32;                 // bytes in one literal run
constexpr size_t kMaxDistance = size_t{1} << 13;  // a reference reaches at most 8192 bytes back
constexpr size_t kMaxMatch = 264;                  // 7 + 255 + 2 bytes in one reference
constexpr int kMaxHashLog = 14;

// Hash of the three bytes at p into hash_log bits (Fibonacci hashing).
inline uint32_t Hash3(const uint8_t* p, int hash_log) {
  uint32_t v = (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
  return (v * 2654435761u) >> (32 - hash_log);
}

}  // namespace

size_t LzfCompress(const void* in_v, size_t n, void* out_v, size_t out_cap) {
  if (n == 0 || out_cap == 0) return 0;
  const auto* in = static_cast<const uint8_t*>(in_v);
  auto* out = static_cast<uint8_t*>(out_v);

  // The table holds position+1 of the last place each 3-byte hash was seen (0 = none); it is sized to the
  // input and cleared on every call so the output depends on the input alone.
  int hash_log = 8;
  while (hash_log < kMaxHashLog && (size_t{1} << hash_log) < n) ++hash_log;
  uint32_t table[size_t{1} << kMaxHashLog];
  std::memset(table, 0, sizeof(uint32_t) << hash_log);

  // op is the next output byte; the control byte of the open literal run sits at op - lit - 1 (reserved when
  // the run was opened, written when it closes, dropped if the run stays empty).
  size_t ip = 0, op = 1, lit = 0;
  // Copies in[ip] into the open literal run, closing the run at 32 bytes; false when out of room.
  auto literal = [&]() {
    if (op >= out_cap) return false;
    out[op++] = in[ip++];
    if (++lit == kMaxLiteral) {
      out[op - lit - 1] = static_cast<uint8_t>(lit - 1);
      lit = 0;
      ++op;
    }
    return true;
  };
  while (ip + 2 < n) {
    uint32_t& slot = table[Hash3(in + ip, hash_log)];
    size_t cand = slot;
    slot = static_cast<uint32_t>(ip + 1);
    if (cand != 0) {
      size_t ref = cand - 1;
      size_t dist = ip - ref;
      if (dist <= kMaxDistance && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
        size_t max_len = std::min(n - ip, kMaxMatch);
        size_t len = 3;
        while (len < max_len && in[ref + len] == in[ip + len]) ++len;
        if (lit)
          out[op - lit - 1] = static_cast<uint8_t>(lit - 1);
        else
          --op;
        size_t code = len - 2, off = dist - 1;
        if (op + (code < 7 ? 2 : 3) > out_cap) return 0;
        if (code < 7) {
          out[op++] = static_cast<uint8_t>((code << 5) | (off >> 8));
        } else {
          out[op++] = static_cast<uint8_t>((7 << 5) | (off >> 8));
          out[op++] = static_cast<uint8_t>(code - 7);
        }
        out[op++] = static_cast<uint8_t>(off & 0xFF);
        ++op;  // the next literal run's control byte
        lit = 0;
        // Remember the positions inside the match too: later repeats find them.
        size_t end = ip + len;
        for (size_t p = ip + 1; p < end && p + 2 < n; ++p)
          table[Hash3(in + p, hash_log)] = static_cast<uint32_t>(p + 1);
        ip = end;
        continue;
      }
    }
    if (!literal()) return 0;
  }
  while (ip < n)
    if (!literal()) return 0;
  if (lit)
    out[op - lit - 1] = static_cast<uint8_t>(lit - 1);
  else
    --op;
  return op;
}

size_t LzfDecompress(const void* in_v, size_t n, void* out_v, size_t out_cap) {
  const auto* in = static_cast<const uint8_t*>(in_v);
  auto* out = static_cast<uint8_t*>(out_v);
  size_t ip = 0, op = 0;
  while (ip < n) {
    size_t ctrl = in[ip++];
    if (ctrl < kMaxLiteral) {
      size_t len = ctrl + 1;
      if (len > n - ip || len > out_cap - op) return 0;
      std::memcpy(out + op, in + ip, len);
      ip += len;
      op += len;
      continue;
    }
    size_t len = ctrl >> 5;
    if (ip >= n) return 0;
    if (len == 7) {
      len += in[ip++];
      if (ip >= n) return 0;
    }
    size_t back = ((ctrl & 0x1F) << 8) + in[ip++] + 1;
    len += 2;
    if (back > op || len > out_cap - op) return 0;
    const uint8_t* ref = out + op - back;
    if (back >= len) {
      std::memcpy(out + op, ref, len);
    } else {
      for (size_t i = 0; i < len; ++i) out[op + i] = ref[i];  // overlapping: repeats the last `back` bytes
    }
    op += len;
  }
  return op;
}

}  // namespace corvid
