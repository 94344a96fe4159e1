// Query values: display, JSON, equality.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/text.h"
#include "entente/query.h"

namespace entente {

namespace {

std::string float_text(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  std::string s = fmt::format("{}", d);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

std::string inner_str(const Value& v) { return v.type() == Value::Type::kString ? quoted(v.as_string()) : v.str(); }

}  // namespace

const char* Value::type_name(Type t) {
  switch (t) {
    case Type::kNull: return "Null";
    case Type::kBool: return "Boolean";
    case Type::kInt: return "Integer";
    case Type::kFloat: return "Float";
    case Type::kString: return "String";
    case Type::kDate: return "Date";
    case Type::kList: return "List";
    case Type::kMap: return "Map";
    case Type::kNode: return "Node";
    case Type::kEdge: return "Relationship";
    case Type::kPath: return "Path";
  }
  return "?";
}

std::string Value::csv_text() const {
  switch (type()) {
    case Type::kNull: return "";
    case Type::kFloat: return std::isfinite(as_float()) ? float_text(as_float()) : "";
    case Type::kList: {
      std::string out;
      bool first = true;
      for (const auto& e : as_list()) {
        if (!first) out += ';';
        first = false;
        out += e.type() == Type::kList ? e.str() : e.csv_text();
      }
      return out;
    }
    case Type::kMap: return to_json().dump();
    default: return str();
  }
}

std::string csv_line(const std::vector<std::string>& columns) { return text::csv_line(columns); }

std::string csv_line(const std::vector<Value>& row) {
  std::vector<std::string> cells;
  cells.reserve(row.size());
  for (const auto& v : row) cells.push_back(v.csv_text());
  return text::csv_line(cells);
}

std::string Value::str() const {
  switch (type()) {
    case Type::kNull: return "null";
    case Type::kBool: return as_bool() ? "true" : "false";
    case Type::kInt: return std::to_string(as_int());
    case Type::kFloat: return float_text(as_float());
    case Type::kString: return as_string();
    case Type::kDate: return as_date().str();
    case Type::kList: {
      std::string out = "[";
      for (const auto& e : as_list()) {
        if (out.size() > 1) out += ", ";
        out += inner_str(e);
      }
      return out + "]";
    }
    case Type::kMap: {
      std::string out = "{";
      for (const auto& [k, v] : as_map()) {
        if (out.size() > 1) out += ", ";
        out += k + ": " + inner_str(v);
      }
      return out + "}";
    }
    case Type::kNode: return as_node().label();
    case Type::kEdge: {
      const Edge& e = as_edge();
      return fmt::format("[{} {}->{}{}]", e.type, e.from_ref.str(), e.to_ref.str(), e.key.empty() ? "" : " key=" + e.key);
    }
    case Type::kPath: {
      const Path& p = as_path();
      if (p.nodes.empty()) return "()";
      std::string out = p.nodes[0].ref().str();
      for (std::size_t i = 0; i < p.edges.size() && i + 1 < p.nodes.size(); ++i) {
        const Edge& e = p.edges[i];
        bool forward = e.from == p.nodes[i].id;
        out += forward ? fmt::format(" -{}-> ", e.type) : fmt::format(" <-{}- ", e.type);
        out += p.nodes[i + 1].ref().str();
      }
      return out;
    }
  }
  return "?";
}

nlohmann::ordered_json Value::to_json() const {
  using J = nlohmann::ordered_json;
  switch (type()) {
    case Type::kNull: return nullptr;
    case Type::kBool: return as_bool();
    case Type::kInt: return as_int();
    // JSON has no NaN or infinities: they are written as the strings "NaN", "Infinity" and
    // "-Infinity" (as JavaScript's and pandas' readers take them), never as null.
    case Type::kFloat: return std::isfinite(as_float()) ? J(as_float()) : J(float_text(as_float()));
    case Type::kString: return as_string();
    case Type::kDate: return as_date().str();
    case Type::kList: {
      J out = J::array();
      for (const auto& e : as_list()) out.push_back(e.to_json());
      return out;
    }
    case Type::kMap: {
      J out = J::object();
      for (const auto& [k, v] : as_map()) out[k] = v.to_json();
      return out;
    }
    case Type::kNode: {
      J j = entente::to_json(as_node());
      j["id"] = as_node().id;
      return j;
    }
    case Type::kEdge: {
      J j = entente::to_json(as_edge());
      j["id"] = as_edge().id;
      return j;
    }
    case Type::kPath: {
      J nodes = J::array(), rels = J::array();
      for (const auto& n : as_path().nodes) nodes.push_back(Value(n).to_json());
      for (const auto& e : as_path().edges) rels.push_back(Value(e).to_json());
      return J{{"nodes", std::move(nodes)}, {"relationships", std::move(rels)}};
    }
  }
  return nullptr;
}

Value Value::from_json(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return Value();
    case nlohmann::json::value_t::boolean: return Value(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return Value(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      auto u = j.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(INT64_MAX)) return Value(static_cast<std::int64_t>(u));
      return Value(static_cast<double>(u));
    }
    case nlohmann::json::value_t::number_float: return Value(j.get<double>());
    case nlohmann::json::value_t::string: return Value(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      List l;
      l.reserve(j.size());
      for (const auto& e : j) l.push_back(from_json(e));
      return Value(std::move(l));
    }
    case nlohmann::json::value_t::object: {
      Map m;
      for (auto it = j.begin(); it != j.end(); ++it) m.emplace_back(it.key(), from_json(it.value()));
      return Value(std::move(m));
    }
    default: return Value();
  }
}

bool Value::operator==(const Value& o) const {
  if (is_number() && o.is_number()) {
    if (type() == Type::kInt && o.type() == Type::kInt) return as_int() == o.as_int();
    return as_number() == o.as_number();
  }
  if (type() != o.type()) return false;
  switch (type()) {
    case Type::kNull: return true;
    case Type::kBool: return as_bool() == o.as_bool();
    case Type::kString: return as_string() == o.as_string();
    case Type::kDate: return as_date() == o.as_date();
    case Type::kList: return as_list() == o.as_list();
    case Type::kMap: {
      const Map& a = as_map();
      const Map& b = o.as_map();
      if (a.size() != b.size()) return false;
      for (const auto& entry : a) {
        auto it = std::find_if(b.begin(), b.end(), [&](const auto& kv) { return kv.first == entry.first; });
        if (it == b.end() || !(it->second == entry.second)) return false;
      }
      return true;
    }
    case Type::kNode: return as_node().id == o.as_node().id;
    case Type::kEdge: return as_edge().id == o.as_edge().id;
    case Type::kPath: {
      const Path& a = as_path();
      const Path& b = o.as_path();
      if (a.nodes.size() != b.nodes.size() || a.edges.size() != b.edges.size()) return false;
      for (std::size_t i = 0; i < a.nodes.size(); ++i) {
        if (a.nodes[i].id != b.nodes[i].id) return false;
      }
      for (std::size_t i = 0; i < a.edges.size(); ++i) {
        if (a.edges[i].id != b.edges[i].id) return false;
      }
      return true;
    }
    default: return false;
  }
}

}  // namespace entente
