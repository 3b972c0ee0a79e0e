#include "db/lazyfree.h"

#include <memory>

#include "db/db.h"
#include "db/value.h"
#include "util/background_queue.h"

namespace corvid {

namespace {

// Redis frees lazily past 64 allocations: about 64 nodes of a hashtable / skiplist, 64 listpack nodes (8 KB each)
// of a quicklist.
constexpr size_t kLazyThresholdBytes = 64 * 64, kLazyThresholdQuicklistBytes = 64 * 8192;

// One thing to free: a value, or a whole detached database.
struct FreeJob {
  Value value;
  std::unique_ptr<Db> db;
};
// Destroying the job is the work; the queue does it after run returns.
auto RunFreeJob = [](FreeJob&) {};
using LazyFreer = BackgroundQueue<FreeJob, decltype(RunFreeJob)>;

// The background freeing thread; started on first use, joined at exit.
LazyFreer& Freer() {
  static LazyFreer freer(RunFreeJob);
  return freer;
}

bool ManyAllocations(ObjEnc e) {
  return e == ObjEnc::kHashtable || e == ObjEnc::kSkiplist || e == ObjEnc::kQuicklist || e == ObjEnc::kStream;
}

}  // namespace

uint64_t FreeValueLazily(Value&& v) {
  if (v.IsString() || !ManyAllocations(v.encoding())) return 0;  // v is freed by the caller's scope
  size_t bytes = v.HeapBytes();
  if (bytes <= (v.encoding() == ObjEnc::kQuicklist ? kLazyThresholdQuicklistBytes : kLazyThresholdBytes)) return 0;
  Freer().Push({std::move(v), nullptr});
  return bytes;
}

void FreeDbLazily(std::unique_ptr<Db> db) {
  uint64_t keys = db->size();
  Freer().Push({Value(), std::move(db)}, keys);
}

uint64_t LazyfreePendingObjects() { return Freer().pending(); }
uint64_t LazyfreedObjects() { return Freer().done(); }

}  // namespace corvid
