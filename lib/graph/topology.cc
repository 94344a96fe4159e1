#include "graph/topology.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <unordered_set>

#include <fmt/format.h>

#include "common/coding.h"
#include "common/parallel.h"
#include "common/error.h"
#include "graph/records.h"
#include "graph/runs.h"
#include "storage/adj_run.h"

namespace entente::graph {

using storage::Cf;

namespace {

// Date::first_day() of a stored ymd (0 stays 0: unbounded).
std::uint32_t arc_day(std::uint32_t ymd) {
  if (ymd == 0) return 0;
  std::uint32_t out = ymd;
  if (ymd / 100 % 100 == 0) out += 100;
  if (ymd % 100 == 0) out += 1;
  return out;
}

constexpr std::uint64_t kMaxId = std::numeric_limits<std::uint32_t>::max();

constexpr std::uint64_t kMergeFloor = 1 << 16;
std::atomic<std::uint64_t> merge_floor{kMergeFloor};
std::atomic<std::uint64_t> build_chunks{0}, build_capacity{0};  // Topology::set_build_shape

// Whether a tag fits the topology's fields.
bool fits(std::uint32_t tag) { return tag <= NodeInfo::kTagMask; }

}  // namespace

Arc make_arc(const keys::Adj& a, std::string_view value) {
  if (a.other > kMaxId || a.edge > kMaxId || !fits(a.tag) || !fits(a.other_tag)) {
    throw invalid("node {}: an edge (id {}, type tag {}) past what traversals hold (ids below 2^32, type tags below 2^12)",
                  a.node, a.edge, a.tag);
  }
  Arc arc;
  arc.edge = static_cast<std::uint32_t>(a.edge);
  arc.other = static_cast<std::uint32_t>(a.other);
  arc.from = arc_day(a.from);
  arc.to = arc_day(keys::decode_adj_value(value).to);
  arc.type = static_cast<std::uint16_t>(a.tag | (a.dir == keys::kIn ? Arc::kIn : 0));
  arc.other_type = static_cast<std::uint16_t>(a.other_tag);
  return arc;
}

std::vector<DaySpan> day_spans(const std::vector<Interval>& gaps) {
  std::vector<DaySpan> out;
  out.reserve(gaps.size());
  for (const auto& g : gaps) {
    if (g.from && g.to) out.push_back({g.from->first_day(), g.to->first_day()});
  }
  return out;
}

bool in_gap(std::span<const DaySpan> gaps, std::uint32_t day) {
  for (const auto& g : gaps) {
    if (day < g.from) return false;
    if (day < g.to) return true;
  }
  return false;
}

NodeInfo make_node_info(const catalog::TypeDef& type, const std::optional<Interval>& valid, bool has_gaps) {
  NodeInfo info;
  info.bits = static_cast<std::uint16_t>(type.tag | NodeInfo::kExists);
  if (valid) {
    info.bits |= NodeInfo::kHasValid;
    if (has_gaps) info.bits |= NodeInfo::kHasGaps;
    info.from = valid->from ? valid->from->first_day() : 0;
    info.to = valid->to ? valid->to->first_day() : 0;
  } else if (type.in_force_only) {
    info.bits |= NodeInfo::kNeedsValid;
  }
  return info;
}

namespace {

// One range of node ids, read by one thread: its nodes' heads and its arcs. The arcs are
// written in place, in the chunk's own stretch of the base's arrays (`cap` arcs from `others`
// and `tails`), and past it into arrays of the chunk's own (`more_*`); the join then moves
// each stretch down to where the chunk's arcs begin (Topology::build).
struct Chunk {
  std::uint64_t first = 0, end = 0;  // node ids [first, end)
  std::vector<std::pair<NodeId, std::vector<DaySpan>>> gaps;
  std::uint32_t* others = nullptr;  // the stretch
  ArcTail* tails = nullptr;
  std::size_t cap = 0;
  std::size_t size = 0;  // arcs written, in the stretch and past it
  memory::HugeVector<std::uint32_t> more_others;
  memory::HugeVector<ArcTail> more_tails;
  std::vector<std::uint32_t> counts;  // arcs per node, by id - first
  bool fits = true;

