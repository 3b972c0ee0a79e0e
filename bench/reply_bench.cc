// Micro-benchmarks of reply encoding: an LRANGE-style 100-element array, bulk replies of several sizes,
// integers and doubles, in RESP2 and RESP3.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "protocol/reply_builder.h"

namespace corvid {
namespace {

void BM_ReplyArray100Bulks(benchmark::State& state) {
  std::vector<std::string> items;
  for (int i = 0; i < 100; ++i) items.push_back("element:" + std::to_string(i));
  OutputBuffer out;
  ReplyBuilder rb(&out);
  rb.SetResp(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    rb.Array(items.size());
    for (const auto& s : items) rb.Bulk(s);
    benchmark::DoNotOptimize(out.data());
    out.Consume(out.size());
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_ReplyArray100Bulks)->Arg(2)->Arg(3);

void BM_ReplyArray100Ints(benchmark::State& state) {
  OutputBuffer out;
  ReplyBuilder rb(&out);
  for (auto _ : state) {
    rb.Array(100);
    for (int64_t i = 0; i < 100; ++i) rb.Int(i * 1234567);
    benchmark::DoNotOptimize(out.data());
    out.Consume(out.size());
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_ReplyArray100Ints);

void BM_ReplyBulk(benchmark::State& state) {
  const std::string value(static_cast<size_t>(state.range(0)), 'v');
  OutputBuffer out;
  ReplyBuilder rb(&out);
  for (auto _ : state) {
    rb.Bulk(value);
    benchmark::DoNotOptimize(out.data());
    out.Consume(out.size());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(value.size()));
}
BENCHMARK(BM_ReplyBulk)->Arg(3)->Arg(100)->Arg(16 * 1024)->Arg(1 << 20);

// ZRANGE WITHSCORES-style: 50 member/score pairs.
void BM_ReplyDoubles(benchmark::State& state) {
  OutputBuffer out;
  ReplyBuilder rb(&out);
  rb.SetResp(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    rb.Array(100);
    for (int i = 0; i < 50; ++i) {
      rb.Bulk("member");
      rb.Double(i * 1.1);
    }
    benchmark::DoNotOptimize(out.data());
    out.Consume(out.size());
  }
  state.SetItemsProcessed(state.iterations() * 50);
}
BENCHMARK(BM_ReplyDoubles)->Arg(2)->Arg(3);

}  // namespace
}  // namespace corvid
