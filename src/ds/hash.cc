#include "ds/hash.h"

namespace corvid {

uint64_t g_hash_seed = 0x2d358dccaa6c78a5ull;

void SetHashSeed(uint64_t seed) { g_hash_seed = seed; }

}  // namespace corvid
