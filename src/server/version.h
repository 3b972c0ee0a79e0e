// Version strings: corvid's own, and the Redis version it is compatible with (tools gate features on it).
#pragma once
#include <string>

namespace corvid {

inline constexpr const char* kRedisVersion = "7.0.15";
inline constexpr const char* kCorvidVersion = CORVID_VERSION;

// The line `corvid-server --version` prints, in redis-server's format.
inline std::string VersionLine() {
  return std::string("Redis server v=") + kRedisVersion + " sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=corvid-" +
         kCorvidVersion;
}

}  // namespace corvid
