// A background thread that runs jobs in the order they were queued (Redis' bio): work that touches no keyspace
// state, such as fsync or closing a file. The thread starts with the first job and is joined on destruction
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

  void Push(Job&& job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
      queue_.push_back(std::move(job));
      pending_.fetch_add(1, std::memory_order_relaxed);
    }
    cv_.notify_one();
  }
  // Jobs queued or running.
  uint64_t pending() const { return pending_.load(std::memory_order_acquire); }
  // Jobs finished so far.
  uint64_t done() const { return done_.load(std::memory_order_relaxed); }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      Job job = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      run_(job);  // the slow part, outside the lock
      job = Job();
      done_.fetch_add(1, std::memory_order_relaxed);
      pending_.fetch_sub(1, std::memory_order_release);
      lock.lock();
    }
  }

  Run run_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stop_ = false;
  std::atomic<uint64_t> pending_{0}, done_{0};
  std::thread thread_;
};

}  // namespace corvid
