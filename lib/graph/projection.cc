// Projections: compressed-sparse-row snapshots of filtered subgraphs, built from the
// in-memory topology of a snapshot (graph/topology.h), or else from the adjacency index;
// never by copying records into an adjacency_list.
#include "entente/projection.h"

#include <algorithm>
#include <set>

#include "common/error.h"
#include "common/text.h"
#include "graph/records.h"
#include "graph/state.h"
#include "graph/topology.h"
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
  const auto& ctx = detail::context_of(reader);
  const auto& catalog = *ctx.catalog;

  std::vector<const catalog::TypeDef*> node_types;
  if (spec.node_types.empty()) {
    for (const auto& t : catalog.types()) {
      if (!t.is_edge) node_types.push_back(&t);
    }
  } else {
    for (const auto& name : spec.node_types) {
      const auto* t = catalog.find(name);
      if (!t || t->is_edge) throw invalid("unknown node type '{}'{}", name, text::did_you_mean(name, catalog.names(false)));
      node_types.push_back(t);
    }
  }
  std::set<std::uint32_t> edge_tags;
  for (const auto& name : spec.edge_types) {
    const auto* t = catalog.find(name);
    if (!t || !t->is_edge) throw invalid("unknown edge type '{}'{}", name, text::did_you_mean(name, catalog.names(true)));
    edge_tags.insert(t->tag);
  }

  // The vertices: every node of the chosen types that holds on the date and passes the filter.
  // A node filter needs the whole record; a date needs only the record's type and validity.
  const graph::Topology* topo = detail::topology_of(ctx);
  std::vector<NodeId> nodes;
  for (const auto* t : node_types) {
    ctx.view->scan(Cf::kKeys, keys::type_prefix(t->tag), [&](std::string_view, std::string_view v) {
      NodeId id = keys::decode_id(v);
      if (spec.node_filter) {
        auto n = reader.node(id);
        if (!n || (spec.at && !n->valid_at(*spec.at)) || !spec.node_filter(*n)) return true;
      } else if (spec.at && topo) {
        const graph::NodeInfo* info = topo->node(id);
        if (!info || !info->holds(spec.at->first_day())) return true;
      } else if (spec.at) {
        auto bytes = ctx.view->get(Cf::kNodes, keys::id(id));
        if (!bytes) return true;
        auto head = graph::node_head(id, *bytes);
        bool holds = head.valid ? head.valid->contains(*spec.at) : graph::holds_without_validity(t->name);
        if (!holds) return true;
      }
      nodes.push_back(id);
      return true;
    });
  }
  Projection p;
  p.nodes_ = std::move(nodes);
  p.set_index();

  // The arcs: each vertex's outgoing adjacency entries whose type, validity (read from the
  // entry alone) and other end pass; both directions when symmetric. A projection of every
  // node type reads the whole index in one pass; a narrower one reads its vertices' entries.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::vector<Arc> arcs;
  const std::uint32_t day = spec.at ? spec.at->first_day() : 0;
  auto take = [&](Vertex u, EdgeId edge, std::uint32_t tag, NodeId other_id) {
    auto other = p.vertex(other_id);
    if (!other) return;
    if (spec.edge_filter) {
      auto e = reader.edge(edge);
      if (!e || !spec.edge_filter(*e)) return;
    }
    pairs.emplace_back(u, *other);
    arcs.push_back({edge, tag, false});
    if (spec.symmetric) {
      pairs.emplace_back(*other, u);
      arcs.push_back({edge, tag, true});
    }
  };
  auto add = [&](Vertex u, std::string_view k, std::string_view v) {
    auto a = keys::decode_adj(k);
    if (!edge_tags.empty() && !edge_tags.count(a.tag)) return;
    if (spec.at && !keys::adj_holds(a, v, day)) return;
    take(u, a.edge, a.tag, a.other);
  };
  if (topo) {
    // Each vertex's outgoing arcs, in memory.
    pairs.reserve(topo->arc_count());
    arcs.reserve(topo->arc_count());
    for (std::size_t u = 0; u < p.nodes_.size(); ++u) {
      auto visit = [&](const graph::Arc& a) {
        if (!a.out()) return true;
        if (!edge_tags.empty() && !edge_tags.count(a.tag())) return true;
        if (spec.at && !a.holds(day)) return true;
        take(static_cast<Vertex>(u), a.edge, a.tag(), a.other);
        return true;
      };
      if (edge_tags.size() == 1) {
        topo->arcs(p.nodes_[u], static_cast<std::uint16_t>(*edge_tags.begin()), visit);
      } else {
        topo->arcs(p.nodes_[u], visit);
      }
    }
  } else if (spec.node_types.empty()) {
    ctx.view->scan(Cf::kAdj, "", [&](std::string_view k, std::string_view v) {
      if (static_cast<std::uint8_t>(k[8]) != keys::kOut) return true;
      if (auto u = p.vertex(keys::decode_adj(k).node)) add(*u, k, v);
      return true;
    });
  } else {
    for (std::size_t u = 0; u < p.nodes_.size(); ++u) {
      auto visit = [&](std::string_view k, std::string_view v) {
        add(static_cast<Vertex>(u), k, v);
        return true;
      };
      if (edge_tags.size() == 1) {
        ctx.view->scan(Cf::kAdj, keys::adj_prefix(p.nodes_[u], keys::kOut, *edge_tags.begin()), visit);
      } else {
        ctx.view->scan(Cf::kAdj, keys::adj_prefix(p.nodes_[u], keys::kOut), visit);
      }
    }
  }
  p.graph_ = Graph(boost::edges_are_unsorted_multi_pass, pairs.begin(), pairs.end(), arcs.begin(),
                   static_cast<std::uint32_t>(p.nodes_.size()));
  return p;
}

}  // namespace entente
