#include "persistence/aof_rewrite.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "db/hash_type.h"
#include "db/list_type.h"
#include "db/set_type.h"
#include "db/stream_type.h"
#include "db/zset_type.h"
#include "persistence/rdb_format.h"
#include "scripting/functions.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {
namespace {

// The expected texts below are the blocks Redis 7.0.15 wrote for the same dataset into its
// appendonly.aof.N.base.aof (BGREWRITEAOF with aof-use-rdb-preamble no), cut at key boundaries. The three
// long blocks (batched RPUSH / HMSET / SADD) are given by their length and CRC64 (Redis' crc64, computed
// from Redis' file).
constexpr std::string_view kFunctionCode =
    "#!lua name=mylib\nredis.register_function('f1', function(keys, args) return 1 end)";
constexpr std::string_view kHeader =
    "*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n$81\r\n#!lua name=mylib\nredis.register_function('f1', function(keys, "
    "args) return 1 end)\r\n"
    "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n";
constexpr std::string_view kDb3 =
    "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n"
    "*3\r\n$3\r\nSET\r\n$2\r\nd3\r\n$1\r\nx\r\n";
const std::vector<std::string_view> kKeyBlocks = {
    "*3\r\n$3\r\nSET\r\n$2\r\ns3\r\n$20\r\n-9223372036854775808\r\n",
    "*3\r\n$4\r\nSADD\r\n$2\r\nsh\r\n$3\r\nabc\r\n",
    "*3\r\n$3\r\nSET\r\n$2\r\ns1\r\n$5\r\nhello\r\n",
    "*28\r\n$4\r\nZADD\r\n$2\r\nz1\r\n$4\r\n-inf\r\n$1\r\nd\r\n$5\r\n-3.75\r\n$1\r\nk\r\n$1\r\n0\r\n$1\r\nh\r\n$23\r\n"
    "9.9998886718268301e-321\r\n$1\r\nl\r\n$22\r\n9.9999999999999995e-21\r\n$1\r\ng\r\n$19\r\n0.10000000000000001\r\n"
    "$1\r\ne\r\n$1\r\n1\r\n$1\r\na\r\n$3\r\n2.5\r\n$1\r\nb\r\n$15\r\n123456789012345\r\n$1\r\ni\r\n$5\r\n5e+17\r\n"
    "$1\r\nj\r\n$22\r\n4.6116860184273879e+18\r\n$2\r\n12\r\n$5\r\n1e+20\r\n$1\r\nf\r\n$3\r\ninf\r\n$1\r\nc\r\n",
    "*3\r\n$3\r\nSET\r\n$2\r\ns2\r\n$5\r\n12345\r\n",
    "*7\r\n$4\r\nXADD\r\n$5\r\nempty\r\n$6\r\nMAXLEN\r\n$1\r\n0\r\n$3\r\n0-1\r\n$1\r\nx\r\n$1\r\ny\r\n"
    "*7\r\n$6\r\nXSETID\r\n$5\r\nempty\r\n$3\r\n5-5\r\n$12\r\nENTRIESADDED\r\n$1\r\n1\r\n$12\r\nMAXDELETEDID\r\n$3\r\n"
    "5-5\r\n",
    "*7\r\n$4\r\nXADD\r\n$2\r\nst\r\n$3\r\n1-1\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"
    "*5\r\n$4\r\nXADD\r\n$2\r\nst\r\n$3\r\n2-0\r\n$1\r\nc\r\n$1\r\n5\r\n"
    "*7\r\n$4\r\nXADD\r\n$2\r\nst\r\n$3\r\n3-7\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nb\r\n$1\r\ny\r\n"
    "*7\r\n$6\r\nXSETID\r\n$2\r\nst\r\n$3\r\n3-7\r\n$12\r\nENTRIESADDED\r\n$1\r\n4\r\n$12\r\nMAXDELETEDID\r\n$3\r\n"
    "1-2\r\n"
    "*7\r\n$6\r\nXGROUP\r\n$6\r\nCREATE\r\n$2\r\nst\r\n$2\r\ng0\r\n$3\r\n2-0\r\n$11\r\nENTRIESREAD\r\n$1\r\n2\r\n"
    "*7\r\n$6\r\nXGROUP\r\n$6\r\nCREATE\r\n$2\r\nst\r\n$2\r\ng1\r\n$3\r\n2-0\r\n$11\r\nENTRIESREAD\r\n$2\r\n-1\r\n"
    "*12\r\n$6\r\nXCLAIM\r\n$2\r\nst\r\n$2\r\ng1\r\n$5\r\nalice\r\n$1\r\n0\r\n$3\r\n1-1\r\n$4\r\nTIME\r\n$13\r\n"
    "1700000000000\r\n$10\r\nRETRYCOUNT\r\n$1\r\n3\r\n$6\r\nJUSTID\r\n$5\r\nFORCE\r\n"
    "*12\r\n$6\r\nXCLAIM\r\n$2\r\nst\r\n$2\r\ng1\r\n$5\r\nalice\r\n$1\r\n0\r\n$3\r\n2-0\r\n$4\r\nTIME\r\n$13\r\n"
    "1700000000500\r\n$10\r\nRETRYCOUNT\r\n$1\r\n1\r\n$6\r\nJUSTID\r\n$5\r\nFORCE\r\n"
    "*5\r\n$6\r\nXGROUP\r\n$14\r\nCREATECONSUMER\r\n$2\r\nst\r\n$2\r\ng1\r\n$3\r\nbob\r\n",
    "*4\r\n$4\r\nZADD\r\n$2\r\nzs\r\n$2\r\n-0\r\n$80\r\n"
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n",
    "*4\r\n$5\r\nHMSET\r\n$2\r\nhh\r\n$5\r\nfield\r\n$100\r\n"
    "wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww\r\n",
    "*3\r\n$3\r\nSET\r\n$2\r\ne1\r\n$1\r\nv\r\n"
    "*3\r\n$9\r\nPEXPIREAT\r\n$2\r\ne1\r\n$13\r\n4102444800123\r\n",
};
struct LongBlock {
  std::string_view start;  // the block's first command header
  size_t len;
  uint64_t crc;
};
const std::vector<LongBlock> kLongBlocks = {
    {"*66\r\n$5\r\nRPUSH\r\n$2\r\nl1\r\n", 9898, 0xd87443d1d82f766eULL},
    {"*130\r\n$5\r\nHMSET\r\n$2\r\nh1\r\n", 1240, 0x60a6a52740097939ULL},
    {"*66\r\n$4\r\nSADD\r\n$2\r\nsi\r\n", 659, 0x6126aafbfa16c4ccULL},
};
// Size of Redis' whole file.
constexpr size_t kRedisFileSize = 13690;

class AofRewriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ResetConfigToDefaults();
    RegisterAllFamilies();  // every type's hooks
    InitDatabases(16);
    Srv().now_ms = 1'800'000'000'000;
  }
  void TearDown() override {
    FlushFunctions();
    InitDatabases(16);
    ResetConfigToDefaults();
  }

  // What AofWriteDatasetAsCommands writes, read back from a temporary file.
  static std::string Rewrite() {
    FILE* f = tmpfile();
    EXPECT_NE(f, nullptr);
    std::string err;
    EXPECT_TRUE(AofWriteDatasetAsCommands(fileno(f), &err)) << err;
    std::string out;
    rewind(f);
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof(buf), f)) > 0;) out.append(buf, n);
    fclose(f);
    return out;
  }

  // The dataset the expected texts come from (the same commands were run against Redis).
  static void BuildDataset() {
    std::string name, err;
    ASSERT_TRUE(LoadFunctionLibrary(kFunctionCode, false, &name, &err)) << err;
    Db& db = GetDb(0);
    db.Set("s1", Value::String("hello"));
    db.Set("s2", Value::String("12345"));
    db.Set("s3", Value::String("-9223372036854775808"));
    db.SetExpire(db.Set("e1", Value::String("v")), 4102444800123);

    std::vector<std::string> owned;
    auto views = [&] {
      return std::vector<std::string_view>(owned.begin(), owned.end());
    };
    for (int i = 0; i < 200; ++i) owned.push_back(i % 3 ? std::string(60, 'x') + std::to_string(i) : std::to_string(i - 50));
    ASSERT_TRUE(ListPush(db, "l1", views(), ListWhere::kTail, false).ok());
    owned.clear();
    for (int i = 0; i < 70; ++i) owned.push_back(std::to_string(i * 7 - 100));
    ASSERT_TRUE(SetAddMembers(db, "si", views()).ok());
    std::vector<std::string_view> abc = {"abc"};
    ASSERT_TRUE(SetAddMembers(db, "sh", abc).ok());
    owned.clear();
    for (int i = 0; i < 70; ++i) {
      owned.push_back(i % 2 ? "f" + std::to_string(i) : std::to_string(i));
      owned.push_back(i % 2 ? std::to_string(i * 3) : "v" + std::to_string(i));
    }
    ASSERT_TRUE(HashSetPairs(db, "h1", views()).ok());
    std::string wide(100, 'w');
    std::vector<std::string_view> hh = {"field", wide};
    ASSERT_TRUE(HashSetPairs(db, "hh", hh).ok());

    Value z1 = NewZset(1, 1);
    const std::pair<const char*, double> scores[] = {
        {"a", 1}, {"b", 2.5}, {"c", HUGE_VAL}, {"d", -HUGE_VAL}, {"e", 0.1}, {"f", 1e20}, {"g", 1e-20}, {"h", -0.0},
        {"i", 123456789012345}, {"j", 5e17}, {"k", -3.75}, {"12", 4611686018427387904.0}, {"l", 1e-320}};
    for (const auto& [m, s] : scores) ZsetAdd(z1, s, m, 0, nullptr);
    ASSERT_TRUE(ZsetIsListpack(z1));
    db.Add("z1", std::move(z1));
    std::string long_member(80, 'y');
    Value zs = NewZset(1, long_member.size());
    ZsetAdd(zs, -0.0, long_member, 0, nullptr);
    ASSERT_FALSE(ZsetIsListpack(zs));
    db.Add("zs", std::move(zs));

    Value sv = NewStreamValue();
    Stream* s = StreamOf(sv);
    auto add = [&](StreamID id, std::vector<std::string_view> fv) {
      ASSERT_EQ(StreamAppend(s, &id, true, true, fv, 0), XAddResult::kOk);
    };
    add({1, 1}, {"a", "1", "b", "2"});
    add({1, 2}, {"a", "3", "b", "4"});
    add({2, 0}, {"c", "5"});
    add({3, 7}, {"a", "x", "b", "y"});
    ASSERT_TRUE(StreamDelete(s, {1, 2}));
    StreamGroup* g1 = CreateGroup(s, "g1", {2, 0}, kInvalidEntriesRead);
    StreamConsumer* alice = CreateConsumer(g1, "alice", 0);
    GroupAddNack(g1, alice, {1, 1}, 1700000000000, 3);
    GroupAddNack(g1, alice, {2, 0}, 1700000000500, 1);
    CreateConsumer(g1, "bob", 0);
    CreateGroup(s, "g0", {2, 0}, 2);
    db.Add("st", std::move(sv));

    Value ev = NewStreamValue();
    StreamID id{5, 5};
    std::vector<std::string_view> xy = {"x", "y"};
    ASSERT_EQ(StreamAppend(StreamOf(ev), &id, true, true, xy, 0), XAddResult::kOk);
    ASSERT_TRUE(StreamDelete(StreamOf(ev), id));
    db.Add("empty", std::move(ev));

    GetDb(3).Set("d3", Value::String("x"));
  }
};

