// Format versioning: the format version is recorded; a newer one is refused; a database
// written with an older version of the built-in types opens and reads under this build's.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <rocksdb/sst_file_reader.h>
#include <rocksdb/table_properties.h>

#include "common/coding.h"
#include "entente/entente.h"
#include "storage/adj_run.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "test_util.h"

using namespace entente;

namespace {

// A copy of the committed fixture, since opening it for writing changes it.
std::filesystem::path copy_fixture(const test::TempDir& dir) {
  auto to = dir / "db";
  std::filesystem::copy(std::filesystem::path(ENTENTE_TESTS_DIR) / "fixtures" / "format1-geo1", to,
                        std::filesystem::copy_options::recursive);
  return to;
}

// The sizes of the adjacency keys stored at `path` (a closed database), and its format version.
std::map<std::size_t, int> adjacency_key_sizes(const std::filesystem::path& path, std::uint32_t* format = nullptr) {
  auto store = storage::Store::open(path, {.create_if_missing = false, .read_only = true});
  auto view = store->snapshot();
  std::map<std::size_t, int> sizes;
  view->scan(storage::Cf::kAdj, "", [&](std::string_view k, std::string_view) {
    ++sizes[k.size()];
    return true;
  });
  if (format) *format = coding::get_u32(view->get(storage::Cf::kMeta, keys::kFormatVersion)->data());
  return sizes;
}

// What the format-2 change is about, read from a database of either format: neighbours of
// given node types, and allies.
std::vector<std::string> typed_reads(const Reader& r) {
  std::vector<std::string> out;
  auto prk = r.resolve("State:PRK").id;
  auto visit = r.resolve("Visit:putin-prk-2024").id;
  auto add = [&](const char* what, NodeId id, const NeighborQuery& q) {
    for (const auto& n : r.neighbors(id, q)) out.push_back(fmt::format("{}: {} {}", what, n.edge.type, n.node.ref().str()));
    r.adjacent(id, q, [&](const Reader::Step& s) {
      out.push_back(fmt::format("{} (step): {} {}:{}", what, s.edge_type, s.node_type, r.node(s.node)->key));
      return true;
    });
  };
  add("treaties", prk, {{"PARTY_TO"}, Direction::kOut, {}, {"Treaty"}});
  add("in force", prk, {{"PARTY_TO"}, Direction::kOut, Date::parse("2000-01-01"), {"Treaty"}});
  add("states", visit, {{}, Direction::kOut, {}, {"State"}});
  add("people", visit, {{"HOST", "VISITOR"}, Direction::kOut, {}, {"Person"}});
  add("none", prk, {{"PARTY_TO"}, Direction::kOut, {}, {"Agreement"}});
  for (const auto& a : entente::allies(r, "PRK", {.at = Date::parse("2024-12-31")})) {
    out.push_back(fmt::format("ally: {} via {}", a.state.ref().str(), a.chain.front().treaty.ref().str()));
  }
  return out;
}

}  // namespace

