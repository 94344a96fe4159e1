// CSV exports for graph systems: the input files of `neo4j-admin database import full`, and
// the vertex and edge tables of Spark GraphFrames.
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "common/error.h"
#include "common/text.h"
#include "io/export_util.h"

namespace entente {
namespace {

// ---------------------------------------------------------------- neo4j-admin import

std::string neo4j_type(const io::PropKind& k) {
  std::string t;
  switch (k.scalar) {
    case io::Scalar::kBool:
      t = "boolean";
      break;
    case io::Scalar::kInt:
      t = "int";
      break;
    case io::Scalar::kLong:
      t = "long";
      break;
    case io::Scalar::kDouble:
      t = "double";
      break;
    case io::Scalar::kDate:
      t = "date";
      break;
    case io::Scalar::kString:
    case io::Scalar::kJson:
      t = "string";
      break;
  }
  return k.list ? t + "[]" : t;
}

// One property column: its header name and kind.
struct Column {
  std::string prop;    // the property name in Props
  std::string header;  // "cow:int", "prop_key:string"
  io::PropKind kind;
};

std::vector<Column> property_columns(const TypeInfo& t, const std::set<std::string>& reserved) {
  std::vector<Column> out;
  for (const auto& p : t.properties) {
    auto kind = io::kind_of(p);
    std::string name = reserved.count(p.name) ? "prop_" + p.name : p.name;
    out.push_back({p.name, name + ":" + neo4j_type(kind), kind});
  }
  return out;
}

// An array as neo4j-admin reads it: elements joined by ';' (a ';' inside an element, which
// the format cannot hold, becomes ',').
std::string neo4j_array(const Props& list) {
  std::string out;
  bool first = true;
  for (const auto& element : list) {
    std::string text = io::value_text(element);
    std::replace(text.begin(), text.end(), ';', ',');
    if (!first) out += ';';
    out += text;
    first = false;
  }
  return out;
}

class Neo4jRow {
 public:
  explicit Neo4jRow(bool& multiline) : multiline_(multiline) {}
  Neo4jRow& add(std::string_view field) {
    if (field.find_first_of("\r\n") != std::string_view::npos) multiline_ = true;
    if (!line_.empty() || any_) line_ += ',';
    line_ += text::csv_field(field);
    any_ = true;
    return *this;
  }
  void props(const std::vector<Column>& columns, const Props& props) {
    for (const auto& c : columns) {
      auto it = props.find(c.prop);
      if (it == props.end() || it->is_null()) {
        add("");
      } else if (c.kind.list && it->is_array()) {
        add(neo4j_array(*it));
      } else {
        add(io::value_text(*it));
      }
    }
  }
  std::string str() const { return line_ + "\n"; }

 private:
  bool& multiline_;
  std::string line_;
  bool any_ = false;
};

std::string header(const std::vector<std::string>& fixed, const std::vector<Column>& columns) {
  std::vector<std::string> fields = fixed;
  for (const auto& c : columns) fields.push_back(c.header);
  return text::csv_line(fields);
}

}  // namespace

std::vector<std::filesystem::path> export_neo4j(const Reader& reader, const std::filesystem::path& dir,
                                                const ExportOptions& options) {
  io::Subgraph g = io::collect(reader, options);
  io::OutputDir od(dir);
  std::vector<std::filesystem::path> node_files, rel_files;
  bool multiline = false;
  const std::set<std::string> node_reserved{"id", "key", "name", "aliases", "valid_from", "valid_to"};
  const std::set<std::string> edge_reserved{"key", "valid_from", "valid_to"};
  for (const auto& [name, type] : g.node_types) {
    auto columns = property_columns(type, node_reserved);
    const std::string file = "nodes_" + name + ".csv";
    auto out = od.open(file);
    out << header(
        {"id:ID", ":LABEL", "key:string", "name:string", "aliases:string[]", "valid_from:date", "valid_to:date"},
        columns);
    for (const auto& n : g.nodes) {
      if (n.type != name) continue;
      Neo4jRow row(multiline);
      row.add(n.ref().str()).add(n.type).add(n.key).add(n.name).add(neo4j_array(Props(n.aliases)));
      row.add(io::from_text(n.valid)).add(io::to_text(n.valid));
      row.props(columns, n.props.to_json());
      out << row.str();
    }
    od.close(out, file);
    node_files.push_back(file);
  }
  for (const auto& [name, type] : g.edge_types) {
    auto columns = property_columns(type, edge_reserved);
    const std::string file = "relationships_" + name + ".csv";
    auto out = od.open(file);
    out << header({":START_ID", ":END_ID", ":TYPE", "key:string", "valid_from:date", "valid_to:date"}, columns);
    for (const auto& e : g.edges) {
      if (e.type != name) continue;
      Neo4jRow row(multiline);
      row.add(e.from_ref.str()).add(e.to_ref.str()).add(e.type).add(e.key);
      row.add(io::from_text(e.valid)).add(io::to_text(e.valid));
      row.props(columns, e.props.to_json());
      out << row.str();
    }
    od.close(out, file);
    rel_files.push_back(file);
  }

  auto out = od.open("import.sh");
  out << "#!/bin/sh\n"
         "# Loads this directory into Neo4j 5 with neo4j-admin (written by `entente export --format neo4j`).\n"
         "# Stop the database first. Extra arguments are passed on, e.g. the database name\n"
         "# (default neo4j) and --overwrite-destination to replace an existing one:\n"
         "#   ./import.sh --overwrite-destination neo4j\n"
         "# Node ids are \"Type:key\"; labels are entente node types; relationship types are edge types.\n"
         "# Dates are read as Cypher dates (a partial date such as 1961 as its first day).\n"
         "set -e\n"
         "cd \"$(dirname \"$0\")\"\n"
         "neo4j-admin database import full \\\n";
  for (const auto& f : node_files) out << "  --nodes=" << f.filename().string() << " \\\n";
  for (const auto& f : rel_files) out << "  --relationships=" << f.filename().string() << " \\\n";
  out << "  --array-delimiter=\";\" \\\n";
  if (multiline) out << "  --multiline-fields=true \\\n";
  out << "  \"$@\"\n";
  od.close(out, "import.sh");
  auto written = od.commit();
  ::chmod((dir / "import.sh").c_str(), 0755);
  return written;
}

std::vector<std::filesystem::path> export_graphframes(const Reader& reader, const std::filesystem::path& dir,
                                                      const ExportOptions& options) {
  io::Subgraph g = io::collect(reader, options);
  io::OutputDir od(dir);
  auto json_or_empty = [](const Props& p) { return p.empty() ? std::string() : p.dump(); };
  auto out = od.open("vertices.csv");
  out << "id,type,key,name,aliases,valid_from,valid_to,props\n";
  for (const auto& n : g.nodes) {
    out << text::csv_line({n.ref().str(), n.type, n.key, n.name, n.aliases.empty() ? "" : Props(n.aliases).dump(),
                 io::from_text(n.valid), io::to_text(n.valid), json_or_empty(n.props.to_json())});
  }
  od.close(out, "vertices.csv");
  out = od.open("edges.csv");
  out << "src,dst,relationship,key,valid_from,valid_to,props\n";
  for (const auto& e : g.edges) {
    out << text::csv_line({e.from_ref.str(), e.to_ref.str(), e.type, e.key, io::from_text(e.valid), io::to_text(e.valid),
                 json_or_empty(e.props.to_json())});
  }
  od.close(out, "edges.csv");
  return od.commit();
}

}  // namespace entente
