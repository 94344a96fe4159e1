// ICEWS coded event data (icews): tab-separated with a header, actors and countries named
// by text, "NA" for a missing value. docs/import.md describes the mapping.
#include "common/error.h"
#include "io/coded_events.h"
#include "io/importer.h"
#include "io/names.h"

namespace entente::io {

void read_icews(ImportContext& ctx, std::istream& in) {
  const TableLayout layout{.format = {'\t', false},
                           .required = {"Event ID", "Event Date", "Source Name", "Source Country", "Event Text",
                                        "CAMEO Code", "Intensity", "Target Name", "Target Country"},
                           .missing = {"NA"},
                           .progress_every = 1000};

  NodeInput doc;
  doc.type = "Document";
  doc.key = "icews";
  doc.name = "ICEWS Coded Event Data";
  doc.props["author"] = "Boschee, E., Lautenschlager, J., O'Brien, S., Shellman, S., Starz, J., and Ward, M.";
  doc.props["publisher"] = "Harvard Dataverse";
  doc.props["url"] = "https://dataverse.harvard.edu/dataverse/icews";

  read_table(ctx, in, layout, [&](const TableRecord& row) {
    CodedEvent e;
    e.prefix = "icews";
    e.merge_visit_reports = true;
    e.id = row.required("Event ID");
    std::string date = row.required("Event Date");
    auto d = Date::try_parse(date);
    if (!d || d->precision() != Precision::kDay) {
      throw invalid("column 'Event Date': '{}' is not a date (YYYY-MM-DD)", date.substr(0, 40));
    }
    e.date = *d;
    e.cameo = row.required("CAMEO Code");
    e.goldstein = row.number("Intensity");
    std::vector<std::string> place;
    for (auto c : {"City", "District", "Province", "Country"}) {
      if (auto v = row.text(c); !v.empty()) place.push_back(v);
    }
    e.place = fmt::format("{}", fmt::join(place, ", "));
    e.city = row.text("City");
    auto actor = [&](const char* name, const char* country) {
      CodedActor a;
      a.name = row.text(name);
      if (auto c = row.text(country); !c.empty()) a.country = ctx.countries().by_name(c, e.date);
      a.person = looks_like_person(a.name, ctx.countries());
      return a;
    };
    e.actor1 = actor("Source Name", "Source Country");
    e.actor2 = actor("Target Name", "Target Country");
    std::string action = row.text("Event Text");
    e.summary = fmt::format("{} -> {} -> {}", e.actor1.name.empty() ? "?" : e.actor1.name,
                            action.empty() ? e.cameo : action, e.actor2.name.empty() ? "?" : e.actor2.name);
    std::vector<std::string> where;
    if (auto p = row.text("Publisher"); !p.empty()) where.push_back(p);
    if (auto s = row.text("Story ID"); !s.empty()) where.push_back("story " + s);
    if (auto s = row.text("Sentence Number"); !s.empty()) where.push_back("sentence " + s);
    if (where.empty()) where.push_back("event " + e.id);
    e.cite = Citation{"icews", fmt::format("{}", fmt::join(where, ", ")), ""};
    ctx.ensure_document(doc);
    write_coded_event(ctx, e);
  });
}

}  // namespace entente::io
