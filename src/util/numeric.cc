#include "util/numeric.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace corvid {
namespace {

constexpr uint64_t kUInt64Max = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kInt64MaxAsU = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// Redis' parsers test the first byte with isspace() in the C locale (Redis never changes LC_CTYPE).
bool IsCSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Parses p[0..n) as a decimal magnitude whose first digit is 1-9 (the caller handles "0" and signs).
// Returns false on a non-digit or on overflow past UINT64_MAX.
bool ParseMagnitude(const char* p, size_t n, uint64_t* v) {
  if (n == 0 || p[0] < '1' || p[0] > '9') return false;
  uint64_t acc = static_cast<uint64_t>(p[0] - '0');
  for (size_t i = 1; i < n; ++i) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(p[i])) - '0';
    if (d > 9) return false;
    if (acc > kUInt64Max / 10) return false;
    acc *= 10;
    if (acc > kUInt64Max - d) return false;
    acc += d;
  }
  *v = acc;
  return true;
}

// A NUL-terminated copy of a string_view for the strto* family: inline for short inputs, heap otherwise.
class CString {
 public:
  explicit CString(std::string_view s) {
    if (s.size() < sizeof(inline_)) {
      memcpy(inline_, s.data(), s.size());
      inline_[s.size()] = '\0';
      ptr_ = inline_;
    } else {
      heap_.assign(s.data(), s.size());
      ptr_ = heap_.c_str();
    }
  }
  CString(const CString&) = delete;
  CString& operator=(const CString&) = delete;
  const char* get() const { return ptr_; }

 private:
  char inline_[128];
  std::string heap_;
  const char* ptr_;
};

constexpr char kDigitPairs[] =
    "00010203040506070809"
    "10111213141516171819"
    "20212223242526272829"
    "30313233343536373839"
    "40414243444546474849"
    "50515253545556575859"
    "60616263646566676869"
    "70717273747576777879"
    "80818283848586878889"
    "90919293949596979899";

size_t DecimalDigits(uint64_t v) {
  size_t n = 1;
  for (;;) {
    if (v < 10) return n;
    if (v < 100) return n + 1;
    if (v < 1000) return n + 2;
    if (v < 10000) return n + 3;
    v /= 10000;
    n += 4;
  }
}

size_t WriteInfinity(bool negative, char* buf) {
  if (negative) {
    memcpy(buf, "-inf", 5);
    return 4;
  }
  memcpy(buf, "inf", 4);
  return 3;
}

}  // namespace

bool StringToInt64(std::string_view s, int64_t* out) {
  const size_t n = s.size();
  if (n == 0 || n >= kInt64Chars) return false;
  const char* p = s.data();
  if (n == 1 && p[0] == '0') {
    if (out != nullptr) *out = 0;
    return true;
  }
  const bool negative = p[0] == '-';
  uint64_t mag;
  if (negative) {
    if (!ParseMagnitude(p + 1, n - 1, &mag)) return false;
    if (mag > kInt64MaxAsU + 1) return false;
    if (out != nullptr) *out = static_cast<int64_t>(0 - mag);  // modular: 2^63 -> INT64_MIN
  } else {
    if (!ParseMagnitude(p, n, &mag)) return false;
    if (mag > kInt64MaxAsU) return false;
    if (out != nullptr) *out = static_cast<int64_t>(mag);
  }
  return true;
}

bool StringToUInt64(std::string_view s, uint64_t* out) {
  const size_t n = s.size();
  if (n == 0 || n >= kInt64Chars) return false;
  if (n == 1 && s[0] == '0') {
    if (out != nullptr) *out = 0;
    return true;
  }
  uint64_t v;
  if (!ParseMagnitude(s.data(), n, &v)) return false;
  if (out != nullptr) *out = v;
  return true;
}

bool StringToUInt64Lenient(std::string_view s, uint64_t* out) {
  const size_t nul = s.find('\0');
  if (nul != std::string_view::npos) s = s.substr(0, nul);
  int64_t ll;
  if (StringToInt64(s, &ll)) {
    if (ll < 0) return false;
    if (out != nullptr) *out = static_cast<uint64_t>(ll);
    return true;
  }
  if (s.empty()) return false;
  const CString c(s);
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = strtoull(c.get(), &end, 10);
  if (errno == EINVAL || errno == ERANGE || *end != '\0') return false;
  if (out != nullptr) *out = static_cast<uint64_t>(v);
  return true;
}

bool StringToLongDouble(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= kLongDoubleChars) return false;
  char buf[kLongDoubleChars];
  memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  if (IsCSpace(buf[0])) return false;
  char* end = nullptr;
  errno = 0;
  const long double v = strtold(buf, &end);
  if (static_cast<size_t>(end - buf) != s.size()) return false;
  if (errno == ERANGE && (std::isinf(v) || v == 0)) return false;
  if (errno == EINVAL || std::isnan(v)) return false;
  if (out != nullptr) *out = v;
  return true;
}

bool StringToDouble(std::string_view s, double* out) {
  if (s.empty() || IsCSpace(s[0])) return false;
  const CString c(s);
  char* end = nullptr;
  errno = 0;
  const double v = strtod(c.get(), &end);
  if (static_cast<size_t>(end - c.get()) != s.size()) return false;
  if (errno == ERANGE && (std::isinf(v) || v == 0)) return false;
  if (std::isnan(v)) return false;
  if (out != nullptr) *out = v;
  return true;
}

size_t UInt64ToChars(uint64_t v, char* buf) {
  const size_t len = DecimalDigits(v);
  char* p = buf + len;
  while (v >= 100) {
    const size_t i = static_cast<size_t>(v % 100) * 2;
    v /= 100;
    *--p = kDigitPairs[i + 1];
    *--p = kDigitPairs[i];
  }
  if (v < 10) {
    *--p = static_cast<char>('0' + v);
  } else {
    const size_t i = static_cast<size_t>(v) * 2;
    *--p = kDigitPairs[i + 1];
    *--p = kDigitPairs[i];
  }
  return len;
}

size_t Int64ToChars(int64_t v, char* buf) {
  if (v >= 0) return UInt64ToChars(static_cast<uint64_t>(v), buf);
  buf[0] = '-';
  return 1 + UInt64ToChars(0 - static_cast<uint64_t>(v), buf + 1);
}

size_t FormatDouble(double d, char* buf) {
  if (std::isinf(d)) return WriteInfinity(d < 0, buf);
  const int n = snprintf(buf, kDoubleChars, "%.17g", d);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

size_t FormatLongDouble(long double v, char* buf, LdMode mode) {
  if (std::isinf(v)) return WriteInfinity(v < 0, buf);
  const int n = mode == LdMode::kHuman ? snprintf(buf, kLongDoubleChars, "%.17Lf", v)
                                        : snprintf(buf, kLongDoubleChars, "%.17Lg", v);
  if (n <= 0 || static_cast<size_t>(n) >= kLongDoubleChars) {  // cannot happen for a finite long double
    buf[0] = '\0';
    return 0;
  }
  size_t len = static_cast<size_t>(n);
  if (mode == LdMode::kHuman) {
    if (memchr(buf, '.', len) != nullptr) {
      while (buf[len - 1] == '0') --len;
      if (buf[len - 1] == '.') --len;
    }
    if (len == 2 && buf[0] == '-' && buf[1] == '0') {
      buf[0] = '0';
      len = 1;
    }
    buf[len] = '\0';
  }
  return len;
}

}  // namespace corvid
