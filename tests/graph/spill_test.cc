// A transaction past its memory budget (Options::transaction_kb) spills its writes into
// sorted runs on disk and commits them as tables: the same database as a transaction held
// in memory, its own writes read back across the spills (replaced, removed, rolled back to
// a savepoint), all or nothing, and no runs left behind.
#include <catch2/catch.hpp>

#include <fstream>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;
using entente::test::TempDir;

namespace {

// Every spill directory of the database at `db` that is still there.
std::vector<std::filesystem::path> spill_dirs(const std::filesystem::path& db) {
  std::vector<std::filesystem::path> out;
  const std::string prefix = db.filename().string() + ".txn-";
  for (const auto& e : std::filesystem::directory_iterator(db.parent_path())) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path());
  }
  return out;
}

Options small() {
  Options o;
  o.transaction_kb = 16;  // a few hundred records a run
  return o;
}

NodeInput state(int i) {
  return {.type = "State",
          .key = fmt::format("S{:04}", i),
          .name = fmt::format("State {}", i),
          .props = {{"cow", i}, {"capital", fmt::format("Capital {}", i)}}};
}

// Writes 1,500 states, 1,000 treaties and their members; replaces, removes and rolls back
// some of them, reading them back as it goes; then commits.
void write_some(Transaction& txn) {
  for (int i = 0; i < 1500; ++i) txn.put_node(state(i));
  for (int t = 0; t < 1000; ++t) {
    txn.put_node({.type = "Treaty", .key = fmt::format("t{}", t), .valid = Interval{Date::parse("1990"), std::nullopt}});
    for (int m = 0; m < 3; ++m) {
      txn.put_edge({.type = "PARTY_TO",
                    .from = {"State", fmt::format("S{:04}", (t * 7 + m * 13) % 1500)},
                    .to = {"Treaty", fmt::format("t{}", t)}});
    }
  }
  // Read back across the spills: a node of the first run, its neighbors.
  auto first = txn.node(NodeRef{"State", "S0000"});
  REQUIRE(first);
  CHECK(first->name == "State 0");
  auto t0 = txn.node(NodeRef{"Treaty", "t0"});
  REQUIRE(t0);
  CHECK(txn.neighbors(t0->id, {}).size() == 3);
  // Replaced after its record was spilled.
  auto renamed = state(1);
  renamed.name = "State One";
  txn.put_node(renamed);
  CHECK(txn.node(NodeRef{"State", "S0001"})->name == "State One");
  // Removed after it was spilled: the node, and its edges with it.
  REQUIRE(txn.remove_node(NodeRef{"Treaty", "t1"}));
  CHECK(!txn.node(NodeRef{"Treaty", "t1"}));
  CHECK(txn.find("State 2").size() == 1);
  // Rolled back to a savepoint.
  txn.savepoint();
  txn.put_node(state(5000));
  REQUIRE(txn.remove_node(NodeRef{"State", "S0003"}));
  txn.rollback_to_savepoint();
  CHECK(!txn.node(NodeRef{"State", "S5000"}));
  CHECK(txn.node(NodeRef{"State", "S0003"}));
}

}  // namespace

TEST_CASE("a transaction past its memory spills and commits the same database", "[spill]") {
  TempDir dir;
  std::string in_memory, spilled;
  {
    auto db = Database::open(dir / "memory");
    auto txn = db->begin();
    write_some(*txn);
    txn->commit();
    in_memory = test::dump_of(*db);
  }
  {
    auto db = Database::open(dir / "spilled", small());
    auto txn = db->begin();
    write_some(*txn);
    CHECK(!spill_dirs(dir / "spilled").empty());  // it did spill
    txn->commit();
    CHECK(spill_dirs(dir / "spilled").empty());
    spilled = test::dump_of(*db);
    CHECK(db->check().clean());
    // The next transaction reads what the spilled one wrote, and writes over it.
    auto next = db->begin();
    CHECK(next->node(NodeRef{"State", "S0001"})->name == "State One");
    CHECK(next->remove_node(NodeRef{"State", "S0000"}));
    next->commit();
    CHECK(!db->snapshot()->node(NodeRef{"State", "S0000"}));
  }
  CHECK(spilled == in_memory);
  // Reopened: the tables are in the database.
  auto db = Database::open(dir / "spilled");
  CHECK(db->snapshot()->node(NodeRef{"State", "S1499"}));
  CHECK(db->check().clean());
}

TEST_CASE("a spilled transaction rolled back writes nothing and leaves no runs", "[spill]") {
  TempDir dir;
  auto db = Database::open(dir / "db", small());
  std::string before = test::dump_of(*db);
  {
    auto txn = db->begin();
    write_some(*txn);
    CHECK(!spill_dirs(dir / "db").empty());
    txn->rollback();
  }
  {
    auto txn = db->begin();
    for (int i = 0; i < 1500; ++i) txn->put_node(state(i));
    CHECK(!spill_dirs(dir / "db").empty());
  }  // destroyed uncommitted
  CHECK(spill_dirs(dir / "db").empty());
  CHECK(test::dump_of(*db) == before);
}

TEST_CASE("the runs of a transaction whose process died are removed by the next writer", "[spill]") {
  TempDir dir;
  { Database::open(dir / "db"); }
  auto stale = dir / "db.txn-999999-0";
  std::filesystem::create_directories(stale);
  { std::ofstream(stale / "run-0") << "left by a killed process"; }
  auto other = dir / "db.txn-notes";  // not a run directory: kept
  std::filesystem::create_directories(other);
  { Database::open(dir / "db", {.read_only = true}); }
  CHECK(std::filesystem::exists(stale));  // a reader leaves them
  { Database::open(dir / "db"); }
  CHECK(!std::filesystem::exists(stale));
  CHECK(std::filesystem::exists(other));
}

TEST_CASE("a transaction whose topology delta outgrows its memory drops the topology, which is rebuilt right",
          "[spill][topology]") {
  TempDir dir;
  // The same writes with the delta carried into the topology, and with it let go.
  auto answers = [&](const std::filesystem::path& at, Options o) {
    o.topology = TopologyMode::kAtOpen;
    auto db = Database::open(at, o);
    REQUIRE(db->snapshot()->load_topology());
    auto txn = db->begin();
    write_some(*txn);
    txn->commit();
    auto snap = db->snapshot();
    std::vector<std::string> out;
    // A traversal that walks far: it builds the topology again when the commit dropped it.
    for (const auto& s : shortest_path(*snap, "State:S0002", "State:S0700", {"PARTY_TO"}, std::nullopt)) {
      out.push_back(s.to.ref().str());
    }
    CHECK(snap->load_topology());
    auto stats = snap->stats();
    std::uint64_t edges = 0;
    for (const auto& [type, n] : stats.edges) edges += n;
    CHECK(stats.topology_arcs == 2 * edges);
    for (const char* t : {"t0", "t2", "t999"}) {
      auto id = snap->id_of(NodeRef{"Treaty", t}).value();
      for (auto c = snap->cursor(id); c.next();) out.push_back(fmt::format("{} {}", t, c->node));
    }
    return out;
  };
  const auto kept = answers(dir / "kept", Options{});
  const auto dropped = answers(dir / "dropped", small());
  CHECK(!kept.empty());
  CHECK(dropped == kept);
}
