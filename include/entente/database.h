// An entente database: open it, read it through a snapshot, write it in transactions.
//
//   auto db = entente::Database::open("geo.db");
//   {
//     auto txn = db->begin();
//     txn->put_node({.type = "State", .key = "PRK", .name = "North Korea"});
//     txn->commit();                       // atomic: all of it or nothing
//   }
//   auto snap = db->snapshot();            // a consistent view, unchanged by later commits
//   auto prk = snap->node(entente::NodeRef{"State", "PRK"});
//
// Thread safety: a Database may be shared by threads. One transaction writes at a time
// (begin() waits for the previous one to finish); snapshots may be read from any thread.
// Another process that opens the database for writing is refused (kConflict).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/check.h"
#include "entente/date.h"
#include "entente/record.h"
#include "entente/schema.h"

namespace entente {

class Reader;
class Database;
class NeighborCursor;
namespace detail {
struct ReadContext;
struct DatabaseState;
struct WriteState;
struct PreparedNode;
struct PreparedEdge;
struct Writes;
}  // namespace detail
namespace graph {
struct Internals;  // the library's graph layer (lib/graph/state.h); not part of the API
}

enum class TopologyMode {
  kOff,          // never: every read goes to the adjacency index
  kOnTraversal,  // on the first traversal that walks far (Reader::load_topology); every read uses it from then on
  kAtOpen,       // when the database opens, for a long-running process whose first question must be fast
};

struct Options {
  // Create the database when the directory holds none. Default: true.
  bool create_if_missing = true;
  // Fail when a database already exists there. Default: false.
  bool error_if_exists = false;
  // Open without taking the write lock; writes are refused. Default: false.
  bool read_only = false;
  // fsync the write-ahead log on every commit, so that a committed transaction survives
  // a crash of the machine. Off, a commit survives a crash of the process only. Default: true.
  bool sync = true;
  // The block cache, in MiB: the database's most recently read blocks, kept uncompressed in
  // memory and shared by every snapshot. It fills only as blocks are read. Default: 256.
  std::size_t cache_mb = 256;
  // A transaction's memory for its writes, in KiB. Past it, the writes are sorted into runs
  // in a directory beside the database (`<dir>.txn-<pid>-<n>`, removed when the
  // transaction ends) and the transaction holds no more than this of them in memory; its
  // commit then adds them as tables, in one step, all or nothing, instead of through the
  // write-ahead log (a run is written on a thread of its own while the transaction goes on,
  // so up to twice this is held, and the run's sort needs about as much again). What the transaction changed in the graph's structure,
  // for the in-memory topology, is kept within it too: past it, the commit drops the
  // topology, and the next traversal that needs it builds it again. 0: no limit.
  // Default: 65536 (64 MiB).
  std::size_t transaction_kb = 64 * 1024;
  // When to build the in-memory topology: the graph's structure kept in memory for
  // traversals (every edge's type, ends and validity, every node's type and validity; about
  // 24 bytes an edge direction, kept current by commits; Stats::topology_bytes says what it
  // holds). Default: kOnTraversal.
  TopologyMode topology = TopologyMode::kOnTraversal;
};

// Which neighbours to read. An unknown edge or node type name is Error(kInvalid).
// With both edge_types and node_types, only the index entries of those edge types that
// lead to those node types are read (the adjacency key holds the other end's type), which
// makes asking for a few treaties among thousands of agreements cheap. Entries come per
// edge type, then per node type in the order given.
struct NeighborQuery {
  std::vector<std::string> edge_types{};  // empty: every edge type
  Direction direction = Direction::kBoth;
  std::optional<Date> at{};               // only edges and nodes valid on this date
  std::vector<std::string> node_types{};  // empty: any type of node at the other end
};

// What a transaction's puts did: added a record, replaced one with different content, or
// found the same content already there (and wrote nothing); and how many it removed. A
// record the transaction created counts once, as created, however often it is put again
// (an importer merging rows into one treaty).
struct WriteCounts {
  std::uint64_t created = 0;
  std::uint64_t updated = 0;
  std::uint64_t unchanged = 0;
  std::uint64_t removed = 0;  // removed, and edges removed with their nodes
};

// One commit of the database's log (Database::log): its number, when it was applied,
// what its writer said of it, and what it changed. Record time (docs/format.md, "Format
// 6"): every version of a record names the commit that wrote it (Node::recorded).
struct CommitInfo {
  std::uint64_t number = 0;
  // When the commit was applied: microseconds since 1970-01-01 UTC; never earlier than
  // the commit before it.
  std::int64_t time_us = 0;
  std::string message{};
  WriteCounts nodes{}, edges{};  // created, updated (replaced) and removed; unchanged is 0
  // The time as ISO 8601 in UTC: "2026-12-08T02:15:11.123456Z".
  std::string time_text() const;
};

// What a backup, its verification or a restore read or wrote.
struct BackupReport {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  // Every file was checked against the backup's checksum list. False only when restoring a
  // backup made by an older entente, which has no list.
  bool verified = false;
};

// What salvage() recovered and what it could not.
struct SalvageReport {
  std::map<std::string, std::uint64_t> nodes, edges;  // recovered, by type
  // What the damaged database's own record counts (format 3) said it held, by type; empty
  // when they could not be read.
  std::map<std::string, std::uint64_t> expected_nodes, expected_edges;
  std::uint64_t lost_nodes = 0;  // records that could not be read, or whose type is unknown
  std::uint64_t lost_edges = 0;  // ... or whose ends were lost
  // What happened on the way, in order ("the write-ahead log 000012.log is damaged: replayed
  // up to its first damage", "rebuilt the MANIFEST from the table files", ...).
  std::vector<std::string> notes;
  bool complete() const { return lost_nodes == 0 && lost_edges == 0; }
};

// Record time (docs/history.md): the versions of a node and of every edge it has had
// (Database::history). Each version holds between two commits: from `recorded` (the commit
// that wrote it) until `until` (the commit that replaced or removed it; nullopt: it is
// current).
struct NodeVersion {
  Node node;  // node.recorded: the commit that wrote it
  std::optional<std::uint64_t> until;
};
struct EdgeVersion {
  Edge edge;  // with from_ref and to_ref
  std::optional<std::uint64_t> until;
};
struct NodeHistory {
  std::vector<NodeVersion> versions;  // oldest first; several nodes, when the key was removed and made again
  std::vector<EdgeVersion> edges;     // by edge id, each edge's oldest first
};
// The records a span of commits changed (Database::changed): created, replaced or removed
// by a commit after `from` and up to `to`.
struct Changed {
  std::vector<NodeId> nodes;
  std::vector<EdgeId> edges;
};

// What Database::compact_history dropped.
struct CompactReport {
  std::uint64_t through = 0;        // versions that ended at this commit or before went
  std::uint64_t node_versions = 0;  // node and edge versions dropped
  std::uint64_t edge_versions = 0;
  std::uint64_t keys = 0;           // removed nodes' keys and former names dropped
  std::uint64_t names = 0;
  std::uint64_t runs = 0;           // adjacency runs merged into fewer (or dropped with a removed node)
  std::uint64_t commit = 0;         // the compaction's own commit (0: nothing was dropped)
};

// Counts of nodes and edges by type.
struct Stats {
  std::map<std::string, std::uint64_t> nodes;
  std::map<std::string, std::uint64_t> edges;
  // The in-memory topology of a snapshot (Options::topology): the edge directions it holds
  // and the memory it takes. Zero for a transaction, or when it is off.
  std::uint64_t topology_arcs = 0;
  std::uint64_t topology_bytes = 0;
};

// The reads shared by a Snapshot and a Transaction (which also sees its own writes).
class Reader {
 public:
  virtual ~Reader();

