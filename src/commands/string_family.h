// String commands' keyspace logic, apart from argument parsing and replies (unit-testable, reusable by
// scripts and transactions).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "corvid/status.h"
#include "db/db.h"

namespace corvid {

// INCRBY on key (creating it as 0): the new value, kWrongType, kNotInteger or kOverflow.
OpResult<int64_t> IncrBy(Db& db, std::string_view key, int64_t delta);
// INCRBYFLOAT: the new value as stored (Redis' human long-double form), or kWrongType/kNotFloat/kIncrNanOrInf.
OpResult<std::string> IncrByFloat(Db& db, std::string_view key, std::string_view delta);
// APPEND: the new length, or kWrongType/kStringTooLong.
OpResult<int64_t> Append(Db& db, std::string_view key, std::string_view tail, int64_t max_len);
// SETRANGE: the new length, or kWrongType/kStringTooLong. REQUIRES: offset >= 0.
OpResult<int64_t> SetRange(Db& db, std::string_view key, int64_t offset, std::string_view value, int64_t max_len);
// GETRANGE's index rules on a string of length len: the [from, from+count) slice (count 0 = empty).
void RangeOf(int64_t len, int64_t start, int64_t end, int64_t* from, int64_t* count);

}  // namespace corvid
