// One keyspace (a numbered database): keys → values, and the expires table of the keys that have a TTL.
#pragma once
#include <cstdint>
#include <string_view>

#include "db/value.h"
#include "ds/compact_string.h"
#include "ds/dict.h"
#include "ds/hash.h"

namespace corvid {

struct KeyEntry {
  KeyEntry* next = nullptr;
  CompactString key;
  Value val;
};

struct ExpireEntry {
  ExpireEntry* next = nullptr;
  KeyEntry* entry;
  int64_t when_ms;
};

// Growing the keyspace or expires table is vetoed while its buckets would push used memory over maxmemory
// and the table is at most 1.618 elements per bucket (Redis' dictExpandAllowed): the growth would only evict.
bool KeyspaceExpandAllowed(size_t more_bytes, double load);

struct KeyTraits {
  using Key = std::string_view;
  static uint64_t Hash(std::string_view k) { return HashBytes(k); }
  static uint64_t NodeHash(const KeyEntry& e) { return HashBytes(e.key.view()); }
  static bool Equal(const KeyEntry& e, std::string_view k) { return e.key.view() == k; }
  static bool ExpandAllowed(size_t more_bytes, double load) { return KeyspaceExpandAllowed(more_bytes, load); }
};

struct ExpireTraits {
  using Key = std::string_view;
  static uint64_t Hash(std::string_view k) { return HashBytes(k); }
  static uint64_t NodeHash(const ExpireEntry& e) { return HashBytes(e.entry->key.view()); }
  static bool Equal(const ExpireEntry& e, std::string_view k) { return e.entry->key.view() == k; }
  static bool ExpandAllowed(size_t more_bytes, double load) { return KeyspaceExpandAllowed(more_bytes, load); }
};

using KeyDict = Dict<KeyEntry, KeyTraits>;
using ExpireDict = Dict<ExpireEntry, ExpireTraits>;

class Db {
 public:
  explicit Db(int index) : index_(index) {}
  ~Db() { Clear(); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  int index() const { return index_; }
  size_t size() const { return keys_.size(); }
  size_t expires_size() const { return expires_.size(); }

  // The live entry for key, expiring it first if its time has passed; nullptr if absent. No stats, no LRU.
  KeyEntry* Find(std::string_view key) { return FindHashed(key, HashBytes(key)); }
  // As Find with hash == HashBytes(key).
  KeyEntry* FindHashed(std::string_view key, uint64_t hash);
  // As Find, counting a keyspace hit/miss and touching the LRU clock unless no_touch.
  KeyEntry* FindRead(std::string_view key, bool no_touch = false);
  // As Find, touching the LRU clock (for writes).
  KeyEntry* FindWrite(std::string_view key);
  // Adds a new key. REQUIRES: key absent (after Find).
  KeyEntry* Add(std::string_view key, Value&& v) { return AddHashed(key, std::move(v), HashBytes(key)); }
  KeyEntry* AddHashed(std::string_view key, Value&& v, uint64_t hash);
  // Stores v at key, replacing any value; keeps the TTL only if keep_ttl. Returns the entry.
  KeyEntry* Set(std::string_view key, Value&& v, bool keep_ttl = false);
  // Replaces the value of an existing entry (TTL kept; LFU counter kept under an LFU policy). The old value is
  // freed as a server-side delete: in the background when big and lazyfree-lazy-server-del (Redis' dbSetValue).
  void Overwrite(KeyEntry* e, Value&& v);
  // Deletes key (and its TTL) as a server-side delete (an overwritten destination, an empty STORE result):
  // lazily when lazyfree-lazy-server-del, as Redis' dbDelete. False if absent.
  bool Delete(std::string_view key);
  // Deletes an entry returned by Find*; when lazy a big value is freed on the background thread (db/lazyfree.h).
  void DeleteEntry(KeyEntry* e, bool lazy = false);
  // Unlinks an entry without freeing its value: the caller takes ownership (lazy free).
  Value Detach(KeyEntry* e);
  // Moves entry e (value, TTL, LRU/LFU bits) to dst_key in dst, which must not exist there (RENAME, MOVE).
  KeyEntry* MoveEntry(KeyEntry* e, Db& dst, std::string_view dst_key);

  // Absolute expire time in ms, or -1 if the key has none.
  int64_t GetExpire(const KeyEntry* e);
  void SetExpire(KeyEntry* e, int64_t when_ms);
  // Removes the TTL; false if there was none.
  bool RemoveExpire(KeyEntry* e);
  bool IsExpired(KeyEntry* e);
  // Deletes key as expiry does when its TTL has passed, whatever the role (a writable replica's own keys, Redis'
  // expireSlaveKeys). True when key is still there with a TTL.
  bool ExpireIfDue(std::string_view key);

  // SCAN over keys: calls fn(KeyEntry*) for each visited (possibly expired) entry; returns the next cursor.
  template <typename F>
  uint64_t Scan(uint64_t cursor, F&& fn) { return keys_.Scan(cursor, fn); }
  template <typename F>
  void ForEach(F&& fn) const { keys_.ForEach(fn); }
  // A random live key, or nullptr when the db is empty (or only expired keys were found).
  KeyEntry* RandomKey();
  // Up to n entries (n <= 64) sampled from the keys, or only from those with a TTL when volatile_only, into
  // out (eviction sampling: fast, not uniform; expired keys included); returns how many.
  size_t SampleKeys(KeyEntry** out, size_t n, bool volatile_only);
  // Deletes every key; returns how many there were. lazy: the tables are detached and freed on the background
  // thread (FLUSHALL/FLUSHDB ASYNC), the db is empty at once.
  size_t Clear(bool lazy = false);
  // SWAPDB swaps the owning pointers and renumbers both.
  void set_index(int i) { index_ = i; }

  // One round of active expiry over the expires table; returns {sampled, expired}.
  struct ExpireRound { size_t sampled, expired; };
  ExpireRound ActiveExpireRound(size_t max_samples);
  // Cron housekeeping: incremental rehash (bounded time) and shrinking sparse tables.
  void Housekeep(int64_t rehash_budget_us);
  // While a forked child saves, tables grow only when 5x overfull (pages stay shared with the child), as Redis.
  void SetResizeAllowed(bool on) {
    keys_.set_resize_allowed(on);
    expires_.set_resize_allowed(on);
  }
  int64_t avg_ttl() const { return avg_ttl_; }
  size_t OverheadBytes() const { return keys_.BucketBytes() + expires_.BucketBytes(); }

  KeyDict& keys() { return keys_; }
  const ExpireDict& expires() const { return expires_; }

 private:
  void ExpireNow(KeyEntry* e);
  // A stream going away (deleted, replaced) wakes its blocked XREADGROUP clients, which then fail as Redis 7.0's.
  void SignalStreamGone(const KeyEntry* e);
  int index_;
  KeyDict keys_;
  ExpireDict expires_;
  uint64_t expire_cursor_ = 0;
  int64_t avg_ttl_ = 0;
};

}  // namespace corvid
