#include "cli.h"

#include <fmt/format.h>

namespace entente::cli {

void add_common(CLI::App& cmd, Common& common, bool with_json) {
  cmd.add_option("--db", common.db, "database directory")->required()->type_name("DIR");
  if (with_json) cmd.add_flag("--json", common.json, "machine-readable output (JSON)");
}

std::unique_ptr<Database> open_for_read(const std::string& dir) {
  Options o;
  o.create_if_missing = false;
  o.read_only = true;
  return Database::open(dir, o);
}

std::unique_ptr<Database> open_for_write(const std::string& dir) { return Database::open(dir); }

std::string describe(const Node& n) {
  return n.name.empty() ? n.ref().str() : fmt::format("{} ({})", n.ref().str(), n.name);
}

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
  auto j = nlohmann::ordered_json::parse(to_line(n));
  j["id"] = n.id;
  return j;
}

nlohmann::ordered_json edge_json(const Edge& e) {
  auto j = nlohmann::ordered_json::parse(to_line(e));
  j["id"] = e.id;
  return j;
}

Date parse_date_arg(const std::string& text, const char* option) {
  auto d = Date::try_parse(text);
  if (!d) throw CLI::ValidationError(option, "'" + text + "' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)");
  return *d;
}

}  // namespace entente::cli
