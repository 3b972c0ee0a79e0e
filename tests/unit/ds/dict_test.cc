#include "ds/dict.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace corvid {
namespace {

struct TestNode {
  TestNode* next = nullptr;
  uint64_t key = 0;
  uint64_t value = 0;
};

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A well-mixed hash.
struct GoodTraits {
  using Key = uint64_t;
  static uint64_t Hash(uint64_t k) { return SplitMix(k); }
  static uint64_t NodeHash(const TestNode& n) { return SplitMix(n.key); }
  static bool Equal(const TestNode& n, uint64_t k) { return n.key == k; }
};

// A terrible hash: only 5 distinct values, so chains get long whatever the table size.
struct CollidingTraits {
  using Key = uint64_t;
  static uint64_t Hash(uint64_t k) { return k % 5; }
  static uint64_t NodeHash(const TestNode& n) { return n.key % 5; }
  static bool Equal(const TestNode& n, uint64_t k) { return n.key == k; }
};

// A hash that keeps the key's low bits, so tests can place nodes in chosen buckets.
struct IdentityTraits {
  using Key = uint64_t;
  static uint64_t Hash(uint64_t k) { return k; }
  static uint64_t NodeHash(const TestNode& n) { return n.key; }
  static bool Equal(const TestNode& n, uint64_t k) { return n.key == k; }
};

// Owns the nodes of one dict and mirrors its content in a std::unordered_map.
template <typename Traits>
class Harness {
 public:
  using D = Dict<TestNode, Traits>;
  ~Harness() {
    dict.Clear([](TestNode*) {});
  }

  bool Contains(uint64_t k) const { return model.count(k) != 0; }

  TestNode* Insert(uint64_t k, uint64_t v = 0) {
    auto node = std::make_unique<TestNode>();
    node->key = k;
    node->value = v;
    TestNode* raw = node.get();
    dict.Insert(raw);
    model.emplace(k, std::move(node));
    return raw;
  }

  // Unlinks k through the dict and checks it returned the right node.
  void Remove(uint64_t k) {
    auto it = model.find(k);
    ASSERT_NE(it, model.end());
    TestNode* got = dict.Unlink(k);
    ASSERT_EQ(got, it->second.get());
    model.erase(it);
  }

