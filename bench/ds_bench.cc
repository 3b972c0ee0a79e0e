// Micro-benchmarks of the compact data structures: listpack, intset, skip list.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ds/intset.h"
#include "ds/listpack.h"
#include "ds/skiplist.h"

namespace corvid {
namespace {

// A hash-shaped listpack of `pairs` field/value pairs: "field:<i>" -> "value-<i>" or an integer.
Listpack HashListpack(int pairs) {
  Listpack lp;
  for (int i = 0; i < pairs; ++i) {
    lp.Append("field:" + std::to_string(i));
    if (i % 2 == 0) {
      lp.Append("value-" + std::to_string(i));
    } else {
      lp.AppendInt(i * 1000);
    }
  }
  return lp;
}

void BM_ListpackAppend(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Listpack lp;
    for (int i = 0; i < n; ++i) lp.Append("element-0123456789");
    benchmark::DoNotOptimize(lp.Bytes().data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ListpackAppend)->Arg(128)->Arg(1024);

void BM_ListpackIterate(benchmark::State& state) {
  const Listpack lp = HashListpack(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    size_t bytes = 0;
    for (Listpack::Pos p = lp.First(); p != Listpack::kNoPos; p = lp.Next(p)) {
      const LpValue v = lp.Get(p);
      bytes += v.is_int ? 8 : v.str.size();
    }
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * lp.Size());
}
BENCHMARK(BM_ListpackIterate)->Arg(64);

void BM_ListpackIterateBackward(benchmark::State& state) {
  const Listpack lp = HashListpack(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    size_t count = 0;
    for (Listpack::Pos p = lp.Last(); p != Listpack::kNoPos; p = lp.Prev(p)) ++count;
    benchmark::DoNotOptimize(count);
  }
  state.SetItemsProcessed(state.iterations() * lp.Size());
}
BENCHMARK(BM_ListpackIterateBackward)->Arg(64);

// HGET-style lookup of a field in a 128-pair listpack (the default hash-max-listpack-entries).
void BM_ListpackFindField(benchmark::State& state) {
  const Listpack lp = HashListpack(128);
  std::vector<std::string> fields;
  for (int i = 0; i < 128; ++i) fields.push_back("field:" + std::to_string(i));
  size_t i = 0;
  for (auto _ : state) {
    const Listpack::Pos p = lp.Find(lp.First(), fields[i++ % fields.size()], 1);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_ListpackFindField);

// HSET-style overwrite of an integer value with another of the same width (in place).
void BM_ListpackReplaceInt(benchmark::State& state) {
  Listpack lp = HashListpack(128);
  const Listpack::Pos p = lp.Seek(3);
  int64_t v = 1000;
  for (auto _ : state) lp.ReplaceInt(p, v++ % 4000 + 1000);
}
BENCHMARK(BM_ListpackReplaceInt);

void BM_ListpackValidateDeep(benchmark::State& state) {
  const Listpack lp = HashListpack(128);
  for (auto _ : state) benchmark::DoNotOptimize(Listpack::Validate(lp.Bytes(), true));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(lp.Bytes().size()));
}
BENCHMARK(BM_ListpackValidateDeep);

void BM_IntsetAdd(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::mt19937_64 rng(1);
  std::vector<int64_t> values(static_cast<size_t>(n));
  for (auto& v : values) v = static_cast<int64_t>(rng() % 1000000);
  for (auto _ : state) {
    Intset is;
    for (int64_t v : values) is.Add(v);
    benchmark::DoNotOptimize(is.Size());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_IntsetAdd)->Arg(512);

void BM_IntsetFind(benchmark::State& state) {
  Intset is;
  for (int64_t v = 0; v < 512; ++v) is.Add(v * 3);
  int64_t probe = 0;
  for (auto _ : state) benchmark::DoNotOptimize(is.Find(probe++ % 1536));
}
BENCHMARK(BM_IntsetFind);

std::vector<std::string> Members(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("member:" + std::to_string(i));
  return out;
}

void BM_SkipListInsert(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::vector<std::string> members = Members(n);
  std::mt19937_64 rng(2);
  std::vector<double> scores(static_cast<size_t>(n));
  for (auto& s : scores) s = static_cast<double>(rng() % 100000);
  for (auto _ : state) {
    SkipList sl;
    for (int i = 0; i < n; ++i) sl.Insert(scores[static_cast<size_t>(i)], members[static_cast<size_t>(i)]);
    benchmark::DoNotOptimize(sl.Size());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_SkipListInsert)->Arg(1000)->Arg(100000);

void BM_SkipListRank(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::vector<std::string> members = Members(n);
  SkipList sl;
  for (int i = 0; i < n; ++i) sl.Insert(i, members[static_cast<size_t>(i)]);
  int i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(sl.Rank(i, members[static_cast<size_t>(i)]));
    i = (i + 7919) % n;
  }
}
BENCHMARK(BM_SkipListRank)->Arg(100000);

void BM_SkipListRangeByScore(benchmark::State& state) {
  constexpr int kCount = 100000;
  const std::vector<std::string> members = Members(kCount);
  SkipList sl;
  for (int i = 0; i < kCount; ++i) sl.Insert(i, members[static_cast<size_t>(i)]);
  double start = 0;
  for (auto _ : state) {
    // ZRANGEBYSCORE key start start+10: find the first node, walk 10.
    const ScoreRange range{start, start + 10};
    size_t count = 0;
    for (const SkipList::Node* n = sl.FirstInRange(range); n != nullptr && range.ValueLteMax(n->Score());
         n = n->Next()) {
      ++count;
    }
    benchmark::DoNotOptimize(count);
    start = start >= kCount - 20 ? 0 : start + 37;
  }
}
BENCHMARK(BM_SkipListRangeByScore);

void BM_SkipListUpdateScore(benchmark::State& state) {
  constexpr int kCount = 100000;
  const std::vector<std::string> members = Members(kCount);
  SkipList sl;
  std::vector<double> scores(kCount);
  for (int i = 0; i < kCount; ++i) {
    scores[static_cast<size_t>(i)] = i;
    sl.Insert(i, members[static_cast<size_t>(i)]);
  }
  std::mt19937_64 rng(3);
  for (auto _ : state) {
    // ZINCRBY-style: half small moves (often in place), half jumps.
    const size_t i = rng() % kCount;
    const double next = rng() % 2 ? scores[i] + 0.25 : static_cast<double>(rng() % kCount);
    sl.UpdateScore(scores[i], members[i], next);
    scores[i] = next;
  }
}
BENCHMARK(BM_SkipListUpdateScore);

}  // namespace
}  // namespace corvid
