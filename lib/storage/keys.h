// Key and value encodings of the column families. Frozen: documented in docs/format.md.
// DO NOT CHANGE these layouts or tags: they are embedded in databases on disk.
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

// The format this build writes and reads.
inline constexpr std::uint32_t kFormat = 1;

std::string id(std::uint64_t id);  // nodes, edges: u64
std::uint64_t decode_id(std::string_view key);

// adj: node u64 | dir u8 | type tag u32 | valid-from ymd u32 | other node u64 | edge u64
struct Adj {
  std::uint64_t node = 0;
  std::uint8_t dir = kOut;
  std::uint32_t tag = 0;
  std::uint32_t from = 0;  // Date ymd; 0: unbounded
  std::uint64_t other = 0;
  std::uint64_t edge = 0;
};
inline constexpr std::size_t kAdjKeySize = 8 + 1 + 4 + 4 + 8 + 8;
std::string adj(const Adj& a);
// REQUIRES: key.size() == kAdjKeySize.
Adj decode_adj(std::string_view key);
std::string adj_prefix(std::uint64_t node);
std::string adj_prefix(std::uint64_t node, std::uint8_t dir);
std::string adj_prefix(std::uint64_t node, std::uint8_t dir, std::uint32_t tag);
std::string adj_prefix(std::uint64_t node, std::uint8_t dir, std::uint32_t tag, std::uint32_t from,
                       std::uint64_t other);

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

}  // namespace entente::keys
