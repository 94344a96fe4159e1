#include <catch2/catch.hpp>
#include <rocksdb/sst_file_reader.h>
#include <capnp/serialize.h>
#include <capnp/message.h>
#include <capnp/schema.capnp.h>
#include <fmt/format.h>

#include <filesystem>

#include "entente/error.h"
#include "catalog/catalog.h"
#include "graph/records.h"
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

// Found by fuzz_record: 136 bytes whose pointers claim lists of millions of empty elements
// made decoding allocate gigabytes. The reader's traversal budget now grows with the record's
// size, so decoding it fails as damaged (or yields small lists), quickly.
TEST_CASE("a small record claiming a huge list is refused, not expanded", "[store][corruption]") {
  const std::string record("\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x03\x00\x04\x00\x17\x00\x00\x00\x00\x00\x00\x00\x77\x00\x00\x00\x00\x00\x00\x00\x33\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x1c\x00\x00\x00\x00\x00\x01\x00\x01\x00\x00\x00\x1f\x00\x00\x00\x00\x03\x00\x04\x00\x00\x00\x00\x09\x00\x00\x00\x7a\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x67\x37\x2d\x61\x70\x75\x6c\x69\x61\x2d\x32\x30\x32\x34\x00\x00\x01\x00\x00\x00\x3a\x00\x00\x00\x6d\x65\x6d\x62\x65\x72\x00\x00", 136);
  auto catalog = catalog::Catalog::builtin();
  try {
    Node n = graph::decode_node(*catalog, 1, record);
    CHECK(n.aliases.size() < 1000);
    CHECK(n.sources.size() < 1000);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kCorruption);
  }
}

// The bulk import's tables must be written with the column family's own options (store.cc
// cf_options): a filter where Gets read, ZSTD at the bottom level where they are ingested.
TEST_CASE("sorted tables are written with their column family's filter and compression", "[store]") {
  test::TempDir dir;
  auto store = storage::Store::open(dir / "db", {});
  auto table_properties = [&](Cf cf, const std::string& file) {
    storage::SstWriter w(*store, dir / file, cf);
    w.put("k1", std::string(100, 'x'));
    w.put("k2", std::string(100, 'y'));
    REQUIRE(w.finish());
    rocksdb::SstFileReader reader{rocksdb::Options()};
    REQUIRE(reader.Open((dir / file).string()).ok());
    return *reader.GetTableProperties();
  };
  auto nodes = table_properties(Cf::kNodes, "nodes.sst");
  CHECK(nodes.compression_name == "ZSTD");
  CHECK(nodes.filter_policy_name == "bloomfilter");
  // The column family is named in the table, so that a MANIFEST rebuilt from the tables
  // (salvage) puts it back where it belongs.
  CHECK(nodes.column_family_name == "nodes");
  auto adj = table_properties(Cf::kAdj, "adj.sst");
  CHECK(adj.compression_name == "ZSTD");
  CHECK(adj.filter_policy_name.empty());  // prefix scans only: no whole-key filter
  CHECK(adj.column_family_name == "adj");
  // And they are ingested and read like written ones.
  store->ingest({{Cf::kNodes, dir / "nodes.sst"}, {Cf::kAdj, dir / "adj.sst"}});
  CHECK(store->snapshot()->get(Cf::kNodes, "k2") == std::string(100, 'y'));
  CHECK_FALSE(store->snapshot()->get(Cf::kNodes, "k3"));
}

// The acknowledgement record (docs/format.md §1): written in place, read back, and a damaged
// one is told apart from an absent one.
TEST_CASE("the acknowledgement record round-trips and its damage is seen", "[store]") {
  test::TempDir dir;
  CHECK(storage::files::read_ack(dir.path()).state == storage::files::AckState::kAbsent);
  {
    storage::files::AckWriter w(dir.path());
    w.write(0);  // the first write fills the record, even at sequence 0
    CHECK(storage::files::read_ack(dir.path()).state == storage::files::AckState::kRead);
    w.write(1163);
    w.write(12);  // never moves back
  }
  auto read = storage::files::read_ack(dir.path());
  REQUIRE(read.state == storage::files::AckState::kRead);
  CHECK(read.ack.sequence == 1163);
  auto text = test::read_file(dir / storage::files::kAckFile);
  CHECK(text == storage::files::encode_ack(1163));
  CHECK(text.size() == 64);
  CHECK(text.rfind("entente-acknowledged 1 00000000000000001163 ", 0) == 0);
  text[30] = '9';  // a digit changed: the CRC no longer matches
  test::write_file(dir / storage::files::kAckFile, text);
  CHECK(storage::files::read_ack(dir.path()).state == storage::files::AckState::kDamaged);
  test::write_file(dir / storage::files::kAckFile, "");
  CHECK(storage::files::read_ack(dir.path()).state == storage::files::AckState::kDamaged);
}

