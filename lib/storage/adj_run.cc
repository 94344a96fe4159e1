#include "storage/adj_run.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "common/coding.h"
#include "common/error.h"

namespace entente::keys {

namespace {

enum RunOpKind : std::uint64_t { kArcPut = 0, kArcRemoved = 1, kHeadPut = 2, kHeadRemoved = 3 };

void run_put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

auto run_order(const RunArc& a) { return std::tie(a.dir, a.tag, a.other_tag, a.from, a.other, a.edge); }

}  // namespace

bool adjacency_less(const RunArc& a, const RunArc& b) { return run_order(a) < run_order(b); }

RunArc run_arc(const Adj& key, std::uint32_t to, std::uint8_t flags) {
  RunArc a;
  a.dir = key.dir;
  a.tag = key.tag;
  a.other_tag = key.other_tag;
  a.from = key.from;
  a.to = to;
  a.has_valid = flags & kHasValid;
  a.other = key.other;
  a.edge = key.edge;
  return a;
}

std::string run_key(const RunKey& k) {
  std::string out;
  out.reserve(kRunKeySize);
  coding::put_u64(out, k.node);
  coding::put_u64(out, k.commit);
  coding::put_u32(out, k.part);
  return out;
}

RunKey decode_run_key(std::string_view key) {
  if (key.size() != kRunKeySize) {
    throw corruption("adjacency key of {} bytes, expected {} (a format-5 run)", key.size(), kRunKeySize);
  }
  return {coding::get_u64(key.data()), coding::get_u64(key.data() + 8), coding::get_u32(key.data() + 16)};
}

void RunWriter::head(const RunHead& h) {
  run_put_varint(out_, std::uint64_t{h.tag} << 2 | kHeadPut);
  run_put_varint(out_, std::uint64_t{h.gaps.size()} << 1 | (h.has_valid ? 1 : 0));
  if (h.has_valid) {
    run_put_varint(out_, h.from);
    run_put_varint(out_, h.to);
  }
  for (const auto& [from, to] : h.gaps) {
    run_put_varint(out_, from);
    run_put_varint(out_, to);
  }
}

void RunWriter::head_removed() { run_put_varint(out_, kHeadRemoved); }

void RunWriter::arc(const RunArc& a) {
  run_put_varint(out_, (std::uint64_t{a.tag} << 1 | a.dir) << 2 | kArcPut);
  run_put_varint(out_, a.other_tag);
  run_put_varint(out_, a.from);
  run_put_varint(out_, std::uint64_t{a.to} << 1 | (a.has_valid ? 1 : 0));
  run_put_varint(out_, a.other);
  run_put_varint(out_, a.edge);
}

void RunWriter::arc_removed(std::uint8_t dir, std::uint32_t tag, std::uint64_t edge) {
  run_put_varint(out_, (std::uint64_t{tag} << 1 | dir) << 2 | kArcRemoved);
  run_put_varint(out_, edge);
}

std::uint64_t RunReader::varint(const char* field) {
  std::uint64_t v;
  if (bounded_varint(p_, v)) return v;
  if (p_ == end_) throw corruption("node {}: an adjacency run ends inside its {}", node_, field);
  throw corruption("node {}: an adjacency run's {} is not a number", node_, field);
}

bool RunReader::next_checked() {
  if (p_ == end_) return false;
  auto u32 = [&](const char* field) {
    std::uint64_t v = varint(field);
    if (v > 0xffffffffu) throw corruption("node {}: an adjacency run's {} is out of range", node_, field);
    return static_cast<std::uint32_t>(v);
  };
  const std::uint64_t h = varint("op");
  switch (h & 3) {
    case kArcPut:
    case kArcRemoved: {
      const std::uint64_t dir_tag = h >> 2;
      if ((dir_tag >> 1) > 0xffffffffu) throw corruption("node {}: an adjacency run's edge tag is out of range", node_);
      arc_.dir = static_cast<std::uint8_t>(dir_tag & 1);
      arc_.tag = static_cast<std::uint32_t>(dir_tag >> 1);
      if ((h & 3) == kArcRemoved) {
        op_ = Op::kArcRemoved;
        arc_.edge = varint("edge");
        return true;
      }
      op_ = Op::kArc;
      arc_.other_tag = u32("other end's tag");
      arc_.from = u32("valid-from");
      const std::uint64_t to = varint("valid-to");
      if ((to >> 1) > 0xffffffffu) throw corruption("node {}: an adjacency run's valid-to is out of range", node_);
      arc_.to = static_cast<std::uint32_t>(to >> 1);
      arc_.has_valid = to & 1;
      arc_.other = varint("other end");
      arc_.edge = varint("edge");
      return true;
    }
    case kHeadPut: {
      op_ = Op::kHead;
      if ((h >> 2) > 0xffffffffu) throw corruption("node {}: an adjacency run's node tag is out of range", node_);
      head_.tag = static_cast<std::uint32_t>(h >> 2);
      const std::uint64_t g = varint("gap count");
      head_.has_valid = g & 1;
      head_.from = head_.to = 0;
      if (head_.has_valid) {
        head_.from = u32("valid-from");
        head_.to = u32("valid-to");
      }
      const std::uint64_t gaps = g >> 1;
      // Each gap takes at least two bytes: a count past the bytes left is damage.
      if (gaps > static_cast<std::uint64_t>(end_ - p_) / 2) throw corruption("node {}: an adjacency run's gap count is damaged", node_);
      head_.gaps.resize(gaps);
      for (auto& [from, to] : head_.gaps) {
        from = u32("gap");
        to = u32("gap");
      }
      return true;
    }
    default:
      if (h != kHeadRemoved) throw corruption("node {}: an adjacency run holds an unknown op", node_);
      op_ = Op::kHeadRemoved;
      return true;
  }
}

void RunMerger::add(std::string_view value) {
  ++out_.runs;
  if (out_.runs == 2) {
    // A second run: from now on an op may replace or remove an arc of an earlier one.
    for (std::size_t i = 0; i < arcs_.size(); ++i) at_.emplace(arcs_[i].id(), i);
  }
  RunReader r(value, node_);
  while (r.next()) {
    switch (r.op()) {
      case RunReader::Op::kHead:
        out_.has_head = true;
        out_.head_removed = false;
        out_.head = r.head();
        break;
      case RunReader::Op::kHeadRemoved:
        out_.has_head = false;
        out_.head_removed = true;
        out_.head = {};
        break;
      case RunReader::Op::kArc: {
        const RunArc& a = r.arc();
        if (out_.runs > 1) {
          auto [it, fresh] = at_.try_emplace(a.id(), arcs_.size());
          if (!fresh) {
            live_[it->second] = false;
            it->second = arcs_.size();
          }
        }
        if (!arcs_.empty() && !adjacency_less(arcs_.back(), a)) sorted_ = false;
        arcs_.push_back(a);
        live_.push_back(true);
        break;
      }
      case RunReader::Op::kArcRemoved:
        // In the first run a removal removes nothing: a run holds one op an arc.
        if (auto it = at_.find(r.arc().id()); it != at_.end()) {
          live_[it->second] = false;
          at_.erase(it);
        }
        break;
    }
  }
}

NodeRuns RunMerger::finish() {
  if (std::find(live_.begin(), live_.end(), false) == live_.end()) {
    out_.arcs = std::move(arcs_);
  } else {
    out_.arcs.reserve(arcs_.size());
    for (std::size_t i = 0; i < arcs_.size(); ++i) {
      if (live_[i]) out_.arcs.push_back(arcs_[i]);
    }
  }
  if (!sorted_) std::sort(out_.arcs.begin(), out_.arcs.end(), adjacency_less);
  return std::move(out_);
}

}  // namespace entente::keys
