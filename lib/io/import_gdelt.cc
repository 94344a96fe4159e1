// GDELT 1.0 and 2.0 event exports (gdelt): tab-separated, no header, no quoting; the
// version is told by the number of columns. docs/import.md describes the mapping.
#include <charconv>

#include "common/error.h"
#include "io/coded_events.h"
#include "io/importer.h"

namespace entente::io {
namespace {

// The columns used, 0-based, after the GDELT Event Database codebooks (1.0: "GDELT Data
// Format Codebook V1.03"; 2.0: "GDELT Event Database Data Format Codebook V2.0"). The two
// versions agree up to AvgTone (column 34); 2.0 adds ADM2Code to each of the three
// geography blocks (7 columns each in 1.0, 8 in 2.0), which moves ActionGeo and what follows.
constexpr std::size_t kGlobalEventId = 0, kSqlDate = 1, kActor1Code = 5, kActor1Name = 6, kActor1Country = 7,
                      kActor2Code = 15, kActor2Name = 16, kActor2Country = 17, kEventCode = 26, kGoldstein = 30;

struct Layout {
  std::size_t columns;
  const char* version;   // "1.0", "2.0"
  const char* describe;  // for errors
  std::size_t action_geo_type, action_geo_fullname;
  std::optional<std::size_t> source_url;
};

// 57: GDELT 1.0 historical back-files (1979 to March 2013): ends with DATEADDED.
// 58: GDELT 1.0 daily files (from 1 April 2013): DATEADDED, then SOURCEURL.
// 61: GDELT 2.0 (from 19 February 2015): DATEADDED (YYYYMMDDHHMMSS), then SOURCEURL.
const Layout kLayouts[] = {
    {57, "1.0", "GDELT 1.0 back-file", 49, 50, std::nullopt},
    {58, "1.0", "GDELT 1.0 daily file", 49, 50, 57},
    {61, "2.0", "GDELT 2.0", 51, 52, 60},
};

const Layout* layout_for(std::size_t columns) {
  for (const auto& l : kLayouts) {
    if (l.columns == columns) return &l;
  }
  return nullptr;
}

Date sql_date(std::string_view v) {
  v = trim(v);
  bool digits = v.size() == 8;
  for (char c : v) digits = digits && c >= '0' && c <= '9';
  if (!digits) throw invalid("column SQLDATE (2): '{}' is not a date (YYYYMMDD)", v.substr(0, 40));
  auto d = Date::try_parse(fmt::format("{}-{}-{}", v.substr(0, 4), v.substr(4, 2), v.substr(6, 2)));
  if (!d) throw invalid("column SQLDATE (2): {} is not a day of the calendar", v);
  return *d;
}

NodeInput gdelt_document(const Layout& l) {
  NodeInput doc;
  doc.type = "Document";
  doc.key = fmt::format("gdelt-{}", l.version);
  doc.name = fmt::format("GDELT {} Event Database", l.version);
  doc.props["publisher"] = "The GDELT Project";
  doc.props["url"] = "https://www.gdeltproject.org/";
  return doc;
}

}  // namespace

void read_gdelt(ImportContext& ctx, std::istream& in) {
  // No header; the rows' width tells the version, the same for every row of a file.
  const TableLayout layout{.format = {'\t', false}, .header = false, .same_width = false, .progress_every = 1000};
  const Layout* layout_seen = nullptr;  // fixed by the file's first well-formed row
  read_table(ctx, in, layout, [&](const TableRecord& row) {
    const std::size_t columns = row.row().fields.size();
    const Layout* l = layout_for(columns);
    if (!l) {
      throw invalid("{} columns: a GDELT event row has 57 (1.0 back-file), 58 (1.0 daily) or 61 (2.0)", columns);
    }
    if (layout_seen && l != layout_seen) {
      throw invalid("{} columns ({}) in a file whose rows have {} ({})", l->columns, l->describe, layout_seen->columns,
                    layout_seen->describe);
    }
    auto f = [&](std::size_t i) { return std::string(row.at(i)); };
    std::string id = f(kGlobalEventId);
    if (id.empty()) throw invalid("column GLOBALEVENTID (1) is blank");
    for (char c : id) {
      if (c < '0' || c > '9') throw invalid("column GLOBALEVENTID (1): '{}' is not a number", id.substr(0, 40));
    }
    CodedEvent e;
    e.prefix = "gdelt";
    e.id = id;
    e.date = sql_date(row.at(kSqlDate));
    e.cameo = f(kEventCode);
    if (e.cameo.empty()) throw invalid("column EventCode (27) is blank");
    e.goldstein = float_field(row.at(kGoldstein), "GoldsteinScale (31)");
    e.place = f(l->action_geo_fullname);
    // ActionGeo_Type 3 (US city) and 4 (world city) name a city first: "Beijing, Beijing, China".
    std::string geo_type = f(l->action_geo_type);
    if ((geo_type == "3" || geo_type == "4") && !e.place.empty()) e.city = e.place.substr(0, e.place.find(','));
    auto actor = [&](std::size_t name, std::size_t code, std::size_t country) {
      CodedActor a;
      a.name = f(name);
      if (a.name.empty()) a.name = f(code);
      if (auto cc = f(country); !cc.empty()) a.country = ctx.countries().by_cameo(cc, e.date);
      return a;
    };
    e.actor1 = actor(kActor1Name, kActor1Code, kActor1Country);
    e.actor2 = actor(kActor2Name, kActor2Code, kActor2Country);
    e.summary = fmt::format("{} -> {} -> {}", e.actor1.name.empty() ? "?" : e.actor1.name, e.cameo,
                            e.actor2.name.empty() ? "?" : e.actor2.name);
    std::string url = l->source_url ? f(*l->source_url) : "";
    if (url.size() > 4096) url.clear();  // longer than a locator may be: cite the event id
    e.cite = Citation{fmt::format("gdelt-{}", l->version), url.empty() ? "GLOBALEVENTID " + id : url, ""};
    ctx.ensure_document(gdelt_document(*l));
    write_coded_event(ctx, e);
    layout_seen = l;
  });
}

}  // namespace entente::io
