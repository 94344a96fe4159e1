// Archigos 4.1 (archigos): leaders as Person nodes, their spells in office as HOLDS_OFFICE
// edges. docs/import.md describes the mapping.
#include <unordered_map>

#include "common/error.h"
#include "io/importer.h"

namespace entente::io {
namespace {

// Archigos's missing-value codes.
const std::vector<std::string_view> kArchigosMissing = {"NA", "-777", "-888", "-999", "."};

// The last day of the data: a spell ending then is still going on.
const Date kCensored = Date::parse("2015-12-31");

// A birth or death date: the full date, else the year. A malformed full date where the
// year is given falls back to the year, with a warning; without a year it is an error.
std::optional<Date> life_date(ImportContext& ctx, const TableRecord& row, const char* date_column,
                              const char* year_column) {
  std::optional<std::int64_t> year = row.integer(year_column);
  try {
    if (auto d = row.date(date_column)) return d;
  } catch (const Error& e) {
    if (!year) throw;
    ctx.warn(row.line(), fmt::format("{}; used {} {} instead", e.what(), year_column, *year));
  }
  return year ? ymd_date(year, {}, {}, year_column) : std::nullopt;
}

// What each leader id's rows said of the person, and on which line first: rows that
// disagree are warned of (the last row's values are kept).
class Sayings {
 public:
  void add(ImportContext& ctx, std::uint64_t line, const std::string& lead, const NodeInput& person) {
    Said now{person.name, text_of(person, "gender"), text_of(person, "born"), text_of(person, "died"), line};
    auto [it, first] = said_.emplace(lead, now);
    if (first) return;
    const Said& before_row = it->second;
    std::vector<std::string> differ;
    auto compare = [&](const char* what, const std::string& a, const std::string& b) {
      if (a != b) differ.push_back(fmt::format("{} '{}' (line {}) and '{}'", what, a, before_row.line, b));
    };
    compare("leader", before_row.name, now.name);
    compare("gender", before_row.gender, now.gender);
    compare("born", before_row.born, now.born);
    compare("died", before_row.died, now.died);
    if (!differ.empty()) {
      ctx.warn(line, fmt::format("leadid {}: rows disagree on {}; this row's values are kept", lead,
                                 fmt::join(differ, ", ")));
    }
    it->second = now;
  }

 private:
  struct Said {
    std::string name, gender, born, died;
    std::uint64_t line = 0;
  };
  static std::string text_of(const NodeInput& n, const char* name) {
    auto it = n.props.find(name);
    return it == n.props.end() ? std::string() : it->get<std::string>();
  }
  std::unordered_map<std::string, Said> said_;
};

// The Person of a row: keyed by Archigos's leader id, or by the key of a Person already
// tied to that id (`known`).
NodeInput person_of(ImportContext& ctx, const TableRecord& row, const std::string& lead,
                    const std::unordered_map<std::string, std::string>& known, const Citation& cite) {
  NodeInput person;
  person.type = "Person";
  auto it = known.find(lead);
  person.key = it != known.end() ? it->second : "archigos-" + lead;
  person.name = row.text("leader");
  person.props["archigos_id"] = lead;
  if (auto g = row.text("gender"); !g.empty()) person.props["gender"] = g;
  if (auto born = life_date(ctx, row, "borndate", "yrborn")) person.props["born"] = born->str();
  if (auto died = life_date(ctx, row, "deathdate", "yrdied")) person.props["died"] = died->str();
  person.sources = {cite};
  return person;
}

// The row's spell in office, as HOLDS_OFFICE edges to the states its Gleditsch-Ward code
// (`code`, the row's ccode) stands for over the spell.
void write_offices(ImportContext& ctx, const TableRecord& row, std::int64_t code, const std::string& lead,
                   const NodeInput& person, const Date& start, const std::optional<Date>& to, const Citation& cite) {
  std::optional<Date> spell_to = to;
  if (spell_to && !before(start, *spell_to)) {
    // A leader for a day: startdate = enddate. Archigos's end is the day the next leader
    // starts, so a successor starting that day holds office beside this one on it.
    spell_to = start.next_day();
    ctx.warn(row.line(), fmt::format("leadid {} ({}): startdate = enddate = {}: kept as the one day [{}, {}); a "
                                     "successor starting on {} holds office beside it that day",
                                     lead, person.name, start.str(), start.str(), spell_to->str(), start.str()));
  }
  // Archigos's ccode is a Gleditsch-Ward code (260: Germany, also after 1990).
  auto pieces = ctx.countries().split_gw(code, start, spell_to);
  if (pieces.empty()) {
    throw not_found("ccode {} (a Gleditsch-Ward code) on {} is not in the country crosswalk (data/countries.csv)", code,
                    start.str());
  }
  warn_uncovered(ctx, row.line(), fmt::format("ccode {} (a Gleditsch-Ward code)", code), pieces, start, spell_to);
  for (const auto& p : pieces) {
    EdgeInput office;
    office.type = "HOLDS_OFFICE";
    // Keyed apart from curated offices of the same person, state and start.
    office.key = "archigos";
    office.from = NodeRef{"Person", person.key};
    office.to = ctx.ensure_state(*p.country);
    office.valid = Interval{p.from, p.to};
    office.props["office"] = "leader";
    if (auto v = row.text("entry"); !v.empty()) office.props["entry"] = v;
    if (auto v = row.text("exit"); !v.empty() && to) office.props["exit"] = v;
    if (auto v = row.text("exitcode"); !v.empty() && to) office.props["exit_code"] = v;
    office.props["source_id"] = row.text("obsid");
    office.sources = {cite};
    ctx.merge_edge(office);
  }
}

}  // namespace

void read_archigos(ImportContext& ctx, std::istream& in) {
  const TableLayout layout{
      .required = {"obsid", "leadid", "ccode", "leader", "startdate", "enddate", "entry", "exit", "exitcode"},
      .missing = kArchigosMissing,
      .progress_every = 1024};

  NodeInput doc;
  doc.type = "Document";
  doc.key = "archigos-4.1";
  doc.name = "Archigos: A Data Set on Leaders 1875-2015, version 4.1";
  doc.props["author"] = "Goemans, H. E., Gleditsch, K. S., and Chiozza, G.";
  doc.props["series"] = "Journal of Peace Research 46(2), 2009";
  ctx.ensure_document(doc);

  // Persons already tied to an Archigos leader id keep their keys (a curated Person:putin
  // with archigos_id set receives Archigos's spells).
  std::unordered_map<std::string, std::string> known;
  ctx.txn().scan("Person", [&](const Node& p) {
    if (auto id = p.props.json("archigos_id"); id.is_string()) {
      known.emplace(id.get<std::string>(), p.key);
    }
    return true;
  });

  Sayings said;
  read_table(ctx, in, layout, [&](const TableRecord& row) {
    std::string lead = row.required("leadid");
    const std::int64_t code = row.required_integer("ccode");
    auto start = row.date("startdate");
    if (!start) throw invalid("column 'startdate' is blank");
    auto end = row.date("enddate");
    std::optional<Date> to;
    if (end && *end != kCensored) to = end;
    if (to && before(*to, *start)) throw invalid("enddate {} is before startdate {}", to->str(), start->str());
    Citation cite{"archigos-4.1", fmt::format("obsid {}", row.text("obsid")), ""};
    NodeInput person = person_of(ctx, row, lead, known, cite);
    said.add(ctx, row.line(), lead, person);
    ctx.merge_node(person, ImportContext::Validity::kKeepExisting);
    write_offices(ctx, row, code, lead, person, *start, to, cite);
  });
}

}  // namespace entente::io
