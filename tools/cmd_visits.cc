// entente visits --db DIR [--visitor PERSON] [--host STATE] [--from D1] [--to D2] [--met PERSON]
//                        [--between A B]: visits in time order, numbered per visitor and host.
#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {
namespace {

// "2001-02-28..2001-03-02", or the start alone for a one-day (or open) visit.
std::string visit_dates(const Node& visit) {
  std::string start = prop_text(visit.props, "start"), end = prop_text(visit.props, "end");
  if (end.empty() || end == start) return start;
  return start + ".." + end;
}

// "5th recorded visit to Vietnam, fifth as President of the Russian Federation, first
// recorded since 2017 (first in 6 years)", or "7 months after the previous" for a gap under two years.
std::string numbering(const VisitInfo& v) {
  std::vector<std::string> parts;
  // "recorded": the numbers count the visits the database holds, not every visit made.
  if (v.number > 0) {
    parts.push_back(fmt::format("{} recorded visit to {}", numeral_ordinal(v.number), short_name(v.host)));
  }
  if (v.number_in_office > 0 && !v.office.empty()) {
    parts.push_back(fmt::format("{} as {}", ordinal(v.number_in_office), v.office));
  }
  if (v.previous && v.gap_days) {
    if (*v.gap_days >= 365 * 2) {
      parts.push_back(
          fmt::format("first recorded since {} (first in {})", v.previous->year(), describe_gap(*v.gap_days)));
    } else {
      parts.push_back(fmt::format("{} after the previous", describe_gap(*v.gap_days)));
    }
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

nlohmann::ordered_json visit_json(const VisitInfo& v) {
  auto j = ref_json(v.visit);
  auto date_or_null = [&](const char* key) -> nlohmann::ordered_json {
    std::string d = prop_text(v.visit.props, key);
    if (d.empty()) return nullptr;
    return d;
  };
  j["start"] = date_or_null("start");
  j["end"] = date_or_null("end");
  j["city"] = prop_text(v.visit.props, "city");
  j["kind"] = prop_text(v.visit.props, "kind");
  // A visit may have no VISITOR (GDELT's, and ICEWS's by a body rather than a person).
  j["visitor"] = v.visitor.id ? ref_json(v.visitor) : nlohmann::ordered_json(nullptr);
  j["office"] = v.office;
  j["host"] = ref_json(v.host);
  j["number"] = v.number;
  j["number_in_office"] = v.number_in_office;
  if (v.previous) {
    j["previous"] = v.previous->str();
  } else {
    j["previous"] = nullptr;
  }
  if (v.gap_days) {
    j["gap_days"] = *v.gap_days;
    j["gap"] = describe_gap(*v.gap_days);
  } else {
    j["gap_days"] = nullptr;
    j["gap"] = nullptr;
  }
  j["numbering"] = numbering(v);
  j["met"] = refs_json(v.met);
  j["produced"] = refs_json(v.produced);
  j["sources"] = to_json(v.visit.sources);
  return j;
}

void print_visit(const VisitInfo& v) {
  std::string city = prop_text(v.visit.props, "city");
  std::string kind = prop_text(v.visit.props, "kind");
  std::string visitor = v.visitor.id == 0        ? "(no visitor recorded)"
                        : v.visitor.name.empty() ? v.visitor.key
                                                 : v.visitor.name;
  fmt::print("{}  {} to {}{}{}  [{}]\n", visit_dates(v.visit), visitor, short_name(v.host),
             city.empty() ? "" : ", " + city, kind.empty() ? "" : " (" + kind + ")", v.visit.ref().str());
  // Without a visitor, the summary says who made the visit.
  if (std::string summary = prop_text(v.visit.props, "summary"); v.visitor.id == 0 && !summary.empty()) {
    fmt::print("  {}\n", summary);
  }
  std::string n = numbering(v);
  if (!n.empty()) fmt::print("  {}\n", n);
  if (!v.met.empty()) {
    std::vector<std::string> names;
    for (const auto& m : v.met) names.push_back(m.name.empty() ? m.ref().str() : m.name);
    fmt::print("  met: {}\n", fmt::join(names, ", "));
  }
  if (!v.produced.empty()) {
    fmt::print("  produced ({}):\n", v.produced.size());
    for (const auto& p : v.produced) fmt::print("    {}\n", describe(p));
  }
}

// {"visits": [...], "coverage": [...]}: the ordinals' coverage comes with them.
void print_visits_json(const Reader& snap, const std::vector<VisitInfo>& result) {
  auto list = nlohmann::ordered_json::array();
  for (const auto& v : result) list.push_back(visit_json(v));
  auto coverage = nlohmann::ordered_json::array();
  for (const auto& c : visit_coverage(snap, result)) {
    coverage.push_back(
        {{"source", c.source}, {"first_year", c.first_year}, {"last_year", c.last_year}, {"visits", c.visits}});
  }
  nlohmann::ordered_json j = {{"visits", std::move(list)}, {"coverage", std::move(coverage)}};
  fmt::print("{}\n", j.dump(2));
}

void print_visits(const Reader& snap, const std::vector<VisitInfo>& result, const std::vector<std::string>& filters) {
  fmt::print("{} visit{}{}{}\n", result.size(), plural(result.size()), filters.empty() ? "" : " ",
             fmt::join(filters, ", "));
  for (const auto& v : result) print_visit(v);
  // The ordinals count what the database holds: say what that is.
  if (auto coverage = visit_coverage(snap, result); !coverage.empty()) {
    std::vector<std::string> parts;
    for (const auto& c : coverage) {
      std::string years =
          c.first_year == c.last_year ? std::to_string(c.first_year) : fmt::format("{}–{}", c.first_year, c.last_year);
      parts.push_back(fmt::format("{} {} ({} visit{})", c.source, years, c.visits, plural(c.visits)));
    }
    fmt::print("Ordinals count the visits recorded here: {}.\n", fmt::join(parts, "; "));
  }
}

}  // namespace

Runner add_visits(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "visits",
      "Visits in time order, each numbered among the visitor's visits to that host (nth visit, nth in the "
      "office held, the gap since the previous one), with whom the visitor met and what was signed");
  struct Args {
    Common common;
    LimitOptions limits;
    std::string visitor;
    std::string host;
    std::string from;
    std::string to;
    std::string met;
    std::vector<std::string> between;
  };
  auto args = std::make_shared<Args>();
  add_common(*cmd, args->common);
  add_as_of(*cmd, args->common);
  add_limits(*cmd, args->limits, Bounded::kWalk);
  auto* visitor = cmd->add_option("--visitor", args->visitor, "only visits by this person (Person:key, name or alias)")
                      ->type_name("PERSON");
  auto* host =
      cmd->add_option("--host", args->host, "only visits to this state (State:key, name or alias)")->type_name("STATE");
  auto* from = cmd->add_option("--from", args->from, "only visits starting on or after this date")->type_name("DATE");
  auto* to = cmd->add_option("--to", args->to, "only visits starting before this date")->type_name("DATE");
  auto* met = cmd->add_option("--met", args->met, "only visits where the visitor met this person")->type_name("PERSON");
  auto* between = cmd->add_option("--between", args->between,
                                  "visits between two leaders: A's visits where A met B, and B's where B met A")
                      ->type_name("PERSON")
                      ->expected(2);
  for (auto* other : {visitor, host, from, to, met}) between->excludes(other);
  return [args] {
    bool reciprocal = !args->between.empty();
    if (reciprocal && args->between.size() != 2) {
      throw CLI::ValidationError("--between", "give two persons: --between A B");
    }
    VisitQuery q;
    if (!args->from.empty()) q.from = parse_date_arg(args->from, "--from");
    if (!args->to.empty()) q.to = parse_date_arg(args->to, "--to");
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    std::vector<VisitInfo> result;
    std::vector<std::string> filters;
    if (reciprocal) {
      Node a = snap->resolve(args->between[0]);
      Node b = snap->resolve(args->between[1]);
      result = reciprocal_visits(*snap, a.ref().str(), b.ref().str(), args->limits.limits());
      filters.push_back(fmt::format("between {} and {}", describe(a), describe(b)));
    } else {
      auto resolved = [&](const std::string& text, const char* label) {
        if (text.empty()) return std::string();
        Node n = snap->resolve(text);
        filters.push_back(fmt::format("{} {}", label, describe(n)));
        return n.ref().str();
      };
      q.visitor = resolved(args->visitor, "by");
      q.host = resolved(args->host, "to");
      q.met = resolved(args->met, "meeting");
      if (q.from) filters.push_back("from " + q.from->str());
      if (q.to) filters.push_back("before " + q.to->str());
      result = visits(*snap, q, args->limits.limits());
    }
    if (args->common.json) {
      print_visits_json(*snap, result);
    } else {
      print_visits(*snap, result, filters);
    }
    return kOk;
  };
}

}  // namespace entente::cli