TEST_F(AofRewriteTest, MatchesRedisBaseFile) {
  BuildDataset();
  std::string out = Rewrite();
  // Functions and SELECT 0 first, db 3 last; keys in between in table order, each as Redis writes it.
  EXPECT_EQ(out.substr(0, kHeader.size()), kHeader);
  ASSERT_GE(out.size(), kDb3.size());
  EXPECT_EQ(out.substr(out.size() - kDb3.size()), kDb3);
  for (std::string_view block : kKeyBlocks) EXPECT_NE(out.find(block), std::string::npos) << block;
  for (const LongBlock& b : kLongBlocks) {
    size_t at = out.find(b.start);
    ASSERT_NE(at, std::string::npos) << b.start;
    ASSERT_LE(at + b.len, out.size());
    EXPECT_EQ(rdb::Crc64(0, out.data() + at, b.len), b.crc) << b.start;
  }
  EXPECT_EQ(out.size(), kRedisFileSize);
}

TEST_F(AofRewriteTest, EmptyDatasetIsEmptyAndTimestampComesFirst) {
  EXPECT_EQ(Rewrite(), "");
  Cfg().aof_timestamp_enabled = true;
  GetDb(1).Set("k", Value::String("v"));
  EXPECT_EQ(Rewrite(), "#TS:1800000000\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
}

TEST_F(AofRewriteTest, ListsGoInBatchesOf64) {
  Db& db = GetDb(0);
  std::vector<std::string> owned;
  for (int i = 0; i < 129; ++i) owned.push_back(std::to_string(i));
  std::vector<std::string_view> views(owned.begin(), owned.end());
  ASSERT_TRUE(ListPush(db, "l", views, ListWhere::kTail, false).ok());
  std::string out = Rewrite();
  // 129 elements: 64 + 64 + 1.
  size_t first = out.find("*66\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\n0\r\n");
  size_t second = out.find("*66\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$2\r\n64\r\n");
  size_t third = out.find("*3\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$3\r\n128\r\n");
  EXPECT_NE(first, std::string::npos);
  EXPECT_NE(second, std::string::npos);
  EXPECT_NE(third, std::string::npos);
  EXPECT_EQ(third + std::string_view("*3\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$3\r\n128\r\n").size(), out.size());
}

TEST_F(AofRewriteTest, WriteErrorIsReported) {
  GetDb(0).Set("k", Value::String(std::string(100000, 'v')));
  int fd = open("/dev/full", O_WRONLY);
  ASSERT_GE(fd, 0);
  std::string err;
  EXPECT_FALSE(AofWriteDatasetAsCommands(fd, &err));
  EXPECT_EQ(err, "No space left on device");
  close(fd);
}

}  // namespace
}  // namespace corvid
