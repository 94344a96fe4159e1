// A few threads working through numbered pieces of one job.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace entente::parallel {

// Calls work(i) for each i in [0, n), on `threads` threads at most (the caller's among
// them), each taking the next number from a shared counter, so that a few large pieces do
// not leave one thread working alone at the end. The first exception stops the handing out
// of pieces and is rethrown once every thread has finished.
template <class Work>
void for_each(std::size_t n, unsigned threads, Work&& work) {
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mu;
  auto run = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      try {
        work(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mu);
        if (!failure) failure = std::current_exception();
        next = n;
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && t < n; ++t) pool.emplace_back(run);
  run();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace entente::parallel
