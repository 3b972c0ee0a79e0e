// Micro-benchmarks of the request parser: a pipelined SET burst (as redis-benchmark -P 16 sends it), the same
// stream arriving in small reads, and inline commands.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocol/resp_parser.h"

namespace corvid {
namespace {

std::string Multibulk(const std::vector<std::string>& args) {
  std::string s = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) s += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return s;
}

// 16 x SET key:<n> <value of value_len bytes>.
std::string SetPipeline(size_t value_len) {
  std::string in;
  for (int i = 0; i < 16; ++i) in += Multibulk({"SET", "key:" + std::to_string(100000 + i), std::string(value_len, 'x')});
  return in;
}

// Parses every command in buf; returns how many were found. Args are materialised as a connection would.
size_t ParseAll(RespParser& p, const std::string& buf, std::vector<std::string_view>* args) {
  size_t pos = 0, n = 0;
  const RespParser::Limits lim;
  while (pos < buf.size()) {
    size_t consumed = 0;
    RespParser::Result r = p.Parse(buf.data() + pos, buf.size() - pos, lim, &consumed);
    if (r == RespParser::Result::kIncomplete || r == RespParser::Result::kError) break;
    if (r == RespParser::Result::kCommand) {
      p.Args(buf.data() + pos, args);
      ++n;
    }
    pos += consumed;
  }
  return n;
}

void BM_ParseSetPipeline16(benchmark::State& state) {
  const std::string in = SetPipeline(static_cast<size_t>(state.range(0)));
  RespParser p;
  std::vector<std::string_view> args;
  for (auto _ : state) {
    size_t n = ParseAll(p, in, &args);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(args.data());
  }
  state.SetItemsProcessed(state.iterations() * 16);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(in.size()));
}
BENCHMARK(BM_ParseSetPipeline16)->Arg(3)->Arg(64)->Arg(4096);

// The same pipeline delivered in 64-byte reads: measures the cost of resuming partial commands.
void BM_ParseSetPipeline16Chunked(benchmark::State& state) {
  const std::string in = SetPipeline(64);
  const size_t chunk = static_cast<size_t>(state.range(0));
  RespParser p;
  std::vector<std::string_view> args;
  const RespParser::Limits lim;
  for (auto _ : state) {
    size_t start = 0, avail = 0, n = 0;
    while (avail < in.size()) {
      avail = std::min(in.size(), avail + chunk);
      for (;;) {
        size_t consumed = 0;
        RespParser::Result r = p.Parse(in.data() + start, avail - start, lim, &consumed);
        if (r != RespParser::Result::kCommand && r != RespParser::Result::kEmpty) break;
        if (r == RespParser::Result::kCommand) {
          p.Args(in.data() + start, &args);
          ++n;
        }
        start += consumed;
      }
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * 16);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(in.size()));
}
BENCHMARK(BM_ParseSetPipeline16Chunked)->Arg(64)->Arg(1024);

void BM_ParseInlinePipeline16(benchmark::State& state) {
  std::string in;
  for (int i = 0; i < 16; ++i) in += "SET key:" + std::to_string(100000 + i) + " \"some value\"\r\n";
  RespParser p;
  std::vector<std::string_view> args;
  for (auto _ : state) {
    size_t n = ParseAll(p, in, &args);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * 16);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(in.size()));
}
BENCHMARK(BM_ParseInlinePipeline16);

}  // namespace
}  // namespace corvid
