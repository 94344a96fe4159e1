// The JSON Lines interchange format: parsing lines, writing them, importing, dumping.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include <fmt/ranges.h>

#include "common/error.h"
#include "common/text.h"
#include "graph/load_lines.h"
#include "io/jsonl_fast.h"
#include "io/stdin.h"
#include "entente/interchange.h"

namespace entente {
namespace {

using Json = nlohmann::ordered_json;

const std::string& string_field(const Json& obj, const char* name, bool required) {
  static const std::string empty;
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) {
    if (required) throw invalid("missing field '{}'", name);
    return empty;
  }
  if (!it->is_string()) throw invalid("field '{}': expected a string", name);
  return it->get_ref<const std::string&>();
}

// One interval {"from": ..., "to": ...}; `field` names it in errors ("valid", "valid[1]").
Interval parse_interval(const Json& v, const std::string& field) {
  if (!v.is_object()) throw invalid("field '{}': expected an object like {{\"from\":\"1961-09-10\"}}", field);
  Interval iv;
  for (auto f = v.begin(); f != v.end(); ++f) {
    if (f.key() != "from" && f.key() != "to") {
      throw invalid("field '{}': unknown field '{}' (expected 'from' and 'to')", field, f.key());
    }
    if (f->is_null()) continue;
    if (!f->is_string()) throw invalid("field '{}.{}': expected a date string", field, f.key());
    try {
      (f.key() == "from" ? iv.from : iv.to) = Date::parse(f->get_ref<const std::string&>());
    } catch (const Error& e) {
      throw with_context(e, fmt::format("field '{}.{}'", field, f.key()));
    }
  }
  return iv;
}

std::optional<Interval> parse_valid(const Json& obj) {
  auto it = obj.find("valid");
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (it->is_array()) throw invalid("field 'valid': an edge holds one interval (write one edge per spell)");
  return parse_interval(*it, "valid");
}

// A node's validity: one interval, or its spells [{...}, {...}] (docs/interchange.md §4).
void parse_node_valid(const Json& obj, NodeInput& n) {
  auto it = obj.find("valid");
  if (it == obj.end() || it->is_null()) return;
  if (!it->is_array()) {
    n.valid = parse_interval(*it, "valid");
    return;
  }
  if (it->empty()) throw invalid("field 'valid': an empty list of spells (give at least one, or leave 'valid' out)");
  std::vector<Interval> spells;
  for (std::size_t i = 0; i < it->size(); ++i) spells.push_back(parse_interval((*it)[i], fmt::format("valid[{}]", i)));
  n.set_spells(std::move(spells));  // errors name the spell: "valid[1]: 'to' ... must be after 'from'"
}

std::vector<Citation> parse_sources(const Json& obj) {
  std::vector<Citation> out;
  auto it = obj.find("sources");
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_array()) throw invalid("field 'sources': expected an array of {{\"doc\":...}}");
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& c = (*it)[i];
    std::string where = fmt::format("field 'sources[{}]'", i);
    if (!c.is_object()) throw invalid("{}: expected an object like {{\"doc\":\"key\"}}", where);
    for (auto f = c.begin(); f != c.end(); ++f) {
      if (f.key() != "doc" && f.key() != "locator" && f.key() != "quote") {
        throw invalid("{}: unknown field '{}' (expected doc, locator, quote)", where, f.key());
      }
    }
    try {
      out.push_back({string_field(c, "doc", true), string_field(c, "locator", false), string_field(c, "quote", false)});
    } catch (const Error& e) {
      throw with_context(e, where);
    }
  }
  return out;
}

void check_fields(const Json& obj, std::initializer_list<const char*> allowed) {
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (auto f = obj.begin(); f != obj.end(); ++f) {
    if (std::find(names.begin(), names.end(), f.key()) == names.end()) {
      throw invalid("unknown field '{}'{}", f.key(), text::did_you_mean(f.key(), names));
    }
  }
}

// Moves the properties out of obj.
Props parse_props(Json& obj) {
  auto it = obj.find("props");
  if (it == obj.end() || it->is_null()) return Props::object();
  if (!it->is_object()) throw invalid("field 'props': expected an object");
  return std::move(*it);
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::strict); }

