// Encoding and decoding of node and edge records (schema/envelope.capnp).
#pragma once

#include <string>
#include <optional>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "entente/record.h"

namespace entente::graph {

// The record bytes of a node. Validates the properties against the type (throws
// Error(kInvalid)); everything else is checked by the caller.
std::string encode_node(const catalog::TypeDef& type, const NodeInput& node);
std::string encode_edge(const catalog::TypeDef& type, NodeId from, NodeId to, const EdgeInput& edge);

// Sets the from and to node ids in the bytes of an edge record, as encode_edge would have
// written them (the bulk import encodes edges before their ends' ids are known).
void set_edge_ends(std::string& record, NodeId from, NodeId to);

// Throws Error(kCorruption) naming the record when the bytes do not decode.
Node decode_node(const catalog::Catalog& catalog, NodeId id, std::string_view bytes);
// The edge, without from_ref/to_ref (the caller fills them).
Edge decode_edge(const catalog::Catalog& catalog, EdgeId id, std::string_view bytes);
// The folded names a node is indexed under in the `names` column family: its name and
// aliases (text::fold), without repeats or empties. Writes, the checker and repair all use it.
std::vector<std::string> folded_names(const std::string& name, const std::vector<std::string>& aliases);

// The type tag and validity of a stored node record, without decoding the rest.
struct NodeHead {
  std::uint32_t tag = 0;
  std::optional<Interval> valid;
};
NodeHead node_head(NodeId id, std::string_view bytes);

// The type tag of a stored node record, without decoding the rest.
std::uint32_t node_tag(NodeId id, std::string_view bytes);

}  // namespace entente::graph
