#include <catch2/catch.hpp>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;

namespace {

struct Loaded {
  test::TempDir dir;
  std::unique_ptr<Database> db = Database::open(dir / "db");
  Loaded() {
    test::load(*db, test::kSmallData);
  }
  std::vector<std::string> neighbours(const char* of, NeighborQuery q) {
    auto snap = db->snapshot();
    std::vector<std::string> out;
    for (const auto& n : snap->neighbors(snap->resolve(of).id, q)) out.push_back(n.edge.type + " " + n.node.ref().str());
    std::sort(out.begin(), out.end());
    return out;
  }
};

}  // namespace

TEST_CASE("a node is found by Type:key, by name or alias ignoring case, or by a unique key", "[reader]") {
  Loaded l;
  auto snap = l.db->snapshot();
  CHECK(snap->node(NodeRef{"State", "PRK"})->name == "Democratic People's Republic of Korea");
  CHECK_FALSE(snap->node(NodeRef{"State", "XXX"}));
  CHECK_FALSE(snap->node(NodeRef{"Planet", "PRK"}));
  CHECK(snap->find("north korea").size() == 1);
  CHECK(snap->find("  DPRK ").size() == 1);
  CHECK(snap->find("democratic people's republic of korea").at(0).key == "PRK");
  CHECK(snap->find("Korea").empty());  // a name matches whole, not in part
  CHECK(snap->resolve("State:PRK").key == "PRK");
  CHECK(snap->resolve("North Korea").key == "PRK");
  CHECK(snap->resolve("PRK").type == "State");
  CHECK_THROWS_WITH(snap->resolve("State:PKR"), Catch::Contains("did you mean State:PRK?"));
  CHECK_THROWS_WITH(snap->resolve("Atlantis"), Catch::Contains("no node named 'Atlantis'"));
}

TEST_CASE("a key in another case resolves, and a key not found suggests the nearest, ignoring case", "[reader]") {
  Loaded l;
  auto snap = l.db->snapshot();
  CHECK(snap->resolve("SIGNED-ONLY").ref().str() == "Treaty:signed-only");       // a bare key, upper case
  CHECK(snap->resolve("Treaty:RUS-PRK-2024").ref().str() == "Treaty:rus-prk-2024");  // a typed key
  CHECK(snap->resolve("prk").ref().str() == "State:PRK");                         // lower case
  CHECK_THROWS_WITH(snap->resolve("signed-onyl"), Catch::Contains("no node named 'signed-onyl'") &&
                                                      Catch::Contains("did you mean Treaty:signed-only?"));
  CHECK_THROWS_WITH(snap->resolve("pkr"), Catch::Contains("did you mean State:PRK?"));
}

TEST_CASE("a type scan visits its nodes in key order and stops when asked", "[reader]") {
  Loaded l;
  auto snap = l.db->snapshot();
  std::vector<std::string> keys;
  snap->scan("State", [&](const Node& n) {
    keys.push_back(n.key);
    return true;
  });
  CHECK(keys == std::vector<std::string>{"CHN", "PRK", "RUS"});
  int seen = 0;
  snap->scan("State", [&](const Node&) { return ++seen < 2; });
  CHECK(seen == 2);
  CHECK_THROWS_WITH(snap->scan("Stat", [](const Node&) { return true; }), Catch::Contains("did you mean 'State'"));
}

TEST_CASE("neighbours follow edge type and direction", "[reader]") {
  Loaded l;
  CHECK(l.neighbours("State:RUS", {{"PARTNERSHIP"}, Direction::kOut, {}}) ==
        std::vector<std::string>{"PARTNERSHIP State:PRK"});
  CHECK(l.neighbours("State:RUS", {{"PARTNERSHIP"}, Direction::kIn, {}}).empty());
  CHECK(l.neighbours("State:PRK", {{"PARTNERSHIP"}, Direction::kIn, {}}) ==
        std::vector<std::string>{"PARTNERSHIP State:RUS"});
  CHECK(l.neighbours("Treaty:rus-prk-2024", {{}, Direction::kBoth, {}}) ==
        std::vector<std::string>{"PARTY_TO State:PRK", "PARTY_TO State:RUS", "REPLACES Treaty:rus-prk-2000"});
  CHECK_THROWS_WITH(l.neighbours("State:PRK", {{"PARTY"}, Direction::kOut, {}}), Catch::Contains("PARTY_TO"));
}

