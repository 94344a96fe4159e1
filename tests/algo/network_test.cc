// Networks: the Boost.Graph projection, stock BGL algorithms run on it, and the network
// queries built on it (shortest_path, blocs, centrality, neighborhood).
#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/properties.hpp>
#include <boost/graph/property_maps/constant_property_map.hpp>
#include <boost/graph/visitors.hpp>
#include <boost/property_map/property_map.hpp>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;

namespace {

using Keys = std::vector<std::string>;

struct Loaded : test::Loaded {
  using test::Loaded::Loaded;
  NodeId id(const char* ref) const { return snap->resolve(ref).id; }
  std::string key(NodeId id) const { return snap->node(id)->key; }
};

// A chain of partnerships AAA - BBB - CCC - DDD - EEE, stored in that direction, and a
// trade shortcut AAA -> DDD in 2005:
//   AAA-BBB always; BBB-CCC from 2000; CCC-DDD until 2010; DDD-EEE always, but EEE exists
//   only from 2020.
const char* kChain = R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"State","key":"CCC","name":"Carpania"}
{"node":"State","key":"DDD","name":"Drusselstein"}
{"node":"State","key":"EEE","name":"Elbonia","valid":{"from":"2020"}}
{"edge":"PARTNERSHIP","from":"State:AAA","to":"State:BBB","props":{"level":"strategic partnership"}}
{"edge":"PARTNERSHIP","from":"State:BBB","to":"State:CCC","valid":{"from":"2000"},"props":{"level":"strategic partnership"}}
{"edge":"PARTNERSHIP","from":"State:CCC","to":"State:DDD","valid":{"to":"2010"},"props":{"level":"strategic partnership"}}
{"edge":"PARTNERSHIP","from":"State:DDD","to":"State:EEE","props":{"level":"strategic partnership"}}
{"edge":"TRADE","from":"State:AAA","to":"State:DDD","valid":{"from":"2005","to":"2006"},"props":{"year":2005,"value":10.0}}
)jsonl";

ProjectionSpec partnerships(std::optional<Date> at = {}, bool symmetric = true) {
  return {.node_types = {"State"}, .edge_types = {"PARTNERSHIP"}, .at = at, .symmetric = symmetric};
}

constexpr int kUnreached = -1;

// Hops from `start` to every vertex by boost::breadth_first_search (kUnreached if none).
std::vector<int> bfs_hops(const Projection& p, NodeId start) {
  std::vector<int> hops(p.size(), kUnreached);
  auto s = p.vertex(start);
  REQUIRE(s);
  hops[*s] = 0;
  boost::breadth_first_search(
      p.graph(), *s, boost::visitor(boost::make_bfs_visitor(boost::record_distances(hops.data(), boost::on_tree_edge()))));
  return hops;
}

int hops_to(const Loaded& l, const Projection& p, const std::vector<int>& hops, const char* ref) {
  auto v = p.vertex(l.id(ref));
  REQUIRE(v);
  return hops[*v];
}

}  // namespace

TEST_CASE("projection: one vertex per node that passes the filter, one arc per edge in each direction",
          "[projection]") {
  Loaded l(kChain);
  auto sym = Projection::build(*l.snap, partnerships());
  CHECK(sym.size() == 5);
  CHECK(sym.arcs() == 8);
  CHECK(boost::num_vertices(sym.graph()) == 5);
  auto directed = Projection::build(*l.snap, partnerships({}, false));
  CHECK(directed.size() == 5);
  CHECK(directed.arcs() == 4);
  // Every edge type: the trade edge too.
  auto all = Projection::build(*l.snap, {});
  CHECK(all.size() == 5);
  CHECK(all.arcs() == 10);
}

TEST_CASE("projection: node() and vertex() are inverse, a node left out has no vertex", "[projection]") {
  Loaded l(kChain);
  auto p = Projection::build(*l.snap, partnerships(Date::parse("2005-01-01")));
  REQUIRE(p.size() == 4);  // EEE does not exist yet
  std::set<std::string> keys;
  for (Projection::Vertex v = 0; v < p.size(); ++v) {
    NodeId id = p.node(v);
    REQUIRE(p.vertex(id));
    CHECK(*p.vertex(id) == v);
    keys.insert(l.key(id));
  }
  CHECK(keys == std::set<std::string>{"AAA", "BBB", "CCC", "DDD"});
  CHECK_FALSE(p.vertex(l.id("State:EEE")));
}

