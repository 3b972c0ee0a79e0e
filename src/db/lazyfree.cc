#include "db/lazyfree.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "db/db.h"
#include "db/value.h"

namespace corvid {

namespace {

// Redis frees lazily past 64 allocations: about 64 nodes of a hashtable / skiplist, 64 listpack nodes (8 KB each)
// of a quicklist.
constexpr size_t kLazyThresholdBytes = 64 * 64, kLazyThresholdQuicklistBytes = 64 * 8192;

// The background freeing thread and its queue; started on first use, joined at exit.
class LazyFreer {
 public:
  ~LazyFreer() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

  // One thing to free: a value, or a whole database counting objects keys.
  struct Job {
    Value value;
    std::unique_ptr<Db> db;
    uint64_t objects = 1;
  };

  void Push(Job&& job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
      pending_.fetch_add(job.objects, std::memory_order_relaxed);
      queue_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

  uint64_t pending() const { return pending_.load(std::memory_order_relaxed); }
  uint64_t freed() const { return freed_.load(std::memory_order_relaxed); }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      Job job = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      uint64_t objects = job.objects;
      job = Job();  // the slow part, outside the lock
      pending_.fetch_sub(objects, std::memory_order_relaxed);
      freed_.fetch_add(objects, std::memory_order_relaxed);
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stop_ = false;
  std::atomic<uint64_t> pending_{0}, freed_{0};
  std::thread thread_;
};

LazyFreer& Freer() {
  static LazyFreer freer;
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
  Freer().Push({std::move(v), nullptr, 1});
  return bytes;
}

void FreeDbLazily(std::unique_ptr<Db> db) {
  uint64_t keys = db->size();
  Freer().Push({Value(), std::move(db), keys});
}

uint64_t LazyfreePendingObjects() { return Freer().pending(); }
uint64_t LazyfreedObjects() { return Freer().freed(); }

}  // namespace corvid
