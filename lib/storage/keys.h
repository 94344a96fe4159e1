// Key and value encodings of the column families, documented in docs/format.md.
// DO NOT CHANGE these layouts or tags without a new format version (kFormat): they are
// embedded in databases on disk.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "entente/date.h"

namespace entente::keys {

// Direction byte of an adjacency key.
inline constexpr std::uint8_t kOut = 0;
inline constexpr std::uint8_t kIn = 1;

// meta column family keys.
inline constexpr std::string_view kFormatVersion = "format_version";  // u32
inline constexpr std::string_view kNextNodeId = "next_node_id";       // u64
inline constexpr std::string_view kNextEdgeId = "next_edge_id";       // u64
inline constexpr std::string_view kCatalog = "catalog";               // Catalog message
// Format 6, in a database upgraded from an older format: the upgrade's commit, from which
// on record time is kept (u64). Absent in a database created in format 6 (from commit 0).
inline constexpr std::string_view kRecordTimeFrom = "record_time_from";
// Format 3: how many records of each type the database holds, kept by every commit, so
// that a lost record can be noticed (check): prefix | type tag u32 -> u64.
inline constexpr std::string_view kNodeCountPrefix = "count.node.";
inline constexpr std::string_view kEdgeCountPrefix = "count.edge.";
std::string node_count(std::uint32_t tag);
std::string edge_count(std::uint32_t tag);

// The format this build writes (and the newest it reads). Format 2 put the other end's
// node type tag into the adjacency key (docs/format.md, "Format 2"); format 3 added the
// record counts per type in meta ("Format 3"); format 4 lets a node record hold gaps
// (NodeRecord.gaps, "Format 4"); format 5 groups the adjacency family's entries into one
// run a node a commit (storage/adj_run.h, "Format 5"); format 6 adds record time: the
// history family (below) and the commit that wrote each record (NodeRecord.recorded,
// EdgeRecord.recorded; "Format 6"). An older database is upgraded when opened for writing
// and read as it is when opened read-only.
inline constexpr std::uint32_t kFormat = 6;

std::string id(std::uint64_t id);  // nodes, edges: u64
std::uint64_t decode_id(std::string_view key);

// adj (formats 2 to 4; format 5 holds runs instead, storage/adj_run.h): node u64 | dir u8 | type tag u32 | other node's type tag u32 |
//                 valid-from ymd u32 | other node u64 | edge u64
// adj (format 1): the same without the other node's type tag.
struct Adj {
  std::uint64_t node = 0;
  std::uint8_t dir = kOut;
  std::uint32_t tag = 0;
  std::uint32_t other_tag = 0;  // the other node's type tag; 0: unknown (a format-1 key)
  std::uint32_t from = 0;       // Date ymd; 0: unbounded
  std::uint64_t other = 0;
  std::uint64_t edge = 0;
};
inline constexpr std::size_t kAdjKeySize = 8 + 1 + 4 + 4 + 4 + 8 + 8;  // 37
inline constexpr std::size_t kAdjKeySize1 = 8 + 1 + 4 + 4 + 8 + 8;     // 33: format 1
// The key of `a` in `format` (1 leaves out other_tag).
std::string adj(const Adj& a, std::uint32_t format = kFormat);
// The key of `a` without its edge id: the identity prefix of an edge's entries (type, ends,
// valid-from), in `format`.
std::string adj_identity(const Adj& a, std::uint32_t format = kFormat);
// Accepts a key of either format: kAdjKeySize (format 2) or kAdjKeySize1 (format 1, whose
// other_tag reads as 0). Throws Error(kCorruption) for any other size.
Adj decode_adj(std::string_view key);
// Prefixes, the same in both formats: node; node | dir; node | dir | type tag.
std::string adj_prefix(std::uint64_t node);
std::string adj_prefix(std::uint64_t node, std::uint8_t dir);
std::string adj_prefix(std::uint64_t node, std::uint8_t dir, std::uint32_t tag);
// Format 2 only: node | dir | type tag | other node's type tag.
std::string adj_prefix(std::uint64_t node, std::uint8_t dir, std::uint32_t tag, std::uint32_t other_tag);

// adj value: valid-to ymd u32 (0: open) | flags u8 (bit 0: the edge has a validity)
inline constexpr std::uint8_t kHasValid = 1;
std::string adj_value(std::uint32_t to, std::uint8_t flags);
struct AdjValue {
  std::uint32_t to = 0;
  std::uint8_t flags = 0;
};
AdjValue decode_adj_value(std::string_view value);

// How an edge's validity is stored in its adjacency entries: valid-from (ymd, 0: unbounded)
// in the key, and the value (valid-to and the has-validity flag).
std::uint32_t adj_from(const std::optional<Interval>& valid);
std::string adj_value(const std::optional<Interval>& valid);
// Whether the edge of an adjacency entry holds on `day` (a Date's first_day()), read from
// the entry alone: the as-of test of every traversal.
bool adj_holds(const Adj& a, std::string_view value, std::uint32_t day);

// keys: type tag u32 | key bytes -> node id u64
std::string node_key(std::uint32_t tag, std::string_view key);
std::string type_prefix(std::uint32_t tag);

// names: folded name bytes | 0x00 | node id u64 -> empty
std::string name(std::string_view folded, std::uint64_t node);
std::string name_prefix(std::string_view folded);

// history (format 6), by the first byte of the key:
//   'c' | commit u64                          -> CommitRecord: the commit log
//   'n' | node id u64 | until commit u64      -> NodeRecord: a version replaced or removed
//   'e' | edge id u64 | until commit u64      -> EdgeRecord: likewise
//   'k' | type tag u32 | key bytes | until u64 -> node id u64: a removed node's key
//   'm' | folded name | 0x00 | node id u64 | until u64 -> empty: a name (or alias) a node
//                                                     no longer has, since that commit
// A version's `until` is the commit that replaced or removed it; the record's own
// `recorded` field is the commit that wrote it. So a version was current in the commits
// [recorded, until).
inline constexpr char kCommitEntry = 'c';
inline constexpr char kNodeVersion = 'n';
inline constexpr char kEdgeVersion = 'e';
inline constexpr char kRemovedKey = 'k';
inline constexpr char kFormerName = 'm';
std::string commit_entry(std::uint64_t commit);
std::string version(char kind, std::uint64_t id, std::uint64_t until);
std::string version_prefix(char kind, std::uint64_t id);
std::string removed_key(std::string_view key_key, std::uint64_t until);  // key_key: node_key()
std::string former_name(std::string_view folded, std::uint64_t node, std::uint64_t until);
std::string former_name_prefix(std::string_view folded);
// A history key's trailing u64 (a commit), and a version key's id.
std::uint64_t history_until(std::string_view key);
std::uint64_t version_id(std::string_view key);

}  // namespace entente::keys
