// A Boost.Graph view of the stored graph, read in place from the snapshot's in-memory
// topology (Options::topology): no edge is copied. The filters of a ProjectionSpec (node
// and edge types, one date, the direction) are applied as the algorithm walks; stock BGL
// algorithms that need an incidence graph and a vertex list run on it unchanged:
//
//   auto snap = db->snapshot();
//   auto g = entente::GraphView::of(*snap, {.node_types = {"State", "Treaty"},
//                                           .edge_types = {"PARTY_TO"},
//                                           .at = entente::Date::parse("2024-12-31")});
//   std::vector<std::uint32_t> component(boost::num_vertices(g));
//   auto count = boost::connected_components(g, component.data());  // over g's vertices
//
// A vertex is a node id (vertex_descriptor is its 32-bit value): vertex-indexed property
// maps are sized by num_vertices(g), which is past the highest node id, while vertices(g)
// lists only the nodes that pass the filters. This is how boost::filtered_graph behaves.
//
// Projection (entente/projection.h) is the other way: a compacted copy with vertices
// 0..size()-1, for derived networks and for a graph kept beyond its snapshot. A view holds
// the topology it reads, so it stays valid after the snapshot is gone; it sees the
// database as of its snapshot, whatever is committed later.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/graph/graph_traits.hpp>
#include <boost/graph/properties.hpp>
#include <boost/iterator/iterator_facade.hpp>
#include <boost/property_map/property_map.hpp>

#include "entente/arc.h"
#include "entente/database.h"
#include "entente/projection.h"

namespace entente {

class GraphView {
 public:
  using Vertex = std::uint32_t;  // a node id
  // An arc of the view, walked from `source`: the topology's arc number `index`.
  struct Edge {
    Vertex source = 0;
    std::uint32_t index = 0;
    bool operator==(const Edge& o) const { return index == o.index && source == o.source; }
    bool operator!=(const Edge& o) const { return !(*this == o); }
  };

  // The view of `reader`'s graph through `spec`: its node and edge types, date and
  // direction (`symmetric`: each edge is walked both ways; otherwise only as stored).
  // `spec.node_filter` is called once for each node of the chosen types here, and
  // `spec.edge_filter` once for each edge, both with the record read: the view then keeps
  // one bit per node and per edge id. Builds the snapshot's topology when it has none yet;
  // a reader that keeps none (a transaction, Options::topology off) gets a topology of its
  // own, built now from its view. Throws Error(kInvalid) for an unknown type, and for a
  // graph whose node or edge ids do not fit in 32 bits.
  static GraphView of(const Reader& reader, const ProjectionSpec& spec = {});

  // Past the highest node id: the size of a vertex-indexed property map.
  std::size_t id_bound() const { return n_; }
  // Whether node `v` is a vertex of the view (exists and passes the node filters).
  bool contains(Vertex v) const { return bit(nodes_, v); }
  // The number of vertices (counted when the view is made) and of arcs (counted now, by
  // walking every vertex's arcs).
  std::size_t vertex_count() const { return vertex_count_; }
  std::size_t arc_count() const;

  // Arcs at `v` that pass the filters: [first, last).
  class ArcIterator : public boost::iterator_facade<ArcIterator, Edge, boost::forward_traversal_tag, Edge> {
   public:
    ArcIterator() = default;
    ArcIterator(const GraphView* g, Vertex v, std::uint32_t at, std::uint32_t end)
        : g_(g), v_(v), at_(at), end_(end), filtered_(g->filtered_) {
      skip();
    }

   private:
    friend class boost::iterator_core_access;
    void skip() {
      if (!filtered_) return;
      while (at_ != end_ && !g_->passes(at_)) ++at_;
    }
    void increment() {
      ++at_;
      skip();
    }
    bool equal(const ArcIterator& o) const { return at_ == o.at_; }
    Edge dereference() const { return {v_, at_}; }
    const GraphView* g_ = nullptr;
    Vertex v_ = 0;
    std::uint32_t at_ = 0;
    std::uint32_t end_ = 0;
    bool filtered_ = false;  // the view's, kept here: read on every step
  };
  std::pair<ArcIterator, ArcIterator> arcs(Vertex v) const {
    // A node that is no vertex has no arcs in the view; unfiltered, that is a node that
    // does not exist, whose arcs are none.
    if (v >= n_ || (filtered_ && !contains(v))) return {};
    const std::uint32_t first = offsets_[v];
    std::uint32_t last = offsets_[v + 1];
    if (!symmetric_) last = out_end(first, last);
    return {ArcIterator(this, v, first, last), ArcIterator(this, v, last, last)};
  }

  // The vertices, in node id order: the bits set in the view's vertex bits, a word at a time.
  class VertexIterator
      : public boost::iterator_facade<VertexIterator, Vertex, boost::forward_traversal_tag, Vertex> {
   public:
    VertexIterator() = default;
    // The first vertex (begin), or the end.
    VertexIterator(const GraphView* g, bool begin) : bits_(g->nodes_.data()), words_(g->nodes_.size()), v_(g->n_), end_(g->n_) {
      if (begin && words_ > 0) {
        rest_ = bits_[0];
        settle();
      }
    }

   private:
    friend class boost::iterator_core_access;
    void settle() {
      while (rest_ == 0 && ++word_ < words_) rest_ = bits_[word_];
      v_ = rest_ == 0 ? end_ : static_cast<Vertex>(word_ * 64 + static_cast<std::size_t>(std::countr_zero(rest_)));
    }
    void increment() {
      rest_ &= rest_ - 1;
      settle();
    }
    bool equal(const VertexIterator& o) const { return v_ == o.v_; }
    Vertex dereference() const { return v_; }
    const std::uint64_t* bits_ = nullptr;
    std::size_t words_ = 0;
    std::size_t word_ = 0;
    std::uint64_t rest_ = 0;  // the bits of word_ not yet visited
    Vertex v_ = 0;
    Vertex end_ = 0;
  };
  std::pair<VertexIterator, VertexIterator> vertex_range() const {
    return {VertexIterator(this, true), VertexIterator(this, false)};
  }

