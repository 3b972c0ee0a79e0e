#include "scripting/rdb_string.h"

#include <array>
#include <vector>

#include "ds/lzf.h"

namespace corvid {

namespace {

constexpr uint64_t kCrc64Poly = 0x95ac9329ac4bc9b5ULL;  // Jones, reflected

const std::array<uint64_t, 256>& Crc64Table() {
  static const std::array<uint64_t, 256> table = [] {
    std::array<uint64_t, 256> t{};
    for (uint64_t i = 0; i < 256; ++i) {
      uint64_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kCrc64Poly : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  return table;
}

void AppendLen(std::string* out, uint64_t len) {
  if (len < 64) {
    out->push_back(static_cast<char>(len));
  } else if (len < 16384) {
    out->push_back(static_cast<char>(0x40 | (len >> 8)));
    out->push_back(static_cast<char>(len & 0xff));
  } else if (len <= UINT32_MAX) {
    out->push_back(static_cast<char>(0x80));
    for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((len >> shift) & 0xff));
  } else {
    out->push_back(static_cast<char>(0x81));
    for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>((len >> shift) & 0xff));
  }
}

// Reads a length; *encoded is set (with the encoding in *len) for the 11xxxxxx special encodings.
bool ReadLen(std::string_view* in, uint64_t* len, bool* encoded) {
  if (in->empty()) return false;
  uint8_t b = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  *encoded = false;
  switch (b >> 6) {
    case 0:
      *len = b & 0x3f;
      return true;
    case 1:
      if (in->empty()) return false;
      *len = (static_cast<uint64_t>(b & 0x3f) << 8) | static_cast<uint8_t>((*in)[0]);
      in->remove_prefix(1);
      return true;
    case 3:
      *encoded = true;
      *len = b & 0x3f;
      return true;
    default: {
      size_t n = b == 0x80 ? 4 : b == 0x81 ? 8 : 0;
      if (n == 0 || in->size() < n) return false;
      uint64_t v = 0;
      for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>((*in)[i]);
      in->remove_prefix(n);
      *len = v;
      return true;
    }
  }
}

}  // namespace

uint64_t Crc64(uint64_t crc, std::string_view data) {
  const auto& t = Crc64Table();
  for (unsigned char ch : data) crc = t[(crc ^ ch) & 0xff] ^ (crc >> 8);
  return crc;
}

void RdbAppendString(std::string* out, std::string_view s) {
  if (s.size() > 20) {
    std::vector<char> buf(s.size() - 4 + 1);
    size_t n = LzfCompress(s.data(), s.size(), buf.data(), s.size() - 4);
    if (n > 0) {
      out->push_back(static_cast<char>(0xC3));
      AppendLen(out, n);
      AppendLen(out, s.size());
      out->append(buf.data(), n);
      return;
    }
  }
  AppendLen(out, s.size());
  out->append(s);
}

bool RdbReadString(std::string_view* in, std::string* out) {
  uint64_t len;
  bool encoded;
  if (!ReadLen(in, &len, &encoded)) return false;
  if (!encoded) {
    if (in->size() < len) return false;
    out->assign(in->substr(0, len));
    in->remove_prefix(len);
    return true;
  }
  if (len <= 2) {  // 8, 16 or 32-bit little-endian integer
    size_t n = size_t{1} << len;
    if (in->size() < n) return false;
    uint32_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
    int64_t value = n == 1 ? static_cast<int8_t>(v) : n == 2 ? static_cast<int16_t>(v) : static_cast<int32_t>(v);
    in->remove_prefix(n);
    *out = std::to_string(value);
    return true;
  }
  if (len != 3) return false;
  uint64_t clen, ulen;
  if (!ReadLen(in, &clen, &encoded) || encoded || !ReadLen(in, &ulen, &encoded) || encoded) return false;
  if (in->size() < clen || ulen > (uint64_t{1} << 32)) return false;
  out->resize(ulen);
  if (ulen > 0 && LzfDecompress(in->data(), clen, out->data(), ulen) != ulen) return false;
  in->remove_prefix(clen);
  return true;
}

void RdbAppendFooter(std::string* out) {
  out->push_back(static_cast<char>(kRdbVersion & 0xff));
  out->push_back(static_cast<char>(kRdbVersion >> 8));
  uint64_t crc = Crc64(0, *out);
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
}

bool RdbVerifyFooter(std::string_view payload, std::string_view* body) {
  if (payload.size() < 10) return false;
  const unsigned char* f = reinterpret_cast<const unsigned char*>(payload.data() + payload.size() - 10);
  uint16_t version = static_cast<uint16_t>(f[0] | (f[1] << 8));
  if (version > kRdbVersion) return false;
  uint64_t crc = 0;
  for (int i = 0; i < 8; ++i) crc |= static_cast<uint64_t>(f[2 + i]) << (8 * i);
  if (Crc64(0, payload.substr(0, payload.size() - 8)) != crc) return false;
  *body = payload.substr(0, payload.size() - 10);
  return true;
}

}  // namespace corvid
