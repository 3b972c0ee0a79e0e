// A background thread that runs jobs in the order they were queued (Redis' bio): work that touches no keyspace
// state the loop uses, such as fsync, closing a file, freeing detached values. The thread starts with the first job and is joined on destruction
// after the queue is drained.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

namespace corvid {

template <typename Job, typename Run>
class BackgroundQueue {
 public:
  explicit BackgroundQueue(Run run) : run_(std::move(run)) {}
  ~BackgroundQueue() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  BackgroundQueue(const BackgroundQueue&) = delete;
  BackgroundQueue& operator=(const BackgroundQueue&) = delete;

  // Queues job; weight is what it adds to pending() until it has run (then to done()).
  void Push(Job&& job, uint64_t weight = 1) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
      queue_.push_back({std::move(job), weight});
      pending_.fetch_add(weight, std::memory_order_relaxed);
    }
    cv_.notify_one();
  }
  // The weight of the jobs queued or running.
  uint64_t pending() const { return pending_.load(std::memory_order_acquire); }
  // The weight of the jobs finished so far.
  uint64_t done() const { return done_.load(std::memory_order_relaxed); }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      Entry e = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      run_(e.job);  // the slow part, outside the lock
      e.job = Job();
      done_.fetch_add(e.weight, std::memory_order_relaxed);
      pending_.fetch_sub(e.weight, std::memory_order_release);
      lock.lock();
    }
  }

  struct Entry {
    Job job;
    uint64_t weight;
  };
  Run run_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Entry> queue_;
  bool stop_ = false;
  std::atomic<uint64_t> pending_{0}, done_{0};
  std::thread thread_;
};

}  // namespace corvid
