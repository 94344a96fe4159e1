#include "cli.h"

#include <algorithm>
#include <charconv>
#include <cctype>

#include <fmt/format.h>
#include <utf8proc.h>

namespace entente::cli {

void add_common(CLI::App& cmd, Common& common, bool with_json) {
  cmd.add_option("--db", common.db, "database directory")->required()->type_name("DIR");
  if (with_json) cmd.add_flag("--json", common.json, "machine-readable output (JSON)");
}

void add_as_of(CLI::App& cmd, Common& common) {
  cmd.add_option("--as-of", common.as_of,
                 "read the database as it stood after a commit: #N (entente log lists them) or an ISO 8601 time "
                 "(2026-12-08, 2026-12-08T10:30:00Z); see docs/history.md")
      ->type_name("TIME|#N");
}

std::unique_ptr<Snapshot> snapshot_of(const Database& db, const Common& common) {
  if (common.as_of.empty()) return db.snapshot();
  return db.snapshot_as_of(db.commit_as_of(common.as_of));
}

std::unique_ptr<Database> open_for_read(const std::string& dir) {
  Options o;
  o.create_if_missing = false;
  o.read_only = true;
  return Database::open(dir, o);
}

std::unique_ptr<Database> open_for_write(const std::string& dir, const Options& options) {
  return Database::open(dir, options);
}

std::string describe(const Node& n) { return n.label(); }

std::string describe_props(const Props& props) {
  std::string out;
  for (auto it = props.begin(); it != props.end(); ++it) {
    if (!out.empty()) out += ", ";
    out += it.key() + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
  }
  return out;
}

std::string describe_valid(const std::optional<Interval>& valid) { return valid ? valid->str() : "always"; }

std::string describe_step(const Node& start, const Neighbor& n) {
  if (n.edge.valid) return n.edge.valid->str();
  if (n.edge.type != "PARTY_TO") return "always";
  for (const Node* end : {&n.node, &start}) {
    if (end->type == "Treaty" || end->type == "Agreement") {
      return end->valid ? "in force " + end->valid->str() : "not in force";
    }
  }
  return "always";
}

void print_props(const Props& props, const char* indent) {
  for (auto it = props.begin(); it != props.end(); ++it) {
    bool objects = it->is_array() && !it->empty() && it->front().is_object();
    if (!objects) {
      fmt::print("{}{}: {}\n", indent, it.key(), it->is_string() ? it->get<std::string>() : it->dump());
      continue;
    }
    fmt::print("{}{}:\n", indent, it.key());
    for (const auto& element : *it) fmt::print("{}  - {}\n", indent, describe_props(element));
  }
}

std::string describe_citation(const Citation& c) {
  std::string out = c.doc;
  if (!c.locator.empty()) out += " (" + c.locator + ")";
  if (!c.quote.empty()) out += ": \"" + c.quote + "\"";
  return out;
}

nlohmann::ordered_json node_json(const Node& n) {
  auto j = to_json(n);
  j["id"] = n.id;
  return j;
}

nlohmann::ordered_json edge_json(const Edge& e) {
  auto j = to_json(e);
  j["id"] = e.id;
  return j;
}

Date parse_date_arg(const std::string& text, const char* option) {
  auto d = Date::try_parse(text);
  if (!d) throw CLI::ValidationError(option, "'" + text + "' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)");
  return *d;
}

CLI::Option* add_obligation_option(CLI::App& cmd, std::vector<std::string>& chosen) {
  return cmd
      .add_option("--obligation", chosen,
                  fmt::format("count treaties carrying this obligation (repeatable; default: defense): {}",
                              fmt::join(obligations(), ", ")))
      ->type_name("OBLIGATION")
      ->check(CLI::IsMember(obligations()));
}

std::vector<std::string> obligations_or_default(const std::vector<std::string>& given) {
  if (given.empty()) return {"defense"};
  return given;
}

nlohmann::ordered_json ref_json(const Node& n) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["key"] = n.ref().str();
  j["name"] = n.name;
  return j;
}

nlohmann::ordered_json refs_json(const std::vector<Node>& nodes) {
  auto j = nlohmann::ordered_json::array();
  for (const auto& n : nodes) j.push_back(ref_json(n));
  return j;
}

nlohmann::ordered_json valid_json(const std::optional<Interval>& valid) {
  if (!valid) return nullptr;
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  if (valid->from) j["from"] = valid->from->str();
  if (valid->to) j["to"] = valid->to->str();
  return j;
}