TEST_CASE("neighbours as of a date honour edge and node validity", "[reader][time]") {
  Loaded l;
  NeighborQuery q{{"PARTY_TO"}, Direction::kOut, Date::parse("2010-01-01")};
  CHECK(l.neighbours("State:PRK", q) ==
        std::vector<std::string>{"PARTY_TO Treaty:prk-chn-1961", "PARTY_TO Treaty:rus-prk-2000"});
  q.at = Date::parse("2024-12-31");
  CHECK(l.neighbours("State:PRK", q) ==
        std::vector<std::string>{"PARTY_TO Treaty:prk-chn-1961", "PARTY_TO Treaty:rus-prk-2024"});
  // The boundary: the 2000 treaty ends and the 2024 one begins on 2024-12-04.
  q.at = Date::parse("2024-12-03");
  CHECK(l.neighbours("State:PRK", q) ==
        std::vector<std::string>{"PARTY_TO Treaty:prk-chn-1961", "PARTY_TO Treaty:rus-prk-2000"});
  q.at = Date::parse("2024-12-04");
  CHECK(l.neighbours("State:PRK", q) ==
        std::vector<std::string>{"PARTY_TO Treaty:prk-chn-1961", "PARTY_TO Treaty:rus-prk-2024"});
  // A partial date stands for its first day: "2000" asks about 2000-01-01, when the 2000
  // treaty (valid from "2000", stored from its signature on 2000-02-09) was not yet in force.
  q.at = Date::parse("2000");
  CHECK(l.neighbours("State:PRK", q) == std::vector<std::string>{"PARTY_TO Treaty:prk-chn-1961"});
  q.at = Date::parse("2000-02-09");
  CHECK(l.neighbours("State:PRK", q) == std::vector<std::string>{"PARTY_TO Treaty:prk-chn-1961", "PARTY_TO Treaty:rus-prk-2000"});
  // Edge validity: the partnership begins 2024-06-19.
  CHECK(l.neighbours("State:RUS", {{"PARTNERSHIP"}, Direction::kOut, Date::parse("2024-06-18")}).empty());
  CHECK(l.neighbours("State:RUS", {{"PARTNERSHIP"}, Direction::kOut, Date::parse("2024-06-19")}).size() == 1);
  // Node validity of the other end: PRK did not exist in 1940.
  CHECK(l.neighbours("State:RUS", {{"PARTNERSHIP"}, Direction::kOut, Date::parse("1940")}).empty());
}

TEST_CASE("a treaty with no validity has not entered into force", "[reader][time]") {
  Loaded l;
  auto snap = l.db->snapshot();
  auto t = snap->node(NodeRef{"Treaty", "signed-only"});
  CHECK_FALSE(t->valid_at(Date::parse("2000")));
  auto prk = snap->node(NodeRef{"State", "PRK"});
  CHECK(prk->valid_at(Date::parse("2000")));
  CHECK_FALSE(prk->valid_at(Date::parse("1948-09-08")));
  auto chn = snap->node(NodeRef{"State", "CHN"});
  CHECK(chn->valid_at(Date::parse("0001")));  // no validity: always
}

TEST_CASE("stats count nodes and edges by type", "[reader]") {
  Loaded l;
  auto s = l.db->snapshot()->stats();
  CHECK(s.nodes.at("State") == 3);
  CHECK(s.nodes.at("Treaty") == 4);
  CHECK(s.nodes.at("Visit") == 0);
  CHECK(s.edges.at("PARTY_TO") == 7);
  CHECK(s.edges.at("REPLACES") == 1);
}

