#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;

namespace {

using test::state;

}  // namespace

TEST_CASE("a committed transaction is visible to later snapshots, all of it", "[database]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  auto before = db->snapshot();
  auto txn = db->begin();
  txn->put_node(state("PRK", "North Korea"));
  txn->put_node(state("CHN", "China"));
  CHECK(txn->node(NodeRef{"State", "PRK"}));  // a transaction reads its own writes
  CHECK_FALSE(db->snapshot()->node(NodeRef{"State", "PRK"}));
  txn->commit();
  CHECK_FALSE(before->node(NodeRef{"State", "PRK"}));  // the old snapshot is unchanged
  auto after = db->snapshot();
  CHECK(after->node(NodeRef{"State", "PRK"})->name == "North Korea");
  CHECK(after->node(NodeRef{"State", "CHN"}));
}

TEST_CASE("an uncommitted or rolled-back transaction leaves nothing", "[database]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  {
    auto txn = db->begin();
    txn->put_node(state("PRK", "North Korea"));
  }  // destroyed uncommitted
  CHECK_FALSE(db->snapshot()->node(NodeRef{"State", "PRK"}));
  auto txn = db->begin();
  txn->put_node(state("PRK", "North Korea"));
  txn->rollback();
  CHECK_FALSE(db->snapshot()->node(NodeRef{"State", "PRK"}));
  CHECK_THROWS_AS(txn->put_node(state("CHN", "China")), Error);  // finished
}

TEST_CASE("reopening a database keeps everything", "[database]") {
  test::TempDir dir;
  std::string dump;
  {
    auto db = Database::open(dir / "db");
    test::load(*db, test::kSmallData);
    dump = test::dump_of(*db);
  }
  auto db = Database::open(dir / "db");
  CHECK(test::dump_of(*db) == dump);
  CHECK(db->format_version() == 6);
  // Ids continue after the stored ones.
  auto txn = db->begin();
  NodeId id = txn->put_node(state("USA", "United States"));
  CHECK(id > db->snapshot()->node(NodeRef{"Treaty", "signed-only"})->id);
}

TEST_CASE("putting a node again replaces it and keeps its id and edges", "[database]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  std::istringstream in(test::kSmallData);
  auto txn = db->begin();
  import_jsonl(*txn, in, "small");
  auto old_id = txn->node(NodeRef{"State", "PRK"})->id;
  auto n = state("PRK", "DPRK renamed");
  n.aliases = {"Choson"};
  CHECK(txn->put_node(n) == old_id);
  txn->commit();
  auto snap = db->snapshot();
  CHECK(snap->node(old_id)->name == "DPRK renamed");
  CHECK(snap->find("North Korea").empty());  // the old aliases are no longer indexed
  CHECK(snap->find("choson").size() == 1);
  CHECK(snap->neighbors(old_id, {{"PARTY_TO"}, Direction::kOut, {}}).size() == 4);
}

TEST_CASE("removing a node removes its edges, and removing an edge both adjacency entries", "[database]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  test::load(*db, test::kSmallData);
  auto snap = db->snapshot();
  auto chn = snap->node(NodeRef{"State", "CHN"})->id;
  auto treaty = snap->node(NodeRef{"Treaty", "prk-chn-1961"})->id;
  auto edge = snap->neighbors(chn).at(0).edge.id;

  auto txn = db->begin();
  CHECK(txn->remove_edge(edge));
  CHECK_FALSE(txn->remove_edge(edge));
  txn->commit();
  CHECK(db->snapshot()->neighbors(treaty).size() == 1);
  CHECK(db->snapshot()->neighbors(chn).empty());

  txn = db->begin();
  CHECK(txn->remove_node(NodeRef{"State", "PRK"}));
  CHECK_FALSE(txn->remove_node(NodeRef{"State", "PRK"}));
  txn->commit();
  snap = db->snapshot();
  CHECK_FALSE(snap->node(NodeRef{"State", "PRK"}));
  CHECK(snap->find("north korea").empty());
  CHECK(snap->neighbors(treaty).empty());
  CHECK(snap->stats().edges.at("PARTY_TO") == 2);  // RUS's two, to the 2000 and 2024 treaties
}

