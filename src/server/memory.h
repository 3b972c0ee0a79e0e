// Process memory figures: allocator statistics (jemalloc when linked) and resident set size.
#pragma once
#include <cstdint>
#include <string>

namespace corvid {

struct MemoryStats {
  uint64_t allocated = 0;  // bytes the program holds (used_memory)
  uint64_t active = 0;     // allocator pages in use
  uint64_t resident = 0;   // allocator resident bytes
  uint64_t rss = 0;        // process RSS
};

// Reads current figures (refreshes jemalloc's epoch).
MemoryStats ReadMemoryStats();
// "1.23M"-style size, as Redis' bytesToHuman.
std::string BytesToHuman(uint64_t n);
// The allocator's name for INFO mem_allocator ("jemalloc-5.3.0" or "libc").
std::string AllocatorName();

}  // namespace corvid
