#include "ds/lzf.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace corvid {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string Compress(const std::string& in, size_t cap) {
  std::string out(cap, '\0');
  out.resize(LzfCompress(in.data(), in.size(), out.data(), cap));
  return out;
}

std::string Decompress(const std::string& in, size_t cap) {
  std::string out(cap, '\0');
  out.resize(LzfDecompress(in.data(), in.size(), out.data(), cap));
  return out;
}

// Compressible text: words from a small vocabulary.
std::string Words(std::mt19937_64& rng, size_t n) {
  static const char* kWords[] = {"quick", "list", "node", "redis", "corvid", " ", "lzf", "\n", "0123", "zz"};
  std::string s;
  while (s.size() < n) s += kWords[rng() % 10];
  s.resize(n);
  return s;
}

// Streams produced by Redis 7.0.15's liblzf (the LZF-compressed strings in DUMP payloads).
TEST(LzfTest, DecompressesRedisOutput) {
  std::string bytes;
  for (int i = 0; i < 2; ++i)
    for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  std::string abc;
  for (int i = 0; i < 5; ++i) abc += "abcabcabcabcabcabcabcabcabcxyzxyzxyzabc";
  std::string hello;
  for (int i = 0; i < 10; ++i) hello += "hello world ";
  struct Case {
    std::string compressed, plain;
  } cases[] = {
      {FromHex("016161e05700016161"), std::string(100, 'a')},
      {FromHex("0c68656c6c6f20776f726c642068e0600b016420"), hello},
      {FromHex("1f000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f1f202122232425262728292a2b2c2d2e"
               "2f303132333435363738393a3b3c3d3e3f1f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e"
               "5f1f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f1f808182838485868788898a8b8c8d"
               "8e8f909192939495969798999a9b9c9d9e9f1fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbd"
               "bebf1fc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf1fe0e1e2e3e4e5e6e7e8e9eaebec"
               "edeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff0000e0f4ff01feff"),
       bytes},
      {FromHex("0361626361e00e020278797a8002e00f20801780232005800ee00f0520208002e00f20801780232005800ee00f0520208002"
               "2020"),
       abc},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Decompress(c.compressed, c.plain.size()), c.plain);
    // One byte short of room is a failure, not a truncated result.
    EXPECT_EQ(Decompress(c.compressed, c.plain.size() - 1), "");
    // Our own compression of the same text round-trips and is no worse than 10% over liblzf's.
    std::string mine = Compress(c.plain, c.plain.size());
    ASSERT_FALSE(mine.empty());
    EXPECT_LE(mine.size(), c.compressed.size() + c.compressed.size() / 10 + 2);
    EXPECT_EQ(Decompress(mine, c.plain.size()), c.plain);
  }
}

TEST(LzfTest, KnownEncodings) {
  // Short input: one literal run.
  EXPECT_EQ(Compress("ab", 16), FromHex("016162"));
  // A run of one byte: a literal, then one reference of distance 1 covering the rest (short and long form).
  EXPECT_EQ(Compress(std::string(9, 'x'), 16), FromHex("0078c000"));
  EXPECT_EQ(Compress(std::string(10, 'x'), 16), FromHex("0078e00000"));
  EXPECT_EQ(Compress(std::string(266, 'x'), 16), FromHex("0078e0ff000078"));
  // Literal runs are split every 32 bytes.
  std::string distinct;
  for (int i = 0; i < 40; ++i) distinct.push_back(static_cast<char>(i * 7));
  std::string c = Compress(distinct, 64);
  ASSERT_EQ(c.size(), 42u);
  EXPECT_EQ(static_cast<uint8_t>(c[0]), 31);
  EXPECT_EQ(static_cast<uint8_t>(c[33]), 7);
}

TEST(LzfTest, RoundTripsRandomAndCompressibleData) {
  std::mt19937_64 rng(7);
  for (size_t n : {1u, 2u, 3u, 4u, 31u, 32u, 33u, 64u, 100u, 1000u, 8191u, 8192u, 8193u, 20000u, 70000u, 300000u}) {
    std::string random(n, '\0');
    for (char& ch : random) ch = static_cast<char>(rng());
    std::string words = Words(rng, n);
    std::string runs;
    while (runs.size() < n) runs.append(1 + rng() % 300, static_cast<char>('a' + rng() % 3));
    runs.resize(n);
    for (const std::string* in : {&random, &words, &runs}) {
      // Room for incompressible input: liblzf's worst case is n + n/32 + 1.
      std::string c = Compress(*in, n + n / 32 + 2);
      ASSERT_FALSE(c.empty()) << n;
      EXPECT_EQ(Decompress(c, n), *in) << n;
      EXPECT_EQ(Compress(*in, n + n / 32 + 2), c) << "deterministic";
    }
    if (n >= 1000) {
      EXPECT_LT(Compress(words, n).size(), n / 2) << n;
      EXPECT_LT(Compress(runs, n).size(), n / 20) << n;
    }
  }
}

TEST(LzfTest, ReportsOutputThatDoesNotFit) {
  std::mt19937_64 rng(3);
  std::string random(1000, '\0');
  for (char& ch : random) ch = static_cast<char>(rng());
  EXPECT_EQ(LzfCompress(random.data(), random.size(), std::string(1000, '\0').data(), 1000), 0u);
  std::string words = Words(rng, 5000);
  std::string c = Compress(words, words.size());
  ASSERT_FALSE(c.empty());
  // Every capacity below the compressed size fails; the exact size succeeds.
  for (size_t cap = 0; cap < c.size(); cap += 1 + cap / 8) EXPECT_EQ(Compress(words, cap), "") << cap;
  EXPECT_EQ(Compress(words, c.size()), c);
  EXPECT_EQ(LzfCompress(words.data(), 0, c.data(), c.size()), 0u);
}

TEST(LzfTest, RejectsMalformedInput) {
  // A reference before the start of the output.
  EXPECT_EQ(Decompress(FromHex("00612005"), 100), "");
  EXPECT_EQ(Decompress(FromHex("2000"), 100), "");
  EXPECT_EQ(Decompress(FromHex("20"), 100), "");
  // Truncated literal run and truncated references.
  EXPECT_EQ(Decompress(FromHex("0561"), 100), "");
  EXPECT_EQ(Decompress(FromHex("0061e0"), 100), "");
  EXPECT_EQ(Decompress(FromHex("0061e005"), 100), "");
  EXPECT_EQ(Decompress(FromHex("006140"), 100), "");
  // Random garbage never reads or writes out of bounds (checked by the sanitizer build).
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20000; ++i) {
    std::string junk(1 + rng() % 64, '\0');
    for (char& ch : junk) ch = static_cast<char>(rng());
    std::vector<char> out(1 + rng() % 256);
    size_t n = LzfDecompress(junk.data(), junk.size(), out.data(), out.size());
    EXPECT_LE(n, out.size());
  }
  // Truncations of a valid stream either fail or decode a prefix of the text.
  std::string text = Words(rng, 3000);
  std::string c = Compress(text, text.size());
  for (size_t cut = 0; cut < c.size(); ++cut) {
    std::string got = Decompress(c.substr(0, cut), text.size());
    EXPECT_EQ(got, text.substr(0, got.size()));
  }
}

}  // namespace
}  // namespace corvid