  D dict;
  std::unordered_map<uint64_t, std::unique_ptr<TestNode>> model;
};

template <typename Traits>
std::multiset<uint64_t> AllKeys(const Dict<TestNode, Traits>& d) {
  std::multiset<uint64_t> out;
  d.ForEach([&](TestNode* n) { out.insert(n->key); });
  return out;
}

template <typename Traits>
void ExpectMatchesModel(Harness<Traits>& h) {
  ASSERT_EQ(h.dict.size(), h.model.size());
  std::multiset<uint64_t> keys = AllKeys(h.dict);
  ASSERT_EQ(keys.size(), h.model.size());
  for (const auto& [k, node] : h.model) {
    ASSERT_EQ(keys.count(k), 1u) << "key " << k;
    ASSERT_EQ(h.dict.Find(k), node.get()) << "key " << k;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Basic operations against a model.

TEST(DictTest, EmptyDict) {
  Dict<TestNode, GoodTraits> d;
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(d.BucketCount(), 0u);
  EXPECT_EQ(d.BucketBytes(), 0u);
  EXPECT_FALSE(d.IsRehashing());
  EXPECT_EQ(d.Find(1), nullptr);
  EXPECT_EQ(d.Unlink(1), nullptr);
  TestNode stray;
  stray.key = 1;
  EXPECT_FALSE(d.UnlinkNode(&stray));
  std::mt19937_64 rng(1);
  EXPECT_EQ(d.Random(rng), nullptr);
  TestNode* out[4];
  EXPECT_EQ(d.Sample(out, 4, rng), 0u);
  int calls = 0;
  EXPECT_EQ(d.Scan(0, [&](TestNode*) { ++calls; }), 0u);
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(d.Rehash(10));
}

TEST(DictTest, FirstInsertAllocatesFourBuckets) {
  Harness<GoodTraits> h;
  h.Insert(7);
  EXPECT_EQ(h.dict.BucketCount(), 4u);
  EXPECT_EQ(h.dict.BucketBytes(), 4 * sizeof(TestNode*));
  EXPECT_FALSE(h.dict.IsRehashing());
}

// Growth starts when an insert finds used >= buckets, to the next power of two above used (Redis'
// _dictExpandIfNeeded + _dictExpand(used + 1)).
TEST(DictTest, GrowsWhenFull) {
  Harness<GoodTraits> h;
  for (uint64_t k = 0; k < 4; ++k) h.Insert(k);
  EXPECT_FALSE(h.dict.IsRehashing());
  EXPECT_EQ(h.dict.BucketCount(), 4u);
  h.Insert(4);  // used == 4 == size: grow to 8
  EXPECT_TRUE(h.dict.IsRehashing());
  EXPECT_EQ(h.dict.BucketCount(), 4u + 8u);
  while (h.dict.Rehash(1)) {
  }
  EXPECT_EQ(h.dict.BucketCount(), 8u);
  ExpectMatchesModel(h);
}

TEST(DictTest, InsertFindUnlinkMatchesUnorderedMap100k) {
  Harness<GoodTraits> h;
  std::mt19937_64 rng(12345);
  std::vector<uint64_t> live;  // keys in the model, for picking random present keys
  std::unordered_map<uint64_t, size_t> pos;
  auto add_live = [&](uint64_t k) {
    pos[k] = live.size();
    live.push_back(k);
  };
  auto drop_live = [&](uint64_t k) {
    size_t i = pos[k];
    pos[live.back()] = i;
    live[i] = live.back();
    live.pop_back();
    pos.erase(k);
  };
  for (uint64_t k = 0; k < 100000; ++k) {
    h.Insert(k * 2654435761u, k);
    add_live(k * 2654435761u);
  }
  ASSERT_EQ(h.dict.size(), 100000u);
  ExpectMatchesModel(h);

  // Random mixture over a key space twice the size of the live set.
  for (int op = 0; op < 200000; ++op) {
    uint64_t k = (rng() % 200000) * 2654435761u;
    switch (rng() % 3) {
      case 0:
        if (!h.Contains(k)) {
          h.Insert(k, op);
          add_live(k);
        }
        break;
      case 1: {
        TestNode* n = h.dict.Find(k);
        if (h.Contains(k)) {
          ASSERT_EQ(n, h.model[k].get());
        } else {
          ASSERT_EQ(n, nullptr);
        }
        break;
      }
      case 2:
        if (h.Contains(k)) {
          h.Remove(k);
          drop_live(k);
        } else {
          ASSERT_EQ(h.dict.Unlink(k), nullptr);
        }
        break;
    }
    if (op % 50000 == 0) {
      ASSERT_EQ(h.dict.size(), h.model.size());
    }
  }
  ExpectMatchesModel(h);

  // Remove everything through UnlinkNode.
  for (uint64_t k : live) {
    TestNode* n = h.model[k].get();
    ASSERT_TRUE(h.dict.UnlinkNode(n));
    ASSERT_FALSE(h.dict.UnlinkNode(n));
  }
  EXPECT_EQ(h.dict.size(), 0u);
  EXPECT_EQ(AllKeys(h.dict).size(), 0u);
  for (uint64_t k : live) ASSERT_EQ(h.dict.Find(k), nullptr);
}

TEST(DictTest, CollidingHashesStillCorrect) {
  Harness<CollidingTraits> h;
  for (uint64_t k = 0; k < 2000; ++k) h.Insert(k);
  ExpectMatchesModel(h);
  for (uint64_t k = 0; k < 2000; k += 3) h.Remove(k);
  ExpectMatchesModel(h);
  // Unlinking from the middle and the end of a long chain.
  TestNode* mid = h.model[1000].get();
  ASSERT_TRUE(h.dict.UnlinkNode(mid));
  h.model.erase(1000);
  ExpectMatchesModel(h);
}

// Every node can be found, unlinked and re-inserted while a grow is half-way through.
TEST(DictTest, OperationsDuringGrowRehash) {
  Harness<GoodTraits> h;
  uint64_t k = 0;
  while (h.dict.size() < 1000 || !h.dict.IsRehashing()) h.Insert(k++);
  ASSERT_TRUE(h.dict.IsRehashing());
  const size_t before_buckets = h.dict.BucketCount();
  // Step the rehash one bucket at a time; after each step every key is still there and a few lookups (each of
  // which also moves a bucket) find their node in whichever table holds it.
  std::mt19937_64 rng(3);
  for (int step = 0; step < 20; ++step) {
    h.dict.Rehash(1);
    ASSERT_EQ(AllKeys(h.dict).size(), h.model.size());
    for (int i = 0; i < 10; ++i) {
      uint64_t key = rng() % k;
      ASSERT_EQ(h.dict.Find(key), h.model[key].get());
    }
    ASSERT_EQ(h.dict.size(), h.model.size());
  }
  // 1025 nodes in 1024 buckets (~650 non-empty); 220 bucket moves leave the grow unfinished.
  ASSERT_TRUE(h.dict.IsRehashing());
  ASSERT_EQ(h.dict.BucketCount(), before_buckets);
  // Mutations in the middle of the rehash.
  for (uint64_t j = 0; j < 200; ++j) h.Remove(j);
  for (uint64_t j = 0; j < 100; ++j) h.Insert(j + 1000000);
  ExpectMatchesModel(h);
  while (h.dict.Rehash(100)) {
  }
  EXPECT_FALSE(h.dict.IsRehashing());
  ExpectMatchesModel(h);
}

TEST(DictTest, ShrinkIfSparseThenRehash) {
  Harness<GoodTraits> h;
  for (uint64_t k = 0; k < 1000; ++k) h.Insert(k);
  while (h.dict.Rehash(100)) {
  }
  ASSERT_EQ(h.dict.BucketCount(), 1024u);

  // Not sparse: nothing happens.
  h.dict.ShrinkIfSparse();
  EXPECT_FALSE(h.dict.IsRehashing());
  EXPECT_EQ(h.dict.BucketCount(), 1024u);

  // 127 * 8 < 1024 → sparse.
  for (uint64_t k = 127; k < 1000; ++k) h.Remove(k);
  while (h.dict.Rehash(100)) {
  }
  ASSERT_EQ(h.dict.size(), 127u);
  h.dict.ShrinkIfSparse();
  ASSERT_TRUE(h.dict.IsRehashing());
  EXPECT_EQ(h.dict.BucketCount(), 1024u + 128u);
  // Everything stays reachable while the shrink moves buckets, and ForEach sees both tables.
  for (int i = 0; i < 5; ++i) {
    h.dict.Rehash(1);
    ExpectMatchesModel(h);
  }
  while (h.dict.Rehash(1)) {
  }
  EXPECT_EQ(h.dict.BucketCount(), 128u);
  ExpectMatchesModel(h);
  // A second call does nothing: 127 * 8 >= 128.
  h.dict.ShrinkIfSparse();
  EXPECT_FALSE(h.dict.IsRehashing());
}

TEST(DictTest, ShrinkBoundary) {
  Harness<GoodTraits> h;
  for (uint64_t k = 0; k < 64; ++k) h.Insert(k);
  while (h.dict.Rehash(100)) {
  }
  ASSERT_EQ(h.dict.BucketCount(), 64u);
  for (uint64_t k = 8; k < 64; ++k) h.Remove(k);
  while (h.dict.Rehash(100)) {
  }
  h.dict.ShrinkIfSparse();  // 8 * 8 == 64: not below 1/8
  EXPECT_FALSE(h.dict.IsRehashing());
  h.Remove(7);
  h.dict.ShrinkIfSparse();  // 7 * 8 < 64
  EXPECT_TRUE(h.dict.IsRehashing());
  while (h.dict.Rehash(100)) {
  }
  EXPECT_EQ(h.dict.BucketCount(), 8u);
  ExpectMatchesModel(h);
}

TEST(DictTest, ShrinkNeverGoesBelowFourBuckets) {
  Harness<GoodTraits> h;
  for (uint64_t k = 0; k < 100; ++k) h.Insert(k);
  for (uint64_t k = 0; k < 100; ++k) h.Remove(k);
  while (h.dict.Rehash(100)) {
  }
  h.dict.ShrinkIfSparse();
  while (h.dict.Rehash(100)) {
  }
  EXPECT_EQ(h.dict.BucketCount(), 4u);
  h.dict.ShrinkIfSparse();
  EXPECT_FALSE(h.dict.IsRehashing());
  h.Insert(5);
  ExpectMatchesModel(h);
}

TEST(DictTest, ResizeDisallowedGrowsOnlyWhenFiveTimesOverfull) {
  Harness<GoodTraits> h;
  h.dict.set_resize_allowed(false);
  for (uint64_t k = 0; k < 24; ++k) h.Insert(k);
  EXPECT_FALSE(h.dict.IsRehashing());
  EXPECT_EQ(h.dict.BucketCount(), 4u);  // 23 / 4 == 5 is not > 5
  h.Insert(24);                          // 24 / 4 == 6 > 5
  EXPECT_TRUE(h.dict.IsRehashing());
  while (h.dict.Rehash(100)) {
  }
  EXPECT_EQ(h.dict.BucketCount(), 32u);
  ExpectMatchesModel(h);
  h.dict.set_resize_allowed(true);
  for (uint64_t k = 25; k < 33; ++k) h.Insert(k);
  EXPECT_TRUE(h.dict.IsRehashing());
}

TEST(DictTest, RehashBoundsEmptyBucketVisits) {
  // Two nodes at the two ends of a 1024-bucket table: one Rehash(1) call may visit at most 10 empty buckets.
  Harness<IdentityTraits> h;
  for (uint64_t k = 0; k < 1024; ++k) h.Insert(k);
  while (h.dict.Rehash(100)) {
  }
  for (uint64_t k = 1; k < 1023; ++k) h.Remove(k);
  while (h.dict.Rehash(100)) {
  }
  ASSERT_EQ(h.dict.BucketCount(), 1024u);
  h.dict.ShrinkIfSparse();
  ASSERT_TRUE(h.dict.IsRehashing());
  // First call moves bucket 0 (key 0).
  EXPECT_TRUE(h.dict.Rehash(1));
  // Then 1021 empty buckets lie before key 1023: ~103 calls of at most 10 empty visits each.
  int calls = 0;
  while (h.dict.Rehash(1)) ++calls;
  EXPECT_GE(calls, 100);
  EXPECT_LE(calls, 110);
  ExpectMatchesModel(h);
}

// ---------------------------------------------------------------------------------------------------------
// ForEach / Clear.

TEST(DictTest, ForEachDuringRehashSeesEveryNodeOnce) {
  Harness<GoodTraits> h;
  uint64_t k = 0;
  while (h.dict.size() < 500 || !h.dict.IsRehashing()) h.Insert(k++);
  h.dict.Rehash(3);
  ASSERT_TRUE(h.dict.IsRehashing());
  ExpectMatchesModel(h);
}

TEST(DictTest, ClearDestroysEveryNodeOnceAndFreesBuckets) {
  Dict<TestNode, GoodTraits> d;
  std::set<TestNode*> alive;
  for (uint64_t k = 0; k < 3000; ++k) {
    auto* n = new TestNode;
    n->key = k;
    d.Insert(n);
    alive.insert(n);
  }
  // Clear in the middle of a rehash.
  while (!d.IsRehashing()) {
    auto* n = new TestNode;
    n->key = 100000 + alive.size();
    d.Insert(n);
    alive.insert(n);
  }
  const size_t inserted = alive.size();
  ASSERT_EQ(d.size(), inserted);
  size_t destroyed = 0;
  d.Clear([&](TestNode* n) {
    ASSERT_EQ(alive.erase(n), 1u) << "destroyed twice or never inserted";
    ++destroyed;
    delete n;
  });
  EXPECT_TRUE(alive.empty());
  EXPECT_EQ(destroyed, inserted);
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(d.BucketCount(), 0u);
  EXPECT_FALSE(d.IsRehashing());
  EXPECT_EQ(d.Find(1), nullptr);
  // Usable again.
  TestNode n;
  n.key = 42;
  d.Insert(&n);
  EXPECT_EQ(d.Find(42), &n);
  EXPECT_EQ(d.BucketCount(), 4u);
  d.Clear([](TestNode*) {});
}

// ---------------------------------------------------------------------------------------------------------
// SCAN.

template <typename Traits>
std::multiset<uint64_t> FullScan(Dict<TestNode, Traits>& d) {
  std::multiset<uint64_t> seen;
  uint64_t cursor = 0;
  size_t calls = 0;
  do {
    cursor = d.Scan(cursor, [&](TestNode* n) { seen.insert(n->key); });
    ++calls;
  } while (cursor != 0 && calls < 10'000'000);
  EXPECT_EQ(cursor, 0u) << "scan did not terminate";
  return seen;
}

TEST(DictScanTest, StableTableReturnsEachElementExactlyOnce) {
  for (size_t n : {1u, 3u, 4u, 5u, 100u, 1000u, 4097u}) {
    Harness<GoodTraits> h;
    for (uint64_t k = 0; k < n; ++k) h.Insert(k);
    while (h.dict.Rehash(100)) {
    }
    std::multiset<uint64_t> seen = FullScan(h.dict);
    ASSERT_EQ(seen.size(), n);
    for (uint64_t k = 0; k < n; ++k) ASSERT_EQ(seen.count(k), 1u) << "n=" << n << " k=" << k;
  }
}

TEST(DictScanTest, VisitsBucketsInReverseBinaryOrder) {
  // Identity hash on an 8-bucket table: key b lives in bucket b. Cursor order: 0 4 2 6 1 5 3 7.
  Harness<IdentityTraits> h;
  for (uint64_t k = 0; k < 8; ++k) h.Insert(k);
  while (h.dict.Rehash(100)) {
  }
  ASSERT_EQ(h.dict.BucketCount(), 8u);
  std::vector<uint64_t> order, cursors;
  uint64_t cursor = 0;
  do {
    cursor = h.dict.Scan(cursor, [&](TestNode* n) { order.push_back(n->key); });
    cursors.push_back(cursor);
  } while (cursor != 0);
  EXPECT_EQ(order, (std::vector<uint64_t>{0, 4, 2, 6, 1, 5, 3, 7}));
  EXPECT_EQ(cursors, (std::vector<uint64_t>{4, 2, 6, 1, 5, 3, 7, 0}));
}

TEST(DictScanTest, CursorFromSmallTableCoversExpansionInBigTable) {
  // During a grow from 8 to 16 buckets, a cursor on bucket 2 of the small table must also emit buckets 2 and
  // 10 of the big one, then return the next small-table cursor (6).
  Harness<IdentityTraits> h;
  for (uint64_t k = 0; k < 8; ++k) h.Insert(k);
  while (h.dict.Rehash(100)) {
  }
  h.Insert(8);  // 8 used in 8 buckets: grow to 16
  ASSERT_TRUE(h.dict.IsRehashing());
  h.Insert(10);
  h.Insert(18);
  std::multiset<uint64_t> seen;
  uint64_t next = h.dict.Scan(2, [&](TestNode* n) { seen.insert(n->key); });
  EXPECT_EQ(next, 6u);
  // Keys whose hash & 7 == 2: 2, 10, 18.
  EXPECT_EQ(seen, (std::multiset<uint64_t>{2, 10, 18}));
}

// The SCAN guarantee under randomized interleavings: elements present for the whole scan are all returned,
// whatever grows, shrinks and rehash steps happen between Scan calls; every returned node is live.
template <typename Traits>
void RandomizedScanGuarantee(uint64_t seed) {
  std::mt19937_64 rng(seed);
  Harness<Traits> h;
  const size_t stable_count = rng() % 300 + 1;
  std::unordered_set<uint64_t> stable;
  uint64_t next_key = 1;
  for (size_t i = 0; i < stable_count; ++i) {
    stable.insert(next_key);
    h.Insert(next_key++);
  }
  std::vector<uint64_t> transient;
  // Start from a random size so scans begin in all table states.
  size_t pre = rng() % 1500;
  for (size_t i = 0; i < pre; ++i) {
    transient.push_back(next_key);
    h.Insert(next_key++);
  }
  if (rng() % 2) {
    while (h.dict.Rehash(100)) {
    }
  }

  std::unordered_set<uint64_t> seen;
  uint64_t cursor = 0;
  size_t calls = 0;
  do {
    cursor = h.dict.Scan(cursor, [&](TestNode* n) {
      ASSERT_TRUE(h.Contains(n->key)) << "scan returned a dead node";
      seen.insert(n->key);
    });
    ++calls;
    // Mutate between calls.
    switch (rng() % 8) {
      case 0: {  // grow burst
        size_t n = rng() % 700;
        for (size_t i = 0; i < n; ++i) {
          transient.push_back(next_key);
          h.Insert(next_key++);
        }
        break;
      }
      case 1: {  // shrink burst: drop most transients, then shrink
        size_t keep = transient.empty() ? 0 : rng() % (transient.size() / 8 + 1);
        std::shuffle(transient.begin(), transient.end(), rng);
        while (transient.size() > keep) {
          h.Remove(transient.back());
          transient.pop_back();
        }
        h.dict.ShrinkIfSparse();
        break;
      }
      case 2:
        h.dict.ShrinkIfSparse();
        break;
      case 3:
        h.dict.Rehash(static_cast<int>(rng() % 20 + 1));
        break;
      case 4: {  // a few lookups (each does a rehash step)
        for (int i = 0; i < 5; ++i) h.dict.Find(rng() % next_key);
        break;
      }
      case 5: {  // small churn
        if (!transient.empty()) {
          size_t i = rng() % transient.size();
          h.Remove(transient[i]);
          transient[i] = transient.back();
          transient.pop_back();
        }
        transient.push_back(next_key);
        h.Insert(next_key++);
        break;
      }
      case 6:
        while (h.dict.Rehash(100)) {
        }
        break;
      default:
        break;
    }
    if (::testing::Test::HasFatalFailure()) return;
  } while (cursor != 0 && calls < 1'000'000);
  ASSERT_EQ(cursor, 0u) << "seed " << seed << ": scan did not terminate";
  for (uint64_t k : stable) ASSERT_EQ(seen.count(k), 1u) << "seed " << seed << ": stable key " << k << " missed";
}

TEST(DictScanTest, GuaranteeUnderRandomGrowShrinkGoodHash) {
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    RandomizedScanGuarantee<GoodTraits>(seed);
    if (HasFatalFailure()) return;
  }
}

TEST(DictScanTest, GuaranteeUnderRandomGrowShrinkCollidingHash) {
  for (uint64_t seed = 1000; seed < 1012; ++seed) {
    RandomizedScanGuarantee<CollidingTraits>(seed);
    if (HasFatalFailure()) return;
  }
}

// A deterministic case: scan half-way through a small table, grow it 64x, shrink it back, finish the scan.
TEST(DictScanTest, GuaranteeAcrossGrowThenShrink) {
  Harness<GoodTraits> h;
  for (uint64_t k = 0; k < 16; ++k) h.Insert(k);
  while (h.dict.Rehash(100)) {
  }
  std::unordered_set<uint64_t> seen;
  auto collect = [&](TestNode* n) { seen.insert(n->key); };
  uint64_t cursor = 0;
  for (int i = 0; i < 5; ++i) cursor = h.dict.Scan(cursor, collect);
  ASSERT_NE(cursor, 0u);
  for (uint64_t k = 100; k < 1100; ++k) h.Insert(k);  // mid-rehash at some size
  for (int i = 0; i < 3 && cursor; ++i) cursor = h.dict.Scan(cursor, collect);
  while (h.dict.Rehash(100)) {
  }
  for (uint64_t k = 100; k < 1100; ++k) h.Remove(k);
  h.dict.ShrinkIfSparse();
  ASSERT_TRUE(h.dict.IsRehashing());
  while (cursor) cursor = h.dict.Scan(cursor, collect);
  for (uint64_t k = 0; k < 16; ++k) EXPECT_EQ(seen.count(k), 1u) << k;
}

// ---------------------------------------------------------------------------------------------------------
// Random / Sample.

TEST(DictRandomTest, ReturnsOnlyMembersAndCoversSmallTable) {
  Harness<GoodTraits> h;
  for (uint64_t k = 0; k < 10; ++k) h.Insert(k * 7 + 3);
  std::mt19937_64 rng(99);
  std::set<uint64_t> seen;
  for (int i = 0; i < 20000 && seen.size() < 10; ++i) {
    TestNode* n = h.dict.Random(rng);
    ASSERT_NE(n, nullptr);
    ASSERT_TRUE(h.Contains(n->key));
    ASSERT_EQ(n, h.model[n->key].get());
    seen.insert(n->key);
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST(DictRandomTest, SingleElement) {
  Harness<GoodTraits> h;
  TestNode* only = h.Insert(5);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(h.dict.Random(rng), only);
}

TEST(DictRandomTest, CoversChainMembers) {
  // All in one chain: the in-chain pick must reach every node.
  Harness<CollidingTraits> h;
  for (uint64_t k = 0; k < 6; ++k) h.Insert(k * 5);  // all hash to 0
  std::mt19937_64 rng(7);
  std::set<uint64_t> seen;
  for (int i = 0; i < 10000 && seen.size() < 6; ++i) seen.insert(h.dict.Random(rng)->key);
  EXPECT_EQ(seen.size(), 6u);
}

TEST(DictRandomTest, MembersOnlyWhileGrowingAndShrinking) {
  Harness<GoodTraits> h;
  std::mt19937_64 rng(2024);
  uint64_t k = 0;
  while (h.dict.size() < 2000 || !h.dict.IsRehashing()) h.Insert(k++);
  for (int i = 0; i < 500; ++i) {
    TestNode* n = h.dict.Random(rng);
    ASSERT_NE(n, nullptr);
    ASSERT_TRUE(h.Contains(n->key));
  }
  while (h.dict.Rehash(100)) {
  }
  for (uint64_t j = 0; j < k; ++j)
    if (j % 40 != 0) h.Remove(j);
  h.dict.ShrinkIfSparse();
  ASSERT_TRUE(h.dict.IsRehashing());
  std::set<uint64_t> seen;
  for (int i = 0; i < 20000; ++i) {
    TestNode* n = h.dict.Random(rng);
    ASSERT_NE(n, nullptr);
    ASSERT_TRUE(h.Contains(n->key));
    seen.insert(n->key);
  }
  EXPECT_EQ(seen.size(), h.model.size());
}

TEST(DictSampleTest, CountZeroAndMembersOnly) {
  Harness<GoodTraits> h;
  for (uint64_t k = 0; k < 1000; ++k) h.Insert(k);
  while (h.dict.Rehash(100)) {
  }
  std::mt19937_64 rng(5);
  TestNode* out[64];
  EXPECT_EQ(h.dict.Sample(out, 0, rng), 0u);
  for (int round = 0; round < 200; ++round) {
    size_t got = h.dict.Sample(out, 20, rng);
    // 1000 nodes in 1024 buckets: 200 bucket steps always find 20 nodes.
    ASSERT_EQ(got, 20u);
    for (size_t i = 0; i < got; ++i) {
      ASSERT_TRUE(h.Contains(out[i]->key));
      ASSERT_EQ(out[i], h.model[out[i]->key].get());
    }
  }
}

TEST(DictSampleTest, CountClampedToSize) {
  Harness<GoodTraits> h;
  for (uint64_t k = 0; k < 3; ++k) h.Insert(k);
  std::mt19937_64 rng(8);
  TestNode* out[16];
  for (int round = 0; round < 100; ++round) {
    size_t got = h.dict.Sample(out, 16, rng);
    ASSERT_LE(got, 3u);
    ASSERT_GE(got, 1u);
    for (size_t i = 0; i < got; ++i) ASSERT_TRUE(h.Contains(out[i]->key));
  }
}

TEST(DictSampleTest, MembersOnlyWhileRehashing) {
  Harness<GoodTraits> h;
  std::mt19937_64 rng(77);
  uint64_t k = 0;
  while (h.dict.size() < 3000 || !h.dict.IsRehashing()) h.Insert(k++);
  h.dict.Rehash(50);
  TestNode* out[32];
  for (int round = 0; round < 200 && h.dict.IsRehashing(); ++round) {
    size_t got = h.dict.Sample(out, 32, rng);
    ASSERT_GT(got, 0u);
    for (size_t i = 0; i < got; ++i) ASSERT_TRUE(h.Contains(out[i]->key));
    h.dict.Rehash(1);
  }
  // And while shrinking.
  while (h.dict.Rehash(100)) {
  }
  for (uint64_t j = 0; j < k; ++j)
    if (j % 50 != 0) h.Remove(j);
  h.dict.ShrinkIfSparse();
  ASSERT_TRUE(h.dict.IsRehashing());
  h.dict.Rehash(3);
  for (int round = 0; round < 200; ++round) {
    size_t got = h.dict.Sample(out, 8, rng);
    for (size_t i = 0; i < got; ++i) ASSERT_TRUE(h.Contains(out[i]->key));
  }
}

}  // namespace
}  // namespace corvid
