// A description of a database's types, for display and for generic tools.
#pragma once

#include <string>
#include <vector>

namespace entente {

struct PropertyInfo {
  std::string name;       // snake_case, as in JSON
  std::string type;       // "Text", "Int32", "Date", "List(Obligation)", "Article", ...
  bool required = false;
  std::string doc;
  std::vector<std::string> values;  // an enum's values, or an enum list's
};

struct TypeInfo {
  std::string name;       // "State", "PARTY_TO"
  bool is_edge = false;
  std::string doc;
  std::vector<std::string> from;  // edge types: the node types the ends may have; empty: any
  std::vector<std::string> to;
  std::vector<PropertyInfo> properties;
  // A node type annotated $inForceOnly (docs/format.md, 6.2): its validity is its period in
  // force, and a node of it without one holds at no date (Treaty, Agreement).
  bool in_force_only = false;
};

}  // namespace entente