// A store opens below its acknowledged sequence only as a refusal.
TEST_CASE("a store that reaches less than it acknowledged is refused, and nothing is written", "[store]") {
  test::TempDir dir;
  {
    auto store = storage::Store::open(dir / "db", {});
    auto batch = store->batch();
    batch->put(Cf::kNodes, "a", "1");
    store->commit(*batch);
  }
  auto seq = storage::files::read_ack(dir / "db").ack.sequence;
  REQUIRE(seq >= 1);
  test::write_file(dir / "db" / storage::files::kAckFile, storage::files::encode_ack(seq + 5));
  for (bool read_only : {true, false}) {
    try {
      storage::Store::open(dir / "db", {.read_only = read_only});
      FAIL("opened below the acknowledged sequence");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::kCorruption);
      CHECK_THAT(e.what(), Catch::Contains("has lost acknowledged writes"));
    }
  }
  CHECK(storage::files::read_ack(dir / "db").ack.sequence == seq + 5);  // left as it was
}

TEST_CASE("storage::encode writes Cap'n Proto's flat array, for one segment or several", "[store]") {
  // encode writes the segment table and segments itself (no kj::Array in between); the
  // bytes stored must stay messageToFlatArray's.
  for (unsigned first_words : {1024u, 8u, 2u}) {  // one segment, then two, then several
    capnp::MallocMessageBuilder message(first_words, capnp::AllocationStrategy::FIXED_SIZE);
    auto node = message.initRoot<capnp::schema::Node>();
    node.setId(0x1234567890abcdefULL);
    node.setDisplayName("a display name long enough to need words of its own");
    auto nested = node.initNestedNodes(3);
    for (unsigned i = 0; i < 3; ++i) nested[i].setName(std::string(10 + i, 'n'));
    INFO("segments: " << message.getSegmentsForOutput().size());
    auto flat = capnp::messageToFlatArray(message);
    auto bytes = flat.asBytes();
    const std::string expected(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
    CHECK(entente::storage::encode(message) == expected);
    // encode_append writes the same bytes after what the string holds (a bulk load's
    // block of records), leaving that as it was.
    std::string arena = "records before";
    entente::storage::encode_append(message, arena);
    CHECK(arena == "records before" + expected);
  }
}

// A batch of 8 MiB or more that did not spill is committed as tables, one a column family,
// ingested in one step (Store::prepare), not through the log and the memtable. What it
// wrote reads back as a WriteBatch would have left it: the last write of each key, deletes
// of stored keys applied, other keys untouched.
TEST_CASE("a large batch is committed as tables, meaning what the batch meant", "[store]") {
  test::TempDir dir;
  auto store = storage::Store::open(dir.path(), {});
  {
    auto b = store->batch();
    b->put(Cf::kKeys, "stored-kept", "1");
    b->put(Cf::kKeys, "stored-deleted", "2");
    b->put(Cf::kNodes, "stored-replaced", "3");
    store->commit(*b);
  }
  auto files_of = [&](const std::string& cf) {
    std::size_t n = 0;
    for (const auto& f : store->table_files()) n += f.column_family == cf;
    return n;
  };
  REQUIRE(files_of("nodes") == 0);  // the small batch is in the memtable
  auto b = store->batch();
  const std::string value(600, 'v');
  for (int i = 0; i < 16000; ++i) b->put(Cf::kNodes, fmt::format("n{:06}", i), value + std::to_string(i));
  b->put(Cf::kNodes, "n000007", "again");  // the last write of a key wins
  b->del(Cf::kKeys, "stored-deleted");
  b->put(Cf::kNodes, "stored-replaced", "4");
  b->put(Cf::kEdges, "e", "5");
  b->del(Cf::kEdges, "e");  // written and deleted in the batch: not there
  b->put(Cf::kMeta, "m", "6");
  store->commit(*b);
  CHECK(files_of("nodes") >= 1);
  CHECK(files_of("meta") >= 1);
  auto snap = store->snapshot();
  CHECK(snap->get(Cf::kNodes, "n000000") == value + "0");
  CHECK(snap->get(Cf::kNodes, "n015999") == value + "15999");
  CHECK(snap->get(Cf::kNodes, "n000007") == "again");
  CHECK(snap->get(Cf::kNodes, "stored-replaced") == "4");
  CHECK(snap->get(Cf::kKeys, "stored-kept") == "1");
  CHECK_FALSE(snap->get(Cf::kKeys, "stored-deleted"));
  CHECK_FALSE(snap->get(Cf::kEdges, "e"));
  CHECK(snap->get(Cf::kMeta, "m") == "6");
  // Nothing is left beside the database: the tables were moved in, their directory removed.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path().parent_path())) {
    CHECK(entry.path().filename().string().rfind(dir.path().filename().string() + ".txn-", 0) != 0);
  }
  // And it all holds after the database is opened again.
  snap.reset();
  b.reset();
  store.reset();
  store = storage::Store::open(dir.path(), {});
  CHECK(store->snapshot()->get(Cf::kNodes, "n000007") == "again");
  CHECK_FALSE(store->snapshot()->get(Cf::kKeys, "stored-deleted"));
}