nlohmann::ordered_json treaty_json(const Node& t) {
  auto j = ref_json(t);
  std::string signed_at = prop_text(t.props, "signed");
  if (signed_at.empty()) {
    j["signed"] = nullptr;
  } else {
    j["signed"] = signed_at;
  }
  j["valid"] = valid_json(t.valid);
  j["sources"] = to_json(t.sources);
  return j;
}

nlohmann::ordered_json step_json(const PathStep& s) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["from"] = ref_json(s.from);
  j["edge"] = edge_json(s.edge);
  j["reversed"] = s.reversed;
  j["to"] = ref_json(s.to);
  return j;
}

nlohmann::ordered_json office_term_json(const OfficeTerm& t) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["person"] = ref_json(t.person);
  j["office"] = t.office;
  j["of"] = ref_json(t.of);
  j["valid"] = valid_json(t.edge.valid);
  j["sources"] = to_json(t.edge.sources);
  return j;
}

std::string describe_path_step(const PathStep& s, bool with_names) {
  std::string from = with_names ? describe(s.from) : s.from.ref().str();
  std::string to = with_names ? describe(s.to) : s.to.ref().str();
  if (s.reversed) return fmt::format("{} <-{}- {}", from, s.edge.type, to);
  return fmt::format("{} -{}-> {}", from, s.edge.type, to);
}

