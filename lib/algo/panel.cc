// The state-year and dyad-year panel (questions.h, panel()): alliances from the treaties in
// force on one day of each year (or on any day of it), visits of leaders that year, trade of
// that year. io/export_panel.cc writes it as CSV.
#include <algorithm>
#include <map>
#include <set>

#include "algo/links.h"
#include "common/error.h"
#include "entente/questions.h"

namespace entente {
namespace {

std::size_t obligation_index(const std::string& o) {
  const auto& names = obligations();
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), o) - names.begin());
}

// What a directed pair (a, b) of states shares on the day: from a's alliance links to b.
struct Alliance {
  std::vector<bool> either = std::vector<bool>(obligations().size());  // a or b carries it
  std::vector<bool> own = std::vector<bool>(obligations().size());     // a carries it (its PARTY_TO edge's, else the treaty's)
  std::set<std::string> treaties;                                      // keys
};

// A visit, once: its year, the visitors' states and the hosts.
struct VisitRecord {
  int year = 0;
  std::set<NodeId> homes;  // the State whose office each visitor held on the first day
  std::set<NodeId> hosts;  // HOST ends that are States
};

std::vector<VisitRecord> read_visits(const Reader& reader) {
  std::vector<VisitRecord> out;
  reader.scan("Visit", [&](const Node& v) {
    auto start = v.props.text("start");
    if (!start) return true;
    Date s = Date::parse(*start);
    VisitRecord r;
    r.year = s.year();
    for (const auto& n : reader.neighbors(v.id, {{"VISITOR"}, Direction::kOut, std::nullopt})) {
      if (auto home = algo::visitor_state(reader, n.node, s)) r.homes.insert(home->id);
    }
    for (const auto& n : reader.neighbors(v.id, {{"HOST"}, Direction::kOut, std::nullopt})) {
      if (n.node.type == "State") r.hosts.insert(n.node.id);
    }
    out.push_back(std::move(r));
    return true;
  });
  return out;
}

// TRADE edges between two States, by year.
std::map<int, std::vector<Edge>> read_trade(const Reader& reader) {
  std::map<int, std::vector<Edge>> out;
  reader.scan("State", [&](const Node& s) {
    for (const auto& n : reader.neighbors(s.id, {{"TRADE"}, Direction::kOut, std::nullopt})) {
      if (n.node.type != "State") continue;
      auto year = n.edge.props.integer("year");
      if (!year) continue;
      out[static_cast<int>(*year)].push_back(n.edge);
    }
    return true;
  });
  return out;
}

std::string ccode(const Node& state) {
  auto cow = state.props.json("cow");
  return cow.is_number() ? cow.dump() : std::string();
}


// The alliance links from `state` that hold on some day of `range` (--day any): a Treaty,
// the state's PARTY_TO edge to it, another State's, and both states, all holding on one
// common day. Obligations as direct_links gives them.
struct RangeLink {
  NodeId to = 0;
  std::string treaty;
  std::vector<std::string> obligations;       // carried by either
  std::vector<std::string> from_obligations;  // carried by `state`
};

std::vector<RangeLink> links_during(const Reader& reader, const Node& state, const Interval& range,
                                    const std::map<NodeId, const Node*>& states) {
  std::vector<RangeLink> out;
  std::vector<Interval> windows;  // where `state` holds within the range
  for (const auto& s : state.spells()) {
    if (auto w = intersect(s, range)) windows.push_back(*w);
  }
  for (const auto& mine : reader.neighbors(state.id, {{"PARTY_TO"}, Direction::kOut, std::nullopt, {"Treaty"}})) {
    const Node& treaty = mine.node;
    if (treaty.type != "Treaty") continue;
    std::vector<Interval> shared;  // the state, its edge and the treaty, within the range
    for (const auto& w : windows) {
      auto with_edge = intersect(w, mine.edge.valid ? *mine.edge.valid : Interval{});
      if (!with_edge) continue;
      for (const auto& t : treaty.spells()) {
        if (auto x = intersect(*with_edge, t)) shared.push_back(*x);
      }
    }
    if (shared.empty()) continue;
    const auto mine_obligations = algo::member_obligations(mine.edge, treaty);
    for (const auto& theirs : reader.neighbors(treaty.id, {{"PARTY_TO"}, Direction::kIn, std::nullopt, {"State"}})) {
      if (theirs.node.id == state.id || !states.count(theirs.node.id)) continue;
      bool meet = false;
      for (const auto& w : shared) {
        auto with_edge = intersect(w, theirs.edge.valid ? *theirs.edge.valid : Interval{});
        if (!with_edge) continue;
        for (const auto& o : theirs.node.spells()) meet = meet || intersect(*with_edge, o).has_value();
      }
      if (!meet) continue;
      RangeLink link{theirs.node.id, treaty.key, mine_obligations, mine_obligations};
      for (auto& o : algo::member_obligations(theirs.edge, treaty)) {
        if (std::find(link.obligations.begin(), link.obligations.end(), o) == link.obligations.end()) {
          link.obligations.push_back(std::move(o));
        }
      }
      if (link.obligations.empty()) continue;  // an alliance creates an obligation (as direct_links)
      out.push_back(std::move(link));
    }
  }
  return out;
}

