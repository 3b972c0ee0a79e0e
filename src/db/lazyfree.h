// Lazy freeing (Redis' lazyfree / bio): values detached from the keyspace whose freeing would take long
// (collections made of many allocations), and the tables of databases flushed with ASYNC, are destroyed on a
// background thread so the loop does not stall.
#pragma once
#include <cstdint>
#include <memory>

namespace corvid {

class Db;
class Value;

// Frees v: on the background thread when it is a big multi-allocation collection (more than 64 nodes' worth
// of heap), else at once. Returns the heap bytes handed to the background thread (0 when freed at once), so
// eviction can count them as freed before the thread runs. REQUIRES: v is detached from every keyspace.
uint64_t FreeValueLazily(Value&& v);
// Destroys db (every key it holds) on the background thread; its keys count as pending objects meanwhile
// (Redis' emptyDbAsync). REQUIRES: db is reachable from nothing else (no client, no Srv().dbs slot).
void FreeDbLazily(std::unique_ptr<Db> db);
// Objects queued and not freed yet (INFO lazyfree_pending_objects): values, and the keys of flushed databases.
uint64_t LazyfreePendingObjects();
// Objects freed by the background thread so far (INFO lazyfreed_objects).
uint64_t LazyfreedObjects();

}  // namespace corvid
