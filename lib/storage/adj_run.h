// Format 5's adjacency family: a node's arcs and head grouped in runs (docs/format.md,
// "Format 5"). One entry holds what one commit changed at one node:
//
//   key:   node u64 | commit u64 | part u32   (big-endian: a node's runs in commit order)
//   value: ops, each a varint header h (its low two bits the kind) and varint fields:
//     arc put       h = (tag << 1 | dir) << 2 | 0; other_tag, from, to << 1 | has_valid,
//                   other, edge
//     arc removed   h = (tag << 1 | dir) << 2 | 1; edge
//     head put      h = tag << 2 | 2; gap count << 1 | has_valid; [from, to]; gaps as
//                   (from, to) pairs
//     head removed  h = 3
//
// A node's arcs as of a commit are the merge of its runs up to that commit, oldest first:
// a later op on the same arc (direction and edge id) or on the head wins. Within a run the
// arcs are in the adjacency order (direction, edge tag, the other end's tag, valid-from,
// the other end, the edge), so a node with one run reads in order without a sort.
//
// This layer knows ids, tags and dates (as ymd numbers: Date::ymd(), 0 unbounded), not types.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/keys.h"

namespace entente::keys {

// adj (format 5): node u64 | commit u64 | part u32.
inline constexpr std::size_t kRunKeySize = 8 + 8 + 4;
struct RunKey {
  std::uint64_t node = 0;
  std::uint64_t commit = 0;
  std::uint32_t part = 0;  // a commit's runs of one node, when it wrote them in parts
};
std::string run_key(const RunKey& k);
// Throws Error(kCorruption) unless `key` has kRunKeySize bytes.
RunKey decode_run_key(std::string_view key);

// meta: the number the next commit takes (format 5), u64.
inline constexpr std::string_view kNextCommit = "next_commit";

// An arc op: one direction of an edge at the run's node.
struct RunArc {
  std::uint8_t dir = kOut;
  std::uint32_t tag = 0;        // the edge's type tag
  std::uint32_t other_tag = 0;  // the other end's type tag
  std::uint32_t from = 0;       // valid-from ymd; 0: unbounded
  std::uint32_t to = 0;         // valid-to ymd; 0: open
  bool has_valid = false;       // the edge has a validity (kHasValid of the format-2 value)
  std::uint64_t other = 0;
  std::uint64_t edge = 0;
  // The arc's identity among a node's arcs.
  std::uint64_t id() const { return edge << 1 | dir; }
  bool operator==(const RunArc&) const = default;
};
// The adjacency order (the format-2 key's): direction, edge tag, the other end's tag,
// valid-from, the other end, the edge.
bool adjacency_less(const RunArc& a, const RunArc& b);

// The arc of a format-2 to 4 entry: its key and its value's valid-to and flags.
RunArc run_arc(const Adj& key, std::uint32_t to, std::uint8_t flags);

// A node's head: what traversals need of its record.
struct RunHead {
  std::uint32_t tag = 0;
  bool has_valid = false;
  std::uint32_t from = 0, to = 0;                          // ymd; 0: unbounded, open
  std::vector<std::pair<std::uint32_t, std::uint32_t>> gaps;  // ymd pairs, in order
  bool operator==(const RunHead&) const = default;
};

// Writes one run. Ops are appended as given: the caller puts a head first, then the arcs in
// adjacency order (RunReader does not sort).
class RunWriter {
 public:
  void head(const RunHead& h);
  void head_removed();
  void arc(const RunArc& a);
  void arc_removed(std::uint8_t dir, std::uint32_t tag, std::uint64_t edge);
  // Ops written by another RunWriter, appended as they are.
  void raw(std::string_view ops) { out_.append(ops); }
  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }
  bool empty() const { return out_.empty(); }
  void clear() { out_.clear(); }

 private:
  std::string out_;
};

// Reads the ops of one run in order. Throws Error(kCorruption), naming the node, on a
// damaged value.
class RunReader {
 public:
  enum class Op { kHead, kHeadRemoved, kArc, kArcRemoved };
  RunReader(std::string_view value, std::uint64_t node) : p_(value.data()), end_(value.data() + value.size()), node_(node) {}
  // Reads the next op; false at the end.
  bool next() {
    // An arc put, read here with a bound check a byte and no call (the topology's build
    // reads millions). Anything else, and whatever would not pass a check, goes the checked
    // way, which names the damage.
    const char* p = p_;
    std::uint64_t h, other_tag, from, to, other, edge;
    if (bounded_varint(p, h) && (h & 3) == 0 && (h >> 3) <= 0xffffffffu && bounded_varint(p, other_tag) &&
        other_tag <= 0xffffffffu && bounded_varint(p, from) && from <= 0xffffffffu && bounded_varint(p, to) &&
        (to >> 1) <= 0xffffffffu && bounded_varint(p, other) && bounded_varint(p, edge)) {
      op_ = Op::kArc;
      arc_.dir = static_cast<std::uint8_t>(h >> 2 & 1);
      arc_.tag = static_cast<std::uint32_t>(h >> 3);
      arc_.other_tag = static_cast<std::uint32_t>(other_tag);
      arc_.from = static_cast<std::uint32_t>(from);
      arc_.to = static_cast<std::uint32_t>(to >> 1);
      arc_.has_valid = to & 1;
      arc_.other = other;
      arc_.edge = edge;
      p_ = p;
      return true;
    }
    return next_checked();
  }
  Op op() const { return op_; }
  const RunHead& head() const { return head_; }  // kHead
  const RunArc& arc() const { return arc_; }     // kArc; kArcRemoved: dir, tag and edge

 private:
  // A varint of at most ten bytes from p (advanced past what it read), before the end; false
  // past either.
  bool bounded_varint(const char*& p, std::uint64_t& v) const {
    v = 0;
    for (int shift = 0; shift < 64 && p != end_; shift += 7) {
      const auto byte = static_cast<unsigned char>(*p++);
      v |= std::uint64_t{byte & 0x7fu} << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;
  }
  bool next_checked();
  std::uint64_t varint(const char* field);
  const char* p_;
  const char* end_;
  std::uint64_t node_;
  Op op_ = Op::kHead;
  RunHead head_;
  RunArc arc_;
};

// A node's adjacency merged from its runs (oldest first): its head (when a run holds one
// and it was not removed since) and its arcs in adjacency order.
struct NodeRuns {
  bool has_head = false;
  bool head_removed = false;  // the newest head op removed the node
  RunHead head;
  std::vector<RunArc> arcs;
  std::size_t runs = 0;  // how many were merged
};
class RunMerger {
 public:
  explicit RunMerger(std::uint64_t node) : node_(node) {}
  // Adds the next run, newer than the ones before (read now: `value` need not outlive it).
  void add(std::string_view value);
  // The result; the merger may not be used after.
  NodeRuns finish();

 private:
  std::uint64_t node_;
  NodeRuns out_;
  std::vector<RunArc> arcs_;
  std::vector<bool> live_;
  std::unordered_map<std::uint64_t, std::size_t> at_;  // arc identity -> index, past one run
  bool sorted_ = true;
};

}  // namespace entente::keys