  [[nodiscard]] std::optional<Node> node(NodeId id) const;
  [[nodiscard]] std::optional<Node> node(const NodeRef& ref) const;
  // The id of node `ref`, from the key index alone (its record is not read); nullopt when
  // there is no such node.
  [[nodiscard]] std::optional<NodeId> id_of(const NodeRef& ref) const;
  [[nodiscard]] std::optional<Edge> edge(EdgeId id) const;
  // The edge with the identity of `e`: its type, ends, valid-from and key (what put_edge
  // replaces). Reads the adjacency index, not the from node's other edges. nullopt when
  // there is none, or an end or the type does not exist.
  [[nodiscard]] std::optional<Edge> edge(const EdgeInput& e) const;

  // Nodes whose name or one of whose aliases equals `name`, ignoring case (ASCII and
  // Latin letters) and surrounding spaces; ordered by type, then key.
  [[nodiscard]] std::vector<Node> find(std::string_view name) const;
  // Resolves "Type:key", or else a unique name or alias. Throws Error(kNotFound) when
  // nothing matches (suggesting the nearest key) and Error(kInvalid) when a name is ambiguous.
  Node resolve(std::string_view ref_or_name) const;

  // Calls visit for each node of the type in key order, until it returns false.
  // Throws Error(kInvalid) for an unknown type.
  void scan(std::string_view type, const std::function<bool(const Node&)>& visit) const;
  // Calls visit for each edge leaving the node, ordered by edge type tag, the other end's
  // type tag, valid-from, other end, id; until it returns false.
  void out_edges(NodeId id, const std::function<bool(const Edge&)>& visit) const;
  // The edges at a node and the nodes at their other ends, as the query asks.
  [[nodiscard]] std::vector<Neighbor> neighbors(NodeId id, const NeighborQuery& query = {}) const;
  // One step by ids, for traversals: the edge and the node at its other end, with the
  // edge's and the node's type names.
  struct Step {
    EdgeId edge = 0;
    NodeId node = 0;
    const std::string& edge_type;
    const std::string& node_type;
    Direction direction;
  };
  // What neighbors() finds, without decoding records: reads the adjacency index, whose keys
  // give each other node's type, and, when the query has a date, the head of each other
  // node's record for its validity. Calls visit until it returns false. The Step's strings
  // live as long as the reader.
  void adjacent(NodeId id, const NeighborQuery& query, const std::function<bool(const Step&)>& visit) const;
  // The same steps through a cursor, one at a time, with no callback (see NeighborCursor).
  [[nodiscard]] NeighborCursor cursor(NodeId id, const NeighborQuery& query = {}) const;

