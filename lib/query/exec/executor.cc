#include "query/exec/executor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "common/error.h"
#include "graph/history.h"
#include "query/exec/eval.h"
#include "query/exec/procedures.h"

namespace entente::ql::exec {

using namespace bound;
using plan::Op;
using plan::OpKind;
using T = Value::Type;

namespace {

// One operator of the pipeline.
class Stage {
 public:
  virtual ~Stage() = default;
  // Takes a row (which it may change); false: no more rows are wanted.
  virtual bool push(Row& row) = 0;
  // The input has ended: flush held rows, then tell the next stage.
  virtual bool finish() { return next ? next->finish() : true; }
  Stage* next = nullptr;
};

// ---- matching helpers

bool has_label(const std::vector<std::string>& labels, const std::string& type) {
  return labels.empty() || std::find(labels.begin(), labels.end(), type) != labels.end();
}

// The pattern's property map, evaluated for the row.
std::vector<std::pair<std::string, Value>> eval_props(const std::vector<PropEntry>& props, const Row& row, Context& ctx) {
  std::vector<std::pair<std::string, Value>> out;
  for (const auto& p : props) out.emplace_back(p.key, eval(*p.value, row, ctx));
  return out;
}

bool node_matches(const Node& n, const NodePattern& p, const std::vector<std::pair<std::string, Value>>& props,
                  Context& ctx) {
  if (!has_label(p.labels, n.type)) return false;
  for (const auto& [k, v] : props) {
    auto e = equals(node_property(n, k, ctx.schema), v);
    if (!e || !*e) return false;
  }
  return !ctx.at || n.valid_at(*ctx.at);
}

bool edge_matches(const Edge& e, const std::vector<std::pair<std::string, Value>>& props, Context& ctx) {
  for (const auto& [k, v] : props) {
    auto r = equals(edge_property(e, k, ctx.schema), v);
    if (!r || !*r) return false;
  }
  return true;
}

const Node* node_in(const Row& row, int slot, const char* var, Pos pos) {
  const Value& v = row[static_cast<std::size_t>(slot)];
  if (v.is_null()) return nullptr;
  if (v.type() != T::kNode) type_error(pos, fmt::format("'{}' is a {}, not a node", var, Value::type_name(v.type())));
  return &v.as_node();
}

// Whether edge id is bound in one of the slots (a relationship, or a list of them).
bool edge_used(const Row& row, const std::vector<int>& slots, EdgeId id) {
  for (int s : slots) {
    const Value& v = row[static_cast<std::size_t>(s)];
    if (v.type() == T::kEdge && v.as_edge().id == id) return true;
    if (v.type() == T::kList) {
      for (const auto& e : v.as_list()) {
        if (e.type() == T::kEdge && e.as_edge().id == id) return true;
      }
    }
  }
  return false;
}

// The record of a node a traversal reached, or of an edge it took: the index names it, so
// it must exist.
template <class Record>
Record traversed(const Reader& reader, std::uint64_t id) {
  if constexpr (std::is_same_v<Record, Node>) {
    auto n = reader.node(id);
    if (!n) throw corruption("a traversal reached node {}, which does not exist", id);
    return std::move(*n);
  } else {
    auto e = reader.edge(id);
    if (!e) throw corruption("a traversal took edge {}, which does not exist", id);
    return std::move(*e);
  }
}

// ---- stages

class AnchorStage : public Stage {
 public:
  AnchorStage(const Op& op, Context& ctx) : op_(op), ctx_(ctx) {}

  bool push(Row& row) override {
    const NodePattern& p = *op_.node;
    auto props = eval_props(p.props, row, ctx_);
    auto slot = static_cast<std::size_t>(op_.to_slot);
    switch (op_.kind) {
      case OpKind::kNodeCheck: {
        const Node* n = node_in(row, op_.to_slot, p.var.c_str(), p.pos);
        if (!n || !node_matches(*n, p, props, ctx_)) return true;
        return next->push(row);
      }
      case OpKind::kNodeByKey: {
        Value key = eval(*op_.lookup, row, ctx_);
        if (key.is_null()) return true;
        if (key.type() != T::kString) return true;  // a key is a string: nothing else equals one
        const auto& types = p.labels.empty() ? ctx_.schema.node_type_names() : p.labels;
        for (const auto& t : types) {
          auto n = ctx_.reader.node(NodeRef{t, key.as_string()});
          if (!n || !node_matches(*n, p, props, ctx_)) continue;
          row[slot] = Value(std::move(*n));
          if (!next->push(row)) return false;
        }
        return true;
      }
      case OpKind::kNodeByName: {
        Value name = eval(*op_.lookup, row, ctx_);
        if (name.type() != T::kString) return true;
        for (auto& n : ctx_.reader.find(name.as_string())) {
          if (n.name != name.as_string() || !node_matches(n, p, props, ctx_)) continue;
          row[slot] = Value(std::move(n));
          if (!next->push(row)) return false;
        }
        return true;
      }
      default: {
        const auto& types = p.labels.empty() ? ctx_.schema.node_type_names() : p.labels;
        bool more = true;
        for (const auto& t : types) {
          ctx_.reader.scan(t, [&](const Node& n) {
            ctx_.step();
            if (!node_matches(n, p, props, ctx_)) return true;
            row[slot] = Value(n);
            more = next->push(row);
            return more;
          });
          if (!more) return false;
        }
        return true;
      }
    }
  }

 private:
  const Op& op_;
  Context& ctx_;
};

class ExpandStage : public Stage {
 public:
  ExpandStage(const Op& op, Context& ctx) : op_(op), ctx_(ctx) {}

