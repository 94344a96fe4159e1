// Damaged data is reported, never a crash and never a silently wrong answer: damaged records
// (bytes changed in a stored value) and damaged table files (bytes flipped in an .sst file).
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include <fmt/format.h>
#include <rocksdb/db.h>

#include "catalog/catalog.h"
#include "cli/run.h"
#include "entente/entente.h"
#include "graph/records.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "test_util.h"

using namespace entente;
using storage::Cf;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<Database> open_existing(const fs::path& p, bool read_only) {
  Options o;
  o.create_if_missing = false;
  o.read_only = read_only;
  return Database::open(p, o);
}

std::string stored(const fs::path& db, Cf cf, std::uint64_t id) {
  auto store = storage::Store::open(db, {.create_if_missing = false, .read_only = true});
  auto v = store->snapshot()->get(cf, keys::id(id));
  REQUIRE(v);
  return *v;
}

void put_raw(const fs::path& db, Cf cf, std::uint64_t id, const std::string& value) {
  auto store = storage::Store::open(db, {.create_if_missing = false});
  auto batch = store->batch();
  batch->put(cf, keys::id(id), value);
  store->commit(*batch);
}

// Flushes every column family of a closed database to .sst files, with RocksDB directly
// (closing a database leaves recent writes in the write-ahead log only). Returns the table
// files of each column family.
std::map<std::string, std::vector<std::string>> flush_to_tables(const fs::path& dir) {
  std::vector<std::string> names;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.string(), &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), dir.string(), descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::map<std::string, std::vector<std::string>> files;
  for (auto* h : handles) {
    REQUIRE(db->Flush(rocksdb::FlushOptions(), h).ok());
    rocksdb::ColumnFamilyMetaData meta;
    db->GetColumnFamilyMetaData(h, &meta);
    for (const auto& level : meta.levels) {
      for (const auto& f : level.files) files[h->GetName()].push_back(f.name);
    }
    db->DestroyColumnFamilyHandle(h);
  }
  REQUIRE(db->Close().ok());
  return files;
}

// The assertion of this file: reading a damaged database throws entente::Error (corruption,
// or an I/O error) whose message names the damage.
template <typename F>
void expect_damage_reported(F&& read, const char* what) {
  INFO(what);
  try {
    read();
    FAIL_CHECK("read without an error");
  } catch (const Error& e) {
    INFO(e.what());
    CHECK((e.kind() == ErrorKind::kCorruption || e.kind() == ErrorKind::kIO));
    CHECK_THAT(e.what(), Catch::Contains("damaged") || Catch::Contains("Corruption") || Catch::Contains("checksum"));
  }
}

}  // namespace

TEST_CASE("corruption: a damaged node record makes reads throw kCorruption naming it, and check report it",
          "[reliability][corruption]") {
  struct Case {
    const char* what;
    std::function<void(std::string&)> damage;
  };
  auto at = [](std::size_t offset, std::string bytes) {
    return [offset, bytes](std::string& v) { v.replace(offset, bytes.size(), bytes); };
  };
  for (const auto& [what, damage] : {
           Case{"the segment table claims more words than there are", at(4, std::string("\xff\xff\xff\x0f", 4))},
           Case{"the root pointer is garbage", at(8, std::string(8, '\xff'))},
           Case{"the type tag names no type", at(16, std::string("\x77\x77\x77\x00", 4))},
           Case{"the key pointer points past the end", at(24, std::string("\xf1\xff\xff\x7f\x1a\x00\x00\x00", 8))},
           Case{"three bytes are cut off", [](std::string& v) { v.resize(v.size() - 3); }},
           Case{"the record is all garbage", [](std::string& v) { v.assign(v.size(), '\xa5'); }},
       }) {
    INFO(what);
    test::TempDir dir;
    NodeId prk;
    {
      auto db = Database::open(dir / "db");
      test::load(*db, test::kSmallData);
      prk = db->snapshot()->resolve("State:PRK").id;
    }
    std::string bytes = stored(dir / "db", Cf::kNodes, prk);
    damage(bytes);
    put_raw(dir / "db", Cf::kNodes, prk, bytes);

    auto db = open_existing(dir / "db", true);
    auto snap = db->snapshot();
    const std::string record = fmt::format("node record {}", prk);
    for (int how = 0; how < 3; ++how) {
      try {
        if (how == 0) (void)snap->node(prk);
        if (how == 1) (void)snap->node(NodeRef{"State", "PRK"});
        if (how == 2) snap->resolve("North Korea");
        FAIL_CHECK("read " << how << " did not throw");
      } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::kCorruption);
        CHECK_THAT(e.what(), Catch::Contains(record));
      }
    }
    try {
      std::ostringstream out;
      dump_jsonl(*snap, out);
      FAIL_CHECK("dumped without an error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::kCorruption);
      CHECK_THAT(e.what(), Catch::Contains(record));
    }
    auto report = db->check();
    CHECK(std::any_of(report.problems.begin(), report.problems.end(),
                      [&](const Problem& p) { return p.where == record; }));
  }
}

