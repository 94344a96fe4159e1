// Adjacency cursors: the arcs at a node and the heads of nodes, as traversals read them.
// A snapshot's come from its in-memory topology (graph/topology.h); a transaction's (which
// must see its own writes), or any reader's when Options::topology is off, from the
// adjacency index through one storage cursor, reused with a prefix seek per node. Either way
// an arc is a graph::Arc and a head a graph::NodeInfo, and no record is decoded: Reader's
// adjacent() and neighbors(), the projection, the algorithms and the query executor's
// expansions all traverse through it.
//
//   graph::Adjacency adj(reader);
//   adj.arcs(id, graph::Arc::kIn | tag, [&](const graph::Arc& a) { ...; return true; });
//
// Not thread-safe: one per thread (it is cheap to make). A traversal may nest: arcs() called
// from inside another arcs()'s callback reads through a cursor of its own.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "entente/database.h"
#include "graph/runs.h"
#include "graph/topology.h"
#include "storage/keys.h"
#include "storage/store.h"

namespace entente::graph {

class Adjacency {
 public:
  // `build`: build the reader's topology now when it has none yet (Reader::load_topology),
  // for a traversal that walks far; else use it only when it is built.
  explicit Adjacency(const Reader& reader, bool build = false);

  // Calls f(const Arc&) for each arc at node `id` whose type key (Arc::type: the direction
  // bit and the edge tag) is `type`, in the adjacency index's order, until f returns false.
  // Returns false when f did.
  template <class F>
  bool arcs(NodeId id, std::uint16_t type, F&& f);
  // The same for every arc at the node: outgoing first.
  template <class F>
  bool arcs(NodeId id, F&& f);

  // The head of node `id`; nullopt when there is no such node.
  std::optional<NodeInfo> node(NodeId id);
  // Whether node `id` holds on `day` (a Date's first_day()): its validity less its gaps.
  // nullopt when there is no such node.
  std::optional<bool> holds(NodeId id, std::uint32_t day);
  // Asks for node `id`'s head to be brought into the cache, for a holds() soon after.
  void prefetch(NodeId id) const {
    if (topo_) topo_->prefetch(id);
  }
  // The gaps of node `id` (Node::gaps), as days; empty for most nodes.
  std::vector<DaySpan> gaps(NodeId id);

  const catalog::Catalog& catalog() const { return catalog_; }
  // Whether it reads the in-memory topology.
  bool in_memory() const { return topo_ != nullptr; }

 private:
  // The index's arcs under `prefix` (a node, a direction, an edge tag): formats 1 to 4.
  template <class F>
  bool scan(const std::string& prefix, F&& f);
  // The arcs of node `id` (of type *type, when given) from its runs: format 5. The runs
  // are read and merged before f is called, so f may nest.
  template <class F>
  bool runs(NodeId id, const std::uint16_t* type, F&& f);
  Arc arc_at(const storage::Cursor& cursor);  // the arc of the cursor's entry
  std::optional<std::string> record(NodeId id) const;  // node `id`'s record, as the reader sees it

  const catalog::Catalog& catalog_;
  const Topology* topo_ = nullptr;
  const storage::View* view_ = nullptr;
  std::uint32_t format_ = 0;
  const PendingRuns* pending_ = nullptr;  // a transaction's ops not yet in its batch
  std::optional<std::uint64_t> as_of_;    // a snapshot as of a commit: its runs and versions
  std::deque<storage::Cursor> cursors_;  // one per level of nesting
  std::size_t depth_ = 0;
};

template <class F>
bool Adjacency::arcs(NodeId id, std::uint16_t type, F&& f) {
  if (topo_) return topo_->arcs(id, type, f);
  if (format_ >= 5) return runs(id, &type, f);
  return scan(keys::adj_prefix(id, type & Arc::kIn ? keys::kIn : keys::kOut, type & ~Arc::kIn), f);
}

template <class F>
bool Adjacency::arcs(NodeId id, F&& f) {
  if (topo_) return topo_->arcs(id, f);
  if (format_ >= 5) return runs(id, nullptr, f);
  return scan(keys::adj_prefix(id), f);
}

template <class F>
bool Adjacency::runs(NodeId id, const std::uint16_t* type, F&& f) {
  if (cursors_.empty()) cursors_.push_back(view_->cursor(storage::Cf::kAdj));
  const keys::NodeRuns merged =
      read_runs(*view_, id, pending_, &cursors_.front(), as_of_ ? *as_of_ + 1 : ~std::uint64_t{0});
  for (const auto& r : merged.arcs) {
    const Arc a = to_arc(id, r);
    if (type && a.type != *type) continue;
    if (!f(a)) return false;
  }
  return true;
}

template <class F>
bool Adjacency::scan(const std::string& prefix, F&& f) {
  if (depth_ == cursors_.size()) cursors_.push_back(view_->cursor(storage::Cf::kAdj));
  storage::Cursor& cursor = cursors_[depth_];
  struct Level {
    std::size_t& depth;
    ~Level() { --depth; }
  } level{++depth_};
  for (cursor.seek(prefix); cursor.valid(); cursor.next()) {
    auto k = cursor.key();
    if (k.size() < prefix.size() || k.compare(0, prefix.size(), prefix) != 0) break;
    if (!f(arc_at(cursor))) return false;
  }
  return true;
}

}  // namespace entente::graph
