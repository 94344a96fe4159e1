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

TEST_CASE("adjacency keys round-trip and sort by node, direction, type, other type, start", "[keys]") {
  keys::Adj a{7, keys::kIn, 3, 5, 19610910, 42, 99};
  auto k = keys::adj(a);
  REQUIRE(k.size() == keys::kAdjKeySize);
  CHECK(k.size() == 37);
  auto b = keys::decode_adj(k);
  CHECK(b.node == 7);
  CHECK(b.dir == keys::kIn);
  CHECK(b.tag == 3);
  CHECK(b.other_tag == 5);
  CHECK(b.from == 19610910u);
  CHECK(b.other == 42);
  CHECK(b.edge == 99);
  CHECK(k.starts_with(keys::adj_prefix(7, keys::kIn, 3)));
  CHECK(k.starts_with(keys::adj_prefix(7, keys::kIn, 3, 5)));
  CHECK_FALSE(k.starts_with(keys::adj_prefix(7, keys::kIn, 3, 4)));
  CHECK(keys::adj_identity(a) + k.substr(29) == k);
  CHECK(keys::adj({7, keys::kOut, 9, 9, 0, 0, 0}) < keys::adj({7, keys::kIn, 1, 1, 0, 0, 0}));
  CHECK(keys::adj({7, keys::kOut, 1, 1, 19610000, 0, 0}) < keys::adj({7, keys::kOut, 1, 1, 19610101, 0, 0}));
  // The other end's type sorts before the start: a type's entries of one node type are together.
  CHECK(keys::adj({7, keys::kOut, 1, 1, 20200101, 0, 0}) < keys::adj({7, keys::kOut, 1, 2, 19610101, 0, 0}));
  CHECK(keys::adj({7, keys::kOut, 1, 2, 0, 0, 0}) < keys::adj({7, keys::kOut, 2, 1, 0, 0, 0}));
  CHECK_THROWS(keys::decode_adj("too short"));
  CHECK_THROWS(keys::decode_adj(k + "x"));
}

TEST_CASE("format-1 adjacency keys (33 bytes, no other type) still decode", "[keys]") {
  keys::Adj a{7, keys::kOut, 3, 5, 19610910, 42, 99};
  auto k = keys::adj(a, 1);
  REQUIRE(k.size() == keys::kAdjKeySize1);
  CHECK(k.size() == 33);
  CHECK(k == keys::adj_prefix(7, keys::kOut, 3) + k.substr(13));
  auto b = keys::decode_adj(k);
  CHECK(b.node == 7);
  CHECK(b.dir == keys::kOut);
  CHECK(b.tag == 3);
  CHECK(b.other_tag == 0);  // unknown
  CHECK(b.from == 19610910u);
  CHECK(b.other == 42);
  CHECK(b.edge == 99);
  CHECK(keys::adj_identity(a, 1).size() == 25);
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
