// ICEWS coded event data (icews): tab-separated with a header, actors and countries named
// by text, "NA" for a missing value. docs/import.md describes the mapping.
#include "common/error.h"
#include "io/coded_events.h"
#include "io/importer.h"
#include "io/names.h"
#include "io/table.h"

namespace entente::io {
namespace {

const std::vector<std::string_view> kMissing = {"NA"};

bool missing(std::string_view v) {
  v = trim(v);
  return v.empty() || v == "NA";
}

}  // namespace

void read_icews(ImportContext& ctx, std::istream& in) {
  TableReader reader(in, ctx.source(), TableFormat{'\t', false});
  TableRow row;
  if (!reader.next(row)) throw invalid("{}: empty file (expected a header)", ctx.source());
  TableHeader h(row, ctx.source());
  const auto c_id = h.require("Event ID"), c_date = h.require("Event Date"), c_src = h.require("Source Name"),
             c_src_country = h.require("Source Country"), c_text = h.require("Event Text"),
             c_cameo = h.require("CAMEO Code"), c_intensity = h.require("Intensity"), c_tgt = h.require("Target Name"),
             c_tgt_country = h.require("Target Country");
  const auto c_story = h.find("Story ID"), c_sentence = h.find("Sentence Number"), c_publisher = h.find("Publisher"),
             c_city = h.find("City"), c_district = h.find("District"), c_province = h.find("Province"),
             c_country = h.find("Country");

  NodeInput doc;
  doc.type = "Document";
  doc.key = "icews";
  doc.name = "ICEWS Coded Event Data";
  doc.props["author"] = "Boschee, E., Lautenschlager, J., O'Brien, S., Shellman, S., Starz, J., and Ward, M.";
  doc.props["publisher"] = "Harvard Dataverse";
  doc.props["url"] = "https://dataverse.harvard.edu/dataverse/icews";

  std::uint64_t n = 0;
  while (reader.next(row)) {
    ctx.row(row.line, [&] {
      check_row(row, h.size());
      auto f = [&](std::size_t i) { return missing(row.fields[i]) ? std::string() : std::string(trim(row.fields[i])); };
      auto opt = [&](std::optional<std::size_t> i) { return i ? f(*i) : std::string(); };
      CodedEvent e;
      e.prefix = "icews";
      e.merge_visit_reports = true;
      e.id = f(c_id);
      if (e.id.empty()) throw invalid("column 'Event ID' is missing");
      std::string date = f(c_date);
      if (date.empty()) throw invalid("column 'Event Date' is missing");
      auto d = Date::try_parse(date);
      if (!d || d->precision() != Precision::kDay) {
        throw invalid("column 'Event Date': '{}' is not a date (YYYY-MM-DD)", date.substr(0, 40));
      }
      e.date = *d;
      e.cameo = f(c_cameo);
      if (e.cameo.empty()) throw invalid("column 'CAMEO Code' is missing");
      e.goldstein = float_field(row.fields[c_intensity], "Intensity", kMissing);
      std::vector<std::string> place;
      for (auto c : {c_city, c_district, c_province, c_country}) {
        if (auto v = opt(c); !v.empty()) place.push_back(v);
      }
      e.place = fmt::format("{}", fmt::join(place, ", "));
      e.city = opt(c_city);
      auto actor = [&](std::size_t name, std::size_t country) {
        CodedActor a;
        a.name = f(name);
        if (auto c = f(country); !c.empty()) a.country = ctx.countries().by_name(c, e.date);
        a.person = looks_like_person(a.name, ctx.countries());
        return a;
      };
      e.actor1 = actor(c_src, c_src_country);
      e.actor2 = actor(c_tgt, c_tgt_country);
      std::string action = f(c_text);
      e.summary = fmt::format("{} -> {} -> {}", e.actor1.name.empty() ? "?" : e.actor1.name,
                              action.empty() ? e.cameo : action, e.actor2.name.empty() ? "?" : e.actor2.name);
      std::vector<std::string> where;
      if (auto p = opt(c_publisher); !p.empty()) where.push_back(p);
      if (auto s = opt(c_story); !s.empty()) where.push_back("story " + s);
      if (auto s = opt(c_sentence); !s.empty()) where.push_back("sentence " + s);
      if (where.empty()) where.push_back("event " + e.id);
      e.cite = Citation{"icews", fmt::format("{}", fmt::join(where, ", ")), ""};
      ctx.ensure_document(doc);
      write_coded_event(ctx, e);
    });
    if (++n % 1000 == 0) ctx.progress(reader.bytes());
  }
  ctx.progress(reader.bytes());
}

}  // namespace entente::io
