#include <catch2/catch.hpp>

#include "storage/keys.h"

using namespace entente;

TEST_CASE("ids encode big-endian so that keys sort as numbers", "[keys]") {
  CHECK(keys::id(1) < keys::id(2));
  CHECK(keys::id(255) < keys::id(256));
  CHECK(keys::id(0xffffffffull) < keys::id(0x100000000ull));
  CHECK(keys::decode_id(keys::id(123456789012345ull)) == 123456789012345ull);
  CHECK_THROWS(keys::decode_id("short"));
}

TEST_CASE("adjacency keys round-trip and sort by node, direction, type, start", "[keys]") {
  keys::Adj a{7, keys::kIn, 3, 19610910, 42, 99};
  auto k = keys::adj(a);
  REQUIRE(k.size() == keys::kAdjKeySize);
  auto b = keys::decode_adj(k);
  CHECK(b.node == 7);
  CHECK(b.dir == keys::kIn);
  CHECK(b.tag == 3);
  CHECK(b.from == 19610910u);
  CHECK(b.other == 42);
  CHECK(b.edge == 99);
  CHECK(k.starts_with(keys::adj_prefix(7, keys::kIn, 3)));
  CHECK(keys::adj({7, keys::kOut, 9, 0, 0, 0}) < keys::adj({7, keys::kIn, 1, 0, 0, 0}));
  CHECK(keys::adj({7, keys::kOut, 1, 19610000, 0, 0}) < keys::adj({7, keys::kOut, 1, 19610101, 0, 0}));
  CHECK_THROWS(keys::decode_adj("too short"));
}

TEST_CASE("adjacency values hold valid-to and flags", "[keys]") {
  auto v = keys::decode_adj_value(keys::adj_value(20241204, keys::kHasValid));
  CHECK(v.to == 20241204u);
  CHECK(v.flags == keys::kHasValid);
}

TEST_CASE("name keys keep one name's entries together", "[keys]") {
  // "china" entries must not interleave with "china sea" entries.
  auto prefix = keys::name_prefix("china");
  CHECK(keys::name("china", 5).starts_with(prefix));
  CHECK_FALSE(keys::name("china sea", 5).starts_with(prefix));
  CHECK(keys::node_key(2, "PRK").starts_with(keys::type_prefix(2)));
}
