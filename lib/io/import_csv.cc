// Generic node and edge CSV files (csv), in the spirit of neo4j-admin import: a header
// names the columns; a file is a nodes file or an edges file by its header; every other
// column is a property, its values parsed by the property's type in the database's catalog.
// docs/import.md, "csv", describes the format.
#include <map>
#include <set>

#include "common/error.h"
#include "common/text.h"
#include "io/importer.h"
#include "io/table.h"

namespace entente::io {
namespace {

const std::set<std::string> kNodeColumns = {"type", "key", "name", "aliases", "valid_from", "valid_to", "sources"};
const std::set<std::string> kEdgeColumns = {"type", "from", "to", "key", "valid_from", "valid_to", "sources"};

bool is_int_type(std::string_view t) {
  return t == "Int8" || t == "Int16" || t == "Int32" || t == "Int64" || t == "UInt8" || t == "UInt16" ||
         t == "UInt32" || t == "UInt64";
}

nlohmann::ordered_json parse_json(std::string_view text, std::string_view column) {
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw invalid("column '{}': not valid JSON: {}", column, e.what());
  }
}

// Splits "a;b; c" into its non-empty, trimmed parts.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t j = text.find(';', i);
    if (j == std::string_view::npos) j = text.size();
    auto part = trim(text.substr(i, j - i));
    if (!part.empty()) out.emplace_back(part);
    i = j + 1;
  }
  return out;
}

bool is_scalar(std::string_view t) {
  return t == "Text" || t == "Bool" || t == "Date" || t == "Float32" || t == "Float64" || is_int_type(t);
}

// A cell's value as the JSON the catalog takes for a property of type `type`.
nlohmann::ordered_json value_of(std::string_view type, const PropertyInfo& prop, std::string_view text,
                                std::string_view column) {
  if (type.size() > 6 && type.substr(0, 5) == "List(" && type.back() == ')') {
    std::string_view inner = type.substr(5, type.size() - 6);
    std::string_view t = trim(text);
    if (!t.empty() && t.front() == '[') return parse_json(t, column);
    if (!is_scalar(inner) && prop.values.empty()) {
      throw invalid("column '{}': a list of {} is written as a JSON array", column, inner);
    }
    auto array = nlohmann::ordered_json::array();
    for (const auto& part : split_list(text)) array.push_back(value_of(inner, prop, part, column));
    return array;
  }
  if (type == "Text") return std::string(text);
  std::string_view t = trim(text);
  if (type == "Bool") {
    std::string lower;
    for (char c : t) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (lower == "true" || lower == "1" || lower == "yes") return true;
    if (lower == "false" || lower == "0" || lower == "no") return false;
    throw invalid("column '{}': '{}' is not a Bool (true, false, 1, 0, yes, no)", column, t.substr(0, 40));
  }
  if (is_int_type(type)) return *int_field(t, column);
  if (type == "Float32" || type == "Float64") return *float_field(t, column);
  if (type == "Date") {
    if (!Date::try_parse(t))
      throw invalid("column '{}': '{}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", column, t.substr(0, 40));
    return std::string(t);
  }
  if (!prop.values.empty()) return std::string(t);  // an enum: the catalog checks the name
  // A struct: a JSON object.
  auto j = parse_json(t, column);
  if (!j.is_object()) throw invalid("column '{}': a {} is written as a JSON object", column, type);
  return j;
}

std::vector<std::string> aliases_of(std::string_view text) {
  std::string_view t = trim(text);
  if (!t.empty() && t.front() == '[') {
    auto j = parse_json(t, "aliases");
    if (!j.is_array()) throw invalid("column 'aliases': expected a JSON array of strings");
    std::vector<std::string> out;
    for (const auto& a : j) {
      if (!a.is_string()) throw invalid("column 'aliases': expected a JSON array of strings");
      out.push_back(a.get<std::string>());
    }
    return out;
  }
  return split_list(text);
}

std::vector<Citation> sources_of(std::string_view text) {
  std::string_view t = trim(text);
  std::vector<Citation> out;
  if (!t.empty() && t.front() == '[') {
    auto j = parse_json(t, "sources");
    if (!j.is_array()) throw invalid("column 'sources': expected a JSON array");
    for (const auto& s : j) {
      if (s.is_string()) {
        out.push_back({s.get<std::string>(), "", ""});
      } else if (s.is_object() && s.contains("doc") && s["doc"].is_string()) {
        Citation c{s["doc"].get<std::string>(), "", ""};
        for (auto it = s.begin(); it != s.end(); ++it) {
          if (it.key() == "doc") continue;
          if ((it.key() != "locator" && it.key() != "quote") || !it.value().is_string()) {
            throw invalid("column 'sources': a citation has 'doc', 'locator' and 'quote' strings, not '{}'", it.key());
          }
          (it.key() == "locator" ? c.locator : c.quote) = it.value().get<std::string>();
        }
        out.push_back(std::move(c));
      } else {
        throw invalid("column 'sources': each citation is a document key or an object with 'doc'");
      }
    }
    return out;
  }
  for (auto& key : split_list(text)) out.push_back({std::move(key), "", ""});
  return out;
}

