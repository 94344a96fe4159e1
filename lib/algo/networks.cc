// Whole-graph questions answered by stock Boost.Graph algorithms on projections: paths,
// blocs (components), centrality, neighbourhoods.
#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/range/iterator_range.hpp>

#include <queue>
#include <tuple>

#include "algo/bounded.h"
#include "algo/links.h"
#include "common/text.h"
#include "graph/adjacency.h"
#include "common/error.h"
#include "entente/graph_view.h"
#include "entente/projection.h"

namespace entente {
namespace {

using Graph = Projection::Graph;
using Vertex = Projection::Vertex;
using EdgeDesc = boost::graph_traits<Graph>::edge_descriptor;

// The state-to-state alliance network on a date: an arc each way per pair of allies,
// and the treaties behind each pair.
struct AllianceNetwork {
  Projection projection;
  std::map<std::pair<NodeId, NodeId>, std::vector<Node>> treaties;
};

AllianceNetwork alliance_network(const Reader& reader, Date at, const std::vector<std::string>& obligations,
                                 Budget& budget) {
  algo::check_obligations(obligations);
  AllyQuery q{at, obligations, false, 1};
  std::vector<NodeId> states;
  std::vector<std::tuple<NodeId, NodeId, Projection::Arc>> arcs;
  AllianceNetwork net;
  reader.scan("State", [&](const Node& s) {
    budget.tick();
    if (!s.valid_at(at)) return true;
    states.push_back(s.id);
    std::set<NodeId> allies;
    for (const auto& link : algo::direct_links(reader, s, q)) {
      budget.tick();
      auto& list = net.treaties[{s.id, link.to.id}];
      if (std::none_of(list.begin(), list.end(), [&](const Node& t) { return t.id == link.treaty.id; })) {
        list.push_back(link.treaty);
        budget.charge(algo::approx_bytes(link.treaty) + 64, "the alliance network");
      }
      if (allies.insert(link.to.id).second) arcs.emplace_back(s.id, link.to.id, Projection::Arc{0, 0, false});
    }
    budget.charge(allies.size() * 64, "the alliance network");
    return true;
  });
  net.projection = Projection::from_edges(std::move(states), arcs);
  return net;
}

// A state-to-state network from pairs (deduplicated, both directions).
Projection pair_network(const std::set<std::pair<NodeId, NodeId>>& pairs, Budget& budget) {
  std::set<NodeId> ids;
  std::set<std::pair<NodeId, NodeId>> both;
  for (auto [a, b] : pairs) {
    if (a == b) continue;
    ids.insert(a);
    ids.insert(b);
    both.insert({a, b});
    both.insert({b, a});
  }
  std::vector<std::tuple<NodeId, NodeId, Projection::Arc>> arcs;
  budget.charge(both.size() * 96, "the network");
  for (auto [a, b] : both) arcs.emplace_back(a, b, Projection::Arc{0, 0, false});
  return Projection::from_edges(std::vector<NodeId>(ids.begin(), ids.end()), arcs);
}

bool in_range(const Date& d, const std::optional<Date>& from, const std::optional<Date>& to) {
  return (!from || !before(d, *from)) && (!to || before(d, *to));
}

}  // namespace

Budget algo::walk_budget(const Limits& limits, std::string_view what) {
  return Budget(limits, std::string(what), "narrow it: fewer hops, a date, or fewer edge types");
}

std::vector<PathStep> shortest_path(const Reader& reader, std::string_view a, std::string_view b,
                                    const std::vector<std::string>& via, std::optional<Date> at, const Limits& limits) {
  Budget budget = algo::walk_budget(limits, "shortest path");
  return algo::shortest_path(reader, a, b, via, at, budget);
}

std::optional<TemporalPath> temporal_path(const Reader& reader, std::string_view a, std::string_view b,
                                          const std::vector<std::string>& via, std::optional<Date> from,
                                          const Limits& limits) {
  Budget budget = algo::walk_budget(limits, "temporal path");
  return algo::temporal_path(reader, a, b, via, from, budget);
}

std::vector<Bloc> blocs(const Reader& reader, Date at, const std::vector<std::string>& obligations,
                        const Limits& limits) {
  Budget budget = algo::walk_budget(limits, "blocs");
  return algo::blocs(reader, at, obligations, budget);
}

std::vector<Ranked> centrality(const Reader& reader, const NetworkQuery& q, const Limits& limits) {
  Budget budget = algo::walk_budget(limits, "centrality");
  return algo::centrality(reader, q, budget);
}

std::vector<Reached> neighborhood(const Reader& reader, std::string_view start, int hops, std::optional<Date> at,
                                  const Limits& limits) {
  Budget budget = algo::walk_budget(limits, "neighborhood");
  return algo::neighborhood(reader, start, hops, at, budget);
}

// Breadth-first from `a` over the adjacency index (Reader::adjacent: no records decoded
// but the nodes' type and validity), until `b` is reached: the work is what the search
// explores, not the size of the database. Records are read for the path's steps only.
std::vector<PathStep> algo::shortest_path(const Reader& reader, std::string_view a, std::string_view b,
                                          const std::vector<std::string>& via, std::optional<Date> at,
                                          Budget& budget) {
  Node start = reader.resolve(a), goal = reader.resolve(b);
  if (at && !start.valid_at(*at)) return {};
  if (at && !goal.valid_at(*at)) return {};
  if (start.id == goal.id) return {};
  struct Pred {
    NodeId node;
    EdgeId edge;
    bool reversed;
  };
  std::unordered_map<NodeId, Pred> pred{{start.id, {0, 0, false}}};
  std::vector<NodeId> frontier{start.id};
  reader.load_topology();
  NeighborQuery q{via, Direction::kBoth, at};
  bool found = false;
  while (!frontier.empty() && !found) {
    std::vector<NodeId> next;
    for (NodeId u : frontier) {
      reader.adjacent(u, q, [&](const Reader::Step& s) {
        budget.tick();
        if (!pred.emplace(s.node, Pred{u, s.edge, s.direction == Direction::kIn}).second) return true;
        budget.charge(64, "the nodes reached");
        if (s.node == goal.id) {
          found = true;
          return false;
        }
        next.push_back(s.node);
        return true;
      });
      if (found) break;
    }
    frontier = std::move(next);
  }
  if (!found) return {};
  std::vector<PathStep> steps;
  for (NodeId v = goal.id; v != start.id;) {
    const Pred& p = pred.at(v);
    auto edge = reader.edge(p.edge);
    auto from = reader.node(p.node), to = reader.node(v);
    if (!edge || !from || !to) throw corruption("edge {} or an end of it does not exist", p.edge);
    steps.push_back({*from, *edge, p.reversed, *to});
    v = p.node;
  }
  std::reverse(steps.begin(), steps.end());
  return steps;
}

namespace {

// When a step over `arc` from u to v can be taken, at the earliest, by one who is at u at
// `t`: the first day from t on that the edge and both ends hold. nullopt: never.
struct Head {
  graph::NodeInfo info;
  std::vector<graph::DaySpan> gaps;  // when info has kHasGaps
};

std::optional<std::uint32_t> departure(std::uint32_t t, const graph::Arc& arc, const Head& u, const Head& v) {
  std::uint32_t at = std::max(t, arc.from), until = arc.to;
  for (const auto* n : {&u.info, &v.info}) {
    if (!n->holds_ever()) return std::nullopt;
    if (n->bits & graph::NodeInfo::kHasValid) {
      at = std::max(at, n->from);
      if (n->to != 0 && (until == 0 || n->to < until)) until = n->to;
    }
  }
  // A gap of either end: leave after it, and before the next one begins.
  for (bool moved = true; moved;) {
    moved = false;
    for (const auto* h : {&u, &v}) {
      for (const auto& g : h->gaps) {
        if (at >= g.from && at < g.to) {
          at = g.to;
          moved = true;
        }
      }
    }
  }
  for (const auto* h : {&u, &v}) {
    for (const auto& g : h->gaps) {
      if (g.from > at && (until == 0 || g.from < until)) until = g.from;
    }
  }
  if (until != 0 && at >= until) return std::nullopt;
  return at;
}

}  // namespace

// Earliest arrival, as Dijkstra's algorithm over dates: a node is settled at the earliest day
// it can be reached; from there every edge is taken as early as it and its ends allow. Dates
// never go back along a path, so the first time the goal is settled is the earliest.
std::optional<TemporalPath> algo::temporal_path(const Reader& reader, std::string_view a, std::string_view b,
                                                const std::vector<std::string>& via, std::optional<Date> from,
                                                Budget& budget) {
  Node start = reader.resolve(a), goal = reader.resolve(b);
  graph::Adjacency adj(reader, true);
  std::vector<std::uint16_t> types;
  for (const auto& name : via) {
    const auto* t = adj.catalog().find(name);
    if (!t || !t->is_edge) throw invalid("unknown edge type '{}'{}", name, text::did_you_mean(name, adj.catalog().names(true)));
    types.push_back(static_cast<std::uint16_t>(t->tag));
    types.push_back(static_cast<std::uint16_t>(t->tag | graph::Arc::kIn));
  }
  if (start.id == goal.id) return TemporalPath{};
  struct Pred {
    NodeId node;
    EdgeId edge;
    bool reversed;
    std::uint32_t taken;
    int steps;
  };
  const std::uint32_t t0 = from ? from->first_day() : 0;
  std::unordered_map<NodeId, Pred> best{{start.id, {0, 0, false, t0, 0}}};
  using Entry = std::tuple<std::uint32_t, int, NodeId>;  // day, steps, node
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
  queue.emplace(t0, 0, start.id);
  std::unordered_map<NodeId, Head> heads;
  auto head = [&](NodeId id) -> const Head& {
    auto it = heads.find(id);
    if (it != heads.end()) return it->second;
    auto info = adj.node(id);
    if (!info) throw corruption("an edge names node {}, which does not exist", id);
    Head h{*info, info->has_gaps() ? adj.gaps(id) : std::vector<graph::DaySpan>{}};
    budget.charge(sizeof(Head) + 32 + h.gaps.size() * sizeof(graph::DaySpan), "the nodes reached");
    return heads.emplace(id, std::move(h)).first->second;
  };
  bool found = false;
  while (!queue.empty()) {
    // Named copies: a lambda may not capture structured bindings (clang, C++20).
    const std::uint32_t t = std::get<0>(queue.top());
    const int steps = std::get<1>(queue.top());
    const NodeId u = std::get<2>(queue.top());
    queue.pop();
    const Pred& bu = best.at(u);
    if (t != bu.taken || steps != bu.steps) continue;  // settled earlier, or sooner
    if (u == goal.id) {
      found = true;
      break;
    }
    const Head hu = head(u);
    auto relax = [&](const graph::Arc& arc) {
      budget.tick();
      auto when = departure(t, arc, hu, head(arc.other));
      if (!when) return true;
      auto [it, added] = best.try_emplace(arc.other, Pred{u, arc.edge, !arc.out(), *when, steps + 1});
      budget.charge(added ? 96 : 24, "the nodes reached");  // an entry, and its place in the queue
      if (!added) {
        // Not earlier, nor as early in fewer steps: nothing better.
        if (*when > it->second.taken || (*when == it->second.taken && steps + 1 >= it->second.steps)) return true;
        it->second = Pred{u, arc.edge, !arc.out(), *when, steps + 1};
      }
      queue.emplace(*when, steps + 1, arc.other);
      return true;
    };
    if (types.empty()) {
      adj.arcs(u, relax);
    } else {
      for (auto type : types) adj.arcs(u, type, relax);
    }
  }
  if (!found) return std::nullopt;
  TemporalPath path;
  for (NodeId v = goal.id; v != start.id;) {
    const Pred& p = best.at(v);
    auto edge = reader.edge(p.edge);
    auto from_node = reader.node(p.node), to_node = reader.node(v);
    if (!edge || !from_node || !to_node) throw corruption("edge {} or an end of it does not exist", p.edge);
    path.steps.push_back({*from_node, *edge, p.reversed, *to_node});
    path.taken.push_back(p.taken == 0 ? std::nullopt : std::optional<Date>(Date::from_ymd(p.taken)));
    v = p.node;
  }
  std::reverse(path.steps.begin(), path.steps.end());
  std::reverse(path.taken.begin(), path.taken.end());
  return path;
}

std::vector<Bloc> algo::blocs(const Reader& reader, Date at, const std::vector<std::string>& obligations,
                              Budget& budget) {
  auto net = alliance_network(reader, at, obligations, budget);
  const auto& p = net.projection;
  // The network is symmetric, so its strongly connected components are its blocs.
  std::vector<std::size_t> component(p.size());
  std::size_t count = boost::strong_components(
      p.graph(), boost::make_iterator_property_map(component.begin(), boost::get(boost::vertex_index, p.graph())));
  std::vector<Bloc> out(count);
  std::vector<std::set<NodeId>> treaty_ids(count);
  for (std::size_t v = 0; v < p.size(); ++v) {
    if (boost::out_degree(static_cast<Vertex>(v), p.graph()) == 0) continue;  // no ally
    budget.tick();
    out[component[v]].states.push_back(*reader.node(p.node(static_cast<Vertex>(v))));
    budget.charge(algo::approx_bytes(out[component[v]].states.back()), "the blocs");
  }
  for (const auto& [pair, treaties] : net.treaties) {
    auto c = component[*p.vertex(pair.first)];
    for (const auto& t : treaties) {
      if (treaty_ids[c].insert(t.id).second) out[c].treaties.push_back(t);
    }
  }
  std::erase_if(out, [](const Bloc& b) { return b.states.empty(); });
  auto by_name = [](const Node& x, const Node& y) { return std::tie(x.name, x.key) < std::tie(y.name, y.key); };
  for (auto& b : out) {
    std::sort(b.states.begin(), b.states.end(), by_name);
    std::sort(b.treaties.begin(), b.treaties.end(), by_name);
  }
  std::sort(out.begin(), out.end(), [](const Bloc& x, const Bloc& y) {
    if (x.states.size() != y.states.size()) return x.states.size() > y.states.size();
    return x.states.front().name < y.states.front().name;
  });
  return out;
}

std::vector<Ranked> algo::centrality(const Reader& reader, const NetworkQuery& q, Budget& budget) {
  bool ranged = q.from || q.to;
  if (q.at && ranged) throw invalid("centrality: give either a date or a range, not both");
  algo::check_range(q.from, q.to, "centrality");
  std::optional<Projection> net;
  switch (q.network) {
    case Network::kAlliances:
      if (!q.at) throw invalid("centrality: the alliance network needs a date (--at)");
      net = alliance_network(reader, *q.at, {"defense"}, budget).projection;
      break;
    case Network::kVisits: {
      std::set<std::pair<NodeId, NodeId>> pairs;
      reader.scan("Visit", [&](const Node& v) {
        budget.tick();
        auto start = v.props.text("start");
        if (!start) return true;
        Date s = Date::parse(*start);
        auto end = v.props.text("end");
        Date e = end ? Date::parse(*end) : s;
        if (q.at ? (before(*q.at, s) || before(e, *q.at)) : !in_range(s, q.from, q.to)) return true;
        auto hosts = reader.neighbors(v.id, {{"HOST"}, Direction::kOut, std::nullopt});
        for (const auto& visitor : reader.neighbors(v.id, {{"VISITOR"}, Direction::kOut, std::nullopt})) {
          auto home = algo::visitor_state(reader, visitor.node, s);
          if (!home) continue;
          for (const auto& h : hosts) {
            if (pairs.insert({home->id, h.node.id}).second) budget.charge(64, "the network");
          }
        }
        return true;
      });
      net = pair_network(pairs, budget);
      break;
    }
    case Network::kTrade: {
      std::set<std::pair<NodeId, NodeId>> pairs;
      reader.scan("State", [&](const Node& s) {
        for (const auto& t : reader.neighbors(s.id, {{"TRADE"}, Direction::kOut, std::nullopt})) {
          budget.tick();
          if (t.node.type != "State") continue;
          int year = static_cast<int>(t.edge.props.integer("year").value_or(0));
          bool keep = q.at ? (t.edge.valid ? t.edge.valid_at(*q.at) : year == q.at->year())
                           : (!ranged || in_range(Date(year), q.from, q.to));
          if (keep && pairs.insert({s.id, t.node.id}).second) budget.charge(64, "the network");
        }
        return true;
      });
      net = pair_network(pairs, budget);
      break;
    }
  }
  const auto& g = net->graph();
  std::vector<double> score(net->size(), 0.0);
  if (q.measure == Measure::kBetweenness) {
    boost::brandes_betweenness_centrality(
        g, boost::centrality_map(boost::make_iterator_property_map(score.begin(), boost::get(boost::vertex_index, g))));
    for (auto& s : score) s /= 2;  // each pair is counted in both directions
  }
  budget.check_time();
  std::vector<Ranked> out;
  for (std::size_t v = 0; v < net->size(); ++v) {
    std::set<Vertex> partners;
    for (auto e : boost::make_iterator_range(boost::out_edges(static_cast<Vertex>(v), g))) partners.insert(boost::target(e, g));
    if (partners.empty()) continue;
    double s = q.measure == Measure::kDegree ? static_cast<double>(partners.size()) : score[v];
    out.push_back({*reader.node(net->node(static_cast<Vertex>(v))), s, partners.size()});
  }
  std::sort(out.begin(), out.end(), [](const Ranked& a, const Ranked& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.state.name < b.state.name;
  });
  return out;
}

std::vector<Reached> algo::neighborhood(const Reader& reader, std::string_view start, int hops, std::optional<Date> at,
                                        Budget& budget) {
  if (hops < 0) throw invalid("neighborhood: hops must not be negative");
  Node origin = reader.resolve(start);
  if (at && !origin.valid_at(*at)) return {};
  // A breadth-first walk cut at `hops`, over a view of the graph (no copy of it): the
  // nodes reached, and the arc that first reached each, kept for those alone.
  const GraphView g = GraphView::of(reader, {.at = at});
  std::unordered_map<GraphView::Vertex, std::pair<int, std::optional<GraphView::Edge>>> reached;
  const auto s = static_cast<GraphView::Vertex>(origin.id);
  reached.emplace(s, std::pair<int, std::optional<GraphView::Edge>>{0, std::nullopt});
  std::vector<GraphView::Vertex> frontier{s};
  for (int d = 1; d <= hops && !frontier.empty(); ++d) {
    std::vector<GraphView::Vertex> next;
    for (auto u : frontier) {
      for (auto e : boost::make_iterator_range(out_edges(u, g))) {
        budget.tick();
        auto v = target(e, g);
        if (reached.try_emplace(v, d, e).second) {
          next.push_back(v);
          budget.charge(96, "the nodes reached");
        }
      }
    }
    frontier = std::move(next);
  }
  std::vector<Reached> out;
  out.reserve(reached.size());
  for (const auto& [v, how] : reached) {
    budget.tick();
    Reached r{*reader.node(v), how.first, std::nullopt};
    if (how.second) {
      const GraphView::Edge& e = *how.second;
      auto edge = reader.edge(g.edge_id(e));
      if (!edge) throw corruption("the view names edge {}, which does not exist", g.edge_id(e));
      r.via = PathStep{*reader.node(e.source), *edge, g.reversed(e), r.node};
    }
    if (budget.counts_memory()) {
      budget.charge(sizeof(Reached) + 2 * algo::approx_bytes(r.node) + (r.via ? algo::approx_bytes(r.via->edge) : 0),
                    "the nodes reached");
    }
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const Reached& a, const Reached& b) {
    return std::tie(a.hops, a.node.type, a.node.key) < std::tie(b.hops, b.node.type, b.node.key);
  });
  return out;
}

}  // namespace entente