  bool push(Row& row) override {
    const Node* from = node_in(row, op_.from_slot, "", op_.rel->pos);
    if (!from) return true;
    const NodePattern& to = *op_.node;
    auto node_props = eval_props(to.props, row, ctx_);
    auto rel_props = eval_props(op_.rel->props, row, ctx_);
    if (op_.kind == OpKind::kVarExpand) {
      // Records are read as the rows need them, each once per input row.
      if (!loaded_) {
        ctx_.reader.load_topology();
        loaded_ = true;
      }
      nodes_.clear();
      edges_.clear();
      Node start = *from;
      if (op_.distinct_ends) return distinct_ends(row, start, node_props);
      std::vector<Hop> path;
      return walk(row, start.id, path, node_props, rel_props);
    }
    if (op_.rel_by_id) return expand_by_ids(row, *from, node_props);
    for (auto& nb : neighbors(from->id)) {
      if (!edge_matches(nb.edge, rel_props, ctx_)) continue;
      if (edge_used(row, op_.unique_rels, nb.edge.id)) continue;
      if (!reach(row, nb.node, to, node_props)) continue;
      row[static_cast<std::size_t>(op_.rel->slot)] = Value(std::move(nb.edge));
      if (!next->push(row)) return false;
    }
    return true;
  }

 private:
  std::vector<Neighbor> neighbors(NodeId id) {
    NeighborQuery q;
    q.edge_types = op_.rel->types;
    q.direction = op_.dir;
    q.at = ctx_.at;
    auto out = ctx_.reader.neighbors(id, q);
    // A self-loop appears as an outgoing and an incoming entry: match it once.
    if (op_.dir == Direction::kBoth) {
      out.erase(std::remove_if(out.begin(), out.end(),
                               [](const Neighbor& n) { return n.direction == Direction::kIn && n.edge.from == n.edge.to; }),
                out.end());
    }
    for (std::size_t i = 0; i < out.size(); ++i) ctx_.step();
    return out;
  }

  // One hop whose relationship is only told apart by id: the steps by ids, the node
  // reached read (or checked against the bound one), the relationship's record not read.
  bool expand_by_ids(Row& row, const Node& from, const std::vector<std::pair<std::string, Value>>& node_props) {
    const NodeId from_id = from.id;  // `from` lives in the row, which the loop rewrites
    for (const Hop& h : steps(from_id)) {
      if (edge_used(row, op_.unique_rels, h.edge)) continue;
      auto to = static_cast<std::size_t>(op_.to_slot);
      if (op_.to_bound) {
        const Value& v = row[to];
        if (v.type() != T::kNode || v.as_node().id != h.node || !node_matches(v.as_node(), *op_.node, node_props, ctx_)) {
          continue;
        }
      } else if (op_.node_by_id) {
        // The steps held it valid on the query's date; its type is the step's.
        if (!has_label(op_.node->labels, *h.node_type)) continue;
        Node passed;
        passed.id = h.node;
        passed.type = *h.node_type;
        row[to] = Value(std::move(passed));
      } else {
        const Node& n = reached(h.node);
        if (!node_matches(n, *op_.node, node_props, ctx_)) continue;
        row[to] = Value(n);
      }
      Edge taken;
      taken.id = h.edge;
      row[static_cast<std::size_t>(op_.rel->slot)] = Value(std::move(taken));
      if (!next->push(row)) return false;
    }
    return true;
  }

  // A node reached, read once for many rows that reach it (up to kReachedCache nodes).
  const Node& reached(NodeId id) {
    constexpr std::size_t kReachedCache = 4096;
    auto it = reached_.find(id);
    if (it != reached_.end()) return it->second;
    if (reached_.size() >= kReachedCache) reached_.clear();
    return reached_.emplace(id, traversed<Node>(ctx_.reader, id)).first->second;
  }

  // Binds (or checks) the node reached.
  bool reach(Row& row, const Node& n, const NodePattern& p, const std::vector<std::pair<std::string, Value>>& props) {
    auto slot = static_cast<std::size_t>(op_.to_slot);
    if (op_.to_bound) {
      const Value& v = row[slot];
      if (v.type() != T::kNode || v.as_node().id != n.id) return false;
      return node_matches(n, p, props, ctx_);
    }
    if (!node_matches(n, p, props, ctx_)) return false;
    row[slot] = Value(n);
    return true;
  }

  // One relationship of a variable-length match: the edge and the node it reaches.
  struct Hop {
    EdgeId edge;
    NodeId node;
    const std::string* node_type = nullptr;  // the catalog's name, which outlives the query
  };

  // The steps from node `at` the pattern allows (types, direction, date), by ids; a self-loop
  // matched in both directions counts once.
  std::vector<Hop> steps(NodeId at) {
    NeighborQuery q;
    q.edge_types = op_.rel->types;
    q.direction = op_.dir;
    q.at = ctx_.at;
    std::vector<Hop> out;
    ctx_.reader.adjacent(at, q, [&](const Reader::Step& s) {
      if (op_.dir == Direction::kBoth && s.direction == Direction::kIn && s.node == at) return true;
      ctx_.step();
      out.push_back({s.edge, s.node, &s.node_type});
      return true;
    });
    return out;
  }

  // Records read once per input row.
  template <class Record>
  const Record& cached(std::unordered_map<std::uint64_t, Record>& cache, std::uint64_t id) {
    auto it = cache.find(id);
    if (it == cache.end()) it = cache.emplace(id, traversed<Record>(ctx_.reader, id)).first;
    return it->second;
  }
  const Node& node_of(NodeId id) { return cached(nodes_, id); }
  const Edge& edge_of(EdgeId id) { return cached(edges_, id); }

  // Depth-first over trails of min..max relationships (each relationship once), by ids: a
  // record is read only for a row that is emitted, or to test the relationship's properties.
  bool walk(Row& row, NodeId at, std::vector<Hop>& path, const std::vector<std::pair<std::string, Value>>& node_props,
            const std::vector<std::pair<std::string, Value>>& rel_props) {
    const RelPattern& r = *op_.rel;
    auto depth = static_cast<int>(path.size());
    if (depth >= r.min && reach(row, node_of(at), *op_.node, node_props)) {
      Value::List edges;
      for (const auto& h : path) edges.emplace_back(edge_of(h.edge));
      if (op_.reversed) std::reverse(edges.begin(), edges.end());
      row[static_cast<std::size_t>(r.slot)] = Value(std::move(edges));
      if (!next->push(row)) return false;
    }
    if (depth >= r.max) return true;
    for (const Hop& h : steps(at)) {
      bool repeated = std::any_of(path.begin(), path.end(), [&](const Hop& p) { return p.edge == h.edge; });
      if (repeated || edge_used(row, op_.unique_rels, h.edge)) continue;
      if (!rel_props.empty() && !edge_matches(edge_of(h.edge), rel_props, ctx_)) continue;
      path.push_back(h);
      bool more = walk(row, h.node, path, node_props, rel_props);
      path.pop_back();
      if (!more) return false;
    }
    return true;
  }

