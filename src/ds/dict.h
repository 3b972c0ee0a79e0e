// An intrusive chained hash table with incremental rehashing and Redis' SCAN cursor guarantee.
//
// Nodes are owned by the caller and linked through a `Node* next` member. Growing or shrinking allocates a
// second bucket array and moves buckets over a few at a time (on each lookup/insert/delete, and from the cron
// through RehashFor), so no single operation pauses for long on a big table.
//
// SCAN cursor: buckets are visited in reverse-binary order (increment the bit-reversed cursor). A bucket index
// in a table of size 2^n maps to the 2^(m-n) buckets of a 2^m table that share its low n bits, and those are
// exactly the indexes visited next in reverse-binary order, so an element present for the whole scan is
// returned at least once even if the table grows, shrinks or is rehashing in between (it may be returned twice).
#pragma once
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace corvid {

// Traits: using Key; static uint64_t Hash(const Key&); static uint64_t NodeHash(const Node&);
//         static bool Equal(const Node&, const Key&);
//         optional static bool ExpandAllowed(size_t more_bytes, double load): may veto a growth that would
//         allocate more_bytes of buckets while the table holds load elements per bucket.
template <typename Node, typename Traits>
class Dict {
 public:
  using Key = typename Traits::Key;

  Dict() = default;
  Dict(const Dict&) = delete;
  Dict& operator=(const Dict&) = delete;
  ~Dict() {
    free(t_[0].buckets);
    free(t_[1].buckets);
  }

  size_t size() const { return t_[0].used + t_[1].used; }
  size_t BucketCount() const { return t_[0].Size() + t_[1].Size(); }
  bool IsRehashing() const { return rehash_idx_ >= 0; }

  // Returns the node with key k, or nullptr.
  Node* Find(const Key& k) { return size() == 0 ? nullptr : FindHashed(k, Traits::Hash(k)); }
  // As Find, with h == Traits::Hash(k) already computed.
  Node* FindHashed(const Key& k, uint64_t h) {
    if (size() == 0) return nullptr;
    if (IsRehashing()) RehashStep();
    for (int t = 0; t <= (IsRehashing() ? 1 : 0); ++t) {
      for (Node* n = t_[t].buckets[h & t_[t].mask]; n; n = n->next)
        if (Traits::Equal(*n, k)) return n;
    }
    return nullptr;
  }

  // Links n in. REQUIRES: no node with an equal key is present.
  void Insert(Node* n) { InsertHashed(n, Traits::NodeHash(*n)); }
  void InsertHashed(Node* n, uint64_t h) {
    if (IsRehashing()) RehashStep();
    GrowIfNeeded();
    Table& t = IsRehashing() ? t_[1] : t_[0];
    Node*& b = t.buckets[h & t.mask];
    n->next = b;
    b = n;
    ++t.used;
  }

  // Unlinks and returns the node with key k, or nullptr. The node is not freed.
  Node* Unlink(const Key& k) {
    if (size() == 0) return nullptr;
    if (IsRehashing()) RehashStep();
    uint64_t h = Traits::Hash(k);
    for (int t = 0; t <= (IsRehashing() ? 1 : 0); ++t) {
      Node** link = &t_[t].buckets[h & t_[t].mask];
      for (Node* n = *link; n; link = &n->next, n = n->next) {
        if (Traits::Equal(*n, k)) {
          *link = n->next;
          --t_[t].used;
          return n;
        }
      }
    }
    return nullptr;
  }

  // Unlinks this exact node (found by its hash). Returns false if it is not in the table.
  bool UnlinkNode(Node* target) {
    uint64_t h = Traits::NodeHash(*target);
    for (int t = 0; t <= (IsRehashing() ? 1 : 0); ++t) {
      if (!t_[t].buckets) continue;
      Node** link = &t_[t].buckets[h & t_[t].mask];
      for (Node* n = *link; n; link = &n->next, n = n->next) {
        if (n == target) {
          *link = n->next;
          --t_[t].used;
          return true;
        }
      }
    }
    return false;
  }

  // Calls fn(Node*) for every node; fn must not insert or remove nodes.
  template <typename F>
  void ForEach(F&& fn) const {
    for (int t = 0; t < 2; ++t)
      for (uint64_t i = 0; i < t_[t].Size(); ++i)
        for (Node* n = t_[t].buckets[i]; n; n = n->next) fn(n);
  }

  // Exchanges the contents (nodes, tables, rehash state) with o.
  void Swap(Dict& o) {
    std::swap(t_, o.t_);
    std::swap(rehash_idx_, o.rehash_idx_);
  }

  // Unlinks every node, calling destroy(Node*) on each; frees the bucket arrays.
  template <typename F>
  void Clear(F&& destroy) {
    for (int t = 0; t < 2; ++t) {
      for (uint64_t i = 0; i < t_[t].Size(); ++i) {
        Node* n = t_[t].buckets[i];
        while (n) {
          Node* next = n->next;
          destroy(n);
          n = next;
        }
      }
      free(t_[t].buckets);
      t_[t] = Table{};
    }
    rehash_idx_ = -1;
  }

  // One SCAN step: calls fn(Node*) for the nodes of the bucket(s) at cursor; returns the next cursor (0 = done).
  template <typename F>
  uint64_t Scan(uint64_t v, F&& fn) {
    if (size() == 0) return 0;
    if (!IsRehashing()) {
      const Table& t = t_[0];
      for (Node* n = t.buckets[v & t.mask]; n; n = n->next) fn(n);
      return NextCursor(v, t.mask);
    }
    const Table* small = &t_[0];
    const Table* big = &t_[1];
    if (small->Size() > big->Size()) std::swap(small, big);
    uint64_t m0 = small->mask, m1 = big->mask;
    for (Node* n = small->buckets[v & m0]; n; n = n->next) fn(n);
    // Every bucket of the bigger table that expands the small bucket.
    do {
      for (Node* n = big->buckets[v & m1]; n; n = n->next) fn(n);
      v = NextCursor(v, m1);
    } while (v & (m0 ^ m1));
    return v;
  }

  // A random node (random non-empty bucket, then a random node in its chain); nullptr when empty.
  // rnd() returns uniformly random 64-bit values.
  template <typename Rng>
  Node* Random(Rng&& rnd) {
    if (size() == 0) return nullptr;
    if (IsRehashing()) RehashStep();
    Node* head = nullptr;
    if (IsRehashing()) {
      uint64_t s0 = t_[0].Size(), total = s0 + t_[1].Size();
      while (!head) {
        // Buckets of t0 below rehash_idx_ are empty; skip them.
        uint64_t i = rehash_idx_ + rnd() % (total - rehash_idx_);
        head = i >= s0 ? t_[1].buckets[i - s0] : t_[0].buckets[i];
      }
    } else {
      while (!head) head = t_[0].buckets[rnd() & t_[0].mask];
    }
    size_t len = 0;
    for (Node* n = head; n; n = n->next) ++len;
    size_t pick = rnd() % len;
    while (pick--) head = head->next;
    return head;
  }

  // Collects up to count nodes from a random region into out; returns how many. A node may appear twice
  // (as in Redis' dictGetSomeKeys). For sampling (eviction): fast, not uniform.
  template <typename Rng>
  size_t Sample(Node** out, size_t count, Rng&& rnd) {
    size_t got = 0;
    if (size() == 0 || count == 0) return 0;
    if (count > size()) count = size();
    uint64_t max_mask = t_[0].mask;
    if (IsRehashing() && t_[1].mask > max_mask) max_mask = t_[1].mask;
    uint64_t i = rnd() & max_mask;
    size_t empty_run = 0, steps = count * 10;
    while (got < count && steps--) {
      for (int t = 0; t <= (IsRehashing() ? 1 : 0); ++t) {
        if (t == 0 && IsRehashing() && i < static_cast<uint64_t>(rehash_idx_)) {
          // Already moved; jump to where t0 still has nodes if t1 cannot hold i.
          if (i >= t_[1].Size()) i = rehash_idx_;
          continue;
        }
        if (i >= t_[t].Size()) continue;
        Node* n = t_[t].buckets[i];
        if (!n) {
          if (++empty_run >= 5 && empty_run > count) {
            i = rnd() & max_mask;
            empty_run = 0;
          }
          continue;
        }
        empty_run = 0;
        for (; n && got < count; n = n->next) out[got++] = n;
      }
      i = (i + 1) & max_mask;
    }
    return got;
  }

  // Moves up to n buckets (visiting at most 10n empty ones) to the new table. Returns true while rehashing.
  bool Rehash(int n) {
    if (!IsRehashing()) return false;
    int empty_visits = n * 10;
    while (n-- && t_[0].used != 0) {
      while (t_[0].buckets[rehash_idx_] == nullptr) {
        ++rehash_idx_;
        if (--empty_visits == 0) return true;
      }
      Node* node = t_[0].buckets[rehash_idx_];
      while (node) {
        Node* next = node->next;
        uint64_t idx = Traits::NodeHash(*node) & t_[1].mask;
        node->next = t_[1].buckets[idx];
        t_[1].buckets[idx] = node;
        --t_[0].used;
        ++t_[1].used;
        node = next;
      }
      t_[0].buckets[rehash_idx_] = nullptr;
      ++rehash_idx_;
    }
    if (t_[0].used == 0) {
      free(t_[0].buckets);
      t_[0] = t_[1];
      t_[1] = Table{};
      rehash_idx_ = -1;
      return false;
    }
    return true;
  }

  // Shrinks the table when it is less than 1/8 full (called from the cron, as Redis' tryResizeHashTables).
  void ShrinkIfSparse() {
    if (IsRehashing() || t_[0].Size() <= kMinSize) return;
    if (size() * 8 < t_[0].Size()) StartResize(size());
  }

  // Chain-length statistics of table t (0: the main table, 1: the rehashing target), for DEBUG HTSTATS.
  static constexpr size_t kStatsChains = 50;  // chains[i]: buckets with i nodes (the last counts longer ones too)
  struct TableStats {
    uint64_t size = 0, used = 0, slots = 0, max_chain = 0, total_chain = 0;
    uint64_t chains[kStatsChains] = {};
  };
  TableStats Stats(int t) const {
    TableStats st;
    st.size = t_[t].Size();
    st.used = t_[t].used;
    for (uint64_t i = 0; i < st.size; ++i) {
      uint64_t len = 0;
      for (Node* n = t_[t].buckets[i]; n; n = n->next) ++len;
      ++st.chains[len < kStatsChains ? len : kStatsChains - 1];
      if (len == 0) continue;
      ++st.slots;
      st.total_chain += len;
      if (len > st.max_chain) st.max_chain = len;
    }
    return st;
  }

  // Bytes used by the bucket arrays.
  size_t BucketBytes() const { return BucketCount() * sizeof(Node*); }

  // Growing is suspended while a forked child holds a copy-on-write snapshot unless the table is 5x overfull.
  void set_resize_allowed(bool on) { resize_allowed_ = on; }

 private:
  static constexpr uint64_t kMinSize = 4;
  struct Table {
    Node** buckets = nullptr;
    uint64_t mask = 0;
    size_t used = 0;
    uint64_t Size() const { return buckets ? mask + 1 : 0; }
  };

  static uint64_t Rev(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
    return __builtin_bswap64(v);
  }
  static uint64_t NextCursor(uint64_t v, uint64_t mask) {
    v |= ~mask;  // set the unmasked bits so the reversed increment carries into the masked ones
    v = Rev(v);
    ++v;
    return Rev(v);
  }

  void RehashStep() { Rehash(1); }

  void GrowIfNeeded() {
    if (IsRehashing()) return;
    if (t_[0].Size() == 0) {
      StartResize(kMinSize);
      return;
    }
    if (t_[0].used >= t_[0].Size() && (resize_allowed_ || t_[0].used / t_[0].Size() > 5) && ExpandAllowed())
      StartResize(t_[0].used + 1);
  }

  bool ExpandAllowed() const {
    if constexpr (requires { Traits::ExpandAllowed(size_t{}, 0.0); }) {
      uint64_t more = TableSizeFor(t_[0].used + 1) * sizeof(Node*);
      return Traits::ExpandAllowed(more, static_cast<double>(t_[0].used) / t_[0].Size());
    }
    return true;
  }

  // The bucket count of a table for n elements: the power of two >= n, at least kMinSize.
  static uint64_t TableSizeFor(size_t n) {
    uint64_t sz = kMinSize;
    while (sz < n) sz <<= 1;
    return sz;
  }

  void StartResize(size_t min_size) {
    uint64_t sz = TableSizeFor(min_size);
    if (sz == t_[0].Size()) return;
    Node** b = static_cast<Node**>(calloc(sz, sizeof(Node*)));
    if (!b) throw std::bad_alloc();
    if (t_[0].buckets == nullptr) {
      t_[0].buckets = b;
      t_[0].mask = sz - 1;
      return;
    }
    t_[1].buckets = b;
    t_[1].mask = sz - 1;
    t_[1].used = 0;
    rehash_idx_ = 0;
  }

  Table t_[2];
  int64_t rehash_idx_ = -1;
  bool resize_allowed_ = true;
};

}  // namespace corvid
