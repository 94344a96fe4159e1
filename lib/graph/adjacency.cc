#include "graph/adjacency.h"

#include "graph/history.h"

#include "common/error.h"
#include "graph/records.h"
#include "graph/state.h"

namespace entente::graph {

Adjacency::Adjacency(const Reader& reader, bool build)
    : catalog_(*graph::Internals::context(reader).catalog),
      topo_(detail::topology_of(graph::Internals::context(reader), build)),
      view_(graph::Internals::context(reader).view.get()),
      format_(graph::Internals::context(reader).db->format),
      as_of_(graph::Internals::context(reader).as_of) {
  if (const auto* w = graph::Internals::context(reader).write) pending_ = &w->pending;
}

std::optional<std::string> Adjacency::record(NodeId id) const {
  if (as_of_) return record_as_of(*view_, keys::kNodeVersion, id, *as_of_);
  return view_->get(storage::Cf::kNodes, keys::id(id));
}

Arc Adjacency::arc_at(const storage::Cursor& cursor) {
  auto a = keys::decode_adj(cursor.key());
  if (format_ < 2) {
    // A format-1 key does not hold the other end's type: its record does.
    auto bytes = view_->get(storage::Cf::kNodes, keys::id(a.other));
    if (!bytes) throw corruption("adjacency entry of node {} names node {}, which does not exist", a.node, a.other);
    a.other_tag = node_tag(a.other, *bytes);
  }
  return make_arc(a, cursor.value());
}

std::optional<NodeInfo> Adjacency::node(NodeId id) {
  if (topo_) {
    const NodeInfo* info = topo_->node(id);
    if (!info) return std::nullopt;
    return *info;
  }
  auto bytes = record(id);
  if (!bytes) return std::nullopt;
  auto head = node_head(id, *bytes);
  return make_node_info(catalog_.by_tag(head.tag), head.valid, !head.gaps.empty());
}

std::optional<bool> Adjacency::holds(NodeId id, std::uint32_t day) {
  if (topo_) {
    const NodeInfo* info = topo_->node(id);
    if (!info) return std::nullopt;
    return info->holds(day) && (!info->has_gaps() || !in_gap(topo_->gaps(id), day));
  }
  // From the store: the record's head read once, for validity and gaps alike.
  auto bytes = record(id);
  if (!bytes) return std::nullopt;
  auto head = node_head(id, *bytes);
  return make_node_info(catalog_.by_tag(head.tag), head.valid).holds(day) && !in_gap(day_spans(head.gaps), day);
}

std::vector<DaySpan> Adjacency::gaps(NodeId id) {
  if (topo_) {
    auto g = topo_->gaps(id);
    return {g.begin(), g.end()};
  }
  auto bytes = record(id);
  if (!bytes) return {};
  return day_spans(node_head(id, *bytes).gaps);
}

}  // namespace entente::graph
