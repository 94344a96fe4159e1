// The adjacency family of format 5 as the graph layer writes and reads it: a node's arcs
// and head in runs, one a node a commit (storage/adj_run.h, docs/format.md "Format 5").
//
// A transaction keeps the ops of its commit in memory (PendingRuns), by node, and writes
// them as runs into its batch when they pass their budget (with no savepoint open: a
// rollback to a savepoint truncates them) and at commit. Its reads merge the stored runs
// (the database's and those it wrote already) with the ops still in memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/huge_pages.h"
#include "entente/record.h"
#include "graph/topology.h"
#include "storage/adj_run.h"
#include "storage/store.h"

namespace entente::graph {

// The ops of an edge's arcs and of a node's head, from records.
keys::RunArc run_arc(std::uint8_t dir, std::uint32_t tag, std::uint32_t other_tag, const std::optional<Interval>& valid,
                     NodeId other, EdgeId edge);
keys::RunHead run_head(std::uint32_t tag, const std::optional<Interval>& valid, const std::vector<Interval>& gaps);
// The arc as traversals hold it (ids in 32 bits: throws Error(kInvalid) past them).
Arc to_arc(NodeId node, const keys::RunArc& a);
// A head's gaps as traversals hold them (the bounded ones, as days).
std::vector<DaySpan> head_gaps(const keys::RunHead& h);

// One commit's adjacency ops not yet written into its batch.
class PendingRuns {
 public:
  void put_arc(NodeId node, const keys::RunArc& a);
  void remove_arc(NodeId node, std::uint8_t dir, std::uint32_t tag, EdgeId edge);
  void put_head(NodeId node, const keys::RunHead& h);
  void remove_head(NodeId node);

  // The ops held, for savepoints: truncate(size()) undoes the ops put since.
  std::size_t size() const { return ops_.size(); }
  void truncate(std::size_t n);
  std::size_t bytes() const { return bytes_; }
  bool empty() const { return ops_.empty(); }
  bool has(NodeId node) const { return by_node_.count(node) != 0; }

  // Writes the ops as runs (node, commit, part) into `batch`, one a node, and forgets them.
  void flush(storage::Store::Batch& batch, std::uint64_t commit, std::uint32_t part);
  // Applies the ops of `node` to a merge of its stored runs (appended as the newest run).
  void apply(NodeId node, keys::NodeRuns& runs) const;

 private:
  struct Op {
    NodeId node;
    enum Kind : std::uint8_t { kArc, kArcRemoved, kHead, kHeadRemoved } kind;
    keys::RunArc arc;               // kArc; kArcRemoved: dir, tag, edge
    std::uint32_t head = 0;         // kHead: index into heads_
  };
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  struct Chain {
    std::uint32_t first, last;  // a node's first and last op
  };
  void push(Op op);
  // On huge pages: a big transaction holds millions of ops. A node's ops are chained in
  // order through next_ (and back through prev_, for truncate), from its Chain: no
  // allocation a node besides its map entry.
  memory::HugeVector<Op> ops_;
  memory::HugeVector<std::uint32_t> next_, prev_;
  std::vector<keys::RunHead> heads_;
  std::unordered_map<NodeId, Chain> by_node_;
  std::size_t bytes_ = 0;
};

// The merge of node `node`'s runs in `view` (the database's or a batch's), then of the ops
// in `pending` (a transaction's, or null). `cursor` over the adj family of `view` is reused
// when given.
// `before_commit`: only the runs of earlier commits (a transaction's view of what was stored
// before it began: its own commit's runs left out).
keys::NodeRuns read_runs(const storage::View& view, NodeId node, const PendingRuns* pending = nullptr,
                         storage::Cursor* cursor = nullptr, std::uint64_t before_commit = ~std::uint64_t{0});

// Rewrites the adjacency family of a database of an older format (per-arc entries, format
// 2 to 4; format 1 is upgraded to 2 first) as runs of commit 0, with each node's head from
// its record, into `batch`.
void upgrade_to_runs(const storage::View& view, storage::Store::Batch& batch);

}  // namespace entente::graph
