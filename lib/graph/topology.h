// The in-memory temporal topology: the whole graph's adjacency as compressed sparse rows,
// each arc carrying the edge's type, the type of the node at its other end and the edge's
// validity, and each node its type and validity. Traversals (adjacent(), BFS, shortest
// paths, projections, the query executor's variable-length expansion) read it instead of
// seeking RocksDB entry by entry.
//
// One Topology object is one immutable version, as of one commit. It is built by one
// sequential pass over the adjacency family, whose runs hold each node's head and arcs
// (format 5; an older database opened read-only: its per-arc entries, and the node family
// for the heads), split into ranges read by the threads. It is shared by every snapshot of
// that commit and carried forward by commits: apply() makes the next version from a
// transaction's changes (a TopologyDelta) as an overlay on the same base, without copying
// it; when the overlay grows past an eighth of the base, the two are merged into a new
// base. See docs/architecture.md, "Topology".
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "catalog/catalog.h"
#include "common/huge_pages.h"
#include "entente/arc.h"
#include "entente/record.h"
#include "storage/keys.h"
#include "storage/store.h"

namespace entente::graph {

// One direction of an edge at a node: 20 bytes (entente/arc.h, public for GraphView). Node
// and edge ids are held in 32 bits: a graph with larger ids is read from the store instead
// (Topology::build returns null).
using Arc = TopologyArc;

// Days [from, to) of a node's gap (Node::gaps), as first days: both bounded.
struct DaySpan {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  bool operator==(const DaySpan&) const = default;
};
std::vector<DaySpan> day_spans(const std::vector<Interval>& gaps);
// Whether `day` falls in one of the (ordered) gaps.
bool in_gap(std::span<const DaySpan> gaps, std::uint32_t day);

// What the topology knows of a node: 10 bytes (packed). A node with gaps has kHasGaps set,
// and its gaps are kept beside (Topology::gaps, Adjacency::holds): holds() reads the hull.
#pragma pack(push, 1)
struct NodeInfo {
  std::uint32_t from = 0;  // first day valid; 0: since always
  std::uint32_t to = 0;    // first day no longer valid; 0: open
  std::uint16_t bits = 0;  // type tag | flags (the top four bits)

  static constexpr std::uint16_t kExists = 0x8000;
  static constexpr std::uint16_t kHasValid = 0x4000;
  static constexpr std::uint16_t kNeedsValid = 0x2000;  // no validity: holds at no date
  static constexpr std::uint16_t kHasGaps = 0x1000;     // holds not on every day of [from, to)
  static constexpr std::uint16_t kTagMask = 0x0fff;
  bool exists() const { return bits & kExists; }
  bool has_gaps() const { return bits & kHasGaps; }
  std::uint16_t tag() const { return bits & kTagMask; }
  // Whether the hull holds `day` (a node with gaps may still not: Adjacency::holds).
  bool holds(std::uint32_t day) const {
    if (!(bits & kHasValid)) return !(bits & kNeedsValid);
    return (from == 0 || day >= from) && (to == 0 || day < to);
  }
  // Whether it holds on any day at all.
  bool holds_ever() const {
    if (!(bits & kHasValid)) return !(bits & kNeedsValid);
    return to == 0 || from < to;
  }
};
#pragma pack(pop)
static_assert(sizeof(NodeInfo) == 10);

// What a transaction changed, in order, for apply(): arcs put (added or replaced) and
// deleted, and node heads written or removed. Savepoints truncate it.
struct TopologyDelta {
  struct ArcOp {
    NodeId node;
    Arc arc;
    bool put;  // false: delete the arc with arc.id()
  };
  struct NodeOp {
    NodeId node;
    std::optional<NodeInfo> info;  // nullopt: removed
    std::vector<DaySpan> gaps{};   // when info has kHasGaps
  };
  std::vector<ArcOp> arcs;
  std::vector<NodeOp> nodes;
  bool empty() const { return arcs.empty() && nodes.empty(); }
};

// The arc and node head of records, as the topology keeps them.
Arc make_arc(const keys::Adj& key, std::string_view value);
NodeInfo make_node_info(const catalog::TypeDef& type, const std::optional<Interval>& valid, bool has_gaps = false);

// A node's arcs in the base: views of the two arrays (ArcTail, entente/arc.h).
struct BaseArcs {
  const std::uint32_t* others = nullptr;
  const ArcTail* tails = nullptr;
  std::size_t n = 0;
  std::size_t size() const { return n; }
  bool empty() const { return n == 0; }
  Arc operator[](std::size_t i) const { return tails[i].with(others[i]); }
  BaseArcs sub(std::size_t first, std::size_t last) const { return {others + first, tails + first, last - first}; }
};

class Topology {
 public:
  struct Memory {
    std::uint64_t arcs = 0;          // edge directions
    std::uint64_t nodes = 0;         // node ids covered
    std::uint64_t overlay_arcs = 0;  // entries of the overlay (arcs added, base arcs hidden)
    std::uint64_t bytes = 0;       // everything the version holds (base and overlay)
  };

