#include "db/lazyfree.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

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

  void Push(Value&& v) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
      queue_.push_back(std::move(v));
      pending_.fetch_add(1, std::memory_order_relaxed);
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
      Value v = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      v = Value();  // the slow part, outside the lock
      pending_.fetch_sub(1, std::memory_order_relaxed);
      freed_.fetch_add(1, std::memory_order_relaxed);
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Value> queue_;
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
  Freer().Push(std::move(v));
  return bytes;
}

uint64_t LazyfreePendingObjects() { return Freer().pending(); }
uint64_t LazyfreedObjects() { return Freer().freed(); }

}  // namespace corvid
