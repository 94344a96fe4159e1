// Projections: compressed-sparse-row snapshots of filtered subgraphs, built from the
// adjacency index (never by copying records into an adjacency_list).
#include "entente/projection.h"

#include <algorithm>
#include <set>

#include "common/error.h"
#include "common/text.h"
#include "graph/state.h"
#include "storage/keys.h"

namespace entente {

using storage::Cf;

std::optional<Projection::Vertex> Projection::vertex(NodeId id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

Projection Projection::from_edges(std::vector<NodeId> nodes, const std::vector<std::tuple<NodeId, NodeId, Arc>>& edges) {
  Projection p;
  p.nodes_ = std::move(nodes);
  for (std::size_t i = 0; i < p.nodes_.size(); ++i) p.index_.emplace(p.nodes_[i], static_cast<Vertex>(i));
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::vector<Arc> arcs;
  pairs.reserve(edges.size());
  arcs.reserve(edges.size());
  for (const auto& [from, to, arc] : edges) {
    auto f = p.index_.find(from), t = p.index_.find(to);
    if (f == p.index_.end() || t == p.index_.end()) throw invalid("projection edge end {} is not a projected node", f == p.index_.end() ? from : to);
    pairs.emplace_back(f->second, t->second);
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
  // Only nodes that need their record for the test are decoded.
  std::vector<NodeId> nodes;
  bool decode = spec.at.has_value() || static_cast<bool>(spec.node_filter);
  for (const auto* t : node_types) {
    ctx.view->scan(Cf::kKeys, keys::type_prefix(t->tag), [&](std::string_view, std::string_view v) {
      NodeId id = keys::decode_id(v);
      if (decode) {
        auto n = reader.node(id);
        if (!n || (spec.at && !n->valid_at(*spec.at)) || (spec.node_filter && !spec.node_filter(*n))) return true;
      }
      nodes.push_back(id);
      return true;
    });
  }
  Projection p;
  p.nodes_ = std::move(nodes);
  for (std::size_t i = 0; i < p.nodes_.size(); ++i) p.index_.emplace(p.nodes_[i], static_cast<Vertex>(i));

  // The arcs: each vertex's outgoing adjacency entries whose type, validity (read from the
  // entry alone) and other end pass; both directions when symmetric.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::vector<Arc> arcs;
  for (std::size_t u = 0; u < p.nodes_.size(); ++u) {
    auto visit = [&](std::string_view k, std::string_view v) {
      auto a = keys::decode_adj(k);
      if (!edge_tags.empty() && !edge_tags.count(a.tag)) return true;
      if (spec.at && !keys::adj_holds(a, v, spec.at->first_day())) return true;
      auto other = p.index_.find(a.other);
      if (other == p.index_.end()) return true;
      if (spec.edge_filter) {
        auto e = reader.edge(a.edge);
        if (!e || !spec.edge_filter(*e)) return true;
      }
      auto uv = static_cast<std::uint32_t>(u);
      pairs.emplace_back(uv, other->second);
      arcs.push_back({a.edge, a.tag, false});
      if (spec.symmetric) {
        pairs.emplace_back(other->second, uv);
        arcs.push_back({a.edge, a.tag, true});
      }
      return true;
    };
    if (edge_tags.size() == 1) {
      ctx.view->scan(Cf::kAdj, keys::adj_prefix(p.nodes_[u], keys::kOut, *edge_tags.begin()), visit);
    } else {
      ctx.view->scan(Cf::kAdj, keys::adj_prefix(p.nodes_[u], keys::kOut), visit);
    }
  }
  p.graph_ = Graph(boost::edges_are_unsorted_multi_pass, pairs.begin(), pairs.end(), arcs.begin(),
                   static_cast<std::uint32_t>(p.nodes_.size()));
  return p;
}

}  // namespace entente