  // Builds the topology of a view (a snapshot). Returns null when the graph cannot be held
  // (a node or edge id or an arc count past 2^32, a type tag past 2^12), in which case
  // readers use the store.
  // `format`: the database's (format 5 reads the runs of the adjacency family alone; the
  // older ones its entries and the node records' heads).
  // `before_commit`: only the runs of earlier commits (a snapshot as of a commit, format 6).
  static std::shared_ptr<const Topology> build(const storage::View& view, const catalog::Catalog& catalog,
                                               std::uint64_t next_node_id, std::uint32_t format,
                                               std::uint64_t before_commit = ~std::uint64_t{0});
  // The next version: this one with a committed transaction's changes. Null when the
  // changes cannot be held (as for build()).
  std::shared_ptr<const Topology> apply(const TopologyDelta& delta) const;

  // The head of node `id`; null when the topology has no such node.
  const NodeInfo* node(NodeId id) const;
  // Asks for the base's head of node `id` to be brought into the cache (a hint).
  void prefetch(NodeId id) const;
  // The gaps of node `id` (empty unless its head has kHasGaps).
  std::span<const DaySpan> gaps(NodeId id) const;

  // Calls f(const Arc&) for each arc at node `id` whose type key (Arc::type: direction and
  // edge tag) is `type`, in the adjacency index's order, until f returns false. Returns
  // false when f did.
  template <class F>
  bool arcs(NodeId id, std::uint16_t type, F&& f) const;
  // The same over every arc of the node.
  template <class F>
  bool arcs(NodeId id, F&& f) const;

  Memory memory() const;
  // `t` with its overlay merged into a new base (`t` itself when it has none): a version
  // whose arcs lie in the base's arrays alone, for readers that walk them directly
  // (GraphView). Null when the merged graph cannot be held.
  static std::shared_ptr<const Topology> flat(std::shared_ptr<const Topology> t);
  struct Base;
  // The base version's arrays (the whole graph when the version is flat()).
  const Base& base() const { return *base_; }
  // The fewest overlay entries that lead to a merge (default 65536; 0 restores it), for tests.
  static void set_merge_floor(std::uint64_t floor);
  // An upper bound on the arcs (the base's and the overlay's entries), for reserving.
  std::uint64_t arc_count() const;
  // How build() splits its work, for tests: `chunks` ranges of node ids (0: chosen from the
  // graph's size), each writing up to `capacity` arcs in place in the base's arrays before
  // the rest goes to arrays of its own (0: room from the stored edge counts).
  struct BuildShape {
    std::uint64_t chunks = 0;
    std::uint64_t capacity = 0;
  };
  static void set_build_shape(BuildShape shape);

  struct NodeDelta;
  struct Overlay;

 private:
  std::shared_ptr<const Topology> merge() const;
  BaseArcs base_arcs(NodeId id) const;
  const NodeDelta* delta(NodeId id) const;
  template <class F>
  static bool merged(BaseArcs base, const NodeDelta* d, F&& f);

