// Projections: compressed-sparse-row snapshots of filtered subgraphs, built through an
// adjacency cursor (graph/adjacency.h: the in-memory topology of a snapshot, or else the
// adjacency index); never by copying records into an adjacency_list.
#include "entente/projection.h"

#include <algorithm>
#include <set>

#include "common/error.h"
#include "common/text.h"
#include "graph/state.h"
#include "graph/adjacency.h"
#include "graph/spec_types.h"
#include "storage/keys.h"

namespace entente {

using storage::Cf;

std::optional<Projection::Vertex> Projection::vertex(NodeId id) const {
  if (!dense_.empty() || sparse_.empty()) {
    if (id >= dense_.size() || dense_[id] == kNone) return std::nullopt;
    return dense_[id];
  }
  auto it = sparse_.find(id);
  if (it == sparse_.end()) return std::nullopt;
  return it->second;
}

void Projection::set_index() {
  NodeId max = 0;
  for (NodeId id : nodes_) max = std::max(max, id);
  if (max < 16 * nodes_.size() + 4096) {
    dense_.assign(max + 1, kNone);
    for (std::size_t i = 0; i < nodes_.size(); ++i) dense_[nodes_[i]] = static_cast<Vertex>(i);
  } else {
    for (std::size_t i = 0; i < nodes_.size(); ++i) sparse_.emplace(nodes_[i], static_cast<Vertex>(i));
  }
}

Projection Projection::from_edges(std::vector<NodeId> nodes, const std::vector<std::tuple<NodeId, NodeId, Arc>>& edges) {
  Projection p;
  p.nodes_ = std::move(nodes);
  p.set_index();
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::vector<Arc> arcs;
  pairs.reserve(edges.size());
  arcs.reserve(edges.size());
  for (const auto& [from, to, arc] : edges) {
    auto f = p.vertex(from), t = p.vertex(to);
    if (!f || !t) throw invalid("projection edge end {} is not a projected node", !f ? from : to);
    pairs.emplace_back(*f, *t);
    arcs.push_back(arc);
  }
  p.graph_ = Graph(boost::edges_are_unsorted_multi_pass, pairs.begin(), pairs.end(), arcs.begin(),
                   static_cast<std::uint32_t>(p.nodes_.size()));
  return p;
}

Projection Projection::build(const Reader& reader, const ProjectionSpec& spec) {
  const auto& ctx = graph::Internals::context(reader);
  const auto& catalog = *ctx.catalog;

  // Named references, not a structured binding: clang before 16 refuses to capture a binding
  // in a lambda (C++20 allows it), and the sanitizer build uses clang.
  auto types = graph::spec_types(catalog, spec);
  auto& node_types = types.nodes;
  const auto& edge_tags = types.edge_tags;
  if (node_types.empty()) {
    for (const auto& t : catalog.types()) {
      if (!t.is_edge) node_types.push_back(&t);
    }
  }

  // The vertices: every node of the chosen types that holds on the date and passes the filter.
  // A node filter needs the whole record; a date needs only the node's head.
  graph::Adjacency adj(reader, true);
  const std::uint32_t day = spec.at ? spec.at->first_day() : 0;
  std::vector<NodeId> nodes;
  for (const auto* t : node_types) {
    ctx.view->scan(Cf::kKeys, keys::type_prefix(t->tag), [&](std::string_view, std::string_view v) {
      NodeId id = keys::decode_id(v);
      if (spec.node_filter) {
        auto n = reader.node(id);
        if (!n || (spec.at && !n->valid_at(*spec.at)) || !spec.node_filter(*n)) return true;
      } else if (spec.at) {
        auto holds = adj.holds(id, day);
        if (!holds || !*holds) return true;
      }
      nodes.push_back(id);
      return true;
    });
  }
  Projection p;
  p.nodes_ = std::move(nodes);
  p.set_index();

  // The arcs: each vertex's outgoing arcs whose type, validity and other end pass; both
  // directions when symmetric.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::vector<Arc> arcs;
  for (std::size_t u = 0; u < p.nodes_.size(); ++u) {
    auto visit = [&](const graph::Arc& a) {
      if (!a.out()) return false;  // the outgoing arcs come first
      if (!edge_tags.empty() && !edge_tags.count(a.tag())) return true;
      if (spec.at && !a.holds(day)) return true;
      auto other = p.vertex(a.other);
      if (!other) return true;
      if (spec.edge_filter) {
        auto e = reader.edge(a.edge);
        if (!e || !spec.edge_filter(*e)) return true;
      }
      pairs.emplace_back(static_cast<Vertex>(u), *other);
      arcs.push_back({a.edge, a.tag(), false});
      if (spec.symmetric) {
        pairs.emplace_back(*other, static_cast<Vertex>(u));
        arcs.push_back({a.edge, a.tag(), true});
      }
      return true;
    };
    if (edge_tags.size() == 1) {
      adj.arcs(p.nodes_[u], static_cast<std::uint16_t>(*edge_tags.begin()), visit);
    } else {
      adj.arcs(p.nodes_[u], visit);
    }
  }
  p.graph_ = Graph(boost::edges_are_unsorted_multi_pass, pairs.begin(), pairs.end(), arcs.begin(),
                   static_cast<std::uint32_t>(p.nodes_.size()));
  return p;
}

}  // namespace entente