  // The end nodes of the trails of min..max relationships (min <= 1), each once, breadth-first
  // with a visited set: a node other than the start is the end of such a trail exactly when
  // its distance is at most max (a shortest path is a trail). The start ends one when min is
  // 0, or when a closed trail of at most max relationships passes through it: found from the
  // search tree as a relationship back to the start, or between two of its branches.
  bool distinct_ends(Row& row, const Node& start, const std::vector<std::pair<std::string, Value>>& node_props) {
    const RelPattern& r = *op_.rel;
    std::vector<EdgeId> taken;  // this MATCH's relationships bound before: not to be used again
    for (int s : op_.unique_rels) {
      const Value& v = row[static_cast<std::size_t>(s)];
      if (v.type() == T::kEdge) taken.push_back(v.as_edge().id);
      if (v.type() == T::kList) {
        for (const auto& e : v.as_list()) {
          if (e.type() == T::kEdge) taken.push_back(e.as_edge().id);
        }
      }
    }
    struct Seen {
      int depth;
      EdgeId branch;  // the first relationship of the search tree's path to it (0: the start)
    };
    std::unordered_map<NodeId, Seen> seen{{start.id, {0, 0}}};
    std::vector<NodeId> order, frontier{start.id};
    const bool undirected = op_.dir == Direction::kBoth;
    int closed = 0;  // the shortest closed trail through the start found (0: none)
    auto close = [&](int length) {
      if (closed == 0 || length < closed) closed = length;
    };
    for (int depth = 0; depth < r.max && !frontier.empty(); ++depth) {
      std::vector<NodeId> next_frontier;
      for (NodeId u : frontier) {
        const Seen su = seen.at(u);
        for (const Hop& h : steps(u)) {
          if (std::find(taken.begin(), taken.end(), h.edge) != taken.end()) continue;
          auto [it, added] = seen.try_emplace(h.node, Seen{depth + 1, u == start.id ? h.edge : su.branch});
          if (added) {
            order.push_back(h.node);
            next_frontier.push_back(h.node);
            continue;
          }
          if (h.node == start.id) {
            // Back to the start: by another relationship than the one that left it.
            if (!undirected || h.edge != su.branch) close(depth + 1);
          } else if (undirected && it->second.branch != su.branch && it->second.branch != 0) {
            close(depth + 1 + it->second.depth);
          }
        }
      }
      frontier = std::move(next_frontier);
    }
    auto emit = [&](const Node& n) {
      if (!reach(row, n, *op_.node, node_props)) return true;
      row[static_cast<std::size_t>(r.slot)] = Value(Value::List{});
      return next->push(row);
    };
    if (r.min == 0 || (closed > 0 && closed <= r.max)) {
      if (!emit(start)) return false;
    }
    for (NodeId id : order) {
      if (op_.ends_by_id) {
        // Only counted, and no label or property to check: the steps already held the
        // node valid on the query's date.
        Node counted;
        counted.id = id;
        row[static_cast<std::size_t>(op_.to_slot)] = Value(std::move(counted));
        row[static_cast<std::size_t>(r.slot)] = Value(Value::List{});
        if (!next->push(row)) return false;
      } else if (!emit(traversed<Node>(ctx_.reader, id))) {
        return false;
      }
    }
    return true;
  }

  std::unordered_map<NodeId, Node> nodes_;
  std::unordered_map<EdgeId, Edge> edges_;
  std::unordered_map<NodeId, Node> reached_;  // expand_by_ids: nodes read
  static_assert(std::is_same_v<NodeId, std::uint64_t> && std::is_same_v<EdgeId, std::uint64_t>);
  bool loaded_ = false;  // the topology asked for
  const Op& op_;
  Context& ctx_;
};

class ShortestPathStage : public Stage {
 public:
  ShortestPathStage(const Op& op, Context& ctx) : op_(op), ctx_(ctx) {}

  bool push(Row& row) override {
    const Node* a = node_in(row, op_.from_slot, "", op_.path->pos);
    const Node* b = node_in(row, op_.to_slot, "", op_.path->pos);
    if (!a || !b) return true;
    const RelPattern& r = *op_.rel;
    auto rel_props = eval_props(r.props, row, ctx_);
    int max = r.var_length ? r.max : 1;
    int min = r.var_length ? r.min : 1;
    ctx_.reader.load_topology();
    NeighborQuery q;
    q.edge_types = r.types;
    q.direction = op_.dir;
    q.at = ctx_.at;
    // The path as ids from a to b; records are read for it alone, and for relationships
    // when the pattern tests their properties.
    std::vector<NodeId> node_ids;
    std::vector<EdgeId> edge_ids;
    const bool found = min <= 1 && a->id != b->id
                           ? from_both_ends(a->id, b->id, max, q, rel_props, node_ids, edge_ids)
                           : from_one_end(a->id, b->id, min, max, q, rel_props, node_ids, edge_ids);
    if (!found) return true;
    Path p;
    for (NodeId n : node_ids) p.nodes.push_back(traversed<Node>(ctx_.reader, n));
    for (EdgeId e : edge_ids) p.edges.push_back(traversed<Edge>(ctx_.reader, e));
    if (r.var_length) {
      Value::List edges;
      for (const auto& e : p.edges) edges.emplace_back(e);
      row[static_cast<std::size_t>(r.slot)] = Value(std::move(edges));
    } else {
      row[static_cast<std::size_t>(r.slot)] = p.edges.empty() ? Value() : Value(p.edges.front());
    }
    if (op_.path->slot >= 0) row[static_cast<std::size_t>(op_.path->slot)] = Value(std::move(p));
    return next->push(row);
  }

 private:
  using Props = decltype(eval_props(std::declval<const RelPattern&>().props, std::declval<Row&>(),
                                    std::declval<Context&>()));

  bool edge_ok(EdgeId e, const Props& rel_props) {
    return rel_props.empty() || edge_matches(traversed<Edge>(ctx_.reader, e), rel_props, ctx_);
  }