  void push(std::uint32_t other, const ArcTail& tail) {
    if (size < cap) {
      others[size] = other;
      tails[size] = tail;
    } else {
      more_others.push_back(other);
      more_tails.push_back(tail);
    }
    ++size;
  }
  // Takes back the arcs written since the first `n`.
  void truncate(std::size_t n) {
    size = n;
    more_others.resize(n > cap ? n - cap : 0);
    more_tails.resize(n > cap ? n - cap : 0);
  }
  std::size_t in_place() const { return std::min(size, cap); }
};

// The head of a run as the topology holds it.
NodeInfo head_info(const catalog::Catalog& catalog, const keys::RunHead& h) {
  NodeInfo info;
  info.bits = static_cast<std::uint16_t>(h.tag | NodeInfo::kExists);
  if (h.has_valid) {
    info.bits |= NodeInfo::kHasValid;
    if (!h.gaps.empty()) info.bits |= NodeInfo::kHasGaps;
    info.from = arc_day(h.from);
    info.to = arc_day(h.to);
  } else if (catalog.by_tag(h.tag).in_force_only) {
    info.bits |= NodeInfo::kNeedsValid;
  }
  return info;
}

// Format 5: each node's runs (storage/adj_run.h), heads and arcs alike. A node's first run
// is decoded where the cursor holds it, straight into the chunk's arrays; when a second run
// of the same node follows (a node written by several commits), what the first gave is
// taken back, and the node's runs are read again from the start and merged.
void read_chunk_runs(const storage::View& view, const catalog::Catalog& catalog, Chunk& c,
                     memory::HugeVector<NodeInfo>& nodes, std::uint64_t before_commit) {
  c.counts.assign(c.end - c.first, 0);
  const std::string lo = keys::id(c.first), hi = keys::id(c.end);
  auto cur = view.cursor(Cf::kAdj, hi, storage::View::Access::kSequential);
  auto put_arc = [&](NodeId node, const keys::RunArc& a) {
    if (!fits(a.tag) || !fits(a.other_tag) || a.other > kMaxId || a.edge > kMaxId) {
      c.fits = false;
      return;
    }
    c.push(static_cast<std::uint32_t>(a.other),
           {static_cast<std::uint32_t>(a.edge), arc_day(a.from), arc_day(a.to),
            static_cast<std::uint16_t>(a.tag | (a.dir == keys::kIn ? Arc::kIn : 0)), static_cast<std::uint16_t>(a.other_tag)});
    ++c.counts[node - c.first];
  };
  auto put_head = [&](NodeId node, const keys::RunHead& h) {
    if (!fits(h.tag)) {
      c.fits = false;
      return;
    }
    nodes[node] = head_info(catalog, h);
    if (!h.gaps.empty()) c.gaps.emplace_back(node, head_gaps(h));
  };
  NodeId at = ~NodeId{0};  // the node whose first run was read last
  std::size_t at_arcs = 0;  // where its arcs begin in the chunk's arrays
  cur.seek(lo);
  while (cur.valid() && c.fits) {
    auto k = cur.key();
    if (k.size() != keys::kRunKeySize) throw corruption("an adjacency key of {} bytes (a format-5 run has {})", k.size(), keys::kRunKeySize);
    const NodeId node = coding::get_u64(k.data());
    if (node >= c.end) break;
    if (node >= kMaxId) {
      c.fits = false;
      return;
    }
    if (coding::get_u64(k.data() + 8) >= before_commit) {  // a later commit's (an as-of build)
      cur.next();
      continue;
    }
    if (node != at) {
      at = node;
      at_arcs = c.size;
      keys::RunReader r(cur.value(), node);
      while (r.next() && c.fits) {
        if (r.op() == keys::RunReader::Op::kArc) put_arc(node, r.arc());
        if (r.op() == keys::RunReader::Op::kHead) put_head(node, r.head());
      }
      cur.next();
      continue;
    }
    // A second run of `node`: undo the first, then merge all of them.
    c.truncate(at_arcs);
    c.counts[node - c.first] = 0;
    nodes[node] = NodeInfo{};
    if (!c.gaps.empty() && c.gaps.back().first == node) c.gaps.pop_back();
    keys::RunMerger m(node);
    const std::string prefix = keys::id(node);
    for (cur.seek(prefix); cur.valid(); cur.next()) {
      auto key = cur.key();
      if (key.size() < 8 || key.compare(0, 8, prefix) != 0) break;
      if (key.size() >= 16 && coding::get_u64(key.data() + 8) >= before_commit) continue;
      m.add(cur.value());
    }
    auto merged = m.finish();
    if (merged.has_head) put_head(node, merged.head);
    for (const auto& a : merged.arcs) put_arc(node, a);
  }
}

void read_chunk(const storage::View& view, const catalog::Catalog& catalog, Chunk& c, memory::HugeVector<NodeInfo>& nodes) {
  c.counts.assign(c.end - c.first, 0);
  const std::string lo = keys::id(c.first), hi = keys::id(c.end);
  {
    auto cur = view.cursor(Cf::kNodes, hi, storage::View::Access::kSequential);
    for (cur.seek(lo); cur.valid(); cur.next()) {
      auto k = cur.key();
      NodeId id = keys::decode_id(k);
      if (id >= c.end) break;
      auto head = node_head(id, cur.value());
      const auto& type = catalog.by_tag(head.tag);
      if (!fits(head.tag)) {
        c.fits = false;
        return;
      }
      nodes[id] = make_node_info(type, head.valid, !head.gaps.empty());
      if (nodes[id].has_gaps()) c.gaps.emplace_back(id, day_spans(head.gaps));
    }
  }
  auto cur = view.cursor(Cf::kAdj, hi, storage::View::Access::kSequential);
  for (cur.seek(lo); cur.valid(); cur.next()) {
    auto k = cur.key();
    if (k.size() != keys::kAdjKeySize) throw corruption("an adjacency key of {} bytes (a format-2 key has {})", k.size(), keys::kAdjKeySize);
    const char* p = k.data();
    const std::uint64_t node = coding::get_u64(p);
    if (node >= c.end) break;
    const std::uint8_t dir = static_cast<std::uint8_t>(p[8]);
    const std::uint32_t tag = coding::get_u32(p + 9), other_tag = coding::get_u32(p + 13);
    const std::uint32_t from = coding::get_u32(p + 17);
    const std::uint64_t other = coding::get_u64(p + 21), edge = coding::get_u64(p + 29);
    if (!fits(tag) || !fits(other_tag) || other > kMaxId || edge > kMaxId) {
      c.fits = false;
      return;
    }
    auto v = cur.value();
    const std::uint32_t to = v.size() >= 4 ? coding::get_u32(v.data()) : 0;
    c.push(static_cast<std::uint32_t>(other),
           {static_cast<std::uint32_t>(edge), arc_day(from), arc_day(to),
            static_cast<std::uint16_t>(tag | (dir == keys::kIn ? Arc::kIn : 0)), static_cast<std::uint16_t>(other_tag)});
    ++c.counts[node - c.first];
  }
}

// Ranges [first, end) of node ids covering [0, n), about `want` of them, each with about as
// many of the adjacency family's bytes (its third member, RocksDB's estimate): a range
// holding more than a quarter of its share is halved, down to single nodes, and the pieces
// are then joined in order up to a share each. Even ranges of ids when the view cannot tell.
using Ranges = std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>>;

// `count` ranges of as many node ids each, of weight 1.
Ranges uniform_ranges(std::uint64_t n, std::uint64_t count) {
  Ranges out;
  for (std::uint64_t i = 0; i < count; ++i) out.emplace_back(n * i / count, n * (i + 1) / count, 1);
  return out;
}

Ranges even_ranges(const storage::View& view, std::uint64_t n, std::uint64_t want) {
  auto bytes_of = [&](std::uint64_t lo, std::uint64_t hi) { return view.approximate_bytes(Cf::kAdj, keys::id(lo), keys::id(hi)); };
  const std::uint64_t total = want > 1 ? bytes_of(0, n) : 0;
  if (total == 0) return uniform_ranges(n, want);
  const std::uint64_t share = std::max<std::uint64_t>(total / want, 1);
  Ranges out, pieces, stack{{0, n, total}};
  while (!stack.empty()) {  // depth first, the lower half first: the pieces come in order
    auto [lo, hi, bytes] = stack.back();
    stack.pop_back();
    if (bytes <= share / 4 || hi - lo <= 1) {
      pieces.emplace_back(lo, hi, bytes);
      continue;
    }
    const std::uint64_t mid = lo + (hi - lo) / 2;
    stack.emplace_back(mid, hi, bytes_of(mid, hi));
    stack.emplace_back(lo, mid, bytes_of(lo, mid));
  }
  for (const auto& [lo, hi, bytes] : pieces) {
    if (!out.empty() && std::get<2>(out.back()) + bytes <= share) {
      std::get<1>(out.back()) = hi;
      std::get<2>(out.back()) += bytes;
    } else {
      out.emplace_back(lo, hi, bytes);
    }
  }
  return out;
}

std::uint64_t counter_of(const storage::View& view, std::string_view key) {
  auto v = view.get(Cf::kMeta, key);
  return v && v->size() == 8 ? coding::get_u64(v->data()) : 0;
}

}  // namespace

std::shared_ptr<const Topology> Topology::build(const storage::View& view, const catalog::Catalog& catalog,
                                                std::uint64_t next_node_id, std::uint32_t format,
                                                std::uint64_t before_commit) {
  // ENTENTE_TOPOLOGY_TRACE=1 prints the build's phases to stderr (docs/performance.md).
  static const bool trace = std::getenv("ENTENTE_TOPOLOGY_TRACE") != nullptr;
  auto t0 = std::chrono::steady_clock::now();
  auto phase = [&](const char* name) {
    auto now = std::chrono::steady_clock::now();
    if (trace) fmt::print(stderr, "topology: {}: {:.3f} s\n", name, std::chrono::duration<double>(now - t0).count());
    t0 = now;
  };
  const std::uint64_t next_edge = counter_of(view, keys::kNextEdgeId);
  if (next_node_id > kMaxId || next_edge > kMaxId) return nullptr;
  const std::uint64_t n = std::max<std::uint64_t>(next_node_id, 1);
  auto base = std::make_shared<Base>();
  base->next_edge = next_edge;
  base->nodes.assign(n, NodeInfo{});

  // Ranges of node ids taken from a queue by the threads, so that a few nodes with most of
  // the arcs do not leave one thread alone at the end; cut where the adjacency family's bytes
  // are even (a node id range holding the hubs holds most of the arcs).
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  const bool runs = format >= 5;
  const std::uint64_t forced = build_chunks.load();
  const Ranges ranges = forced ? uniform_ranges(n, std::min<std::uint64_t>(forced, n))
                               : even_ranges(view, n, n < 4096 ? 1 : std::min<std::uint64_t>(64, threads * 8));
  const std::uint64_t chunk_count = ranges.size();
  std::vector<Chunk> chunks(chunk_count);
  std::uint64_t weight = 0;  // the ranges' bytes, all told
  for (std::uint64_t i = 0; i < chunk_count; ++i) {
    chunks[i].first = std::get<0>(ranges[i]);
    chunks[i].end = std::get<1>(ranges[i]);
    weight += std::get<2>(ranges[i]);
  }
  phase("heads array");
  // Each chunk's stretch of the base's arrays: its share of the stored edge counts (two arcs
  // an edge, format 3 on), with room to spare, since the family's bytes are not spread
  // quite as its arcs are. The arrays are sized to all the stretches without being written:
  // only what a chunk writes is faulted in, once, where it stays or close by (the join
  // below), instead of into arrays of the chunk's own and then copied.
  std::uint64_t edges = 0;
  for (const auto& [tag, count] : read_counts(view).edges) edges += static_cast<std::uint64_t>(std::max<std::int64_t>(count, 0));
  std::vector<std::uint64_t> starts(chunk_count + 1, 0);  // where each stretch begins
  for (std::uint64_t i = 0; i < chunk_count; ++i) {
    std::uint64_t cap = 0;
    if (edges > 0 && weight > 0) {
      const double share = static_cast<double>(std::get<2>(ranges[i])) / static_cast<double>(weight);
      cap = static_cast<std::uint64_t>(share * static_cast<double>(2 * edges) * 1.6) + 1024;
    }
    if (const auto forced = build_capacity.load()) cap = forced;
    starts[i + 1] = starts[i] + cap;
  }
  if (starts[chunk_count] > 4 * kMaxId) std::fill(starts.begin(), starts.end(), 0);  // damaged counts
  base->others.resize(starts[chunk_count]);
  base->tails.resize(starts[chunk_count]);
  for (std::uint64_t i = 0; i < chunk_count; ++i) {
    chunks[i].others = base->others.data() + starts[i];
    chunks[i].tails = base->tails.data() + starts[i];
    chunks[i].cap = starts[i + 1] - starts[i];
  }
  parallel::for_each(chunks.size(), threads, [&](std::size_t i) {
    if (runs) {
      read_chunk_runs(view, catalog, chunks[i], base->nodes, before_commit);
    } else {
      read_chunk(view, catalog, chunks[i], base->nodes);
    }
  });

  phase("read the chunks");
  std::uint64_t total = 0;
  for (const auto& c : chunks) {
    if (!c.fits) return nullptr;
    total += c.size;
  }
  if (total > kMaxId) return nullptr;
  base->offsets.resize(n + 1);
  std::uint64_t at = 0;
  for (auto& c : chunks) {
    for (std::uint64_t id = c.first; id < c.end; ++id) {
      base->offsets[id] = static_cast<std::uint32_t>(at);
      at += c.counts[id - c.first];
    }
    for (auto& [id, g] : c.gaps) base->gaps.emplace(id, std::move(g));
  }
  base->offsets[n] = static_cast<std::uint32_t>(at);
  // The join: each chunk's arcs move down to where they begin, in order, so that a move
  // never overwrites a stretch not yet moved; unless the arcs before a chunk outgrew the
  // stretches before it (its spare room spilled): then they go to new arrays instead.
  bool in_order = true;
  at = 0;
  for (std::uint64_t i = 0; i < chunk_count && in_order; ++i) {
    at += chunks[i].size;
    in_order = at <= starts[i + 1];
  }
  if (trace) {
    double fullest = 0;
    for (const auto& c : chunks) fullest = std::max(fullest, static_cast<double>(c.size) / static_cast<double>(std::max<std::size_t>(c.cap, 1)));
    fmt::print(stderr, "topology: {} chunks, the fullest at {:.0f}% of its room; joined {}\n", chunk_count, 100 * fullest,
               in_order ? "in place" : "by a copy");
  }
  decltype(base->others) new_others;
  decltype(base->tails) new_tails;
  if (!in_order) {
    new_others.resize(total);
    new_tails.resize(total);
  }
  std::uint32_t* others = in_order ? base->others.data() : new_others.data();
  ArcTail* tails = in_order ? base->tails.data() : new_tails.data();
  at = 0;
  for (auto& c : chunks) {
    if (c.in_place() > 0 && c.others != others + at) {
      std::memmove(others + at, c.others, c.in_place() * sizeof(std::uint32_t));
      std::memmove(tails + at, c.tails, c.in_place() * sizeof(ArcTail));
    }
    at += c.in_place();
    std::copy(c.more_others.begin(), c.more_others.end(), others + at);
    std::copy(c.more_tails.begin(), c.more_tails.end(), tails + at);
    at += c.more_others.size();
    memory::HugeVector<std::uint32_t>().swap(c.more_others);
    memory::HugeVector<ArcTail>().swap(c.more_tails);
  }
  if (!in_order) {
    base->others.swap(new_others);
    base->tails.swap(new_tails);
  }
  base->others.resize(total);
  base->tails.resize(total);
  // The stretches' unused ends, and what was moved down from there.
  memory::release_pages(base->others.data() + total, base->others.data() + base->others.capacity());
  memory::release_pages(base->tails.data() + total, base->tails.data() + base->tails.capacity());
  phase("join the chunks");
  auto topo = std::make_shared<Topology>();
  topo->base_ = std::move(base);
  return topo;
}

const NodeInfo* Topology::node(NodeId id) const {
  if (const NodeDelta* d = delta(id); d && d->info) return d->info->exists() ? &*d->info : nullptr;
  if (id >= base_->nodes.size()) return nullptr;
  const NodeInfo& info = base_->nodes[id];
  return info.exists() ? &info : nullptr;
}

std::span<const DaySpan> Topology::gaps(NodeId id) const {
  if (const NodeDelta* d = delta(id); d && d->info) return d->gaps;
  auto it = base_->gaps.find(id);
  if (it == base_->gaps.end()) return {};
  return it->second;
}

std::uint64_t Topology::arc_count() const {
  return base_->arc_total() + (overlay_ ? overlay_->arcs : 0);
}

Topology::Memory Topology::memory() const {
  Memory m;
  m.arcs = base_->arc_total();
  m.nodes = base_->nodes.size();
  // The arcs' arrays by size: the build gives back the pages past it, and a merge reserves an
  // upper bound it does not write.
  m.bytes = base_->others.size() * sizeof(std::uint32_t) + base_->tails.size() * sizeof(ArcTail) +
            base_->nodes.capacity() * sizeof(NodeInfo) +
            base_->offsets.capacity() * sizeof(std::uint32_t) + sizeof(Base);
  for (const auto& [id, g] : base_->gaps) m.bytes += 64 + g.capacity() * sizeof(DaySpan);  // a hash-map node each
  if (overlay_) {
    m.overlay_arcs = overlay_->arcs;
    // Each changed node: its delta's vectors, a hash-map slot and the shared pointer.
    m.bytes += overlay_->arcs * sizeof(Arc) + overlay_->nodes * (sizeof(NodeDelta) + 48) + sizeof(Overlay);
    // The arcs as they are now: the changed nodes' counted through their deltas.
    for (const auto& bucket : overlay_->buckets) {
      if (!bucket) continue;
      for (const auto& [id, nd] : *bucket) {
        m.arcs -= base_arcs(id).size();
        arcs(id, [&](const Arc&) {
          ++m.arcs;
          return true;
        });
        m.nodes = std::max<std::uint64_t>(m.nodes, id + 1);
      }
    }
  }
  return m;
}

void Topology::set_merge_floor(std::uint64_t floor) { merge_floor = floor == 0 ? kMergeFloor : floor; }

void Topology::set_build_shape(BuildShape shape) {
  build_chunks = shape.chunks;
  build_capacity = shape.capacity;
}

std::shared_ptr<const Topology> Topology::apply(const TopologyDelta& d) const {
  auto next = std::make_shared<Topology>();
  next->base_ = base_;
  if (d.empty()) {
    next->overlay_ = overlay_;
    return next;
  }
  // The changes per node, the last one for each arc winning (a put after a delete of the
  // same arc, or a replacement, within one transaction).
  struct Change {
    std::map<std::uint64_t, std::optional<Arc>> arcs;  // Arc::id() -> the arc (nullopt: deleted)
    std::optional<NodeInfo> info;
    std::vector<DaySpan> gaps;
    bool has_info = false;
  };
  std::unordered_map<NodeId, Change> changes;
  for (const auto& op : d.arcs) {
    if (op.node > kMaxId || (op.put && (!fits(op.arc.tag()) || !fits(op.arc.other_type)))) return nullptr;
    changes[op.node].arcs[op.arc.id()] = op.put ? std::optional<Arc>(op.arc) : std::nullopt;
  }
  for (const auto& op : d.nodes) {
    if (op.node > kMaxId || (op.info && !fits(op.info->tag()))) return nullptr;
    auto& c = changes[op.node];
    c.info = op.info ? *op.info : NodeInfo{};  // a removed node: a head that does not exist
    c.gaps = op.info ? op.gaps : std::vector<DaySpan>{};
    c.has_info = true;
  }

  auto overlay = overlay_ ? std::make_shared<Overlay>(*overlay_) : std::make_shared<Overlay>();
  std::vector<std::shared_ptr<Overlay::Bucket>> copied(Overlay::kBuckets);
  for (auto& entry : changes) {
    const NodeId id = entry.first;
    const Change& change = entry.second;  // named: a lambda may not capture a structured binding
    const std::size_t b = id % Overlay::kBuckets;
    if (!copied[b]) {
      copied[b] = overlay->buckets[b] ? std::make_shared<Overlay::Bucket>(*overlay->buckets[b])
                                      : std::make_shared<Overlay::Bucket>();
      overlay->buckets[b] = copied[b];
    }
    auto& slot = (*copied[b])[id];
    auto nd = slot ? std::make_shared<NodeDelta>(*slot) : std::make_shared<NodeDelta>();
    if (slot) {
      overlay->arcs -= slot->added.size() + slot->hidden.size();
    } else {
      ++overlay->nodes;
    }
    if (!change.arcs.empty()) {
      // Drop the earlier versions of the arcs changed, hide the base's, add the new ones.
      std::erase_if(nd->added, [&](const Arc& a) { return change.arcs.count(a.id()) > 0; });
      for (const auto& [arc_id, arc] : change.arcs) {
        if ((arc_id >> 1) < base_->next_edge) nd->hidden.push_back(arc_id);
        if (arc) nd->added.push_back(*arc);
      }
      std::sort(nd->added.begin(), nd->added.end(), arc_less);
      std::sort(nd->hidden.begin(), nd->hidden.end());
      nd->hidden.erase(std::unique(nd->hidden.begin(), nd->hidden.end()), nd->hidden.end());
    }
    if (change.has_info) {
      nd->info = change.info;
      nd->gaps = change.gaps;
    }
    overlay->arcs += nd->added.size() + nd->hidden.size();
    slot = std::move(nd);
  }
  next->overlay_ = std::move(overlay);

  // Merge when the overlay has grown past an eighth of the base: reads then stay at one
  // look-up in the overlay's buckets for the few nodes changed since.
  if (next->overlay_->arcs + next->overlay_->nodes > std::max<std::uint64_t>(merge_floor.load(), base_->arc_total() / 8)) {
    return next->merge();
  }
  return next;
}

std::shared_ptr<const Topology> Topology::flat(std::shared_ptr<const Topology> t) {
  if (!t || !t->overlay_) return t;
  return t->merge();
}

std::shared_ptr<const Topology> Topology::merge() const {
  // The node ids past the base that the overlay added.
  std::uint64_t n = base_->nodes.size();
  std::uint64_t next_edge = base_->next_edge;
  for (const auto& bucket : overlay_->buckets) {
    if (!bucket) continue;
    for (const auto& [id, nd] : *bucket) {
      n = std::max<std::uint64_t>(n, id + 1);
      for (const Arc& a : nd->added) next_edge = std::max<std::uint64_t>(next_edge, std::uint64_t{a.edge} + 1);
    }
  }
  auto base = std::make_shared<Base>();
  base->next_edge = next_edge;
  base->nodes.resize(n);
  base->offsets.resize(n + 1);
  base->reserve(arc_count());
  for (NodeId id = 0; id < n; ++id) {
    base->offsets[id] = static_cast<std::uint32_t>(base->arc_total());
    const NodeInfo* info = node(id);
    if (info) base->nodes[id] = *info;
    if (info && info->has_gaps()) {
      auto g = gaps(id);
      base->gaps.emplace(id, std::vector<DaySpan>(g.begin(), g.end()));
    }
    arcs(id, [&](const Arc& a) {
      base->push(a);
      return true;
    });
  }
  if (base->arc_total() > kMaxId) return nullptr;
  base->offsets[n] = static_cast<std::uint32_t>(base->arc_total());
  auto topo = std::make_shared<Topology>();
  topo->base_ = std::move(base);
  return topo;
}

}  // namespace entente::graph
