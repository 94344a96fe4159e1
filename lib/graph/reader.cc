// The reads of a Snapshot or a Transaction, over a storage::View.
#include <algorithm>
#include <array>
#include <cctype>

#include <capnp/schema.h>

#include "common/error.h"
#include "common/text.h"
#include "entente/database.h"
#include "graph/adjacency.h"
#include "graph/history.h"
#include "graph/records.h"
#include "graph/state.h"
#include "graph/topology.h"
#include "storage/keys.h"

namespace entente {

using storage::Cf;



Reader::Reader(std::unique_ptr<detail::ReadContext> context) : context_(std::move(context)) {}
Reader::~Reader() = default;

namespace {

// A node's or an edge's record as the reader sees it: the current one, or as of its commit.
std::optional<std::string> record_bytes(const detail::ReadContext& ctx, char kind, std::uint64_t id) {
  if (ctx.as_of) return graph::record_as_of(*ctx.view, kind, id, *ctx.as_of);
  return ctx.view->get(kind == keys::kNodeVersion ? Cf::kNodes : Cf::kEdges, keys::id(id));
}

}  // namespace

std::optional<std::uint64_t> Reader::as_of() const { return context_->as_of; }

std::optional<Node> Reader::node(NodeId id) const {
  auto bytes = record_bytes(*context_, keys::kNodeVersion, id);
  if (!bytes) return std::nullopt;
  return graph::decode_node(*context_->catalog, id, *bytes);
}

std::optional<Node> Reader::node(const NodeRef& ref) const {
  auto id = id_of(ref);
  if (!id) return std::nullopt;
  auto n = node(*id);
  if (!n) throw corruption("the key index names node {} for {}, which does not exist", *id, ref.str());
  return n;
}

std::optional<NodeId> Reader::id_of(const NodeRef& ref) const {
  const auto* type = context_->catalog->find(ref.type);
  if (!type || type->is_edge) return std::nullopt;
  const std::string key_key = keys::node_key(type->tag, ref.key);
  if (context_->as_of) {
    // The node the key named then: the one it names now, if it existed then (a key names
    // one node at a time), else one removed since (docs/history.md). Whether a node existed
    // then, from the snapshot's topology when it has one (no record read), else its record.
    const auto* topo = detail::topology_of(*context_, false);
    auto existed = [&](std::uint64_t id) {
      if (topo) {
        const auto* info = topo->node(id);
        return info && info->exists();
      }
      return graph::record_as_of(*context_->view, keys::kNodeVersion, id, *context_->as_of).has_value();
    };
    if (auto now = context_->view->get(Cf::kKeys, key_key); now && existed(keys::decode_id(*now))) {
      return keys::decode_id(*now);
    }
    for (std::uint64_t id : graph::removed_key_ids(*context_->view, key_key, *context_->as_of)) {
      if (existed(id)) return id;
    }
    return std::nullopt;
  }
  auto id = context_->view->get(Cf::kKeys, key_key);
  if (!id) return std::nullopt;
  return keys::decode_id(*id);
}

std::optional<Edge> Reader::edge(EdgeId id) const {
  auto bytes = record_bytes(*context_, keys::kEdgeVersion, id);
  if (!bytes) return std::nullopt;
  Edge e = graph::decode_edge(*context_->catalog, id, *bytes);
  auto from = node(e.from), to = node(e.to);
  if (!from || !to) throw corruption("edge {} ({}) has a dangling end", id, e.type);
  e.from_ref = from->ref();
  e.to_ref = to->ref();
  return e;
}

std::optional<Edge> Reader::edge(const EdgeInput& in) const {
  const auto& catalog = *context_->catalog;
  const auto* type = catalog.find(in.type);
  if (!type || !type->is_edge) return std::nullopt;
  auto from = id_of(in.from);
  auto to = from ? id_of(in.to) : std::nullopt;
  if (!from || !to) return std::nullopt;
  const std::uint32_t to_tag = catalog.find(in.to.type)->tag;  // id_of found the type
  // The edge's identity: its type, ends and valid-from (the arc's), then its key.
  const std::uint32_t from_day = in.valid && in.valid->from ? in.valid->from->first_day() : 0;
  std::optional<Edge> found;
  graph::Adjacency adj(*this);
  adj.arcs(*from, static_cast<std::uint16_t>(type->tag), [&](const graph::Arc& a) {
    if (a.other != *to || a.other_type != to_tag || a.from != from_day) return true;
    auto bytes = record_bytes(*context_, keys::kEdgeVersion, a.edge);
    if (!bytes) return true;
    Edge e = graph::decode_edge(catalog, a.edge, *bytes);
    if (e.key != in.key || keys::adj_from(e.valid) != keys::adj_from(in.valid)) return true;  // a partial date's day
    e.from_ref = in.from;
    e.to_ref = in.to;
    found = std::move(e);
    return false;
  });
  return found;
}

std::vector<Node> Reader::find(std::string_view name) const {
  std::string folded = text::fold(name);
  std::vector<Node> out;
  if (folded.empty()) return out;
  if (context_->as_of) {
    // The nodes that have had the name since, each as it was then, if it had it then.
    for (std::uint64_t id : graph::name_candidates(*context_->view, folded, *context_->as_of)) {
      auto n = node(id);
      if (!n) continue;
      const auto names = graph::folded_names(n->name, n->aliases);
      if (std::find(names.begin(), names.end(), folded) != names.end()) out.push_back(std::move(*n));
    }
  } else {
    context_->view->scan(Cf::kNames, keys::name_prefix(folded), [&](std::string_view k, std::string_view) {
      auto id = keys::decode_id(k.substr(k.size() - 8));
      if (auto n = node(id)) out.push_back(std::move(*n));
      return true;
    });
  }
  std::sort(out.begin(), out.end(), [](const Node& a, const Node& b) {
    return std::tie(a.type, a.key) < std::tie(b.type, b.key);
  });
  return out;
}

namespace {

// A key as written in lower and in upper case, where those differ from it.
std::vector<std::string> case_variants(std::string_view key) {
  std::string lower(key), upper(key);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::vector<std::string> out;
  if (lower != key) out.push_back(lower);
  if (upper != key && upper != lower) out.push_back(upper);
  return out;
}

}  // namespace

Node Reader::resolve(std::string_view text) const {
  auto colon = text.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    auto ref = NodeRef::parse(text);
    const auto* type = context_->catalog->find(ref.type);
    if (type && !type->is_edge) {
      if (auto n = node(ref)) return *n;
      // The key in another case (Organization:NATO for Organization:nato).
      for (const auto& variant : case_variants(ref.key)) {
        if (auto n = node(NodeRef{ref.type, variant})) return *n;
      }
      std::vector<std::string> keys;
      scan(ref.type, [&](const Node& n) {
        keys.push_back(n.key);
        return keys.size() < 100000;
      });
      auto near = text::nearest(ref.key, keys);
      throw not_found("no node {}{}", ref.str(), near ? fmt::format(" (did you mean {}:{}?)", ref.type, *near) : "");
    }
  }
  auto found = find(text);
  if (found.size() == 1) return found.front();
  if (found.size() > 1) {
    std::vector<std::string> refs;
    for (const auto& n : found) refs.push_back(n.ref().str());
    throw invalid("'{}' names {} nodes: {}; use Type:key", text, found.size(), fmt::join(refs, ", "));
  }
  // A bare key of any node type, if unique.
  std::vector<Node> by_key;
  for (const auto& t : context_->catalog->types()) {
    if (t.is_edge) continue;
    if (auto n = node(NodeRef{t.name, std::string(text)})) by_key.push_back(std::move(*n));
  }
  // Else the key in another case: NATO for nato, prk for PRK.
  if (by_key.empty()) {
    for (const auto& variant : case_variants(text)) {
      for (const auto& t : context_->catalog->types()) {
        if (t.is_edge) continue;
        if (auto n = node(NodeRef{t.name, variant})) by_key.push_back(std::move(*n));
      }
    }
  }
  if (by_key.size() == 1) return by_key.front();
  if (by_key.size() > 1) {
    std::vector<std::string> refs;
    for (const auto& n : by_key) refs.push_back(n.ref().str());
    throw invalid("'{}' is the key of {} nodes: {}; use Type:key", text, by_key.size(), fmt::join(refs, ", "));
  }
  // The nearest key (among the first 100,000 of each type), ignoring case.
  std::vector<std::string> keys, refs;
  for (const auto& t : context_->catalog->types()) {
    if (t.is_edge) continue;
    std::size_t seen = 0;
    scan(t.name, [&](const Node& n) {
      keys.push_back(text::fold(n.key));
      refs.push_back(n.ref().str());
      return ++seen < 100000;
    });
  }
  std::string hint;
  if (auto near = text::nearest(text::fold(text), keys)) {
    auto at = std::find(keys.begin(), keys.end(), *near) - keys.begin();
    hint = fmt::format("; did you mean {}?", refs[static_cast<std::size_t>(at)]);
  }
  throw not_found("no node named '{}' (give Type:key, a name or an alias){}", text, hint);
}

