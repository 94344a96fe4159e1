// The integrity checker and the index rebuild: every invariant of docs/format.md §9,
// checked from a snapshot with point lookups (memory does not grow with the database).
#include <algorithm>
#include <limits>
#include <functional>
#include <map>
#include <set>

#include "common/coding.h"
#include "common/error.h"
#include "common/text.h"
#include "entente/database.h"
#include "graph/history.h"
#include "graph/records.h"
#include "graph/runs.h"
#include "graph/validate.h"
#include "graph/state.h"
#include "storage/keys.h"

namespace entente {

using storage::Cf;

namespace {

constexpr std::size_t kMaxProblems = 1000;


class Checker {
 public:
  Checker(const storage::View& view, const catalog::Catalog& catalog, std::uint32_t format)
      : view_(view), catalog_(catalog), format_(format) {}

  CheckReport run(const storage::Store& store) {
    report_.problem_limit = kMaxProblems;
    // A read that fails (a damaged table block) stops the scan of that column family, not
    // the check: every column family is read, and every file verified.
    guarded("nodes", [&] { check_nodes(); });
    guarded("keys", [&] { check_keys(); });
    guarded("names", [&] { check_names(); });
    if (format_ >= 5) {
      guarded("adj", [&] { check_runs(); });  // first: check_edges asks what it saw
      guarded("edges", [&] { check_edges(); });
    } else {
      guarded("edges", [&] { check_edges(); });
      guarded("adj", [&] { check_adjacency(); });
    }
    guarded("meta", [&] { check_counters(); });
    guarded("meta", [&] { check_counts(); });
    if (format_ >= 6) guarded("history", [&] { check_history(); });
    for (const auto& f : store.verify_files()) problem(fmt::format("file {}", f.file), f.reason);
    auto ack = store.acknowledged();
    if (ack.state == storage::files::AckState::kDamaged) {
      problem(fmt::format("file {}", storage::files::kAckFile),
              "is damaged: the loss of the newest acknowledged commits cannot be ruled out");
    }
    return std::move(report_);
  }

 private:
  void guarded(const char* cf, const std::function<void()>& check) {
    try {
      check();
    } catch (const Error& e) {
      problem(fmt::format("column family {}", cf), fmt::format("cannot be read whole: {}", e.what()));
    }
  }

  // Format 3: the record counts per type that every commit keeps (meta count.*) against the
  // records read. A record lost from the files (or a count lost) shows here.
  void check_counts() {
    if (format_ < 3) return;
    auto stored = graph::read_counts(view_);
    auto compare = [&](const std::map<std::uint32_t, std::int64_t>& kept,
                       const std::map<std::uint32_t, std::int64_t>& read, const char* what, const char* prefix) {
      std::set<std::uint32_t> tags;
      for (const auto& [t, n] : kept) tags.insert(t);
      for (const auto& [t, n] : read) tags.insert(t);
      for (auto t : tags) {
        auto k = kept.count(t) ? kept.at(t) : 0;
        auto r = read.count(t) ? read.at(t) : 0;
        if (k == r) continue;
        std::string name;
        try {
          name = catalog_.by_tag(t).name;
        } catch (const Error&) {
          name = fmt::format("tag {}", t);
        }
        problem(fmt::format("meta {}{}", prefix, name),
                fmt::format("the commits recorded {} {} {}{}, but {} {} read: {}", k, name, what, k == 1 ? "" : "s", r,
                            r == 1 ? "was" : "were",
                            k > r ? "records have been lost" : "records were written outside a commit"));
      }
    };
    compare(stored.nodes, read_.nodes, "node", "count.node.");
    compare(stored.edges, read_.edges, "edge", "count.edge.");
  }

  void problem(std::string where, std::string reason) {
    if (report_.problems.size() >= kMaxProblems) {
      ++report_.more_problems;
      return;
    }
    report_.problems.push_back({std::move(where), std::move(reason)});
  }

