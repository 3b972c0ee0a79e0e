#include "server/latency.h"

#include <strings.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>

#include "net/client.h"
#include "server/config.h"
#include "server/server.h"
#include "server/slowlog.h"

namespace corvid {

namespace {

std::map<std::string, LatencySeries, std::less<>> g_events;
std::vector<std::unique_ptr<LatencyHistogram>> g_histograms;  // owns every Command::latency_hist

// ---- HdrHistogram bucketing (lowest 1, highest 1e9, 2 significant digits) ----
constexpr int kSubBucketHalfMagnitude = 7;
constexpr int64_t kSubBucketCount = 256, kSubBucketHalf = 128;
constexpr int kBucketCount = 23;
constexpr size_t kCountsLen = (kBucketCount + 1) * kSubBucketHalf;
constexpr int64_t kMinValue = 1, kMaxValue = 1000000000;

int BucketIndex(int64_t v) { return 64 - __builtin_clzll(static_cast<uint64_t>(v) | (kSubBucketCount - 1)) - 8; }
int64_t SubBucketIndex(int64_t v, int b) { return v >> b; }
size_t CountsIndex(int64_t v) {
  int b = BucketIndex(v);
  return static_cast<size_t>(((b + 1) << kSubBucketHalfMagnitude) + SubBucketIndex(v, b) - kSubBucketHalf);
}
int64_t ValueAtIndex(size_t index) {
  int b = static_cast<int>(index >> kSubBucketHalfMagnitude) - 1;
  int64_t sub = static_cast<int64_t>(index & (kSubBucketHalf - 1)) + kSubBucketHalf;
  if (b < 0) {
    sub -= kSubBucketHalf;
    b = 0;
  }
  return sub << b;
}
int64_t HighestEquivalent(int64_t v) {
  int b = BucketIndex(v);
  int64_t sub = SubBucketIndex(v, b);
  int64_t lowest = sub << b;
  int adjusted = sub >= kSubBucketCount ? b + 1 : b;
  return lowest + (int64_t{1} << adjusted) - 1;
}

}  // namespace

void LatencyHistogram::Record(int64_t ns) {
  if (counts_.empty()) counts_.assign(kCountsLen, 0);
  ns = std::clamp(ns, kMinValue, kMaxValue);
  ++counts_[CountsIndex(ns)];
  ++total_;
}

int64_t LatencyHistogram::ValueAtPercentile(double p) const {
  if (total_ == 0) return 0;
  double req = std::min(p, 100.0);
  uint64_t want = static_cast<uint64_t>(req / 100 * static_cast<double>(total_) + 0.5);
  want = std::max<uint64_t>(want, 1);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= want) return p == 0.0 ? ValueAtIndex(i) : HighestEquivalent(ValueAtIndex(i));
  }
  return 0;
}

std::vector<std::pair<int64_t, uint64_t>> LatencyHistogram::Cumulative() const {
  std::vector<std::pair<int64_t, uint64_t>> out;
  uint64_t cum = 0, prev = 0;
  size_t i = 0;
  for (int64_t level = 1024; prev < total_ && level <= kMaxValue * 2; level *= 2) {
    size_t last = std::min(CountsIndex(level), counts_.size() - 1);
    for (; i <= last; ++i) cum += counts_[i];
    if (cum > prev) out.emplace_back(HighestEquivalent(level) / 1000, cum);
    prev = cum;
  }
  return out;
}

void ResetLatencyHistograms() {
  for (Command* c : Commands().All()) c->latency_hist = nullptr;
  g_histograms.clear();
}

std::vector<LatencySample> LatencySeries::Ordered() const {
  std::vector<LatencySample> out;
  for (size_t j = 0; j < kLen; ++j) {
    const LatencySample& s = samples[(idx + j) % kLen];
    if (s.time != 0) out.push_back(s);
  }
  return out;
}

void LatencyAddSampleIfNeeded(std::string_view event, int64_t ms) {
  int64_t threshold = Cfg().latency_monitor_threshold;
  if (threshold == 0 || ms < threshold) return;
  auto it = g_events.find(event);
  if (it == g_events.end()) it = g_events.emplace(std::string(event), LatencySeries{}).first;
  LatencySeries& s = it->second;
  auto latency = static_cast<uint32_t>(ms);
  auto now = static_cast<int32_t>(Srv().now_ms / 1000);
  s.max = std::max(s.max, latency);
  LatencySample& prev = s.samples[(s.idx + LatencySeries::kLen - 1) % LatencySeries::kLen];
  if (prev.time == now) {  // one sample per second: keep the worst
    prev.latency = std::max(prev.latency, latency);
    return;
  }
  s.samples[s.idx] = {now, latency};
  s.idx = (s.idx + 1) % LatencySeries::kLen;
}

