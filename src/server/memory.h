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

// Reads current figures (refreshes jemalloc's epoch, and recalibrates UsedMemory()).
MemoryStats ReadMemoryStats();
// used_memory for the maxmemory checks made before every command: cheap (two loads of the loop thread's
// jemalloc allocated/deallocated counters plus an offset that ReadMemoryStats recalibrates against the global
// figure, so allocations of other threads are caught up at the next calibration). Without jemalloc: the
// sanitizer's or libc's global counter.
uint64_t UsedMemory();
// "1.23M"-style size, as Redis' bytesToHuman.
std::string BytesToHuman(uint64_t n);
// The allocator's name for INFO mem_allocator ("jemalloc-5.3.0" or "libc").
std::string AllocatorName();

}  // namespace corvid