  // Breadth-first from both ends at once, a level at a time from the side whose frontier
  // is smaller, until a step from one side reaches a node the other has seen: at 10^7
  // records a state's PARTY_TO edges reach thousands of agreements, and one search from a
  // alone read most of the graph within the path's length before it met b. The first
  // meeting is a shortest path: no node was seen by both sides before this level, so a and
  // b are further apart than the two depths together, and this step makes one more.
  bool from_both_ends(NodeId a, NodeId b, int max, const NeighborQuery& q, const Props& rel_props,
                      std::vector<NodeId>& nodes, std::vector<EdgeId>& edges) {
    struct Seen {
      NodeId prev = 0;  // toward the side's own end (0 at the end itself)
      EdgeId via = 0;
      int depth = 0;
    };
    struct Side {
      std::unordered_map<NodeId, Seen> seen;
      std::vector<NodeId> frontier;
      int depth = 0;
      NeighborQuery q;
    };
    Side from_a, from_b;
    from_a.seen[a] = {};
    from_a.frontier = {a};
    from_a.q = q;
    from_b.seen[b] = {};
    from_b.frontier = {b};
    from_b.q = q;
    from_b.q.direction = q.direction == Direction::kOut ? Direction::kIn
                         : q.direction == Direction::kIn ? Direction::kOut
                                                         : Direction::kBoth;
    struct Meeting {
      NodeId near, far;  // near: on the side that stepped; far: seen by the other side
      EdgeId via;
    };
    std::optional<Meeting> met;
    bool a_stepped = true;
    while (!met && !from_a.frontier.empty() && !from_b.frontier.empty() && from_a.depth + from_b.depth < max) {
      a_stepped = from_a.frontier.size() <= from_b.frontier.size();
      Side& side = a_stepped ? from_a : from_b;
      const Side& other = a_stepped ? from_b : from_a;
      std::vector<NodeId> next;
      for (NodeId u : side.frontier) {
        ctx_.reader.adjacent(u, side.q, [&](const Reader::Step& s) {
          ctx_.step();
          if (side.seen.count(s.node)) return true;
          if (!edge_ok(s.edge, rel_props)) return true;
          if (other.seen.count(s.node)) {
            met = Meeting{u, s.node, s.edge};
            return false;
          }
          side.seen[s.node] = {u, s.edge, side.depth + 1};
          next.push_back(s.node);
          return true;
        });
        if (met) break;
      }
      side.frontier = std::move(next);
      ++side.depth;
    }
    if (!met) return false;
    // a .. (the meeting edge) .. b
    const Side& near_side = a_stepped ? from_a : from_b;
    const Side& far_side = a_stepped ? from_b : from_a;
    auto chain = [](const Side& side, NodeId from, std::vector<NodeId>& ns, std::vector<EdgeId>& es) {
      for (NodeId n = from;;) {
        ns.push_back(n);
        const Seen& s = side.seen.at(n);
        if (s.prev == 0 && s.via == 0) break;
        es.push_back(s.via);
        n = s.prev;
      }
    };
    std::vector<NodeId> near_nodes, far_nodes;
    std::vector<EdgeId> near_edges, far_edges;
    chain(near_side, met->near, near_nodes, near_edges);  // the meeting's near node back to its side's end
    chain(far_side, met->far, far_nodes, far_edges);      // the far node back to the other end
    // As walked from the near side's end: near chain reversed, the meeting edge, far chain.
    std::vector<NodeId> ns(near_nodes.rbegin(), near_nodes.rend());
    std::vector<EdgeId> es(near_edges.rbegin(), near_edges.rend());
    es.push_back(met->via);
    ns.insert(ns.end(), far_nodes.begin(), far_nodes.end());
    es.insert(es.end(), far_edges.begin(), far_edges.end());
    if (!a_stepped) {  // the walk went from b to a
      std::reverse(ns.begin(), ns.end());
      std::reverse(es.begin(), es.end());
    }
    nodes = std::move(ns);
    edges = std::move(es);
    return true;
  }

  // Breadth-first from a alone, by ids; each node remembers the step that reached it first.
  // For a least length above 1 (or a path from a back to itself), where the first meeting
  // of two searches need not be long enough.
  bool from_one_end(NodeId a, NodeId b, int min, int max, const NeighborQuery& q, const Props& rel_props,
                    std::vector<NodeId>& nodes, std::vector<EdgeId>& edges) {
    struct Reached {
      NodeId node;
      EdgeId via = 0;
      std::size_t parent = 0;
      int depth = 0;
    };
    std::vector<Reached> seen{{a, 0, 0, 0}};
    std::unordered_set<NodeId> visited{a};
    std::optional<std::size_t> found;
    if (a == b && min == 0) found = 0;
    for (std::size_t i = 0; i < seen.size() && !found; ++i) {
      if (seen[i].depth >= max) continue;
      const NodeId u = seen[i].node;
      const int depth = seen[i].depth;
      ctx_.reader.adjacent(u, q, [&](const Reader::Step& s) {
        ctx_.step();
        if (!edge_ok(s.edge, rel_props)) return true;
        if (s.node == b && depth + 1 >= min) {
          seen.push_back({s.node, s.edge, i, depth + 1});
          found = seen.size() - 1;
          return false;
        }
        if (!visited.insert(s.node).second) return true;
        seen.push_back({s.node, s.edge, i, depth + 1});
        return true;
      });
    }
    if (!found) return false;
    for (std::size_t i = *found;; i = seen[i].parent) {
      nodes.push_back(seen[i].node);
      if (seen[i].via) edges.push_back(seen[i].via);
      if (i == 0) break;
    }
    std::reverse(nodes.begin(), nodes.end());
    std::reverse(edges.begin(), edges.end());
    return true;
  }

  const Op& op_;
  Context& ctx_;
};

class BuildPathStage : public Stage {
 public:
  BuildPathStage(const Op& op, Context& ctx) : op_(op), ctx_(ctx) {}