TEST_CASE("citations are kept on nodes and edges", "[reader]") {
  Loaded l;
  auto snap = l.db->snapshot();
  auto t = snap->node(NodeRef{"Treaty", "rus-prk-2024"});
  REQUIRE(t->sources.size() == 1);
  CHECK(t->sources[0] == Citation{"brief", "para 5", "Article 4 states"});
  auto replaces = snap->neighbors(t->id, {{"REPLACES"}, Direction::kOut, {}});
  REQUIRE(replaces.size() == 1);
  CHECK(replaces[0].edge.sources.at(0).doc == "brief");
  CHECK(replaces[0].edge.from_ref == NodeRef{"Treaty", "rus-prk-2024"});
}

TEST_CASE("an edge is found by its identity: type, ends, valid-from and key", "[reader]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  test::load(*db, R"({"node":"State","key":"A"}
{"node":"State","key":"B"}
{"edge":"TRADE","from":"State:A","to":"State:B","valid":{"from":"2020"},"props":{"year":2020,"value":1}}
{"edge":"TRADE","from":"State:A","to":"State:B","key":"x","valid":{"from":"2020"},"props":{"year":2020,"value":2}}
{"edge":"TRADE","from":"State:A","to":"State:B","valid":{"from":"2021"},"props":{"year":2021,"value":3}}
)");
  auto snap = db->snapshot();
  auto find = [&](const char* from, const char* key) {
    EdgeInput e{.type = "TRADE", .from = {"State", "A"}, .to = {"State", "B"}, .key = key};
    e.valid = Interval{Date::parse(from), {}};
    return snap->edge(e);
  };
  REQUIRE(find("2020", ""));
  CHECK(find("2020", "")->props.json("value") == 1);
  CHECK(find("2020", "x")->props.json("value") == 2);
  CHECK(find("2021", "")->props.json("value") == 3);
  CHECK(find("2021", "")->to_ref.key == "B");
  // valid-from is exact: 2020-01-01 is not 2020.
  CHECK_FALSE(find("2020-01-01", ""));
  CHECK_FALSE(find("2022", ""));
  CHECK_FALSE(snap->edge(EdgeInput{.type = "TRADE", .from = {"State", "B"}, .to = {"State", "A"}}));
  CHECK_FALSE(snap->edge(EdgeInput{.type = "NOPE", .from = {"State", "A"}, .to = {"State", "B"}}));
  CHECK_FALSE(snap->edge(EdgeInput{.type = "TRADE", .from = {"State", "A"}, .to = {"State", "Z"}}));
}

namespace {

// kSmallData and two agreements of PRK's: PARTY_TO leads to Treaty and Agreement nodes.
struct WithAgreements : Loaded {
  WithAgreements() {
    test::load(*db, R"({"node":"Agreement","key":"prk-rus-health","name":"health agreement","valid":{"from":"2001"},"props":{"signed":"2000-12-01","field":"health"}}
{"node":"Agreement","key":"prk-chn-trade","name":"trade agreement","props":{"signed":"1990-01-01","field":"trade"}}
{"edge":"PARTY_TO","from":"State:PRK","to":"Agreement:prk-rus-health"}
{"edge":"PARTY_TO","from":"State:PRK","to":"Agreement:prk-chn-trade"}
{"edge":"PARTY_TO","from":"State:RUS","to":"Agreement:prk-rus-health"}
)");
  }
  // adjacent() of `of`, as "EDGE_TYPE Type" per step, in the order given.
  std::vector<std::string> steps(const char* of, const NeighborQuery& q) {
    auto snap = db->snapshot();
    std::vector<std::string> out;
    snap->adjacent(snap->resolve(of).id, q, [&](const Reader::Step& s) {
      out.push_back(s.edge_type + " " + s.node_type + ":" + snap->node(s.node)->key);
      return true;
    });
    std::sort(out.begin(), out.end());
    return out;
  }
};

}  // namespace

