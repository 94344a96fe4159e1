// Internal state behind the public Database, Reader and Transaction classes.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "entente/database.h"

#include "catalog/catalog.h"
#include "common/key_map.h"
#include "graph/runs.h"
#include "graph/topology.h"
#include "storage/store.h"

namespace entente::detail {

struct DatabaseState {
  std::unique_ptr<storage::Store> store;
  std::uint32_t format = 0;

  // The catalog; replaced whole when types are added. Readers keep the one they began with.
  mutable std::mutex catalog_mu;
  std::shared_ptr<const catalog::Catalog> catalog;

  // Held by the one open transaction.
  std::mutex writer;

  std::shared_ptr<const catalog::Catalog> current_catalog() const {
    std::lock_guard<std::mutex> lock(catalog_mu);
    return catalog;
  }

  // The topology (graph/topology.h) as of the newest commit: null until a traversal of a
  // snapshot asks for it, and again after a write made outside a transaction (rebuilt on
  // the next request). A commit holds `publish` exclusively while it writes and carries the
  // topology forward; a snapshot holds it shared while it takes its view and the topology,
  // so the two always agree. `generation` counts the writes.
  mutable std::shared_mutex publish;
  std::shared_ptr<const graph::Topology> topology;
  std::uint64_t generation = 0;
  TopologyMode topology_mode = TopologyMode::kOnTraversal;
  // The topologies of snapshots as of a commit (record time), by commit, while one of them
  // keeps it. Commits never change them: they read only runs up to their commit.
  std::mutex as_of_mu;
  std::map<std::uint64_t, std::weak_ptr<const graph::Topology>> as_of_topologies;
  // Options::transaction_kb in bytes (0: no limit): a transaction's topology delta is kept
  // within it too (WriteState::topology_dropped).
  std::size_t transaction_bytes = 0;

  // Makes a write outside a transaction (a bulk ingestion, a repair) visible: runs it with
  // `publish` held and drops the topology.
  template <class F>
  void publish_write(F&& write) {
    std::unique_lock<std::shared_mutex> lock(publish);
    write();
    ++generation;
    topology.reset();
  }
};

struct WriteState;

struct ReadContext {
  std::shared_ptr<DatabaseState> db;  // first, so that it is released last: the view needs it
  std::unique_ptr<storage::View> view;
  std::shared_ptr<const catalog::Catalog> catalog;
  // A snapshot's: the topology that agrees with its view (graph::topology_of builds it on
  // first use), and the generation of writes the view saw. A transaction has none: it reads
  // its own writes from the store.
  bool snapshot = false;
  std::uint64_t generation = 0;
  mutable std::mutex topology_mu;
  mutable std::shared_ptr<const graph::Topology> topology;
  mutable bool topology_built = false;  // tried: a null topology then stays null
  mutable std::shared_ptr<const graph::Topology> flat;  // flat_topology's, once made
  const WriteState* write = nullptr;  // a transaction's (its counters are not yet stored)
  // A snapshot as of a commit (record time: Database::snapshot_as_of): its view is the
  // present, and every read takes from it the versions current after that commit.
  std::optional<std::uint64_t> as_of;
};

// The topology of a snapshot's view: its own, or the database's when that is of the same
// commit; when there is none and `build`, built now from the view (and shared with the later
// snapshots of the same commit). Null for a transaction, when Options::topology is off or
// the graph cannot be held in memory (Topology::build), and, without `build`, when none is
// built yet.
const graph::Topology* topology_of(const ReadContext& ctx, bool build);
// The reader's topology with no overlay (Topology::flat), kept by the reader once made; for
// a reader that keeps none (a transaction, Options::topology off), one built from its view.
// Throws Error(kInvalid) when the graph cannot be held in memory.
std::shared_ptr<const graph::Topology> flat_topology(const ReadContext& ctx);

struct WriteState {
  DatabaseState* db = nullptr;
  storage::Store::Batch* batch = nullptr;  // owned by the transaction's ReadContext
  std::unique_lock<std::mutex> lock;
  std::uint64_t next_node = 1;
  std::uint64_t next_edge = 1;
  std::uint64_t writes = 0;
  // The commit's number (meta next_commit): the adjacency runs it writes are keyed by it.
  std::uint64_t commit = 1;
  // Its adjacency ops not yet written into the batch (graph/runs.h), and how many times
  // they were: each write is a part of the commit's runs.
  graph::PendingRuns pending;
  std::uint32_t parts = 0;
  // Writes the pending ops into the batch when they pass their share of the budget and no
  // savepoint is open (a rollback to one truncates them); `force`: at commit.
  void flush_pending(bool force = false) {
    if (pending.empty()) return;
    const std::size_t budget = db->transaction_bytes ? db->transaction_bytes / 2 : std::size_t{32} << 20;
    if (!force && (pending.bytes() < budget || !savepoints.empty())) return;
    pending.flush(*batch, commit, parts++);
  }
  WriteCounts nodes;
  WriteCounts edges;
  std::string message;  // the commit log's (Transaction::set_message)
  // How the record count of each type tag changes when this transaction commits
  // (meta count.node.*, count.edge.*).
  std::map<std::uint32_t, std::int64_t> node_delta, edge_delta;
  bool done = false;
  // What the transaction changed in the graph's structure, for the topology at commit.
  graph::TopologyDelta topology;
  // Set when the delta grew past its budget: it is let go, and the commit drops the
  // database's topology instead (rebuilt by the next traversal that asks).
  bool topology_dropped = false;
  // The delta's budget: 0 for the transaction's memory budget. When the database had no
  // topology as the transaction began, kUnusedTopologyBytes: the delta then serves only
  // the transaction's own traversals (a topology built by a reader meanwhile is dropped
  // by the commit, as for any dropped delta), and a large import does not fill one up to
  // its budget for nothing (at 10^6 records: 1.36-1.49 s with the delta, 1.20-1.33 s without).
  std::size_t topology_budget = 0;
  static constexpr std::size_t kUnusedTopologyBytes = std::size_t{1} << 20;
  // Whether the delta is still kept; lets it go when it has grown past the budget.
  bool keep_topology() {
    if (topology_dropped) return false;
    const std::size_t bytes = topology.arcs.size() * sizeof(graph::TopologyDelta::ArcOp) +
                              topology.nodes.size() * sizeof(graph::TopologyDelta::NodeOp);
    const std::size_t budget = topology_budget ? topology_budget : db->transaction_bytes;
    if (budget == 0 || bytes < budget) return true;
    topology_dropped = true;
    graph::TopologyDelta().arcs.swap(topology.arcs);
    graph::TopologyDelta().nodes.swap(topology.nodes);
    return false;
  }
  // What savepoint() saved, newest last: the counters to restore on rollback_to_savepoint().
  struct Saved {
    std::uint64_t next_node, next_edge, writes;
    WriteCounts nodes, edges;
    std::map<std::uint32_t, std::int64_t> node_delta, edge_delta;
    std::size_t topology_arcs, topology_nodes;
    std::size_t pending;
  };
  std::vector<Saved> savepoints;

