#include "query/bind/schema.h"

#include <algorithm>

namespace entente::ql {

Schema::Schema(const Reader& reader) {
  for (auto& t : reader.types()) {
    auto& names = t.is_edge ? edge_names_ : node_names_;
    auto& props = t.is_edge ? edge_props_ : node_props_;
    names.push_back(t.name);
    for (const auto& p : t.properties) {
      if (std::find(props.begin(), props.end(), p.name) == props.end()) props.push_back(p.name);
    }
    (t.is_edge ? edges_ : nodes_).emplace(t.name, std::move(t));
  }
}

const TypeInfo* Schema::node_type(std::string_view name) const {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : &it->second;
}

const TypeInfo* Schema::edge_type(std::string_view name) const {
  auto it = edges_.find(name);
  return it == edges_.end() ? nullptr : &it->second;
}

const PropertyInfo* Schema::property(std::string_view type, std::string_view prop) const {
  const TypeInfo* t = node_type(type);
  if (!t) t = edge_type(type);
  if (!t) return nullptr;
  for (const auto& p : t->properties) {
    if (p.name == prop) return &p;
  }
  return nullptr;
}

bool Schema::any_node_property(std::string_view prop) const {
  return std::find(node_props_.begin(), node_props_.end(), prop) != node_props_.end();
}

bool Schema::any_edge_property(std::string_view prop) const {
  return std::find(edge_props_.begin(), edge_props_.end(), prop) != edge_props_.end();
}

ast::SType Schema::value_type(const PropertyInfo& p) {
  using ast::SType;
  const std::string& t = p.type;
  if (t.rfind("List(", 0) == 0) return SType::kList;
  if (!p.values.empty() || t == "Text") return SType::kString;
  if (t == "Bool") return SType::kBool;
  if (t == "Date") return SType::kDate;
  if (t == "Float32" || t == "Float64") return SType::kFloat;
  if (t.rfind("Int", 0) == 0 || t.rfind("UInt", 0) == 0) return SType::kInt;
  if (t == "Data" || t == "AnyPointer") return SType::kAny;
  return SType::kMap;  // a struct
}

bool is_node_field(std::string_view name) {
  return name == "key" || name == "name" || name == "type" || name == "aliases" || name == "id";
}

bool is_edge_field(std::string_view name) { return name == "type" || name == "key" || name == "id"; }

ast::SType node_field_type(std::string_view name) {
  if (name == "aliases") return ast::SType::kList;
  if (name == "id") return ast::SType::kInt;
  return ast::SType::kString;
}

ast::SType edge_field_type(std::string_view name) { return name == "id" ? ast::SType::kInt : ast::SType::kString; }

}  // namespace entente::ql
