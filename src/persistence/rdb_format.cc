#include "persistence/rdb_format.h"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "ds/lzf.h"
#include "util/numeric.h"

namespace corvid::rdb {

namespace {

// The reflected form of the Jones polynomial: its 64 bits in reverse order.
constexpr uint64_t ReflectedPoly() {
  constexpr uint64_t kPoly = 0xad93d23594c935a9ULL;
  uint64_t r = 0;
  for (int i = 0; i < 64; ++i)
    if (kPoly & (uint64_t{1} << i)) r |= uint64_t{1} << (63 - i);
  return r;
}

// Slicing-by-8 tables: t[0] is the byte-at-a-time table, t[k][b] the CRC of b followed by k zero bytes.
struct CrcTables {
  std::array<std::array<uint64_t, 256>, 8> t;
  constexpr CrcTables() : t{} {
    constexpr uint64_t kRef = ReflectedPoly();
    for (uint64_t b = 0; b < 256; ++b) {
      uint64_t c = b;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kRef : c >> 1;
      t[0][b] = c;
    }
    for (size_t b = 0; b < 256; ++b)
      for (size_t k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFF];
  }
};
constexpr CrcTables kCrc;

// Redis' rdbEncodeInteger: the 11xxxxxx int encodings; returns the bytes written (0 if v needs more than 32 bits).
size_t EncodeInt(int64_t v, uint8_t* out) {
  if (v >= INT8_MIN && v <= INT8_MAX) {
    out[0] = 0xC0;
    out[1] = static_cast<uint8_t>(v);
    return 2;
  }
  if (v >= INT16_MIN && v <= INT16_MAX) {
    out[0] = 0xC1;
    out[1] = static_cast<uint8_t>(v);
    out[2] = static_cast<uint8_t>(v >> 8);
    return 3;
  }
  if (v >= INT32_MIN && v <= INT32_MAX) {
    out[0] = 0xC2;
    for (int i = 0; i < 4; ++i) out[1 + i] = static_cast<uint8_t>(v >> (8 * i));
    return 5;
  }
  return 0;
}

}  // namespace

uint64_t Crc64(uint64_t crc, const void* p, size_t n) {
  const auto* s = static_cast<const uint8_t*>(p);
  const auto& t = kCrc.t;
  while (n >= 8) {
    uint64_t w;
    memcpy(&w, s, 8);  // little-endian hosts only, as the rest of the RDB code
    crc ^= w;
    crc = t[7][crc & 0xFF] ^ t[6][(crc >> 8) & 0xFF] ^ t[5][(crc >> 16) & 0xFF] ^ t[4][(crc >> 24) & 0xFF] ^
          t[3][(crc >> 32) & 0xFF] ^ t[2][(crc >> 40) & 0xFF] ^ t[1][(crc >> 48) & 0xFF] ^ t[0][crc >> 56];
    s += 8;
    n -= 8;
  }
  while (n--) crc = t[0][(crc ^ *s++) & 0xFF] ^ (crc >> 8);
  return crc;
}

// ---- Writer ----

void Writer::Len(uint64_t len) {
  uint8_t b[9];
  if (len < (1 << 6)) {
    b[0] = static_cast<uint8_t>(len);
    buf_.append(reinterpret_cast<char*>(b), 1);
  } else if (len < (1 << 14)) {
    b[0] = static_cast<uint8_t>((len >> 8) | 0x40);
    b[1] = static_cast<uint8_t>(len);
    buf_.append(reinterpret_cast<char*>(b), 2);
  } else if (len <= UINT32_MAX) {
    b[0] = 0x80;
    for (int i = 0; i < 4; ++i) b[1 + i] = static_cast<uint8_t>(len >> (24 - 8 * i));
    buf_.append(reinterpret_cast<char*>(b), 5);
  } else {
    b[0] = 0x81;
    for (int i = 0; i < 8; ++i) b[1 + i] = static_cast<uint8_t>(len >> (56 - 8 * i));
    buf_.append(reinterpret_cast<char*>(b), 9);
  }
  MaybeFlush();
}

void Writer::String(std::string_view s, bool compress) {
  uint8_t enc[5];
  int64_t v;
  if (s.size() <= 11 && StringToInt64(s, &v)) {
    if (size_t n = EncodeInt(v, enc)) return Raw(std::string_view(reinterpret_cast<char*>(enc), n));
  }
  if (compress && s.size() > 20) {
    std::string out(s.size() - 4, '\0');
    if (size_t clen = LzfCompress(s.data(), s.size(), out.data(), out.size())) {
      Byte(0xC3);
      Len(clen);
      Len(s.size());
      return Raw(std::string_view(out.data(), clen));
    }
  }
  Len(s.size());
  Raw(s);
}

void Writer::IntString(int64_t v) {
  uint8_t enc[5];
  if (size_t n = EncodeInt(v, enc)) return Raw(std::string_view(reinterpret_cast<char*>(enc), n));
  char buf[kInt64Chars];
  size_t n = Int64ToChars(v, buf);
  Len(n);
  Raw(std::string_view(buf, n));
}

void Writer::BinaryDouble(double d) {
  uint64_t bits;
  memcpy(&bits, &d, 8);
  U64Le(bits);
}

void Writer::U64Le(uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  Raw(std::string_view(b, 8));
}

bool Writer::Flush() {
  if (fd_ < 0 || buf_.empty() || !ok_) return ok_;
  crc_ = Crc64(crc_, buf_.data(), buf_.size());
  size_t off = 0;
  while (off < buf_.size()) {
    ssize_t n = write(fd_, buf_.data() + off, buf_.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok_ = false;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  unsynced_ += buf_.size();
  buf_.clear();
  if (fsync_every_ && unsynced_ >= fsync_every_) {
    fdatasync(fd_);
    unsynced_ = 0;
  }
  return true;
}

uint64_t Writer::Crc() { return Crc64(crc_, buf_.data(), buf_.size()); }

// ---- Reader ----

bool Reader::Fail(std::string_view what) {
  if (error_.empty()) {
    error_ = what;
    error_offset_ = pos_;
  }
  return false;
}

bool Reader::Byte(uint8_t* b) {
  if (pos_ >= data_.size()) return Fail("Unexpected EOF reading RDB file");
  *b = static_cast<uint8_t>(data_[pos_++]);
  return true;
}

bool Reader::Raw(size_t n, std::string_view* out) {
  if (n > data_.size() - pos_) return Fail("Unexpected EOF reading RDB file");
  *out = data_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool Reader::Len(uint64_t* len, bool* encoded) {
  uint8_t b;
  if (!Byte(&b)) return false;
  if (encoded) *encoded = false;
  switch (b >> 6) {
    case 0:
      *len = b & 0x3F;
      return true;
    case 1: {
      uint8_t b2;
      if (!Byte(&b2)) return false;
      *len = (static_cast<uint64_t>(b & 0x3F) << 8) | b2;
      return true;
    }
    case 2: {
      int n = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
      if (n == 0) return Fail(fmt::format("Unknown length encoding {} in rdbLoadLen()", b));
      std::string_view s;
      if (!Raw(n, &s)) return false;
      uint64_t v = 0;
      for (char c : s) v = (v << 8) | static_cast<uint8_t>(c);
      *len = v;
      return true;
    }
    default:
      if (!encoded) return Fail("Unexpected encoded length");
      *encoded = true;
      *len = b & 0x3F;
      return true;
  }
}

bool Reader::String(std::string* out) {
  uint64_t len;
  bool encoded;
  if (!Len(&len, &encoded)) return false;
  std::string_view s;
  if (!encoded) {
    if (!Raw(len, &s)) return false;
    out->assign(s);
    return true;
  }
  int64_t v;
  switch (len) {
    case 0:
      if (!Raw(1, &s)) return false;
      v = static_cast<int8_t>(s[0]);
      break;
    case 1:
      if (!Raw(2, &s)) return false;
      v = static_cast<int16_t>(static_cast<uint8_t>(s[0]) | (static_cast<uint8_t>(s[1]) << 8));
      break;
    case 2: {
      if (!Raw(4, &s)) return false;
      uint32_t u = 0;
      for (int i = 3; i >= 0; --i) u = (u << 8) | static_cast<uint8_t>(s[i]);
      v = static_cast<int32_t>(u);
      break;
    }
    case 3: {
      uint64_t clen, ulen;
      if (!Len(&clen) || !Len(&ulen) || !Raw(clen, &s)) return false;
      if (ulen > (uint64_t{1} << 40)) return Fail("Invalid LZF string length");
      out->resize(ulen);
      if (ulen == 0 || LzfDecompress(s.data(), s.size(), out->data(), ulen) != ulen)
        return Fail("Invalid LZF compressed string");
      return true;
    }
    default:
      return Fail(fmt::format("Unknown RDB string encoding type {}", len));
  }
  char buf[kInt64Chars];
  out->assign(buf, Int64ToChars(v, buf));
  return true;
}

bool Reader::UintLe(int bytes, uint64_t* v) {
  std::string_view s;
  if (!Raw(static_cast<size_t>(bytes), &s)) return false;
  uint64_t r = 0;
  for (int i = bytes - 1; i >= 0; --i) r = (r << 8) | static_cast<uint8_t>(s[i]);
  *v = r;
  return true;
}

bool Reader::BinaryDouble(double* d) {
  uint64_t bits;
  if (!UintLe(8, &bits)) return false;
  memcpy(d, &bits, 8);
  return true;
}

bool Reader::OldDouble(double* d) {
  uint8_t len;
  if (!Byte(&len)) return false;
  if (len >= 253) {
    *d = len == 253 ? std::numeric_limits<double>::quiet_NaN()
                    : len == 254 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
    return true;
  }
  std::string_view s;
  if (!Raw(len, &s)) return false;
  std::string text(s);
  char* end;
  *d = strtod(text.c_str(), &end);
  return true;
}

void AppendDumpFooter(Writer& w) {
  w.Byte(static_cast<uint8_t>(kVersion));
  w.Byte(0);
  w.U64Le(w.Crc());
}

bool SplitDumpFooter(std::string_view payload, std::string_view* body) {
  constexpr size_t kFooter = 10;
  if (payload.size() < kFooter) return false;
  const auto* f = reinterpret_cast<const uint8_t*>(payload.data() + payload.size() - kFooter);
  int version = f[0] | (f[1] << 8);
  uint64_t crc = 0;
  for (int i = 9; i >= 2; --i) crc = (crc << 8) | f[i];
  if (version > kVersion || Crc64(0, payload.data(), payload.size() - 8) != crc) return false;
  *body = payload.substr(0, payload.size() - kFooter);
  return true;
}

}  // namespace corvid::rdb
