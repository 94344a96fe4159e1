// Treaty allies on a date, with evidence, and allies of allies up to K hops.
#include <algorithm>
#include <map>
#include <set>

#include "algo/bounded.h"
#include "algo/links.h"
#include "catalog/catalog.h"
#include "common/error.h"
#include "common/text.h"

namespace entente {

std::string_view link_status(const AllianceLink& link) { return link.in_force ? "in force" : "signed, not in force"; }

namespace algo {

void check_obligations(const std::vector<std::string>& obligations) {
  for (const auto& o : obligations) {
    const auto& names = catalog::obligation_names();
    if (std::find(names.begin(), names.end(), o) == names.end()) {
      throw invalid("'{}' is not an obligation (one of {}){}", o, fmt::join(names, ", "), text::did_you_mean(o, names));
    }
  }
}

std::vector<std::string> member_obligations(const Edge& party_to, const Node& treaty) {
  auto own = party_to.props.texts("obligations");
  return own.empty() ? treaty.props.texts("obligations") : own;
}

std::optional<bool> alliance_in_force(const Node& treaty, const Date& d, bool include_signed) {
  if (treaty.valid_at(d)) return true;
  if (!include_signed) return std::nullopt;
  auto signed_at = treaty.props.text("signed");
  if (!signed_at) return std::nullopt;
  if (before(d, Date::parse(*signed_at))) return std::nullopt;  // not yet signed
  if (treaty.valid && treaty.valid->to && !before(d, *treaty.valid->to)) return std::nullopt;  // terminated
  return false;  // signed, not in force
}

std::vector<AllianceLink> direct_links(const Reader& reader, const Node& state, const AllyQuery& q) {
  const Date d = *q.at;
  std::vector<AllianceLink> out;
  // The adjacency index says, without decoding records, which PARTY_TO edges hold on the
  // date and lead to a Treaty (in force, unless signed ones are asked for too); only those
  // are read whole. Its keys hold the other end's type, so that the scan reads the state's
  // treaty entries alone: its agreements, often most of its PARTY_TO edges, are not read.
  std::vector<Neighbor> treaties;
  const NeighborQuery to_treaties{
      {"PARTY_TO"}, Direction::kOut, q.include_signed ? std::nullopt : std::optional<Date>(d), {"Treaty"}};
  reader.adjacent(state.id, to_treaties,
                  [&](const Reader::Step& s) {
                    if (s.node_type != "Treaty") return true;
                    auto e = reader.edge(s.edge);
                    auto n = reader.node(s.node);
                    if (!e || !n) throw corruption("edge {} or its treaty does not exist", s.edge);
                    treaties.push_back({std::move(*e), std::move(*n), Direction::kOut});
                    return true;
                  });
  for (const auto& mine : treaties) {
    const Node& treaty = mine.node;
    if (treaty.type != "Treaty" || !mine.edge.valid_at(d)) continue;
    const std::optional<bool> in_force = alliance_in_force(treaty, d, q.include_signed);
    if (!in_force) continue;
    auto my_obligations = member_obligations(mine.edge, treaty);
    std::vector<Neighbor> members;
    reader.adjacent(treaty.id, {{"PARTY_TO"}, Direction::kIn, d, {"State"}}, [&](const Reader::Step& s) {
      if (s.node_type != "State" || s.node == state.id) return true;
      auto e = reader.edge(s.edge);
      auto n = reader.node(s.node);
      if (!e || !n) throw corruption("edge {} or its party does not exist", s.edge);
      members.push_back({std::move(*e), std::move(*n), Direction::kIn});
      return true;
    });
    for (const auto& theirs : members) {
      const Node& other = theirs.node;
      if (other.id == state.id || other.type != "State") continue;
      if (!theirs.edge.valid_at(d) || !other.valid_at(d)) continue;
      auto their_obligations = member_obligations(theirs.edge, treaty);
      std::vector<std::string> matched;
      for (const auto& o : q.obligations) {
        bool carried = std::count(my_obligations.begin(), my_obligations.end(), o) ||
                       std::count(their_obligations.begin(), their_obligations.end(), o);
        if (carried) matched.push_back(o);
      }
      if (matched.empty()) continue;
      AllianceLink link{state, other, treaty, *in_force, matched, my_obligations, their_obligations, {}, {}};
      if (auto arts = treaty.props.json("articles"); arts.is_array()) {
        for (const auto& a : arts) {
          auto obl = a.find("obligations");
          if (obl == a.end()) continue;
          bool creates = std::any_of(obl->begin(), obl->end(), [&](const Props& o) {
            return std::count(matched.begin(), matched.end(), o.get<std::string>()) > 0;
          });
          if (creates) link.articles.push_back(a);
        }
      }
      for (const auto* list : {&treaty.sources, &mine.edge.sources, &theirs.edge.sources}) {
        for (const auto& c : *list) {
          if (std::find(link.sources.begin(), link.sources.end(), c) == link.sources.end()) link.sources.push_back(c);
        }
      }
      out.push_back(std::move(link));
    }
  }
  return out;
}

}  // namespace algo

const std::vector<std::string>& obligations() { return catalog::obligation_names(); }

void algo::require_existing(const Reader& reader, const Node& state, const Date& at, std::string_view what) {
  if (state.valid_at(at)) return;
  // The states it passed into (X SUCCEEDS state) and came from (state SUCCEEDS X), that
  // existed on the date.
  std::string other;
  for (auto [dir, label] : {std::pair{Direction::kIn, "successor"}, std::pair{Direction::kOut, "predecessor"}}) {
    for (const auto& n : reader.neighbors(state.id, {{"SUCCEEDS"}, dir, std::nullopt, {"State"}})) {
      if (n.node.id != state.id && n.node.valid_at(at) && other.empty()) {
        other = fmt::format("; its {} {} did", label, n.node.label());
      }
    }
  }
  std::vector<std::string> spells;
  for (const auto& s : state.spells()) spells.push_back(s.str());
  throw not_found("{}: {} did not exist on {} (it existed {}){}", what, state.label(), at.str(),
                  state.valid ? fmt::format("{}", fmt::join(spells, " and ")) : "always", other);
}

std::vector<Ally> allies(const Reader& reader, std::string_view state, const AllyQuery& q, const Limits& limits) {
  Budget budget = algo::walk_budget(limits, "allies");
  return algo::allies(reader, state, q, budget);
}

std::vector<Ally> algo::allies(const Reader& reader, std::string_view state, const AllyQuery& q, Budget& budget) {
  if (!q.at) throw invalid("allies: a date is required (the date the alliances must hold on)");
  if (q.hops < 1) throw invalid("allies: hops must be at least 1, not {}", q.hops);
  algo::check_obligations(q.obligations);
  Node start = reader.resolve(state);
  if (start.type != "State") throw invalid("allies: {} is a {}, not a State", start.ref().str(), start.type);
  algo::require_existing(reader, start, *q.at, "allies");

  // Breadth-first over states, one treaty hop at a time; every hop is checked on q.at.
  std::map<NodeId, Ally> found;
  std::set<NodeId> seen{start.id};
  std::vector<NodeId> frontier{start.id};
  std::map<NodeId, Node> nodes{{start.id, start}};
  for (int hop = 1; hop <= q.hops && !frontier.empty(); ++hop) {
    std::vector<NodeId> next;
    for (NodeId u : frontier) {
      std::vector<AllianceLink> path;
      if (hop > 1) {
        const Ally& parent = found.at(u);
        path = parent.hops == 1 ? std::vector<AllianceLink>{parent.chain.front()} : parent.chain;
      }
      for (auto& link : algo::direct_links(reader, nodes.at(u), q)) {
        budget.tick();
        NodeId v = link.to.id;
        if (budget.counts_memory()) {
          budget.charge(sizeof(AllianceLink) + approx_bytes(link.to) + approx_bytes(link.treaty) +
                            sizeof(AllianceLink) * path.size(),
                        "the allies found");
        }
        if (hop == 1 && found.count(v)) {  // another treaty with the same ally
          found.at(v).chain.push_back(std::move(link));
          continue;
        }
        if (seen.count(v)) continue;
        seen.insert(v);
        next.push_back(v);
        nodes.emplace(v, link.to);
        Ally a{link.to, hop, path};
        a.chain.push_back(std::move(link));
        found.emplace(v, std::move(a));
      }
    }
    frontier = std::move(next);
  }
  std::vector<Ally> out;
  for (auto& [id, a] : found) out.push_back(std::move(a));
  std::sort(out.begin(), out.end(), [](const Ally& a, const Ally& b) {
    return std::tie(a.hops, a.state.name, a.state.key) < std::tie(b.hops, b.state.name, b.state.key);
  });
  return out;
}

}  // namespace entente
