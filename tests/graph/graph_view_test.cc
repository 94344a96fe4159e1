// GraphView: Boost.Graph's concepts over the in-memory topology, with no copy of the
// graph. It must present the same graph as a Projection (the copy) for every filter, run
// stock algorithms unchanged, and see exactly its own snapshot (or transaction).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/visitors.hpp>
#include <boost/range/iterator_range.hpp>

#include "entente/entente.h"
#include "test_util.h"

using namespace entente;

namespace {

// Hops from `start` to every node id reached, by boost::breadth_first_search on the view.
std::map<NodeId, int> view_hops(const GraphView& g, NodeId start) {
  std::vector<int> hops(num_vertices(g), -1);
  auto s = static_cast<GraphView::Vertex>(start);
  REQUIRE(g.contains(s));
  hops[s] = 0;
  boost::breadth_first_search(g, s,
                              boost::visitor(boost::make_bfs_visitor(boost::record_distances(hops.data(), boost::on_tree_edge()))));
  std::map<NodeId, int> out;
  for (std::size_t v = 0; v < hops.size(); ++v) {
    if (hops[v] >= 0) out[v] = hops[v];
  }
  return out;
}

// The same on the projection (the copy), by node id.
std::map<NodeId, int> projection_hops(const Projection& p, NodeId start) {
  std::vector<int> hops(p.size(), -1);
  auto s = p.vertex(start);
  REQUIRE(s);
  hops[*s] = 0;
  boost::breadth_first_search(p.graph(), *s,
                              boost::visitor(boost::make_bfs_visitor(boost::record_distances(hops.data(), boost::on_tree_edge()))));
  std::map<NodeId, int> out;
  for (Projection::Vertex v = 0; v < p.size(); ++v) {
    if (hops[v] >= 0) out[p.node(v)] = hops[v];
  }
  return out;
}

// Each arc of the view as (source, target, edge id, reversed), sorted; and the projection's.
using ArcSet = std::multiset<std::tuple<NodeId, NodeId, EdgeId, bool>>;
ArcSet view_arcs(const GraphView& g) {
  ArcSet out;
  for (auto v : boost::make_iterator_range(vertices(g))) {
    for (auto e : boost::make_iterator_range(out_edges(v, g))) {
      out.emplace(source(e, g), target(e, g), g.edge_id(e), g.reversed(e));
    }
  }
  return out;
}
ArcSet projection_arcs(const Projection& p) {
  ArcSet out;
  const auto& graph = p.graph();
  for (auto e : boost::make_iterator_range(boost::edges(graph))) {
    out.emplace(p.node(boost::source(e, graph)), p.node(boost::target(e, graph)), graph[e].edge, graph[e].reversed);
  }
  return out;
}

std::set<NodeId> view_vertices(const GraphView& g) {
  std::set<NodeId> out;
  for (auto v : boost::make_iterator_range(vertices(g))) out.insert(v);
  return out;
}
std::set<NodeId> projection_vertices(const Projection& p) {
  std::set<NodeId> out;
  for (Projection::Vertex v = 0; v < p.size(); ++v) out.insert(p.node(v));
  return out;
}

void check_same_graph(const Reader& r, const ProjectionSpec& spec) {
  auto g = GraphView::of(r, spec);
  auto p = Projection::build(r, spec);
  CHECK(view_vertices(g) == projection_vertices(p));
  CHECK(g.vertex_count() == p.size());
  CHECK(view_arcs(g) == projection_arcs(p));
  CHECK(g.arc_count() == p.arcs());
}

}  // namespace

TEST_CASE("graph view: the same vertices and arcs as the projection, for every filter", "[graph_view]") {
  test::Loaded l(test::kSmallData);
  const auto& r = *l.snap;
  for (std::optional<Date> at : {std::optional<Date>{}, std::optional<Date>(Date::parse("1999-01-01")),
                                 std::optional<Date>(Date::parse("2024-12-31"))}) {
    for (bool symmetric : {true, false}) {
      INFO("at " << (at ? at->str() : "any") << ", symmetric " << symmetric);
      check_same_graph(r, {.at = at, .symmetric = symmetric});
      check_same_graph(r, {.node_types = {"State", "Treaty"}, .edge_types = {"PARTY_TO"}, .at = at, .symmetric = symmetric});
      check_same_graph(r, {.node_types = {"State"}, .at = at, .symmetric = symmetric});
      check_same_graph(r, {.edge_types = {"REPLACES", "PARTNERSHIP"}, .at = at, .symmetric = symmetric});
    }
  }
  // Filters on records: a node filter and an edge filter.
  check_same_graph(r, {.node_filter = [](const Node& n) { return n.key != "CHN"; }});
  check_same_graph(r, {.edge_filter = [](const Edge& e) { return e.type != "PARTY_TO" || e.props.has("signed"); }});
}

TEST_CASE("graph view: the bundled graph's breadth-first hops agree with the projection's", "[graph_view]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  import_files(*db, {std::filesystem::path(ENTENTE_DATA_DIR "/putin-visits-2024.jsonl")});
  auto snap = db->snapshot();
  for (const char* day : {"1962-01-01", "2001-06-01", "2024-12-31"}) {
    ProjectionSpec spec{.at = Date::parse(day)};
    auto g = GraphView::of(*snap, spec);
    auto p = Projection::build(*snap, spec);
    for (const char* start : {"State:PRK", "State:CHN", "State:RUS", "State:VNM"}) {
      INFO(day << " from " << start);
      if (!snap->resolve(start).valid_at(Date::parse(day))) continue;  // RUS from 1991, VNM from 1976
      auto id = snap->resolve(start).id;
      auto hops = view_hops(g, id);
      CHECK(hops == projection_hops(p, id));
      CHECK(hops.size() > 3);  // a walk that goes somewhere
    }
    CHECK(view_arcs(g) == projection_arcs(p));
  }
}

