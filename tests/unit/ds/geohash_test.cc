#include "ds/geohash.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace corvid::geo {
namespace {

TEST(GeohashTest, ScoresMatchRedis) {
  // Scores Redis 7.0.15 stores for GEOADD of these points (ZSCORE after GEOADD).
  HashBits h;
  ASSERT_TRUE(EncodeWGS84(13.361389, 38.115556, kStepMax, &h));
  EXPECT_EQ(Align52(h), 3479099956230698ULL);
  ASSERT_TRUE(EncodeWGS84(15.087269, 37.502669, kStepMax, &h));
  EXPECT_EQ(Align52(h), 3479447370796909ULL);
  EXPECT_FALSE(EncodeWGS84(181, 0, kStepMax, &h));
  EXPECT_FALSE(EncodeWGS84(0, 85.06, kStepMax, &h));
  EXPECT_FALSE(EncodeWGS84(0, 0, 0, &h));
}

TEST(GeohashTest, EncodeDecodeRoundTrips) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> lon(kLongMin, kLongMax), lat(kLatMin, kLatMax);
  for (int i = 0; i < 10000; ++i) {
    double x = lon(rng), y = lat(rng), dx, dy;
    HashBits h;
    ASSERT_TRUE(EncodeWGS84(x, y, kStepMax, &h));
    uint64_t score = Align52(h);
    ASSERT_LT(score, 1ULL << 52);
    ASSERT_TRUE(DecodeScore(static_cast<double>(score), &dx, &dy));
    // A step-26 cell is 360/2^26 degrees wide and 170.1/2^26 degrees high; the centre is within half of that.
    EXPECT_LE(std::fabs(dx - x), 360.0 / (1 << 26) / 2 + 1e-12);
    EXPECT_LE(std::fabs(dy - y), 170.10225756 / (1 << 26) / 2 + 1e-12);
    HashBits again;
    ASSERT_TRUE(EncodeWGS84(dx, dy, kStepMax, &again));
    EXPECT_EQ(again.bits, h.bits);  // the centre of a cell encodes to the same cell
  }
}

TEST(GeohashTest, NeighborsAreAdjacentCells) {
  HashBits h;
  ASSERT_TRUE(EncodeWGS84(13.36, 38.11, 10, &h));
  Area c, e, n, sw;
  Neighbors nb = NeighborsOf(h);
  const Range lon{kLongMin, kLongMax}, lat{kLatMin, kLatMax};
  ASSERT_TRUE(Decode(lon, lat, h, &c));
  ASSERT_TRUE(Decode(lon, lat, nb.east, &e));
  ASSERT_TRUE(Decode(lon, lat, nb.north, &n));
  ASSERT_TRUE(Decode(lon, lat, nb.south_west, &sw));
  EXPECT_DOUBLE_EQ(e.longitude.min, c.longitude.max);
  EXPECT_DOUBLE_EQ(e.latitude.min, c.latitude.min);
  EXPECT_DOUBLE_EQ(n.latitude.min, c.latitude.max);
  EXPECT_DOUBLE_EQ(n.longitude.min, c.longitude.min);
  EXPECT_DOUBLE_EQ(sw.longitude.max, c.longitude.min);
  EXPECT_DOUBLE_EQ(sw.latitude.max, c.latitude.min);
}

TEST(GeohashTest, DistanceAndSteps) {
  // GEODIST Sicily Palermo Catania = 166274.1516 m in Redis (points decoded from their scores).
  double x1, y1, x2, y2;
  ASSERT_TRUE(DecodeScore(3479099956230698.0, &x1, &y1));
  ASSERT_TRUE(DecodeScore(3479447370796909.0, &x2, &y2));
  EXPECT_NEAR(Distance(x1, y1, x2, y2), 166274.1516, 0.0001);
  EXPECT_EQ(Distance(x1, y1, x1, y1), 0);
  EXPECT_EQ(EstimateSteps(0, 0), 26);
  EXPECT_EQ(EstimateSteps(1e9, 0), 1);
  EXPECT_GT(EstimateSteps(1000, 0), EstimateSteps(100000, 0));
  EXPECT_EQ(EstimateSteps(1000, 70) + 1, EstimateSteps(1000, 0));
  EXPECT_EQ(EstimateSteps(1000, -85) + 2, EstimateSteps(1000, 0));
}

TEST(GeohashTest, CoverReachesTheShape) {
  Shape s;
  s.lon = 15;
  s.lat = 37;
  s.radius = 200;
  s.conversion = 1000;
  Cover cov = CoverShape(&s);
  EXPECT_LT(s.bounds[0], 15);
  EXPECT_GT(s.bounds[2], 15);
  EXPECT_NEAR(s.bounds[3] - s.bounds[1], 2 * 200000 / kEarthRadiusMeters * 180 / M_PI, 1e-9);
  EXPECT_FALSE(cov.hash.IsZero());
  double d;
  EXPECT_TRUE(InShape(s, 15.087269, 37.502669, &d));
  EXPECT_NEAR(d, 56441.3, 1);
  EXPECT_FALSE(InShape(s, 20, 37, &d));
  Shape box = s;
  box.type = Shape::kBox;
  box.width = 10;
  box.height = 400;
  EXPECT_FALSE(InShape(box, 15.087269, 37.502669, &d));  // 7.7 km east: outside a 10 km wide box
  EXPECT_TRUE(InShape(box, 15.01, 38.5, &d));
}

TEST(GeohashTest, StandardHashMatchesRedis) {
  double x, y;
  ASSERT_TRUE(DecodeScore(3479099956230698.0, &x, &y));
  EXPECT_EQ(StandardHash(x, y), "sqc8b49rny0");  // GEOHASH Sicily Palermo
}

}  // namespace
}  // namespace corvid::geo
