// Correlates of War: State System Membership (cow-states) and Formal Alliances v4.1 by
// member (cow-alliances). docs/import.md describes the mapping.
#include <algorithm>
#include <map>

#include "catalog/catalog.h"
#include "common/error.h"
#include "io/importer.h"
#include "io/table.h"

namespace entente::io {
namespace {

constexpr std::string_view kSystemKey = "cow-interstate-system";

NodeInput states_document() {
  NodeInput d;
  d.type = "Document";
  d.key = "cow-states-2016";
  d.name = "Correlates of War Project: State System Membership List, v2016";
  d.props["published"] = "2017";
  d.props["publisher"] = "Correlates of War Project";
  return d;
}

NodeInput alliances_document() {
  NodeInput d;
  d.type = "Document";
  d.key = "cow-alliances-4.1";
  d.name = "Correlates of War Project: Formal Alliances (v4.1)";
  d.props["author"] = "Gibler, Douglas M.";
  d.props["publisher"] = "Correlates of War Project";
  d.props["series"] = "International Military Alliances, 1648-2008 (CQ Press, 2009)";
  return d;
}

// COW's codes for a missing day, month or year.
const std::vector<std::string_view> kCowMissing = {"-9", "-99", "-999"};

// What a state's validity becomes from COW's spells. A state whose dates are COW's own
// (new, undated, or citing no document but COW's) holds on its spells: their union with
// what it held before, gaps between them. A curated state (dated, and citing more than
// COW) keeps its dates, so that Russia and the USSR never overlap where the code 365 spans
// both; it takes COW's gaps that fall inside its dates (Poland from 1939 to 1945).
class StateSpells {
 public:
  // The validity to write for `state` once COW's spell `spell` is added.
  void add(const Transaction& txn, NodeInput& state, const Interval& spell) {
    auto [it, first] = seen_.try_emplace(state.key);
    Seen& s = it->second;
    if (first) {
      if (auto existing = txn.node(NodeRef{state.type, state.key}); existing && existing->valid) {
        s.curated = !std::all_of(existing->sources.begin(), existing->sources.end(), [&](const Citation& c) {
          return std::any_of(state.sources.begin(), state.sources.end(),
                             [&](const Citation& n) { return n.doc == c.doc; });
        });
        s.valid = *existing->valid;
        s.gaps = existing->gaps;
        s.spells = existing->spells();
      }
    }
    s.cow.push_back(spell);
    if (!s.curated) {
      auto spells = s.spells;
      spells.insert(spells.end(), s.cow.begin(), s.cow.end());
      state.set_spells(std::move(spells));
      return;
    }
    // COW's gaps strictly inside the curated dates, united with the curated gaps.
    auto cow = unite(s.cow);
    std::vector<Interval> gaps = s.gaps;
    for (std::size_t i = 0; i + 1 < cow.size(); ++i) {
      Interval g{cow[i].to, cow[i + 1].from};
      const bool inside =
          (!s.valid.from || before(*s.valid.from, *g.from)) && (!s.valid.to || before(*g.to, *s.valid.to));
      if (inside) gaps.push_back(g);
    }
    state.valid = s.valid;
    state.gaps = unite(std::move(gaps));
  }

