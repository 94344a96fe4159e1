// Writes: validation against the catalog, then the records and their indexes, all into
// the transaction's one WriteBatch.
#include <algorithm>
#include <set>

#include "common/coding.h"
#include "common/error.h"
#include "common/text.h"
#include "entente/database.h"
#include "graph/records.h"
#include "graph/state.h"
#include "storage/keys.h"

namespace entente {

using storage::Cf;

namespace {

// Limits on the size of what one node or edge holds (docs/interchange.md, "Limits"). They
// keep records, index entries, error messages and "did you mean" suggestions small.
constexpr std::size_t kMaxKeyBytes = 1024;   // keys, types, cited documents' keys
constexpr std::size_t kMaxNameBytes = 4096;  // a name, an alias, a locator
constexpr std::size_t kMaxAliases = 10000;
constexpr std::size_t kMaxCitations = 10000;

std::string human_size(std::size_t bytes) {
  return bytes % 1024 == 0 ? fmt::format("{} KiB", bytes / 1024) : fmt::format("{} bytes", bytes);
}

void check_size(std::string_view what, std::string_view s, std::size_t limit) {
  if (s.size() > limit) {
    throw invalid("{} is longer than the limit of {} ({} bytes)", what, human_size(limit), s.size());
  }
}

void check_count(std::string_view what, std::size_t n, std::size_t limit) {
  if (n > limit) throw invalid("too many {}: {} (the limit is {})", what, n, limit);
}

void check_text(std::string_view what, std::string_view s, bool allow_empty, std::size_t limit) {
  check_size(what, s, limit);
  if (!allow_empty && s.empty()) throw invalid("{} must not be empty", what);
  if (!text::valid_utf8(s)) throw invalid("{} is not valid UTF-8", what);
  if (text::has_control(s)) throw invalid("{} must not hold control characters", what);
}

void check_interval(const std::optional<Interval>& valid) {
  if (valid && valid->empty()) {
    throw invalid("valid: 'to' ({}) must be after 'from' ({})", valid->to->str(), valid->from->str());
  }
}

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
void check_sources(const Reader& reader, const std::vector<Citation>& sources, const std::string& self) {
  check_count("sources", sources.size(), kMaxCitations);
  for (const auto& c : sources) {
    check_text("sources: doc", c.doc, false, kMaxKeyBytes);
    check_text("sources: locator", c.locator, true, kMaxNameBytes);
    // A quote may hold newlines, but not NUL: it is stored as Cap'n Proto Text, which
    // reads back only up to the first NUL.
    if (!text::valid_utf8(c.quote)) throw invalid("sources: quote is not valid UTF-8");
    if (c.quote.find('\0') != std::string::npos) throw invalid("sources: quote must not hold NUL characters");
    if (c.doc == self || reader.node(NodeRef{"Document", c.doc})) continue;
    std::vector<std::string> docs;
    reader.scan("Document", [&](const Node& d) {
      docs.push_back(d.key);
      return docs.size() < 100000;
    });
    throw not_found("sources: no Document node '{}'{} (a cited document must be imported first)", c.doc,
                    text::did_you_mean(c.doc, docs));
  }
}

}  // namespace

namespace {

void require_open(const detail::WriteState& s) {
  if (s.done) throw conflict("the transaction is already committed or rolled back");
}

}  // namespace

NodeId Transaction::put_node(const NodeInput& in) {
  require_open(*state_);
  const auto& catalog = *context_->catalog;
  check_size("node type", in.type, kMaxKeyBytes);
  const auto* type = catalog.find(in.type);
  if (!type || type->is_edge) {
    throw invalid("unknown node type '{}'{}", in.type, text::did_you_mean(in.type, catalog.names(false)));
  }
  check_text("key", in.key, false, kMaxKeyBytes);
  check_text("name", in.name, true, kMaxNameBytes);
  check_count("aliases", in.aliases.size(), kMaxAliases);
  for (const auto& a : in.aliases) check_text("alias", a, false, kMaxNameBytes);
  check_interval(in.valid);
  check_sources(*this, in.sources, in.type == "Document" ? in.key : std::string());
  std::string record = graph::encode_node(*type, in);  // validates the properties

  auto& batch = *state_->batch;
  std::string key_key = keys::node_key(type->tag, in.key);
  NodeId id;
  if (auto existing = batch.get(Cf::kKeys, key_key)) {
    id = keys::decode_id(*existing);
    auto old_bytes = batch.get(Cf::kNodes, keys::id(id));
    if (old_bytes && *old_bytes == record) {
      ++state_->nodes.unchanged;
      return id;
    }
    ++state_->nodes.updated;
    if (old_bytes) {
      Node old = graph::decode_node(catalog, id, *old_bytes);
      for (const auto& f : graph::folded_names(old.name, old.aliases)) batch.del(Cf::kNames, keys::name(f, id));
    }
  } else {
    id = state_->next_node++;
    ++state_->nodes.created;
    batch.put(Cf::kKeys, key_key, u64(id));
  }
  batch.put(Cf::kNodes, keys::id(id), record);
  for (const auto& f : graph::folded_names(in.name, in.aliases)) batch.put(Cf::kNames, keys::name(f, id), "");
  ++state_->writes;
  return id;
}

EdgeId Transaction::put_edge(const EdgeInput& in) {
  require_open(*state_);
  const auto& catalog = *context_->catalog;
  check_size("edge type", in.type, kMaxKeyBytes);
  const auto* type = catalog.find(in.type);
  if (!type || !type->is_edge) {
    throw invalid("unknown edge type '{}'{}", in.type, text::did_you_mean(in.type, catalog.names(true)));
  }
  check_text("key", in.key, true, kMaxKeyBytes);
  check_interval(in.valid);
  auto end = [&](const NodeRef& ref, const std::vector<std::string>& allowed, const char* side) -> NodeId {
    check_size(fmt::format("{}: node type", side), ref.type, kMaxKeyBytes);
    check_size(fmt::format("{}: key", side), ref.key, kMaxKeyBytes);
    const auto* t = catalog.find(ref.type);
    if (!t || t->is_edge) {
      throw invalid("{}: unknown node type '{}'{}", side, ref.type, text::did_you_mean(ref.type, catalog.names(false)));
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), ref.type) == allowed.end()) {
      throw invalid("{}: {} cannot be the {} end of {} (allowed: {})", side, ref.str(), side, in.type,
                    fmt::join(allowed, ", "));
    }
    auto id = state_->batch->get(Cf::kKeys, keys::node_key(t->tag, ref.key));
    if (!id) {
      std::vector<std::string> keys;
      scan(ref.type, [&](const Node& n) { keys.push_back(n.key); return keys.size() < 100000; });
      auto near = text::nearest(ref.key, keys);
      throw not_found("{}: no node {}{}", side, ref.str(),
                      near ? fmt::format(" (did you mean {}:{}?)", ref.type, *near) : std::string());
    }
    return keys::decode_id(*id);
  };
  NodeId from = end(in.from, type->from, "from");
  NodeId to = end(in.to, type->to, "to");
  check_sources(*this, in.sources, "");
  std::string record = graph::encode_edge(*type, from, to, in);  // validates the properties

  auto& batch = *state_->batch;
  std::uint32_t valid_from = keys::adj_from(in.valid);

  // Identity: type, ends, valid-from (all in the adjacency key) and the edge's key.
  std::optional<EdgeId> existing;
  batch.scan(Cf::kAdj, keys::adj_prefix(from, keys::kOut, type->tag, valid_from, to),
             [&](std::string_view k, std::string_view) {
               auto a = keys::decode_adj(k);
               auto bytes = batch.get(Cf::kEdges, keys::id(a.edge));
               if (bytes && graph::decode_edge(catalog, a.edge, *bytes).key == in.key) {
                 existing = a.edge;
                 return false;
               }
               return true;
             });
  EdgeId id;
  if (existing) {
    id = *existing;
    if (auto old = batch.get(Cf::kEdges, keys::id(id)); old && *old == record) {
      ++state_->edges.unchanged;
      return id;
    }
    ++state_->edges.updated;
  } else {
    id = state_->next_edge++;
    ++state_->edges.created;
  }
  batch.put(Cf::kEdges, keys::id(id), record);
  std::string value = keys::adj_value(in.valid);
  batch.put(Cf::kAdj, keys::adj({from, keys::kOut, type->tag, valid_from, to, id}), value);
  batch.put(Cf::kAdj, keys::adj({to, keys::kIn, type->tag, valid_from, from, id}), value);
  ++state_->writes;
  return id;
}

