// Geospatial indexes on sorted sets: GEOADD GEODIST GEOHASH GEOPOS GEORADIUS GEORADIUSBYMEMBER (and their _RO
// forms) GEOSEARCH GEOSEARCHSTORE. A point is a zset member whose score is its 52-bit geohash (ds/geohash), so
// a geo set is an ordinary zset to every other command.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands/cmd_util.h"
#include "commands/command.h"
#include "db/notify.h"
#include "db/zset_type.h"
#include "ds/geohash.h"
#include "server/server.h"
#include "util/numeric.h"
#include "util/partial_sort.h"

namespace corvid {

namespace {

// Redis' extractLongLatOrReply over args[at], args[at + 1].
bool ArgLonLat(Client& c, CmdArgs args, size_t at, double* lon, double* lat) {
  if (!ArgDouble(c, args[at], lon) || !ArgDouble(c, args[at + 1], lat)) return false;
  if (*lon < geo::kLongMin || *lon > geo::kLongMax || *lat < geo::kLatMin || *lat > geo::kLatMax) {
    c.reply.Error(fmt::format("ERR invalid longitude,latitude pair {:f},{:f}", *lon, *lat));
    return false;
  }
  return true;
}

// Meters per unit (m km ft mi); replies the error and returns a negative value for any other unit.
double ArgUnit(Client& c, std::string_view u) {
  if (Is(u, "m")) return 1;
  if (Is(u, "km")) return 1000;
  if (Is(u, "ft")) return 0.3048;
  if (Is(u, "mi")) return 1609.34;
  c.reply.Error("ERR unsupported unit provided. please use M, KM, FT, MI");
  return -1;
}

// A non-negative number argument; replies `missing` when it does not parse.
bool ArgSize(Client& c, std::string_view arg, std::string_view missing, std::string_view negative, double* out) {
  if (!StringToDouble(arg, out)) {
    c.reply.Error(missing);
    return false;
  }
  if (*out < 0) {
    c.reply.Error(negative);
    return false;
  }
  return true;
}

// <radius> <unit> at args[at].
bool ArgRadius(Client& c, CmdArgs args, size_t at, geo::Shape* s) {
  if (!ArgSize(c, args[at], "ERR need numeric radius", "ERR radius cannot be negative", &s->radius)) return false;
  s->conversion = ArgUnit(c, args[at + 1]);
  s->type = geo::Shape::kCircle;
  return s->conversion >= 0;
}

// <width> <height> <unit> at args[at].
bool ArgBox(Client& c, CmdArgs args, size_t at, geo::Shape* s) {
  double w, h;
  if (!StringToDouble(args[at], &w)) return c.reply.Error("ERR need numeric width"), false;
  if (!StringToDouble(args[at + 1], &h)) return c.reply.Error("ERR need numeric height"), false;
  if (w < 0 || h < 0) return c.reply.Error("ERR height or width cannot be negative"), false;
  s->width = w;
  s->height = h;
  s->conversion = ArgUnit(c, args[at + 2]);
  s->type = geo::Shape::kBox;
  return s->conversion >= 0;
}

bool MemberPoint(const Value& zset, std::string_view member, double* lon, double* lat) {
  std::optional<double> score = ZsetScore(zset, member);
  return score && geo::DecodeScore(*score, lon, lat);
}

// The zset at key for reading (nullptr when absent); false after replying WRONGTYPE.
bool ReadZset(Client& c, std::string_view key, const Value** out) {
  OpStatus st;
  KeyEntry* e = FindTyped(c, key, ObjType::kZset, &st);
  if (st == OpStatus::kWrongType) return ReplyError(c, st), false;
  *out = e ? &e->val : nullptr;
  return true;
}

// A distance as Redis prints it: "%.4f".
void ReplyDistance(Client& c, double d) {
  char buf[128];
  int n = snprintf(buf, sizeof(buf), "%.4f", d);
  c.reply.Bulk(std::string_view(buf, static_cast<size_t>(n)));
}

// A coordinate as Redis' addReplyHumanLongDouble: a bulk string in RESP2, a double in RESP3.
void ReplyCoord(Client& c, double d) {
  char buf[kLongDoubleChars];
  std::string_view s(buf, FormatLongDouble(d, buf, LdMode::kHuman));
  if (c.reply.resp() == 2) return c.reply.Bulk(s);
  c.reply.Raw(",");
  c.reply.Raw(s);
  c.reply.Raw("\r\n");
}

void GeoaddCmd(Client& c, CmdArgs args) {
  size_t at = 2;
  bool xx = false, nx = false;
  for (; at < args.size(); ++at) {
    if (Is(args[at], "NX")) nx = true;
    else if (Is(args[at], "XX")) xx = true;
    else if (!Is(args[at], "CH")) break;
  }
  if ((args.size() - at) % 3 || (xx && nx)) return c.reply.Error(err::kSyntax);
  // ZADD key [options] score member ...: Redis hands GEOADD over to ZADD this way.
  std::vector<std::string> scores;
  scores.reserve((args.size() - at) / 3);
  for (size_t i = at; i < args.size(); i += 3) {
    double lon, lat;
    if (!ArgLonLat(c, args, i, &lon, &lat)) return;
    geo::HashBits h;
    geo::EncodeWGS84(lon, lat, geo::kStepMax, &h);
    scores.push_back(std::to_string(geo::Align52(h)));
  }
  std::vector<std::string_view> zargs(args.begin(), args.begin() + static_cast<ptrdiff_t>(at));
  zargs[0] = "zadd";
  for (size_t k = 0; k < scores.size(); ++k) {
    zargs.push_back(scores[k]);
    zargs.push_back(args[at + 3 * k + 2]);
  }
  uint64_t dirty = Srv().stats.dirty;
  Commands().Find("zadd")->handler(c, zargs);
  if (Srv().stats.dirty != dirty) PropagateInstead(c, zargs);  // the ZADD it amounted to
}

void GeodistCmd(Client& c, CmdArgs args) {
  double to_meter = 1;
  if (args.size() == 5) {
    to_meter = ArgUnit(c, args[4]);
    if (to_meter < 0) return;
  } else if (args.size() > 5) {
    return c.reply.Error(err::kSyntax);
  }
  const Value* z;
  if (!ReadZset(c, args[1], &z)) return;
  double lon1, lat1, lon2, lat2;
  if (!z || !MemberPoint(*z, args[2], &lon1, &lat1) || !MemberPoint(*z, args[3], &lon2, &lat2))
    return c.reply.Null();
  ReplyDistance(c, geo::Distance(lon1, lat1, lon2, lat2) / to_meter);
}

// GEOHASH/GEOPOS: an array with found(lon, lat) for each member argument that is in the set, missing() for
// the others.
template <typename Found, typename Missing>
void ReplyPerMember(Client& c, CmdArgs args, Found&& found, Missing&& missing) {
  const Value* z;
  if (!ReadZset(c, args[1], &z)) return;
  c.reply.Array(args.size() - 2);
  for (size_t j = 2; j < args.size(); ++j) {
    double lon, lat;
    if (z && MemberPoint(*z, args[j], &lon, &lat))
      found(lon, lat);
    else
      missing();
  }
}

void GeohashCmd(Client& c, CmdArgs args) {
  ReplyPerMember(
      c, args, [&](double lon, double lat) { c.reply.Bulk(geo::StandardHash(lon, lat)); },
      [&] { c.reply.Null(); });
}

void GeoposCmd(Client& c, CmdArgs args) {
  ReplyPerMember(
      c, args,
      [&](double lon, double lat) {
        c.reply.Array(2);
        ReplyCoord(c, lon);
        ReplyCoord(c, lat);
      },
      [&] { c.reply.NullArray(); });
}

// ---- radius and box searches ----

struct GeoPoint {
  double lon, lat, dist, score;
  std::string member;
};

// Appends the members of zset with scores in [min, max) that lie in shape; stops once `limit` points were
// collected (limit 0: no limit).
void PointsInRange(const Value& zset, double min, double max, const geo::Shape& shape, size_t limit,
                   std::vector<GeoPoint>* out) {
  ScoreRange r{min, max, false, true};
  for (const ZItem& it : ZsetRangeByScore(zset, r, false, 0, -1)) {
    double lon, lat, dist;
    if (!geo::DecodeScore(it.score, &lon, &lat)) continue;
    if (!geo::InShape(shape, lon, lat, &dist)) continue;
    char buf[LpValue::kIntBufSize];
    out->push_back({lon, lat, dist, it.score, std::string(it.Text(buf))});
    if (limit && out->size() >= limit) return;
  }
}

// Redis' membersOfAllNeighbors: the centre cell, then N S E W NE NW SE SW, skipping zeroed cells and a cell
// equal to the one scanned just before (huge radii make neighbours coincide).
std::vector<GeoPoint> Search(const Value& zset, geo::Shape* shape, size_t limit) {
  geo::Cover cover = geo::CoverShape(shape);
  const geo::Neighbors& n = cover.neighbors;
  const geo::HashBits cells[9] = {cover.hash,   n.north,      n.south,      n.east,      n.west,
                                  n.north_east, n.north_west, n.south_east, n.south_west};
  std::vector<GeoPoint> out;
  size_t last = 0;
  for (size_t i = 0; i < 9; ++i) {
    if (cells[i].IsZero()) continue;
    if (last && cells[i].bits == cells[last].bits && cells[i].step == cells[last].step) continue;
    if (limit && out.size() >= limit) break;
    geo::HashBits next = cells[i];
    ++next.bits;
    PointsInRange(zset, static_cast<double>(geo::Align52(cells[i])), static_cast<double>(geo::Align52(next)),
                  *shape, limit, &out);
    last = i;
  }
  return out;
}

enum GeoFlag : int {
  kFromCoords = 1,   // GEORADIUS: longitude latitude radius unit
  kFromMember = 2,   // GEORADIUSBYMEMBER: member radius unit
  kNoStore = 4,      // the _RO forms
  kSearch = 8,       // GEOSEARCH grammar
  kSearchStore = 16  // GEOSEARCHSTORE
};

void GeoSearchGeneric(Client& c, CmdArgs args, size_t src_index, int flags) {
  const Value* z;
  if (!ReadZset(c, args[src_index], &z)) return;
  geo::Shape shape;
  size_t base;
  std::string_view storekey;
  bool store = false, storedist = false;
  if (flags & kFromCoords) {
    base = 6;
    if (!ArgLonLat(c, args, 2, &shape.lon, &shape.lat) || !ArgRadius(c, args, 4, &shape)) return;
  } else if (flags & kFromMember) {
    base = 5;
    if (z) {
      if (!MemberPoint(*z, args[2], &shape.lon, &shape.lat))
        return c.reply.Error("ERR could not decode requested zset member");
      if (!ArgRadius(c, args, 3, &shape)) return;
    }
  } else {
    base = 2;
    if (flags & kSearchStore) {
      base = 3;
      storekey = args[1];
      store = true;
    }
  }
  bool withdist = false, withhash = false, withcoord = false, any = false;
  bool frommember = false, fromloc = false, byradius = false, bybox = false;
  int sort = 0;  // 1 ASC, -1 DESC
  int64_t count = 0;
  const bool search = flags & kSearch, can_store = !(flags & kNoStore) && !search;
  for (size_t i = base; i < args.size(); ++i) {
    std::string_view a = args[i];
    size_t rem = args.size() - i - 1;
    if (Is(a, "WITHDIST")) {
      withdist = true;
    } else if (Is(a, "WITHHASH")) {
      withhash = true;
    } else if (Is(a, "WITHCOORD")) {
      withcoord = true;
    } else if (Is(a, "ANY")) {
      any = true;
    } else if (Is(a, "ASC")) {
      sort = 1;
    } else if (Is(a, "DESC")) {
      sort = -1;
    } else if (Is(a, "COUNT") && rem >= 1) {
      if (!ArgInt64(c, args[++i], &count)) return;
      if (count <= 0) return c.reply.Error("ERR COUNT must be > 0");
    } else if ((Is(a, "STORE") || Is(a, "STOREDIST")) && rem >= 1 && can_store) {
      storedist = Is(a, "STOREDIST");
      storekey = args[++i];
      store = true;
    } else if (Is(a, "STOREDIST") && (flags & kSearchStore)) {
      storedist = true;
    } else if (Is(a, "FROMMEMBER") && rem >= 1 && search && !fromloc) {
      ++i;
      frommember = true;
      if (z && !MemberPoint(*z, args[i], &shape.lon, &shape.lat))
        return c.reply.Error("ERR could not decode requested zset member");
    } else if (Is(a, "FROMLONLAT") && rem >= 2 && search && !frommember) {
      if (!ArgLonLat(c, args, i + 1, &shape.lon, &shape.lat)) return;
      fromloc = true;
      i += 2;
    } else if (Is(a, "BYRADIUS") && rem >= 2 && search && !bybox) {
      if (!ArgRadius(c, args, i + 1, &shape)) return;
      byradius = true;
      i += 2;
    } else if (Is(a, "BYBOX") && rem >= 3 && search && !byradius) {
      if (!ArgBox(c, args, i + 1, &shape)) return;
      bybox = true;
      i += 3;
    } else {
      return c.reply.Error(err::kSyntax);
    }
  }
  if (store && (withdist || withhash || withcoord))
    return c.reply.Error(fmt::format("ERR {} is not compatible with WITHDIST, WITHHASH and WITHCOORD options",
                                     (flags & kSearchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"));
  if (search && !frommember && !fromloc)
    return c.reply.Error(
        fmt::format("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {}", CStr(args[0])));
  if (search && !byradius && !bybox)
    return c.reply.Error(
        fmt::format("ERR exactly one of BYRADIUS and BYBOX can be specified for {}", CStr(args[0])));
  if (any && !count) return c.reply.Error("ERR the ANY argument requires COUNT argument");

  Db& db = c.db();
  const char* event = search ? "geosearchstore" : "georadiusstore";
  if (!z) {
    if (!store) return c.reply.EmptyArray();
    return c.reply.Int(ZsetStore(db, storekey, {}, event));
  }
  if (count && !sort && !any) sort = 1;  // the closest COUNT points
  std::vector<GeoPoint> pts = Search(*z, &shape, any ? static_cast<size_t>(count) : 0);
  if (pts.empty() && !store) return c.reply.EmptyArray();
  size_t returned = count == 0 || pts.size() < static_cast<size_t>(count) ? pts.size() : static_cast<size_t>(count);
  if (sort) {
    // Sorted as Redis sorts: all of it with glibc's qsort (a merge sort: equal distances keep their scan order,
    // as with stable_sort), only the first COUNT positions with its pqsort.
    auto by_dist = [sort](const GeoPoint& a, const GeoPoint& b) {
      int r = a.dist > b.dist ? 1 : a.dist == b.dist ? 0 : -1;
      return sort > 0 ? r : -r;
    };
    if (returned == pts.size())
      std::stable_sort(pts.begin(), pts.end(), [&](const GeoPoint& a, const GeoPoint& b) { return by_dist(a, b) < 0; });
    else
      PartialQuickSort(pts, 0, returned - 1, by_dist);
  }
  pts.resize(returned);
  for (GeoPoint& p : pts) p.dist /= shape.conversion;

  if (!store) {
    size_t extra = withdist + withhash + withcoord;
    c.reply.Array(returned);
    for (const GeoPoint& p : pts) {
      if (extra) c.reply.Array(extra + 1);
      c.reply.Bulk(p.member);
      if (withdist) ReplyDistance(c, p.dist);
      if (withhash) c.reply.Int(static_cast<int64_t>(p.score));
      if (withcoord) {
        c.reply.Array(2);
        ReplyCoord(c, p.lon);
        ReplyCoord(c, p.lat);
      }
    }
    return;
  }
  std::vector<ZOwned> items;
  items.reserve(pts.size());
  for (GeoPoint& p : pts) items.push_back({std::move(p.member), storedist ? p.dist : p.score});
  std::sort(items.begin(), items.end(), [](const ZOwned& a, const ZOwned& b) {
    return a.score < b.score || (a.score == b.score && a.member < b.member);
  });
  int64_t n = ZsetStore(db, storekey, items, event);
  if (n > 1) Srv().stats.dirty += n - 1;  // Redis counts one change per stored point
  c.reply.Int(n);
}

void GeoradiusCmd(Client& c, CmdArgs args) { GeoSearchGeneric(c, args, 1, kFromCoords); }
void GeoradiusRoCmd(Client& c, CmdArgs args) { GeoSearchGeneric(c, args, 1, kFromCoords | kNoStore); }
void GeoradiusbymemberCmd(Client& c, CmdArgs args) { GeoSearchGeneric(c, args, 1, kFromMember); }
void GeoradiusbymemberRoCmd(Client& c, CmdArgs args) { GeoSearchGeneric(c, args, 1, kFromMember | kNoStore); }
void GeosearchCmd(Client& c, CmdArgs args) { GeoSearchGeneric(c, args, 1, kSearch); }
void GeosearchstoreCmd(Client& c, CmdArgs args) { GeoSearchGeneric(c, args, 2, kSearch | kSearchStore); }

// GEORADIUS' key specs: the source key (group 0), then the key after the first STORE (group 1) and after the
// first STOREDIST (group 2) found from argv[from] on, a keyword in the last position not counting.
template <size_t From>
bool GeoradiusKeys(CmdArgs argv, std::vector<KeyRef>* out) {
  out->push_back({1, 0});
  const char* keywords[] = {"STORE", "STOREDIST"};
  for (size_t g = 0; g < 2; ++g) {
    for (size_t i = From; i + 1 < argv.size(); ++i) {
      if (Is(argv[i], keywords[g])) {
        out->push_back({i + 1, g + 1});
        break;
      }
    }
  }
  return true;
}

constexpr CommandRow kRows[] = {
    {"geoadd", -5, "write denyoom", 1, 1, 1, "@write @geo @slow", GeoaddCmd, "RW update", "key condition(NX|XX)? CH? longitude_latitude_member{longitude:double latitude:double member}...", "3.2.0", "Adds points to a geospatial index"},
    {"geodist", -4, "readonly", 1, 1, 1, "@read @geo @slow", GeodistCmd, "RO access", "key member1 member2 unit(M|KM|FT|MI)?", "3.2.0", "Returns the distance between two points of a geospatial index"},
    {"geohash", -2, "readonly", 1, 1, 1, "@read @geo @slow", GeohashCmd, "RO access", "key member...", "3.2.0", "Returns the standard geohash strings of points"},
    {"geopos", -2, "readonly", 1, 1, 1, "@read @geo @slow", GeoposCmd, "RO access", "key member...", "3.2.0", "Returns the coordinates of points"},
    {"georadius", -6, "write denyoom movablekeys", 1, 1, 1, "@write @geo @slow", GeoradiusCmd, "RO access | OW update | OW update", "key longitude:double latitude:double radius:double unit(M|KM|FT|MI) WITHCOORD? WITHDIST? WITHHASH? count{COUNT=count:integer ANY?}? order(ASC|DESC)? STORE=key? STOREDIST=key?", "3.2.0", "Finds the points within a radius of coordinates, optionally storing them", GeoradiusKeys<6>},
    {"georadiusbymember", -5, "write denyoom movablekeys", 1, 1, 1, "@write @geo @slow", GeoradiusbymemberCmd, "RO access | OW update | OW update", "key member radius:double unit(M|KM|FT|MI) WITHCOORD? WITHDIST? WITHHASH? count{COUNT=count:integer ANY?}? order(ASC|DESC)? STORE=key? STOREDIST=key?", "3.2.0", "Finds the points within a radius of a member, optionally storing them", GeoradiusKeys<5>},
    {"georadius_ro", -6, "readonly", 1, 1, 1, "@read @geo @slow", GeoradiusRoCmd, "RO access", "key longitude:double latitude:double radius:double unit(M|KM|FT|MI) WITHCOORD? WITHDIST? WITHHASH? count{COUNT=count:integer ANY?}? order(ASC|DESC)?", "3.2.10", "Finds the points within a radius of coordinates"},
    {"georadiusbymember_ro", -5, "readonly", 1, 1, 1, "@read @geo @slow", GeoradiusbymemberRoCmd, "RO access", "key member radius:double unit(M|KM|FT|MI) WITHCOORD? WITHDIST? WITHHASH? count{COUNT=count:integer ANY?}? order(ASC|DESC)?", "3.2.10", "Finds the points within a radius of a member"},
    {"geosearch", -7, "readonly", 1, 1, 1, "@read @geo @slow", GeosearchCmd, "RO access", "key from(FROMMEMBER=member|FROMLONLAT=longitude_latitude{longitude:double latitude:double}) by(circle{BYRADIUS=radius:double unit(M|KM|FT|MI)}|box{BYBOX=width:double height:double unit(M|KM|FT|MI)}) order(ASC|DESC)? count{COUNT=count:integer ANY?}? WITHCOORD? WITHDIST? WITHHASH?", "6.2.0", "Finds the points within a circle or box"},
    {"geosearchstore", -8, "write denyoom", 1, 2, 1, "@write @geo @slow", GeosearchstoreCmd, "OW update | RO access", "destination:key source:key from(FROMMEMBER=member|FROMLONLAT=longitude_latitude{longitude:double latitude:double}) by(circle{BYRADIUS=radius:double unit(M|KM|FT|MI)}|box{BYBOX=width:double height:double unit(M|KM|FT|MI)}) order(ASC|DESC)? count{COUNT=count:integer ANY?}? STOREDIST?", "6.2.0", "Stores the points within a circle or box in a sorted set"},
};

}  // namespace

void RegisterGeoFamily(CommandRegistry& r) { r.Add(kRows); }

}  // namespace corvid
