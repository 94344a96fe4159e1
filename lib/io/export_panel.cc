// The state-year and dyad-year panel (questions.h, panel()) as two CSV files.
#include <ostream>

#include "common/error.h"
#include "common/text.h"
#include "io/export_util.h"

namespace entente {

PanelSummary export_panel(const Reader& reader, std::ostream& state_year, std::ostream& dyad_year,
                          const PanelOptions& options) {
  const auto& names = obligations();
  auto ccode = [](const Node& state) {
    auto cow = state.props.json("cow");
    return cow.is_number() ? cow.dump() : std::string();
  };
  PanelSummary summary;
  bool header = false;
  auto write_header = [&] {
    if (header) return;
    header = true;
    state_year << "year,ccode,state,name";
    for (const auto& n : names) state_year << ",allies_" << n;
    state_year << ",allies_any,visits_made,visits_received\n";
    dyad_year << "year,ccode1,ccode2,state1,state2";
    for (const auto& n : names) dyad_year << "," << n;
    dyad_year << ",treaties,visits_1to2,visits_2to1,trade_value,trade_unit,trade_currency,trade_qualifier\n";
  };
  panel(
      reader, options,
      [&](const StateYear& s) {
        write_header();
        std::vector<std::string> row{std::to_string(s.year), ccode(*s.state), s.state->key, s.state->name};
        for (int a : s.allies) row.push_back(std::to_string(a));
        row.push_back(std::to_string(s.allies_any));
        row.push_back(std::to_string(s.visits_made));
        row.push_back(std::to_string(s.visits_received));
        state_year << text::csv_line(row);
        ++summary.state_years;
      },
      [&](const DyadYear& d) {
        write_header();
        std::vector<std::string> row{std::to_string(d.year), ccode(*d.state1), ccode(*d.state2), d.state1->key,
                                     d.state2->key};
        for (bool f : d.obligations) row.push_back(f ? "1" : "0");
        std::string keys;
        for (const auto& k : d.treaties) keys += (keys.empty() ? "" : ";") + k;
        row.push_back(keys);
        row.push_back(std::to_string(d.visits_1to2));
        row.push_back(std::to_string(d.visits_2to1));
        for (const char* field : {"value", "unit", "currency", "qualifier"}) {
          std::string value;
          if (d.trade) {
            if (auto v = d.trade->props.json(field); !v.is_null()) value = io::value_text(v);
          }
          row.push_back(value);
        }
        dyad_year << text::csv_line(row);
        ++summary.dyad_years;
      });
  write_header();  // a span with no state still has its headers
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
