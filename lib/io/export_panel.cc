// State-year and dyad-year panels (CSV), in the shape of the R package peacesciencer
// (create_dyadyears, add_atop_alliance): alliances from the treaties in force on one day of
// each year, visits of leaders that year, trade of that year.
#include <algorithm>
#include <array>
#include <map>
#include <ostream>
#include <set>

#include "algo/links.h"
#include "common/error.h"
#include "common/text.h"
#include "io/export_util.h"

namespace entente {
namespace {

constexpr std::size_t kObligations = 5;  // defense, offense, neutrality, non_aggression, consultation

std::size_t obligation_index(const std::string& o) {
  const auto& names = algo::obligation_names();
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), o) - names.begin());
}

// What a directed pair (a, b) of states shares on the day: from a's alliance links to b.
struct Alliance {
  std::array<bool, kObligations> either{};  // a or b carries it
  std::array<bool, kObligations> own{};     // a carries it (its PARTY_TO edge's, else the treaty's)
  std::set<std::string> treaties;           // keys
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

}  // namespace

PanelSummary export_panel(const Reader& reader, std::ostream& state_year, std::ostream& dyad_year,
                          const PanelOptions& o) {
  if (o.from_year < 1 || o.to_year > 9999 || o.from_year > o.to_year) {
    throw invalid("panel: the years must run forward within 1..9999, not {}..{}", o.from_year, o.to_year);
  }
  if (!Date::try_parse(fmt::format("2000-{:02}-{:02}", o.month, o.day))) {
    throw invalid("panel: {:02}-{:02} is not a day of the year (MM-DD)", o.month, o.day);
  }
  const auto visits = read_visits(reader);
  const auto trade = read_trade(reader);
  const auto& names = algo::obligation_names();
  PanelSummary summary;

  state_year << "year,ccode,state,name";
  for (const auto& n : names) state_year << ",allies_" << n;
  state_year << ",allies_any,visits_made,visits_received\n";
  dyad_year << "year,ccode1,ccode2,state1,state2";
  for (const auto& n : names) dyad_year << "," << n;
  dyad_year << ",treaties,visits_1to2,visits_2to1,trade_value,trade_unit,trade_currency,trade_qualifier\n";

  for (int year = o.from_year; year <= o.to_year; ++year) {
    const Date day = day_of(year, o.month, o.day);
    const Interval whole_year{Date(year, 1, 1), year < 9999 ? std::optional<Date>(Date(year + 1, 1, 1)) : std::nullopt};
    std::vector<Node> members;  // existing on the day (or on some day of the year), by key
    reader.scan("State", [&](const Node& s) {
      if (o.any_day ? s.valid_during(whole_year) : s.valid_at(day)) members.push_back(s);
      return true;
    });
    std::map<NodeId, const Node*> by_id;
    for (const auto& s : members) by_id.emplace(s.id, &s);
    // One row per COW code and year: states sharing a code in the year (the USSR and Russia
    // in 1991, on any day) are one unit, shown as the one that exists last in the year.
    std::map<NodeId, NodeId> unit_of;
    std::vector<Node> states;  // the units, by key
    {
      std::map<std::string, const Node*> last;  // by ccode
      auto ends_later = [&](const Node& a, const Node& b) {  // a exists later in the year than b
        auto last_day = [&](const Node& n) {
          std::uint32_t best = 0;
          for (const auto& sp : n.spells()) {
            if (auto x = intersect(sp, whole_year)) best = std::max(best, x->to ? x->to->first_day() : 99999999u);
          }
          return best;
        };
        return last_day(a) > last_day(b);
      };
      for (const auto& s : members) {
        auto code = ccode(s);
        if (code.empty()) continue;
        auto [it, added] = last.try_emplace(code, &s);
        if (!added && ends_later(s, *it->second)) it->second = &s;
      }
      for (const auto& s : members) {
        auto code = ccode(s);
        NodeId unit = code.empty() ? s.id : last.at(code)->id;
        unit_of[s.id] = unit;
        if (unit == s.id) states.push_back(s);
      }
    }
    auto unit = [&](NodeId id) {
      auto it = unit_of.find(id);
      return it == unit_of.end() ? id : it->second;
    };

    // Alliances: each state's direct links on the day (or on some day of the year), for
    // every obligation.
    std::map<std::pair<NodeId, NodeId>, Alliance> alliances;
    auto add = [&](NodeId from, NodeId to, const std::vector<std::string>& either, const std::vector<std::string>& own,
                   const std::string& treaty) {
      from = unit(from);
      to = unit(to);
      if (from == to) return;
      Alliance& a = alliances[{from, to}];
      for (const auto& ob : either) {
        if (auto i = obligation_index(ob); i < kObligations) a.either[i] = true;
      }
      for (const auto& ob : own) {
        if (auto i = obligation_index(ob); i < kObligations) a.own[i] = true;
      }
      a.treaties.insert(treaty);
    };
    AllyQuery q{day, names, false, 1};
    for (const auto& s : members) {
      if (o.any_day) {
        for (const auto& link : links_during(reader, s, whole_year, by_id)) {
          add(s.id, link.to, link.obligations, link.from_obligations, link.treaty);
        }
        continue;
      }
      for (const auto& link : algo::direct_links(reader, s, q)) {
        if (!by_id.count(link.to.id)) continue;
        add(s.id, link.to.id, link.obligations, link.from_obligations, link.treaty.key);
      }
    }
    // Visits of the year, by (visitor's state, host); and each state's made and received.
    std::map<std::pair<NodeId, NodeId>, int> visit_count;
    std::map<NodeId, int> made, received;
    for (const auto& v : visits) {
      if (v.year != year) continue;
      std::set<NodeId> homes, hosts;  // as units
      for (NodeId h : v.homes) homes.insert(unit(h));
      for (NodeId h : v.hosts) hosts.insert(unit(h));
      for (NodeId home : homes) {
        if (std::any_of(hosts.begin(), hosts.end(), [&](NodeId h) { return h != home; })) ++made[home];
        for (NodeId host : hosts) {
          if (host != home) ++visit_count[{home, host}];
        }
      }
      for (NodeId host : hosts) {
        if (!homes.count(host)) ++received[host];
      }
    }
    const std::vector<Edge>* trade_edges = nullptr;
    if (auto it = trade.find(year); it != trade.end()) trade_edges = &it->second;

    // State-year rows.
    for (const auto& s : states) {
      std::array<int, kObligations> allies{};
      int any = 0;
      for (const auto& other : states) {
        auto it = alliances.find({s.id, other.id});
        if (it == alliances.end()) continue;
        ++any;
        for (std::size_t i = 0; i < kObligations; ++i) allies[i] += it->second.either[i] ? 1 : 0;
      }
      std::vector<std::string> row{std::to_string(year), ccode(s), s.key, s.name};
      for (int a : allies) row.push_back(std::to_string(a));
      row.push_back(std::to_string(any));
      row.push_back(std::to_string(made.count(s.id) ? made.at(s.id) : 0));
      row.push_back(std::to_string(received.count(s.id) ? received.at(s.id) : 0));
      state_year << text::csv_line(row);
      ++summary.state_years;
    }

    // Dyad-year rows: undirected (state1 < state2 by key) or directed (both orders).
    for (std::size_t i = 0; i < states.size(); ++i) {
      for (std::size_t j = 0; j < states.size(); ++j) {
        if (i == j || (!o.directed && j < i)) continue;
        const Node &a = states[i], &b = states[j];
        const Alliance* alliance = nullptr;
        if (auto it = alliances.find({a.id, b.id}); it != alliances.end()) alliance = &it->second;
        auto count = [&](NodeId x, NodeId y) {
          auto it = visit_count.find({x, y});
          return it == visit_count.end() ? 0 : it->second;
        };
        int ab = count(a.id, b.id), ba = count(b.id, a.id);
        const Edge* traded = nullptr;
        if (trade_edges) {
          for (bool forward : {true, false}) {
            for (const auto& e : *trade_edges) {
              if (!traded && unit(e.from) == (forward ? a.id : b.id) && unit(e.to) == (forward ? b.id : a.id)) traded = &e;
            }
          }
        }
        std::array<bool, kObligations> flags{};
        if (alliance) flags = o.directed ? alliance->own : alliance->either;
        bool nonzero = alliance || ab || ba || traded;
        if (!nonzero && !o.all_dyads) continue;
        std::vector<std::string> row{std::to_string(year), ccode(a), ccode(b), a.key, b.key};
        for (bool f : flags) row.push_back(f ? "1" : "0");
        std::string keys;
        if (alliance) {
          for (const auto& k : alliance->treaties) keys += (keys.empty() ? "" : ";") + k;
        }
        row.push_back(keys);
        row.push_back(std::to_string(ab));
        row.push_back(std::to_string(ba));
        for (const char* field : {"value", "unit", "currency", "qualifier"}) {
          std::string value;
          if (traded) {
            if (auto v = traded->props.json(field); !v.is_null()) value = io::value_text(v);
          }
          row.push_back(value);
        }
        dyad_year << text::csv_line(row);
        ++summary.dyad_years;
      }
    }
  }
  if (!state_year || !dyad_year) throw Error(ErrorKind::kIO, "panel: write failed");
  return summary;
}

PanelSummary export_panel(const Reader& reader, const std::filesystem::path& dir, const PanelOptions& options) {
  io::OutputDir out(dir);
  auto state_year = out.open("state_year.csv");
  auto dyad_year = out.open("dyad_year.csv");
  auto summary = export_panel(reader, state_year, dyad_year, options);
  out.close(state_year, "state_year.csv");
  out.close(dyad_year, "dyad_year.csv");
  out.commit();
  return summary;
}

}  // namespace entente
