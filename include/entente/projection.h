// A Boost.Graph view of part of the database: a read-only compressed-sparse-row snapshot
// of the nodes and edges that pass a filter (node types, edge types, one date), built from
// the adjacency index, with a dense vertex index <-> node id map. Stock BGL algorithms
// run on graph() unchanged:
//
//   auto p = entente::Projection::build(*snap, {.node_types = {"State", "Treaty"},
//                                               .edge_types = {"PARTY_TO"},
//                                               .at = entente::Date::parse("2024-12-31")});
//   std::vector<int> component(p.size());
//   boost::strong_components(p.graph(), component.data());   // symmetric: the blocs
//
// Vertices are 0..size()-1; each edge's bundled property says which stored edge it is.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "entente/database.h"

namespace entente {

struct ProjectionSpec {
  std::vector<std::string> node_types{};  // empty: every node type
  std::vector<std::string> edge_types{};  // empty: every edge type
  std::optional<Date> at{};               // only nodes and edges valid on this date
  // Add each edge in both directions, so that the graph reads as undirected. Default: true.
  bool symmetric = true;
  // Further filters (optional): a node or edge passes only when these return true.
  std::function<bool(const Node&)> node_filter{};
  std::function<bool(const Edge&)> edge_filter{};
};

class Projection {
 public:
  // The stored edge an arc stands for; `reversed` when it runs against the stored direction.
  struct Arc {
    EdgeId edge = 0;
    std::uint32_t type_tag = 0;
    bool reversed = false;
  };
  using Graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, Arc, boost::no_property,
                                                   std::uint32_t, std::uint32_t>;
  using Vertex = Graph::vertex_descriptor;

  // Builds the projection from the reader's adjacency index. Throws Error(kInvalid) for an
  // unknown node or edge type.
  static Projection build(const Reader& reader, const ProjectionSpec& spec);
  // A projection over the given nodes and (from, to, arc) edges, for derived networks
  // (e.g. state-to-state alliances). Ends must be among `nodes`.
  static Projection from_edges(std::vector<NodeId> nodes,
                               const std::vector<std::tuple<NodeId, NodeId, Arc>>& edges);

  const Graph& graph() const { return graph_; }
  std::size_t size() const { return nodes_.size(); }
  std::size_t arcs() const { return boost::num_edges(graph_); }
  NodeId node(Vertex v) const { return nodes_[v]; }
  std::optional<Vertex> vertex(NodeId id) const;

 private:
  Graph graph_;
  std::vector<NodeId> nodes_;
  // Node id -> vertex: a dense table when the ids are dense enough (most projections of a
  // whole database), else a hash map.
  void set_index();
  static constexpr Vertex kNone = ~Vertex{0};
  std::vector<Vertex> dense_;
  std::unordered_map<NodeId, Vertex> sparse_;
};

}  // namespace entente
