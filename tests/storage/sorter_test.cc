#include <catch2/catch.hpp>

#include <map>

#include "storage/sorter.h"
#include "test_util.h"

using entente::storage::Sorter;

TEST_CASE("the sorter gives every entry in key order, in memory or from runs on disk", "[sorter]") {
  entente::test::TempDir dir;
  for (std::size_t memory : {std::size_t{1} << 20, std::size_t{4096}}) {
    Sorter s(dir.path(), "t", memory);
    std::multimap<std::string, std::string> expect;
    std::uint64_t x = 7;
    for (int i = 0; i < 5000; ++i) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      std::string key = std::to_string(x >> 40);
      if (i % 3 == 0) key.resize(key.size() / 2);  // keys that are prefixes of others
      std::string value(i % 17, 'v');
      expect.emplace(key, value);
      s.add(key, value);
    }
    std::vector<std::string> got;
    s.finish([&](std::string_view k, std::string_view v) { got.push_back(std::string(k) + "=" + std::string(v)); });
    REQUIRE(got.size() == expect.size());
    CHECK(std::is_sorted(got.begin(), got.end(), [](const std::string& a, const std::string& b) {
      return a.substr(0, a.find('=')) < b.substr(0, b.find('='));
    }));
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 0);
  }
}

TEST_CASE("the sorter orders keys that agree in their first 16 bytes, or hold zero bytes, bytewise", "[sorter]") {
  // The sort compares 16 bytes of each key as two numbers first (zeros past a short key's
  // end): keys equal there, keys that are prefixes of others and keys ending in zero bytes
  // must still come out in std::string's order.
  entente::test::TempDir dir;
  std::vector<std::string> keys;
  const std::string base = "0123456789abcdef";  // 16 bytes
  for (const std::string& k : {base, base + "x", base + "\x01", base + std::string(1, '\0'), base + std::string(2, '\0'),
                               base.substr(0, 15), base.substr(0, 15) + std::string(1, '\0'), std::string(3, '\0'),
                               std::string(), std::string(1, '\0'), base + "xy", base + "xa", base + "x" + std::string(1, '\0'),
                               base.substr(0, 8), base.substr(0, 8) + std::string(8, '\0'), base.substr(0, 8) + std::string(9, '\0')}) {
    keys.push_back(k);
  }
  std::uint64_t x = 11;
  for (int i = 0; i < 3000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    std::string k = i % 2 ? base : base.substr(0, 12);
    k += std::to_string(x >> 50);
    if (i % 5 == 0) k += std::string(i % 3, '\0');
    keys.push_back(k);
  }
  for (std::size_t memory : {std::size_t{1} << 20, std::size_t{4096}}) {
    Sorter s(dir.path(), "t", memory);
    for (const auto& k : keys) s.add(k, "");
    std::vector<std::string> got;
    s.finish([&](std::string_view k, std::string_view) { got.emplace_back(k); });
    auto expect = keys;
    std::sort(expect.begin(), expect.end());
    CHECK(got == expect);
  }
}