TEST_CASE("an edge is identified by type, ends, valid-from and key", "[database]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  auto txn = db->begin();
  txn->put_node(state("RUS", "Russia"));
  txn->put_node(state("PRK", "North Korea"));
  EdgeInput e;
  e.type = "TRADE";
  e.from = {"State", "RUS"};
  e.to = {"State", "PRK"};
  e.valid = Interval{Date::parse("2023"), std::nullopt};
  e.props = Props::parse(R"({"year":2023,"value":1.0})");
  auto first = txn->put_edge(e);
  e.props["value"] = 2.0;
  CHECK(txn->put_edge(e) == first);  // same identity: replaced
  e.key = "exports";
  auto second = txn->put_edge(e);
  CHECK(second != first);  // another key: another edge
  e.key = "";
  e.valid = Interval{Date::parse("2022"), std::nullopt};
  CHECK(txn->put_edge(e) != first);  // another start: another edge
  txn->commit();
  auto snap = db->snapshot();
  CHECK(snap->edge(first)->props.json("value") == 2.0);
  CHECK(snap->stats().edges.at("TRADE") == 3);
}

TEST_CASE("one writer at a time, a read-only database refuses writes", "[database]") {
  test::TempDir dir;
  { Database::open(dir / "db"); }
  Options ro;
  ro.read_only = true;
  auto db = Database::open(dir / "db", ro);
  CHECK_THROWS_AS(db->begin(), Error);
  Options missing;
  missing.create_if_missing = false;
  try {
    Database::open(dir / "nothing", missing);
    FAIL("opened a database that does not exist");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kNotFound);
  }
}

TEST_CASE("user types are stored in the database and usable at once", "[database]") {
  test::TempDir dir;
  const char* schema = R"(@0xd1f1a8e4c2b3a5a0;
using M = import "/entente/meta.capnp";
struct Summit $M.node("Summit") { venue @0 :Text $M.required; }
struct Attended $M.edge((name = "ATTENDED", from = ["Person"], to = ["Summit"])) {}
)";
  {
    auto db = Database::open(dir / "db");
    CHECK(db->add_types(schema, "summit.capnp") == std::vector<std::string>{"Summit", "ATTENDED"});
    CHECK(db->add_types(schema, "summit.capnp").empty());
    auto txn = db->begin();
    NodeInput s{"Summit", "g7-2024", "G7 summit", {}, std::nullopt, Props::parse(R"({"venue":"Apulia"})"), {}};
    txn->put_node(s);
    txn->put_node({"Person", "biden", "Joe Biden", {}, std::nullopt, Props::object(), {}});
    txn->put_edge({"ATTENDED", {"Person", "biden"}, {"Summit", "g7-2024"}, "", std::nullopt, Props::object(), {}});
    txn->commit();
  }
  auto db = Database::open(dir / "db");  // reopened: the catalog came from the database
  auto snap = db->snapshot();
  CHECK(snap->node(NodeRef{"Summit", "g7-2024"})->props.json("venue") == "Apulia");
  CHECK(snap->type("ATTENDED")->from == std::vector<std::string>{"Person"});
  CHECK(snap->stats().edges.at("ATTENDED") == 1);
}

TEST_CASE("a snapshot or a transaction may outlive its Database object", "[database]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  test::load(*db, test::kSmallData);
  auto snap = db->snapshot();
  auto txn = db->begin();
  txn->put_node({"State", "USA", "United States", {}, std::nullopt, Props::object(), {}});
  db.reset();  // the store stays open until the last reader is gone
  CHECK(snap->node(NodeRef{"State", "PRK"}));
  CHECK(txn->node(NodeRef{"State", "USA"}));
  txn->commit();
  txn.reset();
  snap.reset();
  CHECK(Database::open(dir / "db")->snapshot()->node(NodeRef{"State", "USA"}));
}