 private:
  struct Seen {
    bool curated = false;
    Interval valid;                // a curated state's dates
    std::vector<Interval> gaps;    // and its gaps
    std::vector<Interval> spells;  // what it held before the import
    std::vector<Interval> cow;     // COW's spells, from this file
  };
  std::map<std::string, Seen> seen_;
};

}  // namespace

void read_cow_states(ImportContext& ctx, std::istream& in) {
  const TableLayout layout{
      .required = {"stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday"},
      .missing = kCowMissing};

  ctx.ensure_document(states_document());
  NodeInput system;
  system.type = "Organization";
  system.key = std::string(kSystemKey);
  system.name = "Interstate system (Correlates of War)";
  system.props["kind"] = "state system";
  system.sources = {{"cow-states-2016", "", ""}};
  ctx.merge_node(system);

  StateSpells spells;
  read_table(ctx, in, layout, [&](const TableRecord& row) {
    auto code = row.required_integer("ccode");
    auto start = row.date("styear", "stmonth", "stday");
    if (!start) throw invalid("column 'styear' is blank");
    auto end = row.date("endyear", "endmonth", "endday");
    std::optional<Date> to;
    // The data end on the last day of their version's year: a spell ending there is open.
    bool censored = false;
    if (end) {
      auto version = row.integer("version");
      censored = version && end->year() == *version && end->month() == 12 && end->day() == 31;
    }
    if (end && !censored) to = day_after(*end);
    if (to && !before(*start, *to))
      throw invalid("the spell ends ({}) before it starts ({})", end->str(), start->str());
    auto pieces = ctx.countries().split_cow(code, *start, to);
    if (pieces.empty()) {
      throw not_found("ccode {} ({}) is not in the country crosswalk (data/countries.csv)", code, row.text("statenme"));
    }
    warn_uncovered(ctx, row.line(), fmt::format("ccode {}", code), pieces, *start, to);
    Citation cite{"cow-states-2016", fmt::format("ccode {}", code), ""};
    const Country* previous = nullptr;
    for (const auto& p : pieces) {
      NodeInput state = ctx.state_node(*p.country);
      NodeRef ref{"State", state.key};
      state.props["cow"] = code;
      auto abbrev = row.text("stateabb");
      if (!abbrev.empty()) state.props["cow_abbrev"] = abbrev;
      state.sources = {cite};
      // The state holds on its spells (a gap between two is a gap of the state); COW's
      // spells also stay on the MEMBER_OF edges.
      spells.add(ctx.txn(), state, Interval{p.from, p.to});
      ctx.merge_node(state, ImportContext::Validity::kReplace);
      EdgeInput member;
      member.type = "MEMBER_OF";
      member.from = ref;
      member.to = NodeRef{"Organization", std::string(kSystemKey)};
      member.valid = Interval{p.from, p.to};
      member.sources = {cite};
      ctx.merge_edge(member);
      // One code, two states (365: Russia, the USSR): the later continues the earlier.
      if (previous && previous->key != p.country->key) {
        EdgeInput succeeds;
        succeeds.type = "SUCCEEDS";
        succeeds.from = ref;
        succeeds.to = NodeRef{"State", previous->key};
        succeeds.sources = {cite};
        ctx.merge_edge(succeeds);
      }
      previous = p.country;
    }
  });
}

namespace {

// The obligations of a COW member row, in schema order.
std::vector<std::string> cow_obligations(const TableRecord& row) {
  std::vector<std::string> out;
  auto flag = [&](const char* column) {
    auto v = int_field(row.raw(column), column);  // strict: a missing-value code is not a flag
    if (v && *v != 0 && *v != 1) throw invalid("column '{}': {} is not 0 or 1", column, *v);
    return v && *v == 1;
  };
  if (flag("defense")) out.push_back("defense");
  if (flag("neutrality")) out.push_back("neutrality");
  if (flag("nonaggression")) out.push_back("non_aggression");
  if (flag("entente")) out.push_back("consultation");
  return out;
}

}  // namespace

EdgeInput party_to(ImportContext& ctx, const Crosswalk::Piece& piece, const std::string& treaty_key,
                   const std::vector<std::string>& obligations, const Citation& cite) {
  EdgeInput party;
  party.type = "PARTY_TO";
  party.from = ctx.ensure_state(*piece.country);
  party.to = NodeRef{"Treaty", treaty_key};
  party.valid = Interval{piece.from, piece.to};
  party.props["obligations"] = obligations;
  party.sources = {cite};
  return party;
}

// The union of a treaty's stored obligations and more, in schema order.
std::vector<std::string> unite_obligations(const Transaction& txn, const NodeRef& treaty,
                                           const std::vector<std::string>& more) {
  const std::vector<std::string>& order = catalog::obligation_names();
  std::vector<std::string> have;
  if (auto t = txn.node(treaty)) {
    for (auto& o : t->props.texts("obligations")) have.push_back(std::move(o));
  }
  std::vector<std::string> out;
  for (const auto& o : order) {
    if (std::find(have.begin(), have.end(), o) != have.end() || std::find(more.begin(), more.end(), o) != more.end()) {
      out.push_back(o);
    }
  }
  return out;
}

void read_cow_alliances(ImportContext& ctx, std::istream& in) {
  const TableLayout layout{
      .required = {"version4id",   "ccode",        "state_name",    "all_st_day",    "all_st_month",
                   "all_st_year",  "all_end_day",  "all_end_month", "all_end_year",  "ss_type",
                   "mem_st_day",   "mem_st_month", "mem_st_year",   "mem_end_day",   "mem_end_month",
                   "mem_end_year", "defense",      "neutrality",    "nonaggression", "entente"},
      .missing = kCowMissing};

  ctx.ensure_document(alliances_document());
  read_table(ctx, in, layout, [&](const TableRecord& row) {
    auto id = row.required_integer("version4id");
    auto code = row.required_integer("ccode");
    auto all_start = row.date("all_st_year", "all_st_month", "all_st_day");
    if (!all_start) throw invalid("column 'all_st_year' is blank");
    auto all_end = row.date("all_end_year", "all_end_month", "all_end_day");
    auto mem_start = row.date("mem_st_year", "mem_st_month", "mem_st_day");
    if (!mem_start) throw invalid("column 'mem_st_year' is blank");
    auto mem_end = row.date("mem_end_year", "mem_end_month", "mem_end_day");
    auto obligations = cow_obligations(row);
    std::optional<Date> all_to, mem_to;
    if (all_end) all_to = day_after(*all_end);
    if (mem_end) mem_to = day_after(*mem_end);
    if (all_to && !before(*all_start, *all_to)) {
      throw invalid("the alliance ends ({}) before it starts ({})", all_end->str(), all_start->str());
    }
    if (mem_to && !before(*mem_start, *mem_to)) {
      throw invalid("the membership ends ({}) before it starts ({})", mem_end->str(), mem_start->str());
    }
    Citation cite{"cow-alliances-4.1", fmt::format("version4id {}", id), ""};

    NodeInput treaty;
    treaty.type = "Treaty";
    treaty.key = fmt::format("cow-{}", id);
    auto type = row.text("ss_type");
    treaty.name = type.empty() ? fmt::format("COW alliance {}", id) : fmt::format("COW alliance {} ({})", id, type);
    treaty.valid = Interval{all_start, all_to};
    treaty.props["cow_id"] = id;
    if (!type.empty()) treaty.props["cow_ss_type"] = type;
    treaty.props["obligations"] = unite_obligations(ctx.txn(), {"Treaty", treaty.key}, obligations);
    treaty.sources = {cite};
    ctx.merge_node(treaty);

    auto pieces = ctx.countries().split_cow(code, *mem_start, mem_to);
    if (pieces.empty()) {
      throw not_found("ccode {} ({}) on {} is not in the country crosswalk (data/countries.csv)", code,
                      row.text("state_name"), mem_start->str());
    }
    warn_uncovered(ctx, row.line(), fmt::format("ccode {}", code), pieces, *mem_start, mem_to);
    for (const auto& p : pieces) ctx.merge_edge(party_to(ctx, p, treaty.key, obligations, cite));
  });
}

}  // namespace entente::io
