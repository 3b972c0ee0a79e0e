// Micro-benchmarks of the keyspace hash table at 1M keys: insert (with incremental rehashing), lookup hits and
// misses, and a full SCAN.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ds/dict.h"
#include "ds/hash.h"

namespace corvid {
namespace {

constexpr size_t kKeys = 1'000'000;

// A keyspace-like node: a short string key hashed with the process hash.
struct BenchNode {
  BenchNode* next = nullptr;
  std::string key;
};
struct BenchTraits {
  using Key = std::string_view;
  static uint64_t Hash(std::string_view k) { return HashBytes(k); }
  static uint64_t NodeHash(const BenchNode& n) { return HashBytes(n.key); }
  static bool Equal(const BenchNode& n, std::string_view k) { return n.key == k; }
};
using BenchDict = Dict<BenchNode, BenchTraits>;

std::vector<BenchNode>& Nodes() {
  static std::vector<BenchNode> nodes = [] {
    std::vector<BenchNode> v(kKeys);
    for (size_t i = 0; i < kKeys; ++i) v[i].key = "key:" + std::to_string(i);
    return v;
  }();
  return nodes;
}

// A dict holding all kKeys nodes, fully rehashed. The nodes are shared, so only one such dict may exist.
BenchDict& FullDict() {
  static BenchDict* d = [] {
    auto* dict = new BenchDict;
    for (BenchNode& n : Nodes()) dict->Insert(&n);
    while (dict->Rehash(1000)) {
    }
    return dict;
  }();
  return *d;
}

void BM_DictInsert1M(benchmark::State& state) {
  std::vector<BenchNode> nodes(kKeys);
  for (size_t i = 0; i < kKeys; ++i) nodes[i].key = "key:" + std::to_string(i);
  for (auto _ : state) {
    BenchDict d;
    for (BenchNode& n : nodes) d.Insert(&n);
    benchmark::DoNotOptimize(d.size());
    state.PauseTiming();
    d.Clear([](BenchNode*) {});
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kKeys));
}
BENCHMARK(BM_DictInsert1M)->Unit(benchmark::kMillisecond);

void BM_DictFindHit1M(benchmark::State& state) {
  BenchDict& d = FullDict();
  std::vector<std::string> probes;
  std::mt19937_64 rng(1);
  for (int i = 0; i < 4096; ++i) probes.push_back("key:" + std::to_string(rng() % kKeys));
  size_t i = 0;
  for (auto _ : state) {
    BenchNode* n = d.Find(probes[i++ & 4095]);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DictFindHit1M);

void BM_DictFindMiss1M(benchmark::State& state) {
  BenchDict& d = FullDict();
  std::vector<std::string> probes;
  for (int i = 0; i < 4096; ++i) probes.push_back("absent:" + std::to_string(i));
  size_t i = 0;
  for (auto _ : state) {
    BenchNode* n = d.Find(probes[i++ & 4095]);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DictFindMiss1M);

// A whole SCAN 0 ... 0 over 1M keys (what SCAN COUNT n does in many calls).
void BM_DictFullScan1M(benchmark::State& state) {
  BenchDict& d = FullDict();
  for (auto _ : state) {
    size_t seen = 0;
    uint64_t cursor = 0;
    do {
      cursor = d.Scan(cursor, [&](BenchNode*) { ++seen; });
    } while (cursor != 0);
    benchmark::DoNotOptimize(seen);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kKeys));
}
BENCHMARK(BM_DictFullScan1M)->Unit(benchmark::kMillisecond);

// One SCAN call's worth of work (COUNT 10 ≈ 10 buckets) from a random cursor.
void BM_DictScanStep1M(benchmark::State& state) {
  BenchDict& d = FullDict();
  std::mt19937_64 rng(2);
  for (auto _ : state) {
    uint64_t cursor = rng();
    size_t seen = 0;
    for (int i = 0; i < 10 && cursor; ++i) cursor = d.Scan(cursor, [&](BenchNode*) { ++seen; });
    benchmark::DoNotOptimize(seen);
  }
}
BENCHMARK(BM_DictScanStep1M);

void BM_DictRandom1M(benchmark::State& state) {
  BenchDict& d = FullDict();
  std::mt19937_64 rng(3);
  for (auto _ : state) benchmark::DoNotOptimize(d.Random(rng));
}
BENCHMARK(BM_DictRandom1M);

}  // namespace
}  // namespace corvid