// Refuses arrays and objects nested deeper than kMaxJsonDepth (the DOM and the checks
// after it recurse), and more than kMaxJsonValues values (the DOM takes some 50 bytes a
// value), before nlohmann parses the line. Brackets and commas in strings do not count.
void check_structure(std::string_view line) {
  int depth = 0;
  std::size_t values = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{' || c == ',') {
      if (c != ',' && ++depth > kMaxJsonDepth) {
        throw invalid("JSON nested deeper than the limit of {} levels (at column {})", kMaxJsonDepth, i + 1);
      }
      if (++values > kMaxJsonValues) {
        throw invalid("more JSON values than the limit of {} (at column {})", kMaxJsonValues, i + 1);
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

// Builds the JSON of one line from nlohmann's SAX events, refusing a field name that is
// repeated in an object (nlohmann would keep the last silently) or too long to quote in a
// message or to compare for "did you mean". Unlike nlohmann's own parsers it takes time in
// proportion to the line: its callback parser scans a container again each time one of its
// elements ends, and ordered_json looks a key up among those before it as it inserts it,
// both quadratic (a line of 500,000 objects in an array ran for 8 minutes before it was
// stopped; with this builder, 30 s in a Debug build).
class LineBuilder {
 public:
  Json take() { return std::move(root_); }

  bool null() { return add(Json(nullptr)); }
  bool boolean(bool v) { return add(Json(v)); }
  bool number_integer(Json::number_integer_t v) { return add(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return add(Json(v)); }
  bool number_float(Json::number_float_t v, const std::string&) { return add(Json(v)); }
  bool string(Json::string_t& v) { return add(Json(std::move(v))); }
  bool binary(Json::binary_t& v) { return add(Json::binary(std::move(v))); }  // not in JSON text
  bool start_object(std::size_t) { return open(Json::object()); }
  bool start_array(std::size_t) { return open(Json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(Json::string_t& k) {
    if (k.size() > kMaxFieldNameBytes) {
      throw invalid("a field name is longer than the limit of {} ({} bytes)", text::human_size(kMaxFieldNameBytes), k.size());
    }
    auto& top = stack_.back();
    if (!top.keys.insert(k).second) throw invalid("duplicate field '{}'", k);
    top.key = std::move(k);
    return true;
  }
  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception& e) {
    throw e;
  }

 private:
  struct Open {
    Json* value;                 // an array or object, inside its parent (which does not grow meanwhile)
    std::string key;             // an object's key for the next value
    std::set<std::string> keys;  // an object's keys so far
  };

  bool add(Json&& v) {
    place(std::move(v));
    return true;
  }
  // Adds v to the innermost open array or object (or as the root); returns where it is.
  Json* place(Json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Open& top = stack_.back();
    if (top.value->is_array()) {
      auto& array = top.value->get_ref<Json::array_t&>();
      array.push_back(std::move(v));
      return &array.back();
    }
    // Appended as it is: the key is known to be new, so ordered_map's search is not needed.
    auto& members = static_cast<Json::object_t::Container&>(top.value->get_ref<Json::object_t&>());
    members.emplace_back(std::move(top.key), std::move(v));
    return &members.back().second;
  }
  bool open(Json&& container) {
    Json* where = place(std::move(container));
    stack_.push_back({where, {}, {}});
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  Json root_;
  std::vector<Open> stack_;
};


}  // namespace

namespace {

// An edge's identity fields (docs/interchange.md, section 7): its type, ends, key and
// validity, from an edge line or an edge's deletion.
EdgeInput edge_identity(const Json& obj) {
  EdgeInput e;
  e.type = string_field(obj, "edge", true);
  try {
    e.from = NodeRef::parse(string_field(obj, "from", true));
  } catch (const Error& err) {
    throw with_context(err, "field 'from'");
  }
  try {
    e.to = NodeRef::parse(string_field(obj, "to", true));
  } catch (const Error& err) {
    throw with_context(err, "field 'to'");
  }
  e.key = string_field(obj, "key", false);
  e.valid = parse_valid(obj);
  return e;
}

// {"delete": "Type:key"[, "detach": true]} or {"delete": {"edge": ..., "from": ..., "to": ...,
// "valid": {"from": ...}, "key": ...}}: docs/interchange.md, "Deletions".
Deletion parse_deletion(Json& obj) {
  Deletion d;
  check_fields(obj, {"delete", "detach"});
  auto& what = obj["delete"];
  if (what.is_string()) {
    try {
      d.node = NodeRef::parse(what.get_ref<const std::string&>());
    } catch (const Error& err) {
      throw with_context(err, "field 'delete'");
    }
    if (auto it = obj.find("detach"); it != obj.end() && !it->is_null()) {
      if (!it->is_boolean()) throw invalid("field 'detach': expected true or false");
      d.detach = it->get<bool>();
    }
    return d;
  }
  if (!what.is_object()) {
    throw invalid("field 'delete': expected \"Type:key\" (a node) or an object naming an edge "
                  "({{\"edge\": ..., \"from\": ..., \"to\": ...}})");
  }
  if (obj.contains("detach")) throw invalid("field 'detach': only for a node's deletion (an edge has no edges to detach)");
  try {
    check_fields(what, {"edge", "from", "to", "valid", "key"});
    d.edge = edge_identity(what);
  } catch (const Error& err) {
    throw with_context(err, "field 'delete'");
  }
  return d;
}

}  // namespace

std::variant<NodeInput, EdgeInput, Deletion> parse_line(std::string_view line) {
  check_structure(line);
  Json obj;
  try {
    LineBuilder builder;
    Json::sax_parse(line.begin(), line.end(), &builder);
    obj = builder.take();
  } catch (const Json::parse_error& e) {
    // e.byte is 1-based; nlohmann's message holds the detail after "; ".
    std::string what = e.what();
    auto detail = what.find("syntax error");
    throw invalid("malformed JSON at column {}: {}", e.byte,
                  detail == std::string::npos ? what : what.substr(detail));
  } catch (const Json::exception& e) {  // e.g. a number too large for a double
    std::string what = e.what();
    auto detail = what.find("] ");
    throw invalid("malformed JSON: {}", detail == std::string::npos ? what : what.substr(detail + 2));
  }
  if (!obj.is_object()) throw invalid("expected a JSON object with \"node\", \"edge\" or \"delete\"");
  if (obj.contains("delete")) return parse_deletion(obj);
  bool is_node = obj.contains("node"), is_edge = obj.contains("edge");
  if (is_node == is_edge) throw invalid("expected exactly one of the fields \"node\", \"edge\" and \"delete\"");
  if (is_node) {
    check_fields(obj, {"node", "key", "name", "aliases", "valid", "props", "sources"});
    NodeInput n;
    n.type = string_field(obj, "node", true);
    n.key = string_field(obj, "key", true);
    n.name = string_field(obj, "name", false);
    if (auto it = obj.find("aliases"); it != obj.end() && !it->is_null()) {
      if (!it->is_array()) throw invalid("field 'aliases': expected an array of strings");
      for (auto& a : *it) {
        if (!a.is_string()) throw invalid("field 'aliases': expected an array of strings");
        n.aliases.push_back(std::move(a.get_ref<std::string&>()));
      }
    }
    parse_node_valid(obj, n);
    n.props = parse_props(obj);
    n.sources = parse_sources(obj);
    return n;
  }
  check_fields(obj, {"edge", "from", "to", "key", "valid", "props", "sources"});
  EdgeInput e = edge_identity(obj);
  e.props = parse_props(obj);
  e.sources = parse_sources(obj);
  return e;
}

std::string to_line(const Node& n) { return dump(to_json(n)); }

std::string to_line(const Edge& e) { return dump(to_json(e)); }

DiffStats diff_jsonl(const Database& db, std::uint64_t from, std::uint64_t to, std::ostream& out) {
  const Changed changed = db.changed(from, to);
  auto before = db.snapshot_as_of(from), after = db.snapshot_as_of(to);
  DiffStats stats;
  auto edge_deletion = [](const Edge& e) {
    Json d = {{"edge", e.type}, {"from", e.from_ref.str()}, {"to", e.to_ref.str()}};
    if (e.valid && e.valid->from) d["valid"] = {{"from", e.valid->from->str()}};
    if (!e.key.empty()) d["key"] = e.key;
    return Json{{"delete", d}};
  };
  std::vector<std::string> edge_deletions, node_puts, edge_puts, node_deletions;
  std::set<std::string> keys_after;  // the refs of nodes added or replaced
  for (NodeId id : changed.nodes) {
    auto a = before->node(id), b = after->node(id);
    if (b) {
      Json jb = to_json(*b);
      if (a && to_json(*a) == jb) continue;
      node_puts.push_back(dump(jb));
      keys_after.insert(b->ref().str());
      ++(a ? stats.nodes.updated : stats.nodes.created);
    } else if (a) {
      node_deletions.push_back(a->ref().str());
    }
  }
  for (EdgeId id : changed.edges) {
    auto a = before->edge(id), b = after->edge(id);
    if (b) {
      Json jb = to_json(*b);
      if (a && to_json(*a) == jb) continue;
      edge_puts.push_back(dump(jb));
      ++(a ? stats.edges.updated : stats.edges.created);
    } else if (a) {
      edge_deletions.push_back(dump(edge_deletion(*a)));
      ++stats.edges.removed;
    }
  }
  for (const auto& line : edge_deletions) out << line << '\n';
  for (const auto& line : node_puts) out << line << '\n';
  for (const auto& line : edge_puts) out << line << '\n';
  for (const auto& ref : node_deletions) {
    // A key removed and made again in between names a node put above: its put replaces
    // the old one, which is not deleted.
    if (keys_after.count(ref)) {
      --stats.nodes.created;
      ++stats.nodes.updated;
      continue;
    }
    out << dump(Json{{"delete", ref}}) << '\n';
    ++stats.nodes.removed;
  }
  return stats;
}

ImportStats import_jsonl(Transaction& txn, std::istream& in, std::string_view source,
                         const std::function<void(std::uint64_t)>& progress, std::size_t max_line_bytes) {
  return graph::load_lines(txn, in, source, progress, max_line_bytes, {&parse_line, &make_fast_line_reader});
}

ImportStats import_files(Database& db, const std::vector<std::filesystem::path>& files, const ImportOptions& options) {
  ImportStats total;
  std::unique_ptr<Transaction> txn;
  auto message = [&](const std::vector<std::filesystem::path>& which) {
    if (!options.message.empty()) return options.message;
    std::vector<std::string> names;
    for (const auto& f : which) names.push_back(f == "-" ? "<stdin>" : f.string());
    return fmt::format("import {}", fmt::join(names, " "));
  };
  for (const auto& file : files) {
    if (!txn) {
      txn = db.begin();
      txn->set_message(message(options.single_transaction ? files : std::vector<std::filesystem::path>{file}));
    }
    std::ifstream stream;
    io::StdinBuffer stdin_buffer;
    std::istream stdin_stream(&stdin_buffer);
    std::istream* in = &stdin_stream;
    if (file != "-") {
      if (std::filesystem::is_directory(file)) throw invalid("{}: is a directory, not a file", file.string());
      stream.open(file, std::ios::binary);
      if (!stream) throw not_found("{}: cannot open: {}", file.string(), std::strerror(errno));
      in = &stream;
    }
    std::function<void(std::uint64_t)> progress;
    if (options.progress) progress = [&](std::uint64_t lines) { options.progress(file, lines); };
    auto s = import_jsonl(*txn, *in, file == "-" ? "<stdin>" : file.string(), progress, options.max_line_bytes);
    total.lines += s.lines;
    total.nodes += s.nodes;
    total.edges += s.edges;
    total.deletions += s.deletions;
    total.absent += s.absent;
    if (!options.single_transaction) {
      txn->commit();
      txn.reset();
    }
  }
  if (txn) txn->commit();
  return total;
}

namespace {

// Documents in key order, except that a Document citing another comes after it, so that
// the dump imports in one pass.
void dump_documents(const Reader& reader, std::ostream& out) {
  std::map<std::string, Node> docs;
  reader.scan("Document", [&](const Node& n) {
    docs.emplace(n.key, n);
    return true;
  });
  std::set<std::string> written, visiting;
  std::function<void(const Node&)> visit = [&](const Node& n) {
    if (written.count(n.key) || !visiting.insert(n.key).second) return;  // done, or a cycle
    for (const auto& c : n.sources) {
      if (auto it = docs.find(c.doc); it != docs.end() && c.doc != n.key) visit(it->second);
    }
    written.insert(n.key);
    out << to_line(n) << '\n';
  };
  for (const auto& [key, n] : docs) visit(n);
}

}  // namespace

void dump_jsonl(const Reader& reader, std::ostream& out) {
  std::vector<std::string> node_types;
  for (const auto& t : reader.types()) {
    if (!t.is_edge) node_types.push_back(t.name);
  }
  std::sort(node_types.begin(), node_types.end(), [](const std::string& a, const std::string& b) {
    return std::make_pair(a != "Document", a) < std::make_pair(b != "Document", b);
  });
  for (const auto& type : node_types) {
    if (type == "Document") {
      dump_documents(reader, out);
      continue;
    }
    reader.scan(type, [&](const Node& n) {
      out << to_line(n) << '\n';
      return true;
    });
  }
  for (const auto& type : node_types) {
    reader.scan(type, [&](const Node& n) {
      std::vector<Edge> edges;
      reader.out_edges(n.id, [&](const Edge& e) {
        edges.push_back(e);
        return true;
      });
      auto order = [](const Edge& e) {
        std::optional<Date> from = e.valid ? e.valid->from : std::nullopt;
        return std::make_tuple(e.type, e.to_ref.str(), from.has_value(), from ? from->first_day() : 0u,
                               from ? static_cast<int>(from->precision()) : 0, e.key);
      };
      std::sort(edges.begin(), edges.end(), [&](const Edge& a, const Edge& b) { return order(a) < order(b); });
      for (const auto& e : edges) out << to_line(e) << '\n';
      return true;
    });
  }
  out.flush();
}

}  // namespace entente