  bool push(Row& row) override {
    const PathPattern& pp = *op_.path;
    Path p;
    const Node* first = node_in(row, pp.nodes[0].slot, "", pp.pos);
    if (!first) return true;
    p.nodes.push_back(*first);
    for (std::size_t i = 0; i < pp.rels.size(); ++i) {
      const Value& r = row[static_cast<std::size_t>(pp.rels[i].slot)];
      std::vector<const Edge*> edges;
      if (r.type() == T::kEdge) edges.push_back(&r.as_edge());
      if (r.type() == T::kList) {
        for (const auto& e : r.as_list()) edges.push_back(&e.as_edge());
      }
      for (std::size_t k = 0; k < edges.size(); ++k) {
        const Edge& e = *edges[k];
        p.edges.push_back(e);
        NodeId other = e.from == p.nodes.back().id ? e.to : e.from;
        if (k + 1 == edges.size()) {
          const Node* n = node_in(row, pp.nodes[i + 1].slot, "", pp.pos);
          if (!n) return true;
          p.nodes.push_back(*n);
        } else {
          auto n = ctx_.reader.node(other);
          if (!n) return true;
          p.nodes.push_back(std::move(*n));
        }
      }
    }
    row[static_cast<std::size_t>(pp.slot)] = Value(std::move(p));
    return next->push(row);
  }

 private:
  const Op& op_;
  Context& ctx_;
};

class FilterStage : public Stage {
 public:
  FilterStage(const Expr& e, Context& ctx) : e_(e), ctx_(ctx) {}
  bool push(Row& row) override {
    ctx_.tick();
    if (!truthy(eval(e_, row, ctx_), e_)) return true;
    return next->push(row);
  }

 private:
  const Expr& e_;
  Context& ctx_;
};

// The end of an OPTIONAL MATCH's sub-plan: passes rows on, noting that one came.
class ForwardStage : public Stage {
 public:
  bool push(Row& row) override {
    matched = true;
    return next->push(row);
  }
  bool finish() override { return true; }
  bool matched = false;
};

class OptionalStage : public Stage {
 public:
  OptionalStage(const Op& op, std::vector<std::unique_ptr<Stage>> sub) : op_(op), sub_(std::move(sub)) {
    for (std::size_t i = 0; i + 1 < sub_.size(); ++i) sub_[i]->next = sub_[i + 1].get();
    sub_.back()->next = &end_;
  }
  bool push(Row& row) override {
    end_.next = next;
    end_.matched = false;
    Row copy = row;
    if (!sub_.front()->push(copy)) return false;
    if (end_.matched) return true;
    for (int s : op_.nulls) row[static_cast<std::size_t>(s)] = Value();
    return next->push(row);
  }

 private:
  const Op& op_;
  std::vector<std::unique_ptr<Stage>> sub_;
  ForwardStage end_;
};

class CallStage : public Stage {
 public:
  CallStage(const Call& call, Context& ctx) : call_(call), ctx_(ctx) {}
  bool push(Row& row) override {
    std::vector<Value> args;
    for (const auto& a : call_.args) args.push_back(eval(*a, row, ctx_));
    for (auto& result : run_procedure(call_, args, ctx_)) {
      ctx_.step();
      for (const auto& y : call_.yields) {
        row[static_cast<std::size_t>(y.slot)] = std::move(result[static_cast<std::size_t>(y.column)]);
      }
      if (!next->push(row)) return false;
    }
    return true;
  }

 private:
  const Call& call_;
  Context& ctx_;
};

class UnwindStage : public Stage {
 public:
  UnwindStage(const Unwind& u, Context& ctx) : u_(u), ctx_(ctx) {}
  bool push(Row& row) override {
    Value v = eval(*u_.expr, row, ctx_);
    auto slot = static_cast<std::size_t>(u_.slot);
    if (v.is_null()) return true;
    if (v.type() != T::kList) {
      row[slot] = std::move(v);
      return next->push(row);
    }
    for (const auto& e : v.as_list()) {
      ctx_.step();
      row[slot] = e;
      if (!next->push(row)) return false;
    }
    return true;
  }

 private:
  const Unwind& u_;
  Context& ctx_;
};

// An aggregate's running state for one group.
struct Accumulator {
  std::int64_t count = 0;
  Value best;
  std::int64_t isum = 0;
  double fsum = 0;
  bool is_float = false;
  Value::List items;
  // DISTINCT: the values met. Nodes and relationships are equal when their ids are, and to
  // nothing else, so they are kept by id in hash sets (count(DISTINCT b) over a
  // variable-length pattern's ends meets hundreds of thousands); other values in order.
  std::set<Value, ValueLess> seen;
  std::unordered_set<NodeId> seen_nodes;
  std::unordered_set<EdgeId> seen_edges;
  double percentile = 0;  // percentileCont, percentileDisc: the p asked for

  // Whether v is met for the first time; the bytes it then holds, through `held`.
  bool first_time(const Value& v, std::uint64_t& held) {
    if (v.type() == Value::Type::kNode) {
      held = 2 * sizeof(NodeId);
      return seen_nodes.insert(v.as_node().id).second;
    }
    if (v.type() == Value::Type::kEdge) {
      held = 2 * sizeof(EdgeId);
      return seen_edges.insert(v.as_edge().id).second;
    }
    held = 0;
    return seen.insert(v).second;
  }
};

class ProjectStage : public Stage {
 public:
  ProjectStage(const Projection& p, int width, Context& ctx) : p_(p), width_(width), ctx_(ctx) {
    skip_ = count_of(p.skip.get(), "SKIP");
    limit_ = p.limit ? std::optional<std::int64_t>(count_of(p.limit.get(), "LIMIT")) : std::nullopt;
  }
  ~ProjectStage() override { ctx_.release(charged_); }
  ProjectStage(const ProjectStage&) = delete;
  ProjectStage& operator=(const ProjectStage&) = delete;

  bool push(Row& row) override {
    ctx_.tick();
    if (limit_ && *limit_ == 0) return false;
    if (p_.aggregating) {
      accumulate(row);
      return true;
    }
    for (const auto& item : p_.items) row[static_cast<std::size_t>(item.slot)] = eval(*item.expr, row, ctx_);
    Row out = fresh(row);
    if (!p_.order.empty()) {
      std::vector<Value> keys;
      for (const auto& s : p_.order) keys.push_back(eval(*s.expr, row, ctx_));
      charge([&] { return approx_bytes(keys) + approx_bytes(out); });
      held_.push_back({std::move(keys), std::move(out)});
      return true;
    }
    return emit(out);
  }

