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