  // Caches that spare an import most of its reads of the batch (each one a look-up in the
  // batch's index and then in the database):
  // keys-index key (tag | key) -> node id, for nodes this transaction wrote or found. Both
  // are KeyMaps (common/key_map.h), compact: a 10^7-record import holds millions of each.
  KeyMap node_ids;
  // Whether node_ids holds every key this transaction wrote (no removal, no rollback to a
  // savepoint since it began): a key missing from it is then looked up in the database
  // alone, not through the batch.
  bool node_ids_complete = true;
  // Edge identity (type, the ends' keys, valid-from and the edge's key) as a 64-bit hash
  // of it in 8 bytes (detail::PreparedEdge::identity_hash, filed under the same number) ->
  // edge id, for every edge this transaction wrote, while edge_cache holds
  // (Transaction::put confirms a hit from the record).
  KeyMap edge_ids;
  // The first id of a node created by this transaction: no stored edge has such an end.
  NodeId first_new_node = 1;
  // The first id of an edge created by this transaction. A record created by it and put
  // again is counted once, as created: not as updated or unchanged.
  EdgeId first_new_edge = 1;
  // False once the transaction removed something or rolled back to a savepoint: edge
  // identities are then looked up in the batch again.
  bool edge_cache = true;
  // While edge_cache holds, an edge this transaction did not write can only be one stored
  // before it: for each node with many outgoing arcs whose edges were looked up, its stored
  // outgoing arcs as (a hash of type, other end's type, valid-from and other end; edge id),
  // sorted, so that an update import into a hub does not read the hub's adjacency for every
  // edge it puts (find_same_edge). Held within kBaseOutLimit entries.
  std::unordered_map<NodeId, std::vector<std::pair<std::uint64_t, EdgeId>>> base_out;
  std::size_t base_out_entries = 0;
  static constexpr std::size_t kBaseOutLimit = std::size_t{4} << 20;
  void drop_caches() {
    node_ids_complete = false;
    drop_edge_cache();
  }
  void drop_edge_cache() {
    edge_cache = false;
    edge_ids.clear();
  }
};

}  // namespace entente::detail

namespace entente::graph {

// The graph layer's access to the private parts of the public classes it implements: a
// reader's context (its storage view, catalog and topology) and a database's state. The
// public headers name this struct as a friend and nothing else; it is defined here, in
// lib/graph, so only the library's own code can use it.
struct Internals {
  static const detail::ReadContext& context(const Reader& reader) { return *reader.context_; }
  static detail::DatabaseState& state(Database& db) { return *db.state_; }
  // A snapshot of `state` as of commit `commit` (Database::snapshot_as_of).
  static std::unique_ptr<Snapshot> snapshot_as_of(const std::shared_ptr<detail::DatabaseState>& state,
                                                  std::uint64_t commit);
};

// The commit `text` names in the database of `state` (Database::commit_as_of).
std::uint64_t commit_as_of(const detail::DatabaseState& state, std::string_view text);

}  // namespace entente::graph