std::string prop_text(const Props& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string prop_text(const Properties& props, const char* key) {
  auto v = props.json(key);
  if (v.is_null()) return {};
  return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string describe_source(const Citation& c) {
  return c.locator.empty() ? c.doc : fmt::format("{} ({})", c.doc, c.locator);
}

std::vector<std::string> distinct_sources(const std::vector<Citation>& sources) {
  std::vector<std::string> out;
  for (const auto& c : sources) {
    auto s = describe_source(c);
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

std::string shorten(std::string_view text, std::size_t max_chars) {
  // The byte offset of each character (utf8proc's reading of UTF-8; a byte that is not
  // UTF-8 counts as a character of its own).
  std::vector<std::size_t> starts;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  for (std::size_t at = 0; at < text.size();) {
    starts.push_back(at);
    utf8proc_int32_t c = 0;
    const utf8proc_ssize_t len = utf8proc_iterate(p + at, static_cast<utf8proc_ssize_t>(text.size() - at), &c);
    at += len > 0 ? static_cast<std::size_t>(len) : 1;
  }
  if (starts.size() <= max_chars) return std::string(text);
  const std::size_t keep = max_chars > 3 ? max_chars - 3 : 0;  // room for "..."
  const std::size_t cut = starts[keep];
  std::string out(text.substr(0, cut));
  while (!out.empty() && (out.back() == ' ' || out.back() == ',' || out.back() == ';')) out.pop_back();
  return out + "...";
}

std::string short_name(const Node& n) {
  if (!n.aliases.empty() && !n.aliases.front().empty() && (n.name.empty() || n.aliases.front().size() < n.name.size())) {
    return n.aliases.front();
  }
  return n.name.empty() ? n.key : n.name;
}

std::string describe_in_force(const Node& treaty) {
  return treaty.valid ? "in force " + treaty.valid->str() : "not in force";
}

std::string numeral_ordinal(int n) {
  int tens = n % 100, units = n % 10;
  const char* suffix = (tens >= 11 && tens <= 13) ? "th"
                       : units == 1               ? "st"
                       : units == 2               ? "nd"
                       : units == 3               ? "rd"
                                                  : "th";
  return fmt::format("{}{}", n, suffix);
}

}  // namespace entente::cli

namespace entente::cli {

namespace {

// The columns a text takes on a terminal, by utf8proc's character widths: 2 for a wide
// character (北朝鲜 takes 6), 0 for a combining mark; a byte that is not UTF-8 takes 1.
std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t len = utf8proc_iterate(p, left, &c);
    if (len <= 0) {
      ++n;
      len = 1;
    } else {
      n += static_cast<std::size_t>(std::max(0, utf8proc_charwidth(c)));
    }
    p += len;
    left -= len;
  }
  return n;
}

// A cell of a table: one line (line breaks shown as "\n").
std::string cell_text(const Value& v) {
  std::string s = v.str();
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r' || c == '\t') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

OutputFormat parse_format(const std::string& text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  if (text == "csv") return OutputFormat::kCsv;
  throw CLI::ValidationError("--format", "'" + text + "' is not one of table, json, csv");
}

void print_result(const QueryResult& r, OutputFormat format, std::FILE* out) {
  if (format == OutputFormat::kJson) {
    auto j = nlohmann::ordered_json::array();
    for (const auto& row : r.rows) {
      auto o = nlohmann::ordered_json::object();
      for (std::size_t i = 0; i < r.columns.size() && i < row.size(); ++i) o[r.columns[i]] = row[i].to_json();
      j.push_back(std::move(o));
    }
    fmt::print(out, "{}\n", j.dump(2));
    return;
  }
  if (format == OutputFormat::kCsv) {
    fmt::print(out, "{}", csv_line(r.columns));
    for (const auto& row : r.rows) fmt::print(out, "{}", csv_line(row));
    return;
  }
  std::vector<std::vector<std::string>> text;
  std::vector<std::size_t> width;
  for (const auto& c : r.columns) width.push_back(display_width(c));
  for (const auto& row : r.rows) {
    std::vector<std::string> cells;
    for (std::size_t i = 0; i < row.size(); ++i) {
      cells.push_back(cell_text(row[i]));
      if (i < width.size()) width[i] = std::max(width[i], display_width(cells.back()));
    }
    text.push_back(std::move(cells));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t i = 0; i < cells.size() && i < width.size(); ++i) {
      if (i) s += " | ";
      s += cells[i];
      if (i + 1 < cells.size()) s += std::string(width[i] - display_width(cells[i]), ' ');
    }
    fmt::print(out, "{}\n", s);
  };
  line(r.columns);
  std::string rule;
  for (std::size_t i = 0; i < width.size(); ++i) rule += (i ? "-+-" : "") + std::string(width[i], '-');
  fmt::print(out, "{}\n", rule);
  for (const auto& cells : text) line(cells);
  fmt::print(out, "({} row{})\n", r.rows.size(), plural(r.rows.size()));
}

bool is_param_name(std::string_view name) {
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

std::pair<std::string, Value> parse_param(const std::string& text) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw CLI::ValidationError("--param", "'" + text + "' is not name=value (e.g. --param code=PRK)");
  }
  std::string name = text.substr(0, eq);
  if (!is_param_name(name)) {
    throw CLI::ValidationError("--param", "'" + name + "' is not a parameter name (letters, digits and _)");
  }
  std::string value = text.substr(eq + 1);
  // JSON when it is JSON (numbers, true, null, "quoted", [lists], {maps}); else the text.
  auto j = nlohmann::ordered_json::parse(value, nullptr, false);
  if (j.is_discarded()) return {name, Value(value)};
  return {name, Value::from_json(j)};
}

void add_limits(CLI::App& cmd, LimitOptions& options, Bounded what) {
  const bool query = what == Bounded::kQuery;
  cmd.add_option("--timeout", options.timeout,
                 fmt::format("stop {} after this many seconds, with an error (default 60; 0: no limit)",
                             query ? "a query" : "the walk"))
      ->type_name("SECONDS")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--memory-limit", options.memory,
                 fmt::format("stop {} pass this size: bytes, or with K, M or G (default 4G; 0: no limit)",
                             query ? "a query whose held rows (sorting, grouping, DISTINCT, collect, the result)"
                                   : "the walk when what it holds (the nodes reached, the answer it builds)"))
      ->type_name("SIZE");
}

Limits LimitOptions::limits() const {
  Limits l;
  l.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout * 1000.0));
  std::string m = memory;
  std::uint64_t unit = 1;
  if (!m.empty()) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(m.back())));
    if (u == 'K' || u == 'M' || u == 'G') {
      unit = u == 'K' ? 1ull << 10 : u == 'M' ? 1ull << 20 : 1ull << 30;
      m.pop_back();
      if (!m.empty() && std::toupper(static_cast<unsigned char>(m.back())) == 'I') m.pop_back();  // 4GiB
    } else if (m.size() > 1 && std::toupper(static_cast<unsigned char>(m.back())) == 'B') {
      m.pop_back();
    }
  }
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(m.data(), m.data() + m.size(), n);
  if (m.empty() || ec != std::errc() || ptr != m.data() + m.size() || n > (UINT64_MAX / unit)) {
    throw CLI::ValidationError("--memory-limit", "'" + memory + "' is not a size (e.g. 512M, 4G, or 0 for none)");
  }
  l.memory_limit = n * unit;
  return l;
}

bool is_explain(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::string word;
  while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    ++i;
  }
  return word == "EXPLAIN" || word == "PROFILE";
}

}  // namespace entente::cli