const std::map<std::string, LatencySeries, std::less<>>& LatencyEvents() { return g_events; }

size_t LatencyReset(const std::vector<std::string_view>& names) {
  if (names.empty()) {
    size_t n = g_events.size();
    g_events.clear();
    return n;
  }
  size_t n = 0;
  for (std::string_view name : names) {
    for (auto it = g_events.begin(); it != g_events.end();) {
      if (it->first.size() == name.size() && strncasecmp(it->first.data(), name.data(), name.size()) == 0) {
        it = g_events.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
  }
  return n;
}

void ObserveCommand(const Client& c, Command& cmd, CmdArgs argv, int64_t duration_us) {
  if (c.Has(kClientBlocked)) return;  // accounted when the client is served
  if (Cfg().latency_tracking) {
    if (!cmd.latency_hist) cmd.latency_hist = g_histograms.emplace_back(std::make_unique<LatencyHistogram>()).get();
    cmd.latency_hist->Record(duration_us * 1000);
  }
  LatencyAddSampleIfNeeded((cmd.flags & kCmdFast) ? "fast-command" : "command", duration_us / 1000);
  if (!(cmd.flags & kCmdSkipSlowlog)) SlowlogPushIfNeeded(c, argv, duration_us);
}

// ---- LATENCY GRAPH: Redis' sparkline renderer ----
namespace {
struct SparkSample {
  double value;
  std::string label;
};

void RenderSparkRange(std::string* out, const std::vector<SparkSample>& seq, double min, double max, int rows,
                      size_t offset, size_t len) {
  static constexpr char kFill[] = "_o#";
  constexpr int kCharsetLen = 3, kLabelMarginTop = 1;
  double relmax = max - min;
  if (relmax == 0) relmax = 1;
  int steps = kCharsetLen * rows;
  bool has_labels = !seq.empty();
  std::string chars;
  for (int row = 0;; ++row) {
    bool loop = false;
    chars.assign(len, ' ');
    for (size_t j = 0; j < len; ++j) {
      const SparkSample& s = seq[j + offset];
      double relval = s.value - min;
      int step = static_cast<int>(static_cast<double>(static_cast<int>(relval * steps)) / relmax);
      step = std::clamp(step, 0, steps - 1);
      if (row < rows) {
        int charidx = step - ((rows - row - 1) * kCharsetLen);
        loop = true;
        if (charidx >= 0 && charidx < kCharsetLen) chars[j] = kFill[charidx];
        else if (charidx >= kCharsetLen) chars[j] = '|';
      } else {
        if (has_labels && row - rows < kLabelMarginTop) {
          loop = true;
          break;
        }
        int label_char = row - rows - kLabelMarginTop;
        if (static_cast<int>(s.label.size()) > label_char) {
          loop = true;
          chars[j] = s.label[label_char];
        }
      }
    }
    if (!loop) break;
    *out += chars;
    *out += '\n';
  }
}
}  // namespace

std::string LatencyGraph(std::string_view event, const LatencySeries& s) {
  constexpr size_t kCols = 80;
  std::vector<SparkSample> seq;
  uint32_t lo = 0, hi = 0;
  int64_t now = Srv().now_ms / 1000;
  for (const LatencySample& x : s.Ordered()) {
    if (seq.empty()) lo = hi = x.latency;
    lo = std::min(lo, x.latency);
    hi = std::max(hi, x.latency);
    int64_t ago = now - x.time;
    std::string label = ago < 60 ? fmt::format("{}s", ago)
                        : ago < 3600 ? fmt::format("{}m", ago / 60)
                        : ago < 86400 ? fmt::format("{}h", ago / 3600)
                                      : fmt::format("{}d", ago / 86400);
    seq.push_back({static_cast<double>(x.latency), std::move(label)});
  }
  std::string out = fmt::format("{} - high {} ms, low {} ms (all time high {} ms)\n", event, hi, lo, s.max);
  out.append(kCols, '-');
  out += '\n';
  for (size_t j = 0; j < seq.size(); j += kCols) {
    if (j != 0) out += '\n';
    RenderSparkRange(&out, seq, lo, hi, 4, j, std::min(kCols, seq.size() - j));
  }
  return out;
}

// Redis' createLatencyReport for the events corvid records (no fork / AOF events, no THP check).
std::string LatencyDoctorReport() {
  const ServerConfig& cfg = Cfg();
  if (g_events.empty() && cfg.latency_monitor_threshold == 0)
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use "
           "\"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a "
           "deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
  if (g_events.empty())
    return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest "
           "bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n";
  std::string out =
      "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you "
      "Dave?\n\n";
  bool slowlog_enabled = false, slowlog_tuning = false, slowlog_inspect = false, scheduler = false, hz = false,
       large_objects = false, mass_eviction = false;
  int num = 0;
  int64_t now = Srv().now_ms / 1000;
  for (const auto& [name, s] : g_events) {
    std::vector<LatencySample> v = s.Ordered();
    uint64_t sum = 0;
    int64_t oldest = 0;
    for (const LatencySample& x : v) {
      sum += x.latency;
      if (oldest == 0 || x.time < oldest) oldest = x.time;
    }
    uint64_t avg = v.empty() ? 0 : sum / v.size(), mad = 0;
    int64_t period = v.empty() ? 0 : std::max<int64_t>(now - oldest, 1);
    for (const LatencySample& x : v) mad += static_cast<uint64_t>(std::llabs(static_cast<int64_t>(avg) - x.latency));
    if (!v.empty()) mad /= v.size();
    out += fmt::format(
        "{}. {}: {} latency spikes (average {}ms, mean deviation {}ms, period {:.2f} sec). Worst all time event "
        "{}ms.\n",
        ++num, name, v.size(), avg, mad, static_cast<double>(period) / static_cast<double>(v.size()), s.max);
    if (name == "command") {
      if (cfg.slowlog_log_slower_than < 0) slowlog_enabled = true;
      else if (cfg.slowlog_log_slower_than / 1000 > cfg.latency_monitor_threshold) slowlog_tuning = true;
      slowlog_inspect = large_objects = true;
    } else if (name == "fast-command") {
      scheduler = true;
    } else if (name == "expire-cycle") {
      hz = large_objects = true;
    } else if (name == "eviction-del") {
      large_objects = true;
    } else if (name == "eviction-cycle") {
      mass_eviction = true;
    }
  }
  bool any = slowlog_enabled || slowlog_tuning || slowlog_inspect || scheduler || hz || large_objects ||
             mass_eviction;
  if (!any)
    return out + "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the "
                 "Redis community to get some help, providing this report in your help request.\n";
  out += "\nI have a few advices for you:\n\n";
  uint64_t suggested = static_cast<uint64_t>(cfg.latency_monitor_threshold) * 1000;
  if (slowlog_enabled)
    out += fmt::format(
        "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log "
        "Redis feature using the command 'CONFIG SET slowlog-log-slower-than {}'. If the Slow log is disabled "
        "Redis is not able to log slow commands execution for you.\n",
        suggested);
  if (slowlog_tuning)
    out += fmt::format(
        "- Your current Slow Log configuration only logs events that are slower than your configured latency "
        "monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than {}'.\n",
        suggested);
  if (slowlog_inspect)
    out += "- Check your Slow Log to understand what are the commands you are running which are too slow to "
           "execute. Please check https://redis.io/commands/slowlog for more information.\n";
  if (scheduler)
    out += "- The system is slow to execute Redis code paths not containing system calls. This usually means the "
           "system does not provide Redis CPU time to run for long periods. You should try to:\n"
           "  1) Lower the system load.\n"
           "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n"
           "  3) Check if you have a \"noisy neighbour\" problem.\n"
           "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n"
           "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using "
           "Jemalloc. However this may create fragmentation problems.\n";
  if (hz && cfg.hz < 100)
    out += "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration "
           "parameter to 100 using 'CONFIG SET hz 100'.\n";
  if (large_objects)
    out += "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. "
           "If you have very large objects that are often deleted, expired, or evicted, try to fragment those "
           "objects into multiple smaller objects.\n";
  if (mass_eviction)
    out += "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets "
           "or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE "
           "command), may create sudden memory pressure forcing the server to block trying to evict keys. \n";
  return out;
}

}  // namespace corvid