  Stats stats() const;
  // The commit a snapshot reads as of (Database::snapshot_as_of); nullopt for the present.
  std::optional<std::uint64_t> as_of() const;
  // Builds the in-memory topology of this snapshot now (when Options::topology allows, and
  // it is not built yet), so that every read after it traverses memory; the traversals that
  // walk far (shortest and temporal paths, variable-length patterns, projections) call it
  // themselves. Returns whether the reader has it. A transaction never does: it reads its
  // own writes from the index.
  bool load_topology() const;
  // The database's types (node and edge), in catalog order.
  std::vector<TypeInfo> types() const;
  std::optional<TypeInfo> type(std::string_view name) const;

 protected:
  explicit Reader(std::unique_ptr<detail::ReadContext> context);
  // Edge `id` between nodes a and b (either way round), with its ends' refs.
  Edge edge_between(EdgeId id, const Node& a, const Node& b) const;
  std::unique_ptr<detail::ReadContext> context_;

 private:
  friend struct graph::Internals;
};

// The steps from one node that a NeighborQuery finds, one at a time: what adjacent() visits,
// in the same order, without a callback per step. The edge and node records are read only
// when asked for.
//
//   for (auto c = snap->cursor(id, {.edge_types = {"PARTY_TO"}, .at = day}); c.next();) {
//     if (c->node_type == "Treaty") treaties.push_back(c->node);
//   }
//
// Made, it holds the node's matching adjacency entries (20 bytes each, read from the
// in-memory topology when the reader has it, else by one prefix seek per edge type); it
// must not outlive its reader. Not thread-safe; cheap to make.
class NeighborCursor {
 public:
  NeighborCursor(NeighborCursor&&) noexcept;
  NeighborCursor& operator=(NeighborCursor&&) noexcept;
  ~NeighborCursor();

  // Moves to the next step (the first, on the first call). False when there is none left.
  [[nodiscard]] bool next();
  // The current step; only after next() returned true.
  const Reader::Step& operator*() const;
  const Reader::Step* operator->() const { return &**this; }
  // The current step's records: the edge (with its ends' refs) and the node at its other end.
  Edge edge() const;
  Node node() const;
  // How many steps the cursor holds in all.
  std::size_t size() const;

 private:
  friend class Reader;
  struct Impl;
  explicit NeighborCursor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A consistent, read-only view of the database as of its creation.
class Snapshot : public Reader {
 public:
  ~Snapshot() override;