  // The node, or nullopt when its record is missing or damaged (a damaged record is
  // reported once, by check_nodes, not again by everything that points at it).
  std::optional<Node> load_node(NodeId id) {
    auto bytes = view_.get(Cf::kNodes, keys::id(id));
    if (!bytes) return std::nullopt;
    try {
      return graph::decode_node(catalog_, id, *bytes);
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  bool exists(NodeId id) { return view_.get(Cf::kNodes, keys::id(id)).has_value(); }
  // The type tag of a stored node record, when it exists and its head decodes.
  std::optional<std::uint32_t> node_tag(NodeId id) {
    auto bytes = view_.get(Cf::kNodes, keys::id(id));
    if (!bytes) return std::nullopt;
    try {
      return graph::node_tag(id, *bytes);
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  // Why a stored node record does not decode (empty when it does, or is missing).
  std::string damage(NodeId id) {
    auto bytes = view_.get(Cf::kNodes, keys::id(id));
    if (!bytes) return {};
    try {
      graph::decode_node(catalog_, id, *bytes);
      return {};
    } catch (const Error& e) {
      return e.what();
    }
  }

  void check_nodes() {
    view_.scan(Cf::kNodes, "", [&](std::string_view k, std::string_view v) {
      ++report_.nodes;
      if (k.size() != 8) {
        problem("nodes entry", fmt::format("a key of {} bytes, expected 8", k.size()));
        return true;
      }
      NodeId id = coding::get_u64(k.data());
      max_node_ = std::max(max_node_, id);
      try {
        ++read_.nodes[graph::node_tag(id, v)];
      } catch (const Error&) {
      }
      std::string where = fmt::format("node record {}", id);
      Node n;
      try {
        n = graph::decode_node(catalog_, id, v);
        where = fmt::format("node record {} ({})", id, n.ref().str());
        // It must fit its type's schema as a write would: re-encoding validates it.
        NodeInput in{n.type, n.key, n.name, n.aliases, n.valid, n.props.to_json(), n.sources, n.gaps};
        graph::check_node(catalog_, in);  // what a write checks: sizes, validity, gaps
        graph::encode_node(*catalog_.find(n.type), in);
        if (n.valid && n.valid->empty()) problem(where, "its validity interval is empty");
      } catch (const Error& e) {
        problem(where, e.what());
        return true;
      }
      const auto* type = catalog_.find(n.type);
      auto indexed = view_.get(Cf::kKeys, keys::node_key(type->tag, n.key));
      if (!indexed) {
        problem(where, "the key index has no entry for it");
      } else if (indexed->size() != 8 || coding::get_u64(indexed->data()) != id) {
        problem(where, "the key index names another node for its key");
      }
      for (const auto& f : graph::folded_names(n.name, n.aliases)) {
        if (!view_.get(Cf::kNames, keys::name(f, id))) problem(where, fmt::format("the name index lacks '{}'", f));
      }
      for (const auto& c : n.sources) check_citation(where, c, n.type == "Document" ? n.key : "");
      return true;
    });
  }

  void check_citation(const std::string& where, const Citation& c, const std::string& self) {
    if (c.doc == self) return;
    const auto* doc = catalog_.find("Document");
    if (!doc || !view_.get(Cf::kKeys, keys::node_key(doc->tag, c.doc))) {
      problem(where, fmt::format("cites Document '{}', which does not exist", c.doc));
    }
  }

  void check_keys() {
    view_.scan(Cf::kKeys, "", [&](std::string_view k, std::string_view v) {
      ++report_.keys;
      std::string where = "key index entry";
      if (k.size() < 4 || v.size() != 8) {
        problem(where, "malformed entry");
        return true;
      }
      std::uint32_t tag = coding::get_u32(k.data());
      std::string key(k.substr(4));
      NodeId id = coding::get_u64(v.data());
      where = fmt::format("key index entry for tag {} key '{}'", tag, key);
      auto n = load_node(id);
      if (!n) {
        if (!exists(id)) problem(where, fmt::format("names node {}, which does not exist", id));
        return true;
      }
      const auto* type = catalog_.find(n->type);
      if (type->tag != tag || n->key != key) problem(where, fmt::format("names node {} ({}), whose type or key differs", id, n->ref().str()));
      return true;
    });
  }

  void check_names() {
    view_.scan(Cf::kNames, "", [&](std::string_view k, std::string_view) {
      ++report_.names;
      if (k.size() < 9 || k[k.size() - 9] != '\0') {
        problem("name index entry", "malformed entry");
        return true;
      }
      std::string name(k.substr(0, k.size() - 9));
      NodeId id = coding::get_u64(k.data() + k.size() - 8);
      std::string where = fmt::format("name index entry '{}'", name);
      auto n = load_node(id);
      if (!n) {
        if (!exists(id)) problem(where, fmt::format("names node {}, which does not exist", id));
        return true;
      }
      auto names = graph::folded_names(n->name, n->aliases);
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        problem(where, fmt::format("names node {} ({}), which has no such name or alias", id, n->ref().str()));
      }
      return true;
    });
  }

  void check_edges() {
    view_.scan(Cf::kEdges, "", [&](std::string_view k, std::string_view v) {
      ++report_.edges;
      if (k.size() != 8) {
        problem("edges entry", fmt::format("a key of {} bytes, expected 8", k.size()));
        return true;
      }
      EdgeId id = coding::get_u64(k.data());
      max_edge_ = std::max(max_edge_, id);
      try {
        ++read_.edges[graph::edge_tag(id, v)];
      } catch (const Error&) {
      }
      std::string where = fmt::format("edge record {}", id);
      Edge e;
      try {
        e = graph::decode_edge(catalog_, id, v);
      } catch (const Error& err) {
        problem(where, err.what());
        return true;
      }
      where = fmt::format("edge record {} ({})", id, e.type);
      const auto* type = catalog_.find(e.type);
      auto from = load_node(e.from), to = load_node(e.to);
      for (auto [end, node, side] : {std::tuple{&from, e.from, "from"}, std::tuple{&to, e.to, "to"}}) {
        if (*end) continue;
        if (!exists(node)) {
          problem(where, fmt::format("its {} end, node {}, does not exist", side, node));
        } else {
          problem(where, fmt::format("its {} end is damaged: {}", side, damage(node)));
        }
      }
      if (from && to) {
        where = fmt::format("edge record {} ({} {} -> {})", id, e.type, from->ref().str(), to->ref().str());
        auto allowed = [](const std::vector<std::string>& types, const std::string& t) {
          return types.empty() || std::find(types.begin(), types.end(), t) != types.end();
        };
        if (!allowed(type->from, from->type)) problem(where, fmt::format("a {} cannot be its from end", from->type));
        if (!allowed(type->to, to->type)) problem(where, fmt::format("a {} cannot be its to end", to->type));
        try {
          EdgeInput in{e.type, from->ref(), to->ref(), e.key, e.valid, e.props.to_json(), e.sources};
          graph::encode_edge(*type, e.from, e.to, in);
        } catch (const Error& err) {
          problem(where, err.what());
        }
      }
      std::uint32_t valid_from = keys::adj_from(e.valid);
      std::string value = keys::adj_value(e.valid);
      if (format_ >= 5) {
        // check_runs read every arc against its edge; here only whether both were there.
        const std::uint8_t seen = id < arcs_seen_.size() ? arcs_seen_[id] : 0;
        if (!(seen & 1)) problem(where, "its outgoing adjacency entry is missing");
        if (!(seen & 2)) problem(where, "its incoming adjacency entry is missing");
        for (const auto& c : e.sources) check_citation(where, c, "");
        return true;
      }
      for (auto [node, dir, other] : {std::tuple{e.from, keys::kOut, e.to}, std::tuple{e.to, keys::kIn, e.from}}) {
        // The entry's key holds the other end's type tag (format 2): unknown when that end
        // is missing or damaged, which is reported above.
        std::uint32_t other_tag = 0;
        if (format_ >= 2) {
          auto t = node_tag(other);
          if (!t) continue;
          other_tag = *t;
        }
        auto entry = view_.get(Cf::kAdj, keys::adj({node, dir, type->tag, other_tag, valid_from, other, id}, format_));
        const char* side = dir == keys::kOut ? "outgoing" : "incoming";
        if (!entry) {
          problem(where, fmt::format("its {} adjacency entry is missing", side));
        } else if (*entry != value) {
          problem(where, fmt::format("its {} adjacency entry holds another validity", side));
        }
      }
      for (const auto& c : e.sources) check_citation(where, c, "");
      return true;
    });
  }

  // Format 5: each node's runs merged, its head against its record and each arc against its
  // edge's record; the arcs seen are marked for check_edges, the heads for the nodes.
  void check_runs() {
    auto cur = view_.cursor(Cf::kAdj, {}, storage::View::Access::kSequential);
    std::vector<bool> headed;  // by node id
    std::vector<std::string> values;
    NodeId at = 0;
    auto finish = [&] {
      if (values.empty()) return;
      keys::RunMerger m(at);
      keys::NodeRuns runs;
      try {
        for (const auto& v : values) m.add(v);
        runs = m.finish();
      } catch (const Error& e) {
        problem(fmt::format("adjacency runs of node {}", at), e.what());
        values.clear();
        return;
      }
      values.clear();
      check_node_runs(at, runs);
      if (runs.has_head) {
        if (at >= headed.size()) headed.resize(at + 1);
        headed[at] = true;
      }
    };
    for (cur.seek(""); cur.valid(); cur.next()) {
      auto k = cur.key();
      if (k.size() != keys::kRunKeySize) {
        problem(fmt::format("adjacency entry of {} bytes (a run's key has {})", k.size(), keys::kRunKeySize), "malformed entry");
        continue;
      }
      const NodeId node = coding::get_u64(k.data());
      if (node != at) finish();
      at = node;
      values.emplace_back(cur.value());
    }
    finish();
    view_.scan(Cf::kNodes, "", [&](std::string_view k, std::string_view v) {
      if (k.size() != 8) return true;
      const NodeId id = coding::get_u64(k.data());
      try {
        graph::node_head(id, v);
      } catch (const Error&) {
        return true;  // a damaged record: reported by check_nodes
      }
      if (id >= headed.size() || !headed[id]) problem(fmt::format("node record {}", id), "its adjacency head is missing");
      return true;
    });
  }

  void check_node_runs(NodeId node, const keys::NodeRuns& runs) {
    if (runs.has_head) {
      auto bytes = view_.get(Cf::kNodes, keys::id(node));
      const std::string where = fmt::format("adjacency head of node {}", node);
      if (!bytes) {
        problem(where, "the node does not exist");
      } else {
        try {
          auto head = graph::node_head(node, *bytes);
          if (graph::run_head(head.tag, head.valid, head.gaps) != runs.head) {
            problem(where, "it does not match the node's type and validity");
          }
        } catch (const Error&) {
          // The record's damage is reported by check_nodes.
        }
      }
    }
    for (const auto& a : runs.arcs) {
      ++report_.adjacency;
      std::string where = fmt::format("adjacency entry of node {} for edge {}", node, a.edge);
      auto bytes = view_.get(Cf::kEdges, keys::id(a.edge));
      if (!bytes) {
        problem(where, "the edge does not exist");
        continue;
      }
      try {
        Edge e = graph::decode_edge(catalog_, a.edge, *bytes);
        const bool out = a.dir == keys::kOut;
        const std::uint32_t tag = catalog_.find(e.type)->tag;
        const bool matches = (out ? e.from : e.to) == node && (out ? e.to : e.from) == a.other && tag == a.tag;
        if (!matches) {
          problem(where, "it does not match the edge's type and ends");
          continue;
        }
        if (auto t = node_tag(a.other); t && *t != a.other_tag) {
          problem(where, fmt::format("it gives node {} the type tag {}, but the node's type tag is {}", a.other,
                                     a.other_tag, *t));
          continue;
        }
        if (graph::run_arc(a.dir, tag, a.other_tag, e.valid, a.other, a.edge) != a) {
          problem(where, "it holds another validity than its edge");
          continue;
        }
        if (a.edge >= arcs_seen_.size()) arcs_seen_.resize(a.edge + 1, 0);
        arcs_seen_[a.edge] |= out ? 1 : 2;
      } catch (const Error&) {
        // The edge record's damage is reported by check_edges.
      }
    }
  }

  void check_adjacency() {
    view_.scan(Cf::kAdj, "", [&](std::string_view k, std::string_view v) {
      ++report_.adjacency;
      if (k.size() != (format_ >= 2 ? keys::kAdjKeySize : keys::kAdjKeySize1) || v.size() != 5) {
        problem("adjacency entry", "malformed entry");
        return true;
      }
      auto a = keys::decode_adj(k);
      std::string where = fmt::format("adjacency entry of node {} for edge {}", a.node, a.edge);
      auto bytes = view_.get(Cf::kEdges, keys::id(a.edge));
      if (!bytes) {
        problem(where, "the edge does not exist");
        return true;
      }
      try {
        Edge e = graph::decode_edge(catalog_, a.edge, *bytes);
        bool out = a.dir == keys::kOut;
        bool matches = (out ? e.from : e.to) == a.node && (out ? e.to : e.from) == a.other &&
                       catalog_.find(e.type)->tag == a.tag && a.dir <= keys::kIn;
        if (!matches) problem(where, "it does not match the edge's type and ends");
        // Format 2: the key names the other end's type, which must be that node's.
        if (auto t = format_ >= 2 ? node_tag(a.other) : std::nullopt; t && *t != a.other_tag) {
          problem(where, fmt::format("it gives node {} the type tag {}, but the node's type tag is {}", a.other,
                                     a.other_tag, *t));
        }
      } catch (const Error&) {
        // The edge record's damage is reported by check_edges.
      }
      return true;
    });
  }

  void check_counters() {
    auto counter = [&](std::string_view key, std::uint64_t max_id, const char* what) {
      auto v = view_.get(Cf::kMeta, key);
      std::uint64_t next = 1;
      if (v) {
        if (v->size() != 8) {
          problem(fmt::format("meta {}", key), "malformed counter");
          return;
        }
        next = coding::get_u64(v->data());
      }
      if (max_id > 0 && next <= max_id) {
        problem(fmt::format("meta {}", key), fmt::format("is {}, not ahead of the largest {} id {}", next, what, max_id));
      }
    };
    counter(keys::kNextNodeId, max_node_, "node");
    counter(keys::kNextEdgeId, max_edge_, "edge");
  }

  // Format 6: the log numbered and timed in order, below next_commit; each kept version a
  // record that decodes, written before the commit that ended it, the versions of a record
  // apart and in order, the current one written after them; removed keys and former names
  // well formed.
  void check_history() {
    std::uint64_t next = 1;
    if (auto v = view_.get(Cf::kMeta, keys::kNextCommit); v && v->size() == 8) next = coding::get_u64(v->data());
    auto where = [](std::string_view k) {
      const char kind = k.empty() ? '?' : k[0];
      if ((kind == keys::kNodeVersion || kind == keys::kEdgeVersion) && k.size() == 17) {
        return fmt::format("history: {} {} until #{}", kind == keys::kNodeVersion ? "node" : "edge", keys::version_id(k),
                           keys::history_until(k));
      }
      if (kind == keys::kCommitEntry && k.size() == 9) return fmt::format("history: commit #{}", keys::history_until(k));
      return fmt::format("history: a '{}' entry of {} bytes", kind, k.size());
    };
    std::int64_t last_time = std::numeric_limits<std::int64_t>::min();
    std::uint64_t last_id = 0, last_until = 0;
    char last_kind = 0;
    // The current record, if any, comes after its last kept version: checked once a record,
    // when the scan leaves its versions.
    auto check_current = [&] {
      if (last_kind != keys::kNodeVersion && last_kind != keys::kEdgeVersion) return;
      auto current = view_.get(last_kind == keys::kNodeVersion ? Cf::kNodes : Cf::kEdges, keys::id(last_id));
      if (current && graph::recorded_of(*current) < last_until) {
        problem(fmt::format("history: {} {} until #{}", last_kind == keys::kNodeVersion ? "node" : "edge", last_id, last_until),
                fmt::format("the current record was written (#{}) before this version ended", graph::recorded_of(*current)));
      }
    };
    view_.scan(Cf::kHistory, "", [&](std::string_view k, std::string_view v) {
      ++report_.history;
      const char kind = k.empty() ? 0 : k[0];
      try {
        if (kind == keys::kCommitEntry) {
          if (k.size() != 9) throw corruption("a malformed key");
          auto c = graph::decode_commit(v);
          if (c.number != keys::history_until(k)) throw corruption("it says it is commit #{}", c.number);
          if (c.number >= next) throw corruption("it is not before meta next_commit (#{})", next);
          if (c.time_us < last_time) throw corruption("its time ({}) is before the commit's before it", c.time_text());
          last_time = c.time_us;
        } else if (kind == keys::kNodeVersion || kind == keys::kEdgeVersion) {
          if (k.size() != 17) throw corruption("a malformed key");
          const std::uint64_t id = keys::version_id(k), until = keys::history_until(k);
          if (kind != last_kind || id != last_id) {
            check_current();
            last_until = 0;
          }
          last_kind = kind;
          last_id = id;
          if (kind == keys::kNodeVersion) {
            graph::decode_node(catalog_, id, v);
          } else {
            graph::decode_edge(catalog_, id, v);
          }
          const std::uint64_t recorded = graph::recorded_of(v);
          if (recorded >= until) throw corruption("it was written by commit #{}, not before the one that ended it", recorded);
          if (until >= next) throw corruption("it ended at a commit not before meta next_commit (#{})", next);
          if (recorded < last_until) {
            throw corruption("it was written (#{}) before the version before it ended (#{})", recorded, last_until);
          }
          last_until = until;
        } else if (kind == keys::kRemovedKey) {
          if (k.size() < 1 + 4 + 8 || v.size() != 8) throw corruption("a malformed entry");
          if (keys::history_until(k) >= next) throw corruption("it ended at a commit not before meta next_commit");
        } else if (kind == keys::kFormerName) {
          if (k.size() < 1 + 1 + 16 || k[k.size() - 17] != '\0') throw corruption("a malformed key");
          if (keys::history_until(k) >= next) throw corruption("it ended at a commit not before meta next_commit");
        } else {
          throw corruption("an entry of an unknown kind");
        }
      } catch (const Error& e) {
        problem(where(k), e.what());
      }
      return true;
    });
    check_current();
  }

  const storage::View& view_;
  const catalog::Catalog& catalog_;
  const std::uint32_t format_;
  CheckReport report_;
  graph::TypeCounts read_;  // the records read, per type tag
  NodeId max_node_ = 0;
  std::vector<std::uint8_t> arcs_seen_;  // format 5, by edge id: 1 its outgoing arc read, 2 its incoming
  EdgeId max_edge_ = 0;
};

// What repair() reads of the records: those that decode, and the ids of those that do not.
// A damaged record keeps its index entries, so that a read reaching it still fails as
// damaged instead of silently missing it.
struct Decoded {
  NodeId max_node = 0;
  EdgeId max_edge = 0;
  std::vector<Node> nodes;
  std::vector<Edge> edges;
  std::set<NodeId> damaged_nodes;
  std::set<EdgeId> damaged_edges;
  std::map<NodeId, std::uint32_t> node_tags;  // of every node whose record's type tag reads
};

Decoded decode_records(storage::Store::Batch& batch, const catalog::Catalog& catalog) {
  Decoded d;
  batch.scan(Cf::kNodes, "", [&](std::string_view k, std::string_view v) {
    if (k.size() != 8) return true;
    NodeId id = coding::get_u64(k.data());
    d.max_node = std::max(d.max_node, id);
    try {
      d.node_tags[id] = graph::node_tag(id, v);
    } catch (const Error&) {
    }
    try {
      d.nodes.push_back(graph::decode_node(catalog, id, v));
    } catch (const Error&) {
      d.damaged_nodes.insert(id);
    }
    return true;
  });
  batch.scan(Cf::kEdges, "", [&](std::string_view k, std::string_view v) {
    if (k.size() != 8) return true;
    EdgeId id = coding::get_u64(k.data());
    d.max_edge = std::max(d.max_edge, id);
    try {
      d.edges.push_back(graph::decode_edge(catalog, id, v));
    } catch (const Error&) {
      d.damaged_edges.insert(id);
    }
    return true;
  });
  return d;
}

// Drops the derived entries (keys, names, adjacency), except those of damaged records.
void drop_derived(storage::Store::Batch& batch, const Decoded& d, std::uint32_t format) {
  auto drop = [&](Cf cf, const std::function<bool(std::string_view)>& keep) {
    std::vector<std::string> doomed;
    batch.scan(cf, "", [&](std::string_view k, std::string_view v) {
      if (!keep(cf == Cf::kKeys ? v : k)) doomed.emplace_back(k);
      return true;
    });
    for (const auto& k : doomed) batch.del(cf, k);
  };
  drop(Cf::kKeys, [&](std::string_view v) { return v.size() == 8 && d.damaged_nodes.count(coding::get_u64(v.data())); });
  drop(Cf::kNames, [&](std::string_view k) {
    return k.size() >= 9 && d.damaged_nodes.count(coding::get_u64(k.data() + k.size() - 8));
  });
  if (format >= 5) return;  // rebuild_runs
  drop(Cf::kAdj, [&](std::string_view k) {
    if (k.size() != keys::kAdjKeySize) return false;
    auto a = keys::decode_adj(k);
    return d.damaged_edges.count(a.edge) || d.damaged_nodes.count(a.node) || d.damaged_nodes.count(a.other);
  });
}

// Writes the derived entries again from the records that decode.
void rebuild_derived(storage::Store::Batch& batch, const catalog::Catalog& catalog, const Decoded& d,
                     std::uint32_t format) {
  std::set<NodeId> present(d.damaged_nodes);
  // Format 5: a run a node, as of a commit of its own (meta next_commit). The runs of
  // damaged nodes stay as they are; of the others' arcs, those that lead to a damaged node or
  // edge are kept (a read that reaches them must still fail), and the rest written anew.
  std::map<NodeId, std::pair<std::optional<keys::RunHead>, std::vector<keys::RunArc>>> runs;
  if (format >= 5) {
    std::vector<std::string> doomed, values;
    NodeId at = 0;
    auto finish = [&] {
      if (values.empty() || d.damaged_nodes.count(at)) {
        values.clear();
        return;
      }
      keys::RunMerger m(at);
      try {
        for (const auto& v : values) m.add(v);
        for (const auto& a : m.finish().arcs) {
          if (d.damaged_edges.count(a.edge) || d.damaged_nodes.count(a.other)) runs[at].second.push_back(a);
        }
      } catch (const Error&) {
        // A damaged run: written anew from the records.
      }
      values.clear();
    };
    batch.scan(Cf::kAdj, "", [&](std::string_view k, std::string_view v) {
      if (k.size() != keys::kRunKeySize) {
        doomed.emplace_back(k);
        return true;
      }
      const NodeId node = coding::get_u64(k.data());
      if (node != at) finish();
      at = node;
      if (!d.damaged_nodes.count(node)) {
        values.emplace_back(v);
        doomed.emplace_back(k);
      }
      return true;
    });
    finish();
    for (const auto& k : doomed) batch.del(Cf::kAdj, k);
  }
  for (const auto& n : d.nodes) {
    if (format >= 5) runs[n.id].first = graph::run_head(catalog.find(n.type)->tag, n.valid, n.gaps);
    present.insert(n.id);
    batch.put(Cf::kKeys, keys::node_key(catalog.find(n.type)->tag, n.key), keys::id(n.id));
    for (const auto& f : graph::folded_names(n.name, n.aliases)) batch.put(Cf::kNames, keys::name(f, n.id), "");
  }
  for (const auto& e : d.edges) {
    if (!present.count(e.from) || !present.count(e.to)) continue;  // dangling: left to report
    // An end whose record's type tag does not read: its entries (kept above) stay as they are.
    auto from_tag = d.node_tags.find(e.from), to_tag = d.node_tags.find(e.to);
    if (from_tag == d.node_tags.end() || to_tag == d.node_tags.end()) continue;
    std::uint32_t tag = catalog.find(e.type)->tag;
    if (format >= 5) {
      runs[e.from].second.push_back(graph::run_arc(keys::kOut, tag, to_tag->second, e.valid, e.to, e.id));
      runs[e.to].second.push_back(graph::run_arc(keys::kIn, tag, from_tag->second, e.valid, e.from, e.id));
      continue;
    }
    std::uint32_t from = keys::adj_from(e.valid);
    std::string value = keys::adj_value(e.valid);
    batch.put(Cf::kAdj, keys::adj({e.from, keys::kOut, tag, to_tag->second, from, e.to, e.id}), value);
    batch.put(Cf::kAdj, keys::adj({e.to, keys::kIn, tag, from_tag->second, from, e.from, e.id}), value);
  }
  if (format < 5) return;
  std::uint64_t commit = 1;
  if (auto v = batch.get(Cf::kMeta, keys::kNextCommit); v && v->size() == 8) commit = coding::get_u64(v->data());
  keys::RunWriter w;
  for (auto& [node, run] : runs) {
    w.clear();
    if (run.first) w.head(*run.first);
    auto& arcs = run.second;
    std::sort(arcs.begin(), arcs.end(), keys::adjacency_less);
    // An arc kept and also rebuilt (a decoded edge at a damaged node whose tag reads) once.
    arcs.erase(std::unique(arcs.begin(), arcs.end(), [](const auto& x, const auto& y) { return x.id() == y.id(); }),
               arcs.end());
    for (const auto& a : arcs) w.arc(a);
    batch.put(Cf::kAdj, keys::run_key({node, commit, 0}), w.bytes());
  }
  std::string next;
  coding::put_u64(next, commit + 1);
  batch.put(Cf::kMeta, keys::kNextCommit, next);
}

// Moves the id counters ahead of every id read; never back.
void counters_ahead(storage::Store::Batch& batch, const Decoded& d) {
  auto ahead = [&](std::string_view key, std::uint64_t max_id) {
    std::uint64_t next = 1;
    if (auto v = batch.get(Cf::kMeta, key); v && v->size() == 8) next = coding::get_u64(v->data());
    if (next <= max_id) next = max_id + 1;
    std::string out;
    coding::put_u64(out, next);
    batch.put(Cf::kMeta, key, out);
  };
  ahead(keys::kNextNodeId, d.max_node);
  ahead(keys::kNextEdgeId, d.max_edge);
}

}  // namespace

CheckReport Database::check() const {
  auto view = state_->store->snapshot();
  auto catalog = state_->current_catalog();
  return Checker(*view, *catalog, state_->format).run(*state_->store);
}

CheckReport Database::repair() {
  if (state_->store->read_only()) throw conflict("{} is open read-only", path().string());
  std::unique_lock<std::mutex> lock(state_->writer);
  auto catalog = state_->current_catalog();

  // A derived column family whose files cannot be read (missing, cut short, a damaged
  // block) is emptied first, its files dropped unread, and rebuilt whole below.
  std::vector<Cf> unreadable;
  {
    // A block that fails its checksum, or a table missing or cut short (opened on its first
    // read by open_for_repair), fails the scan.
    auto view = state_->store->snapshot();
    for (Cf cf : {Cf::kAdj, Cf::kKeys, Cf::kNames}) {
      try {
        view->scan(cf, "", [](std::string_view, std::string_view) { return true; });
      } catch (const Error&) {
        unreadable.push_back(cf);
      }
    }
  }
  if (!unreadable.empty()) {
    if (state_.use_count() > 1) {
      throw conflict("repairing {}: an index is unreadable and must be rebuilt whole; close every snapshot and "
                     "transaction of the database first",
                     path().string());
    }
    state_->publish_write([&] { state_->store->reset(unreadable); });
  }
  auto batch = state_->store->batch();
  std::uint64_t commit = 1;  // the repair's number (rebuild_derived writes its runs under it)
  if (auto v = batch->get(Cf::kMeta, keys::kNextCommit); v && v->size() == 8) commit = coding::get_u64(v->data());
  const Decoded decoded = decode_records(*batch, *catalog);
  drop_derived(*batch, decoded, state_->format);
  rebuild_derived(*batch, *catalog, decoded, state_->format);
  counters_ahead(*batch, decoded);
  if (state_->format >= 6) {
    // A commit of the log (format 6); rebuild_derived advanced next_commit past it. The
    // adjacency is rebuilt as of this commit, from the current records: a read as of an
    // earlier commit would find no runs of its own, so such reads are refused from now on,
    // as before record time (rather than answered from an adjacency that is not theirs).
    CommitInfo info;
    info.number = commit;
    info.message = "repair: the adjacency, key and name indexes rebuilt from the records (reads as of earlier "
                   "commits end here)";
    graph::log_commit(*batch, info);
    batch->put(Cf::kMeta, keys::kRecordTimeFrom, keys::id(commit));
  }
  state_->publish_write([&] { state_->store->commit(*batch); });
  lock.unlock();
  return check();
}

}  // namespace entente