TEST_CASE("projection: nodes and edges not valid on the date are left out", "[projection][time]") {
  Loaded l(kChain);
  // 1995: AAA-BBB and CCC-DDD (BBB-CCC starts in 2000); EEE does not exist, so DDD-EEE goes too.
  auto p1995 = Projection::build(*l.snap, partnerships(Date::parse("1995-01-01")));
  CHECK(p1995.size() == 4);
  CHECK(p1995.arcs() == 4);
  // 2005: AAA-BBB, BBB-CCC, CCC-DDD.
  auto p2005 = Projection::build(*l.snap, partnerships(Date::parse("2005-01-01")));
  CHECK(p2005.arcs() == 6);
  // 2010: CCC-DDD has ended (exclusive end).
  auto p2010 = Projection::build(*l.snap, partnerships(Date::parse("2010-01-01")));
  CHECK(p2010.arcs() == 4);
  // 2020: EEE exists, DDD-EEE is back.
  auto p2020 = Projection::build(*l.snap, partnerships(Date::parse("2020-01-01")));
  CHECK(p2020.size() == 5);
  CHECK(p2020.arcs() == 6);
}

TEST_CASE("projection: each arc names its stored edge, and whether it runs against it", "[projection]") {
  Loaded l(kChain);
  for (bool symmetric : {false, true}) {
    INFO("symmetric " << symmetric);
    auto p = Projection::build(*l.snap, partnerships({}, symmetric));
    const auto& g = p.graph();
    int reversed = 0;
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
      const Projection::Arc& arc = g[*e];
      auto stored = l.snap->edge(arc.edge);
      REQUIRE(stored);
      CHECK(stored->type == "PARTNERSHIP");
      NodeId from = p.node(boost::source(*e, g));
      NodeId to = p.node(boost::target(*e, g));
      if (arc.reversed) {
        ++reversed;
        CHECK(stored->from == to);
        CHECK(stored->to == from);
      } else {
        CHECK(stored->from == from);
        CHECK(stored->to == to);
      }
    }
    CHECK(reversed == (symmetric ? 4 : 0));
  }
}

TEST_CASE("projection: an unknown node or edge type is an error", "[projection][errors]") {
  Loaded l(kChain);
  CHECK_THROWS_AS(Projection::build(*l.snap, {.node_types = {"Stat"}}), Error);
  CHECK_THROWS_AS(Projection::build(*l.snap, {.edge_types = {"PARTNER"}}), Error);
}

TEST_CASE("projection: boost::breadth_first_search runs on it unchanged", "[projection][bgl]") {
  Loaded l(kChain);
  auto p = Projection::build(*l.snap, partnerships(Date::parse("2005-01-01")));
  auto hops = bfs_hops(p, l.id("State:AAA"));
  CHECK(hops_to(l, p, hops, "State:AAA") == 0);
  CHECK(hops_to(l, p, hops, "State:BBB") == 1);
  CHECK(hops_to(l, p, hops, "State:CCC") == 2);
  CHECK(hops_to(l, p, hops, "State:DDD") == 3);
  // Symmetric: DDD reaches AAA against the stored direction.
  auto back = bfs_hops(p, l.id("State:DDD"));
  CHECK(hops_to(l, p, back, "State:AAA") == 3);
  // Directed: only along the stored direction.
  auto directed = Projection::build(*l.snap, partnerships(Date::parse("2005-01-01"), false));
  CHECK(hops_to(l, directed, bfs_hops(directed, l.id("State:AAA")), "State:DDD") == 3);
  CHECK(hops_to(l, directed, bfs_hops(directed, l.id("State:DDD")), "State:AAA") == kUnreached);
  // 2015: CCC-DDD has ended, so DDD is cut off.
  auto p2015 = Projection::build(*l.snap, partnerships(Date::parse("2015-01-01")));
  CHECK(hops_to(l, p2015, bfs_hops(p2015, l.id("State:AAA")), "State:DDD") == kUnreached);
}