void Reader::scan(std::string_view type_name, const std::function<bool(const Node&)>& visit) const {
  const auto* type = context_->catalog->find(type_name);
  if (!type || type->is_edge) {
    throw invalid("unknown node type '{}'{}", type_name, text::did_you_mean(type_name, context_->catalog->names(false)));
  }
  graph::scan_type(*context_->view, type->tag, context_->as_of, [&](std::string_view, std::uint64_t id) {
    auto n = node(id);
    if (!n) throw corruption("the key index names node {}, which does not exist", id);
    return visit(*n);
  });
}

void Reader::out_edges(NodeId id, const std::function<bool(const Edge&)>& visit) const {
  graph::Adjacency adj(*this);
  adj.arcs(id, [&](const graph::Arc& a) {
    if (!a.out()) return false;  // outgoing arcs come first
    auto e = edge(a.edge);
    if (!e) throw corruption("adjacency entry of node {} names edge {}, which does not exist", id, a.edge);
    return visit(*e);
  });
}

namespace {

// The tags a NeighborQuery names, checked: edge types and node types.
struct QueryTags {
  std::vector<std::uint32_t> edges, nodes;
};

QueryTags query_tags(const catalog::Catalog& catalog, const NeighborQuery& query) {
  QueryTags tags;
  for (const auto& name : query.edge_types) {
    const auto* t = catalog.find(name);
    if (!t || !t->is_edge) throw invalid("unknown edge type '{}'{}", name, text::did_you_mean(name, catalog.names(true)));
    tags.edges.push_back(t->tag);
  }
  for (const auto& name : query.node_types) {
    const auto* t = catalog.find(name);
    if (!t || t->is_edge) throw invalid("unknown node type '{}'{}", name, text::did_you_mean(name, catalog.names(false)));
    tags.nodes.push_back(t->tag);
  }
  return tags;
}

// The arcs a NeighborQuery asks for, through an adjacency cursor: per direction, per edge
// type (found by seek or binary search) and then per node type in the order given, as the
// adjacency index orders them; each edge and each other node valid on the date.
template <class Visit>
void query_arcs(graph::Adjacency& adj, NodeId id, const NeighborQuery& query, Visit&& visit) {
  const QueryTags tags = query_tags(adj.catalog(), query);
  const bool at = query.at.has_value();
  const std::uint32_t day = at ? query.at->first_day() : 0;
  std::uint32_t node_tag = 0;  // the node type of this pass; 0: any
  // On a date, the other ends' validity is read for a batch of arcs at a time, their heads
  // fetched from memory together beforehand: at 10^7 records each head is a cache miss,
  // and misses asked for together overlap instead of following one another.
  std::array<graph::Arc, 16> batch;
  std::size_t held = 0;
  auto flush = [&] {
    const std::size_t n = held;
    held = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const graph::Arc& a = batch[i];
      auto holds = adj.holds(a.other, day);
      if (!holds) throw corruption("adjacency entry of node {} names node {}, which does not exist", id, a.other);
      if (*holds && !visit(a)) return false;
    }
    return true;
  };
  auto each = [&](const graph::Arc& a) {
    if (at && !a.holds(day)) return true;
    if (node_tag != 0 ? a.other_type != node_tag
                      : !tags.nodes.empty() &&
                            std::find(tags.nodes.begin(), tags.nodes.end(), a.other_type) == tags.nodes.end()) {
      return true;
    }
    if (!at) return static_cast<bool>(visit(a));
    adj.prefetch(a.other);
    batch[held++] = a;
    return held < batch.size() || flush();
  };
  const bool out = query.direction != Direction::kIn, in = query.direction != Direction::kOut;
  if (tags.edges.empty()) {
    if (adj.arcs(id, [&](const graph::Arc& a) { return (a.out() ? !out : !in) || each(a); })) flush();
    return;
  }
  for (std::uint16_t dir : {std::uint16_t{0}, graph::Arc::kIn}) {
    if (dir == 0 ? !out : !in) continue;
    for (auto tag : tags.edges) {
      const auto type = static_cast<std::uint16_t>(dir | tag);
      if (tags.nodes.size() > 1) {
        for (auto t : tags.nodes) {
          node_tag = t;
          if (!adj.arcs(id, type, each)) return;
        }
        node_tag = 0;
      } else if (!adj.arcs(id, type, each)) {
        return;
      }
    }
  }
  flush();
}

}  // namespace

