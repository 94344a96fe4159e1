// Record time (format 6): the commit log, and the versions replaced and removed records
// leave in the history family.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "entente/entente.h"
#include "graph/history.h"
#include "graph/records.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "test_util.h"

using namespace entente;
namespace keys = entente::keys;

namespace {

NodeInput state(const std::string& key, const std::string& name) {
  NodeInput n;
  n.type = "State";
  n.key = key;
  n.name = name;
  return n;
}

EdgeInput partnership(const std::string& from, const std::string& to, const std::string& level) {
  EdgeInput e;
  e.type = "PARTNERSHIP";
  e.from = {"State", from};
  e.to = {"State", to};
  e.valid = Interval{Date::parse("2024-06-19"), std::nullopt};
  e.props = Props::parse(fmt::format(R"({{"level":"{}"}})", level));
  return e;
}

// Every entry of the history family, read with the storage layer: key -> value.
std::map<std::string, std::string> history_of(const std::filesystem::path& path) {
  auto store = storage::Store::open(path, {.create_if_missing = false, .read_only = true});
  std::map<std::string, std::string> out;
  store->snapshot()->scan(storage::Cf::kHistory, "", [&](std::string_view k, std::string_view v) {
    out.emplace(std::string(k), std::string(v));
    return true;
  });
  return out;
}

}  // namespace

TEST_CASE("every commit is logged with its number, time, message and changes", "[history]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  CHECK(db->log().empty());
  {
    auto txn = db->begin();
    txn->set_message("two states");
    txn->put_node(state("PRK", "North Korea"));
    txn->put_node(state("RUS", "Russia"));
    txn->put_edge(partnership("RUS", "PRK", "strategic"));
    txn->commit();
  }
  {
    auto txn = db->begin();  // changes nothing: not logged
    txn->put_node(state("PRK", "North Korea"));
    CHECK(txn->node_counts().unchanged == 1);
    txn->commit();
  }
  {
    auto txn = db->begin();
    txn->put_node(state("PRK", "Democratic People's Republic of Korea"));
    txn->put_edge(partnership("RUS", "PRK", "comprehensive strategic"));
    txn->put_node(state("CHN", "China"));
    txn->commit();
  }
  {
    auto txn = db->begin();
    txn->set_message("Russia removed");
    CHECK(txn->remove_node({"State", "RUS"}));
    CHECK(txn->node_counts().removed == 1);
    CHECK(txn->edge_counts().removed == 1);  // its partnership, with it
    txn->commit();
  }
  auto log = db->log();
  REQUIRE(log.size() == 3);
  CHECK(log[0].number == 1);
  CHECK(log[0].message == "two states");
  CHECK(log[0].nodes.created == 2);
  CHECK(log[0].edges.created == 1);
  CHECK(log[1].number == 2);  // the unchanged commit took no number
  CHECK(log[1].message.empty());
  CHECK(log[1].nodes.created == 1);
  CHECK(log[1].nodes.updated == 1);
  CHECK(log[1].edges.updated == 1);
  CHECK(log[2].number == 3);
  CHECK(log[2].nodes.removed == 1);
  CHECK(log[2].edges.removed == 1);
  CHECK(log[2].nodes.created == 0);
  for (std::size_t i = 1; i < log.size(); ++i) CHECK(log[i].time_us >= log[i - 1].time_us);
  CHECK(log[0].time_us > 1700000000LL * 1000000);  // 2023: a real clock
  CHECK(graph::parse_time(log[0].time_text()) == log[0].time_us);

  // Each version's record names the commit that wrote it.
  auto snap = db->snapshot();
  CHECK(snap->resolve("State:PRK").recorded == 2);
  CHECK(snap->resolve("State:CHN").recorded == 2);
  // The log survives a reopen.
  snap.reset();
  db.reset();
  db = test::open_read_only(dir / "db");
  CHECK(db->log().size() == 3);
  CHECK(db->log()[2].message == "Russia removed");
}

