#include "server/latency.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/config.h"
#include "server/server.h"

namespace corvid {
namespace {

TEST(LatencyHistogramTest, PercentilesUseHdrEquivalentRanges) {
  LatencyHistogram h;
  EXPECT_EQ(h.ValueAtPercentile(50), 0);
  h.Record(1000);
  EXPECT_EQ(h.ValueAtPercentile(50), 1003);  // Redis prints p50=1.003 for a 1 us command
  h.Record(9000);
  h.Record(9000);
  EXPECT_EQ(h.total(), 3u);
  EXPECT_EQ(h.ValueAtPercentile(50), 9023);
  EXPECT_EQ(h.ValueAtPercentile(0), 1000);  // the lowest equivalent value at 0
  EXPECT_EQ(h.ValueAtPercentile(100), 9023);
}

TEST(LatencyHistogramTest, ClampsToOneNanosecondAndOneSecond) {
  LatencyHistogram h;
  h.Record(0);
  h.Record(int64_t{5} * 1000 * 1000 * 1000);
  EXPECT_EQ(h.ValueAtPercentile(1), 1);
  EXPECT_GE(h.ValueAtPercentile(100), 1000000000);
}

TEST(LatencyHistogramTest, CumulativeAtPowerOfTwoBoundaries) {
  LatencyHistogram h;
  for (int64_t us : {1, 2, 3, 20}) h.Record(us * 1000);
  std::vector<std::pair<int64_t, uint64_t>> want = {{1, 1}, {2, 2}, {4, 3}, {33, 4}};
  EXPECT_EQ(h.Cumulative(), want);
}

class LatencyMonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Cfg().latency_monitor_threshold = 5;
    Srv().now_ms = 1'700'000'000'000;
    LatencyReset({});
  }
  void TearDown() override {
    Cfg().latency_monitor_threshold = 0;
    LatencyReset({});
  }
};

TEST_F(LatencyMonitorTest, OneSamplePerSecondKeepingTheWorst) {
  LatencyAddSampleIfNeeded("command", 3);  // under the threshold
  EXPECT_TRUE(LatencyEvents().empty());
  LatencyAddSampleIfNeeded("command", 7);
  LatencyAddSampleIfNeeded("command", 9);
  LatencyAddSampleIfNeeded("command", 6);
  const LatencySeries& s = LatencyEvents().at("command");
  ASSERT_EQ(s.Ordered().size(), 1u);
  EXPECT_EQ(s.Latest().latency, 9u);
  Srv().now_ms += 1000;
  LatencyAddSampleIfNeeded("command", 6);
  EXPECT_EQ(s.Ordered().size(), 2u);
  EXPECT_EQ(s.Latest().latency, 6u);
  EXPECT_EQ(s.max, 9u);
  EXPECT_EQ(LatencyReset({"nosuch"}), 0u);
  EXPECT_EQ(LatencyReset({"command"}), 1u);
  EXPECT_TRUE(LatencyEvents().empty());
}

TEST_F(LatencyMonitorTest, RingKeepsTheLast160Samples) {
  for (int i = 0; i < 200; ++i) {
    LatencyAddSampleIfNeeded("expire-cycle", 10 + i);
    Srv().now_ms += 1000;
  }
  std::vector<LatencySample> v = LatencyEvents().at("expire-cycle").Ordered();
  ASSERT_EQ(v.size(), LatencySeries::kLen);
  EXPECT_EQ(v.front().latency, 50u);
  EXPECT_EQ(v.back().latency, 209u);
}

TEST_F(LatencyMonitorTest, GraphOfTwoSamplesAsRedisDrawsIt) {
  LatencyAddSampleIfNeeded("command", 5);
  Srv().now_ms += 1000;
  LatencyAddSampleIfNeeded("command", 50);
  std::string g = LatencyGraph("command", LatencyEvents().at("command"));
  std::string want = "command - high 50 ms, low 5 ms (all time high 50 ms)\n" + std::string(80, '-') +
                     "\n #\n |\n |\n_|\n  \n10\nss\n";
  EXPECT_EQ(g, want);
}

}  // namespace
}  // namespace corvid