// A batch past its budget spills; the records of new ids (nodes, edges: keys that grow from
// one spill to the next, all puts) go into tables of their own (table runs), which the
// commit ingests as they are. Reads through the batch see them. A later write into their
// range (a replacement, a delete) sends the family back into runs, and the commit merges
// it, the newest write winning.
TEST_CASE("spilled records are table runs, ingested as they are unless written again", "[store]") {
  test::TempDir dir;
  storage::StoreOptions o;
  o.transaction_bytes = 64 << 10;  // a spill every hundred or so records
  auto key = [](int i) { return fmt::format("n{:06}", i); };
  const std::string value(500, 'r');
  auto files_of = [](storage::Store& store, const std::string& cf) {
    std::size_t n = 0;
    for (const auto& f : store.table_files()) n += f.column_family == cf;
    return n;
  };
  SECTION("new records only: several tables ingested as they are") {
    auto store = storage::Store::open(dir.path(), o);
    auto b = store->batch();
    for (int i = 0; i < 2000; ++i) {
      b->put(Cf::kNodes, key(i), value + std::to_string(i));
      b->put(Cf::kKeys, fmt::format("k{}", 1999 - i), key(i));  // not in id order: runs
    }
    CHECK(b->get(Cf::kNodes, key(3)) == value + "3");  // read back from a table run
    CHECK(b->get(Cf::kKeys, "k5") == key(1994));
    store->commit(*b);
    CHECK(files_of(*store, "nodes") > 1);  // the spills' tables, not one merged table
    CHECK(files_of(*store, "keys") == 1);
    auto snap = store->snapshot();
    for (int i : {0, 1, 777, 1999}) CHECK(snap->get(Cf::kNodes, key(i)) == value + std::to_string(i));
    CHECK(snap->get(Cf::kKeys, "k0") == key(1999));
    std::size_t n = 0;
    snap->scan(Cf::kNodes, "n", [&](std::string_view, std::string_view) { return ++n, true; });
    CHECK(n == 2000);
  }
  SECTION("a record written again after its table run: the family is merged, the newest write wins") {
    {
      auto store = storage::Store::open(dir.path(), o);
      auto b = store->batch();
      b->put(Cf::kNodes, "a-stored", "old");
      store->commit(*b);
    }
    auto store = storage::Store::open(dir.path(), o);
    auto b = store->batch();
    for (int i = 0; i < 1000; ++i) b->put(Cf::kNodes, key(i), value + std::to_string(i));
    b->put(Cf::kNodes, key(10), "replaced");  // in a table run's range
    b->del(Cf::kNodes, key(20));
    b->del(Cf::kNodes, "a-stored");  // a stored record, deleted
    for (int i = 1000; i < 1500; ++i) b->put(Cf::kNodes, key(i), value + std::to_string(i));
    CHECK(b->get(Cf::kNodes, key(10)) == "replaced");
    CHECK_FALSE(b->get(Cf::kNodes, key(20)));
    store->commit(*b);
    CHECK(files_of(*store, "nodes") >= 1);
    auto snap = store->snapshot();
    CHECK(snap->get(Cf::kNodes, key(10)) == "replaced");
    CHECK_FALSE(snap->get(Cf::kNodes, key(20)));
    CHECK_FALSE(snap->get(Cf::kNodes, "a-stored"));
    CHECK(snap->get(Cf::kNodes, key(11)) == value + "11");
    CHECK(snap->get(Cf::kNodes, key(1499)) == value + "1499");
    std::size_t n = 0;
    snap->scan(Cf::kNodes, "", [&](std::string_view, std::string_view) { return ++n, true; });
    CHECK(n == 1499);
  }
}