TEST_CASE("corruption: a damaged edge record makes reads throw kCorruption naming it", "[reliability][corruption]") {
  test::TempDir dir;
  EdgeId e;
  NodeId rus;
  {
    auto db = Database::open(dir / "db");
    test::load(*db, test::kSmallData);
    auto snap = db->snapshot();
    rus = snap->resolve("State:RUS").id;
    e = snap->neighbors(rus, {.edge_types = {"PARTNERSHIP"}}).at(0).edge.id;
  }
  std::string bytes = stored(dir / "db", Cf::kEdges, e);
  bytes.replace(8, 8, std::string(8, '\xff'));
  put_raw(dir / "db", Cf::kEdges, e, bytes);
  auto db = open_existing(dir / "db", true);
  auto snap = db->snapshot();
  const std::string record = fmt::format("edge record {}", e);
  for (int how = 0; how < 2; ++how) {
    try {
      if (how == 0) (void)snap->edge(e);
      if (how == 1) (void)snap->neighbors(rus);
      FAIL_CHECK("read " << how << " did not throw");
    } catch (const Error& err) {
      CHECK(err.kind() == ErrorKind::kCorruption);
      CHECK_THAT(err.what(), Catch::Contains(record));
    }
  }
  auto report = db->check();
  CHECK(
      std::any_of(report.problems.begin(), report.problems.end(), [&](const Problem& p) { return p.where == record; }));
}

TEST_CASE("corruption: a changed key or name in a record that still decodes is found by check",
          "[reliability][corruption]") {
  test::TempDir dir;
  NodeId prk;
  {
    auto db = Database::open(dir / "db");
    test::load(*db, test::kSmallData);
    prk = db->snapshot()->resolve("State:PRK").id;
  }
  std::string bytes = stored(dir / "db", Cf::kNodes, prk);
  auto k = bytes.find("PRK");
  REQUIRE(k != std::string::npos);
  bytes[k + 1] = 'X';  // the key becomes PXK
  auto n = bytes.find("Democratic");
  REQUIRE(n != std::string::npos);
  bytes[n] = 'd' ^ 0x20 ^ 0x01;  // 'E': the name becomes "Eemocratic ..."
  put_raw(dir / "db", Cf::kNodes, prk, bytes);
  auto report = open_existing(dir / "db", true)->check();
  INFO([&] {
    std::string s;
    for (const auto& p : report.problems) s += p.where + ": " + p.reason + "\n";
    return s;
  }());
  const std::string where = fmt::format("node record {} (State:PXK)", prk);
  auto has = [&](const std::string& reason) {
    return std::any_of(report.problems.begin(), report.problems.end(), [&](const Problem& p) {
      return p.where == where && p.reason.find(reason) != std::string::npos;
    });
  };
  CHECK(has("the key index has no entry for it"));
  CHECK(has("the name index lacks 'eemocratic"));
}

TEST_CASE("corruption: a record with its key pointer zeroed is refused as damaged, not read with an empty key",
          "[reliability][corruption]") {
  // docs/format.md 5.2: NodeRecord.key is "always set, never empty".
  test::TempDir dir;
  NodeId prk;
  {
    auto db = Database::open(dir / "db");
    test::load(*db, test::kSmallData);
    prk = db->snapshot()->resolve("State:PRK").id;
  }
  std::string bytes = stored(dir / "db", Cf::kNodes, prk);
  bytes.replace(24, 8, std::string(8, '\0'));  // ptr[0], the key: null
  put_raw(dir / "db", Cf::kNodes, prk, bytes);
  auto db = open_existing(dir / "db", true);
  try {
    auto n = db->snapshot()->node(prk);
    FAIL_CHECK("read node " << prk << " as " << (n ? "'" + n->ref().str() + "'" : "nothing"));
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kCorruption);
    CHECK_THAT(e.what(), Catch::Contains(fmt::format("node record {}", prk)));
  }
  CHECK_FALSE(db->check().clean());
}

