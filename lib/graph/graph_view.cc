// GraphView: Boost.Graph's incidence and vertex-list concepts over the in-memory
// topology's arrays (graph/topology.h), with a ProjectionSpec's filters applied per arc.
// Nothing is copied but one bit a node (the vertices) and, with an edge filter, one bit an
// edge id.
#include "entente/graph_view.h"

#include <algorithm>
#include <bit>

#include "common/error.h"
#include "graph/spec_types.h"
#include "graph/state.h"
#include "graph/topology.h"

namespace entente {

namespace {

void set_bit(std::vector<std::uint64_t>& bits, std::uint64_t i) {
  if (i / 64 >= bits.size()) bits.resize(i / 64 + 1, 0);  // an id past the counter a transaction has not stored yet
  bits[i / 64] |= std::uint64_t{1} << (i % 64);
}

const graph::Topology& topology_of_view(const std::shared_ptr<const void>& keep) {
  return *static_cast<const graph::Topology*>(keep.get());
}

}  // namespace

GraphView GraphView::of(const Reader& reader, const ProjectionSpec& spec) {
  const auto& ctx = graph::Internals::context(reader);
  const auto& catalog = *ctx.catalog;

  // The chosen types: node types as a table by tag, edge types as the view's mask.
  const auto types = graph::spec_types(catalog, spec);
  std::vector<bool> node_tag_ok;
  for (const auto* t : types.nodes) {
    if (t->tag >= node_tag_ok.size()) node_tag_ok.resize(t->tag + 1, false);
    node_tag_ok[t->tag] = true;
  }
  GraphView g;
  for (std::uint32_t tag : types.edge_tags) {
    if (tag > graph::NodeInfo::kTagMask) throw invalid("edge type tag {} is past what the topology holds", tag);
    g.any_tag_ = true;
    g.tags_[tag >> 6] |= std::uint64_t{1} << (tag & 63);
  }
  auto names = std::make_shared<std::vector<std::string>>();
  for (const auto& t : catalog.types()) {
    if (t.tag >= names->size()) names->resize(t.tag + 1);
    (*names)[t.tag] = t.name;
  }
  g.names_ = std::move(names);

  auto topo = detail::flat_topology(ctx);
  const auto& base = topo->base();
  g.keep_ = topo;
  g.offsets_ = base.offsets.data();
  g.others_ = base.others.data();
  g.tails_ = base.tails.data();
  g.n_ = static_cast<std::uint32_t>(base.nodes.size());
  g.symmetric_ = spec.symmetric;
  g.day_ = spec.at ? spec.at->first_day() : 0;

  // The vertices: the nodes that exist and pass the type, date and filter.
  g.nodes_.assign((static_cast<std::size_t>(g.n_) + 63) / 64, 0);
  for (std::uint32_t id = 0; id < g.n_; ++id) {
    const graph::NodeInfo& info = base.nodes[id];
    if (!info.exists()) continue;
    if (!node_tag_ok.empty() && (info.tag() >= node_tag_ok.size() || !node_tag_ok[info.tag()])) continue;
    if (g.day_ != 0) {
      if (!info.holds(g.day_)) continue;
      if (info.has_gaps()) {
        auto it = base.gaps.find(id);
        if (it != base.gaps.end() && graph::in_gap(it->second, g.day_)) continue;
      }
    }
    if (spec.node_filter) {
      auto n = reader.node(id);
      if (!n || !spec.node_filter(*n)) continue;
    }
    set_bit(g.nodes_, id);
    ++g.vertex_count_;
  }
  g.check_ends_ = !node_tag_ok.empty() || g.day_ != 0 || spec.node_filter;

  // The edges an edge filter lets through, each asked once (at its outgoing arc).
  if (spec.edge_filter) {
    g.edges_.assign((base.next_edge + 63) / 64 + 1, 0);
    for (std::uint32_t id = 0; id < g.n_; ++id) {
      for (std::uint32_t i = base.offsets[id]; i < base.offsets[id + 1]; ++i) {
        const ArcTail& a = base.tails[i];
        if (!a.out()) break;  // the outgoing arcs come first
        if (g.any_tag_ && !((g.tags_[a.tag() >> 6] >> (a.tag() & 63)) & 1)) continue;
        auto e = reader.edge(a.edge);
        if (e && spec.edge_filter(*e)) set_bit(g.edges_, a.edge);
      }
    }
  }
  g.filtered_ = g.any_tag_ || g.day_ != 0 || g.check_ends_ || !g.edges_.empty();
  return g;
}

std::uint32_t GraphView::out_end(std::uint32_t first, std::uint32_t last) const {
  auto end = std::partition_point(tails_ + first, tails_ + last, [](const ArcTail& a) { return a.out(); });
  return static_cast<std::uint32_t>(end - tails_);
}

std::size_t GraphView::arc_count() const {
  std::size_t n = 0;
  for (auto [v, end] = vertex_range(); v != end; ++v) {
    auto [a, b] = arcs(*v);
    n += static_cast<std::size_t>(std::distance(a, b));
  }
  return n;
}

const std::string& GraphView::node_type(Vertex v) const {
  static const std::string none;
  if (!contains(v)) return none;
  return names_->at(topology_of_view(keep_).base().nodes[v].tag());
}

}  // namespace entente
