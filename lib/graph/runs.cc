#include "graph/runs.h"

#include <algorithm>

#include "common/coding.h"
#include "common/error.h"
#include "graph/records.h"

namespace entente::graph {

using storage::Cf;

namespace {

std::uint32_t run_ymd(const std::optional<Date>& d) { return d ? d->ymd() : 0; }
std::uint32_t run_day(std::uint32_t ymd) { return ymd ? Date::from_ymd(ymd).first_day() : 0; }

constexpr std::uint64_t kMaxRunId = 0xffffffffu;

}  // namespace

keys::RunArc run_arc(std::uint8_t dir, std::uint32_t tag, std::uint32_t other_tag, const std::optional<Interval>& valid,
                     NodeId other, EdgeId edge) {
  keys::RunArc a;
  a.dir = dir;
  a.tag = tag;
  a.other_tag = other_tag;
  a.from = valid ? run_ymd(valid->from) : 0;
  a.to = valid ? run_ymd(valid->to) : 0;
  a.has_valid = valid.has_value();
  a.other = other;
  a.edge = edge;
  return a;
}

keys::RunHead run_head(std::uint32_t tag, const std::optional<Interval>& valid, const std::vector<Interval>& gaps) {
  keys::RunHead h;
  h.tag = tag;
  h.has_valid = valid.has_value();
  if (valid) {
    h.from = run_ymd(valid->from);
    h.to = run_ymd(valid->to);
  }
  for (const auto& g : gaps) h.gaps.emplace_back(run_ymd(g.from), run_ymd(g.to));
  return h;
}

Arc to_arc(NodeId node, const keys::RunArc& a) {
  if (a.other > kMaxRunId || a.edge > kMaxRunId || a.tag > NodeInfo::kTagMask || a.other_tag > NodeInfo::kTagMask) {
    throw invalid("node {}: an edge (id {}, type tag {}) past what traversals hold (ids below 2^32, type tags below 2^12)",
                  node, a.edge, a.tag);
  }
  Arc arc;
  arc.edge = static_cast<std::uint32_t>(a.edge);
  arc.other = static_cast<std::uint32_t>(a.other);
  arc.from = run_day(a.from);
  arc.to = run_day(a.to);
  arc.type = static_cast<std::uint16_t>(a.tag | (a.dir == keys::kIn ? Arc::kIn : 0));
  arc.other_type = static_cast<std::uint16_t>(a.other_tag);
  return arc;
}

std::vector<DaySpan> head_gaps(const keys::RunHead& h) {
  std::vector<DaySpan> out;
  for (const auto& [from, to] : h.gaps) {
    if (from && to) out.push_back({run_day(from), run_day(to)});
  }
  return out;
}

// ---- PendingRuns

void PendingRuns::push(Op op) {
  const auto i = static_cast<std::uint32_t>(ops_.size());
  auto [it, added] = by_node_.try_emplace(op.node, Chain{i, i});
  if (added) {
    prev_.push_back(kNone);
  } else {
    next_[it->second.last] = i;
    prev_.push_back(it->second.last);
    it->second.last = i;
  }
  next_.push_back(kNone);
  ops_.push_back(op);
  bytes_ += sizeof(Op) + 2 * sizeof(std::uint32_t);
}

void PendingRuns::put_arc(NodeId node, const keys::RunArc& a) { push({node, Op::kArc, a}); }

void PendingRuns::remove_arc(NodeId node, std::uint8_t dir, std::uint32_t tag, EdgeId edge) {
  keys::RunArc a;
  a.dir = dir;
  a.tag = tag;
  a.edge = edge;
  push({node, Op::kArcRemoved, a});
}

void PendingRuns::put_head(NodeId node, const keys::RunHead& h) {
  heads_.push_back(h);
  bytes_ += sizeof(keys::RunHead) + h.gaps.size() * 8;
  push({node, Op::kHead, {}, static_cast<std::uint32_t>(heads_.size() - 1)});
}

void PendingRuns::remove_head(NodeId node) { push({node, Op::kHeadRemoved, {}}); }

void PendingRuns::truncate(std::size_t n) {
  while (ops_.size() > n) {
    const Op& op = ops_.back();
    const std::uint32_t before = prev_.back();  // the node's op before this one, its last
    auto it = by_node_.find(op.node);
    if (before == kNone) {
      by_node_.erase(it);
    } else {
      it->second.last = before;
      next_[before] = kNone;
    }
    if (op.kind == Op::kHead) heads_.pop_back();
    ops_.pop_back();
    next_.pop_back();
    prev_.pop_back();
  }
}

void PendingRuns::apply(NodeId node, keys::NodeRuns& runs) const {
  auto found = by_node_.find(node);
  if (found == by_node_.end()) return;
  ++runs.runs;
  for (std::uint32_t i = found->second.first; i != kNone; i = next_[i]) {
    const Op& op = ops_[i];
    auto same = [&](const keys::RunArc& a) { return a.id() == op.arc.id(); };
    switch (op.kind) {
      case Op::kArc:
      case Op::kArcRemoved: {
        auto it = std::find_if(runs.arcs.begin(), runs.arcs.end(), same);
        if (op.kind == Op::kArc) {
          if (it != runs.arcs.end()) {
            *it = op.arc;
          } else {
            runs.arcs.push_back(op.arc);
          }
        } else if (it != runs.arcs.end()) {
          runs.arcs.erase(it);
        }
        break;
      }
      case Op::kHead:
        runs.has_head = true;
        runs.head_removed = false;
        runs.head = heads_[op.head];
        break;
      case Op::kHeadRemoved:
        runs.has_head = false;
        runs.head_removed = true;
        runs.head = {};
        break;
    }
  }
  std::sort(runs.arcs.begin(), runs.arcs.end(), keys::adjacency_less);
}

void PendingRuns::flush(storage::Store::Batch& batch, std::uint64_t commit, std::uint32_t part) {
  if (ops_.empty()) return;
  std::vector<NodeId> nodes;
  nodes.reserve(by_node_.size());
  for (const auto& [node, ops] : by_node_) nodes.push_back(node);
  std::sort(nodes.begin(), nodes.end());
  keys::RunWriter w;
  std::vector<keys::RunArc> puts;
  std::vector<const Op*> removals;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> arc_ops;  // (arc id, op index)
  std::vector<const Op*> last;                                   // the newest op of each arc id
  for (NodeId node : nodes) {
    // The newest op of each arc and of the head: a run holds one op each.
    arc_ops.clear();
    const Op* head = nullptr;
    for (std::uint32_t i = by_node_[node].first; i != kNone; i = next_[i]) {
      const Op& op = ops_[i];
      if (op.kind == Op::kHead || op.kind == Op::kHeadRemoved) {
        head = &op;
      } else {
        arc_ops.emplace_back(op.arc.id(), i);
      }
    }
    std::sort(arc_ops.begin(), arc_ops.end());
    last.clear();
    for (std::size_t k = 0; k < arc_ops.size(); ++k) {
      if (k + 1 == arc_ops.size() || arc_ops[k + 1].first != arc_ops[k].first) last.push_back(&ops_[arc_ops[k].second]);
    }
    w.clear();
    if (head && head->kind == Op::kHead) w.head(heads_[head->head]);
    if (head && head->kind == Op::kHeadRemoved) w.head_removed();
    puts.clear();
    removals.clear();
    for (const Op* op : last) {
      if (op->kind == Op::kArc) {
        puts.push_back(op->arc);
      } else {
        removals.push_back(op);
      }
    }
    std::sort(puts.begin(), puts.end(), keys::adjacency_less);
    std::sort(removals.begin(), removals.end(), [](const Op* a, const Op* b) { return a->arc.id() < b->arc.id(); });
    for (const auto& a : puts) w.arc(a);
    for (const Op* op : removals) w.arc_removed(op->arc.dir, op->arc.tag, op->arc.edge);
    batch.put(Cf::kAdj, keys::run_key({node, commit, part}), w.bytes());
  }
  ops_ = {};
  next_ = {};
  prev_ = {};
  heads_ = {};
  by_node_ = {};
  bytes_ = 0;
}

// ---- reads

keys::NodeRuns read_runs(const storage::View& view, NodeId node, const PendingRuns* pending, storage::Cursor* cursor,
                         std::uint64_t before_commit) {
  std::optional<storage::Cursor> own;
  if (!cursor) cursor = &own.emplace(view.cursor(Cf::kAdj));
  const std::string prefix = keys::id(node);
  keys::RunMerger merger(node);
  for (cursor->seek(prefix); cursor->valid(); cursor->next()) {
    auto k = cursor->key();
    if (k.size() < 8 || k.compare(0, 8, prefix) != 0) break;
    if (k.size() != keys::kRunKeySize) {
      throw corruption("node {}: an adjacency key of {} bytes (a format-5 run has {})", node, k.size(), keys::kRunKeySize);
    }
    if (coding::get_u64(k.data() + 8) >= before_commit) continue;
    merger.add(cursor->value());
  }
  keys::NodeRuns runs = merger.finish();
  if (pending) pending->apply(node, runs);
  return runs;
}

// ---- the upgrade from per-arc entries

void upgrade_to_runs(const storage::View& view, storage::Store::Batch& batch) {
  auto nodes = view.cursor(Cf::kNodes, {}, storage::View::Access::kSequential);
  auto adj = view.cursor(Cf::kAdj, {}, storage::View::Access::kSequential);
  nodes.seek("");
  adj.seek("");
  keys::RunWriter w;
  std::vector<std::string> doomed;
  std::vector<keys::RunArc> arcs;
  auto heads_before = [&](NodeId limit) {
    // Nodes with no arcs before `limit`: a run of their head alone.
    for (; nodes.valid(); nodes.next()) {
      NodeId id = keys::decode_id(nodes.key());
      if (id >= limit) return;
      w.clear();
      try {
        auto head = node_head(id, nodes.value());
        w.head(run_head(head.tag, head.valid, head.gaps));
      } catch (const Error&) {
        continue;  // a damaged record: check reports it, repair rebuilds the run
      }
      batch.put(Cf::kAdj, keys::run_key({id, 0, 0}), w.bytes());
    }
  };
  while (adj.valid()) {
    auto k = adj.key();
    if (k.size() != keys::kAdjKeySize) {  // a format-1 key left by a damaged record
      adj.next();
      continue;
    }
    const NodeId node = coding::get_u64(k.data());
    heads_before(node);
    w.clear();
    if (nodes.valid() && keys::decode_id(nodes.key()) == node) {
      try {
        auto head = node_head(node, nodes.value());
        w.head(run_head(head.tag, head.valid, head.gaps));
      } catch (const Error&) {
      }
      nodes.next();
    }
    arcs.clear();
    for (; adj.valid(); adj.next()) {
      auto key = adj.key();
      if (key.size() != keys::kAdjKeySize || coding::get_u64(key.data()) != node) break;
      auto v = keys::decode_adj_value(adj.value());
      arcs.push_back(keys::run_arc(keys::decode_adj(key), v.to, v.flags));
      doomed.emplace_back(key);
    }
    for (const auto& a : arcs) w.arc(a);  // already in the adjacency order
    batch.put(Cf::kAdj, keys::run_key({node, 0, 0}), w.bytes());
    for (const auto& d : doomed) batch.del(Cf::kAdj, d);
    doomed.clear();
  }
  heads_before(~NodeId{0});
}

}  // namespace entente::graph