struct CsvColumn {
  std::size_t index;
  std::string name;
};

// What a file's header says: nodes or edges, and which of its columns are properties.
struct CsvFile {
  bool edges = false;
  std::map<std::string, TypeInfo> types;  // the types of the file's kind
  std::vector<std::string> type_names;
  std::vector<CsvColumn> props;
};

// Reads and checks the header: no column twice, a nodes file's (type, key, ...) or an edges
// file's (type, from, to, ...), every other column a property of some type of its kind.
CsvFile read_header(ImportContext& ctx, const TableHeader& h) {
  CsvFile f;
  std::set<std::string> seen;
  for (const auto& name : h.names()) {
    if (!seen.insert(name).second) throw invalid("{}:{}: column '{}' appears twice", ctx.source(), h.line(), name);
  }
  f.edges = seen.count("from") || seen.count("to");
  if (f.edges && !(seen.count("from") && seen.count("to"))) {
    throw invalid("{}:{}: an edges file has both 'from' and 'to' columns", ctx.source(), h.line());
  }
  if (!seen.count("type") || (!f.edges && !seen.count("key"))) {
    throw invalid("{}:{}: the header is neither a nodes file's (type,key,...) nor an edges file's (type,from,to,...)",
                  ctx.source(), h.line());
  }
  const auto& reserved = f.edges ? kEdgeColumns : kNodeColumns;

  // Every other column must be a property of some type of the file's kind.
  std::set<std::string> all_props;
  for (auto& t : ctx.txn().types()) {
    if (t.is_edge != f.edges) continue;
    f.type_names.push_back(t.name);
    for (const auto& p : t.properties) all_props.insert(p.name);
    f.types.emplace(t.name, std::move(t));
  }
  for (std::size_t i = 0; i < h.size(); ++i) {
    const auto& name = h.names()[i];
    if (reserved.count(name)) continue;
    if (!all_props.count(name)) {
      std::vector<std::string> candidates(all_props.begin(), all_props.end());
      candidates.insert(candidates.end(), reserved.begin(), reserved.end());
      throw invalid("{}:{}: column '{}' is not a property of any {} type{}", ctx.source(), h.line(), name,
                    f.edges ? "edge" : "node", text::did_you_mean(name, candidates));
    }
    f.props.push_back({i, name});
  }
  return f;
}

// One row: a node or an edge of the file's kind, its properties typed by its type.
void map_row(ImportContext& ctx, const CsvFile& f, const TableRecord& row) {
  auto cell = [&](const char* column) { return row.raw(column); };
  std::string type(trim(cell("type")));
  if (type.empty()) throw invalid("column 'type' is blank");
  auto it = f.types.find(type);
  if (it == f.types.end()) {
    auto other = ctx.txn().type(type);
    if (other) {
      throw invalid("'{}' is {} type; this is {} file", type, other->is_edge ? "an edge" : "a node",
                    f.edges ? "an edges" : "a nodes");
    }
    throw invalid("unknown {} type '{}'{}", f.edges ? "edge" : "node", type, text::did_you_mean(type, f.type_names));
  }
  const TypeInfo& info = it->second;
  Props values = Props::object();
  for (const auto& c : f.props) {
    std::string_view v = row.row().fields[c.index];
    if (trim(v).empty()) continue;
    const PropertyInfo* prop = nullptr;
    for (const auto& p : info.properties) {
      if (p.name == c.name) prop = &p;
    }
    if (!prop) {
      std::vector<std::string> names;
      for (const auto& p : info.properties) names.push_back(p.name);
      throw invalid("column '{}': {} has no property '{}'{}", c.name, type, c.name, text::did_you_mean(c.name, names));
    }
    values[c.name] = value_of(prop->type, *prop, v, c.name);
  }
  std::optional<Interval> valid;
  auto from_date = row.date("valid_from");
  auto to_date = row.date("valid_to");
  if (from_date || to_date) valid = Interval{from_date, to_date};
  std::vector<Citation> sources;
  if (!trim(cell("sources")).empty()) sources = sources_of(cell("sources"));
  std::string key(trim(cell("key")));

  if (f.edges) {
    EdgeInput e;
    e.type = type;
    e.from = NodeRef::parse(trim(cell("from")));
    e.to = NodeRef::parse(trim(cell("to")));
    e.key = key;
    e.valid = valid;
    e.props = std::move(values);
    e.sources = std::move(sources);
    ctx.merge_edge(std::move(e));
  } else {
    if (key.empty()) throw invalid("column 'key' is blank");
    NodeInput node;
    node.type = type;
    node.key = key;
    node.name = std::string(trim(cell("name")));
    if (!trim(cell("aliases")).empty()) node.aliases = aliases_of(cell("aliases"));
    node.valid = valid;
    node.props = std::move(values);
    node.sources = std::move(sources);
    ctx.merge_node(std::move(node));
  }
}

}  // namespace

void read_csv(ImportContext& ctx, std::istream& in) {
  CsvFile file;
  read_table(
      ctx, in, TableLayout{.progress_every = 1000}, [&](const TableRecord& row) { map_row(ctx, file, row); },
      [&](const TableHeader& h) { file = read_header(ctx, h); });
}

}  // namespace entente::io
