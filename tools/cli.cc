#include "cli.h"

#include <algorithm>

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

CLI::Option* add_obligation_option(CLI::App& cmd, std::vector<std::string>& obligations) {
  return cmd
      .add_option("--obligation", obligations,
                  "count treaties carrying this obligation (repeatable; default: defense): "
                  "defense, offense, neutrality, non_aggression, consultation")
      ->type_name("OBLIGATION")
      ->check(CLI::IsMember({"defense", "offense", "neutrality", "non_aggression", "consultation"}));
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

nlohmann::ordered_json citations_json(const std::vector<Citation>& sources) {
  auto j = nlohmann::ordered_json::array();
  for (const auto& c : sources) {
    nlohmann::ordered_json one = nlohmann::ordered_json::object();
    one["doc"] = c.doc;
    if (!c.locator.empty()) one["locator"] = c.locator;
    if (!c.quote.empty()) one["quote"] = c.quote;
    j.push_back(std::move(one));
  }
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
  j["sources"] = citations_json(t.sources);
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
  j["sources"] = citations_json(t.edge.sources);
  return j;
}

std::string describe_path_step(const PathStep& s, bool with_names) {
  std::string from = with_names ? describe(s.from) : s.from.ref().str();
  std::string to = with_names ? describe(s.to) : s.to.ref().str();
  if (s.reversed) return fmt::format("{} <-{}- {}", from, s.edge.type, to);
  return fmt::format("{} -{}-> {}", from, s.edge.type, to);
}

std::string prop_text(const Props& props, const char* key) {
  if (!props.is_object()) return {};
  auto it = props.find(key);
  if (it == props.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
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
  auto is_lead = [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; };
  std::size_t chars = 0;
  for (char ch : text) chars += is_lead(ch) ? 1 : 0;
  if (chars <= max_chars) return std::string(text);
  std::size_t keep = max_chars > 3 ? max_chars - 3 : 0;  // room for "..."
  std::size_t seen = 0, cut = text.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_lead(text[i])) continue;
    if (seen == keep) {
      cut = i;
      break;
    }
    ++seen;
  }
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
