// Opening a database: the store, the format version, the catalog and the id counters.
#include <fmt/ranges.h>

#include "common/coding.h"
#include "common/error.h"
#include "common/text.h"
#include "entente/database.h"
#include "graph/history.h"
#include "graph/records.h"
#include "graph/runs.h"
#include "graph/state.h"
#include "storage/backup.h"
#include "storage/keys.h"

namespace entente {

using storage::Cf;

namespace {

std::string u64(std::uint64_t v) {
  std::string out;
  coding::put_u64(out, v);
  return out;
}

std::string u32(std::uint32_t v) {
  std::string out;
  coding::put_u32(out, v);
  return out;
}

std::uint64_t counter(const storage::View& view, std::string_view key) {
  auto v = view.get(Cf::kMeta, key);
  if (!v) return 1;
  if (v->size() != 8) throw corruption("meta {} is damaged", key);
  return coding::get_u64(v->data());
}

// Format 1 -> 2: every adjacency entry rewritten to the key that holds the other node's
// type tag (read from its record) and the old key deleted, all in
// `batch` (committed by the caller as one). An entry whose other node has no readable record
// (a damaged database) keeps its old key: the checker reports it and repair() rebuilds it.
// Returns the number of entries rewritten.
std::uint64_t upgrade_adjacency(const storage::View& view, storage::Store::Batch& batch) {
  std::uint64_t rewritten = 0;
  view.scan(Cf::kAdj, "", [&](std::string_view k, std::string_view v) {
    if (k.size() != keys::kAdjKeySize1) return true;
    auto a = keys::decode_adj(k);
    auto bytes = view.get(Cf::kNodes, keys::id(a.other));
    if (!bytes) return true;
    try {
      a.other_tag = graph::node_tag(a.other, *bytes);
    } catch (const Error&) {
      return true;
    }
    batch.put(Cf::kAdj, keys::adj(a, 2), v);
    batch.del(Cf::kAdj, k);
    ++rewritten;
    return true;
  });
  return rewritten;
}

}  // namespace


Database::Database() : state_(std::make_shared<detail::DatabaseState>()) {}
Database::~Database() = default;

std::unique_ptr<Database> Database::open(const std::filesystem::path& path, const Options& options) {
  auto db = open_store(path, options, false);
  if (options.topology == TopologyMode::kAtOpen) db->snapshot()->load_topology();
  return db;
}

std::unique_ptr<Database> Database::open_for_repair(const std::filesystem::path& path) {
  Options o;
  o.create_if_missing = false;
  return open_store(path, o, true);
}

std::unique_ptr<Database> Database::open_store(const std::filesystem::path& path, const Options& options,
                                               bool lenient) {
  std::unique_ptr<Database> db(new Database());
  auto& st = *db->state_;
  storage::StoreOptions so;
  so.lazy_tables = lenient;
  so.create_if_missing = options.create_if_missing;
  so.error_if_exists = options.error_if_exists;
  so.read_only = options.read_only;
  so.sync = options.sync;
  so.cache_bytes = options.cache_mb << 20;
  so.transaction_bytes = options.transaction_kb << 10;
  st.topology_mode = options.topology;
  st.transaction_bytes = options.transaction_kb << 10;
  // A new database holds the format version and the built-in catalog before it is moved
  // into place (storage::Store::create): no one ever sees it without them.
  so.initialize = [](storage::Store& store) {
    auto batch = store.batch();
    batch->put(Cf::kMeta, keys::kFormatVersion, u32(keys::kFormat));
    batch->put(Cf::kMeta, keys::kCatalog, catalog::Catalog::builtin()->serialize());
    store.commit(*batch);
  };
  // An existing directory without the format version is damaged (a MANIFEST that lost its
  // records, say), never a database to initialize: refused before it is opened for writing.
  so.verify = [path](const storage::View& view) {
    if (view.get(Cf::kMeta, keys::kFormatVersion)) return;
    bool records = false;
    for (Cf cf : {Cf::kNodes, Cf::kEdges, Cf::kAdj, Cf::kKeys, Cf::kNames, Cf::kMeta, Cf::kHistory}) {
      view.scan(cf, "", [&](std::string_view, std::string_view) {
        records = true;
        return false;
      });
    }
    if (records) {
      throw corruption("{} is not an entente database, or a damaged one: it holds records but not entente's format "
                       "version (meta format_version). "
                       "Nothing was changed. 'entente salvage --db {} --to NEW' copies what can still be read into "
                       "a new database",
                       path.string(), path.string());
    }
    throw corruption("{} is not an entente database: it holds a RocksDB database without entente's format version "
                     "and without records (a database "
                     "whose creation was interrupted by an older entente, or not entente's): nothing was changed; "
                     "delete it to start again",
                     path.string());
  };
  st.store = storage::Store::open(path, so);
  auto view = st.store->snapshot();
  auto version = view->get(Cf::kMeta, keys::kFormatVersion);
  if (!version) throw corruption("{} is not an entente database (no format version)", path.string());
  if (version->size() != 4) throw corruption("{}: the format version is damaged", path.string());
  st.format = coding::get_u32(version->data());
  if (st.format > keys::kFormat) {
    throw invalid("{} was written by a newer entente (format {}); this build reads formats up to {}",
                  path.string(), st.format, keys::kFormat);
  }
  auto bytes = view->get(Cf::kMeta, keys::kCatalog);
  if (!bytes) throw corruption("{}: the catalog is missing", path.string());
  auto stored = catalog::Catalog::deserialize(*bytes);
  // Types written by an older build read under this build's newer versions (fields
  // added with new ordinals read as their defaults); the upgrade is stored when writable.
  st.catalog = stored->upgraded(*catalog::Catalog::builtin());
  std::string upgraded = st.catalog->serialize();
  if (options.read_only) return db;  // an older format is read as it is
  // Opened for writing: the format and the catalog upgraded in one atomic batch.
  const bool old_format = st.format < keys::kFormat;
  if (upgraded != *bytes || old_format) {
    auto batch = st.store->batch();
    if (upgraded != *bytes) batch->put(Cf::kMeta, keys::kCatalog, upgraded);
    if (st.format == 1) upgrade_adjacency(*view, *batch);
    // Format 3: the record counts per type, counted once.
    if (st.format < 3) graph::put_counts(*batch, graph::count_records(*view));
    // Format 4: node records may hold gaps; no record changes, but from now on an older
    // build (which would drop the gaps it rewrites) refuses the database.
    if (st.format < 4) batch->put(Cf::kMeta, keys::kFormatVersion, u32(4));
    st.store->commit(*batch);
    st.format = std::max<std::uint32_t>(st.format, 4);
  }
  if (st.format == 4) {
    // Format 5: the adjacency family's per-arc entries become one run a node, with its
    // head (graph/runs.h), as of commit 0; in one batch with the new version, so that a
    // crash leaves the database as it was.
    auto now = st.store->snapshot();
    auto batch = st.store->batch();
    graph::upgrade_to_runs(*now, *batch);
    batch->put(Cf::kMeta, keys::kNextCommit, u64(1));
    batch->put(Cf::kMeta, keys::kFormatVersion, u32(5));
    st.store->commit(*batch);
    st.format = 5;
    // The old entries, now deleted, dropped from the files: a scan of the family (the
    // topology's build) would otherwise step over all of them, 3x slower at 10^7 records.
    // No snapshot may be open (it would keep them). The database is whole either way; a
    // failure here (a full disk) is left to the next write to report.
    batch.reset();  // a batch reads over a snapshot of its own
    now.reset();
    view.reset();
    try {
      st.store->compact(Cf::kAdj);
    } catch (const Error&) {
    }
  }
  if (st.format == 5) {
    // Format 6: record time. The history family (created by the open) begins with this
    // upgrade's commit in the log; the records keep `recorded` 0, written before it.
    auto batch = st.store->batch();
    CommitInfo info;
    info.number = counter(*batch, keys::kNextCommit);
    info.message = "upgrade to format 6: record time begins";
    graph::log_commit(*batch, info);
    batch->put(Cf::kMeta, keys::kRecordTimeFrom, u64(info.number));
    batch->put(Cf::kMeta, keys::kNextCommit, u64(info.number + 1));
    batch->put(Cf::kMeta, keys::kFormatVersion, u32(6));
    st.store->commit(*batch);
    st.format = 6;
  }
  return db;
}

std::unique_ptr<Snapshot> Database::snapshot() const {
  auto ctx = std::make_unique<detail::ReadContext>();
  ctx->db = state_;
  ctx->catalog = state_->current_catalog();
  ctx->snapshot = true;
  {
    std::shared_lock<std::shared_mutex> lock(state_->publish);
    ctx->view = state_->store->snapshot();
    ctx->generation = state_->generation;
    ctx->topology = state_->topology;
    ctx->topology_built = ctx->topology != nullptr;
  }
  return std::unique_ptr<Snapshot>(new Snapshot(std::move(ctx)));
}

namespace {

// The first commit of record time: the upgrade's in a database of an older format, else 0.
std::uint64_t record_time_from(const storage::View& view) {
  auto v = view.get(Cf::kMeta, keys::kRecordTimeFrom);
  if (!v) return 0;
  if (v->size() != 8) throw corruption("meta {} is damaged", keys::kRecordTimeFrom);
  return coding::get_u64(v->data());
}

// The commits an as-of read may name: from the first of record time (0, the empty database,
// in a database created in format 6) to the last.
void check_as_of(const detail::DatabaseState& st, const storage::View& view, std::uint64_t commit) {
  if (st.format < 6) {
    throw not_found("{} holds no record time (format {}): open it for writing once to upgrade it to format 6, from "
                    "which on every commit is kept",
                    st.store->path().string(), st.format);
  }
  const std::uint64_t next = counter(view, keys::kNextCommit);
  if (commit >= next) {
    throw not_found("no commit #{} in {}: the last is #{}", commit, st.store->path().string(), next - 1);
  }
  if (const std::uint64_t first = record_time_from(view); commit < first) {
    throw not_found("commit #{} of {} is before the history it keeps, which begins at commit #{} (the upgrade to "
                    "format 6, or entente compact-history)",
                    commit, st.store->path().string(), first);
  }
}

}  // namespace

std::unique_ptr<Snapshot> graph::Internals::snapshot_as_of(const std::shared_ptr<detail::DatabaseState>& state,
                                                           std::uint64_t commit) {
  auto ctx = std::make_unique<detail::ReadContext>();
  ctx->db = state;
  ctx->catalog = state->current_catalog();
  ctx->snapshot = true;
  ctx->as_of = commit;
  {
    std::shared_lock<std::shared_mutex> lock(state->publish);
    ctx->view = state->store->snapshot();
    ctx->generation = state->generation;
  }
  check_as_of(*state, *ctx->view, commit);
  return std::unique_ptr<Snapshot>(new Snapshot(std::move(ctx)));
}

std::unique_ptr<Snapshot> Database::snapshot_as_of(std::uint64_t commit) const {
  return graph::Internals::snapshot_as_of(state_, commit);
}

std::unique_ptr<Snapshot> graph::snapshot_as_of(const Reader& reader, std::uint64_t commit) {
  return Internals::snapshot_as_of(Internals::context(reader).db, commit);
}

std::uint64_t graph::commit_as_of(const Reader& reader, std::string_view text) {
  return commit_as_of(*Internals::context(reader).db, text);
}

std::uint64_t Database::commit_as_of(std::string_view text) const { return graph::commit_as_of(*state_, text); }

std::uint64_t graph::commit_as_of(const detail::DatabaseState& state, std::string_view text) {
  auto view = state.store->snapshot();
  const auto path = [&] { return state.store->path(); };
  std::uint64_t commit = 0;
  if (!text.empty() && text.front() == '#') {
    auto digits = text.substr(1);
    if (digits.empty() || digits.size() > 19 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
      throw invalid("'{}' is not a commit: give #N (entente log lists them) or an ISO 8601 time", text);
    }
    commit = std::stoull(std::string(digits));
  } else {
    auto t = graph::parse_time(text);
    if (!t) {
      throw invalid("'{}' is neither a commit (#N) nor an ISO 8601 time (2026-12-08, 2026-12-08T10:30:00Z)", text);
    }
    const std::uint64_t first = record_time_from(*view);
    bool any = false;
    view->scan(Cf::kHistory, std::string(1, keys::kCommitEntry), [&](std::string_view, std::string_view v) {
      auto c = graph::decode_commit(v);
      if (c.time_us > *t) {
        if (!any && first > 0) {  // before the upgrade: nothing is known of it
          throw not_found("{} is before record time began in {} ({}, commit #{}: the upgrade to format 6)", text,
                          path().string(), c.time_text(), c.number);
        }
        return false;
      }
      any = true;
      commit = c.number;
      return true;
    });
  }
  check_as_of(state, *view, commit);
  return commit;
}

namespace {
// The topology of a reader's view, built now (a transaction's ids run to its own counters,
// not yet stored).
std::shared_ptr<const graph::Topology> build_topology(const detail::ReadContext& ctx) {
  const std::uint64_t next_node = ctx.write ? ctx.write->next_node : counter(*ctx.view, keys::kNextNodeId);
  if (ctx.write && ctx.write->topology_dropped) {
    // A transaction's adjacency ops still in memory go into its batch first, where the
    // build reads them (none with a savepoint open, which a rollback would have to undo).
    auto& w = const_cast<detail::WriteState&>(*ctx.write);
    if (!w.savepoints.empty()) throw invalid("a traversal of the whole graph inside a savepoint of a large transaction is not supported");
    w.flush_pending(true);
  }
  auto topo = graph::Topology::build(*ctx.view, *ctx.catalog, next_node, ctx.db->format,
                                     ctx.as_of ? *ctx.as_of + 1 : ~std::uint64_t{0});
  // Its ops not yet written (those written are applied again: a put replaces, a removal removes).
  if (topo && ctx.write && !ctx.write->topology_dropped) topo = topo->apply(ctx.write->topology);
  return topo;
}
}  // namespace

const graph::Topology* detail::topology_of(const ReadContext& ctx, bool build) {
  auto& st = *ctx.db;
  if (!ctx.snapshot || st.topology_mode == TopologyMode::kOff || st.format < 2) return nullptr;
  std::lock_guard<std::mutex> lock(ctx.topology_mu);
  if (ctx.topology || ctx.topology_built) return ctx.topology.get();
  if (ctx.as_of) {
    // As of a commit: the runs up to it, built once and shared by the snapshots of that
    // commit while any of them keeps it.
    std::lock_guard<std::mutex> cache(st.as_of_mu);
    auto& slot = st.as_of_topologies[*ctx.as_of];
    ctx.topology = slot.lock();
    // Built on first use when asked, or whenever the database keeps its topology from the
    // start (a long-running process: its reads as of a commit as fast as the present's).
    if (!ctx.topology && (build || st.topology_mode == TopologyMode::kAtOpen)) {
      ctx.topology_built = true;
      ctx.topology = build_topology(ctx);
      slot = ctx.topology;
    }
    for (auto it = st.as_of_topologies.begin(); it != st.as_of_topologies.end();) {
      it = it->second.expired() && it->first != *ctx.as_of ? st.as_of_topologies.erase(it) : std::next(it);
    }
    return ctx.topology.get();
  }
  {
    // Built since this snapshot began, by another of the same commit?
    std::shared_lock<std::shared_mutex> publish(st.publish);
    if (st.generation == ctx.generation && st.topology) ctx.topology = st.topology;
  }
  if (ctx.topology) return ctx.topology.get();
  if (build) {
    ctx.topology_built = true;
    ctx.topology = build_topology(ctx);
    // Shared with the later snapshots when no write came since this one's view was taken.
    std::unique_lock<std::shared_mutex> publish(st.publish);
    if (st.generation == ctx.generation && !st.topology) st.topology = ctx.topology;
  }
  return ctx.topology.get();
}

std::shared_ptr<const graph::Topology> detail::flat_topology(const ReadContext& ctx) {
  auto build = [&] { return build_topology(ctx); };
  if (!ctx.snapshot) {
    // A transaction: its writes go on, so what it reads now is not kept.
    auto own = graph::Topology::flat(build());  // its ops still in memory are an overlay
    if (!own) throw invalid("the graph cannot be held in memory: its node or edge ids pass 2^32");
    return own;
  }
  topology_of(ctx, true);
  std::lock_guard<std::mutex> lock(ctx.topology_mu);
  if (!ctx.flat) {
    ctx.flat = ctx.topology ? graph::Topology::flat(ctx.topology) : build();
  }
  if (!ctx.flat) throw invalid("the graph cannot be held in memory: its node or edge ids pass 2^32");
  return ctx.flat;
}

std::unique_ptr<Transaction> Database::begin() {
  if (state_->store->read_only()) throw conflict("{} is open read-only", path().string());
  auto ws = std::make_unique<detail::WriteState>();
  ws->lock = std::unique_lock<std::mutex>(state_->writer);  // one writer at a time
  ws->db = state_.get();
  auto batch = state_->store->batch();
  ws->batch = batch.get();
  ws->next_node = counter(*batch, keys::kNextNodeId);
  ws->next_edge = counter(*batch, keys::kNextEdgeId);
  ws->commit = counter(*batch, keys::kNextCommit);
  ws->first_new_node = ws->next_node;
  ws->first_new_edge = ws->next_edge;
  {
    // No topology to carry forward: the transaction keeps a small delta only (for its own
    // traversals), where an import into a database nothing had traversed filled one up to
    // its memory budget for nothing. One built meanwhile is dropped by the commit.
    std::shared_lock<std::shared_mutex> publish(state_->publish);
    if (!state_->topology) ws->topology_budget = detail::WriteState::kUnusedTopologyBytes;
  }
  auto ctx = std::make_unique<detail::ReadContext>();
  ctx->db = state_;
  ctx->catalog = state_->current_catalog();
  ctx->view = std::move(batch);
  ctx->write = ws.get();
  return std::unique_ptr<Transaction>(new Transaction(std::move(ctx), std::move(ws)));
}

std::vector<std::string> Database::add_types(std::string_view capnp_text, std::string_view file_name) {
  if (state_->store->read_only()) throw conflict("{} is open read-only", path().string());
  std::unique_lock<std::mutex> lock(state_->writer);
  auto current = state_->current_catalog();
  auto next = current->with_file(file_name, capnp_text);
  std::vector<std::string> added;
  for (const auto& t : next->types()) {
    if (!current->find(t.name)) added.push_back(t.name);
  }
  if (added.empty()) return added;
  auto batch = state_->store->batch();
  batch->put(Cf::kMeta, keys::kCatalog, next->serialize());
  // A commit of its own in the log (format 6).
  CommitInfo info;
  info.number = counter(*batch, keys::kNextCommit);
  info.message = fmt::format("types added: {}", fmt::join(added, ", "));
  graph::log_commit(*batch, info);
  batch->put(Cf::kMeta, keys::kNextCommit, u64(info.number + 1));
  state_->store->commit(*batch);
  std::lock_guard<std::mutex> guard(state_->catalog_mu);
  state_->catalog = std::move(next);
  return added;
}

BackupReport Database::backup(const std::filesystem::path& to) const {
  auto info = storage::make_backup(*state_->store, to);
  return {info.files.size(), info.bytes, info.listed};
}

BackupReport Database::verify_backup(const std::filesystem::path& backup) {
  auto info = storage::verify_backup(backup);
  return {info.files.size(), info.bytes, info.listed};
}

BackupReport Database::restore(const std::filesystem::path& backup, const std::filesystem::path& to) {
  auto info = storage::restore_backup(backup, to, [](const std::filesystem::path& copy) {
    Options ro;
    ro.read_only = true;
    ro.create_if_missing = false;
    open(copy, ro);  // throws unless the copy is an entente database this build reads
  });
  return {info.files.size(), info.bytes, info.listed};
}

const std::filesystem::path& Database::path() const { return state_->store->path(); }

std::uint32_t Database::format_version() const { return state_->format; }

std::vector<CommitInfo> Database::log() const { return graph::read_log(*state_->store->snapshot()); }

NodeHistory Database::history(const NodeRef& ref) const {
  auto snap = snapshot();
  const auto& ctx = graph::Internals::context(*snap);
  const auto& catalog = *ctx.catalog;
  const auto* type = catalog.find(ref.type);
  if (!type || type->is_edge) throw invalid("unknown node type '{}'{}", ref.type, text::did_you_mean(ref.type, catalog.names(false)));
  const auto ids = graph::key_ids(*ctx.view, keys::node_key(type->tag, ref.key));
  if (ids.empty()) throw not_found("no node {} now or in the history of {}", ref.str(), path().string());
  // An edge's end, from its newest version (it may have been removed since); read once
  // a node (a state's history has thousands of edges to a few ends).
  std::map<NodeId, NodeRef> refs;
  auto ref_of = [&](NodeId id) -> const NodeRef& {
    if (auto it = refs.find(id); it != refs.end()) return it->second;
    auto all = graph::versions(*ctx.view, keys::kNodeVersion, id);
    if (all.empty()) throw corruption("an edge names node {}, of which no version is kept", id);
    return refs.emplace(id, graph::decode_node(catalog, id, all.back().first).ref()).first->second;
  };
  NodeHistory h;
  for (NodeId id : ids) {
    for (auto& [bytes, until] : graph::versions(*ctx.view, keys::kNodeVersion, id)) {
      h.versions.push_back({graph::decode_node(catalog, id, bytes), until});
    }
    for (EdgeId e : graph::edges_ever(*ctx.view, id)) {
      for (auto& [bytes, until] : graph::versions(*ctx.view, keys::kEdgeVersion, e)) {
        Edge edge = graph::decode_edge(catalog, e, bytes);
        edge.from_ref = ref_of(edge.from);
        edge.to_ref = ref_of(edge.to);
        h.edges.push_back({std::move(edge), until});
      }
    }
  }
  std::stable_sort(h.versions.begin(), h.versions.end(),
                   [](const NodeVersion& a, const NodeVersion& b) { return a.node.recorded < b.node.recorded; });
  return h;
}

CompactReport Database::compact_history(std::uint64_t through) {
  if (state_->store->read_only()) throw conflict("{} is open read-only", path().string());
  std::unique_lock<std::mutex> lock(state_->writer);  // no transaction meanwhile
  auto view = state_->store->snapshot();
  check_as_of(*state_, *view, through);
  auto batch = state_->store->batch();
  CompactReport report = graph::compact_history(*view, *batch, through);
  if (report.node_versions + report.edge_versions + report.keys + report.names + report.runs == 0 &&
      record_time_from(*view) >= through) {
    return report;  // nothing to drop, and reads before `through` refused already
  }
  CommitInfo info;
  info.number = counter(*batch, keys::kNextCommit);
  info.message = fmt::format("compact-history through #{}: {} node and {} edge versions, {} keys, {} names dropped, {} runs merged",
                             through, report.node_versions, report.edge_versions, report.keys, report.names, report.runs);
  graph::log_commit(*batch, info);
  batch->put(Cf::kMeta, keys::kNextCommit, u64(info.number + 1));
  if (record_time_from(*view) < through) batch->put(Cf::kMeta, keys::kRecordTimeFrom, u64(through));
  report.commit = info.number;
  state_->publish_write([&] { state_->store->commit(*batch); });
  return report;
}

Changed Database::changed(std::uint64_t from, std::uint64_t to) const {
  if (from >= to) throw invalid("a span of commits runs from an earlier one to a later one (#{} to #{})", from, to);
  auto view = state_->store->snapshot();
  check_as_of(*state_, *view, from);
  check_as_of(*state_, *view, to);
  return graph::changed_between(*view, from, to);
}

}  // namespace entente
