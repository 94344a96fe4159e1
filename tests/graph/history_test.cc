// Record time (format 6): the commit log, and the versions replaced and removed records
// leave in the history family.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "entente/entente.h"
#include "graph/adjacency.h"
#include "graph/history.h"
#include "graph/records.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "test_util.h"

using namespace entente;
namespace keys = entente::keys;

namespace {

using test::state;

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
  // The name it lost ("north korea", for a read by name as of commit 1).
  CHECK(h.count(keys::former_name("north korea", prk, 2)) == 1);
  // Besides them, only the two log entries.
  CHECK(h.size() == 5);
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
  CHECK(h.count(keys::former_name("russia", rus, 3)) == 1);
  CHECK(h.size() == 5 + 1 + 4);
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

namespace {

// The three commits of the as-of tests: the small data; a correction (a treaty's entry
// into force, a state renamed, a state added, a treaty never in force removed with its
// edge); China removed with its edges.
constexpr const char* kCorrection = R"({"node":"Treaty","key":"rus-prk-2024","name":"Treaty on Comprehensive Strategic Partnership","valid":{"from":"2024-12-05"},"props":{"signed":"2024-06-19","obligations":["defense"]}}
{"node":"State","key":"PRK","name":"North Korea","aliases":["DPRK"],"valid":{"from":"1948-09-09"},"props":{"iso3":"PRK","cow":731}}
{"node":"State","key":"USA","name":"United States","props":{"cow":2}}
{"edge":"PARTY_TO","from":"State:USA","to":"Treaty:prk-chn-1961"}
)";

void correct(Database& db) {
  test::load(db, kCorrection);
  auto txn = db.begin();
  txn->set_message("signed-only removed");
  CHECK(txn->remove_node({"Treaty", "signed-only"}));
  txn->commit();
}

std::string dump(const Reader& r) {
  std::ostringstream out;
  dump_jsonl(r, out);
  return out.str();
}

std::vector<std::string> ally_keys(const Reader& r) {
  std::vector<std::string> out;
  for (const auto& a : allies(r, "PRK", {.at = Date::parse("2024-12-31")})) out.push_back(a.state.key);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("a snapshot as of a commit reads the database as it stood then", "[history]") {
  // The states the commits made, each in a database of its own, to compare with.
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  auto one = Database::open(dir / "one"), two = Database::open(dir / "two");
  test::load(*db, test::kSmallData);  // commit 1
  test::load(*one, test::kSmallData);
  test::load(*two, test::kSmallData);
  correct(*db);  // commits 2 and 3
  correct(*two);
  {
    auto txn = db->begin();  // commit 4
    CHECK(txn->remove_node({"State", "CHN"}));
    txn->commit();
  }
  REQUIRE(db->log().size() == 4);
  const std::string empty_dump = dump(*Database::open(dir / "empty")->snapshot());

  for (TopologyMode mode : {TopologyMode::kOff, TopologyMode::kAtOpen}) {
    INFO("topology " << static_cast<int>(mode));
    db.reset();
    Options o;
    o.topology = mode;
    db = Database::open(dir / "db", o);
    auto at0 = db->snapshot_as_of(0), at1 = db->snapshot_as_of(1), at3 = db->snapshot_as_of(3), now = db->snapshot();
    CHECK(at1->as_of() == 1);
    CHECK_FALSE(now->as_of());
    // A database that keeps its topology from the start keeps one for each commit read as
    // of, too (built from the runs up to it), without a traversal asking: its as-of reads
    // traverse memory.
    CHECK(graph::Adjacency(*at1).in_memory() == (mode == TopologyMode::kAtOpen));
    // Every record, key, name and edge, through the dump (a scan of each type, and each
    // node's edges).
    CHECK(dump(*at0) == empty_dump);
    CHECK(dump(*at1) == dump(*one->snapshot()));
    CHECK(dump(*at3) == dump(*two->snapshot()));
    CHECK(dump(*db->snapshot_as_of(4)) == dump(*now));
    CHECK(at1->stats().nodes == one->snapshot()->stats().nodes);
    CHECK(at1->stats().edges == one->snapshot()->stats().edges);
    CHECK(at3->stats().edges == two->snapshot()->stats().edges);
    // Names: PRK's former one, and a removed node's.
    CHECK(at1->resolve("North Korea").name == "Democratic People's Republic of Korea");
    CHECK(at1->find("china").size() == 1);
    CHECK(now->find("china").empty());
    CHECK(at3->find("United States").size() == 1);
    CHECK(at1->find("United States").empty());
    // Keys: a node created since is absent; a removed one present, with its edges.
    CHECK_FALSE(at1->node(NodeRef{"State", "USA"}));
    auto chn = at3->node(NodeRef{"State", "CHN"});
    REQUIRE(chn);
    CHECK(chn->recorded == 1);
    CHECK(at3->neighbors(chn->id).size() == 1);
    CHECK_FALSE(now->node(chn->id));
    CHECK(at1->node(NodeRef{"Treaty", "rus-prk-2024"})->valid->from == Date::parse("2024-12-04"));
    CHECK(at3->node(NodeRef{"Treaty", "rus-prk-2024"})->valid->from == Date::parse("2024-12-05"));
    // The questions: allies on a date, as each commit had them.
    CHECK(ally_keys(*at1) == std::vector<std::string>{"CHN", "RUS"});
    CHECK(ally_keys(*at3) == std::vector<std::string>{"CHN", "RUS", "USA"});
    CHECK(ally_keys(*now) == std::vector<std::string>{"RUS", "USA"});  // China's treaty without China
    // Paths: USA - prk-chn-1961 - PRK - rus-prk-2024 - RUS, from commit 2 on.
    CHECK(shortest_path(*at3, "State:USA", "State:RUS", {"PARTY_TO"}, Date::parse("2024-12-31")).size() == 4);
    CHECK_THROWS_WITH(shortest_path(*at1, "State:USA", "State:RUS", {"PARTY_TO"}, Date::parse("2024-12-31")),
                      Catch::Contains("no node State:USA"));
    // China, as of commit 3, had China's treaty between it and Russia.
    CHECK(shortest_path(*at3, "State:CHN", "State:RUS", {"PARTY_TO"}, Date::parse("2024-12-31")).size() == 4);
  }
  // Later commits leave an as-of snapshot as it was.
  auto at1 = db->snapshot_as_of(1);
  const std::string before = dump(*at1);
  {
    auto txn = db->begin();
    txn->put_node(state("PRK", "Korea, North"));
    txn->remove_node({"State", "RUS"});
    txn->commit();
  }
  CHECK(dump(*at1) == before);
  CHECK(dump(*db->snapshot_as_of(1)) == before);
}

TEST_CASE("an as-of commit is named by number or by time", "[history]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  CHECK(db->commit_as_of("#0") == 0);
  test::load(*db, test::kSmallData);
  correct(*db);
  auto log = db->log();
  REQUIRE(log.size() == 3);
  CHECK(db->commit_as_of("#2") == 2);
  CHECK(db->commit_as_of(log[1].time_text()) == 2);
  CHECK(db->commit_as_of(graph::format_time(log[2].time_us - 1)) == (log[2].time_us - 1 >= log[1].time_us ? 2u : 1u));
  CHECK(db->commit_as_of("2000-01-01") == 0);  // before the first commit: the empty database
  CHECK(db->commit_as_of("2999-01-01T00:00:00Z") == 3);
  CHECK_THROWS_WITH(db->commit_as_of("#4"), Catch::Contains("no commit #4") && Catch::Contains("the last is #3"));
  CHECK_THROWS_WITH(db->snapshot_as_of(9), Catch::Contains("no commit #9"));
  CHECK_THROWS_AS(db->commit_as_of("last week"), Error);
  CHECK_THROWS_WITH(db->commit_as_of("#x"), Catch::Contains("not a commit"));
}

TEST_CASE("as of a commit before record time began: refused", "[history][format]") {
  test::TempDir dir;
  const auto path = dir / "db";
  std::filesystem::copy(std::filesystem::path(ENTENTE_TESTS_DIR) / "fixtures" / "format1-geo1", path,
                        std::filesystem::copy_options::recursive);
  {
    auto ro = test::open_read_only(path);
    CHECK_THROWS_WITH(ro->snapshot_as_of(0), Catch::Contains("holds no record time (format 1)"));
  }
  auto db = Database::open(path);  // upgraded: the log begins with commit 1
  CHECK(db->commit_as_of("#1") == 1);
  CHECK_THROWS_WITH(db->snapshot_as_of(0), Catch::Contains("before the history it keeps"));
  CHECK(dump(*db->snapshot_as_of(1)) == dump(*db->snapshot()));
}

TEST_CASE("the query language reads as of a commit: AS OF, beside AT DATE", "[history][query]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  test::load(*db, test::kSmallData);  // commit 1
  correct(*db);                       // commits 2 and 3
  auto now = db->snapshot();
  auto keys_of = [](const QueryResult& r) {
    std::vector<std::string> out;
    for (const auto& row : r.rows) out.push_back(row.at(0).as_string());
    std::sort(out.begin(), out.end());
    return out;
  };
  const std::string treaties = "MATCH (:State {key: 'PRK'})-[:PARTY_TO]->(t:Treaty) RETURN t.key";
  CHECK(keys_of(query(*now, treaties)) == std::vector<std::string>{"prk-chn-1961", "rus-prk-2000", "rus-prk-2024"});
  CHECK(keys_of(query(*now, treaties + " AS OF COMMIT 1")) ==
        std::vector<std::string>{"prk-chn-1961", "rus-prk-2000", "rus-prk-2024", "signed-only"});
  // Combined with AT DATE, in either order; a time names the commit too.
  const auto t1 = db->log()[0].time_text();
  const std::vector<std::string> in_force_then{"prk-chn-1961", "rus-prk-2024"};
  CHECK(keys_of(query(*now, treaties + " AT DATE date('2024-12-04') AS OF datetime('" + t1 + "')")) == in_force_then);
  CHECK(keys_of(query(*now, treaties + " AS OF COMMIT 1 AT DATE date('2024-12-04')")) == in_force_then);
  CHECK(keys_of(query(*now, treaties + " AT DATE date('2024-12-04')")) == std::vector<std::string>{"prk-chn-1961"});
  // Parameters; a column named OF is still a column.
  CHECK(keys_of(query(*now, treaties + " AS OF COMMIT $c", {{"c", Value(1)}})).size() == 4);
  CHECK(keys_of(query(*now, treaties + " AS OF $t", {{"t", Value("#1")}})).size() == 4);
  auto r = query(*now, "MATCH (s:State {key: 'USA'}) RETURN s.key AS OF");
  CHECK(r.columns == std::vector<std::string>{"OF"});
  CHECK(query(*now, "MATCH (s:State {key: 'USA'}) RETURN s.key AS OF COMMIT 1").rows.empty());
  // EXPLAIN says so; errors name the place.
  std::string plan;
  for (const auto& row : query(*now, "EXPLAIN " + treaties + " AS OF COMMIT 1").rows) plan += row.at(0).as_string() + "\n";
  CHECK_THAT(plan, Catch::Contains("record time: AS OF COMMIT 1"));
  CHECK_THROWS_WITH(query(*now, treaties + " AS OF COMMIT 7"), Catch::Contains("line 1:") && Catch::Contains("no commit #7"));
  CHECK_THROWS_WITH(query(*now, treaties + " AS OF COMMIT 'x'"), Catch::Contains("AS OF COMMIT needs a commit number"));
  CHECK_THROWS_WITH(query(*now, treaties + " AS OF datetime('soon')"), Catch::Contains("neither a commit"));
}

TEST_CASE("deletion lines: a node (refused while it has edges, unless detach), an edge by its identity", "[history][interchange]") {
  SECTION("parsing") {
    auto d = std::get<Deletion>(parse_line(R"({"delete":"State:CHN"})"));
    REQUIRE(d.node);
    CHECK(d.node->str() == "State:CHN");
    CHECK_FALSE(d.detach);
    CHECK_FALSE(d.edge);
    d = std::get<Deletion>(parse_line(R"({"delete":"State:CHN","detach":true})"));
    CHECK(d.detach);
    d = std::get<Deletion>(parse_line(
        R"({"delete":{"edge":"PARTNERSHIP","from":"State:RUS","to":"State:PRK","valid":{"from":"2024-06-19"},"key":"k"}})"));
    REQUIRE(d.edge);
    CHECK(d.edge->type == "PARTNERSHIP");
    CHECK(d.edge->from.str() == "State:RUS");
    CHECK(d.edge->valid->from == Date::parse("2024-06-19"));
    CHECK(d.edge->key == "k");
    CHECK_THROWS_WITH(parse_line(R"({"delete":"State:CHN","why":1})"), Catch::Contains("why"));
    CHECK_THROWS_WITH(parse_line(R"({"delete":42})"), Catch::Contains("field 'delete'"));
    CHECK_THROWS_WITH(parse_line(R"({"delete":"CHN"})"), Catch::Contains("field 'delete'"));
    CHECK_THROWS_WITH(parse_line(R"({"delete":"State:CHN","detach":"yes"})"), Catch::Contains("field 'detach'"));
    CHECK_THROWS_WITH(parse_line(R"({"delete":{"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:t"},"detach":true})"),
                      Catch::Contains("only for a node"));
    CHECK_THROWS_WITH(parse_line(R"({"delete":{"edge":"PARTY_TO","from":"State:PRK"}})"),
                      Catch::Contains("field 'delete'") && Catch::Contains("to"));
  }
  SECTION("applied, kept in history, and idempotent") {
    test::TempDir dir;
    auto db = Database::open(dir / "db");
    test::load(*db, test::kSmallData);  // commit 1
    {
      auto txn = db->begin();
      CHECK_THROWS_WITH(txn->remove(Deletion{.node = NodeRef{"State", "CHN"}}),
                        Catch::Contains("State:CHN still has 1 edge (PARTY_TO State:CHN -> Treaty:prk-chn-1961)") &&
                            Catch::Contains("detach"));
      CHECK_THROWS_AS(txn->remove(Deletion{}), Error);
      CHECK_THROWS_WITH(txn->remove(Deletion{.node = NodeRef{"Stat", "CHN"}}), Catch::Contains("unknown node type 'Stat'"));
      CHECK_FALSE(txn->remove(Deletion{.node = NodeRef{"State", "XYZ"}}));
      txn->rollback();
    }
    const std::string deletions = R"({"delete":"State:CHN","detach":true}
{"delete":{"edge":"PARTNERSHIP","from":"State:RUS","to":"State:PRK","valid":{"from":"2024-06-19"}}}
{"delete":{"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:signed-only"}}
{"delete":"Treaty:signed-only"}
)";
    test::write_file(dir / "del.jsonl", deletions);
    auto stats = import_files(*db, {dir / "del.jsonl"});  // commit 2
    CHECK(stats.deletions == 4);
    CHECK(stats.absent == 0);
    auto now = db->snapshot();
    CHECK_FALSE(now->node(NodeRef{"State", "CHN"}));
    CHECK_FALSE(now->node(NodeRef{"Treaty", "signed-only"}));
    CHECK(now->neighbors(now->resolve("State:RUS").id, {{"PARTNERSHIP"}}).empty());
    CHECK(now->stats().edges["PARTY_TO"] == 5);
    auto log = db->log();
    REQUIRE(log.size() == 2);
    CHECK(log[1].nodes.removed == 2);
    CHECK(log[1].edges.removed == 3);
    // Deleted facts stay in history.
    auto then = db->snapshot_as_of(1);
    CHECK(then->node(NodeRef{"State", "CHN"}));
    CHECK(then->neighbors(then->resolve("State:RUS").id, {{"PARTNERSHIP"}}).size() == 1);
    // Again: nothing left to delete, nothing logged.
    stats = import_files(*db, {dir / "del.jsonl"});
    CHECK(stats.deletions == 0);
    CHECK(stats.absent == 4);
    CHECK(db->log().size() == 2);
    CHECK(db->check().clean());
  }
  SECTION("the bulk import refuses them") {
    test::TempDir dir;
    auto db = Database::open(dir / "db");
    test::write_file(dir / "in.jsonl", std::string(test::kSmallData) + R"({"delete":"State:CHN","detach":true})" + "\n");
    CHECK_THROWS_WITH(import_bulk(*db, {dir / "in.jsonl"}), Catch::Contains(":18: line 18 deletes") && Catch::Contains("without --bulk"));
    CHECK(db->snapshot()->stats().nodes["State"] == 0);
  }
}

TEST_CASE("history lists every version of a node and its edges, and diff the lines between two commits",
          "[history]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  test::load(*db, test::kSmallData);  // 1
  correct(*db);                       // 2, 3
  {
    auto txn = db->begin();  // 4: China removed
    CHECK(txn->remove_node({"State", "CHN"}));
    txn->commit();
  }
  {
    auto txn = db->begin();  // 5: China again, a new node under the old key, and a new edge
    txn->put_node(state("CHN", "People's Republic of China"));
    EdgeInput e;
    e.type = "PARTY_TO";
    e.from = {"State", "CHN"};
    e.to = {"Treaty", "prk-chn-1961"};
    txn->put_edge(e);
    txn->commit();
  }
  SECTION("history") {
    auto h = db->history({"State", "PRK"});
    REQUIRE(h.versions.size() == 2);
    CHECK(h.versions[0].node.recorded == 1);
    CHECK(h.versions[0].until == 2u);
    CHECK(h.versions[0].node.name == "Democratic People's Republic of Korea");
    CHECK(h.versions[1].node.recorded == 2);
    CHECK_FALSE(h.versions[1].until);
    // Its edges: 4 PARTY_TO (signed-only's removed at 3), PARTNERSHIP; each once, current.
    CHECK(h.edges.size() == 5);
    std::size_t removed = 0;
    for (const auto& v : h.edges) removed += v.until.has_value();
    CHECK(removed == 1);
    // A key removed and made again: both nodes, oldest first, with their edges.
    auto c = db->history({"State", "CHN"});
    REQUIRE(c.versions.size() == 2);
    CHECK(c.versions[0].until == 4u);
    CHECK(c.versions[1].node.recorded == 5);
    CHECK(c.versions[0].node.id != c.versions[1].node.id);
    REQUIRE(c.edges.size() == 2);
    CHECK(c.edges[0].until == 4u);
    CHECK(c.edges[0].edge.to_ref.str() == "Treaty:prk-chn-1961");
    CHECK_FALSE(c.edges[1].until);
    CHECK_THROWS_WITH(db->history({"State", "XYZ"}), Catch::Contains("no node State:XYZ"));
  }
  SECTION("diff, applied to the earlier state, gives the later one") {
    for (auto [from, to] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{{0, 1}, {1, 3}, {1, 4}, {2, 5}, {3, 5}, {1, 5}}) {
      INFO("#" << from << " to #" << to);
      test::TempDir other;
      auto copy = Database::open(other / "db");
      test::load(*copy, dump(*db->snapshot_as_of(from)));
      std::ostringstream lines;
      auto stats = diff_jsonl(*db, from, to, lines);
      test::load(*copy, lines.str());
      CHECK(dump(*copy->snapshot()) == dump(*db->snapshot_as_of(to)));
      if (from == 3 && to == 5) {
        // China's node replaced (its key back), its old edge deleted and the new one added.
        CHECK(stats.nodes.updated == 1);
        CHECK(stats.nodes.removed == 0);
        CHECK(stats.edges.created == 1);
        CHECK(stats.edges.removed == 1);
      }
    }
    CHECK_THROWS_AS(db->changed(3, 3), Error);
    CHECK_THROWS_WITH(db->changed(1, 9), Catch::Contains("no commit #9"));
  }
}

TEST_CASE("compact-history drops what no read as of a later commit needs, and nothing else", "[history]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  test::load(*db, test::kSmallData);  // 1
  correct(*db);                       // 2, 3
  {
    auto txn = db->begin();  // 4
    CHECK(txn->remove_node({"State", "CHN"}));
    txn->commit();
  }
  {
    auto txn = db->begin();  // 5
    txn->put_node(state("PRK", "Korea, DPR"));
    txn->commit();
  }
  std::map<std::uint64_t, std::string> dumps;
  for (std::uint64_t c = 3; c <= 5; ++c) dumps[c] = dump(*db->snapshot_as_of(c));
  const auto h_before = history_of(dir / "db");
  auto r = db->compact_history(3);
  CHECK(r.through == 3);
  CHECK(r.commit == 6);
  // Versions ended by 3: PRK's and rus-prk-2024's of commit 1 (replaced at 2), signed-only's
  // (removed at 3) and its PARTY_TO edge's; China's (removed at 4) and PRK's of 2 (replaced at
  // 5) are kept.
  CHECK(r.node_versions == 3);
  CHECK(r.edge_versions == 1);
  CHECK(r.keys == 1);  // signed-only's key
  CHECK(r.names == 2);  // PRK's former name "democratic people's republic of korea" and signed-only's
  CHECK(r.runs > 0);
  CHECK(db->log().back().message.starts_with("compact-history through #3"));
  // Every read as of 3 and later is as it was; before 3, refused.
  for (std::uint64_t c = 3; c <= 5; ++c) {
    INFO("as of #" << c);
    CHECK(dump(*db->snapshot_as_of(c)) == dumps[c]);
  }
  CHECK_THROWS_WITH(db->snapshot_as_of(2), Catch::Contains("before the history it keeps, which begins at commit #3"));
  CHECK(dump(*db->snapshot_as_of(3)) == dumps[3]);
  // History after 3 is whole: CHN (removed at 4) and PRK's version of 2 (replaced at 5).
  CHECK(db->history({"State", "CHN"}).versions.size() == 1);
  CHECK(db->history({"State", "PRK"}).versions.size() == 2);
  // The present, with its topology and check, is unchanged.
  CHECK(db->check().clean());
  CHECK(ally_keys(*db->snapshot()) == std::vector<std::string>{"RUS", "USA"});
  // The entries counted went, and the compaction's log entry came.
  CHECK(history_of(dir / "db").size() == h_before.size() - (3 + 1 + 1 + 2) + 1);
  // Again: nothing more to drop.
  CHECK(db->compact_history(3).commit == 0);
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
  // The adjacency was rebuilt as of the repair: reads as of earlier commits are refused,
  // not answered from runs that are not theirs.
  CHECK_THROWS_WITH(db->snapshot_as_of(1), Catch::Contains("before the history it keeps, which begins at commit #2"));
  CHECK(dump(*db->snapshot_as_of(2)) == dump(*db->snapshot()));
  // The next transaction takes the number after it.
  {
    auto txn = db->begin();
    txn->put_node(state("USA", "United States"));
    txn->commit();
  }
  CHECK(db->log().back().number == 3);
  CHECK(db->check().clean());
}

TEST_CASE("check verifies the history: the log, the versions' order, their records", "[history][check]") {
  test::TempDir dir;
  NodeId prk = 0;
  {
    auto db = Database::open(dir / "db");
    test::load(*db, test::kSmallData);
    correct(*db);  // commits 2, 3: PRK replaced at 2
    auto r = db->check();
    CHECK(r.clean());
    CHECK(r.history > 3);
    prk = db->snapshot()->resolve("State:PRK").id;
  }
  auto damage = [&](const std::string& key, const std::string& value) {
    auto store = storage::Store::open(dir / "db", {.create_if_missing = false});
    auto batch = store->batch();
    batch->put(storage::Cf::kHistory, key, value);
    store->commit(*batch);
  };
  auto problems = [&] {
    auto db = Database::open(dir / "db");
    std::vector<std::string> out;
    for (const auto& p : db->check().problems) out.push_back(p.where + ": " + p.reason);
    return out;
  };
  // A version said to end before it was written: a copy of PRK's (written at 1) as ending at 1.
  std::string v1;
  {
    auto store = storage::Store::open(dir / "db", {.create_if_missing = false, .read_only = true});
    v1 = *store->snapshot()->get(storage::Cf::kHistory, keys::version(keys::kNodeVersion, prk, 2));
  }
  damage(keys::version(keys::kNodeVersion, prk, 1), v1);
  auto p = problems();
  REQUIRE(p.size() == 1);
  CHECK_THAT(p[0], Catch::Contains(fmt::format("history: node {} until #1", prk)) && Catch::Contains("not before the one that ended it"));
  // A log entry past next_commit, and an entry of no known kind.
  damage(keys::version(keys::kNodeVersion, prk, 1), "");  // (now malformed as well)
  damage(keys::commit_entry(9), graph::encode_commit(CommitInfo{.number = 9}));
  damage("zzz", "");
  p = problems();
  CHECK(std::any_of(p.begin(), p.end(), [](const std::string& s) { return s.find("history: commit #9: it is not before meta next_commit") != std::string::npos; }));
  CHECK(std::any_of(p.begin(), p.end(), [](const std::string& s) { return s.find("unknown kind") != std::string::npos; }));
  CHECK(std::any_of(p.begin(), p.end(), [&](const std::string& s) { return s.find(fmt::format("node {} until #1", prk)) != std::string::npos; }));
  // A kept version that ended after the current record was written: a copy of the current
  // one (written at 2) said to end at 3.
  {
    auto store = storage::Store::open(dir / "db", {.create_if_missing = false, .read_only = true});
    damage(keys::version(keys::kNodeVersion, prk, 3), *store->snapshot()->get(storage::Cf::kNodes, keys::id(prk)));
  }
  p = problems();
  CHECK(std::any_of(p.begin(), p.end(), [&](const std::string& s) {
    return s.find(fmt::format("history: node {} until #3: the current record was written (#2) before this version ended", prk)) !=
           std::string::npos;
  }));
}

// A regression: the log entry's time was read through the batch, which made a large
// import's batch index all its writes at commit (1.8 -> 2.6 s at 10^6 records).
TEST_CASE("logging a commit does not read through its batch", "[history]") {
  test::TempDir dir;
  {
    auto db = Database::open(dir / "db");
    test::load(*db, test::kSmallData);  // commit 1: the entry before
  }
  auto store = storage::Store::open(dir / "db", {.create_if_missing = false});
  auto batch = store->batch();
  batch->put(storage::Cf::kNodes, keys::id(99), "x");
  CommitInfo info;
  info.number = 2;
  graph::log_commit(*batch, info);
  CHECK_FALSE(batch->indexed());
  batch->get(storage::Cf::kNodes, keys::id(99));  // a read through it does index
  CHECK(batch->indexed());
}