// The day of `year` the panel reads: month-day, February 29 as February 28 in other years.
Date day_of(int year, int month, int day) {
  auto leap = [](int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  if (month == 2 && day == 29 && !leap(year)) day = 28;
  return Date(year, month, day);
}

// One year of the panel: the day it is read on, or its whole span with any_day.
struct Year {
  int year = 0;
  Date day;
  Interval whole;
};

// The states of a year: those existing on the day (or on some day of the year), and the
// units they form: one per COW code, states sharing a code in the year (the USSR and Russia
// in 1991, on any day) being one, shown as the one that exists last in the year.
struct YearStates {
  std::vector<Node> members;            // by key
  std::map<NodeId, const Node*> by_id;  // into members
  std::map<NodeId, NodeId> unit_of;
  std::vector<Node> units;              // by key
  NodeId unit(NodeId id) const {
    auto it = unit_of.find(id);
    return it == unit_of.end() ? id : it->second;
  }
};

YearStates states_of(const Reader& reader, const PanelOptions& o, const Year& y) {
  YearStates out;
  reader.scan("State", [&](const Node& s) {
    if (o.any_day ? s.valid_during(y.whole) : s.valid_at(y.day)) out.members.push_back(s);
    return true;
  });
  for (const auto& s : out.members) out.by_id.emplace(s.id, &s);
  auto last_day = [&](const Node& n) {  // the last day of the year it exists
    std::uint32_t best = 0;
    for (const auto& sp : n.spells()) {
      if (auto x = intersect(sp, y.whole)) best = std::max(best, x->to ? x->to->first_day() : 99999999u);
    }
    return best;
  };
  std::map<std::string, const Node*> last;  // by ccode
  for (const auto& s : out.members) {
    auto code = ccode(s);
    if (code.empty()) continue;
    auto [it, added] = last.try_emplace(code, &s);
    if (!added && last_day(s) > last_day(*it->second)) it->second = &s;
  }
  for (const auto& s : out.members) {
    auto code = ccode(s);
    NodeId unit = code.empty() ? s.id : last.at(code)->id;
    out.unit_of[s.id] = unit;
    if (unit == s.id) out.units.push_back(s);
  }
  return out;
}

using Alliances = std::map<std::pair<NodeId, NodeId>, Alliance>;  // by (unit, unit)

// Each state's direct alliance links on the day (or on some day of the year), for every
// obligation, between units.
Alliances alliances_of(const Reader& reader, const PanelOptions& o, const Year& y, const YearStates& states) {
  const auto& names = obligations();
  Alliances out;
  auto add = [&](NodeId from, NodeId to, const std::vector<std::string>& either, const std::vector<std::string>& own,
                 const std::string& treaty) {
    from = states.unit(from);
    to = states.unit(to);
    if (from == to) return;
    Alliance& a = out[{from, to}];
    for (const auto& ob : either) {
      if (auto i = obligation_index(ob); i < names.size()) a.either[i] = true;
    }
    for (const auto& ob : own) {
      if (auto i = obligation_index(ob); i < names.size()) a.own[i] = true;
    }
    a.treaties.insert(treaty);
  };
  AllyQuery q{y.day, names, false, 1};
  for (const auto& s : states.members) {
    if (o.any_day) {
      for (const auto& link : links_during(reader, s, y.whole, states.by_id)) {
        add(s.id, link.to, link.obligations, link.from_obligations, link.treaty);
      }
      continue;
    }
    for (const auto& link : algo::direct_links(reader, s, q)) {
      if (!states.by_id.count(link.to.id)) continue;
      add(s.id, link.to.id, link.obligations, link.from_obligations, link.treaty.key);
    }
  }
  return out;
}

// The visits of a year between units: by (visitor's state, host), and each state's made
// and received.
struct YearVisits {
  std::map<std::pair<NodeId, NodeId>, int> between;
  std::map<NodeId, int> made, received;
  int count(NodeId x, NodeId y) const {
    auto it = between.find({x, y});
    return it == between.end() ? 0 : it->second;
  }
};

YearVisits visits_of(const std::vector<VisitRecord>& visits, int year, const YearStates& states) {
  YearVisits out;
  for (const auto& v : visits) {
    if (v.year != year) continue;
    std::set<NodeId> homes, hosts;  // as units
    for (NodeId h : v.homes) homes.insert(states.unit(h));
    for (NodeId h : v.hosts) hosts.insert(states.unit(h));
    for (NodeId home : homes) {
      if (std::any_of(hosts.begin(), hosts.end(), [&](NodeId h) { return h != home; })) ++out.made[home];
      for (NodeId host : hosts) {
        if (host != home) ++out.between[{home, host}];
      }
    }
    for (NodeId host : hosts) {
      if (!homes.count(host)) ++out.received[host];
    }
  }
  return out;
}

}  // namespace

