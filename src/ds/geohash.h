// Geohashing as Redis' geo commands do it: longitude and latitude quantised to `step` bits each (26 for stored
// points) and interleaved into one integer, which GEOADD stores as the member's zset score (52 bits, exact in a
// double). Latitudes are limited to +-85.05112878 (the Web Mercator square). Radius and box searches cover the
// query shape with the cell of the centre and its 8 neighbours at a step estimated from the radius, as Redis'
// geohash_helper.c does, so that the same members are examined in the same order.
#pragma once
#include <cstdint>
#include <string>

namespace corvid::geo {

inline constexpr double kLongMin = -180, kLongMax = 180;
inline constexpr double kLatMin = -85.05112878, kLatMax = 85.05112878;
inline constexpr uint8_t kStepMax = 26;
inline constexpr double kEarthRadiusMeters = 6372797.560856;

struct Range {
  double min, max;
};

struct HashBits {
  uint64_t bits = 0;
  uint8_t step = 0;
  bool IsZero() const { return bits == 0 && step == 0; }
};

struct Area {
  HashBits hash;
  Range longitude, latitude;
};

struct Neighbors {
  HashBits north, east, west, south, north_east, south_east, north_west, south_west;
};

// Encodes a point at `step` bits per coordinate within the given ranges; false when step is not 1..32 or the
// point is outside the ranges or the WGS84 limits above.
bool Encode(const Range& lon_range, const Range& lat_range, double lon, double lat, uint8_t step, HashBits* out);
// Encode within the WGS84 limits above.
bool EncodeWGS84(double lon, double lat, uint8_t step, HashBits* out);
// The cell a hash stands for; false for a zero hash.
bool Decode(const Range& lon_range, const Range& lat_range, HashBits hash, Area* out);
// The hash shifted to 52 bits: the score of a stored point.
uint64_t Align52(HashBits hash);
// The point a stored score stands for (the centre of its step-26 cell, clamped to the limits). Scores that are
// not geohashes (negative, huge, infinite) are converted to bits as Redis on x86-64 converts them.
bool DecodeScore(double score, double* lon, double* lat);
// The 8 cells around hash at the same step.
Neighbors NeighborsOf(HashBits hash);
// Great-circle distance in meters (haversine over Redis' earth radius).
double Distance(double lon1, double lat1, double lon2, double lat2);
// Redis' step estimate for a search radius (meters) around latitude lat: 1..26.
uint8_t EstimateSteps(double range_meters, double lat);

// A search shape: a circle (radius) or an axis-aligned box (width x height) around (lon, lat), sizes in the
// unit whose meters are `conversion`.
struct Shape {
  enum Type : uint8_t { kCircle, kBox } type = kCircle;
  double lon = 0, lat = 0;
  double radius = 0, width = 0, height = 0;
  double conversion = 1;
  double bounds[4] = {0, 0, 0, 0};  // min lon, min lat, max lon, max lat (set by CoverShape)
};

// The cells to scan for shape: the centre cell (hash/area) and its neighbours, those the bounding box does
// not reach zeroed (Redis' geohashCalculateAreasByShapeWGS84). Fills shape->bounds.
struct Cover {
  HashBits hash;
  Neighbors neighbors;
  Area area;
};
Cover CoverShape(Shape* shape);
// True when the point lies in the shape; *dist gets its distance (meters) from the centre.
bool InShape(const Shape& shape, double lon, double lat, double* dist);
// The 11-character standard geohash (latitude range +-90) of a point, as GEOHASH prints it.
std::string StandardHash(double lon, double lat);

}  // namespace corvid::geo