TEST_CASE("projection: boost::dijkstra_shortest_paths runs on it with a constant or a per-arc weight map",
          "[projection][bgl]") {
  Loaded l(kChain);
  auto p = Projection::build(*l.snap, {.node_types = {"State"},
                                       .edge_types = {"PARTNERSHIP", "TRADE"},
                                       .at = Date::parse("2005-06-01")});
  const auto& g = p.graph();
  auto source = p.vertex(l.id("State:AAA"));
  REQUIRE(source);
  auto at = [&](const std::vector<double>& d, const char* ref) { return d[*p.vertex(l.id(ref))]; };

  // Every arc weighs 1: the trade shortcut AAA-DDD is one step.
  std::vector<double> dist(p.size());
  boost::dijkstra_shortest_paths(g, *source,
                                 boost::weight_map(boost::make_constant_property<Projection::Graph::edge_descriptor>(1.0))
                                     .distance_map(dist.data()));
  CHECK(at(dist, "State:AAA") == 0.0);
  CHECK(at(dist, "State:BBB") == 1.0);
  CHECK(at(dist, "State:CCC") == 2.0);
  CHECK(at(dist, "State:DDD") == 1.0);

  // Weights in a vector indexed by the graph's edge index: trade weighs 10, partnership 1,
  // so the way to DDD is now the chain of partnerships.
  std::vector<double> weight(p.arcs(), 0.0);
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    weight[get(boost::edge_index, g, *e)] = l.snap->edge(g[*e].edge)->type == "TRADE" ? 10.0 : 1.0;
  }
  std::vector<double> weighted(p.size());
  boost::dijkstra_shortest_paths(
      g, *source,
      boost::weight_map(boost::make_iterator_property_map(weight.begin(), get(boost::edge_index, g)))
          .distance_map(weighted.data()));
  CHECK(at(weighted, "State:CCC") == 2.0);
  CHECK(at(weighted, "State:DDD") == 3.0);
}

TEST_CASE("shortest_path: the fewest steps, over the asked edge types, in either direction", "[path]") {
  Loaded l(kChain);
  // Over any edge type, ignoring dates: the trade edge.
  auto any = shortest_path(*l.snap, "State:AAA", "State:DDD");
  REQUIRE(any.size() == 1);
  CHECK(any[0].edge.type == "TRADE");
  CHECK(any[0].from.key == "AAA");
  CHECK(any[0].to.key == "DDD");
  CHECK_FALSE(any[0].reversed);

  auto chain = shortest_path(*l.snap, "State:AAA", "State:DDD", {"PARTNERSHIP"});
  REQUIRE(chain.size() == 3);
  CHECK(chain[0].from.key == "AAA");
  CHECK(chain[0].to.key == "BBB");
  CHECK(chain[1].to.key == "CCC");
  CHECK(chain[2].to.key == "DDD");
  for (const auto& step : chain) CHECK_FALSE(step.reversed);

  auto back = shortest_path(*l.snap, "Drusselstein", "Aland", {"PARTNERSHIP"});
  REQUIRE(back.size() == 3);
  CHECK(back[0].from.key == "DDD");
  CHECK(back[0].to.key == "CCC");
  CHECK(back[2].to.key == "AAA");
  for (const auto& step : back) CHECK(step.reversed);
}

TEST_CASE("shortest_path: on a date, every step must hold then", "[path][time]") {
  Loaded l(kChain);
  CHECK(shortest_path(*l.snap, "State:AAA", "State:DDD", {"PARTNERSHIP"}, Date::parse("2005-01-01")).size() == 3);
  // The only connection needs BBB-CCC (from 2000) and CCC-DDD (until 2010).
  CHECK(shortest_path(*l.snap, "State:AAA", "State:DDD", {"PARTNERSHIP"}, Date::parse("1995-01-01")).empty());
  CHECK(shortest_path(*l.snap, "State:AAA", "State:DDD", {"PARTNERSHIP"}, Date::parse("2010-01-01")).empty());
  // Over any type: the trade edge holds in 2005 only.
  CHECK(shortest_path(*l.snap, "State:AAA", "State:DDD", {}, Date::parse("2005-06-01")).size() == 1);
  CHECK(shortest_path(*l.snap, "State:AAA", "State:DDD", {}, Date::parse("2007-06-01")).size() == 3);
}

TEST_CASE("temporal_path: steps on dates that never go back, each edge and its ends valid then", "[path][time]") {
  Loaded l(kChain);
  auto p = temporal_path(*l.snap, "State:AAA", "State:EEE", {"PARTNERSHIP"});
  REQUIRE(p);
  std::vector<std::string> keys, taken;
  for (std::size_t i = 0; i < p->steps.size(); ++i) {
    keys.push_back(p->steps[i].to.key);
    taken.push_back(p->taken[i] ? p->taken[i]->str() : "-");
  }
  CHECK(keys == Keys{"BBB", "CCC", "DDD", "EEE"});
  // AAA-BBB holds always; BBB-CCC from 2000; CCC-DDD then, before it ends in 2010; and the
  // step to EEE waits until EEE exists.
  CHECK(taken == Keys{"-", "2000-01-01", "2000-01-01", "2020-01-01"});
  REQUIRE(p->arrival());
  CHECK(p->arrival()->str() == "2020-01-01");
  CHECK_FALSE(p->steps[0].reversed);
}

