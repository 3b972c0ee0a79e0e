// HyperLogLog sketches in Redis' exact string representation, so that a sketch moves between corvid and Redis
// (GET/SET, DUMP/RESTORE, RDB) unchanged:
//
//   "HYLL" | encoding (0 dense, 1 sparse) | 3 zero bytes | cached cardinality, 8 bytes little endian, its
//   most significant bit set when the cache is stale | registers
//
// 16384 registers (P = 14) of 6 bits, indexed by the low 14 bits of MurmurHash64A(element, seed 0xadc83b19)
// and holding 1 + the number of trailing zeros of the remaining 50 bits. Dense: the registers packed
// least-significant-bit first, 12288 bytes. Sparse: a run-length code of opcodes
//   ZERO  00xxxxxx           xxxxxx+1 (1..64) zero registers
//   XZERO 01xxxxxx yyyyyyyy  xxxxxxyyyyyyyy+1 (1..16384) zero registers
//   VAL   1vvvvvxx           xx+1 (1..4) registers of value vvvvv+1 (1..32)
// edited in place exactly as Redis' hllSparseSet does (split, then merge of adjacent equal VALs) and promoted to
// dense when a register exceeds 32 or the string would pass hll-sparse-max-bytes. The cardinality estimator is
// Redis 7.0's (Ertl's "improved" estimator over the register histogram).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ds/compact_string.h"

namespace corvid::hll {

inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kRegisters = 16384;
inline constexpr size_t kDenseSize = kHeaderSize + kRegisters * 6 / 8;
inline constexpr uint8_t kDense = 0, kSparse = 1;

// Redis' MurmurHash64A (endian-neutral variant) of s with the given seed.
uint64_t MurmurHash64A(std::string_view s, uint64_t seed);
// The register an element goes to and the value it offers (1..51).
void HashElement(std::string_view ele, size_t* reg, uint8_t* count);

// An empty sketch as PFADD creates it: sparse, one XZERO opcode, cardinality cache valid and 0.
std::string NewSketch();
// True when s passes Redis' isHLLObject checks: long enough, "HYLL", a known encoding, dense of exact size.
bool LooksValid(std::string_view s);
inline uint8_t Encoding(std::string_view s) { return static_cast<uint8_t>(s[4]); }

// Adds an element. Returns 1 when a register changed (the cache is then marked stale), 0 when not, -1 when the
// sparse code is corrupt. REQUIRES: LooksValid(s->view()).
int Add(CompactString* s, std::string_view ele, size_t sparse_max_bytes);
// Sets register `reg` to max(current, count) (the add step of one element); return as Add.
int Set(CompactString* s, size_t reg, uint8_t count, size_t sparse_max_bytes);
// Converts a sparse sketch to dense (header kept); false when the sparse code is corrupt. No-op when dense.
bool ToDense(CompactString* s);
// Marks the cached cardinality stale.
void InvalidateCache(CompactString* s);
// The cached cardinality, or false when it is stale.
bool CachedCount(std::string_view s, uint64_t* out);
void StoreCachedCount(CompactString* s, uint64_t card);

// Raises max[i] to each register of s (kRegisters bytes); false when s's sparse code is corrupt.
bool MergeInto(uint8_t* max, std::string_view s);
// The estimated cardinality of a sketch; *invalid set when its sparse code does not cover every register.
uint64_t Count(std::string_view s, bool* invalid);
// The estimated cardinality of kRegisters raw one-byte registers (multi-key PFCOUNT).
uint64_t CountRaw(const uint8_t* regs);
// Writes max's registers into s as PFMERGE does: to dense first when to_dense, then max(register) one by
// one. False when s is corrupt.
bool SetAll(CompactString* s, const uint8_t* max, bool to_dense, size_t sparse_max_bytes);
// Register i of a dense sketch. REQUIRES: Encoding(s) == kDense, s of kDenseSize bytes.
uint8_t DenseRegister(std::string_view s, size_t i);
// PFDEBUG DECODE's text of a sparse sketch: "z:N", "Z:N", "v:VALUE,LEN" separated by spaces.
std::string Decode(std::string_view s);

}  // namespace corvid::hll
