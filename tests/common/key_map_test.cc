// KeyMap (common/key_map.h): the compact map of a transaction's caches. Checked against
// std::unordered_map through random inserts, erasures and look-ups, past several growths.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <unordered_map>

#include "common/key_map.h"

using entente::KeyMap;

TEST_CASE("key map: agrees with std::unordered_map through inserts, erasures and growth", "[key_map]") {
  KeyMap map;
  std::unordered_map<std::string, std::uint64_t> ref;
  std::mt19937_64 rng(42);
  // Keys of 0 to 40 bytes, any byte (NULs included), from a pool small enough to repeat.
  auto key = [&] {
    std::string k(rng() % 41, '\0');
    std::uint64_t seed = rng() % 20000;
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<char>((seed * 131 + i * 7) % 256);
    return k;
  };
  for (int step = 0; step < 200000; ++step) {
    const std::string k = key();
    switch (rng() % 4) {
      case 0:
      case 1: {
        const std::uint64_t id = rng() >> 1;
        const bool added = ref.emplace(k, id).second;
        REQUIRE(map.insert(k, id) == added);
        break;
      }
      case 2:
        ref.erase(k);
        map.erase(k);
        break;
      default: {
        auto it = ref.find(k);
        auto found = map.find(k);
        REQUIRE(found.has_value() == (it != ref.end()));
        if (found) REQUIRE(*found == it->second);
      }
    }
    REQUIRE(map.size() == ref.size());
  }
  REQUIRE(!ref.empty());
  for (const auto& [k, id] : ref) REQUIRE(map.find(k) == id);
  CHECK(map.bytes() > 0);
  map.clear();
  CHECK(map.size() == 0);
  CHECK_FALSE(map.find(ref.begin()->first).has_value());
  CHECK(map.insert("", 7));
  CHECK(map.find("") == std::uint64_t{7});
}