TEST_CASE("a replaced or removed version stays in history, current until the commit that ended it", "[history]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  NodeId prk = 0, rus = 0;
  EdgeId edge = 0;
  {
    auto txn = db->begin();
    prk = txn->put_node(state("PRK", "North Korea"));
    rus = txn->put_node(state("RUS", "Russia"));
    edge = txn->put_edge(partnership("RUS", "PRK", "strategic"));
    txn->commit();  // commit 1
  }
  CHECK(db->snapshot()->node(prk)->recorded == 1);
  {
    auto txn = db->begin();
    // Written twice in one transaction: only the version of commit 1 goes into history.
    txn->put_node(state("PRK", "DPRK"));
    txn->put_node(state("PRK", "Democratic People's Republic of Korea"));
    txn->put_edge(partnership("RUS", "PRK", "comprehensive strategic"));
    // Created and replaced in this transaction: never current, so no history.
    txn->put_node(state("CHN", "PRC"));
    txn->put_node(state("CHN", "China"));
    txn->commit();  // commit 2
  }
  auto h = history_of(dir / "db");
  const auto prk_key = keys::version(keys::kNodeVersion, prk, 2), edge_key = keys::version(keys::kEdgeVersion, edge, 2);
  REQUIRE(h.count(prk_key) == 1);
  REQUIRE(h.count(edge_key) == 1);
  // The versions kept are those commit 1 wrote, and say so.
  CHECK(graph::recorded_of(h[prk_key]) == 1);
  CHECK(graph::recorded_of(h[edge_key]) == 1);
  CHECK(h[prk_key].find("North Korea") != std::string::npos);
  CHECK(h[edge_key].find("comprehensive") == std::string::npos);
  // Besides them, only the two log entries.
  CHECK(h.size() == 4);
  CHECK(h.count(keys::commit_entry(1)) == 1);
  CHECK(h.count(keys::commit_entry(2)) == 1);

  {
    auto txn = db->begin();
    CHECK(txn->remove_node({"State", "RUS"}));
    txn->commit();  // commit 3
  }
  h = history_of(dir / "db");
  // Russia's version of commit 1, its key (no longer naming it), and its edge's version of
  // commit 2.
  REQUIRE(h.count(keys::version(keys::kNodeVersion, rus, 3)) == 1);
  CHECK(graph::recorded_of(h[keys::version(keys::kNodeVersion, rus, 3)]) == 1);
  const auto key = keys::removed_key(keys::node_key(1, "RUS"), 3);
  REQUIRE(h.count(key) == 1);
  CHECK(keys::decode_id(h[key]) == rus);
  REQUIRE(h.count(keys::version(keys::kEdgeVersion, edge, 3)) == 1);
  CHECK(graph::recorded_of(h[keys::version(keys::kEdgeVersion, edge, 3)]) == 2);
  CHECK(h.size() == 4 + 1 + 3);
  CHECK(db->check().clean());
}

TEST_CASE("history written by a transaction is undone with it", "[history]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  {
    auto txn = db->begin();
    txn->put_node(state("PRK", "North Korea"));
    txn->put_node(state("RUS", "Russia"));
    txn->commit();
  }
  const auto before = history_of(dir / "db");
  {
    auto txn = db->begin();
    txn->savepoint();
    txn->put_node(state("PRK", "DPRK"));
    txn->remove_node({"State", "RUS"});
    txn->rollback_to_savepoint();
    CHECK(txn->node_counts().removed == 0);
    txn->put_node(state("CHN", "China"));
    txn->commit();
  }
  auto after = history_of(dir / "db");
  CHECK(after.size() == before.size() + 1);  // the log entry of commit 2 alone
  CHECK(after.count(keys::commit_entry(2)) == 1);
  {
    auto txn = db->begin();
    txn->put_node(state("PRK", "DPRK"));
    txn->rollback();
  }
  CHECK(history_of(dir / "db") == after);
  CHECK(db->log().size() == 2);
}