TEST_CASE("temporal_path: no path when time would have to go back, where a dated path exists on no one date",
          "[path][time]") {
  Loaded l(kChain);
  // Leaving in 2010, CCC-DDD has ended.
  CHECK_FALSE(temporal_path(*l.snap, "State:AAA", "State:DDD", {"PARTNERSHIP"}, Date::parse("2010")));
  // AAA to EEE exists on no single date (CCC-DDD ends before EEE begins), but in time it does.
  CHECK(shortest_path(*l.snap, "State:AAA", "State:EEE", {"PARTNERSHIP"}, Date::parse("2005")).empty());
  CHECK(shortest_path(*l.snap, "State:AAA", "State:EEE", {"PARTNERSHIP"}, Date::parse("2021")).empty());
  CHECK(temporal_path(*l.snap, "State:AAA", "State:EEE", {"PARTNERSHIP"}));
  // Backwards, EEE (from 2020) can no longer reach CCC: CCC-DDD ended in 2010.
  CHECK_FALSE(temporal_path(*l.snap, "State:EEE", "State:AAA", {"PARTNERSHIP"}));
  // Leaving on 2005-03-01 over any type, the trade edge arrives as early as the chain, in one step.
  auto p = temporal_path(*l.snap, "State:AAA", "State:DDD", {}, Date::parse("2005-03-01"));
  REQUIRE(p);
  CHECK(p->steps.size() == 1);
  CHECK(p->steps[0].edge.type == "TRADE");
  CHECK(p->arrival()->str() == "2005-03-01");
  // Leaving any time, the chain arrives earliest (2000), before the trade edge exists.
  auto q = temporal_path(*l.snap, "State:AAA", "State:DDD");
  REQUIRE(q);
  CHECK(q->steps.size() == 3);
  CHECK(q->arrival()->str() == "2000-01-01");
  CHECK(temporal_path(*l.snap, "State:AAA", "State:AAA")->steps.empty());
  CHECK_THROWS_AS(temporal_path(*l.snap, "State:AAA", "State:DDD", {"PARTNER"}), Error);
}

TEST_CASE("shortest_path: an unknown node or edge type is an error", "[path][errors]") {
  Loaded l(kChain);
  CHECK_THROWS_AS(shortest_path(*l.snap, "State:AAA", "State:QQQ"), Error);
  CHECK_THROWS_AS(shortest_path(*l.snap, "State:AAA", "State:DDD", {"PARTNER"}), Error);
}

