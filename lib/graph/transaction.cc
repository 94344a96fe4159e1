// Writes: validation against the catalog, then the records and their indexes, all into
// the transaction's one WriteBatch.
#include <algorithm>
#include <functional>
#include <set>
#include <tuple>

#include "common/coding.h"
#include "common/error.h"
#include "common/text.h"
#include "entente/database.h"
#include "graph/history.h"
#include "graph/prepared.h"
#include "graph/records.h"
#include "graph/runs.h"
#include "graph/validate.h"
#include "graph/state.h"
#include "storage/keys.h"

namespace entente {

using storage::Cf;

namespace {

std::string u64(std::uint64_t v) {
  std::string out;
  coding::put_u64(out, v);
  return out;
}

}  // namespace

Transaction::Transaction(std::unique_ptr<detail::ReadContext> context, std::unique_ptr<detail::WriteState> state)
    : Reader(std::move(context)), state_(std::move(state)) {}

Transaction::~Transaction() = default;

std::uint64_t Transaction::writes() const { return state_->writes; }
const WriteCounts& Transaction::node_counts() const { return state_->nodes; }
const WriteCounts& Transaction::edge_counts() const { return state_->edges; }

namespace {

// Throws unless every citation names a Document node (or `self`, a Document citing itself).
// The fields were checked by graph::check_citations.
void check_sources(Transaction& txn, const std::vector<std::string>& cited, const std::string& self,
                   const std::function<bool(const std::string&)>& document_exists) {
  for (const auto& doc : cited) {
    if (doc == self || document_exists(doc)) continue;
    std::vector<std::string> docs;
    txn.scan("Document", [&](const Node& d) {
      docs.push_back(d.key);
      return docs.size() < 100000;
    });
    throw not_found("sources: no Document node '{}'{} (a cited document must be imported first)", doc,
                    text::did_you_mean(doc, docs));
  }
}

}  // namespace

namespace {

void require_open(const detail::WriteState& s) {
  if (s.done) throw conflict("the transaction is already committed or rolled back");
}

}  // namespace

namespace {

// The node id for a keys-index key whose hash (KeyMap::hash) is `hash`, from the
// transaction's cache or else the batch (which reads through to the database). Found ids
// are cached; a miss is not.
std::optional<NodeId> find_node_id(detail::WriteState& st, const std::string& key_key, std::size_t hash) {
  if (auto id = st.node_ids.find(key_key, hash)) return *id;
  std::optional<std::string> found;
  if (!st.node_ids_complete) {
    found = st.batch->get(Cf::kKeys, key_key);
  } else if (st.first_new_node > 1) {  // else no node was ever stored: the key cannot be there
    found = st.batch->get_base(Cf::kKeys, key_key);
  }
  if (!found) return std::nullopt;
  NodeId id = keys::decode_id(*found);
  st.node_ids.insert(key_key, id, hash);
  return id;
}

}  // namespace

std::optional<NodeId> Transaction::lookup_key(const std::string& key_key) {
  return find_node_id(*state_, key_key, KeyMap::hash(key_key));
}

namespace {
std::function<bool(const std::string&)> document_lookup(const catalog::Catalog& catalog,
                                                        const std::function<std::optional<NodeId>(const std::string&)>& find) {
  const auto* doc = catalog.find("Document");
  return [doc, find](const std::string& key) { return doc && find(keys::node_key(doc->tag, key)).has_value(); };
}
}  // namespace

NodeId Transaction::put_node(const NodeInput& in) {
  require_open(*state_);
  auto p = detail::prepare_node(*context_->catalog, in);
  return put(p);
}

NodeId Transaction::put(detail::PreparedNode& p) {
  require_open(*state_);
  const auto& catalog = *context_->catalog;
  const auto& type = *p.type;
  auto lookup = [this](const std::string& k) { return lookup_key(k); };
  // (Most records cite nothing: no look-up function made, no type looked up by name.)
  if (!p.cited.empty()) {
    check_sources(*this, p.cited, type.name == "Document" ? p.key : std::string(), document_lookup(catalog, lookup));
  }
  if (p.refused) throw *p.refused;

  auto& batch = *state_->batch;
  const std::uint64_t commit = state_->commit;
  graph::set_recorded(p.record, commit);
  NodeId id;
  if (auto existing = find_node_id(*state_, p.key_key, p.key_hash)) {
    id = *existing;
    auto old_bytes = batch.get(Cf::kNodes, keys::id(id));
    const bool created_here = id >= state_->first_new_node;
    if (old_bytes && graph::same_content(*old_bytes, p.record)) {
      if (!created_here) ++state_->nodes.unchanged;
      return id;
    }
    if (!created_here) ++state_->nodes.updated;
    if (old_bytes) {
      Node old = graph::decode_node(catalog, id, *old_bytes);
      // Record time: the version an earlier commit wrote is kept, current until this one
      // (one this transaction wrote was never current, and is not), and so are the names
      // it loses, for reads by name as of an earlier commit.
      const bool kept = old.recorded != commit;
      if (kept) batch.put(Cf::kHistory, keys::version(keys::kNodeVersion, id, commit), *old_bytes);
      for (const auto& f : graph::folded_names(old.name, old.aliases)) {
        batch.del(Cf::kNames, keys::name(f, id));
        if (kept && std::find(p.names.begin(), p.names.end(), f) == p.names.end()) {
          batch.put(Cf::kHistory, keys::former_name(f, id, commit), "");
        }
      }
    }
  } else {
    id = state_->next_node++;
    ++state_->nodes.created;
    ++state_->node_delta[type.tag];
    batch.put(Cf::kKeys, p.key_key, u64(id));
    state_->node_ids.insert(p.key_key, id, p.key_hash);
  }
  batch.put(Cf::kNodes, keys::id(id), p.record);
  if (state_->keep_topology()) {
    state_->topology.nodes.push_back({id, graph::make_node_info(type, p.valid, !p.gaps.empty()), graph::day_spans(p.gaps)});
  }
  for (const auto& f : p.names) batch.put(Cf::kNames, keys::name(f, id), "");
  state_->pending.put_head(id, graph::run_head(type.tag, p.valid, p.gaps));
  ++state_->writes;
  state_->flush_pending();
  return id;
}

namespace {

// The stored edge with a new edge's identity, if there is one (type, ends and valid-from,
// all in the adjacency key, and the edge's key).
struct SameEdge {
  std::optional<EdgeId> id;
  std::optional<std::string> bytes;  // its record, when the search read it
  std::uint64_t identity = 0;        // the identity's hash: the edge cache's key (its 8 bytes) and hash
  std::string_view cache_key() const { return {reinterpret_cast<const char*>(&identity), sizeof identity}; }
};

SameEdge find_same_edge(detail::WriteState& st, const catalog::Catalog& catalog, const detail::PreparedEdge& p,
                        NodeId from, NodeId to) {
  auto& batch = *st.batch;
  const auto& type = *p.type;
  const std::uint32_t valid_from = keys::adj_from(p.valid);
  // edge_ids holds a 64-bit hash of the identity, not the identity (8 bytes an edge, not
  // the ends' keys and the edge's): a hit is confirmed from the edge's record, and a hit of
  // another identity with the same hash is settled by the search through the batch.
  SameEdge out;
  out.identity = p.identity_hash;
  auto same_identity = [&](EdgeId e) {
    out.bytes = batch.get(Cf::kEdges, keys::id(e));
    if (!out.bytes) return false;
    if (graph::same_content(*out.bytes, p.record)) return true;  // the same record holds the same identity
    Edge old = graph::decode_edge(catalog, e, *out.bytes);
    const bool same = old.from == from && old.to == to && old.type == type.name &&
                      keys::adj_from(old.valid) == valid_from && old.key == p.key;
    if (!same) out.bytes.reset();  // another edge's: the search below finds this one's
    return same;
  };
  if (st.edge_cache) {
    if (auto cached = st.edge_ids.find(out.cache_key(), out.identity)) {
      if (same_identity(*cached)) {
        out.id = *cached;
        return out;
      }
    } else if (from >= st.first_new_node || to >= st.first_new_node) {
      // An end created by this transaction: no stored edge has it, and the edges this
      // transaction wrote are all in edge_ids.
      return out;
    }
  }
  if (st.edge_cache) {
    // Not written by this transaction: stored before it, if at all.
    auto arc_hash = [](std::uint32_t tag, std::uint32_t other_tag, std::uint32_t valid, std::uint64_t other) {
      std::uint64_t h = (std::uint64_t{tag} << 32 | other_tag) * 0x9e3779b97f4a7c15ull;
      h ^= (std::uint64_t{valid} << 32 | (other >> 32)) + 0x632be59bd9b4e019ull + (h << 6) + (h >> 2);
      h ^= (other & 0xffffffffull) * 0xff51afd7ed558ccdull + (h << 6) + (h >> 2);
      return h;
    };
    std::vector<std::pair<std::uint64_t, EdgeId>> scratch;
    const std::vector<std::pair<std::uint64_t, EdgeId>>* arcs = nullptr;
    if (auto it = st.base_out.find(from); it != st.base_out.end()) {
      arcs = &it->second;
    } else {
      for (const auto& a : graph::read_runs(batch, from, nullptr, nullptr, st.commit).arcs) {
        if (a.dir == keys::kOut) scratch.emplace_back(arc_hash(a.tag, a.other_tag, a.from, a.other), a.edge);
      }
      std::sort(scratch.begin(), scratch.end());
      arcs = &scratch;
      if (scratch.size() >= 64) {  // a hub: kept for the edges to come
        if (st.base_out_entries + scratch.size() > detail::WriteState::kBaseOutLimit) {
          st.base_out.clear();
          st.base_out_entries = 0;
        }
        st.base_out_entries += scratch.size();
        arcs = &st.base_out.emplace(from, std::move(scratch)).first->second;
      }
    }
    const std::uint64_t h = arc_hash(type.tag, p.to_tag, valid_from, to);
    auto [lo, hi] = std::equal_range(arcs->begin(), arcs->end(), std::pair<std::uint64_t, EdgeId>{h, 0},
                                     [](const auto& x, const auto& y) { return x.first < y.first; });
    for (auto it = lo; it != hi; ++it) {
      if (same_identity(it->second)) {
        out.id = it->second;
        break;
      }
    }
    return out;
  }
  // The stored arcs of `from` (and those this transaction put) with the identity.
  for (const auto& a : graph::read_runs(batch, from, &st.pending).arcs) {
    if (a.dir != keys::kOut || a.tag != type.tag || a.other_tag != p.to_tag || a.from != valid_from || a.other != to) continue;
    auto bytes = batch.get(Cf::kEdges, keys::id(a.edge));
    if (bytes && graph::decode_edge(catalog, a.edge, *bytes).key == p.key) {
      out.id = a.edge;
      break;
    }
  }
  return out;
}

}  // namespace

EdgeId Transaction::put_edge(const EdgeInput& in) {
  require_open(*state_);
  auto p = detail::prepare_edge(*context_->catalog, in);
  return put(p);
}

EdgeId Transaction::put(detail::PreparedEdge& p) {
  require_open(*state_);
  const auto& catalog = *context_->catalog;
  const auto& type = *p.type;
  auto end = [&](const std::string& key_key, std::size_t hash, const NodeRef& ref, const char* side) -> NodeId {
    if (auto id = find_node_id(*state_, key_key, hash)) return *id;
    std::vector<std::string> keys;
    scan(ref.type, [&](const Node& n) { keys.push_back(n.key); return keys.size() < 100000; });
    auto near = text::nearest(ref.key, keys);
    throw not_found("{}: no node {}{}", side, ref.str(),
                    near ? fmt::format(" (did you mean {}:{}?)", ref.type, *near) : std::string());
  };
  NodeId from = end(p.from_key, p.from_hash, p.from, "from");
  NodeId to = end(p.to_key, p.to_hash, p.to, "to");
  auto lookup = [this](const std::string& k) { return lookup_key(k); };
  if (!p.cited.empty()) check_sources(*this, p.cited, "", document_lookup(catalog, lookup));
  if (p.refused) throw *p.refused;
  graph::set_edge_ends(p.record, from, to);
  graph::set_recorded(p.record, state_->commit);
  const std::string& record = p.record;

  auto& batch = *state_->batch;
  SameEdge same = find_same_edge(*state_, catalog, p, from, to);
  const std::optional<EdgeId>& existing = same.id;
  auto& st = *state_;
  EdgeId id;
  if (existing) {
    id = *existing;
    const bool created_here = id >= state_->first_new_edge;
    // The record, unless find_same_edge read it already.
    auto old = same.bytes ? std::move(same.bytes) : batch.get(Cf::kEdges, keys::id(id));
    if (old && graph::same_content(*old, record)) {
      if (!created_here) ++state_->edges.unchanged;
      return id;
    }
    if (!created_here) ++state_->edges.updated;
    // The version an earlier commit wrote, kept (as for a node).
    if (old && graph::recorded_of(*old) != st.commit) {
      batch.put(Cf::kHistory, keys::version(keys::kEdgeVersion, id, st.commit), *old);
    }
  } else {
    id = state_->next_edge++;
    ++state_->edges.created;
    ++state_->edge_delta[type.tag];
  }
  if (st.edge_cache) st.edge_ids.insert(same.cache_key(), id, same.identity);  // kept by the first identity with this hash
  batch.put(Cf::kEdges, keys::id(id), record);
  const keys::RunArc out = graph::run_arc(keys::kOut, type.tag, p.to_tag, p.valid, to, id);
  const keys::RunArc back = graph::run_arc(keys::kIn, type.tag, p.from_tag, p.valid, from, id);
  st.pending.put_arc(from, out);
  st.pending.put_arc(to, back);
  if (st.keep_topology()) {
    st.topology.arcs.push_back({from, graph::to_arc(from, out), true});
    st.topology.arcs.push_back({to, graph::to_arc(to, back), true});
  }
  ++state_->writes;
  st.flush_pending();
  return id;
}

bool Transaction::remove_edge(EdgeId id) {
  require_open(*state_);
  auto& batch = *state_->batch;
  auto bytes = batch.get(Cf::kEdges, keys::id(id));
  if (!bytes) return false;
  Edge e = graph::decode_edge(*context_->catalog, id, *bytes);
  state_->drop_edge_cache();
  // Its last committed version, kept (unless this transaction's put kept it already).
  if (e.recorded != state_->commit) batch.put(Cf::kHistory, keys::version(keys::kEdgeVersion, id, state_->commit), *bytes);
  ++state_->edges.removed;
  std::uint32_t tag = context_->catalog->find(e.type)->tag;
  // An arc is named by its direction and edge id: removing it needs no read.
  state_->pending.remove_arc(e.from, keys::kOut, tag, id);
  state_->pending.remove_arc(e.to, keys::kIn, tag, id);
  batch.del(Cf::kEdges, keys::id(id));
  for (auto [node, dir] : {std::pair{e.from, std::uint16_t{0}}, std::pair{e.to, graph::Arc::kIn}}) {
    graph::Arc arc;
    arc.edge = static_cast<std::uint32_t>(id);
    arc.type = dir;
    if (state_->keep_topology()) state_->topology.arcs.push_back({node, arc, false});
  }
  --state_->edge_delta[tag];
  ++state_->writes;
  return true;
}

namespace {

// The ids of the edges at node `id`, as the transaction sees them, each once (a self-loop
// has two arcs).
std::vector<EdgeId> edges_at(detail::WriteState& st, NodeId id) {
  std::vector<EdgeId> edges;
  for (const auto& a : graph::read_runs(*st.batch, id, &st.pending).arcs) edges.push_back(a.edge);
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

}  // namespace

bool Transaction::remove_node(const NodeRef& ref) {
  require_open(*state_);
  auto n = node(ref);
  if (!n) return false;
  auto& batch = *state_->batch;
  for (EdgeId e : edges_at(*state_, n->id)) remove_edge(e);
  const std::uint32_t tag = context_->catalog->find(ref.type)->tag;
  std::string key_key = keys::node_key(tag, ref.key);
  // Record time: its last committed version (unless a put of this transaction kept it
  // already); and, for a node stored before, its key and names, which no longer name it.
  const std::uint64_t commit = state_->commit;
  const std::string version_key = keys::version(keys::kNodeVersion, n->id, commit);
  if (n->recorded != commit) {
    auto bytes = batch.get(Cf::kNodes, keys::id(n->id));
    if (bytes) batch.put(Cf::kHistory, version_key, *bytes);
  }
  for (const auto& f : graph::folded_names(n->name, n->aliases)) batch.del(Cf::kNames, keys::name(f, n->id));
  if (n->id < state_->first_new_node) {
    batch.put(Cf::kHistory, keys::removed_key(key_key, commit), u64(n->id));
    // The names of the version an earlier commit made current (kept in history just now,
    // or by a put of this transaction, which wrote those it dropped already).
    if (auto last = batch.get(Cf::kHistory, version_key)) {
      Node committed = graph::decode_node(*context_->catalog, n->id, *last);
      for (const auto& f : graph::folded_names(committed.name, committed.aliases)) {
        batch.put(Cf::kHistory, keys::former_name(f, n->id, commit), "");
      }
    }
  }
  ++state_->nodes.removed;
  state_->node_ids.erase(key_key);
  state_->drop_caches();
  batch.del(Cf::kKeys, key_key);
  batch.del(Cf::kNodes, keys::id(n->id));
  state_->pending.remove_head(n->id);
  if (state_->keep_topology()) state_->topology.nodes.push_back({n->id, std::nullopt});
  --state_->node_delta[tag];
  ++state_->writes;
  return true;
}

bool Transaction::remove(const Deletion& d) {
  require_open(*state_);
  if (d.node.has_value() == d.edge.has_value()) {
    throw invalid("a deletion names a node or an edge: exactly one of them (it named {})", d.node ? "both" : "neither");
  }
  if (d.edge) {
    const auto* type = context_->catalog->find(d.edge->type);
    if (!type || !type->is_edge) {
      throw invalid("unknown edge type '{}'{}", d.edge->type, text::did_you_mean(d.edge->type, context_->catalog->names(true)));
    }
    auto e = edge(*d.edge);  // by its identity: type, ends, valid.from and key
    return e && remove_edge(e->id);
  }
  const auto* type = context_->catalog->find(d.node->type);
  if (!type || type->is_edge) {
    throw invalid("unknown node type '{}'{}", d.node->type, text::did_you_mean(d.node->type, context_->catalog->names(false)));
  }
  auto n = node(*d.node);
  if (!n) return false;
  if (!d.detach) {
    if (const auto edges = edges_at(*state_, n->id); !edges.empty()) {
      std::string first;
      if (auto e = edge(edges.front())) first = fmt::format("{} {} -> {}", e->type, e->from_ref.str(), e->to_ref.str());
      throw conflict("{} still has {} edge{} ({}{}): delete them first, or delete it with \"detach\": true", d.node->str(),
                     edges.size(), edges.size() == 1 ? "" : "s", first, edges.size() > 1 ? ", ..." : "");
    }
  }
  return remove_node(*d.node);
}

void Transaction::savepoint() {
  require_open(*state_);
  state_->batch->set_savepoint();
  state_->savepoints.push_back({state_->next_node, state_->next_edge, state_->writes, state_->nodes, state_->edges,
                                state_->node_delta, state_->edge_delta, state_->topology.arcs.size(),
                                state_->topology.nodes.size(), state_->pending.size()});
}

void Transaction::rollback_to_savepoint() {
  require_open(*state_);
  if (state_->savepoints.empty()) throw conflict("no savepoint to roll back to");
  state_->batch->rollback_to_savepoint();
  // The caches may hold what was undone: forget them (the node cache refills from the batch).
  state_->node_ids.clear();
  state_->drop_caches();
  const auto& s = state_->savepoints.back();
  state_->next_node = s.next_node;
  state_->next_edge = s.next_edge;
  state_->writes = s.writes;
  state_->nodes = s.nodes;
  state_->edges = s.edges;
  state_->node_delta = s.node_delta;
  state_->edge_delta = s.edge_delta;
  state_->pending.truncate(s.pending);  // no flush while a savepoint is open
  if (!state_->topology_dropped) {  // a dropped delta stays dropped: the commit rebuilds
    state_->topology.arcs.resize(s.topology_arcs);
    state_->topology.nodes.resize(s.topology_nodes);
  }
  state_->savepoints.pop_back();
}

void Transaction::release_savepoint() {
  require_open(*state_);
  if (state_->savepoints.empty()) throw conflict("no savepoint to release");
  state_->batch->pop_savepoint();
  state_->savepoints.pop_back();
  state_->flush_pending();
}

void Transaction::set_message(std::string message) {
  require_open(*state_);
  state_->message = std::move(message);
}

void Transaction::commit() {
  require_open(*state_);
  auto& batch = *state_->batch;
  state_->flush_pending(true);
  // Record time: a commit that changed anything takes its number and is logged.
  if (state_->writes > 0 || state_->parts > 0) {
    batch.put(Cf::kMeta, keys::kNextCommit, u64(state_->commit + 1));
    CommitInfo info;
    info.number = state_->commit;
    info.message = state_->message;
    info.nodes = state_->nodes;
    info.edges = state_->edges;
    info.nodes.unchanged = info.edges.unchanged = 0;
    graph::log_commit(batch, info);
  }
  batch.put(Cf::kMeta, keys::kNextNodeId, u64(state_->next_node));
  batch.put(Cf::kMeta, keys::kNextEdgeId, u64(state_->next_edge));
  // The record counts per type: the stored ones (the writer lock makes them current) moved
  // by this transaction's creations and removals.
  graph::TypeCounts counts;
  auto stored = [&](const std::string& key) -> std::int64_t {
    auto v = batch.get_base(Cf::kMeta, key);
    return v && v->size() == 8 ? static_cast<std::int64_t>(coding::get_u64(v->data())) : 0;
  };
  for (const auto& [tag, d] : state_->node_delta) {
    if (d != 0) counts.nodes[tag] = stored(keys::node_count(tag)) + d;
  }
  for (const auto& [tag, d] : state_->edge_delta) {
    if (d != 0) counts.edges[tag] = stored(keys::edge_count(tag)) + d;
  }
  graph::put_counts(batch, counts);
  auto& db = *state_->db;
  db.store->prepare(batch);  // a transaction past its memory: its tables, before readers wait
  {
    std::unique_lock<std::shared_mutex> publish(db.publish);
    db.store->commit(batch);
    ++db.generation;
    // The topology carried forward; were that to fail (memory), it is rebuilt when next asked.
    if (db.topology && state_->topology_dropped) {
      db.topology.reset();
    } else if (db.topology) {
      try {
        db.topology = db.topology->apply(state_->topology);
      } catch (...) {
        db.topology.reset();
      }
    }
  }
  state_->done = true;
  state_->lock.unlock();
}

void Transaction::rollback() {
  if (state_->done) return;
  state_->done = true;
  state_->lock.unlock();
}

namespace detail {

NodeId Writes::put(Transaction& txn, PreparedNode& node) { return txn.put(node); }
EdgeId Writes::put(Transaction& txn, PreparedEdge& edge) { return txn.put(edge); }
void Writes::prefetch(const Transaction& txn, const PreparedNode& node) { txn.state_->node_ids.prefetch(node.key_hash); }
void Writes::prefetch(const Transaction& txn, const PreparedEdge& edge) {
  const auto& st = *txn.state_;
  st.node_ids.prefetch(edge.from_hash);
  st.node_ids.prefetch(edge.to_hash);
  if (st.edge_cache) st.edge_ids.prefetch(edge.identity_hash);
}

}  // namespace detail

}  // namespace entente