Edge Reader::edge_between(EdgeId id, const Node& a, const Node& b) const {
  auto bytes = record_bytes(*context_, keys::kEdgeVersion, id);
  if (!bytes) throw corruption("an adjacency entry names edge {}, which does not exist", id);
  Edge e = graph::decode_edge(*context_->catalog, id, *bytes);
  e.from_ref = e.from == a.id ? a.ref() : b.ref();
  e.to_ref = e.to == a.id ? a.ref() : b.ref();
  return e;
}

std::vector<Neighbor> Reader::neighbors(NodeId id, const NeighborQuery& query) const {
  graph::Adjacency adj(*this);
  std::vector<Neighbor> out;
  std::optional<Node> self;
  query_arcs(adj, id, query, [&](const graph::Arc& a) {
    if (!self) {
      self = node(id);
      if (!self) throw corruption("node {} has adjacency entries but no record", id);
    }
    auto other = node(a.other);
    if (!other) throw corruption("adjacency entry of node {} names node {}, which does not exist", id, a.other);
    Edge e = edge_between(a.edge, *self, *other);
    out.push_back({std::move(e), std::move(*other), a.out() ? Direction::kOut : Direction::kIn});
    return true;
  });
  return out;
}

void Reader::adjacent(NodeId id, const NeighborQuery& query, const std::function<bool(const Step&)>& visit) const {
  graph::Adjacency adj(*this);
  const auto& catalog = adj.catalog();
  query_arcs(adj, id, query, [&](const graph::Arc& a) {
    return visit({a.edge, a.other, catalog.by_tag(a.tag()).name, catalog.by_tag(a.other_type).name,
                  a.out() ? Direction::kOut : Direction::kIn});
  });
}

