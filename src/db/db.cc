#include "db/db.h"

#include <algorithm>
#include <memory>

#include "db/blocking.h"
#include "db/evict.h"
#include "db/lazyfree.h"
#include "db/notify.h"
#include "db/tracking.h"
#include "persistence/rdb.h"
#include "replication/replica.h"
#include "server/config.h"
#include "server/propagate.h"
#include "server/server.h"

namespace corvid {

KeyEntry* Db::FindHashed(std::string_view key, uint64_t hash) {
  KeyEntry* e = keys_.FindHashed(key, hash);
  if (e && e->val.has_expire() && IsExpired(e)) {
    // A replica leaves the deletion to its master (whose DEL comes down the stream): its clients see the key
    // as missing, the master's commands still see it (Redis 7.0's expireIfNeeded).
    if (IsReplica()) return ApplyingMasterStream() ? e : nullptr;
    ExpireNow(e);
    return nullptr;
  }
  return e;
}

KeyEntry* Db::FindRead(std::string_view key, bool no_touch) {
  KeyEntry* e = Find(key);
  Server& s = Srv();
  if (!e) {
    ++s.stats.keyspace_misses;
    NotifyKeyspaceEvent(kNotifyKeyMiss, "keymiss", key, index_);
    return nullptr;
  }
  ++s.stats.keyspace_hits;
  if (!no_touch) TouchValue(e->val);
  return e;
}

KeyEntry* Db::FindWrite(std::string_view key) {
  KeyEntry* e = Find(key);
  if (e) TouchValue(e->val);
  return e;
}

KeyEntry* Db::AddHashed(std::string_view key, Value&& v, uint64_t hash) {
  auto* e = new KeyEntry;
  e->key.Assign(key);
  e->val = std::move(v);
  e->val.set_has_expire(false);
  e->val.set_lru(InitialLruBits());
  keys_.InsertHashed(e, hash);
  ObjType t = e->val.type();
  if (t == ObjType::kList || t == ObjType::kZset || t == ObjType::kStream) SignalKeyReady(*this, key);
  NotifyKeyspaceEvent(kNotifyNew, "new", key, index_);
  return e;
}

KeyEntry* Db::Set(std::string_view key, Value&& v, bool keep_ttl) {
  uint64_t h = HashBytes(key);
  KeyEntry* e = FindHashed(key, h);
  if (!e) return AddHashed(key, std::move(v), h);
  if (!keep_ttl) RemoveExpire(e);
  Overwrite(e, std::move(v));
  return e;
}

void Db::Overwrite(KeyEntry* e, Value&& v) {
  SignalStreamGone(e);
  bool had = e->val.has_expire();
  uint32_t lru = LfuPolicy() ? e->val.lru() : Srv().lru_clock;  // LFU keeps the counter (dbSetValue)
  Value old = std::move(e->val);
  e->val = std::move(v);
  e->val.set_has_expire(had);
  e->val.set_lru(lru);
  if (Cfg().lazyfree_lazy_server_del) FreeValueLazily(std::move(old));
}

bool Db::Delete(std::string_view key) {
  KeyEntry* e = Find(key);
  if (!e) return false;
  DeleteEntry(e, Cfg().lazyfree_lazy_server_del);
  return true;
}

void Db::SignalStreamGone(const KeyEntry* e) {
  if (e->val.type() == ObjType::kStream) SignalKeyReady(*this, e->key.view());
}

void Db::DeleteEntry(KeyEntry* e, bool lazy) {
  if (lazy) {
    FreeValueLazily(Detach(e));
    return;
  }
  SignalStreamGone(e);
  RemoveExpire(e);
  keys_.UnlinkNode(e);
  delete e;
}

Value Db::Detach(KeyEntry* e) {
  SignalStreamGone(e);
  RemoveExpire(e);
  keys_.UnlinkNode(e);
  Value v = std::move(e->val);
  delete e;
  return v;
}

KeyEntry* Db::MoveEntry(KeyEntry* e, Db& dst, std::string_view dst_key) {
  int64_t when = GetExpire(e);
  uint32_t lru = e->val.lru();  // RENAME/MOVE move the object itself, access bits included
  KeyEntry* ne = dst.Add(dst_key, Detach(e));
  ne->val.set_lru(lru);
  if (when >= 0) dst.SetExpire(ne, when);
  return ne;
}

int64_t Db::GetExpire(const KeyEntry* e) {
  if (!e->val.has_expire()) return -1;
  ExpireEntry* x = expires_.Find(e->key.view());
  return x ? x->when_ms : -1;
}

void Db::SetExpire(KeyEntry* e, int64_t when_ms) {
  if (IsReplica()) RememberReplicaKeyWithExpire(index_, e->key.view());
  if (e->val.has_expire()) {
    if (ExpireEntry* x = expires_.Find(e->key.view())) {
      x->when_ms = when_ms;
      return;
    }
  }
  auto* x = new ExpireEntry{nullptr, e, when_ms};
  expires_.Insert(x);
  e->val.set_has_expire(true);
}

bool Db::RemoveExpire(KeyEntry* e) {
  if (!e->val.has_expire()) return false;
  e->val.set_has_expire(false);
  ExpireEntry* x = expires_.Unlink(e->key.view());
  delete x;
  return x != nullptr;
}

bool Db::IsExpired(KeyEntry* e) {
  if (Rdb().loading) return false;  // expired after loading: a replayed AOF may still use the key (as Redis)
  int64_t when = GetExpire(e);
  const Server& srv = Srv();
  int64_t now = srv.expire_time_ms >= 0 ? srv.expire_time_ms : srv.now_ms;
  return when >= 0 && now > when;  // Redis' keyIsExpired: expired once now > when
}

void Db::ExpireNow(KeyEntry* e) {
  ++Srv().stats.expired_keys;
  PropagateDeletion(index_, e->key.view(), Cfg().lazyfree_lazy_expire);
  NotifyKeyspaceEvent(kNotifyExpired, "expired", e->key.view(), index_);
  TrackingInvalidateKey(e->key.view(), nullptr);
  DeleteEntry(e, Cfg().lazyfree_lazy_expire);
}

bool Db::ExpireIfDue(std::string_view key) {
  KeyEntry* e = keys_.Find(key);
  if (!e || !e->val.has_expire()) return false;
  if (!IsExpired(e)) return true;
  ExpireNow(e);
  return false;
}

KeyEntry* Db::RandomKey() {
  // Bounded retries: a db holding only expired keys answers nil rather than looping.
  for (int tries = 0; tries < 100 && keys_.size() > 0; ++tries) {
    KeyEntry* e = keys_.Random([] { return Random64(); });
    if (!e->val.has_expire() || !IsExpired(e)) return e;
    if (!IsReplica()) ExpireNow(e);
  }
  return nullptr;
}

bool KeyspaceExpandAllowed(size_t more_bytes, double load) {
  constexpr double kMaxLoadFactor = 1.618;  // Redis' HASHTABLE_MAX_LOAD_FACTOR
  return load > kMaxLoadFactor || !OverMaxmemoryAfterAlloc(more_bytes);
}

size_t Db::SampleKeys(KeyEntry** out, size_t n, bool volatile_only) {
  // Sample gives up on long runs of empty buckets (a sparse table): fall back to one uniform random pick.
  auto rnd = [] { return Random64(); };
  if (n == 0) return 0;
  if (!volatile_only) {
    size_t got = keys_.Sample(out, n, rnd);
    if (got == 0 && keys_.size() > 0) out[got++] = keys_.Random(rnd);
    return got;
  }
  ExpireEntry* xs[64];
  size_t got = expires_.Sample(xs, std::min<size_t>(n, std::size(xs)), rnd);
  if (got == 0 && expires_.size() > 0) xs[got++] = expires_.Random(rnd);
  for (size_t i = 0; i < got; ++i) out[i] = xs[i]->entry;
  return got;
}

size_t Db::Clear(bool lazy) {
  size_t n = keys_.size();
  if (lazy && n > 0) {
    auto old = std::make_unique<Db>(index_);
    keys_.Swap(old->keys_);
    expires_.Swap(old->expires_);
    FreeDbLazily(std::move(old));
  } else {
    expires_.Clear([](ExpireEntry* x) { delete x; });
    keys_.Clear([](KeyEntry* e) { delete e; });
  }
  expire_cursor_ = 0;
  avg_ttl_ = 0;
  return n;
}

Db::ExpireRound Db::ActiveExpireRound(size_t max_samples) {
  ExpireRound r{0, 0};
  if (expires_.size() == 0) return r;
  // Walk the expires table with a SCAN cursor (as Redis 7.0 does), so every key is eventually checked.
  ExpireEntry* batch[64];
  size_t n = 0;
  int64_t now = Srv().now_ms, ttl_sum = 0;
  size_t ttl_samples = 0;
  int buckets = 0;
  do {
    expire_cursor_ = expires_.Scan(expire_cursor_, [&](ExpireEntry* x) {
      if (n < std::size(batch)) batch[n++] = x;
    });
  } while (n < max_samples && expire_cursor_ != 0 && ++buckets < static_cast<int>(max_samples) * 20);
  for (size_t i = 0; i < n; ++i) {
    ++r.sampled;
    int64_t ttl = batch[i]->when_ms - now;
    if (ttl < 0) {  // activeExpireCycleTryExpire: now > when
      ExpireNow(batch[i]->entry);
      ++r.expired;
    } else {
      ttl_sum += ttl;
      ++ttl_samples;
    }
  }
  if (ttl_samples) {
    // Running average as Redis: new samples weigh 2%.
    int64_t avg = ttl_sum / static_cast<int64_t>(ttl_samples);
    avg_ttl_ = avg_ttl_ == 0 ? avg : (avg_ttl_ / 50) * 49 + avg / 50;
  }
  return r;
}

void Db::Housekeep(int64_t rehash_budget_us) {
  keys_.ShrinkIfSparse();
  expires_.ShrinkIfSparse();
  int64_t deadline = MonotonicUs() + rehash_budget_us;
  while ((keys_.Rehash(100) | expires_.Rehash(100)) && MonotonicUs() < deadline) {
  }
}

}  // namespace corvid