TEST_CASE("a transaction past its memory keeps history through its spilled runs", "[history]") {
  test::TempDir dir;
  Options o;
  o.transaction_kb = 64;  // spills after a few hundred records
  auto db = Database::open(dir / "db", o);
  std::vector<NodeId> ids;
  {
    auto txn = db->begin();
    for (int i = 0; i < 2000; ++i) ids.push_back(txn->put_node(state(fmt::format("S{:04}", i), "first")));
    txn->commit();  // commit 1
  }
  {
    auto txn = db->begin();
    txn->set_message("renamed");
    for (int i = 0; i < 2000; i += 2) txn->put_node(state(fmt::format("S{:04}", i), "second"));
    txn->commit();  // commit 2
  }
  auto h = history_of(dir / "db");
  std::size_t versions = 0;
  for (const auto& [k, v] : h) {
    if (k[0] != keys::kNodeVersion) continue;
    ++versions;
    CHECK(keys::history_until(k) == 2);
    CHECK(graph::recorded_of(v) == 1);
    CHECK(v.find("first") != std::string::npos);
  }
  CHECK(versions == 1000);
  auto log = db->log();
  REQUIRE(log.size() == 2);
  CHECK(log[1].nodes.updated == 1000);
  CHECK(log[1].message == "renamed");
  CHECK(db->snapshot()->node(ids[0])->recorded == 2);
  CHECK(db->snapshot()->node(ids[1])->recorded == 1);
}

TEST_CASE("a bulk load is one commit, and its records say so", "[history]") {
  test::TempDir dir;
  test::write_file(dir / "in.jsonl", test::kSmallData);
  auto db = Database::open(dir / "db");
  db->add_types(R"(@0xd8a3c4f1e2b5a697;
using M = import "/entente/meta.capnp";
struct Region $M.node("Region") { population @0 :UInt64; }
)",
                "region.capnp");
  BulkImportOptions o;
  o.message = "the small data";
  auto stats = import_bulk(*db, {dir / "in.jsonl"}, o);
  auto log = db->log();
  REQUIRE(log.size() == 2);
  CHECK(log[0].number == 1);
  CHECK(log[0].message == "types added: Region");
  CHECK(log[1].number == 2);
  CHECK(log[1].message == "the small data");
  CHECK(log[1].nodes.created == stats.nodes);
  CHECK(log[1].edges.created == stats.edges);
  CHECK(log[1].time_us >= log[0].time_us);
  auto snap = db->snapshot();
  CHECK(snap->resolve("State:PRK").recorded == 2);
  for (const auto& n : snap->neighbors(snap->resolve("State:PRK").id)) CHECK(n.edge.recorded == 2);
  // A transaction after it takes the next number.
  {
    auto txn = db->begin();
    txn->put_node(state("USA", "United States"));
    txn->commit();
  }
  CHECK(db->log().back().number == 3);
}

TEST_CASE("record time's text: ISO 8601 in UTC, read back with any offset", "[history]") {
  CHECK(graph::format_time(0) == "1970-01-01T00:00:00.000000Z");
  CHECK(graph::format_time(1733625311123456) == "2024-12-08T02:35:11.123456Z");
  CHECK(graph::format_time(-1) == "1969-12-31T23:59:59.999999Z");
  CHECK(graph::parse_time("2024-12-08T02:35:11.123456Z") == 1733625311123456);
  CHECK(graph::parse_time("2024-12-08") == 1733616000LL * 1000000);
  CHECK(graph::parse_time("2024-12-08T02:35") == (1733616000LL + 2 * 3600 + 35 * 60) * 1000000);
  CHECK(graph::parse_time("2024-12-08T03:35:11.5+01:00") == (1733625311LL * 1000000 + 500000));
  CHECK(graph::parse_time("2024-12-07T21:35:11-05:00") == 1733625311LL * 1000000);
  CHECK(graph::parse_time("2024-02-29") == 1709164800LL * 1000000);
  CHECK_FALSE(graph::parse_time("2023-02-29"));
  CHECK_FALSE(graph::parse_time("2024-13-01"));
  CHECK_FALSE(graph::parse_time("2024-12-08T25:00"));
  CHECK_FALSE(graph::parse_time("yesterday"));
  CHECK_FALSE(graph::parse_time("2024-12-08T02:35Zx"));
}

TEST_CASE("a repair is a commit of the log", "[history]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  test::load(*db, test::kSmallData);
  auto report = db->repair();
  CHECK(report.clean());
  auto log = db->log();
  REQUIRE(log.size() == 2);
  CHECK(log[1].number == 2);
  CHECK(log[1].message.starts_with("repair:"));
  // The next transaction takes the number after it.
  {
    auto txn = db->begin();
    txn->put_node(state("USA", "United States"));
    txn->commit();
  }
  CHECK(db->log().back().number == 3);
  CHECK(db->check().clean());
}