TEST_CASE("neighbours of given node types: with edge types, without, and as of a date", "[reader]") {
  WithAgreements l;
  using V = std::vector<std::string>;
  const V treaties{"PARTY_TO Treaty:prk-chn-1961", "PARTY_TO Treaty:rus-prk-2000", "PARTY_TO Treaty:rus-prk-2024",
                   "PARTY_TO Treaty:signed-only"};
  const V agreements{"PARTY_TO Agreement:prk-chn-trade", "PARTY_TO Agreement:prk-rus-health"};
  CHECK(l.neighbours("State:PRK", {{"PARTY_TO"}, Direction::kOut, {}}).size() == 6);
  // Edge type and node type: the 4-part prefix.
  CHECK(l.neighbours("State:PRK", {{"PARTY_TO"}, Direction::kOut, {}, {"Treaty"}}) == treaties);
  CHECK(l.neighbours("State:PRK", {{"PARTY_TO"}, Direction::kOut, {}, {"Agreement"}}) == agreements);
  CHECK(l.steps("State:PRK", {{"PARTY_TO"}, Direction::kOut, {}, {"Treaty"}}) == treaties);
  CHECK(l.steps("State:PRK", {{"PARTY_TO"}, Direction::kOut, {}, {"Agreement"}}) == agreements);
  V both = treaties;
  both.insert(both.end(), agreements.begin(), agreements.end());
  std::sort(both.begin(), both.end());
  CHECK(l.neighbours("State:PRK", {{"PARTY_TO"}, Direction::kOut, {}, {"Agreement", "Treaty"}}) == both);
  CHECK(l.neighbours("State:PRK", {{"PARTY_TO"}, Direction::kOut, {}, {"State"}}).empty());
  // Node type only: every edge type, filtered on the key's other type.
  CHECK(l.neighbours("State:RUS", {{}, Direction::kBoth, {}, {"State"}}) == V{"PARTNERSHIP State:PRK"});
  CHECK(l.steps("State:RUS", {{}, Direction::kBoth, {}, {"Agreement"}}) == V{"PARTY_TO Agreement:prk-rus-health"});
  CHECK(l.neighbours("Agreement:prk-rus-health", {{}, Direction::kIn, {}, {"State"}}) ==
        V{"PARTY_TO State:PRK", "PARTY_TO State:RUS"});
  // As of a date: a Treaty or Agreement without validity is not in force.
  const auto on = Date::parse("2010-01-01");
  CHECK(l.neighbours("State:PRK", {{"PARTY_TO"}, Direction::kOut, on, {"Agreement"}}) ==
        V{"PARTY_TO Agreement:prk-rus-health"});
  CHECK(l.steps("State:PRK", {{"PARTY_TO"}, Direction::kOut, on, {"Agreement"}}) ==
        V{"PARTY_TO Agreement:prk-rus-health"});
  CHECK(l.steps("State:PRK", {{"PARTY_TO"}, Direction::kOut, on, {"Treaty"}}) ==
        V{"PARTY_TO Treaty:prk-chn-1961", "PARTY_TO Treaty:rus-prk-2000"});
  CHECK(l.steps("State:PRK", {{}, Direction::kOut, on, {"Treaty"}}) ==
        V{"PARTY_TO Treaty:prk-chn-1961", "PARTY_TO Treaty:rus-prk-2000"});
}

TEST_CASE("an unknown node type in a neighbour query is an error with a suggestion", "[reader]") {
  WithAgreements l;
  CHECK_THROWS_WITH(l.neighbours("State:PRK", {{"PARTY_TO"}, Direction::kOut, {}, {"Treatie"}}),
                    Catch::Contains("unknown node type 'Treatie'") && Catch::Contains("Treaty"));
  CHECK_THROWS_WITH(l.steps("State:PRK", {{}, Direction::kOut, {}, {"Stat"}}), Catch::Contains("unknown node type 'Stat'"));
  // An edge type is not a node type.
  CHECK_THROWS_WITH(l.neighbours("State:PRK", {{"PARTY_TO"}, Direction::kOut, {}, {"PARTY_TO"}}),
                    Catch::Contains("unknown node type 'PARTY_TO'"));
}