struct NeighborCursor::Impl {
  const Reader* reader = nullptr;
  const catalog::Catalog* catalog = nullptr;
  NodeId from = 0;
  std::vector<graph::Arc> arcs;
  std::size_t next = 0;  // the index of the step after the current one
  std::optional<Reader::Step> step;
};

NeighborCursor Reader::cursor(NodeId id, const NeighborQuery& query) const {
  auto impl = std::make_unique<NeighborCursor::Impl>();
  graph::Adjacency adj(*this);
  impl->reader = this;
  impl->catalog = &adj.catalog();
  impl->from = id;
  query_arcs(adj, id, query, [&](const graph::Arc& a) {
    impl->arcs.push_back(a);
    return true;
  });
  return NeighborCursor(std::move(impl));
}

NeighborCursor::NeighborCursor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NeighborCursor::NeighborCursor(NeighborCursor&&) noexcept = default;
NeighborCursor& NeighborCursor::operator=(NeighborCursor&&) noexcept = default;
NeighborCursor::~NeighborCursor() = default;

bool NeighborCursor::next() {
  auto& c = *impl_;
  if (c.next >= c.arcs.size()) {
    c.next = c.arcs.size() + 1;
    c.step.reset();
    return false;
  }
  const graph::Arc& a = c.arcs[c.next++];
  c.step.emplace(Reader::Step{a.edge, a.other, c.catalog->by_tag(a.tag()).name, c.catalog->by_tag(a.other_type).name,
                              a.out() ? Direction::kOut : Direction::kIn});
  return true;
}

const Reader::Step& NeighborCursor::operator*() const {
  if (!impl_->step) throw invalid("a neighbor cursor was read before next() or after its end");
  return *impl_->step;
}

Edge NeighborCursor::edge() const {
  const auto& s = **this;
  auto e = impl_->reader->edge(s.edge);
  if (!e) throw corruption("an adjacency entry of node {} names edge {}, which does not exist", impl_->from, s.edge);
  return std::move(*e);
}

Node NeighborCursor::node() const {
  const auto& s = **this;
  auto n = impl_->reader->node(s.node);
  if (!n) throw corruption("adjacency entry of node {} names node {}, which does not exist", impl_->from, s.node);
  return std::move(*n);
}

