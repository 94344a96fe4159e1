// A node or an edge checked and encoded ahead of its write. Checking a write against the
// catalog and encoding its record read nothing stored, so they need not wait for the
// transaction's turn: Transaction::put_node is prepare_node then the put of what it
// prepared, and a line import (graph/load_lines.h) prepares on its parsing thread, from the
// fast reader's views where it can, while the transaction puts what was prepared before.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "common/error.h"
#include "entente/database.h"
#include "entente/record.h"
#include "graph/records.h"

namespace entente::detail {

struct PreparedNode {
  const catalog::TypeDef* type = nullptr;
  std::string key;                   // the node's key
  std::string key_key;               // its `keys` entry (keys::node_key)
  std::size_t key_hash = 0;          // KeyMap::hash(key_key), worked out ahead of the put
  std::vector<std::string> cited;    // the documents its sources cite
  std::vector<std::string> names;    // its name and aliases, folded (the `names` entries)
  std::optional<Interval> valid;     // as stored (a partial valid.from clamped to its floor)
  std::vector<Interval> gaps;
  std::string record;
  // The properties' refusal, thrown by the put after its own checks (a missing cited
  // document), as put_node always checked them first.
  std::optional<Error> refused;
};

struct PreparedEdge {
  const catalog::TypeDef* type = nullptr;
  NodeRef from, to;                  // the ends as the input names them (for errors)
  std::uint32_t from_tag = 0, to_tag = 0;
  std::string from_key, to_key;      // the ends' `keys` entries
  std::size_t from_hash = 0, to_hash = 0;  // KeyMap::hash of from_key and to_key
  std::string key;                   // the edge's key
  std::optional<Interval> valid;
  // A hash of the edge's identity (its type, the ends' `keys` entries, valid-from and key),
  // the key of the transaction's cache of the edges it wrote (WriteState::edge_ids).
  std::uint64_t identity_hash = 0;
  std::vector<std::string> cited;
  std::string record;                // with both ends 0 (graph::set_edge_ends)
  std::optional<Error> refused;      // as PreparedNode's, after the ends and the citations
};

// Throw Error(kInvalid) naming the field and the reason, as put_node and put_edge do.
PreparedNode prepare_node(const catalog::Catalog& catalog, const NodeInput& node);
PreparedEdge prepare_edge(const catalog::Catalog& catalog, const EdgeInput& edge);
// The same from views; nullopt when the view is refused or cannot be encoded from views
// (then prepare the parsed input instead, whose error is the one to report).
std::optional<PreparedNode> prepare_node(const catalog::Catalog& catalog, const graph::NodeView& node);
std::optional<PreparedEdge> prepare_edge(const catalog::Catalog& catalog, const graph::EdgeView& edge);

// The puts of prepared writes, for lib/graph's line import (Transaction's are private).
struct Writes {
  static NodeId put(Transaction& txn, PreparedNode& node);
  static EdgeId put(Transaction& txn, PreparedEdge& edge);  // sets the record's ends
  // Asks for the memory the put of `node` or `edge` looks up first (the caches' slots), a
  // few writes ahead of it.
  static void prefetch(const Transaction& txn, const PreparedNode& node);
  static void prefetch(const Transaction& txn, const PreparedEdge& edge);
};

}  // namespace entente::detail
