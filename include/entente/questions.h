// The questions analysts ask, each answered with its evidence (the treaty, the article,
// the dates, the citations), and correct on every date at every hop.
//
//   auto snap = db->snapshot();
//   for (const auto& a : entente::allies(*snap, "North Korea", {.at = Date::parse("2024-12-31")}))
//     std::printf("%s via %s\n", a.state.name.c_str(), a.chain.front().treaty.name.c_str());
//
// The questions that walk the graph (allies, visits, paths, blocs, centrality,
// neighbourhoods) take Limits (entente/limits.h): past a bound they stop with
// Error(kLimit) naming it. By default they have none.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "entente/database.h"
#include "entente/limits.h"

namespace entente {

// ------------------------------------------------------------------ treaty allies

// ATOP's obligation categories, in the order of the schema's enum Obligation
// (schema/geo.capnp): defense, offense, neutrality, non_aggression, consultation.
[[nodiscard]] const std::vector<std::string>& obligations();

struct AllyQuery {
  std::optional<Date> at{};  // required: the date the alliances must hold on
  // ATOP obligations that make an alliance: defense, offense, neutrality, non_aggression,
  // consultation. Default: defense.
  std::vector<std::string> obligations{"defense"};
  // Count treaties signed but not (yet) in force on `at`. Default: false.
  bool include_signed = false;
  // Allies of allies, up to this many treaty hops. Default: 1.
  int hops = 1;
};

// Why two states are allies: one treaty between them.
struct AllianceLink {
  Node from;     // the state the hop starts from
  Node to;       // the ally it reaches
  Node treaty;
  // Whether the treaty is in force on the date. False only with AllyQuery::include_signed:
  // then the treaty was signed by the date but is not (yet) in force.
  bool in_force = true;
  std::vector<std::string> obligations;   // those asked for that the link carries
  std::vector<std::string> from_obligations;  // each member's own (its PARTY_TO edge) or the treaty's
  std::vector<std::string> to_obligations;
  std::vector<Props> articles;            // the treaty's articles creating those obligations
  std::vector<Citation> sources;          // the treaty's and both PARTY_TO edges'
};

// The link's status as the command, --json and the allies() procedure print it: "in force"
// or "signed, not in force".
std::string_view link_status(const AllianceLink& link);

struct Ally {
  Node state;
  int hops = 1;
  std::vector<AllianceLink> chain;  // from the asked state to this ally; the first is the
                                    // direct link (for hops = 1, every treaty linking them)
};

// The allies of `state` (Type:key, key, name or alias) on q.at: states that are party with
// it to a treaty in force on that date carrying one of the obligations asked for. A
// member's obligations on its PARTY_TO edge override the treaty's; a pair is allied when
// either member carries one. Ordered by hops, then name. Throws Error for an unknown state
// or obligation.
[[nodiscard]] std::vector<Ally> allies(const Reader& reader, std::string_view state, const AllyQuery& q, const Limits& limits = {});

// ------------------------------------------------------------------ networks (Boost.Graph)

// One step of a path: the edge taken, and whether against its stored direction.
struct PathStep {
  Node from;
  Edge edge;
  bool reversed = false;
  Node to;
};

// A shortest connection between two nodes over the given edge types (empty: all), every
// edge and node valid on `at` when given. Empty when there is none. Throws Error for an
// unknown node or type.
[[nodiscard]] std::vector<PathStep> shortest_path(const Reader& reader, std::string_view a, std::string_view b,
                                    const std::vector<std::string>& via = {}, std::optional<Date> at = {},
                                    const Limits& limits = {});

// A time-respecting path: its steps are taken on dates that never go back, each edge and
// both its ends valid on the date its step is taken (a step waits, when it must, until its
// edge and ends hold). It answers how influence or a chain of visits could travel through
// time, which no single date's graph shows.
struct TemporalPath {
  std::vector<PathStep> steps;
  // The date each step is taken: the earliest its edge and ends hold and not before the step
  // before; nullopt for an undated step taken before any date (an edge and ends valid always).
  std::vector<std::optional<Date>> taken;
  // When the path reaches its end: the last step's date (nullopt: undated, or no steps).
  std::optional<Date> arrival() const { return taken.empty() ? std::nullopt : taken.back(); }
};

// The earliest-arriving time-respecting path from a to b over the given edge types (empty:
// all), in either direction, leaving on `from` or later (nullopt: any time). nullopt when b
// cannot be reached so. Each node on it is reached as early as any path reaches it, and of
// equally early ways in the fewest steps. Throws Error for an unknown node or type.
[[nodiscard]] std::optional<TemporalPath> temporal_path(const Reader& reader, std::string_view a, std::string_view b,
                                          const std::vector<std::string>& via = {}, std::optional<Date> from = {},
                                          const Limits& limits = {});

struct Bloc {
  std::vector<Node> states;    // by name
  std::vector<Node> treaties;  // the treaties that hold it together
};

// The connected components of the alliance network on `at` (states joined by treaties in
// force carrying one of the obligations), largest first; states with no ally are left out.
[[nodiscard]] std::vector<Bloc> blocs(const Reader& reader, Date at, const std::vector<std::string>& obligations = {"defense"},
                        const Limits& limits = {});

enum class Network { kAlliances, kVisits, kTrade };
enum class Measure { kDegree, kBetweenness };

struct Ranked {
  Node state;
  double score = 0;
  std::size_t partners = 0;
};

// States ranked by centrality in a state-to-state network: alliances (sharing a treaty in
// force with a defense obligation), visits (a leader of one visiting the other; the
// visitor's state is the one whose office the visitor held), or trade (TRADE edges). The
// network is taken on one date, or over [from, to) for visits and trade.
struct NetworkQuery {
  Network network = Network::kAlliances;
  Measure measure = Measure::kDegree;
  std::optional<Date> at{};
  std::optional<Date> from{};
  std::optional<Date> to{};
};
[[nodiscard]] std::vector<Ranked> centrality(const Reader& reader, const NetworkQuery& q, const Limits& limits = {});

struct Reached {
  Node node;
  int hops = 0;
  std::optional<PathStep> via;  // the step that first reached it (none for the start)
};

// Every node within `hops` steps of `start` over any edge, in either direction, valid on
// `at` when given; ordered by hops, then type and key.
[[nodiscard]] std::vector<Reached> neighborhood(const Reader& reader, std::string_view start, int hops, std::optional<Date> at = {},
                                  const Limits& limits = {});

// ------------------------------------------------------------------ panels

// A state-year and a dyad-year panel in the shape of the R package peacesciencer
// (create_dyadyears, add_atop_alliance): alliances from the treaties in force on one day of
// each year, visits of leaders that year, trade of that year. export_panel writes it as CSV.
struct PanelOptions {
  int from_year = 0;  // required: the first year (inclusive)
  int to_year = 0;    // required: the last year (inclusive)
  // The day of each year the panel is read on. Default: 12-31. February 29 reads as
  // February 28 in other years.
  int month = 12;
  int day = 31;
  // Directed dyads (both (a, b) and (b, a), obligations those of state1) instead of
  // undirected ones (state1 < state2 by key, obligations of either). Default: false.
  bool directed = false;
  // Every dyad of states existing on the day, not only those with a non-zero column.
  bool all_dyads = false;
  // Read each year on any day of it, as peacesciencer and COW's dyad-year files do,
  // instead of on month-day: a state-year where the state holds on some day of the year,
  // and an alliance in a dyad-year where the treaty, both states' PARTY_TO edges and both
  // states hold on one common day of it (CLI: --day any). Default: false.
  bool any_day = false;
};

// One state in one year. States sharing a COW code in a year (the USSR and Russia in 1991,
// read on any day) are one unit, shown as the one that exists last in the year.
struct StateYear {
  int year = 0;
  const Node* state = nullptr;  // valid during the callback
  std::vector<int> allies;      // per obligation, in obligations() order: the allies carrying it
  int allies_any = 0;           // the states allied with it by any obligation
  int visits_made = 0;          // visits by a holder of its offices to another state
  int visits_received = 0;
};

// Two states in one year: undirected (state1 before state2 by key) unless
// PanelOptions::directed.
struct DyadYear {
  int year = 0;
  const Node* state1 = nullptr;  // valid during the callback
  const Node* state2 = nullptr;
  // Per obligation, in obligations() order: carried by a treaty both are party to (by
  // either member; directed: by state1's own obligations).
  std::vector<bool> obligations;
  std::vector<std::string> treaties;  // those treaties' keys, sorted
  int visits_1to2 = 0;
  int visits_2to1 = 0;
  const Edge* trade = nullptr;  // a TRADE edge of the year between them, either way; valid during the callback
};

// The panel, year by year: each year's state-years, then its dyad-years (those with a
// non-zero column, or every one with PanelOptions::all_dyads), through the callbacks.
// Throws Error(kInvalid) for a bad span or day.
void panel(const Reader& reader, const PanelOptions& options, const std::function<void(const StateYear&)>& on_state,
           const std::function<void(const DyadYear&)>& on_dyad);

// ------------------------------------------------------------------ visits

struct VisitQuery {
  std::string visitor{};  // a Person (Type:key, key, name); empty: anyone
  std::string host{};     // a State; empty: any
  std::optional<Date> from{};  // visits starting on or after
  std::optional<Date> to{};    // visits starting before
  std::string met{};      // only visits where the visitor met this person
};

struct VisitInfo {
  Node visit;
  Node visitor;
  Node host;
  std::string office;     // the visitor's office on the trip (VISITOR edge), if known
  std::vector<Node> met;
  std::vector<Node> produced;  // treaties and agreements signed
  int number = 0;              // this visitor's nth visit to this host, counting all visits
  int number_in_office = 0;    // nth while holding `office` (0 when unknown)
  std::optional<Date> previous;  // start of this visitor's previous visit to this host
  std::optional<std::int64_t> gap_days;
};

// Visits in time order, each numbered among all the visitor's visits to that host.
[[nodiscard]] std::vector<VisitInfo> visits(const Reader& reader, const VisitQuery& q, const Limits& limits = {});
// Where the visits that number a listing came from, as its ordinals are "recorded" ordinals:
// for each visitor and host listed, every visit of that visitor to that host (those the
// numbers count), grouped by the data set they cite (an importer's Document, by its name:
// "U.S. Department of State, Office of the Historian") or else "curated", with the years
// of the visits and how many. Largest group first.
struct VisitCoverage {
  std::string source;
  int first_year = 0;
  int last_year = 0;
  std::uint64_t visits = 0;
};
[[nodiscard]] std::vector<VisitCoverage> visit_coverage(const Reader& reader, const std::vector<VisitInfo>& listed);

// Visits between two leaders: a's visits where a met b, and b's where b met a, in time order.
[[nodiscard]] std::vector<VisitInfo> reciprocal_visits(const Reader& reader, std::string_view a, std::string_view b,
                                         const Limits& limits = {});
// A gap in words, rounded to the nearest whole year (365.2425 days) from a year up, else
// to the nearest month, else in days: 8736 -> "24 years", 45 -> "1 month", 12 -> "12 days".
[[nodiscard]] std::string describe_gap(std::int64_t days);
// "first", "second", ... "tenth", then "11th".
[[nodiscard]] std::string ordinal(int n);

// ------------------------------------------------------------------ offices

struct OfficeTerm {
  Node person;
  Node of;              // the State or Organization
  std::string office;
  Edge edge;            // the HOLDS_OFFICE edge: its validity and sources
};

// Who held which office of a state or organization on a date (office: a case-insensitive
// part of the title; empty: all).
[[nodiscard]] std::vector<OfficeTerm> officeholders(const Reader& reader, std::string_view of, Date at, std::string_view office = {});
// A person's offices over time, by start.
[[nodiscard]] std::vector<OfficeTerm> offices(const Reader& reader, std::string_view person);

// ------------------------------------------------------------------ treaties

// Where a treaty stands on a date (or, without one, as of now).
enum class TreatyState {
  kInForce,       // its validity holds the date
  kSigned,        // signed by the date (or with no date known), not in force
  kNotYetSigned,  // signed after the date
  kTerminated,    // in force before the date, no longer
  kNotInForce,    // no validity and no signature: never in force
};
// The state as the command, --json and the query procedures print it: "in force",
// "signed", "not yet signed", "terminated", "not in force".
std::string_view state_name(TreatyState state);

struct TreatyStatus {
  Node treaty;
  std::vector<Node> parties;
  // On the date; without a date, as of now: kInForce, kTerminated or kSigned.
  TreatyState status = TreatyState::kInForce;
  std::vector<Node> replaces;     // the chain of earlier treaties it replaced, nearest first
  std::vector<Node> replaced_by;  // the chain of later treaties that replaced it, nearest first
};

// The treaties of a state (or between two), by signature date.
[[nodiscard]] std::vector<TreatyStatus> treaties(const Reader& reader, std::string_view a, std::string_view b = {},
                                   std::optional<Date> at = {});

// ------------------------------------------------------------------ data concerns

// What the data says that cannot be so, although every record is intact (Database::check
// finds broken records): a Treaty or Agreement in force before its signature; a member's
// PARTY_TO edge valid outside its treaty's period in force; two persons holding one office
// of a State or Organization on the same day (the same office title, ignoring case); a
// State's dated PARTY_TO, MEMBER_OF or HOLDS_OFFICE edge that holds only while the State
// does not exist (outside its validity or in a gap). At most `limit`, treaties first.
// `entente check` prints them after the integrity problems.
[[nodiscard]] std::vector<Problem> data_concerns(const Reader& reader, std::size_t limit = 1000);

}  // namespace entente