namespace {

// An alliance network. HUB is allied with AAA, BBB and CCC by three bilateral defense
// treaties (from 1950); XXX and YYY by one (1950 to 2000); XXX and ZZZ by a
// consultation-only treaty.
const char* kHub = R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"State","key":"CCC","name":"Carpania"}
{"node":"State","key":"HUB","name":"Hubland"}
{"node":"State","key":"XXX","name":"Xandia"}
{"node":"State","key":"YYY","name":"Yanland"}
{"node":"State","key":"ZZZ","name":"Zembla"}
{"node":"Treaty","key":"t-hub-a","name":"Hubland-Aland Treaty","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"t-hub-b","name":"Hubland-Borduria Treaty","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"t-hub-c","name":"Hubland-Carpania Treaty","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"t-xy","name":"Xandia-Yanland Treaty","valid":{"from":"1950","to":"2000"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"t-xz","name":"Xandia-Zembla Treaty","valid":{"from":"1950"},"props":{"obligations":["consultation"]}}
{"edge":"PARTY_TO","from":"State:HUB","to":"Treaty:t-hub-a"}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:t-hub-a"}
{"edge":"PARTY_TO","from":"State:HUB","to":"Treaty:t-hub-b"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:t-hub-b"}
{"edge":"PARTY_TO","from":"State:HUB","to":"Treaty:t-hub-c"}
{"edge":"PARTY_TO","from":"State:CCC","to":"Treaty:t-hub-c"}
{"edge":"PARTY_TO","from":"State:XXX","to":"Treaty:t-xy"}
{"edge":"PARTY_TO","from":"State:YYY","to":"Treaty:t-xy"}
{"edge":"PARTY_TO","from":"State:XXX","to":"Treaty:t-xz"}
{"edge":"PARTY_TO","from":"State:ZZZ","to":"Treaty:t-xz"}
)jsonl";

// Two triangles joined through a bridge: AAA, BBB, CCC share one multilateral treaty, as do
// XXX, YYY, ZZZ; BRG is allied with CCC and with XXX. All defense, from 1950.
const char* kBridge = R"jsonl({"node":"State","key":"AAA","name":"Aland"}
{"node":"State","key":"BBB","name":"Borduria"}
{"node":"State","key":"CCC","name":"Carpania"}
{"node":"State","key":"BRG","name":"Bridgeland"}
{"node":"State","key":"XXX","name":"Xandia"}
{"node":"State","key":"YYY","name":"Yanland"}
{"node":"State","key":"ZZZ","name":"Zembla"}
{"node":"Treaty","key":"t-abc","name":"Western Pact","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"t-xyz","name":"Eastern Pact","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"t-c-brg","name":"Carpania-Bridgeland Treaty","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"node":"Treaty","key":"t-brg-x","name":"Bridgeland-Xandia Treaty","valid":{"from":"1950"},"props":{"obligations":["defense"]}}
{"edge":"PARTY_TO","from":"State:AAA","to":"Treaty:t-abc"}
{"edge":"PARTY_TO","from":"State:BBB","to":"Treaty:t-abc"}
{"edge":"PARTY_TO","from":"State:CCC","to":"Treaty:t-abc"}
{"edge":"PARTY_TO","from":"State:XXX","to":"Treaty:t-xyz"}
{"edge":"PARTY_TO","from":"State:YYY","to":"Treaty:t-xyz"}
{"edge":"PARTY_TO","from":"State:ZZZ","to":"Treaty:t-xyz"}
{"edge":"PARTY_TO","from":"State:CCC","to":"Treaty:t-c-brg"}
{"edge":"PARTY_TO","from":"State:BRG","to":"Treaty:t-c-brg"}
{"edge":"PARTY_TO","from":"State:BRG","to":"Treaty:t-brg-x"}
{"edge":"PARTY_TO","from":"State:XXX","to":"Treaty:t-brg-x"}
)jsonl";

Keys state_keys(const Bloc& b) {
  Keys out;
  for (const auto& n : b.states) out.push_back(n.key);
  return out;
}

Keys treaty_keys(const Bloc& b) {
  Keys out;
  for (const auto& n : b.treaties) out.push_back(n.key);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("blocs: the connected alliance groups on a date, largest first, states by name", "[blocs]") {
  Loaded l(kHub);
  auto b1990 = blocs(*l.snap, Date::parse("1990-01-01"));
  REQUIRE(b1990.size() == 2);  // ZZZ, with no defense ally, is left out
  CHECK(state_keys(b1990[0]) == Keys{"AAA", "BBB", "CCC", "HUB"});
  CHECK(treaty_keys(b1990[0]) == Keys{"t-hub-a", "t-hub-b", "t-hub-c"});
  CHECK(state_keys(b1990[1]) == Keys{"XXX", "YYY"});
  CHECK(treaty_keys(b1990[1]) == Keys{"t-xy"});
  // t-xy ended on 2000-01-01.
  auto b2010 = blocs(*l.snap, Date::parse("2010-01-01"));
  REQUIRE(b2010.size() == 1);
  CHECK(state_keys(b2010[0]) == Keys{"AAA", "BBB", "CCC", "HUB"});
  // Before any treaty entered into force.
  CHECK(blocs(*l.snap, Date::parse("1940-01-01")).empty());
}

TEST_CASE("blocs: the obligations asked decide which treaties join states", "[blocs][obligations]") {
  Loaded l(kHub);
  auto consultation = blocs(*l.snap, Date::parse("1990-01-01"), {"consultation"});
  REQUIRE(consultation.size() == 1);
  CHECK(state_keys(consultation[0]) == Keys{"XXX", "ZZZ"});
  auto both = blocs(*l.snap, Date::parse("1990-01-01"), {"defense", "consultation"});
  REQUIRE(both.size() == 2);
  CHECK(state_keys(both[0]) == Keys{"AAA", "BBB", "CCC", "HUB"});
  CHECK(state_keys(both[1]) == Keys{"XXX", "YYY", "ZZZ"});
}

TEST_CASE("centrality: by degree, a state allied with three others ranks first", "[centrality]") {
  Loaded l(kHub);
  auto ranked = centrality(*l.snap, {.network = Network::kAlliances, .measure = Measure::kDegree,
                                     .at = Date::parse("1990-01-01")});
  REQUIRE(ranked.size() >= 2);
  CHECK(ranked[0].state.key == "HUB");
  CHECK(ranked[0].partners == 3);
  CHECK(ranked[0].score > ranked[1].score);
  for (const auto& r : ranked) {
    if (r.state.key == "AAA" || r.state.key == "XXX") CHECK(r.partners == 1);
  }
}

TEST_CASE("centrality: by betweenness, the bridge between two groups ranks first", "[centrality]") {
  // BRG lies on every shortest path between the triangles (9 pairs); CCC and XXX on 8 each.
  // By degree, CCC and XXX (3 partners each, the multilateral pacts count for every pair)
  // rank above BRG (2).
  Loaded l(kBridge);
  auto between = centrality(*l.snap, {.network = Network::kAlliances, .measure = Measure::kBetweenness,
                                      .at = Date::parse("1990-01-01")});
  REQUIRE(between.size() >= 2);
  CHECK(between[0].state.key == "BRG");
  CHECK(between[0].score > between[1].score);
  auto degree = centrality(*l.snap, {.network = Network::kAlliances, .measure = Measure::kDegree,
                                     .at = Date::parse("1990-01-01")});
  REQUIRE(degree.size() >= 2);
  CHECK((degree[0].state.key == "CCC" || degree[0].state.key == "XXX"));
  CHECK(degree[0].partners == 3);
  for (const auto& r : degree) {
    if (r.state.key == "BRG") CHECK(r.partners == 2);
  }
}

TEST_CASE("neighborhood: every node within so many steps, by hops, with the step that reached it",
          "[neighborhood]") {
  Loaded l(kHub);
  auto two = neighborhood(*l.snap, "State:AAA", 2);
  REQUIRE(two.size() == 3);
  CHECK(two[0].node.key == "AAA");
  CHECK(two[0].hops == 0);
  CHECK_FALSE(two[0].via);
  CHECK(two[1].node.key == "t-hub-a");
  CHECK(two[1].hops == 1);
  REQUIRE(two[1].via);
  CHECK(two[1].via->from.key == "AAA");
  CHECK(two[1].via->edge.type == "PARTY_TO");
  CHECK_FALSE(two[1].via->reversed);
  CHECK(two[2].node.key == "HUB");
  CHECK(two[2].hops == 2);
  REQUIRE(two[2].via);
  CHECK(two[2].via->from.key == "t-hub-a");
  CHECK(two[2].via->reversed);  // HUB -> t-hub-a is stored; the step runs back along it

  auto four = neighborhood(*l.snap, "State:AAA", 4);
  Keys keys;
  std::vector<int> hops;
  for (const auto& r : four) {
    keys.push_back(r.node.key);
    hops.push_back(r.hops);
  }
  // By hops, then type and key.
  CHECK(keys == Keys{"AAA", "t-hub-a", "HUB", "t-hub-b", "t-hub-c", "BBB", "CCC"});
  CHECK(hops == std::vector<int>{0, 1, 2, 3, 3, 4, 4});
}

TEST_CASE("neighborhood: on a date, only edges and nodes valid then are followed", "[neighborhood][time]") {
  Loaded l(kHub);
  // No treaty was in force in 1940.
  auto before = neighborhood(*l.snap, "State:AAA", 3, Date::parse("1940-01-01"));
  REQUIRE(before.size() == 1);
  CHECK(before[0].node.key == "AAA");
  // t-xy ended in 2000: YYY is out of XXX's reach, ZZZ (t-xz) is not.
  Keys after;
  for (const auto& r : neighborhood(*l.snap, "State:XXX", 2, Date::parse("2010-01-01"))) after.push_back(r.node.key);
  CHECK(after == Keys{"XXX", "t-xz", "ZZZ"});
}

TEST_CASE("shortest_path: not through a treaty that is no longer in force", "[path][time]") {
  Loaded l(kHub);
  CHECK(shortest_path(*l.snap, "State:XXX", "State:YYY", {"PARTY_TO"}, Date::parse("1990-01-01")).size() == 2);
  CHECK(shortest_path(*l.snap, "State:XXX", "State:YYY", {"PARTY_TO"}, Date::parse("2010-01-01")).empty());
  // Without a date, the treaty is followed whatever its period in force.
  CHECK(shortest_path(*l.snap, "State:XXX", "State:YYY", {"PARTY_TO"}).size() == 2);
}