  // The arc's node at its far end.
  Vertex target_of(const Edge& e) const { return others_[e.index]; }
  // What an arc stands for: the whole arc (its edge, type, validity), the edge's id.
  TopologyArc arc(const Edge& e) const { return tails_[e.index].with(others_[e.index]); }
  EdgeId edge_id(const Edge& e) const { return tails_[e.index].edge; }
  // Whether the walk runs against the stored edge's direction (its `to` to its `from`).
  bool reversed(const Edge& e) const { return !tails_[e.index].out(); }
  // The edge's type name ("PARTY_TO").
  const std::string& edge_type(const Edge& e) const { return names_->at(tails_[e.index].tag()); }
  // A node's type name, or "" for a node the view does not hold.
  const std::string& node_type(Vertex v) const;

  // Whether arc number `i` passes the filters: its edge type, its date, its edge and its
  // other end.
  bool passes(std::uint32_t i) const {
    const ArcTail& a = tails_[i];
    if (any_tag_ && !((tags_[a.tag() >> 6] >> (a.tag() & 63)) & 1)) return false;
    if (day_ != 0 && !a.holds(day_)) return false;
    if (!edges_.empty() && !bit(edges_, a.edge)) return false;
    if (check_ends_ && !bit(nodes_, others_[i])) return false;
    return true;
  }

 private:
  static bool bit(const std::vector<std::uint64_t>& bits, std::uint32_t i) {
    return i / 64 < bits.size() && ((bits[i / 64] >> (i % 64)) & 1);
  }
  // Past the last outgoing arc of [first, last) (outgoing arcs come first).
  std::uint32_t out_end(std::uint32_t first, std::uint32_t last) const;

  std::shared_ptr<const void> keep_;  // the topology read
  const std::uint32_t* offsets_ = nullptr;  // by node id: its first arc; offsets_[v + 1] ends it
  const std::uint32_t* others_ = nullptr;   // by arc: its other end
  const ArcTail* tails_ = nullptr;          // by arc: the rest
  std::uint32_t n_ = 0;
  std::uint32_t day_ = 0;  // 0: no date
  bool symmetric_ = true;
  bool any_tag_ = false;                  // edge types chosen: tags_ says which
  std::array<std::uint64_t, 64> tags_{};  // 4096 bits, by edge type tag
  bool check_ends_ = false;               // whether an arc's other end may fail the node filters
  bool filtered_ = false;                 // whether any arc may fail the filters
  std::vector<std::uint64_t> nodes_;      // by node id: a vertex of the view
  std::vector<std::uint64_t> edges_;      // by edge id: passes (empty: no edge filter)
  std::size_t vertex_count_ = 0;
  std::shared_ptr<const std::vector<std::string>> names_;  // type names by tag
};

// Boost.Graph's free functions, found by argument-dependent lookup: call them unqualified,
// as Boost.Graph's algorithms do (`num_vertices(g)`; `boost::num_vertices(g)` does not
// find them).
inline std::pair<GraphView::ArcIterator, GraphView::ArcIterator> out_edges(GraphView::Vertex v, const GraphView& g) {
  return g.arcs(v);
}
inline GraphView::Vertex source(const GraphView::Edge& e, const GraphView&) { return e.source; }
inline GraphView::Vertex target(const GraphView::Edge& e, const GraphView& g) { return g.target_of(e); }
inline std::size_t out_degree(GraphView::Vertex v, const GraphView& g) {
  auto [first, last] = g.arcs(v);
  return static_cast<std::size_t>(std::distance(first, last));
}
inline std::pair<GraphView::VertexIterator, GraphView::VertexIterator> vertices(const GraphView& g) {
  return g.vertex_range();
}
inline std::size_t num_vertices(const GraphView& g) { return g.id_bound(); }

}  // namespace entente

namespace boost {

template <>
struct graph_traits<entente::GraphView> {
  using vertex_descriptor = entente::GraphView::Vertex;
  using edge_descriptor = entente::GraphView::Edge;
  using directed_category = directed_tag;
  using edge_parallel_category = allow_parallel_edge_tag;
  struct traversal_category : incidence_graph_tag, vertex_list_graph_tag {};
  using out_edge_iterator = entente::GraphView::ArcIterator;
  using vertex_iterator = entente::GraphView::VertexIterator;
  using degree_size_type = std::size_t;
  using vertices_size_type = std::size_t;
  using edges_size_type = std::size_t;
  static vertex_descriptor null_vertex() { return ~vertex_descriptor{0}; }
};

// The vertex index is the node id itself.
template <>
struct property_map<entente::GraphView, vertex_index_t> {
  using type = typed_identity_property_map<entente::GraphView::Vertex>;
  using const_type = type;
};
inline typed_identity_property_map<entente::GraphView::Vertex> get(vertex_index_t, const entente::GraphView&) {
  return {};
}

}  // namespace boost