  bool finish() override {
    bool more = true;
    // A subquery evaluated inside may run a projection of its own: restore the outer group's.
    const std::vector<Value>* outer_aggregates = ctx_.aggregates;
    if (p_.aggregating) {
      if (groups_.empty() && grouping_keys() == 0) new_group({}, Row(static_cast<std::size_t>(width_)));
      for (auto& g : groups_) {
        std::vector<Value> results;
        for (std::size_t i = 0; i < p_.aggregates.size(); ++i) results.push_back(result(*p_.aggregates[i], g.accs[i]));
        ctx_.aggregates = &results;
        for (const auto& item : p_.items) g.row[static_cast<std::size_t>(item.slot)] = eval(*item.expr, g.row, ctx_);
        ctx_.aggregates = outer_aggregates;
        Row out = fresh(g.row);
        if (!p_.order.empty()) {
          std::vector<Value> keys;
          ctx_.aggregates = &results;
          for (const auto& s : p_.order) keys.push_back(eval(*s.expr, out, ctx_));
          ctx_.aggregates = outer_aggregates;
          charge([&] { return approx_bytes(keys) + approx_bytes(out); });
          held_.push_back({std::move(keys), std::move(out)});
        } else if (more) {
          more = emit(out);
        }
      }
    }
    if (!p_.order.empty()) {
      ctx_.check_time();
      std::stable_sort(held_.begin(), held_.end(), [&](const Held& a, const Held& b) {
        for (std::size_t i = 0; i < p_.order.size(); ++i) {
          int c = order(a.keys[i], b.keys[i]);
          // Ascending puts nulls last; descending first.
          if (c != 0) return p_.order[i].descending ? c > 0 : c < 0;
        }
        return false;
      });
      ctx_.check_time();
      for (auto& h : held_) {
        if (!more) break;
        ctx_.tick();
        more = emit(h.row);
      }
      held_.clear();
    }
    return next->finish();
  }

 private:
  struct Held {
    std::vector<Value> keys;
    Row row;
  };
  struct Group {
    Row row;  // the group's first row
    std::vector<Accumulator> accs;
  };

  std::int64_t count_of(const Expr* e, const char* what) {
    if (!e) return 0;
    Row none;
    Value v = eval(*e, none, ctx_);
    if (v.type() != T::kInt || v.as_int() < 0) {
      throw invalid("line {}:{}: {} needs a non-negative Integer, got {}", e->pos.line, e->pos.col, what, v.str());
    }
    return v.as_int();
  }

  std::size_t grouping_keys() const {
    std::size_t n = 0;
    for (const auto& item : p_.items) n += has_agg(*item.expr) ? 0 : 1;
    return n;
  }
  static bool has_agg(const Expr& e) {
    if (e.agg >= 0) return true;
    return std::any_of(e.args.begin(), e.args.end(), [](const ExprPtr& a) { return has_agg(*a); });
  }

  Row fresh(const Row& row) const {
    Row out(static_cast<std::size_t>(width_));
    for (const auto& item : p_.items) out[static_cast<std::size_t>(item.slot)] = row[static_cast<std::size_t>(item.slot)];
    return out;
  }

  bool emit(Row& out) {
    if (p_.distinct) {
      std::vector<Value> key;
      for (const auto& item : p_.items) key.push_back(out[static_cast<std::size_t>(item.slot)]);
      const auto inserted = distinct_.insert(std::move(key));
      if (!inserted.second) return true;
      const auto& kept = *inserted.first;  // named: clang before 16 cannot capture a structured binding
      charge([&] { return approx_bytes(kept); });
    }
    if (skipped_ < skip_) {
      ++skipped_;
      return true;
    }
    if (limit_ && emitted_ >= *limit_) return false;
    ++emitted_;
    bool more = true;
    if (!p_.where || truthy(eval(*p_.where, out, ctx_), *p_.where)) more = next->push(out);
    return more && !(limit_ && emitted_ >= *limit_);
  }

  // Charges the bytes `size` gives to the query's memory limit, when it has one (the
  // estimate is not made otherwise).
  template <class Size>
  void charge(Size&& size) {
    if (!ctx_.counts_memory()) return;
    const std::uint64_t bytes = size();
    charged_ += bytes;
    ctx_.charge(bytes);
  }

  Group& new_group(std::vector<Value> key, const Row& row) {
    charge([&] { return 2 * approx_bytes(key) + approx_bytes(row) + p_.aggregates.size() * sizeof(Accumulator); });
    index_.emplace(std::move(key), groups_.size());
    groups_.push_back({row, std::vector<Accumulator>(p_.aggregates.size())});
    return groups_.back();
  }

  void accumulate(Row& row) {
    std::vector<Value> key;
    for (const auto& item : p_.items) {
      if (!has_agg(*item.expr)) key.push_back(eval(*item.expr, row, ctx_));
    }
    auto it = index_.find(key);
    Group& g = it == index_.end() ? new_group(std::move(key), row) : groups_[it->second];
    for (std::size_t i = 0; i < p_.aggregates.size(); ++i) {
      const Expr& a = *p_.aggregates[i];
      Accumulator& acc = g.accs[i];
      if (a.star) {
        ++acc.count;
        continue;
      }
      Value v = eval(*a.args[0], row, ctx_);
      if (v.is_null()) continue;
      if (a.distinct) {
        std::uint64_t held = 0;
        if (!acc.first_time(v, held)) continue;
        charge([&] { return held > 0 ? held : approx_bytes(v); });
      }
      ++acc.count;
      const std::string& f = a.name;
      if (f == "collect") {
        charge([&] { return approx_bytes(v); });
        acc.items.push_back(std::move(v));
      } else if (f == "min" || f == "max") {
        if (acc.best.is_null() || (f == "min" ? order(v, acc.best) < 0 : order(v, acc.best) > 0)) acc.best = std::move(v);
      } else if (f == "stDev" || f == "stDevP" || f == "percentileCont" || f == "percentileDisc") {
        if (!v.is_number()) {
          type_error(a.args[0]->pos, fmt::format("{}() needs numbers, got a {}", f, Value::type_name(v.type())));
        }
        if (a.args.size() > 1 && acc.items.empty()) {
          Value p = eval(*a.args[1], row, ctx_);
          if (!p.is_number() || p.as_number() < 0 || p.as_number() > 1) {
            throw invalid("line {}:{}: {}() needs a percentile from 0 to 1, got {}", a.args[1]->pos.line,
                          a.args[1]->pos.col, f, p.str());
          }
          acc.percentile = p.as_number();
        }
        charge([] { return sizeof(Value); });
        acc.items.push_back(std::move(v));
      } else if (f == "sum" || f == "avg") {
        if (!v.is_number()) {
          type_error(a.args[0]->pos, fmt::format("{}() needs numbers, got a {}", f, Value::type_name(v.type())));
        }
        if (v.type() == T::kFloat || acc.is_float || f == "avg") {
          if (!acc.is_float) acc.fsum = static_cast<double>(acc.isum);
          acc.is_float = true;
          acc.fsum += v.as_number();
        } else if (__builtin_add_overflow(acc.isum, v.as_int(), &acc.isum)) {
          throw invalid("line {}:{}: integer overflow in sum()", a.pos.line, a.pos.col);
        }
      }
    }
  }

