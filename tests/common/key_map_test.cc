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

// Hashes given by the caller (worked out ahead on another thread, or filed under a number
// of the caller's, as the edge cache does) are kept through growth: the table grows from
// its slots' halves of them, not by hashing the keys again. Keys whose hashes share the
// high half (the slots' fingerprint) are told apart by their keys.
TEST_CASE("key map: caller's hashes, through growth and shared fingerprints", "[key_map]") {
  KeyMap map;
  auto hash_of = [](std::uint64_t i) {
    // Every eighth key shares one high half with the others of its group of 64, and the
    // low bits spread the keys differently from KeyMap::hash.
    const std::uint64_t high = i % 8 == 0 ? 0x5eed0000u + i / 64 : (i * 0x9e3779b97f4a7c15ull) >> 32;
    return static_cast<std::size_t>(high << 32 | (i * 2654435761u & 0xffffffffu));
  };
  const std::uint64_t n = 50000;
  for (std::uint64_t i = 0; i < n; ++i) REQUIRE(map.insert("k" + std::to_string(i), i * 3, hash_of(i)));
  for (std::uint64_t i = 0; i < n; ++i) {
    map.prefetch(hash_of(i));
    REQUIRE(map.find("k" + std::to_string(i), hash_of(i)) == i * 3);
  }
  // A key not there, under a hash whose fingerprint others share, is not found.
  CHECK_FALSE(map.find("k" + std::to_string(n + 8), hash_of(8)).has_value());
  CHECK_FALSE(map.insert("k16", 1, hash_of(16)));  // there already: not replaced
  CHECK(map.find("k16", hash_of(16)) == std::uint64_t{48});
  CHECK(map.size() == n);
}