TEST_CASE("graph view: stock connected_components counts the alliance groups", "[graph_view]") {
  test::Loaded l(test::kSmallData);
  // On 2024-12-31: PRK, RUS and CHN are joined by the treaties in force (1961, 2024);
  // the 2000 treaty ended, the never-ratified one is in force on no date.
  auto g = GraphView::of(*l.snap, {.node_types = {"State", "Treaty"}, .edge_types = {"PARTY_TO"}, .at = Date::parse("2024-12-31")});
  std::vector<std::uint32_t> component(num_vertices(g), 0);
  auto count = boost::connected_components(g, component.data());
  CHECK(count == 1);
  auto id = [&](const char* ref) { return static_cast<GraphView::Vertex>(l.snap->resolve(ref).id); };
  CHECK(g.contains(id("State:PRK")));
  CHECK(!g.contains(id("Treaty:rus-prk-2000")));
  CHECK(!g.contains(id("Treaty:signed-only")));
  CHECK(component[id("State:RUS")] == component[id("State:CHN")]);
  CHECK(g.node_type(id("Treaty:rus-prk-2024")) == "Treaty");
  CHECK(g.node_type(id("Treaty:rus-prk-2000")).empty());

  // In 2010 the 2000 treaty joins RUS to PRK and the 1961 one CHN: still one group; in
  // 1995 RUS stands alone (the 2000 treaty is not yet in force).
  auto g1995 = GraphView::of(*l.snap, {.node_types = {"State", "Treaty"}, .edge_types = {"PARTY_TO"}, .at = Date::parse("1995-01-01")});
  std::vector<std::uint32_t> c1995(num_vertices(g1995), 0);
  CHECK(boost::connected_components(g1995, c1995.data()) == 2);
  CHECK(c1995[id("State:RUS")] != c1995[id("State:PRK")]);
  CHECK(c1995[id("State:CHN")] == c1995[id("State:PRK")]);
}

TEST_CASE("graph view: directed views walk stored edges only, and report what each arc is", "[graph_view]") {
  test::Loaded l(test::kSmallData);
  auto g = GraphView::of(*l.snap, {.symmetric = false});
  auto id = [&](const char* ref) { return static_cast<GraphView::Vertex>(l.snap->resolve(ref).id); };
  std::set<std::string> types;
  for (auto e : boost::make_iterator_range(out_edges(id("Treaty:prk-chn-1961"), g))) types.insert(g.edge_type(e));
  CHECK(types.empty());  // PARTY_TO runs from the states
  for (auto e : boost::make_iterator_range(out_edges(id("Treaty:rus-prk-2024"), g))) {
    CHECK(g.edge_type(e) == "REPLACES");
    CHECK(target(e, g) == id("Treaty:rus-prk-2000"));
    CHECK_FALSE(g.reversed(e));
  }
  CHECK(out_degree(id("State:PRK"), g) == 4);
  auto sym = GraphView::of(*l.snap);
  CHECK(out_degree(id("Treaty:prk-chn-1961"), sym) == 2);
  for (auto e : boost::make_iterator_range(out_edges(id("Treaty:prk-chn-1961"), sym))) CHECK(sym.reversed(e));
}

TEST_CASE("graph view: a view sees its own snapshot, after commits and after the snapshot is gone", "[graph_view]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db", {.topology = TopologyMode::kAtOpen});
  test::load(*db, test::kSmallData);
  auto before = db->snapshot();
  auto old_view = GraphView::of(*before);
  const auto arcs_before = old_view.arc_count();

  // A commit carried into the database's topology as an overlay, then a view of it.
  test::load(*db, R"({"edge":"PARTNERSHIP","from":"State:CHN","to":"State:PRK","props":{"level":"strategic partnership"}})");
  auto after = db->snapshot();
  auto new_view = GraphView::of(*after);
  CHECK(new_view.arc_count() == arcs_before + 2);
  before.reset();
  after.reset();
  CHECK(old_view.arc_count() == arcs_before);  // the view holds its topology
  CHECK(new_view.arc_count() == arcs_before + 2);

  // A transaction's view has its own writes.
  auto tx = db->begin();
  tx->put_node({.type = "State", .key = "ZZZ", .name = "Zembla"});
  tx->put_edge({.type = "PARTNERSHIP", .from = {"State", "ZZZ"}, .to = {"State", "PRK"}, .props = {{"level", "strategic partnership"}}});
  auto tx_view = GraphView::of(*tx);
  CHECK(tx_view.arc_count() == arcs_before + 4);
  CHECK(tx_view.vertex_count() == new_view.vertex_count() + 1);
  tx->rollback();
}

TEST_CASE("graph view: unknown types are refused with a suggestion", "[graph_view]") {
  test::Loaded l(test::kSmallData);
  CHECK_THROWS_WITH(GraphView::of(*l.snap, {.node_types = {"Stat"}}), Catch::Contains("unknown node type 'Stat'"));
  CHECK_THROWS_WITH(GraphView::of(*l.snap, {.edge_types = {"PARTY"}}), Catch::Contains("unknown edge type 'PARTY'"));
}