bool Transaction::remove_edge(EdgeId id) {
  require_open(*state_);
  auto& batch = *state_->batch;
  auto bytes = batch.get(Cf::kEdges, keys::id(id));
  if (!bytes) return false;
  Edge e = graph::decode_edge(*context_->catalog, id, *bytes);
  std::uint32_t tag = context_->catalog->find(e.type)->tag;
  std::uint32_t valid_from = keys::adj_from(e.valid);
  batch.del(Cf::kAdj, keys::adj({e.from, keys::kOut, tag, valid_from, e.to, id}));
  batch.del(Cf::kAdj, keys::adj({e.to, keys::kIn, tag, valid_from, e.from, id}));
  batch.del(Cf::kEdges, keys::id(id));
  ++state_->writes;
  return true;
}

bool Transaction::remove_node(const NodeRef& ref) {
  require_open(*state_);
  auto n = node(ref);
  if (!n) return false;
  auto& batch = *state_->batch;
  std::vector<EdgeId> edges;
  batch.scan(Cf::kAdj, keys::adj_prefix(n->id), [&](std::string_view k, std::string_view) {
    edges.push_back(keys::decode_adj(k).edge);
    return true;
  });
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());  // a self-loop is listed twice
  for (EdgeId e : edges) remove_edge(e);
  for (const auto& f : graph::folded_names(n->name, n->aliases)) batch.del(Cf::kNames, keys::name(f, n->id));
  batch.del(Cf::kKeys, keys::node_key(context_->catalog->find(ref.type)->tag, ref.key));
  batch.del(Cf::kNodes, keys::id(n->id));
  ++state_->writes;
  return true;
}

