// TopologyArc: one direction of a stored edge, as the in-memory topology holds it and as
// GraphView (entente/graph_view.h) hands it to Boost.Graph algorithms; and ArcTail, the
// part of it stored apart from the other end.
#pragma once

#include <cstdint>

namespace entente {

// One direction of a stored edge at a node, as the in-memory topology holds it: 20 bytes.
// A node's arcs are ordered as the adjacency index orders them: outgoing first, then by
// edge type, the other node's type, valid-from, the other node and the edge.
struct TopologyArc {
  std::uint32_t edge = 0;
  std::uint32_t other = 0;       // the node at the other end
  std::uint32_t from = 0;        // first day valid (Date::first_day()); 0: since always
  std::uint32_t to = 0;          // first day no longer valid; 0: open
  std::uint16_t type = 0;        // kIn bit | edge type tag
  std::uint16_t other_type = 0;  // the other node's type tag

  static constexpr std::uint16_t kIn = 0x8000;
  // Whether the arc runs the stored edge's way (from this node to `other`).
  bool out() const { return (type & kIn) == 0; }
  std::uint16_t tag() const { return type & ~kIn; }
  // Whether the edge holds on `day` (a Date's first_day()).
  bool holds(std::uint32_t day) const { return (from == 0 || day >= from) && (to == 0 || day < to); }
  // The key identifying the arc among a node's arcs: edge id and direction.
  std::uint64_t id() const { return std::uint64_t{edge} << 1 | (out() ? 0 : 1); }
};
static_assert(sizeof(TopologyArc) == 20);

// The topology stores its arcs as a structure of arrays: each arc's other end in one array
// (4 bytes an arc: what a walk that only follows arcs reads, as a plain compressed-sparse-
// row graph does) and the rest of it, its tail, in another (16 bytes).
struct ArcTail {
  std::uint32_t edge = 0;
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::uint16_t type = 0;
  std::uint16_t other_type = 0;

  bool out() const { return (type & TopologyArc::kIn) == 0; }
  std::uint16_t tag() const { return type & ~TopologyArc::kIn; }
  bool holds(std::uint32_t day) const { return (from == 0 || day >= from) && (to == 0 || day < to); }
  static ArcTail of(const TopologyArc& a) { return {a.edge, a.from, a.to, a.type, a.other_type}; }
  TopologyArc with(std::uint32_t other) const { return {edge, other, from, to, type, other_type}; }
};
static_assert(sizeof(ArcTail) == 16);

}  // namespace entente