 private:
  friend class Database;
  friend struct graph::Internals;
  using Reader::Reader;
};

// A write transaction. Its writes are invisible to others until commit(), which applies
// them all or none (one RocksDB WriteBatch). Destroying it uncommitted discards them.
// Every write is checked against the schema; a write that fails throws Error(kInvalid or
// kNotFound) and changes nothing, and the transaction stays usable.
class Transaction : public Reader {
 public:
  ~Transaction() override;

  // Adds the node, or replaces the node with the same type and key (keeping its id
  // and its edges). Returns its id.
  NodeId put_node(const NodeInput& node);
  // Adds the edge, or replaces the edge with the same type, ends, valid-from and key.
  // Both ends must exist (in the database or earlier in this transaction).
  EdgeId put_edge(const EdgeInput& edge);
  // Removes a node and every edge at it. Returns false when there was no such node.
  bool remove_node(const NodeRef& ref);
  // Removes what `d` names (a node, or an edge by its identity). Returns false when there
  // is no such node or edge. Throws Error(kConflict) for a node that still has edges
  // without d.detach, naming how many and one of them, and Error(kInvalid) unless exactly
  // one of d.node and d.edge is set. Removed records stay in history (docs/history.md).
  bool remove(const Deletion& d);
  // Removes an edge. Returns false when there was no such edge.
  bool remove_edge(EdgeId id);

  // What the commit log will say of this transaction (Database::log); empty by default.
  void set_message(std::string message);

  // Number of writes so far (puts and removes).
  std::uint64_t writes() const;
  // What the puts of nodes and of edges did so far.
  const WriteCounts& node_counts() const;
  const WriteCounts& edge_counts() const;

  // Savepoints, as in SQL: savepoint() marks the transaction as it is now;
  // rollback_to_savepoint() undoes every write since the newest mark (and its counts) and
  // drops the mark; release_savepoint() drops the newest mark, keeping the writes. Marks
  // nest. Importers use them to drop a bad row whole. Throws Error(kConflict) when there
  // is no mark to roll back to or release.
  void savepoint();
  void rollback_to_savepoint();
  void release_savepoint();

  // Applies every write atomically. Throws Error on failure, in which case nothing was
  // applied. REQUIRES: neither commit() nor rollback() was called.
  void commit();
  // Discards every write.
  void rollback();

