#include "server/metrics.h"

#include "server/server.h"

namespace corvid {

namespace {

// One metric: the last reading and a ring of per-second rates.
struct Metric {
  static constexpr int kSamples = 16;
  int64_t last_ms = 0;
  uint64_t last_value = 0;
  int64_t samples[kSamples] = {};
  int idx = 0;

  void Track(uint64_t value, int64_t now_ms) {
    if (last_ms != 0 && now_ms > last_ms) {
      samples[idx] = static_cast<int64_t>((value - last_value) * 1000 / static_cast<uint64_t>(now_ms - last_ms));
      idx = (idx + 1) % kSamples;
    }
    last_ms = now_ms;
    last_value = value;
  }
  int64_t Average() const {
    int64_t sum = 0;
    for (int64_t s : samples) sum += s;
    return sum / kSamples;
  }
};

Metric g_ops, g_in, g_out, g_repl_in;
int64_t g_last_sample_ms = 0;

}  // namespace

void TrackInstantaneousMetrics() {
  Server& s = Srv();
  if (s.now_ms - g_last_sample_ms < 100) return;
  g_last_sample_ms = s.now_ms;
  g_ops.Track(s.stats.total_commands_processed, s.now_ms);
  g_in.Track(s.stats.net_input_bytes, s.now_ms);
  g_out.Track(s.stats.net_output_bytes, s.now_ms);
  g_repl_in.Track(s.stats.net_repl_input_bytes, s.now_ms);
}

int64_t InstantaneousOpsPerSec() { return g_ops.Average(); }
double InstantaneousInputKbps() { return static_cast<double>(g_in.Average()) / 1024; }
double InstantaneousOutputKbps() { return static_cast<double>(g_out.Average()) / 1024; }
double InstantaneousInputReplKbps() { return static_cast<double>(g_repl_in.Average()) / 1024; }

}  // namespace corvid