TEST_CASE("a format-1 database reads right read-only and is upgraded to format 6 when opened for writing",
          "[format]") {
  test::TempDir dir;
  auto path = copy_fixture(dir);
  const std::string dump =
      test::read_file(std::filesystem::path(ENTENTE_TESTS_DIR) / "fixtures" / "format1-geo1.dump.jsonl");
  const std::vector<std::string> expected{
      "treaties: PARTY_TO Treaty:prk-chn-1961",          "treaties: PARTY_TO Treaty:rus-prk-2024",
      "treaties (step): PARTY_TO Treaty:prk-chn-1961",   "treaties (step): PARTY_TO Treaty:rus-prk-2024",
      "in force: PARTY_TO Treaty:prk-chn-1961",          "in force (step): PARTY_TO Treaty:prk-chn-1961",
      "states: HOST State:PRK",                          "states (step): HOST State:PRK",
      "people: VISITOR Person:putin",                    "people (step): VISITOR Person:putin",
      "ally: State:CHN via Treaty:prk-chn-1961",         "ally: State:RUS via Treaty:rus-prk-2024",
  };
  std::uint32_t format = 0;
  CHECK(adjacency_key_sizes(path, &format) == std::map<std::size_t, int>{{keys::kAdjKeySize1, 16}});
  CHECK(format == 1);
  {
    Options ro;
    ro.read_only = true;
    auto db = Database::open(path, ro);
    CHECK(db->format_version() == 1);
    CHECK(test::dump_of(*db) == dump);
    CHECK(typed_reads(*db->snapshot()) == expected);
    auto r = db->check();
    CHECK(r.clean());
    CHECK(r.adjacency == 16);
  }
  // Read-only left it as it was.
  CHECK(adjacency_key_sizes(path, &format) == std::map<std::size_t, int>{{keys::kAdjKeySize1, 16}});
  CHECK(format == 1);
  {
    auto db = Database::open(path);
    CHECK(db->format_version() == 6);
    // Record time begins with the upgrade: the log's first commit, after the format-5
    // step's commit 0; the records were written before it.
    auto log = db->log();
    REQUIRE(log.size() == 1);
    CHECK(log[0].number == 1);
    CHECK(log[0].message == "upgrade to format 6: record time begins");
    CHECK(log[0].nodes.created == 0);
    CHECK(db->snapshot()->resolve("Person:putin").recorded == 0);
    auto r = db->check();
    INFO(r.problems.size());
    CHECK(r.clean());
    CHECK(r.adjacency == 16);
    CHECK(test::dump_of(*db) == dump);
    CHECK(typed_reads(*db->snapshot()) == expected);
  }
  // Every entry rewritten into one run a node (with its head: the fixture's 9 nodes), none
  // of the per-arc entries left; the version stored.
  CHECK(adjacency_key_sizes(path, &format) == std::map<std::size_t, int>{{keys::kRunKeySize, 9}});
  CHECK(format == 6);
  {
    // The old entries and their deletions were compacted away: a scan of adj (the topology's
    // build) steps over none of them.
    auto store = storage::Store::open(path, {.create_if_missing = false, .read_only = true});
    int adj_files = 0;
    for (const auto& f : store->table_files()) {
      if (f.column_family != "adj") continue;
      ++adj_files;
      rocksdb::SstFileReader reader{rocksdb::Options()};
      REQUIRE(reader.Open((path / f.name).string()).ok());
      CHECK(reader.GetTableProperties()->num_deletions == 0);
      CHECK(reader.GetTableProperties()->num_entries == 9);
    }
    CHECK(adj_files == 1);
  }
  Options ro;
  ro.read_only = true;
  auto again = Database::open(path, ro);
  CHECK(again->format_version() == 6);
  CHECK(again->log().size() == 1);
  CHECK(again->check().clean());
  CHECK(typed_reads(*again->snapshot()) == expected);
}

TEST_CASE("a database records its format version", "[format]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  CHECK(db->format_version() == keys::kFormat);
}

TEST_CASE("a database written by a newer format is refused with a clear message", "[format]") {
  test::TempDir dir;
  { Database::open(dir / "db"); }
  {
    auto store = storage::Store::open(dir / "db", {});
    auto batch = store->batch();
    std::string v;
    coding::put_u32(v, keys::kFormat + 1);
    batch->put(storage::Cf::kMeta, keys::kFormatVersion, v);
    store->commit(*batch);
  }
  try {
    Database::open(dir / "db");
    FAIL("a newer format was opened");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kInvalid);
    CHECK_THAT(e.what(), Catch::Contains(fmt::format("newer entente (format {})", keys::kFormat + 1)) &&
                               Catch::Contains(fmt::format("up to {}", keys::kFormat)));
  }
}

// The fixture tests/fixtures/format1-geo1 was written (from format1-geo1.jsonl) by the
// build whose State type had no gw_code property; this build's State has one.
TEST_CASE("a database written with an older version of a type opens and reads under the newer one", "[format]") {
  test::TempDir dir;
  auto path = copy_fixture(dir);
  {
    Options ro;
    ro.read_only = true;
    auto db = Database::open(path, ro);  // upgraded in memory only
    CHECK(test::dump_of(*db) == test::read_file(std::filesystem::path(ENTENTE_TESTS_DIR) / "fixtures" /
                                                "format1-geo1.dump.jsonl"));
    CHECK(db->snapshot()->type("State")->properties.size() == 5);
  }
  auto db = Database::open(path);
  auto snap = db->snapshot();
  auto prk = snap->node(NodeRef{"State", "PRK"});
  REQUIRE(prk);
  CHECK(prk->props.json("capital") == "Pyongyang");
  CHECK_FALSE(prk->props.has("gw_code"));  // the new field reads as its default
  CHECK(db->check().clean());
  // The new field can be written, beside the old records.
  auto txn = db->begin();
  txn->put_node({"State", "PRK", prk->name, prk->aliases, prk->valid, Props::parse(R"({"iso3":"PRK","cow":731,"gw_code":731})"), {}});
  txn->commit();
  CHECK(db->snapshot()->node(NodeRef{"State", "PRK"})->props.json("gw_code") == 731);
  CHECK(db->check().clean());
  auto allies = entente::allies(*db->snapshot(), "PRK", {.at = Date::parse("2024-12-31")});
  CHECK(allies.size() == 2);
  txn.reset();  // a snapshot or transaction keeps the database open
  snap.reset();
  db.reset();
  // Reopened, the stored catalog is the upgraded one.
  auto again = Database::open(path);
  CHECK(again->snapshot()->node(NodeRef{"State", "PRK"})->props.json("gw_code") == 731);
}