 private:
  friend class Database;
  friend struct detail::Writes;  // the puts of writes checked and encoded ahead (line imports)
  Transaction(std::unique_ptr<detail::ReadContext> context, std::unique_ptr<detail::WriteState> state);
  std::optional<NodeId> lookup_key(const std::string& key_key);
  NodeId put(detail::PreparedNode& node);
  EdgeId put(detail::PreparedEdge& edge);  // sets the record's ends
  std::unique_ptr<detail::WriteState> state_;
};

class Database {
 public:
  // Opens the database in directory `path`, creating it (with the built-in types) if
  // options allow. Throws Error: kNotFound (no database and not creating), kConflict
  // (another process writes it), kInvalid (written by a newer format), kIO, kCorruption.
  static std::unique_ptr<Database> open(const std::filesystem::path& path, const Options& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  [[nodiscard]] std::unique_ptr<Snapshot> snapshot() const;
  // A snapshot of the database as it stood after commit `commit` (record time, format 6;
  // docs/history.md): every read (records, keys, names, scans, neighbours, traversals,
  // queries, stats) sees of each node and edge the version current then, and none created
  // since; removed ones as they were. Commit 0 is the empty database before the first
  // commit. Throws Error(kNotFound) for a commit the log does not hold (a number past the
  // last, or one before record time began in a database upgraded from format 5 or older).
  [[nodiscard]] std::unique_ptr<Snapshot> snapshot_as_of(std::uint64_t commit) const;
  // The commit that `text` names for snapshot_as_of: "#N" (commit N), or an ISO 8601 time
  // ("2026-12-08", "2026-12-08T10:30:00Z", "...+01:00"; UTC when it has no offset): the last
  // commit applied at or before it, or 0 (the empty database) for a time before the first
  // commit. Throws Error(kInvalid) for other text, kNotFound as snapshot_as_of does.
  [[nodiscard]] std::uint64_t commit_as_of(std::string_view text) const;
  // Starts a write transaction, waiting while another is open in this process.
  // Throws Error(kConflict) when the database is open read-only.
  [[nodiscard]] std::unique_ptr<Transaction> begin();

  // Adds the node and edge types of a Cap'n Proto schema (the text of a .capnp file that
  // imports "/entente/meta.capnp"; see examples/custom_type). Stored in the database at
  // once. Adding the same types again does nothing. Returns the names of the types added.
  std::vector<std::string> add_types(std::string_view capnp_text, std::string_view file_name = "schema.capnp");

  // Verifies every invariant of the stored data (docs/format.md, "Invariants"): every
  // record decodes and fits its type; every edge has both adjacency entries and every
  // adjacency entry an edge; the key and name indexes match the nodes; no dangling edge
  // end or citation; the id counters are ahead of every id. Reads a snapshot.
  [[nodiscard]] CheckReport check() const;
  // Rebuilds the derived data (key, name and adjacency indexes, id counters) from the
  // node and edge records in one transaction, then checks again. Damaged records are not
  // touched: they stay in the report. Throws Error(kConflict) when read-only.
  CheckReport repair();
  // Opens a damaged database for repair(): its records and every write-ahead log are
  // verified as by open(), but the derived column families (adjacency, keys, names) are
  // opened leniently, so that repair() can rebuild them even when their table files are
  // missing, cut short or unreadable. Throws as open() does.
  static std::unique_ptr<Database> open_for_repair(const std::filesystem::path& path);

  // Writes a consistent copy of the database, as of now, into the new directory `to` (absent
  // or empty), while readers and a writer go on: every file a real copy, listed with its
  // CRC-32 in BACKUP-CHECKSUMS. The copy is itself a database: open it read-only, or
  // restore() it. Throws Error(kIO) on a full disk, leaving nothing at `to`.
  BackupReport backup(const std::filesystem::path& to) const;
  // Reads every file of a backup and compares it with its checksum list. Throws
  // Error(kCorruption) naming each file that is missing, changed or damaged.
  static BackupReport verify_backup(const std::filesystem::path& backup);
  // Verifies a backup, copies it into `to` (absent or an empty directory), checks that the
  // copy opens as an entente database, and only then moves it into place: nothing is left at
  // `to` on failure. Throws Error(kInvalid) when `to` holds anything.
  static BackupReport restore(const std::filesystem::path& backup, const std::filesystem::path& to);

  // Copies what can still be read of a damaged database into a new database `to`, never
  // changing `damaged`: the write-ahead log replayed up to its first damage, a lost CURRENT
  // or MANIFEST rebuilt from the table files, the records that decode kept with their ids,
  // and the indexes and counts rebuilt. The report says what was recovered and what was
  // lost. Throws Error(kInvalid) when `to` holds anything.
  static SalvageReport salvage(const std::filesystem::path& damaged, const std::filesystem::path& to);

  // The commit log, oldest first: every commit since record time began (format 6; a
  // database upgraded from an older format begins with the upgrade's commit). A commit
  // that changed nothing is not logged.
  std::vector<CommitInfo> log() const;
  // Every version of node `ref` (of each node the key has named, when one was removed and
  // another made under it) and of every edge it has had, with the commits between which
  // each was current. Throws Error(kNotFound) when the key never named a node.
  NodeHistory history(const NodeRef& ref) const;
  // The nodes and edges created, replaced or removed after commit `from` up to commit `to`
  // (from < to), by id. Database::snapshot_as_of reads them as of either end.
  Changed changed(std::uint64_t from, std::uint64_t to) const;
  // Drops the history that no read as of commit `through` or later needs: the versions
  // replaced or removed by `through` or an earlier commit, the keys and names of nodes
  // removed by then, and each node's adjacency runs up to `through` merged into one. From
  // then on, reads as of commits before `through` are refused (as before record time).
  // One commit, logged. Throws Error(kConflict) when read-only, kNotFound as
  // snapshot_as_of does for `through`.
  CompactReport compact_history(std::uint64_t through);

  const std::filesystem::path& path() const;
  // The on-disk format version this database was written with.
  std::uint32_t format_version() const;

 private:
  Database();
  static std::unique_ptr<Database> open_store(const std::filesystem::path& path, const Options& options, bool lenient);
  friend struct graph::Internals;
  // Shared with every Snapshot and Transaction, which may outlive the Database object:
  // the store closes when the last of them is gone.
  std::shared_ptr<detail::DatabaseState> state_;
};

}  // namespace entente
