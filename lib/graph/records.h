// Encoding and decoding of node and edge records (schema/envelope.capnp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <optional>
#include <string_view>
#include <vector>

#include <capnp/dynamic.h>

#include "catalog/catalog.h"
#include "entente/record.h"
#include "storage/store.h"

namespace simdjson::dom {
class element;
}

namespace entente::graph {

// The record bytes of a node. Validates the properties against the type (throws
// Error(kInvalid)); everything else is checked by the caller.
std::string encode_node(const catalog::TypeDef& type, const NodeInput& node);
std::string encode_edge(const catalog::TypeDef& type, NodeId from, NodeId to, const EdgeInput& edge);

// A node or an edge as views into text being read: the fields of NodeInput and
// EdgeInput, with the properties as the JSON text of their object. The bulk load's
// parsers give these (graph/bulk_load.h, LineReader), so that a line becomes a record
// without a JSON document or a copy of its strings in between. Their text is valid UTF-8
// (a LineReader gives only text it checked), and the checks (graph/validate.h) do not
// check it again.
struct CitationView {
  std::string_view doc, locator, quote;
};
struct RefView {
  std::string_view type, key;
};
struct NodeView {
  std::string_view type, key, name;
  std::vector<std::string_view> aliases;
  std::optional<Interval> valid;
  const simdjson::dom::element* props = nullptr;  // the props object; null: no properties
  std::vector<CitationView> sources;
  void clear();
};
struct EdgeView {
  std::string_view type;
  RefView from, to;
  std::string_view key;
  std::optional<Interval> valid;
  const simdjson::dom::element* props = nullptr;
  std::vector<CitationView> sources;
  void clear();
};

// The valid.from a node of a type with a $validFromNotBefore property is stored with (a
// Treaty's signature as `floor`): `floor` when `from` is partial (a year or a month), holds
// `floor` and begins before it; nullopt when `from` stands as it is.
std::optional<Date> clamped_valid_from(const Date& from, const Date& floor);

// The record bytes of a view, the same as encode_node and encode_edge make of the same
// node or edge given as input. std::nullopt when the properties are not in the subset
// catalog::props_from_json_dom reads, or would be refused: encode the parsed input instead.
std::optional<std::string> encode_view(const catalog::TypeDef& type, const NodeView& node);
std::optional<std::string> encode_view(const catalog::TypeDef& type, const EdgeView& edge);
// The same record appended to `out`; false (and `out` as it was) where those decline.
bool encode_view(const catalog::TypeDef& type, const NodeView& node, std::string& out);
bool encode_view(const catalog::TypeDef& type, const EdgeView& edge, std::string& out);

// Sets the from and to node ids in the bytes of an edge record, as encode_edge would have
// written them (the bulk import encodes edges before their ends' ids are known).
void set_edge_ends(std::string& record, NodeId from, NodeId to);
void set_edge_ends(char* record, std::size_t size, NodeId from, NodeId to);

// A record's `recorded` field (format 6: the commit that wrote this version; 0 before),
// read and set in the record's bytes (NodeRecord and EdgeRecord alike: the second half of
// the data section's first word).
std::uint32_t recorded_of(std::string_view record);
void set_recorded(std::string& record, std::uint64_t commit);
void set_recorded(char* record, std::size_t size, std::uint64_t commit);
// Whether two records hold the same version but for the commit that wrote it: a put of
// what is stored already writes nothing.
bool same_content(std::string_view a, std::string_view b);

// Throws Error(kCorruption) naming the record when the bytes do not decode. The node's
// Properties keep a copy of the record's words and the catalog.
Node decode_node(const catalog::Catalog& catalog, NodeId id, std::string_view bytes);
// The edge, without from_ref/to_ref (the caller fills them).
Edge decode_edge(const catalog::Catalog& catalog, EdgeId id, std::string_view bytes);
// The folded names a node is indexed under in the `names` column family: its name and
// aliases (text::fold), without repeats or empties. Writes, the checker and repair all use it.
std::vector<std::string> folded_names(const std::string& name, const std::vector<std::string>& aliases);
std::vector<std::string> folded_names(std::string_view name, const std::vector<std::string_view>& aliases);

// The type tag and validity of a stored node record, without decoding the rest.
struct NodeHead {
  std::uint32_t tag = 0;
  std::optional<Interval> valid;
  std::vector<Interval> gaps;
};
NodeHead node_head(NodeId id, std::string_view bytes);

// The type tag of a stored node record, without decoding the rest.
std::uint32_t node_tag(NodeId id, std::string_view bytes);
// The type tag of a stored edge record, without decoding the rest.
std::uint32_t edge_tag(EdgeId id, std::string_view bytes);

// The record counts per type tag (meta count.node.*, count.edge.*; format 3), as stored
// and as a commit changes them.
struct TypeCounts {
  std::map<std::uint32_t, std::int64_t> nodes, edges;
};
// Reads the stored counts (an entry that is not 8 bytes is left out).
TypeCounts read_counts(const storage::View& view);
// Counts every record of the view, by the type tag in its head (an unreadable record is
// not counted).
TypeCounts count_records(const storage::View& view);
// Puts `counts` (absolute values) into the batch; a zero count is deleted.
void put_counts(storage::Store::Batch& batch, const TypeCounts& counts);

}  // namespace entente::graph

namespace entente::detail {

// What a Properties views: a record's words (a flat-array message: NodeRecord or
// EdgeRecord), its type, and the catalog that holds the type's schema. Each read opens the
// message afresh, so that its traversal limit bounds one read, not the record's lifetime.
struct PropertyData {
  std::shared_ptr<const catalog::Catalog> catalog;
  const catalog::TypeDef* type = nullptr;
  kj::Array<capnp::word> words;
  std::uint64_t id = 0;  // the record's id, for errors
  // The properties struct of the record, in a reader of the caller's (which must outlive it).
  capnp::DynamicStruct::Reader props(std::optional<capnp::FlatArrayMessageReader>& reader) const;
};

}  // namespace entente::detail
