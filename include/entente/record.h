// The values entente reads and writes: references to nodes, nodes, edges, citations.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "entente/date.h"

namespace entente {

using NodeId = std::uint64_t;
using EdgeId = std::uint64_t;

// Property values to write (NodeInput, EdgeInput): a JSON object whose keys are the type's
// property names (snake_case) and whose values fit the property types, as the interchange
// format writes them (docs/interchange.md). What is read comes as Properties.
using Props = nlohmann::ordered_json;

namespace detail {
struct PropertyData;
}

// What kind of value a property holds, as its type declares it (docs/format.md, 6.3).
enum class PropertyKind {
  kNone,     // the type has no property of that name
  kBool,
  kInteger,  // Int8..Int64, UInt8..UInt64
  kNumber,   // Float32, Float64
  kText,     // Text, or an enum (read as its value's snake_case name)
  kDate,
  kList,
  kStruct,
};

// The properties of a node or edge as read: a view of the stored record (shared, kept alive
// by the view), each property decoded only when asked for. No JSON is made unless json() or
// to_json() is called.
//
//   if (auto d = treaty.props.date("signed")) fmt::print("signed {}\n", d->str());
//   for (const auto& o : party_to.props.texts("obligations")) ...
//
// A property is set when it was given: one at its type's default (0, false, an enum's first
// value, an empty text) reads as unset unless the type requires it. A name the type does not
// have reads as unset. A typed getter asked for a property of another kind throws
// Error(kInvalid) naming the property and its kind.
class Properties {
 public:
  Properties();  // no properties
  explicit Properties(std::shared_ptr<const detail::PropertyData> data);

  bool empty() const;
  bool has(std::string_view name) const;
  // The names of the set properties, in the order the type declares them.
  std::vector<std::string> names() const;
  PropertyKind kind(std::string_view name) const;

  std::optional<bool> boolean(std::string_view name) const;
  std::optional<std::int64_t> integer(std::string_view name) const;
  std::optional<double> number(std::string_view name) const;  // an integer property too
  // A Text or an enum's value; a Date as its ISO text (e.g. "1961-07").
  std::optional<std::string> text(std::string_view name) const;
  std::optional<Date> date(std::string_view name) const;
  // A list of texts or enum values (empty when unset).
  std::vector<std::string> texts(std::string_view name) const;

  // One property as the interchange format writes it (null when unset), and all of them as
  // one object: for lists of structures (a Treaty's articles) and for output.
  nlohmann::ordered_json json(std::string_view name) const;
  nlohmann::ordered_json to_json() const;

  // Whether both hold the same properties with the same values.
  bool operator==(const Properties& other) const;

  const detail::PropertyData* data() const { return data_.get(); }

 private:
  std::shared_ptr<const detail::PropertyData> data_;
};

// A node named by type and key, written "Type:key" (e.g. "State:PRK").
struct NodeRef {
  std::string type{};
  std::string key{};

  // Splits at the first ':'. Throws Error(kInvalid) when there is none or a side is empty.
  static NodeRef parse(std::string_view text);
  std::string str() const { return type + ":" + key; }
  bool operator==(const NodeRef&) const = default;
};

// Where a fact comes from: a Document node's key, a place in it, its words.
struct Citation {
  std::string doc{};
  std::string locator{};
  std::string quote{};
  bool operator==(const Citation&) const = default;
};

struct Node {
  NodeId id = 0;
  std::string type;
  std::string key;
  std::string name;
  std::vector<std::string> aliases;
  std::optional<Interval> valid;  // nullopt: no validity given (see valid_at); with gaps, their hull
  Properties props;
  std::vector<Citation> sources;
  // Stretches inside valid on which the node does not hold: Poland outside the state system
  // from 1939 to 1945. In order, apart, each bounded and strictly inside valid. Most nodes
  // have none.
  std::vector<Interval> gaps;
  // Its type's rule (TypeInfo::in_force_only, set by reads): without a validity the node
  // holds at no date. True for a Treaty or an Agreement.
  bool in_force_only = false;
  // Record time: the number of the commit that wrote this version of the node
  // (Database::log lists the commits); 0 for a version written before record time began
  // (a database of format 5 or older, upgraded).
  std::uint64_t recorded = 0;

