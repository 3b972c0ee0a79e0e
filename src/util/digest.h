// The SHA1 mixing Redis' DEBUG DIGEST uses, so equal datasets give equal digests on Redis and corvid.
#pragma once
#include <cstddef>
#include <string>

namespace corvid {

using Digest = unsigned char[20];

// digest ^= SHA1(p, n).
void XorDigest(Digest d, const void* p, size_t n);
// digest = SHA1(digest ^ SHA1(p, n)).
void MixDigest(Digest d, const void* p, size_t n);
// 40 lower-case hex characters.
std::string DigestHex(const Digest d);

}  // namespace corvid