void panel(const Reader& reader, const PanelOptions& o, const std::function<void(const StateYear&)>& on_state,
           const std::function<void(const DyadYear&)>& on_dyad) {
  if (o.from_year < 1 || o.to_year > 9999 || o.from_year > o.to_year) {
    throw invalid("panel: the years must run forward within 1..9999, not {}..{}", o.from_year, o.to_year);
  }
  if (!Date::try_parse(fmt::format("2000-{:02}-{:02}", o.month, o.day))) {
    throw invalid("panel: {:02}-{:02} is not a day of the year (MM-DD)", o.month, o.day);
  }
  const auto all_visits = read_visits(reader);
  const auto trade = read_trade(reader);
  const auto& names = obligations();

  for (int year = o.from_year; year <= o.to_year; ++year) {
    const Year y{year, day_of(year, o.month, o.day),
                 Interval{Date(year, 1, 1), year < 9999 ? std::optional<Date>(Date(year + 1, 1, 1)) : std::nullopt}};
    const YearStates states = states_of(reader, o, y);
    const Alliances alliances = alliances_of(reader, o, y, states);
    const YearVisits visits = visits_of(all_visits, year, states);
    const std::vector<Edge>* trade_edges = nullptr;
    if (auto it = trade.find(year); it != trade.end()) trade_edges = &it->second;
    const auto& units = states.units;

    for (const auto& s : units) {
      StateYear row;
      row.year = year;
      row.state = &s;
      row.allies.assign(names.size(), 0);
      for (const auto& other : units) {
        auto it = alliances.find({s.id, other.id});
        if (it == alliances.end()) continue;
        ++row.allies_any;
        for (std::size_t i = 0; i < names.size(); ++i) row.allies[i] += it->second.either[i] ? 1 : 0;
      }
      row.visits_made = visits.made.count(s.id) ? visits.made.at(s.id) : 0;
      row.visits_received = visits.received.count(s.id) ? visits.received.at(s.id) : 0;
      on_state(row);
    }

    // Undirected (state1 < state2 by key) or directed (both orders).
    for (std::size_t i = 0; i < units.size(); ++i) {
      for (std::size_t j = 0; j < units.size(); ++j) {
        if (i == j || (!o.directed && j < i)) continue;
        const Node &a = units[i], &b = units[j];
        const Alliance* alliance = nullptr;
        if (auto it = alliances.find({a.id, b.id}); it != alliances.end()) alliance = &it->second;
        const int ab = visits.count(a.id, b.id), ba = visits.count(b.id, a.id);
        const Edge* traded = nullptr;
        if (trade_edges) {
          for (bool forward : {true, false}) {
            for (const auto& e : *trade_edges) {
              if (!traded && states.unit(e.from) == (forward ? a.id : b.id) && states.unit(e.to) == (forward ? b.id : a.id)) {
                traded = &e;
              }
            }
          }
        }
        if (!alliance && !ab && !ba && !traded && !o.all_dyads) continue;
        DyadYear row;
        row.year = year;
        row.state1 = &a;
        row.state2 = &b;
        row.obligations.assign(names.size(), false);
        if (alliance) {
          row.obligations = o.directed ? alliance->own : alliance->either;
          row.treaties.assign(alliance->treaties.begin(), alliance->treaties.end());
        }
        row.visits_1to2 = ab;
        row.visits_2to1 = ba;
        row.trade = traded;
        on_dyad(row);
      }
    }
  }
}

}  // namespace entente
