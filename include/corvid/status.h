// Outcomes of keyspace operations; the command layer turns them into Redis' error replies.
#pragma once
#include <cstdint>
#include <string_view>
#include <utility>

#include "corvid/errors.h"

namespace corvid {

enum class OpStatus : uint8_t {
  kOk,
  kKeyNotFound,
  kWrongType,
  kNotInteger,
  kNotFloat,
  kOverflow,
  kSyntax,
  kStringTooLong,
  kIncrNanOrInf,
  kOffsetOutOfRange,
  kSkipped,  // a condition (NX/XX...) was not met: not an error
};

// Redis' error text for a failed status. REQUIRES: s is an error (not kOk/kSkipped/kKeyNotFound).
constexpr std::string_view StatusMessage(OpStatus s) {
  switch (s) {
    case OpStatus::kWrongType: return err::kWrongType;
    case OpStatus::kNotInteger: return err::kNotInteger;
    case OpStatus::kNotFloat: return err::kNotFloat;
    case OpStatus::kOverflow: return err::kOverflow;
    case OpStatus::kStringTooLong: return err::kStringTooLong;
    case OpStatus::kIncrNanOrInf: return err::kIncrNanOrInf;
    case OpStatus::kOffsetOutOfRange: return err::kOffsetOutOfRange;
    case OpStatus::kKeyNotFound: return err::kNoSuchKey;
    default: return err::kSyntax;
  }
}

// A value or a failure status.
template <typename T>
class OpResult {
 public:
  OpResult(T v) : status_(OpStatus::kOk), value_(std::move(v)) {}  // NOLINT: implicit by design
  OpResult(OpStatus s) : status_(s), value_() {}                     // NOLINT
  bool ok() const { return status_ == OpStatus::kOk; }
  OpStatus status() const { return status_; }
  const T& value() const { return value_; }
  T& value() { return value_; }

 private:
  OpStatus status_;
  T value_;
};

}  // namespace corvid