  static Value result(const Expr& a, const Accumulator& acc) {
    const std::string& f = a.name;
    if (f == "count") return Value(acc.count);
    if (f == "collect") return Value(acc.items);
    if (f == "min" || f == "max") return acc.best;
    if (f == "sum") return acc.is_float ? Value(acc.fsum) : Value(acc.isum);
    if (f == "avg") return acc.count == 0 ? Value() : Value(acc.fsum / static_cast<double>(acc.count));
    if (f == "stDev" || f == "stDevP") {
      const auto n = static_cast<double>(acc.items.size());
      if (acc.items.size() < (f == "stDev" ? 2u : 1u)) return Value(0.0);
      double mean = 0;
      for (const auto& x : acc.items) mean += x.as_number();
      mean /= n;
      double squares = 0;
      for (const auto& x : acc.items) squares += (x.as_number() - mean) * (x.as_number() - mean);
      return Value(std::sqrt(squares / (f == "stDev" ? n - 1 : n)));
    }
    if (f == "percentileCont" || f == "percentileDisc") {
      if (acc.items.empty()) return Value();
      std::vector<Value> sorted = acc.items;
      std::stable_sort(sorted.begin(), sorted.end(), [](const Value& x, const Value& y) { return x.as_number() < y.as_number(); });
      const double n = static_cast<double>(sorted.size());
      if (f == "percentileDisc") {
        const double at = acc.percentile * n;
        auto i = static_cast<std::size_t>(at);
        if (at == static_cast<double>(i) && i > 0) --i;
        return sorted[std::min(i, sorted.size() - 1)];
      }
      const double at = acc.percentile * (n - 1);
      const auto lo = static_cast<std::size_t>(std::floor(at));
      const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
      const double frac = at - static_cast<double>(lo);
      return Value(sorted[lo].as_number() + (sorted[hi].as_number() - sorted[lo].as_number()) * frac);
    }
    return Value();
  }

  const Projection& p_;
  int width_;
  Context& ctx_;
  std::int64_t skip_ = 0;
  std::optional<std::int64_t> limit_;
  std::int64_t skipped_ = 0;
  std::int64_t emitted_ = 0;
  std::vector<Held> held_;
  std::set<std::vector<Value>, RowLess> distinct_;
  std::map<std::vector<Value>, std::size_t, RowLess> index_;
  std::deque<Group> groups_;
  std::uint64_t charged_ = 0;  // released when the stage ends
};

// The end of a pipeline: the columns of each row to a callback.
class SinkStage : public Stage {
 public:
  SinkStage(const std::vector<int>& slots, const std::function<bool(const std::vector<Value>&)>& on_row)
      : slots_(slots), on_row_(on_row) {}
  bool push(Row& row) override {
    if (stopped_) return false;
    std::vector<Value> out;
    out.reserve(slots_.size());
    for (int s : slots_) out.push_back(row[static_cast<std::size_t>(s)]);
    if (!on_row_(out)) stopped_ = true;
    return !stopped_;
  }
  bool finish() override { return true; }

 private:
  const std::vector<int>& slots_;
  const std::function<bool(const std::vector<Value>&)>& on_row_;
  bool stopped_ = false;
};

void run_plan(const plan::Plan& plan, const Row& input, const Query& q, Context& ctx,
              const std::function<bool(const std::vector<Value>&)>& on_row);

// CALL { }: for each row, the subquery's rows, each the incoming row and the returned columns.
class SubqueryStage : public Stage {
 public:
  SubqueryStage(const Op& op, const Query& q, Context& ctx) : op_(op), q_(q), ctx_(ctx) {}
  bool push(Row& row) override {
    bool more = true;
    const auto& slots = op_.subquery->out_slots;
    run_plan(*op_.plan, row, q_, ctx_, [&](const std::vector<Value>& columns) {
      Row out = row;
      for (std::size_t k = 0; k < slots.size(); ++k) out[static_cast<std::size_t>(slots[k])] = columns[k];
      more = next->push(out);
      return more;
    });
    return more;
  }

 private:
  const Op& op_;
  const Query& q_;
  Context& ctx_;
};

// PROFILE: an operator wrapped to count the rows it passes on and the time spent in it,
// less the time spent in the operators after it (which its tap measures).
class ProfileStage : public Stage {
 public:
  ProfileStage(std::unique_ptr<Stage> inner, plan::OpStats& stats) : inner_(std::move(inner)), stats_(stats), tap_(*this) {
    inner_->next = &tap_;
  }
  bool push(Row& row) override {
    return timed([&] { return inner_->push(row); });
  }
  bool finish() override {
    return timed([&] { return inner_->finish(); });
  }

 private:
  using Clock = std::chrono::steady_clock;
  class Tap : public Stage {
   public:
    explicit Tap(ProfileStage& owner) : owner_(owner) {}
    bool push(Row& row) override {
      ++owner_.stats_.rows;
      const auto t0 = Clock::now();
      const bool more = owner_.next->push(row);
      owner_.downstream_ += Clock::now() - t0;
      return more;
    }
    bool finish() override {
      const auto t0 = Clock::now();
      const bool more = owner_.next->finish();
      owner_.downstream_ += Clock::now() - t0;
      return more;
    }

   private:
    ProfileStage& owner_;
  };

