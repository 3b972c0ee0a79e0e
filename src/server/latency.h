// Latency observation: the latency monitor (per-event rings of one sample per second, LATENCY LATEST /
// HISTORY / GRAPH / RESET), per-command latency histograms (LATENCY HISTOGRAM, INFO latencystats), and the
// dispatcher's one stats hook that feeds them and the slow log.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command.h"

namespace corvid {

class Client;

// Adds a sample of ms to event when latency-monitor-threshold is set and ms reaches it.
void LatencyAddSampleIfNeeded(std::string_view event, int64_t ms);

// The dispatcher's stats step after a command ran for duration_us: its latency histogram (latency-tracking),
// the "command" / "fast-command" latency event, and the slow log (unless the command skips it).
void ObserveCommand(const Client& c, Command& cmd, CmdArgs argv, int64_t duration_us);

struct LatencySample {
  int32_t time = 0;  // unix seconds; 0: unused slot
  uint32_t latency = 0;  // ms
};
// One event's history, as Redis' latencyTimeSeries: 160 samples in a ring (at most one per second).
struct LatencySeries {
  static constexpr size_t kLen = 160;
  size_t idx = 0;     // next slot to write
  uint32_t max = 0;   // all-time maximum
  LatencySample samples[kLen];
  // The most recent sample.
  const LatencySample& Latest() const { return samples[(idx + kLen - 1) % kLen]; }
  // Used samples, oldest first.
  std::vector<LatencySample> Ordered() const;
};

// Every event with samples, by name.
const std::map<std::string, LatencySeries, std::less<>>& LatencyEvents();
// Forgets the named events, case-insensitively (all when names is empty); returns how many were forgotten.
size_t LatencyReset(const std::vector<std::string_view>& names);
// LATENCY GRAPH's text for one event (Redis' sparkline, 80 columns, 4 rows, labels = time ago).
std::string LatencyGraph(std::string_view event, const LatencySeries& s);
// LATENCY DOCTOR's report.
std::string LatencyDoctorReport();

// A per-command latency histogram with HdrHistogram's bucketing (values in ns, 1 ns .. 1 s, two significant
// digits), as Redis records command durations.
class LatencyHistogram {
 public:
  void Record(int64_t ns);
  uint64_t total() const { return total_; }
  // The value at percentile p (0..100) in ns: the highest value equivalent to the bucket holding it.
  int64_t ValueAtPercentile(double p) const;
  // The cumulative distribution LATENCY HISTOGRAM replies: (microseconds, cumulative count) at the power-of-two
  // boundaries from 1024 ns, only where the count grew.
  std::vector<std::pair<int64_t, uint64_t>> Cumulative() const;

 private:
  std::vector<uint64_t> counts_;  // allocated on the first Record
  uint64_t total_ = 0;
};

// Drops every command's histogram (CONFIG RESETSTAT).
void ResetLatencyHistograms();

}  // namespace corvid