TEST_CASE("write counts tell created, updated and unchanged puts apart, whatever the order of properties",
          "[database]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  NodeInput n{.type = "State", .key = "PRK", .name = "North Korea"};
  n.props = Props::parse(R"({"iso3":"PRK","cow":731,"capital":"Pyongyang"})");
  NodeInput same = n;
  same.props = Props::parse(R"({"capital":"Pyongyang","cow":731,"iso3":"PRK"})");
  NodeInput changed = n;
  changed.props["cow"] = 732;
  EdgeInput e{.type = "PARTY_TO", .from = {"State", "PRK"}, .to = {"Treaty", "t"}};
  {
    // Records this transaction creates count once, as created, however often they are put
    // again (an importer merging rows into one treaty): not as unchanged or updated.
    auto txn = db->begin();
    txn->put_node(n);
    txn->put_node(same);
    txn->put_node(changed);
    txn->put_node({.type = "Treaty", .key = "t"});
    txn->put_edge(e);
    txn->put_edge(e);
    CHECK(txn->node_counts().created == 2);
    CHECK(txn->node_counts().unchanged + txn->node_counts().updated == 0);
    CHECK(txn->edge_counts().created == 1);
    CHECK(txn->edge_counts().unchanged + txn->edge_counts().updated == 0);
    txn->rollback();
  }
  {
    auto txn = db->begin();
    txn->put_node(n);
    txn->put_node({.type = "Treaty", .key = "t"});
    txn->put_edge(e);
    txn->commit();
  }
  auto txn = db->begin();
  // The same properties in another order: the same record (this was once counted, and
  // written, as a change).
  txn->put_node(same);
  txn->put_node(changed);
  CHECK(txn->node_counts().created == 0);
  CHECK(txn->node_counts().unchanged == 1);
  CHECK(txn->node_counts().updated == 1);
  txn->put_edge(e);
  CHECK(txn->edge_counts().created == 0);
  CHECK(txn->edge_counts().unchanged == 1);
}

TEST_CASE("rolling back to a savepoint undoes the writes since it, ids and counts included", "[database]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  auto txn = db->begin();
  auto a = txn->put_node({.type = "State", .key = "A"});
  txn->savepoint();
  txn->put_node({.type = "State", .key = "B"});
  txn->put_node({.type = "State", .key = "A", .name = "renamed"});
  txn->savepoint();  // nested
  txn->put_node({.type = "State", .key = "C"});
  txn->rollback_to_savepoint();
  CHECK_FALSE(txn->node(NodeRef{"State", "C"}));
  CHECK(txn->node(NodeRef{"State", "B"}));
  txn->rollback_to_savepoint();
  CHECK_FALSE(txn->node(NodeRef{"State", "B"}));
  CHECK(txn->node(NodeRef{"State", "A"})->name.empty());
  CHECK(txn->find("renamed").empty());
  CHECK(txn->node_counts().created == 1);
  CHECK(txn->node_counts().updated == 0);
  CHECK_THROWS_AS(txn->rollback_to_savepoint(), Error);
  CHECK_THROWS_AS(txn->release_savepoint(), Error);
  // The next node takes the id after A's again: nothing of B or C is left.
  auto d = txn->put_node({.type = "State", .key = "D"});
  CHECK(d == a + 1);
  txn->savepoint();
  txn->put_node({.type = "State", .key = "E"});
  txn->release_savepoint();
  txn->commit();
  auto snap = db->snapshot();
  CHECK(snap->node(NodeRef{"State", "E"}));
  CHECK(snap->stats().nodes.at("State") == 3);
}

