#include "ds/geohash.h"

#include <algorithm>
#include <cmath>

namespace corvid::geo {

namespace {

constexpr double kDegToRad = 0.017453292519943295769236907684886;
constexpr double kRadToDeg = 57.29577951308232087679815481410517033240547246656432154916;
constexpr double kMercatorMax = 20037726.37;
const Range kLongRange{kLongMin, kLongMax};
const Range kLatRange{kLatMin, kLatMax};

inline double DegRad(double a) { return a * kDegToRad; }
inline double RadDeg(double a) { return a * kRadToDeg; }

// Spreads the 32 bits of v to the even bit positions.
inline uint64_t Spread(uint32_t v) {
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & 0x5555555555555555ULL;
  return x;
}

// Gathers the even bit positions of v into 32 bits.
inline uint32_t Squash(uint64_t x) {
  x &= 0x5555555555555555ULL;
  x = (x | (x >> 1)) & 0x3333333333333333ULL;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(x);
}

// Moves a cell one step along longitude (the odd bits; east when d > 0) or latitude (the even bits; north).
void Move(HashBits* h, int d, bool along_longitude) {
  const uint64_t own = along_longitude ? 0xaaaaaaaaaaaaaaaaULL : 0x5555555555555555ULL, other = ~own;
  uint64_t v = h->bits & own;
  const uint64_t zz = other >> (64 - h->step * 2);
  if (d > 0) {
    v = v + (zz + 1);
  } else {
    v = v | zz;
    v = v - (zz + 1);
  }
  v &= own >> (64 - h->step * 2);
  h->bits = v | (h->bits & other);
}

HashBits Moved(HashBits h, int dx, int dy) {
  if (dx) Move(&h, dx, true);
  if (dy) Move(&h, dy, false);
  return h;
}

}  // namespace

bool Encode(const Range& lon_range, const Range& lat_range, double lon, double lat, uint8_t step, HashBits* out) {
  if (step > 32 || step == 0 || lat_range.max - lat_range.min == 0 || lon_range.max - lon_range.min == 0)
    return false;
  if (lon > kLongMax || lon < kLongMin || lat > kLatMax || lat < kLatMin) return false;
  out->bits = 0;
  out->step = step;
  if (lat < lat_range.min || lat > lat_range.max || lon < lon_range.min || lon > lon_range.max) return false;
  double lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min);
  double lon_offset = (lon - lon_range.min) / (lon_range.max - lon_range.min);
  lat_offset *= static_cast<double>(1ULL << step);
  lon_offset *= static_cast<double>(1ULL << step);
  out->bits = Spread(static_cast<uint32_t>(lat_offset)) | (Spread(static_cast<uint32_t>(lon_offset)) << 1);
  return true;
}

bool EncodeWGS84(double lon, double lat, uint8_t step, HashBits* out) {
  return Encode(kLongRange, kLatRange, lon, lat, step, out);
}

bool Decode(const Range& lon_range, const Range& lat_range, HashBits hash, Area* out) {
  if (hash.IsZero() || lat_range.max - lat_range.min == 0 || lon_range.max - lon_range.min == 0) return false;
  out->hash = hash;
  double lat_scale = lat_range.max - lat_range.min, lon_scale = lon_range.max - lon_range.min;
  uint32_t ilat = Squash(hash.bits), ilon = Squash(hash.bits >> 1);
  double cells = static_cast<double>(1ULL << hash.step);
  out->latitude.min = lat_range.min + (ilat * 1.0 / cells) * lat_scale;
  out->latitude.max = lat_range.min + ((ilat + 1) * 1.0 / cells) * lat_scale;
  out->longitude.min = lon_range.min + (ilon * 1.0 / cells) * lon_scale;
  out->longitude.max = lon_range.min + ((ilon + 1) * 1.0 / cells) * lon_scale;
  return true;
}

uint64_t Align52(HashBits hash) { return hash.bits << (52 - hash.step * 2); }

namespace {

// A double converted to uint64 as x86-64 code compiled from C does it (Redis' (uint64_t)score), without the
// undefined behaviour for negative, huge or NaN scores.
uint64_t ScoreBits(double d) {
  constexpr double kTwo63 = 9223372036854775808.0;
  auto truncate = [](double x) -> uint64_t {
    if (!(x > -kTwo63 - 1025 && x < kTwo63)) return uint64_t{1} << 63;  // cvttsd2si's "indefinite" value
    return static_cast<uint64_t>(static_cast<int64_t>(x));
  };
  if (d >= kTwo63) return truncate(d - kTwo63) ^ (uint64_t{1} << 63);
  return truncate(d);
}

}  // namespace

bool DecodeScore(double score, double* lon, double* lat) {
  Area a;
  if (!Decode(kLongRange, kLatRange, HashBits{ScoreBits(score), kStepMax}, &a)) return false;
  *lon = std::clamp((a.longitude.min + a.longitude.max) / 2, kLongMin, kLongMax);
  *lat = std::clamp((a.latitude.min + a.latitude.max) / 2, kLatMin, kLatMax);
  return true;
}

Neighbors NeighborsOf(HashBits h) {
  Neighbors n;
  n.east = Moved(h, 1, 0);
  n.west = Moved(h, -1, 0);
  n.south = Moved(h, 0, -1);
  n.north = Moved(h, 0, 1);
  n.north_west = Moved(h, -1, 1);
  n.south_west = Moved(h, -1, -1);
  n.north_east = Moved(h, 1, 1);
  n.south_east = Moved(h, 1, -1);
  return n;
}