TEST_CASE("opening an up-to-date database does not rewrite its catalog", "[format]") {
  test::TempDir dir;
  { Database::open(dir / "db"); }
  std::string before;
  {
    auto store = storage::Store::open(dir / "db", {});
    before = *store->snapshot()->get(storage::Cf::kMeta, keys::kCatalog);
  }
  { Database::open(dir / "db"); }
  auto store = storage::Store::open(dir / "db", {});
  CHECK(*store->snapshot()->get(storage::Cf::kMeta, keys::kCatalog) == before);
}

// docs/format.md, section 11, lists every entry the example of docs/interchange.md (section
// 10) writes: its adjacency entries are the ones a write stores (hex, spaced by field).
TEST_CASE("the adjacency entries of docs/format.md's example are what a write stores", "[format]") {
  const std::filesystem::path docs = std::filesystem::path(ENTENTE_TESTS_DIR) / ".." / "docs";
  std::string interchange = test::read_file(docs / "interchange.md");
  auto at = interchange.find("`visit.jsonl`, nine lines");
  REQUIRE(at != std::string::npos);
  auto begin = interchange.find("```json\n", at);
  REQUIRE(begin != std::string::npos);
  begin += 8;
  auto end = interchange.find("```", begin);
  REQUIRE(end != std::string::npos);
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  test::load(*db, interchange.substr(begin, end - begin));
  db.reset();
  std::vector<std::string> lines;
  {
    auto store = storage::Store::open(dir / "db", {.create_if_missing = false, .read_only = true});
    store->snapshot()->scan(storage::Cf::kAdj, "", [&](std::string_view k, std::string_view v) {
      auto key = keys::decode_run_key(k);
      std::string hex;
      for (unsigned char c : v) hex += fmt::format("{:02x}", c);
      lines.push_back(fmt::format("adj    {:016x} {:016x} {:08x} -> {}", key.node, key.commit, key.part, hex));
      return true;
    });
  }
  CHECK(lines.size() == 5);  // one run a node: the example's five nodes
  const std::string format = test::read_file(docs / "format.md");
  for (const auto& line : lines) {
    INFO(line);
    CHECK(format.find(line + "\n") != std::string::npos);
  }
}

// An entry whose other node has no record cannot learn that node's type: the upgrade keeps
// its old key, check reports it, and repair drops it (its edge, now dangling, is reported).
TEST_CASE("the format-2 upgrade of a damaged format-1 database keeps what it cannot rewrite", "[format]") {
  test::TempDir dir;
  auto path = copy_fixture(dir);
  NodeId putin = 0;
  {
    Options ro;
    ro.read_only = true;
    putin = Database::open(path, ro)->snapshot()->resolve("Person:putin").id;
  }
  {
    auto store = storage::Store::open(path, {.create_if_missing = false});
    auto batch = store->batch();
    batch->del(storage::Cf::kNodes, keys::id(putin));
    store->commit(*batch);
  }
  auto malformed = [](const CheckReport& r) {
    return std::count_if(r.problems.begin(), r.problems.end(),
                         [](const Problem& p) { return p.reason == "malformed entry"; });
  };
  {
    auto db = Database::open(path);
    CHECK(db->format_version() == 6);
    auto r = db->check();
    CHECK(malformed(r) == 2);  // RUS's HOLDS_OFFICE entry and the visit's VISITOR entry
    auto after = db->repair();
    CHECK(malformed(after) == 0);
    CHECK_FALSE(after.clean());  // the edges at putin dangle
  }
  auto sizes = adjacency_key_sizes(path);
  CHECK(sizes.count(keys::kAdjKeySize1) == 0);
}

// The fixture's stored catalog was written before geo.capnp annotated Treaty and Agreement
// $inForceOnly: the rule still holds for them, taken from this build's types.
TEST_CASE("a catalog stored before the inForceOnly annotation keeps the not-in-force rule of Treaty and Agreement",
          "[format]") {
  test::TempDir dir;
  auto path = copy_fixture(dir);
  auto db = Database::open(path, {.create_if_missing = false, .read_only = true});
  auto snap = db->snapshot();
  for (const auto& t : snap->types()) {
    INFO(t.name);
    CHECK(t.in_force_only == (t.name == "Treaty" || t.name == "Agreement"));
  }
  auto treaty = snap->node(NodeRef{"Treaty", "prk-chn-1961"});
  REQUIRE(treaty);
  CHECK(treaty->in_force_only);
}