  template <class F>
  bool timed(F&& f) {
    const auto t0 = Clock::now();
    const auto down0 = downstream_;
    const bool more = f();
    stats_.time += std::chrono::duration_cast<std::chrono::nanoseconds>((Clock::now() - t0) - (downstream_ - down0));
    return more;
  }

  std::unique_ptr<Stage> inner_;
  plan::OpStats& stats_;
  Tap tap_;
  Clock::duration downstream_{0};
};

std::vector<std::unique_ptr<Stage>> build(const std::vector<Op>& ops, const Query& q, Context& ctx) {
  std::vector<std::unique_ptr<Stage>> out;
  for (const auto& op : ops) {
    const std::size_t before = out.size();
    switch (op.kind) {
      case OpKind::kNodeByKey:
      case OpKind::kNodeByName:
      case OpKind::kNodeScan:
      case OpKind::kAllNodes:
      case OpKind::kNodeCheck: out.push_back(std::make_unique<AnchorStage>(op, ctx)); break;
      case OpKind::kExpand:
      case OpKind::kVarExpand: out.push_back(std::make_unique<ExpandStage>(op, ctx)); break;
      case OpKind::kShortestPath: out.push_back(std::make_unique<ShortestPathStage>(op, ctx)); break;
      case OpKind::kBuildPath: out.push_back(std::make_unique<BuildPathStage>(op, ctx)); break;
      case OpKind::kFilter: out.push_back(std::make_unique<FilterStage>(*op.filter, ctx)); break;
      case OpKind::kOptional: out.push_back(std::make_unique<OptionalStage>(op, build(op.sub, q, ctx))); break;
      case OpKind::kCall: out.push_back(std::make_unique<CallStage>(*op.call, ctx)); break;
      case OpKind::kUnwind: out.push_back(std::make_unique<UnwindStage>(*op.unwind, ctx)); break;
      case OpKind::kProjection: out.push_back(std::make_unique<ProjectStage>(*op.proj, q.slots, ctx)); break;
      case OpKind::kSubquery: out.push_back(std::make_unique<SubqueryStage>(op, q, ctx)); break;
    }
    if (ctx.profile && out.size() > before) {
      out.back() = std::make_unique<ProfileStage>(std::move(out.back()), (*ctx.profile)[&op]);
    }
  }
  return out;
}

// Runs a plan (each part of a UNION in turn) on a copy of the input row.
void run_plan(const plan::Plan& plan, const Row& input, const Query& q, Context& ctx,
              const std::function<bool(const std::vector<Value>&)>& on_row) {
  const bool distinct = !plan.unions.empty() && !plan.union_all;
  std::set<std::vector<Value>, RowLess> seen;
  std::uint64_t charged = 0;
  struct Release {
    Context& ctx;
    std::uint64_t& bytes;
    ~Release() { ctx.release(bytes); }
  } release{ctx, charged};
  bool stopped = false;
  const std::function<bool(const std::vector<Value>&)> each = [&](const std::vector<Value>& columns) {
    if (distinct) {
      if (!seen.insert(columns).second) return true;
      if (ctx.counts_memory()) {
        const std::uint64_t bytes = approx_bytes(columns);
        charged += bytes;
        ctx.charge(bytes);
      }
    }
    if (!on_row(columns)) stopped = true;
    return !stopped;
  };
  auto run_part = [&](const plan::Plan& part) {
    SinkStage sink(part.column_slots, each);
    auto stages = build(part.ops, q, ctx);
    Row row = input;
    if (stages.empty()) {
      sink.push(row);
      return;
    }
    for (std::size_t i = 0; i + 1 < stages.size(); ++i) stages[i]->next = stages[i + 1].get();
    stages.back()->next = &sink;
    stages.front()->push(row);
    stages.front()->finish();
  };
  run_part(plan);
  for (const auto& part : plan.unions) {
    if (stopped) break;
    run_part(part);
  }
}

}  // namespace

void run(const Reader& present, const Schema& schema, const Query& q, const plan::Plan& plan,
         const std::vector<Value>& params, const std::function<bool(const std::vector<Value>& row)>& on_row,
         const QueryLimits& limits, std::uint64_t max_steps, plan::Profile* profile) {
  // AS OF: the query reads a snapshot of the reader's database as of that commit.
  std::unique_ptr<Snapshot> as_of;
  if (q.as_of) {
    Row none;
    Context first{present, schema, std::nullopt, &params, nullptr, 0, max_steps, query_budget(limits), {}};
    Value v = eval(*q.as_of, none, first);
    const auto where = fmt::format("line {}:{}", q.as_of_pos.line, q.as_of_pos.col);
    std::uint64_t commit = 0;
    if (q.as_of_commit) {
      if (v.type() != Value::Type::kInt || v.as_int() < 0) throw invalid("{}: AS OF COMMIT needs a commit number (0 or more)", where);
      commit = static_cast<std::uint64_t>(v.as_int());
    } else {
      if (v.type() != Value::Type::kString) throw invalid("{}: AS OF needs a time as text, datetime('2026-12-08T10:30:00Z')", where);
      try {
        commit = graph::commit_as_of(present, v.as_string());
      } catch (const Error& e) {
        throw with_context(e, where);
      }
    }
    try {
      as_of = graph::snapshot_as_of(present, commit);
    } catch (const Error& e) {
      throw with_context(e, where);
    }
  }
  const Reader& reader = as_of ? *as_of : present;
  Context ctx{reader, schema, std::nullopt, &params, nullptr, 0, max_steps, query_budget(limits), {}};
  ctx.profile = profile;
  ctx.subquery = [&](const Expr& e, const Row& row, const std::function<bool(const std::vector<Value>&)>& fn) {
    run_plan(*plan.subqueries.at(&e), row, q, ctx, fn);
  };
  if (q.at_date) {
    Row none;
    Value at = eval(*q.at_date, none, ctx);
    if (at.is_null()) throw invalid("line {}:{}: AT DATE needs a date, got null", q.at_pos.line, q.at_pos.col);
    ctx.at = date_arg(at, q.at_date->pos, "AT DATE");
  }
  run_plan(plan, Row(static_cast<std::size_t>(q.slots)), q, ctx, on_row);
}

}  // namespace entente::ql::exec
