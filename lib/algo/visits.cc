// Visits in time order, numbered per visitor and host, with the gap since the previous one.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "algo/bounded.h"
#include "algo/links.h"
#include "common/datasets.h"
#include "common/error.h"
#include "common/text.h"
#include "entente/questions.h"

namespace entente {
namespace algo {

std::optional<Node> visitor_state(const Reader& reader, const Node& person, Date at) {
  for (const auto& n : reader.neighbors(person.id, {{"HOLDS_OFFICE"}, Direction::kOut, at})) {
    if (n.node.type == "State") return n.node;
  }
  return std::nullopt;
}

}  // namespace algo

namespace {

std::optional<Date> date_prop(const Node& n, const char* name) {
  auto s = n.props.text(name);
  if (!s) return std::nullopt;
  return Date::parse(*s);
}

std::vector<Node> ends(const Reader& reader, const Node& visit, const char* edge_type) {
  std::vector<Node> out;
  for (auto& n : reader.neighbors(visit.id, {{edge_type}, Direction::kOut, std::nullopt})) out.push_back(std::move(n.node));
  return out;
}

// Everything about one visit except its number.
VisitInfo describe_visit(const Reader& reader, const Node& visit) {
  VisitInfo info;
  info.visit = visit;
  for (const auto& v : reader.neighbors(visit.id, {{"VISITOR"}, Direction::kOut, std::nullopt})) {
    info.visitor = v.node;
    info.office = v.edge.props.text("office").value_or("");
    break;
  }
  auto hosts = ends(reader, visit, "HOST");
  if (!hosts.empty()) info.host = hosts.front();
  info.met = ends(reader, visit, "MET");
  info.produced = ends(reader, visit, "PRODUCED");
  return info;
}

Date start_of(const VisitInfo& v) {
  auto d = date_prop(v.visit, "start");
  if (!d) throw invalid("{} has no start date", v.visit.ref().str());
  return *d;
}

bool by_start(const VisitInfo& a, const VisitInfo& b) {
  auto da = start_of(a), db = start_of(b);
  if (da != db) return da < db;
  return a.visit.key < b.visit.key;
}

// Numbers a visit among all the visitor's visits to the same host.
void number(const Reader& reader, VisitInfo& info) {
  if (info.visitor.id == 0 || info.host.id == 0) return;
  std::vector<VisitInfo> same;
  for (const auto& v : reader.neighbors(info.visitor.id, {{"VISITOR"}, Direction::kIn, std::nullopt})) {
    auto other = describe_visit(reader, v.node);
    if (other.host.id == info.host.id) same.push_back(std::move(other));
  }
  std::sort(same.begin(), same.end(), by_start);
  int in_office = 0;
  for (std::size_t i = 0; i < same.size(); ++i) {
    if (!info.office.empty() && same[i].office == info.office) ++in_office;
    if (same[i].visit.id != info.visit.id) continue;
    info.number = static_cast<int>(i) + 1;
    info.number_in_office = info.office.empty() ? 0 : in_office;
    if (i > 0) {
      info.previous = start_of(same[i - 1]);
      info.gap_days = start_of(info).days() - info.previous->days();
    }
    return;
  }
}

}  // namespace

std::vector<VisitCoverage> visit_coverage(const Reader& reader, const std::vector<VisitInfo>& listed) {
  std::map<NodeId, std::set<NodeId>> hosts_of;  // visitor -> hosts listed with it
  for (const auto& v : listed) {
    if (v.visitor.id != 0 && v.host.id != 0) hosts_of[v.visitor.id].insert(v.host.id);
  }
  std::map<std::string, VisitCoverage> groups;
  std::map<std::string, std::string> names;  // data-set document key -> its name
  for (const auto& [visitor, hosts] : hosts_of) {
    for (const auto& n : reader.neighbors(visitor, {{"VISITOR"}, Direction::kIn, std::nullopt})) {
      // Only the host and the start are needed: not describe_visit's meetings and signings.
      auto host = ends(reader, n.node, "HOST");
      auto start = date_prop(n.node, "start");
      if (host.empty() || !hosts.count(host.front().id) || !start) continue;
      std::set<std::string> from;
      for (const auto& c : n.node.sources) {
        if (!datasets::is_dataset_document(c.doc)) continue;
        auto [it, fresh] = names.emplace(c.doc, c.doc);
        if (fresh) {
          if (auto d = reader.node(NodeRef{"Document", c.doc}); d && !d->name.empty()) it->second = d->name;
        }
        from.insert(it->second);
      }
      if (from.empty()) from.insert("curated");
      const int year = start->year();
      for (const auto& s : from) {
        auto& g = groups.try_emplace(s, VisitCoverage{s, year, year, 0}).first->second;
        g.first_year = std::min(g.first_year, year);
        g.last_year = std::max(g.last_year, year);
        ++g.visits;
      }
    }
  }
  std::vector<VisitCoverage> out;
  for (auto& [_, g] : groups) out.push_back(std::move(g));
  std::stable_sort(out.begin(), out.end(), [](const VisitCoverage& a, const VisitCoverage& b) { return a.visits > b.visits; });
  return out;
}

std::string ordinal(int n) {
  static const char* const kWords[] = {"zeroth", "first", "second", "third", "fourth", "fifth",
                                       "sixth",  "seventh", "eighth", "ninth", "tenth"};
  if (n >= 0 && n <= 10) return kWords[n];
  const char* suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th"
                       : n % 10 == 1                    ? "st"
                       : n % 10 == 2                    ? "nd"
                       : n % 10 == 3                    ? "rd"
                                                        : "th";
  return fmt::format("{}{}", n, suffix);
}

std::string describe_gap(std::int64_t days) {
  auto plural = [](std::int64_t n, const char* unit) { return fmt::format("{} {}{}", n, unit, n == 1 ? "" : "s"); };
  // Rounded to the nearest whole year or month, as people say it: 23 years 11 months is
  // "24 years" ("the first visit in 24 years").
  if (days >= 365) return plural(std::llround(static_cast<double>(days) / 365.2425), "year");
  if (days >= 31) return plural(std::llround(static_cast<double>(days) / 30.436875), "month");
  return plural(days, "day");
}

void algo::check_range(const std::optional<Date>& from, const std::optional<Date>& to, std::string_view what) {
  if (from && to && !before(*from, *to)) {
    throw invalid("{}: the range from {} to {} holds no day (from is inclusive, to exclusive: from must come first)",
                  what, from->str(), to->str());
  }
}

std::vector<VisitInfo> visits(const Reader& reader, const VisitQuery& q, const Limits& limits) {
  Budget budget = algo::walk_budget(limits, "visits");
  return algo::visits(reader, q, budget);
}

std::vector<VisitInfo> algo::visits(const Reader& reader, const VisitQuery& q, Budget& budget) {
  algo::check_range(q.from, q.to, "visits");
  std::optional<Node> visitor, host, met;
  if (!q.visitor.empty()) visitor = reader.resolve(q.visitor);
  if (!q.host.empty()) host = reader.resolve(q.host);
  if (!q.met.empty()) met = reader.resolve(q.met);

  // Start from the most selective end: the visitor's visits, the host's, or all.
  std::vector<Node> candidates;
  if (visitor) {
    for (auto& v : reader.neighbors(visitor->id, {{"VISITOR"}, Direction::kIn, std::nullopt})) candidates.push_back(v.node);
  } else if (host) {
    for (auto& v : reader.neighbors(host->id, {{"HOST"}, Direction::kIn, std::nullopt})) candidates.push_back(v.node);
  } else {
    reader.scan("Visit", [&](const Node& v) {
      budget.tick();
      candidates.push_back(v);
      if (budget.counts_memory()) budget.charge(algo::approx_bytes(v), "the visits read");
      return true;
    });
  }
  std::vector<VisitInfo> out;
  for (const auto& c : candidates) {
    budget.tick();
    if (c.type != "Visit") continue;
    auto info = describe_visit(reader, c);
    Date s = start_of(info);
    if ((q.from && before(s, *q.from)) || (q.to && !before(s, *q.to))) continue;
    if (visitor && info.visitor.id != visitor->id) continue;
    if (host && info.host.id != host->id) continue;
    if (met && std::none_of(info.met.begin(), info.met.end(), [&](const Node& m) { return m.id == met->id; })) continue;
    number(reader, info);
    if (budget.counts_memory()) {
      std::uint64_t bytes = sizeof(VisitInfo) + algo::approx_bytes(info.visit) + algo::approx_bytes(info.visitor) +
                            algo::approx_bytes(info.host);
      for (const auto* list : {&info.met, &info.produced}) {
        for (const auto& n : *list) bytes += algo::approx_bytes(n);
      }
      budget.charge(bytes, "the visits found");
    }
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(), by_start);
  return out;
}

std::vector<VisitInfo> reciprocal_visits(const Reader& reader, std::string_view a, std::string_view b,
                                         const Limits& limits) {
  Node pa = reader.resolve(a), pb = reader.resolve(b);
  Budget budget = algo::walk_budget(limits, "visits");
  auto out = algo::visits(reader, {pa.ref().str(), "", std::nullopt, std::nullopt, pb.ref().str()}, budget);
  auto back = algo::visits(reader, {pb.ref().str(), "", std::nullopt, std::nullopt, pa.ref().str()}, budget);
  out.insert(out.end(), back.begin(), back.end());
  std::sort(out.begin(), out.end(), by_start);
  return out;
}

}  // namespace entente
