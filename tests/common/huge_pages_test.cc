// HugeVector: large buffers mapped on huge-page boundaries, small ones from operator new;
// both hold what is put in them through growth and copies.
#include <catch2/catch.hpp>

#include <cstdint>
#include <numeric>

#include "common/huge_pages.h"

using namespace entente;

TEST_CASE("a huge vector keeps its contents through growth, copies and release", "[memory]") {
  memory::HugeVector<std::uint32_t> v;
  for (std::uint32_t i = 0; i < 3'000'000; ++i) v.push_back(i * 7);  // grows past 2 MiB
  REQUIRE(v.size() == 3'000'000);
  // A block past a huge page starts on a huge page's boundary.
  CHECK(reinterpret_cast<std::uintptr_t>(v.data()) % memory::kHugePage == 0);
  for (std::uint32_t i = 0; i < v.size(); i += 99'991) REQUIRE(v[i] == i * 7);
  auto copy = v;
  CHECK(copy == v);
  v.clear();
  v.shrink_to_fit();
  CHECK(copy.back() == 2'999'999u * 7);

  memory::HugeVector<std::uint64_t> small(10);
  std::iota(small.begin(), small.end(), 1);
  CHECK(std::accumulate(small.begin(), small.end(), std::uint64_t{0}) == 55);
}
