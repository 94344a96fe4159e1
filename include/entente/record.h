// The values entente reads and writes: references to nodes, nodes, edges, citations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "entente/date.h"

namespace entente {

using NodeId = std::uint64_t;
using EdgeId = std::uint64_t;

// Property values of a node or edge: a JSON object whose keys are the type's property
// names (snake_case) and whose values fit the property types (see docs/interchange.md).
using Props = nlohmann::ordered_json;

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
  std::optional<Interval> valid;  // nullopt: no validity given (see valid_at)
  Props props = Props::object();
  std::vector<Citation> sources;

  NodeRef ref() const { return {type, key}; }
  // Whether the node holds on d. A node with no validity holds at every date, except a
  // Treaty or Agreement, whose validity is its period in force: without one it has not
  // entered into force.
  bool valid_at(const Date& d) const;
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
  Props props = Props::object();
  std::vector<Citation> sources;

  bool valid_at(const Date& d) const { return !valid || valid->contains(d); }
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