  NodeRef ref() const { return {type, key}; }
  // For messages and display: "State:PRK (Democratic People's Republic of Korea)", or the
  // reference alone when the node has no name.
  std::string label() const;
  // Whether the node holds on d. A node with no validity holds at every date, unless its
  // type is in force only within its validity (in_force_only: a Treaty or Agreement without
  // one has not entered into force). Inside a gap it does not hold.
  bool valid_at(const Date& d) const;
  // Whether it holds on some day of `range` (a state-year: any day of the year).
  bool valid_during(const Interval& range) const;
  // The intervals on which it holds: valid less its gaps, in order. One interval without
  // bounds when it has no validity and holds at every date; none when it holds at none.
  std::vector<Interval> spells() const;
};

struct Edge {
  EdgeId id = 0;
  std::string type;
  NodeId from = 0;
  NodeId to = 0;
  NodeRef from_ref;  // filled by reads, for display
  NodeRef to_ref;
  std::string key;   // optional; tells apart edges of one type with the same ends and start
  std::optional<Interval> valid;  // nullopt: valid at every date
  Properties props;
  std::vector<Citation> sources;
  std::uint64_t recorded = 0;  // the commit that wrote this version (as Node::recorded)

  bool valid_at(const Date& d) const { return !valid || valid->contains(d); }
  // Whether it holds on some day of `range`.
  bool valid_during(const Interval& range) const;
};

// What to write: a node is identified by type and key; writing one that exists replaces it.
struct NodeInput {
  std::string type{};
  std::string key{};
  std::string name{};
  std::vector<std::string> aliases{};
  std::optional<Interval> valid{};
  Props props = Props::object();
  std::vector<Citation> sources{};
  std::vector<Interval> gaps{};  // as Node::gaps; set_spells() fills valid and gaps together

  // Sets valid and gaps from the intervals on which the node holds, in any order: those
  // that overlap or touch are united, valid becomes their hull and gaps the stretches
  // between them. Throws Error(kInvalid) naming the spell when one holds no day or there
  // are none.
  void set_spells(std::vector<Interval> spells);
};

// An edge is identified by type, ends, valid-from and key; writing one that exists replaces it.
struct EdgeInput {
  std::string type{};
  NodeRef from{};
  NodeRef to{};
  std::string key{};
  std::optional<Interval> valid{};
  Props props = Props::object();
  std::vector<Citation> sources{};
};

// What to remove (the interchange format's {"delete": ...}, Transaction::remove): a node by
// type and key, or an edge by its identity (its type, ends, valid.from and key: what
// put_edge replaces; props and sources are not read). A node that still has edges is
// refused unless `detach`, which removes them with it. Exactly one of node and edge is set.
struct Deletion {
  std::optional<NodeRef> node{};
  bool detach = false;
  std::optional<EdgeInput> edge{};
};

enum class Direction { kOut, kIn, kBoth };

// A node or an edge as a JSON object of the interchange format (docs/interchange.md:
// {"node": ..., "key": ..., ...}), without its id: what interchange lines, `--json` output
// and query results print.
nlohmann::ordered_json to_json(const Node& node);
nlohmann::ordered_json to_json(const Edge& edge);
// Citations as the interchange format writes them: [{"doc", "locator", "quote"}, ...].
nlohmann::ordered_json to_json(const std::vector<Citation>& sources);

// One step from a node: the edge taken and the node at its other end.
struct Neighbor {
  Edge edge;
  Node node;
  Direction direction;  // kOut: the edge leaves the start node; kIn: it arrives there
};

}  // namespace entente