  std::shared_ptr<const Base> base_;
  std::shared_ptr<const Overlay> overlay_;  // null: none
};

// ---- implementation of the templates

struct Topology::Base {
  // The arrays lie on huge pages (common/huge_pages.h): reads land at random in them.
  memory::HugeVector<std::uint32_t> offsets;  // node id -> first arc; offsets[id + 1] ends it
  // The arcs, as a structure of arrays: other ends, and the rest (ArcTail). The build
  // sizes them to a reservation and writes them in place (topology.cc).
  memory::UnwrittenHugeVector<std::uint32_t> others;
  memory::UnwrittenHugeVector<ArcTail> tails;
  std::size_t arc_total() const { return others.size(); }
  void reserve(std::size_t n) {
    others.reserve(n);
    tails.reserve(n);
  }
  void push(const Arc& a) {
    others.push_back(a.other);
    tails.push_back(ArcTail::of(a));
  }
  memory::HugeVector<NodeInfo> nodes;  // by node id
  std::unordered_map<NodeId, std::vector<DaySpan>> gaps;  // the nodes with kHasGaps
  std::uint64_t next_edge = 0;  // past every edge id of the base
};

struct Topology::NodeDelta {
  std::vector<Arc> added;             // sorted by arc_less
  std::vector<std::uint64_t> hidden;  // sorted Arc::id() of base arcs no longer there
  std::optional<NodeInfo> info;       // a new head (or a node the base does not have)
  std::vector<DaySpan> gaps;          // with info: its gaps
};

// The adjacency index's order: direction, edge type, other type, valid-from, other node, edge.
inline bool arc_less(const Arc& a, const Arc& b) {
  if (a.type != b.type) return (a.type & Arc::kIn) != (b.type & Arc::kIn) ? !(a.type & Arc::kIn) : a.type < b.type;
  if (a.other_type != b.other_type) return a.other_type < b.other_type;
  if (a.from != b.from) return a.from < b.from;
  if (a.other != b.other) return a.other < b.other;
  return a.edge < b.edge;
}

struct Topology::Overlay {
  static constexpr std::size_t kBuckets = 1024;
  using Bucket = std::unordered_map<NodeId, std::shared_ptr<const NodeDelta>>;
  std::array<std::shared_ptr<const Bucket>, kBuckets> buckets{};
  std::uint64_t arcs = 0;   // added arcs and hidden ids, over every node
  std::uint64_t nodes = 0;  // nodes with a delta
};

inline BaseArcs Topology::base_arcs(NodeId id) const {
  if (id + 1 >= base_->offsets.size()) return {};
  const std::uint32_t first = base_->offsets[id];
  return {base_->others.data() + first, base_->tails.data() + first, base_->offsets[id + 1] - first};
}

inline void Topology::prefetch(NodeId id) const {
  if (id < base_->nodes.size()) __builtin_prefetch(base_->nodes.data() + id);
}

inline const Topology::NodeDelta* Topology::delta(NodeId id) const {
  if (!overlay_) return nullptr;
  const auto& bucket = overlay_->buckets[id % Overlay::kBuckets];
  if (!bucket) return nullptr;
  auto it = bucket->find(id);
  return it == bucket->end() ? nullptr : it->second.get();
}

template <class F>
bool Topology::merged(BaseArcs base, const NodeDelta* d, F&& f) {
  if (!d) {
    for (std::size_t i = 0; i < base.size(); ++i) {
      if (!f(base[i])) return false;
    }
    return true;
  }
  auto hidden = [&](const Arc& a) { return std::binary_search(d->hidden.begin(), d->hidden.end(), a.id()); };
  auto add = d->added.begin();
  for (std::size_t i = 0; i < base.size(); ++i) {
    const Arc a = base[i];
    for (; add != d->added.end() && arc_less(*add, a); ++add) {
      if (!f(*add)) return false;
    }
    if (!d->hidden.empty() && hidden(a)) continue;
    if (!f(a)) return false;
  }
  for (; add != d->added.end(); ++add) {
    if (!f(*add)) return false;
  }
  return true;
}

template <class F>
bool Topology::arcs(NodeId id, F&& f) const {
  return merged(base_arcs(id), delta(id), f);
}

template <class F>
bool Topology::arcs(NodeId id, std::uint16_t type, F&& f) const {
  auto by_type = [](BaseArcs all, std::uint16_t t) {
    // The adjacency order of types: outgoing before incoming, then by tag.
    auto less = [](std::uint16_t a, std::uint16_t b) { return (a & Arc::kIn) != (b & Arc::kIn) ? !(a & Arc::kIn) : a < b; };
    auto lo = std::partition_point(all.tails, all.tails + all.n, [&](const ArcTail& a) { return less(a.type, t); });
    auto hi = lo;
    while (hi != all.tails + all.n && hi->type == t) ++hi;
    return all.sub(static_cast<std::size_t>(lo - all.tails), static_cast<std::size_t>(hi - all.tails));
  };
  const NodeDelta* d = delta(id);
  BaseArcs base = base_arcs(id);
  if (base.size() > 16) base = by_type(base, type);
  auto only = [&](const Arc& a) { return a.type != type || f(a); };
  return merged(base, d, only);
}

}  // namespace entente::graph