TEST_CASE("corruption: every single-byte change of every record decodes or throws kCorruption, never crashes",
          "[reliability][corruption]") {
  test::TempDir dir;
  {
    auto db = Database::open(dir / "db");
    test::load(*db, test::kSmallData);
  }
  auto catalog = catalog::Catalog::builtin();
  auto store = storage::Store::open(dir / "db", {.create_if_missing = false, .read_only = true});
  auto view = store->snapshot();
  std::uint64_t tried = 0, refused = 0;
  for (Cf cf : {Cf::kNodes, Cf::kEdges}) {
    view->scan(cf, "", [&](std::string_view k, std::string_view v) {
      std::uint64_t id = keys::decode_id(k);
      for (std::size_t i = 0; i < v.size(); ++i) {
        for (unsigned char mask : {0x01, 0x80, 0xff}) {
          std::string bytes(v);
          bytes[i] = static_cast<char>(bytes[i] ^ mask);
          ++tried;
          try {
            if (cf == Cf::kNodes) {
              graph::decode_node(*catalog, id, bytes);
            } else {
              graph::decode_edge(*catalog, id, bytes);
            }
          } catch (const Error& e) {
            ++refused;
            if (e.kind() != ErrorKind::kCorruption) {
              FAIL_CHECK(fmt::format("{} {} byte {} ^ {:#x}: kind {} ({})", cf == Cf::kNodes ? "node" : "edge", id, i,
                                     mask, static_cast<int>(e.kind()), e.what()));
            }
          } catch (const std::exception& e) {
            FAIL_CHECK(fmt::format("{} {} byte {} ^ {:#x}: not an entente::Error: {}",
                                   cf == Cf::kNodes ? "node" : "edge", id, i, mask, e.what()));
          }
        }
      }
      return true;
    });
  }
  INFO(tried << " changes, " << refused << " refused");
  CHECK(tried > 1000);
  CHECK(refused > 0);
}

TEST_CASE("corruption: flipped bytes in a table file make reads fail with an error naming the damage",
          "[reliability][corruption]") {
  test::TempDir dir;
  const auto original = dir / "db";
  std::string dump;
  {
    auto db = Database::open(original);
    auto txn = db->begin();
    for (int i = 0; i < 12000; ++i) {
      txn->put_node({.type = "State",
                     .key = fmt::format("S{:05}", i),
                     .name = fmt::format("State number {} of a database large enough for many table blocks, {}", i,
                                         std::string(60, static_cast<char>('a' + i % 26))),
                     .props = {{"cow", i}, {"capital", fmt::format("Capital city {}", i)}}});
    }
    txn->commit();
    dump = test::dump_of(*db);
  }
  auto tables = flush_to_tables(original);
  REQUIRE(tables["nodes"].size() == 1);
  const std::string table = tables["nodes"].front();  // "/000012.sst"
  const auto size = fs::file_size(original.string() + table);
  INFO("the nodes table " << table << ", " << size << " bytes");
  REQUIRE(size > 64 * 1024);
  CHECK(test::dump_of(*open_existing(original, true)) == dump);  // intact after the flush

  for (double where : {0.3, 0.6}) {
    const auto offset = static_cast<std::size_t>(size * where);
    INFO("byte " << offset << " flipped");
    const auto copy = dir / fmt::format("damaged-{}", offset);
    fs::copy(original, copy, fs::copy_options::recursive);
    {
      std::fstream f(copy.string() + table, std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(static_cast<std::streamoff>(offset));
      char c = 0;
      f.read(&c, 1);
      c = static_cast<char>(c ^ 0x5a);
      f.seekp(static_cast<std::streamoff>(offset));
      f.write(&c, 1);
    }
    expect_damage_reported(
        [&] {
          std::ostringstream out;
          dump_jsonl(*open_existing(copy, true)->snapshot(), out);
        },
        "dump_jsonl");
    for (bool read_only : {true, false}) {
      expect_damage_reported(
          [&] {
            auto report = open_existing(copy, read_only)->check();
            // A report is as good as an error, as long as it is not clean.
            if (!report.clean()) throw Error(ErrorKind::kCorruption, "damaged: " + report.problems.front().reason);
          },
          read_only ? "check, opened read-only" : "check, opened for writing");
    }
    auto r = test::entente_cmd(dir, "dump --db '" + copy.string() + "'");
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::StartsWith("entente: ") && Catch::Contains("damaged"));
    CHECK_THAT(r.err, Catch::Contains(".sst"));
    r = test::entente_cmd(dir, "check --db '" + copy.string() + "'");
    CHECK(r.status == 1);
    CHECK_THAT(r.err + r.out, Catch::Contains("damaged"));
  }
}
