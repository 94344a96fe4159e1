// parallel::Pool (common/parallel.h): the threads a bulk load keeps for its blocks.
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <stdexcept>
#include <vector>

#include "common/parallel.h"

using entente::parallel::Pool;

TEST_CASE("pool: a pool of one runs its tasks in the order given", "[parallel]") {
  std::vector<int> order;  // written by the pool's one thread only
  std::vector<std::future<int>> done;
  {
    Pool lane(1);
    for (int i = 0; i < 200; ++i) {
      done.push_back(lane.run([&order, i] {
        order.push_back(i);
        return i * i;
      }));
    }
    for (int i = 0; i < 200; ++i) REQUIRE(done[i].get() == i * i);
  }
  REQUIRE(order.size() == 200);
  for (int i = 0; i < 200; ++i) CHECK(order[i] == i);
}

TEST_CASE("pool: a task's exception reaches its future, and the others still run", "[parallel]") {
  Pool pool(2);
  auto bad = pool.run([]() -> int { throw std::runtime_error("the task failed"); });
  auto good = pool.run([] { return 7; });
  CHECK_THROWS_WITH(bad.get(), "the task failed");
  CHECK(good.get() == 7);
}

TEST_CASE("pool: the destructor runs the tasks still given before it joins", "[parallel]") {
  std::atomic<int> ran{0};
  {
    Pool pool(2);
    for (int i = 0; i < 100; ++i) {
      (void)pool.run([&ran] { ++ran; });  // futures dropped: nothing waits on them here
    }
  }
  CHECK(ran == 100);
}