// An update import into a hub: the stored edges of a node with many are looked up through
// the transaction's index of its arcs (WriteState::base_out), and then, once the
// transaction removed something, through its whole adjacency again. Both find each stored
// edge by its identity, and only by it.
TEST_CASE("putting a hub's stored edges again finds each one, before and after a removal", "[database]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  auto edge = [](int i, const char* level) {
    return EdgeInput{.type = "PARTNERSHIP", .from = {"State", "HUB"}, .to = {"State", fmt::format("S{}", i)},
                     .props = {{"level", level}}};
  };
  {
    auto tx = db->begin();
    tx->put_node({.type = "State", .key = "HUB", .name = "Hub"});
    for (int i = 0; i < 100; ++i) tx->put_node({.type = "State", .key = fmt::format("S{}", i), .name = fmt::format("S{}", i)});
    for (int i = 0; i < 100; ++i) tx->put_edge(edge(i, "partnership"));
    tx->commit();
  }
  {
    auto tx = db->begin();
    for (int i = 0; i < 100; ++i) tx->put_edge(edge(i, i == 7 ? "strategic partnership" : "partnership"));
    auto k = edge(3, "partnership");
    k.key = "second";  // another edge between the same ends: its own identity
    tx->put_edge(k);
    CHECK(tx->edge_counts().unchanged == 99);
    CHECK(tx->edge_counts().updated == 1);
    CHECK(tx->edge_counts().created == 1);
    tx->commit();
  }
  {
    auto tx = db->begin();
    auto snap_edge = tx->edge(edge(5, "partnership"));
    REQUIRE(snap_edge);
    CHECK(tx->remove_edge(snap_edge->id));
    // The index is let go: the lookups read the adjacency, the removal included.
    for (int i = 0; i < 100; ++i) tx->put_edge(edge(i, i == 7 ? "strategic partnership" : "partnership"));
    CHECK(tx->edge_counts().unchanged == 99);
    CHECK(tx->edge_counts().created == 1);  // edge 5, put back
    tx->commit();
  }
  auto snap = db->snapshot();
  CHECK(snap->neighbors(snap->resolve("State:HUB").id, {.edge_types = {"PARTNERSHIP"}}).size() == 101);
  CHECK(db->check().clean());
}

// A snapshot's stats come from the counts each commit stores beside its records; a
// transaction's from a scan of its view. After creations, replacements and removals, in
// transactions and in a bulk load, the two agree type by type.
TEST_CASE("stats: a snapshot's stored counts agree with a scan, type by type", "[database]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  test::write_file(dir / "data.jsonl", test::kSmallData);
  import_files(*db, {dir / "data.jsonl"});
  const Stats base = db->snapshot()->stats();
  {
    auto txn = db->begin();
    for (int i = 0; i < 30; ++i) test::put_office_holder(*txn, fmt::format("s{}", i), i % 2 ? "PRK" : "CHN");
    txn->commit();
  }
  {
    auto txn = db->begin();
    CHECK(txn->remove_node(NodeRef{"Person", "s3"}));  // and its edge
    NodeInput again;
    again.type = "Person";
    again.key = "s4";
    again.name = "Person four, renamed";
    txn->put_node(again);
    txn->commit();
  }
  auto scanned = [&] {
    auto txn = db->begin();  // reads the same as a snapshot, by a scan
    auto s = txn->stats();
    txn->rollback();
    return s;
  };
  const Stats stored = db->snapshot()->stats(), scan = scanned();
  CHECK(stored.nodes == scan.nodes);
  CHECK(stored.edges == scan.edges);
  CHECK(stored.nodes.at("Person") == base.nodes.at("Person") + 29);
  CHECK(stored.edges.at("HOLDS_OFFICE") == base.edges.at("HOLDS_OFFICE") + 29);
  // A bulk load into a new database stores its counts too.
  auto bulk = Database::open(dir / "bulk");
  test::write_file(dir / "dump.jsonl", test::dump_of(*db));
  import_bulk(*bulk, {dir / "dump.jsonl"});
  CHECK(bulk->snapshot()->stats().nodes == scan.nodes);
  CHECK(bulk->snapshot()->stats().edges == scan.edges);
}