void Transaction::savepoint() {
  require_open(*state_);
  state_->batch->set_savepoint();
  state_->savepoints.push_back({state_->next_node, state_->next_edge, state_->writes, state_->nodes, state_->edges});
}

void Transaction::rollback_to_savepoint() {
  require_open(*state_);
  if (state_->savepoints.empty()) throw conflict("no savepoint to roll back to");
  state_->batch->rollback_to_savepoint();
  const auto& s = state_->savepoints.back();
  state_->next_node = s.next_node;
  state_->next_edge = s.next_edge;
  state_->writes = s.writes;
  state_->nodes = s.nodes;
  state_->edges = s.edges;
  state_->savepoints.pop_back();
}

void Transaction::release_savepoint() {
  require_open(*state_);
  if (state_->savepoints.empty()) throw conflict("no savepoint to release");
  state_->batch->pop_savepoint();
  state_->savepoints.pop_back();
}

void Transaction::commit() {
  require_open(*state_);
  auto& batch = *state_->batch;
  batch.put(Cf::kMeta, keys::kNextNodeId, u64(state_->next_node));
  batch.put(Cf::kMeta, keys::kNextEdgeId, u64(state_->next_edge));
  state_->db->store->commit(batch);
  state_->done = true;
  state_->lock.unlock();
}

void Transaction::rollback() {
  if (state_->done) return;
  state_->done = true;
  state_->lock.unlock();
}

}  // namespace entente
