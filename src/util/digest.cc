#include "util/digest.h"

#include <openssl/evp.h>

namespace corvid {

namespace {
void Sha1(const void* p, size_t n, unsigned char out[20]) {
  unsigned int len = 20;
  EVP_Digest(p, n, out, &len, EVP_sha1(), nullptr);
}
}  // namespace

void XorDigest(Digest d, const void* p, size_t n) {
  unsigned char h[20];
  Sha1(p, n, h);
  for (int i = 0; i < 20; ++i) d[i] ^= h[i];
}

void MixDigest(Digest d, const void* p, size_t n) {
  XorDigest(d, p, n);
  Sha1(d, 20, d);
}

std::string DigestHex(const Digest d) {
  static const char kHex[] = "0123456789abcdef";
  std::string s(40, '0');
  for (int i = 0; i < 20; ++i) {
    s[2 * i] = kHex[d[i] >> 4];
    s[2 * i + 1] = kHex[d[i] & 15];
  }
  return s;
}

}  // namespace corvid