TEST_CASE("a neighbor cursor steps through what adjacent() visits, in order, and reads records on demand",
          "[reader][cursor]") {
  WithAgreements l;
  const auto mode = GENERATE(TopologyMode::kOff, TopologyMode::kAtOpen);
  l.db.reset();
  Options o;
  o.topology = mode;
  l.db = Database::open(l.dir / "db", o);
  auto snap = l.db->snapshot();
  const NodeId prk = snap->id_of(NodeRef{"State", "PRK"}).value();
  CHECK(prk == snap->node(NodeRef{"State", "PRK"})->id);
  CHECK_FALSE(snap->id_of(NodeRef{"State", "XXX"}));
  CHECK_FALSE(snap->id_of(NodeRef{"PARTY_TO", "PRK"}));  // an edge type names no node
  const std::vector<NeighborQuery> queries{
      {},
      {{"PARTY_TO"}, Direction::kOut, {}},
      {{"PARTY_TO"}, Direction::kOut, Date::parse("2010-01-01"), {"Treaty"}},
      {{}, Direction::kIn, {}},
      {{"PARTY_TO", "PARTNERSHIP"}, Direction::kBoth, Date::parse("2024-12-04")},
  };
  for (const auto& q : queries) {
    std::vector<std::string> visited, stepped;
    snap->adjacent(prk, q, [&](const Reader::Step& s) {
      visited.push_back(fmt::format("{} {} {} {} {}", s.edge, s.edge_type, s.node, s.node_type, s.direction == Direction::kOut));
      return true;
    });
    auto records = snap->neighbors(prk, q);
    auto c = snap->cursor(prk, q);
    CHECK(c.size() == visited.size());
    std::size_t i = 0;
    while (c.next()) {
      stepped.push_back(fmt::format("{} {} {} {} {}", c->edge, c->edge_type, c->node, c->node_type, c->direction == Direction::kOut));
      REQUIRE(i < records.size());
      // The records it reads are the ones neighbors() gives, step for step.
      CHECK(c.edge().id == records[i].edge.id);
      CHECK(c.edge().from_ref.str() == records[i].edge.from_ref.str());
      CHECK(c.node().ref() == records[i].node.ref());
      CHECK(c.node().name == records[i].node.name);
      ++i;
    }
    CHECK(stepped == visited);
    CHECK(i == records.size());
    CHECK_FALSE(c.next());  // stays at its end
    CHECK_THROWS_WITH(*c, Catch::Contains("before next() or after its end"));
  }
  CHECK(snap->cursor(prk, {{"PARTY_TO"}, Direction::kOut, Date::parse("2010-01-01"), {"Treaty"}}).size() == 2);
  CHECK_THROWS_WITH(snap->cursor(prk, {{"PARTY"}, Direction::kOut, {}}), Catch::Contains("PARTY_TO"));
  // Before the first next(), there is no step.
  auto fresh = snap->cursor(prk);
  CHECK_THROWS_WITH(fresh.node(), Catch::Contains("before next()"));

  // A transaction's cursor sees its own writes.
  auto txn = l.db->begin();
  txn->put_node({.type = "Agreement", .key = "new", .name = "new agreement", .valid = Interval{Date::parse("2001"), std::nullopt}});
  txn->put_edge({.type = "PARTY_TO", .from = {"State", "PRK"}, .to = {"Agreement", "new"}});
  std::vector<std::string> keys;
  for (auto c = txn->cursor(prk, {{"PARTY_TO"}, Direction::kOut, Date::parse("2010-01-01"), {"Agreement"}}); c.next();) {
    keys.push_back(c.node().key);
  }
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::string>{"new", "prk-rus-health"});
}
