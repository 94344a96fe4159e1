// What the binder and the executor need of the database's catalog: the node and edge types,
// their properties and the properties' types. Built once per query from Reader::types().
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "entente/database.h"
#include "entente/schema.h"
#include "query/parse/ast.h"

namespace entente::ql {

class Schema {
 public:
  explicit Schema(const Reader& reader);

  // nullptr when there is no such node (edge) type.
  const TypeInfo* node_type(std::string_view name) const;
  const TypeInfo* edge_type(std::string_view name) const;
  const std::vector<std::string>& node_type_names() const { return node_names_; }
  const std::vector<std::string>& edge_type_names() const { return edge_names_; }

  // The property of a type, or nullptr.
  const PropertyInfo* property(std::string_view type, std::string_view prop) const;
  // Every property name of node (edge) types, for suggestions and unlabelled variables.
  const std::vector<std::string>& node_property_names() const { return node_props_; }
  const std::vector<std::string>& edge_property_names() const { return edge_props_; }
  // True when some node (edge) type has the property.
  bool any_node_property(std::string_view prop) const;
  bool any_edge_property(std::string_view prop) const;

  // The query type of a property's values: Text and enums String, integers Integer, floats
  // Float, Date Date, lists List, structs Map.
  static ast::SType value_type(const PropertyInfo& p);

 private:
  std::map<std::string, TypeInfo, std::less<>> nodes_;
  std::map<std::string, TypeInfo, std::less<>> edges_;
  std::vector<std::string> node_names_;
  std::vector<std::string> edge_names_;
  std::vector<std::string> node_props_;
  std::vector<std::string> edge_props_;
};

// The fields every node has besides its properties (n.key, n.name, n.type, n.aliases, n.id),
// and every relationship (r.type, r.key, r.id). They take precedence over a property of
// the same name.
bool is_node_field(std::string_view name);
bool is_edge_field(std::string_view name);
ast::SType node_field_type(std::string_view name);
ast::SType edge_field_type(std::string_view name);

}  // namespace entente::ql