double Distance(double lon1, double lat1, double lon2, double lat2) {
  double lat1r = DegRad(lat1), lon1r = DegRad(lon1), lat2r = DegRad(lat2), lon2r = DegRad(lon2);
  double u = std::sin((lat2r - lat1r) / 2), v = std::sin((lon2r - lon1r) / 2);
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(u * u + std::cos(lat1r) * std::cos(lat2r) * v * v));
}

uint8_t EstimateSteps(double range_meters, double lat) {
  if (range_meters == 0) return 26;
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    ++step;
  }
  step -= 2;  // make sure the range is included in most of the base cases
  if (lat > 66 || lat < -66) {  // wider cells towards the poles
    --step;
    if (lat > 80 || lat < -80) --step;
  }
  return static_cast<uint8_t>(std::clamp(step, 1, 26));
}

namespace {

void BoundingBox(Shape* s) {
  double height = s->conversion * (s->type == Shape::kCircle ? s->radius : s->height / 2);
  double width = s->conversion * (s->type == Shape::kCircle ? s->radius : s->width / 2);
  const double lat_delta = RadDeg(height / kEarthRadiusMeters);
  const double lon_delta_top = RadDeg(width / kEarthRadiusMeters / std::cos(DegRad(s->lat + lat_delta)));
  const double lon_delta_bottom = RadDeg(width / kEarthRadiusMeters / std::cos(DegRad(s->lat - lat_delta)));
  // The hemispheres widen in opposite directions: take the wider edge.
  bool south = s->lat < 0;
  s->bounds[0] = south ? s->lon - lon_delta_bottom : s->lon - lon_delta_top;
  s->bounds[2] = south ? s->lon + lon_delta_bottom : s->lon + lon_delta_top;
  s->bounds[1] = s->lat - lat_delta;
  s->bounds[3] = s->lat + lat_delta;
}

}  // namespace

Cover CoverShape(Shape* shape) {
  BoundingBox(shape);
  const double min_lon = shape->bounds[0], min_lat = shape->bounds[1];
  const double max_lon = shape->bounds[2], max_lat = shape->bounds[3];
  double radius = shape->type == Shape::kCircle
                      ? shape->radius
                      : std::sqrt((shape->width / 2) * (shape->width / 2) + (shape->height / 2) * (shape->height / 2));
  radius *= shape->conversion;
  uint8_t steps = EstimateSteps(radius, shape->lat);
  Cover c;
  EncodeWGS84(shape->lon, shape->lat, steps, &c.hash);
  c.neighbors = NeighborsOf(c.hash);
  Decode(kLongRange, kLatRange, c.hash, &c.area);

  // Near the edge of its cell the estimated step may leave part of the shape outside the 3x3 cells: one step
  // coarser then.
  Area north, south, east, west;
  Decode(kLongRange, kLatRange, c.neighbors.north, &north);
  Decode(kLongRange, kLatRange, c.neighbors.south, &south);
  Decode(kLongRange, kLatRange, c.neighbors.east, &east);
  Decode(kLongRange, kLatRange, c.neighbors.west, &west);
  bool decrease = north.latitude.max < max_lat || south.latitude.min > min_lat || east.longitude.max < max_lon ||
                  west.longitude.min > min_lon;
  if (steps > 1 && decrease) {
    --steps;
    EncodeWGS84(shape->lon, shape->lat, steps, &c.hash);
    c.neighbors = NeighborsOf(c.hash);
    Decode(kLongRange, kLatRange, c.hash, &c.area);
  }
  // Drop the neighbours the bounding box does not reach.
  if (steps >= 2) {
    Neighbors& n = c.neighbors;
    if (c.area.latitude.min < min_lat) n.south = n.south_west = n.south_east = HashBits{};
    if (c.area.latitude.max > max_lat) n.north = n.north_east = n.north_west = HashBits{};
    if (c.area.longitude.min < min_lon) n.west = n.south_west = n.north_west = HashBits{};
    if (c.area.longitude.max > max_lon) n.east = n.south_east = n.north_east = HashBits{};
  }
  return c;
}

bool InShape(const Shape& shape, double lon, double lat, double* dist) {
  if (shape.type == Shape::kCircle) {
    *dist = Distance(shape.lon, shape.lat, lon, lat);
    return *dist <= shape.radius * shape.conversion;
  }
  double lon_distance = Distance(lon, lat, shape.lon, lat);
  double lat_distance = Distance(lon, lat, lon, shape.lat);
  if (lon_distance > shape.width * shape.conversion / 2 || lat_distance > shape.height * shape.conversion / 2)
    return false;
  *dist = Distance(shape.lon, shape.lat, lon, lat);
  return true;
}

std::string StandardHash(double lon, double lat) {
  static const char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  HashBits h;
  Encode(Range{-180, 180}, Range{-90, 90}, lon, lat, 26, &h);
  std::string out(11, '0');
  for (int i = 0; i < 10; ++i) out[i] = kAlphabet[(h.bits >> (52 - (i + 1) * 5)) & 0x1f];
  return out;  // 52 bits give 10 characters; the 11th is '0' as in Redis
}

}  // namespace corvid::geo
