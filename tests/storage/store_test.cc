#include <catch2/catch.hpp>

#include "entente/error.h"
#include "storage/store.h"
#include "test_util.h"

using namespace entente;
using storage::Cf;

TEST_CASE("a batch reads its own writes and commits atomically", "[store]") {
  test::TempDir dir;
  auto store = storage::Store::open(dir.path(), {});
  auto batch = store->batch();
  batch->put(Cf::kNodes, "a", "1");
  batch->put(Cf::kNodes, "b", "2");
  CHECK(batch->get(Cf::kNodes, "a") == "1");
  CHECK_FALSE(store->snapshot()->get(Cf::kNodes, "a"));  // not visible before commit
  store->commit(*batch);
  CHECK(store->snapshot()->get(Cf::kNodes, "b") == "2");
}

TEST_CASE("a snapshot does not see later commits", "[store]") {
  test::TempDir dir;
  auto store = storage::Store::open(dir.path(), {});
  auto snap = store->snapshot();
  auto batch = store->batch();
  batch->put(Cf::kKeys, "k", "v");
  store->commit(*batch);
  CHECK_FALSE(snap->get(Cf::kKeys, "k"));
  CHECK(store->snapshot()->get(Cf::kKeys, "k") == "v");
}

TEST_CASE("prefix scans merge batch writes over stored data in key order", "[store]") {
  test::TempDir dir;
  auto store = storage::Store::open(dir.path(), {});
  auto b1 = store->batch();
  b1->put(Cf::kAdj, "p1", "");
  b1->put(Cf::kAdj, "p3", "");
  b1->put(Cf::kAdj, "q1", "");
  store->commit(*b1);
  auto b2 = store->batch();
  b2->put(Cf::kAdj, "p2", "");
  b2->del(Cf::kAdj, "p3");
  std::vector<std::string> seen;
  b2->scan(Cf::kAdj, "p", [&](std::string_view k, std::string_view) {
    seen.emplace_back(k);
    return true;
  });
  CHECK(seen == std::vector<std::string>{"p1", "p2"});
}

TEST_CASE("a second writer is refused with a message naming the lock", "[store]") {
  test::TempDir dir;
  auto store = storage::Store::open(dir.path(), {});
  try {
    storage::Store::open(dir.path(), {});
    FAIL("a second writer opened the database");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kConflict);
    CHECK_THAT(e.what(), Catch::Contains("LOCK"));
  }
  storage::StoreOptions ro;
  ro.read_only = true;
  CHECK_NOTHROW(storage::Store::open(dir.path(), ro));  // a reader beside the writer
}

TEST_CASE("a damaged record is reported, not read", "[store]") {
  CHECK_THROWS_WITH(storage::RecordReader("abc", "node record 1"), Catch::Contains("node record 1"));
  std::string garbage(16, '\xff');
  try {
    storage::RecordReader r(garbage, "node record 2");
    FAIL("garbage decoded");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kCorruption);
  }
}
