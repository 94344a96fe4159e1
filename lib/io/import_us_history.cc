// The U.S. Office of the Historian's XML: presidents' foreign trips (us-trips) and visits of
// foreign leaders to the United States (us-visits). docs/import.md describes the mapping.
#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "io/coded_events.h"
#include "io/importer.h"
#include "io/names.h"
#include "io/xml_records.h"

namespace entente::io {
namespace {

NodeInput us_oh_document() {
  NodeInput doc;
  doc.type = "Document";
  doc.key = "us-oh";
  doc.name = "U.S. Department of State, Office of the Historian";
  doc.props["publisher"] = "U.S. Department of State, Office of the Historian";
  doc.props["url"] = "https://history.state.gov/";
  return doc;
}

std::string text_of(const XmlRecord& r, const std::string& name) {
  const XmlField* f = r.field(name);
  return f ? squeeze(f->text) : std::string();
}

std::string attr_of(const XmlField* f, const std::string& name) {
  if (!f) return {};
  auto it = f->attrs.find(name);
  return it == f->attrs.end() ? std::string() : squeeze(it->second);
}

// A record's <start-date> and <end-date>: the start is required; the end, when given, is
// the last day (inclusive) and may not be before the start.
struct Dates {
  Date start;
  std::optional<Date> end;
};

std::optional<Date> date_of(const XmlRecord& r, const std::string& element) {
  std::string v = text_of(r, element);
  if (v.empty()) return std::nullopt;
  auto d = Date::try_parse(v);
  if (!d) throw invalid("<{}> '{}' is not a date (YYYY-MM-DD)", element, v.substr(0, 40));
  return d;
}

Dates dates_of(const XmlRecord& r, const char* what) {
  auto start = date_of(r, "start-date");
  if (!start) throw invalid("the {} has no <start-date>", what);
  auto end = date_of(r, "end-date");
  if (end && before(*end, *start)) throw invalid("<end-date> {} is before <start-date> {}", end->str(), start->str());
  return {*start, end};
}

std::string required_id(const XmlRecord& r, const char* what) {
  std::string id = text_of(r, "id");
  if (id.empty()) throw invalid("the {} has no <id>", what);
  return id;
}

// "president" -> "President", "vice-president" -> "Vice President"
std::string office_of(std::string role) {
  bool word_start = true;
  for (auto& c : role) {
    if (c == '-' || c == '_') c = ' ';
    if (word_start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    word_start = c == ' ';
  }
  return role;
}

constexpr std::uint64_t kProgressEvery = 1000;

// Another visit (key other than `key`) to `host` that starts on `start` and has exactly
// `persons` as its visitors: the first visitor's visits are read, so this costs one
// neighbour scan.
std::optional<std::string> same_visit(const Transaction& txn, const std::vector<NodeRef>& persons, const Date& start,
                                      const NodeRef& host, const std::string& key) {
  if (persons.empty()) return std::nullopt;
  auto first = txn.node(persons.front());
  if (!first) return std::nullopt;
  std::vector<std::string> want;
  for (const auto& p : persons) want.push_back(p.key);
  std::sort(want.begin(), want.end());
  want.erase(std::unique(want.begin(), want.end()), want.end());
  for (const auto& n : txn.neighbors(first->id, {{"VISITOR"}, Direction::kIn, std::nullopt, {"Visit"}})) {
    const Node& v = n.node;
    if (v.key == key || v.props.text("start") != start.str()) continue;
    bool same_host = false;
    for (const auto& h : txn.neighbors(v.id, {{"HOST"}, Direction::kOut, std::nullopt, {"State"}})) {
      same_host = same_host || h.node.ref() == host;
    }
    if (!same_host) continue;
    std::vector<std::string> have;
    for (const auto& m : txn.neighbors(v.id, {{"VISITOR"}, Direction::kOut, std::nullopt, {"Person"}}))
      have.push_back(m.node.key);
    std::sort(have.begin(), have.end());
    have.erase(std::unique(have.begin(), have.end()), have.end());
    if (have == want) return v.key;
  }
  return std::nullopt;
}

// A repeated record merged into the visit it repeats (`same`): the visit and each visitor's
// VISITOR edge gain the record's citation `also`, and the import warns.
void merge_repeat(ImportContext& ctx, std::uint64_t line, const std::string& same, const std::vector<NodeRef>& persons,
                  const Citation& also, const std::string& warning) {
  NodeInput more;
  more.type = "Visit";
  more.key = same;
  more.sources = {also};
  ctx.merge_node(more, ImportContext::Validity::kKeepExisting);
  for (const auto& p : persons) {
    EdgeInput e;
    e.type = "VISITOR";
    e.from = NodeRef{"Visit", same};
    e.to = p;
    e.sources = {also};
    ctx.merge_edge(e);  // the existing edge's properties stay: merge_edge lays none over them
  }
  ctx.warn(line, warning);
}

}  // namespace

// Long: one record's mapping, read in the order of the record's elements: the country
// (left out when it is not a state), the traveller, a repeated trip, the visit and its edges.
void read_us_trips(ImportContext& ctx, std::istream& in) {
  XmlRecordReader reader(in, ctx.source(), "trips", "trip",
                         {"id", "role", "name", "start-date", "end-date", "country", "locale", "remarks"});
  XmlRecord record;
  each_record(ctx, reader, record, kProgressEvery, [&](const XmlRecord& r) {
    // A country the crosswalk leaves out on purpose (Niue, the Cook Islands, French
    // territories: not states) leaves the trip out, listed, rather than failing it.
    const XmlField* country = r.field("country");
    std::string country_id = attr_of(country, "id"), country_name = country ? squeeze(country->text) : "";
    auto start = Date::try_parse(text_of(r, "start-date"));
    const Country* host = nullptr;
    if (start) {
      if (!country_id.empty()) host = ctx.countries().by_name(country_id, *start);
      if (!host && !country_name.empty()) host = ctx.countries().by_name(country_name, *start);
      if (!host && (!country_id.empty() || !country_name.empty())) {
        throw LeftOut{
            fmt::format("country '{}' ({}) on {} is not a state in the country crosswalk "
                        "(data/countries.md); the trip is left out",
                        country_id, country_name, start->str())};
      }
    }
    {
      std::string id = required_id(r, "trip");
      Dates d = dates_of(r, "trip");
      if (!host) throw invalid("trip {} has no <country>", id);
      std::string name = text_of(r, "name");
      std::string who = r.attrs.count("who") ? squeeze(r.attrs.at("who")) : std::string();
      if (who.empty()) who = slug(name);
      if (who.empty()) throw invalid("trip {} names no traveller (no who= and no <name>)", id);
      std::string role = r.attrs.count("role") ? squeeze(r.attrs.at("role")) : text_of(r, "role");
      if (role.empty()) role = "president";
      Citation cite{"us-oh", fmt::format("trip {}", id), ""};
      ctx.ensure_document(us_oh_document());

      NodeRef person{"Person", who};
      if (!ctx.txn().node(person)) {
        NodeInput p;
        p.type = "Person";
        p.key = who;
        p.name = name;
        p.sources = {cite};
        ctx.txn().put_node(p);
      }

      // A trip the files hold twice (the traveller in the same country from the same day) is
      // one visit citing both records, as for us-visits.
      const NodeRef host_ref = ctx.ensure_state(*host);
      if (auto same = same_visit(ctx.txn(), {person}, d.start, host_ref, "us-trip-" + id)) {
        merge_repeat(ctx, r.line, *same, {person}, {"us-oh", fmt::format("trip {}", id), text_of(r, "remarks")},
                     fmt::format("trip {} repeats {} ({} in {} from {}): merged, both cited", id, *same, who,
                                 host_ref.key, d.start.str()));
        return;
      }

      NodeInput visit;
      visit.type = "Visit";
      visit.key = "us-trip-" + id;
      visit.props["start"] = d.start.str();
      if (d.end) visit.props["end"] = d.end->str();
      std::string locale = text_of(r, "locale");
      if (!locale.empty()) visit.props["city"] = locale;
      visit.props["kind"] = role == "president" ? std::string("presidential trip") : office_of(role) + " trip";
      if (auto remarks = text_of(r, "remarks"); !remarks.empty()) visit.props["summary"] = remarks;
      visit.sources = {cite};
      ctx.merge_node(visit);

      EdgeInput v;
      v.type = "VISITOR";
      v.from = NodeRef{"Visit", visit.key};
      v.to = person;
      v.props["office"] = office_of(role);
      v.sources = {cite};
      ctx.merge_edge(v);

      EdgeInput h;
      h.type = "HOST";
      h.from = NodeRef{"Visit", visit.key};
      h.to = host_ref;
      if (!locale.empty()) h.props["city"] = locale;
      h.sources = {cite};
      ctx.merge_edge(h);
    }
  });
}

void read_us_visits(ImportContext& ctx, std::istream& in) {
  XmlRecordReader reader(in, ctx.source(), "visits", "visit",
                         {"id", "start-date", "end-date", "visitor", "from", "description"});
  XmlRecord record;
  const Country* usa = ctx.countries().by_key("USA");
  if (!usa) throw not_found("the country crosswalk has no USA");
  each_record(ctx, reader, record, kProgressEvery, [&](const XmlRecord& r) {
    std::string id = required_id(r, "visit");
    Dates d = dates_of(r, "visit");
    std::string text = text_of(r, "visitor");
    if (text.empty()) throw invalid("visit {} has no <visitor>", id);
    auto visitors = split_visitors(text);
    for (const auto& v : visitors) {
      if (v.name.empty()) throw invalid("visitor '{}' has a title ({}) but no name", text.substr(0, 80), v.title);
    }
    const XmlField* from = r.field("from");
    std::string from_id = attr_of(from, "id"), from_name = from ? squeeze(from->text) : "";
    const Country* state = nullptr;
    if (!from_id.empty()) state = ctx.countries().by_name(from_id, d.start);
    if (!state && !from_name.empty()) state = ctx.countries().by_name(from_name, d.start);
    std::string from_label = state ? ctx.state_node(*state).name : from_name.empty() ? from_id : from_name;
    Citation cite{"us-oh", fmt::format("visit {}", id), ""};
    ctx.ensure_document(us_oh_document());

    // Each visitor as one person across the Historian's spellings: the table of name
    // variants first (King Hussein I is King Hussein), else the name as matched
    // (diacritics, "ibn"/"bin").
    std::vector<NodeRef> persons;
    for (const auto& v : visitors) {
      auto name = ctx.person_names().canonical(state ? state->key : std::string(), v.name, d.start);
      persons.push_back(ensure_person(ctx, "us", name ? *name : v.name, cite));
    }

    // A record the files hold twice (the same visitors, arriving on the same day) is one
    // visit citing both records: the second adds its citation, with its description.
    std::string key = "us-visit-" + id;
    if (auto same = same_visit(ctx.txn(), persons, d.start, ctx.ensure_state(*usa), key)) {
      merge_repeat(
          ctx, r.line, *same, persons, {"us-oh", fmt::format("visit {}", id), text_of(r, "description")},
          fmt::format("visit {} repeats {} (the same visitors from {}): merged, both cited", id, *same, d.start.str()));
      return;
    }

    NodeInput visit;
    visit.type = "Visit";
    visit.key = key;
    visit.props["start"] = d.start.str();
    if (d.end) visit.props["end"] = d.end->str();
    visit.props["kind"] = "visit to the United States";
    std::string summary = from_label.empty() ? text : fmt::format("{} ({})", text, from_label);
    if (auto desc = text_of(r, "description"); !desc.empty()) summary += ": " + desc;
    visit.props["summary"] = summary;
    visit.sources = {cite};
    ctx.merge_node(visit);

    EdgeInput h;
    h.type = "HOST";
    h.from = NodeRef{"Visit", visit.key};
    h.to = ctx.ensure_state(*usa);
    h.sources = {cite};
    ctx.merge_edge(h);

    for (std::size_t i = 0; i < visitors.size(); ++i) {
      const auto& v = visitors[i];
      EdgeInput e;
      e.type = "VISITOR";
      e.from = NodeRef{"Visit", visit.key};
      e.to = persons[i];
      if (!v.title.empty()) e.props["office"] = v.title;
      e.sources = {cite};
      ctx.merge_edge(e);
    }
  });
}

}  // namespace entente::io
