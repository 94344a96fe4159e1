// Shared pieces of the exporters: the part of the graph to export, property kinds, escaping.
#include "io/export_util.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <unordered_set>

#include "common/error.h"
#include "common/text.h"

namespace entente::io {

Subgraph collect(const Reader& reader, const ExportOptions& options) {
  std::vector<TypeInfo> all = reader.types();
  std::sort(all.begin(), all.end(), [](const TypeInfo& a, const TypeInfo& b) { return a.name < b.name; });
  std::set<std::string> node_names, edge_names;
  for (const auto& name : options.types) {
    auto t = reader.type(name);
    if (!t) {
      std::vector<std::string> names;
      for (const auto& a : all) names.push_back(a.name);
      throw invalid("unknown type '{}'{} (types: {})", name, text::did_you_mean(name, names), fmt::join(names, ", "));
    }
    (t->is_edge ? edge_names : node_names).insert(t->name);
  }
  Subgraph g;
  std::unordered_set<NodeId> kept;
  for (const auto& t : all) {
    if (t.is_edge || (!node_names.empty() && !node_names.count(t.name))) continue;
    bool any = false;
    reader.scan(t.name, [&](const Node& n) {
      if (options.at && !n.valid_at(*options.at)) return true;
      kept.insert(n.id);
      g.nodes.push_back(n);
      any = true;
      return true;
    });
    if (any) g.node_types.emplace(t.name, t);
  }
  for (const auto& n : g.nodes) {
    reader.out_edges(n.id, [&](const Edge& e) {
      if (!edge_names.empty() && !edge_names.count(e.type)) return true;
      if (!kept.count(e.to) || (options.at && !e.valid_at(*options.at))) return true;
      g.edges.push_back(e);
      return true;
    });
  }
  for (const auto& e : g.edges) {
    if (!g.edge_types.count(e.type)) g.edge_types.emplace(e.type, *reader.type(e.type));
  }
  return g;
}

std::vector<Edge> edges_between(const Reader& reader, const std::vector<Node>& nodes, std::optional<Date> at) {
  std::unordered_set<NodeId> ids;
  for (const auto& n : nodes) ids.insert(n.id);
  std::vector<Edge> out;
  for (const auto& n : nodes) {
    reader.out_edges(n.id, [&](const Edge& e) {
      if (ids.count(e.to) && (!at || e.valid_at(*at))) out.push_back(e);
      return true;
    });
  }
  return out;
}

namespace {

std::optional<Scalar> scalar_of(std::string_view type, bool is_enum) {
  if (is_enum) return Scalar::kString;
  if (type == "Bool") return Scalar::kBool;
  if (type == "Int8" || type == "Int16" || type == "Int32" || type == "UInt8" || type == "UInt16") return Scalar::kInt;
  if (type == "Int64" || type == "UInt32" || type == "UInt64") return Scalar::kLong;
  if (type == "Float32" || type == "Float64") return Scalar::kDouble;
  if (type == "Text") return Scalar::kString;
  if (type == "Date") return Scalar::kDate;
  return std::nullopt;  // a struct
}

}  // namespace

PropKind kind_of(const PropertyInfo& p) {
  std::string_view type = p.type;
  bool is_enum = !p.values.empty();
  if (type.starts_with("List(") && type.ends_with(")")) {
    auto element = type.substr(5, type.size() - 6);
    if (element.starts_with("List(")) return {Scalar::kJson, false};
    auto s = scalar_of(element, is_enum);
    if (!s) return {Scalar::kJson, false};
    return {*s, true};
  }
  auto s = scalar_of(type, is_enum);
  return {s.value_or(Scalar::kJson), false};
}

std::string value_text(const Props& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return {};
  return value.dump();
}

std::string from_text(const std::optional<Interval>& valid) {
  return valid && valid->from ? valid->from->str() : std::string();
}

std::string to_text(const std::optional<Interval>& valid) {
  return valid && valid->to ? valid->to->str() : std::string();
}

std::string xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
      case '\n':
        out += c;
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\xEF\xBF\xBD";  // U+FFFD: XML 1.0 cannot hold this control character
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string dot_quoted(std::string_view text) { return "\"" + dot_quote(text) + "\""; }

std::string dot_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string display_name(const Node& n) { return n.name.empty() ? n.ref().str() : n.name; }

std::string short_name(const Node& n) {
  if (!n.aliases.empty() && !n.aliases.front().empty() &&
      (n.name.empty() || n.aliases.front().size() < n.name.size())) {
    return n.aliases.front();
  }
  return n.name.empty() ? n.key : n.name;
}

std::string wrap(std::string_view text, std::size_t width) {
  auto chars = [](std::string_view s) { return text::utf8_length(s); };
  std::string out, line;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    auto word = text.substr(start, end - start);
    if (!word.empty()) {
      if (!line.empty() && chars(line) + 1 + chars(word) > width) {
        out += line + "\n";
        line.clear();
      }
      line += line.empty() ? std::string(word) : " " + std::string(word);
    }
    start = end + 1;
  }
  return out + line;
}

