// GraphML (http://graphml.graphdrawing.org/): read by Gephi, yEd, NetworkX, igraph.
#include <map>
#include <ostream>
#include <set>

#include "common/error.h"
#include "io/export_util.h"

namespace entente {
namespace {

// A declared attribute: its <key> id, its GraphML type.
struct Key {
  std::string id;
  std::string type;  // boolean, int, long, double, string
};

std::string graphml_type(const io::PropKind& k) {
  if (k.list) return "string";
  switch (k.scalar) {
    case io::Scalar::kBool:
      return "boolean";
    case io::Scalar::kInt:
      return "int";
    case io::Scalar::kLong:
      return "long";
    case io::Scalar::kDouble:
      return "double";
    default:
      return "string";
  }
}

// One type for a name used by several node (or edge) types: the same, a wider number, or string.
std::string merge(const std::string& a, const std::string& b) {
  if (a == b) return a;
  auto number = [](const std::string& t) { return t == "int" || t == "long" || t == "double"; };
  if (number(a) && number(b)) return (a == "double" || b == "double") ? "double" : "long";
  return "string";
}

// The attributes of one domain (node or edge): fixed ones first, then properties by name.
class Keys {
 public:
  Keys(const char* domain, const char* prefix, const std::vector<std::string>& fixed)
      : domain_(domain), prefix_(prefix) {
    for (const auto& f : fixed) {
      reserved_.insert(f);
      add(f, "string");
    }
  }
  // The attribute name of a property: itself, or prop_<name> when that is a fixed one.
  std::string attr(const std::string& prop) const { return reserved_.count(prop) ? "prop_" + prop : prop; }
  void add_property(const PropertyInfo& p) {
    std::string name = attr(p.name), type = graphml_type(io::kind_of(p));
    auto it = by_name_.find(name);
    if (it == by_name_.end()) {
      add(name, type);
    } else {
      it->second.type = merge(it->second.type, type);
    }
  }
  const Key& operator[](const std::string& name) const { return by_name_.at(name); }
  void declare(std::ostream& out) const {
    for (const auto& name : order_) {
      const Key& k = by_name_.at(name);
      out << "  <key id=\"" << k.id << "\" for=\"" << domain_ << "\" attr.name=\"" << io::xml(name) << "\" attr.type=\""
          << k.type << "\"/>\n";
    }
  }

 private:
  void add(const std::string& name, const std::string& type) {
    by_name_.emplace(name, Key{fmt::format("{}{}", prefix_, order_.size()), type});
    order_.push_back(name);
  }
  const char* domain_;
  const char* prefix_;
  std::set<std::string> reserved_;
  std::map<std::string, Key> by_name_;
  std::vector<std::string> order_;
};

void data(std::ostream& out, const Key& key, std::string_view value) {
  out << "      <data key=\"" << key.id << "\">" << io::xml(value) << "</data>\n";
}

void props_data(std::ostream& out, const Keys& keys, const Props& props) {
  for (auto it = props.begin(); it != props.end(); ++it) {
    if (it->is_null()) continue;
    const Key& k = keys[keys.attr(it.key())];
    // Numbers and booleans as JSON writes them; strings as they are; lists and structs as JSON.
    data(out, k, k.type == "string" ? io::value_text(*it) : it->dump());
  }
}

}  // namespace

void export_graphml(const Reader& reader, std::ostream& out, const ExportOptions& options) {
  io::Subgraph g = io::collect(reader, options);
  Keys node_keys("node", "n", {"type", "key", "name", "label", "aliases", "valid_from", "valid_to"});
  Keys edge_keys("edge", "e", {"type", "label", "key", "valid_from", "valid_to"});
  for (const auto& [name, t] : g.node_types) {
    for (const auto& p : t.properties) node_keys.add_property(p);
  }
  for (const auto& [name, t] : g.edge_types) {
    for (const auto& p : t.properties) edge_keys.add_property(p);
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
         "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
         "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
         "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n";
  node_keys.declare(out);
  edge_keys.declare(out);
  out << "  <graph id=\"entente\" edgedefault=\"directed\">\n";
  for (const auto& n : g.nodes) {
    out << "    <node id=\"" << io::xml(n.ref().str()) << "\">\n";
    data(out, node_keys["type"], n.type);
    data(out, node_keys["key"], n.key);
    if (!n.name.empty()) data(out, node_keys["name"], n.name);
    data(out, node_keys["label"], io::display_name(n));
    if (!n.aliases.empty()) data(out, node_keys["aliases"], Props(n.aliases).dump());
    if (auto f = io::from_text(n.valid); !f.empty()) data(out, node_keys["valid_from"], f);
    if (auto t = io::to_text(n.valid); !t.empty()) data(out, node_keys["valid_to"], t);
    props_data(out, node_keys, n.props.to_json());
    out << "    </node>\n";
  }
  for (const auto& e : g.edges) {
    out << "    <edge id=\"e" << e.id << "\" source=\"" << io::xml(e.from_ref.str()) << "\" target=\""
        << io::xml(e.to_ref.str()) << "\">\n";
    data(out, edge_keys["type"], e.type);
    data(out, edge_keys["label"], e.type);
    if (!e.key.empty()) data(out, edge_keys["key"], e.key);
    if (auto f = io::from_text(e.valid); !f.empty()) data(out, edge_keys["valid_from"], f);
    if (auto t = io::to_text(e.valid); !t.empty()) data(out, edge_keys["valid_to"], t);
    props_data(out, edge_keys, e.props.to_json());
    out << "    </edge>\n";
  }
  out << "  </graph>\n</graphml>\n";
  if (!out) throw Error(ErrorKind::kIO, "GraphML: write failed");
}

}  // namespace entente