std::size_t NeighborCursor::size() const { return impl_->arcs.size(); }

namespace {

// Counts the nodes of each type by their keys, and the edges by their records' heads.
void scan_counts(const detail::ReadContext& ctx, Stats& s) {
  const auto& catalog = *ctx.catalog;
  for (const auto& t : catalog.types()) {
    std::uint64_t n = 0;
    if (!t.is_edge) {
      graph::scan_type(*ctx.view, t.tag, ctx.as_of, [&](std::string_view, std::uint64_t) {
        ++n;
        return true;
      });
      s.nodes[t.name] = n;
    } else {
      s.edges[t.name] = 0;
    }
  }
  // Each edge record's head carries its type tag.
  ctx.view->scan(Cf::kEdges, "", [&](std::string_view k, std::string_view v) {
    if (ctx.as_of && graph::recorded_of(v) > *ctx.as_of) return true;  // written since: its version then is in history
    ++s.edges[catalog.by_tag(graph::edge_tag(keys::decode_id(k), v)).name];
    return true;
  });
  if (!ctx.as_of) return;
  // As of a commit: each edge whose current version was written since, or that was
  // removed since, counts by the version current then, if any: the first of its kept
  // versions to end after the commit (an edge whose current version is older has none).
  std::uint64_t last = 0;
  ctx.view->scan(Cf::kHistory, std::string(1, keys::kEdgeVersion), [&](std::string_view k, std::string_view v) {
    const std::uint64_t id = keys::version_id(k);
    if (id == last || keys::history_until(k) <= *ctx.as_of) return true;
    last = id;
    if (graph::recorded_of(v) <= *ctx.as_of) ++s.edges[catalog.by_tag(graph::edge_tag(id, v)).name];
    return true;
  });
}

}  // namespace

Stats Reader::stats() const {
  Stats s;
  const auto& catalog = *context_->catalog;
  if (context_->snapshot && context_->db->format >= 3 && !context_->as_of) {
    // The counts each commit keeps beside its records (meta count.node.*, count.edge.*,
    // written in the same batch; `check` compares them with the records): a snapshot's
    // counts without a scan of every key and edge (at 10^7 records, `entente stats` took
    // 3.37 s with the scan, 0.39 s without). A transaction scans: its own writes are
    // counted only when it commits.
    for (const auto& t : catalog.types()) (t.is_edge ? s.edges : s.nodes)[t.name] = 0;
    const auto counts = graph::read_counts(*context_->view);
    for (const auto* side : {&counts.nodes, &counts.edges}) {
      for (const auto& [tag, n] : *side) {
        const auto& t = catalog.by_tag(tag);
        (t.is_edge ? s.edges : s.nodes)[t.name] = static_cast<std::uint64_t>(std::max<std::int64_t>(n, 0));
      }
    }
  } else {
    scan_counts(*context_, s);
  }
  if (const auto* topo = detail::topology_of(*context_, true)) {
    auto m = topo->memory();
    s.topology_arcs = m.arcs;
    s.topology_bytes = m.bytes;
  }
  return s;
}

namespace {

PropertyInfo property_info(const catalog::PropDef& p) {
  PropertyInfo info{p.name, p.type_name, p.required, p.doc, {}};
  auto t = p.field.getType();
  if (t.isList()) t = t.asList().getElementType();
  if (t.isEnum()) {
    for (auto e : t.asEnum().getEnumerants()) info.values.push_back(text::camel_to_snake(e.getProto().getName().cStr()));
  }
  return info;
}

TypeInfo type_info(const catalog::TypeDef& t) {
  TypeInfo info{t.name, t.is_edge, t.doc, t.from, t.to, {}, t.in_force_only};
  for (const auto& p : t.props) info.properties.push_back(property_info(p));
  return info;
}

}  // namespace

std::vector<TypeInfo> Reader::types() const {
  std::vector<TypeInfo> out;
  for (const auto& t : context_->catalog->types()) out.push_back(type_info(t));
  return out;
}

std::optional<TypeInfo> Reader::type(std::string_view name) const {
  const auto* t = context_->catalog->find(name);
  if (!t) return std::nullopt;
  return type_info(*t);
}

bool Reader::load_topology() const { return detail::topology_of(*context_, true) != nullptr; }

Snapshot::~Snapshot() = default;

}  // namespace entente