std::ofstream open_out(const std::filesystem::path& file) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw io_error("{}: cannot write: {}", file.string(), std::strerror(errno));
  return out;
}

void close_out(std::ofstream& out, const std::filesystem::path& file) {
  out.flush();
  if (!out) throw io_error("{}: write failed: {}", file.string(), std::strerror(errno));
  out.close();
}

void make_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) {
    throw io_error("{}: is a file, not a directory", dir.string());
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) throw io_error("{}: cannot create the directory: {}", dir.string(), ec.message());
}

OutputDir::OutputDir(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  made_ = !std::filesystem::exists(dir_, ec);
  make_dir(dir_);
}

OutputDir::~OutputDir() {
  if (committed_) return;
  std::error_code ec;
  for (const auto& name : names_) std::filesystem::remove(temp(name), ec);
  if (made_) std::filesystem::remove(dir_, ec);  // only when empty: nothing else was put there
}

std::filesystem::path OutputDir::temp(const std::string& name) const { return dir_ / ("." + name + ".tmp"); }

std::ofstream OutputDir::open(const std::string& name) {
  if (std::find(names_.begin(), names_.end(), name) == names_.end()) names_.push_back(name);
  return open_out(temp(name));
}

void OutputDir::close(std::ofstream& out, const std::string& name) { close_out(out, dir_ / name); }

std::vector<std::filesystem::path> OutputDir::commit() {
  std::vector<std::filesystem::path> out;
  for (const auto& name : names_) {
    std::error_code ec;
    std::filesystem::rename(temp(name), dir_ / name, ec);
    if (ec) throw io_error("{}: cannot write: {}", (dir_ / name).string(), ec.message());
    out.push_back(dir_ / name);
  }
  committed_ = true;
  return out;
}

std::string dot_node_style(const std::string& type) {
  struct Style {
    const char* type;
    const char* shape;
    const char* fill;
  };
  static const Style kStyles[] = {
      {"State", "box", "#9ecae1"},     {"Person", "ellipse", "#fdd0a2"},  {"Organization", "hexagon", "#c7e9c0"},
      {"Treaty", "note", "#fcbba1"},   {"Agreement", "note", "#fee391"},  {"Visit", "cds", "#dadaeb"},
      {"Event", "octagon", "#fde0ef"}, {"Document", "folder", "#f0f0f0"},
  };
  for (const auto& s : kStyles) {
    if (type == s.type) return fmt::format("shape={}, style=\"filled\", fillcolor=\"{}\"", s.shape, s.fill);
  }
  // A user type: a colour of its own, the same in every export (FNV-1a of the name).
  static const char* const kPalette[] = {"#b3e2cd", "#fdcdac", "#cbd5e8", "#f4cae4", "#e6f5c9", "#fff2ae", "#f1e2cc"};
  std::uint32_t h = 2166136261u;
  for (char c : type) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return fmt::format("shape=box, style=\"rounded,filled\", fillcolor=\"{}\"", kPalette[h % 7]);
}

}  // namespace entente::io
