// entente export --db DIR --format FORMAT [--at DATE] [--types T,...] [-o FILE|DIR]
//                [--from-year Y --to-year Y [--day MM-DD|any] [--directed] [--all-dyads]]:
// the graph for other tools (GraphML, DOT, neo4j-admin import, GraphFrames) or a
// state-year and dyad-year panel. See docs/export.md.
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli.h"

namespace entente::cli {
namespace {

const char* const kFooter = R"(Formats:
  graphml      GraphML for Gephi, yEd, NetworkX: node id "Type:key"; attributes type, key, name,
               label, aliases, valid_from, valid_to and every property, typed (<key attr.type>).
               To stdout, or -o FILE.
  dot          Graphviz DOT: nodes labelled by name, coloured and shaped by type; edges
               labelled by type. To stdout, or -o FILE.
  neo4j        -o DIR: nodes_<Type>.csv, relationships_<TYPE>.csv (neo4j-admin header syntax:
               id:ID, :LABEL, :START_ID, :END_ID, :TYPE, cow:int, signed:date, aliases:string[])
               and import.sh with the neo4j-admin database import full command.
  graphframes  -o DIR: vertices.csv (id, type, key, name, aliases, valid_from, valid_to, props)
               and edges.csv (src, dst, relationship, key, valid_from, valid_to, props).
  panel        -o DIR: state_year.csv and dyad_year.csv for each year from --from-year to
               --to-year, read on --day (default 12-31; 'any': on any day of the year).

Panel columns (docs/export.md has the exact rules):
  state_year.csv  year, ccode (COW code, props.cow; empty when unknown), state (key), name,
                  allies_defense, allies_offense, allies_neutrality, allies_non_aggression,
                  allies_consultation (states sharing with it a treaty in force on the day that
                  carries the obligation, either member's), allies_any, visits_made (visits that
                  year by holders of its offices to other states), visits_received (visits it
                  hosted that year, except by its own officeholders).
  dyad_year.csv   year, ccode1, ccode2, state1, state2, defense, offense, neutrality,
                  non_aggression, consultation (0/1: a treaty in force on the day, both party
                  to it on the day, carries it; undirected: either member's obligation, directed:
                  state1's), treaties (their keys, ';'-separated), visits_1to2, visits_2to1
                  (visits that year by holders of an office of one state to the other), trade_value,
                  trade_unit, trade_currency, trade_qualifier (a TRADE edge between them, either way,
                  whose year is the year). Only dyads of states existing on the day; only rows
                  with an alliance, a visit or trade unless --all-dyads.)";

bool is_dir_format(const std::string& f) { return f == "neo4j" || f == "graphframes" || f == "panel"; }

struct ExportArgs {
  Common common;
  std::string format, at, output, day = "12-31";
  std::vector<std::string> types;
  int from_year = 0, to_year = 0;
  bool directed = false, all_dyads = false;
  // The options, to tell which were given.
  CLI::Option *at_opt = nullptr, *types_opt = nullptr, *from_opt = nullptr, *to_opt = nullptr, *day_opt = nullptr,
              *directed_opt = nullptr, *all_opt = nullptr;
};

// Refuses options that do not apply to the format, and a missing -o DIR or years.
void check_export_options(const ExportArgs& a) {
  if (a.format == "panel") {
    for (auto* o : {a.at_opt, a.types_opt}) {
      if (o->count()) throw CLI::ValidationError(o->get_name(), "does not apply to --format panel");
    }
    if (!a.from_opt->count() || !a.to_opt->count()) {
      throw CLI::ValidationError("--from-year/--to-year", "--format panel needs --from-year and --to-year");
    }
  } else {
    for (auto* o : {a.from_opt, a.to_opt, a.day_opt, a.directed_opt, a.all_opt}) {
      if (o->count()) throw CLI::ValidationError(o->get_name(), "applies to --format panel only");
    }
  }
  if (is_dir_format(a.format) && a.output.empty()) {
    throw CLI::ValidationError("-o", fmt::format("--format {} writes several files: give -o DIR", a.format));
  }
}

ExportOptions export_options(const ExportArgs& a) {
  ExportOptions options;
  if (!a.at.empty()) options.at = parse_date_arg(a.at, "--at");
  for (auto t : a.types) {  // "State, Treaty" as well as "State,Treaty"
    t.erase(0, t.find_first_not_of(' '));
    t.erase(t.find_last_not_of(' ') + 1);
    if (!t.empty()) options.types.push_back(t);
  }
  return options;
}

PanelOptions panel_options(const ExportArgs& a) {
  const std::string& d = a.day;
  if (d == "any") return {a.from_year, a.to_year, 12, 31, a.directed, a.all_dyads, true};
  auto date = Date::try_parse("2000-" + d);  // a leap year: 02-29 is a day
  if (d.size() != 5 || !date)
    throw CLI::ValidationError("--day", "'" + d + "' is not a day of the year (MM-DD) nor 'any'");
  return {a.from_year, a.to_year, date->month(), date->day(), a.directed, a.all_dyads};
}

// GraphML or DOT, to standard output or a file.
int export_one_file(const Reader& snap, const ExportArgs& a, const ExportOptions& options) {
  auto write = [&](std::ostream& out) {
    if (a.format == "graphml") {
      export_graphml(snap, out, options);
    } else {
      export_dot(snap, out, options);
    }
  };
  if (a.output.empty() || a.output == "-") {
    std::ios::sync_with_stdio(false);
    write(std::cout);
    std::cout.flush();
    return kOk;
  }
  std::ofstream out(a.output, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(ErrorKind::kIO, a.output + ": cannot write");
  write(out);
  out.close();
  if (!out) throw Error(ErrorKind::kIO, a.output + ": write failed");
  fmt::print("wrote {}\n", a.output);
  return kOk;
}

// The files of neo4j, graphframes or panel, into a directory.
int export_directory(const Reader& snap, const ExportArgs& a, const ExportOptions& options) {
  if (a.format == "panel") {
    auto s = export_panel(snap, a.output, panel_options(a));
    fmt::print("wrote {}/state_year.csv ({} row{}) and {}/dyad_year.csv ({} row{}), {}-{} on {}\n", a.output,
               s.state_years, plural(s.state_years), a.output, s.dyad_years, plural(s.dyad_years), a.from_year,
               a.to_year, a.day);
    return kOk;
  }
  auto files =
      a.format == "neo4j" ? export_neo4j(snap, a.output, options) : export_graphframes(snap, a.output, options);
  fmt::print("wrote {} file{} into {}:\n", files.size(), plural(files.size()), a.output);
  for (const auto& file : files) fmt::print("  {}\n", file.filename().string());
  if (a.format == "neo4j") fmt::print("load them with: {}/import.sh (Neo4j stopped; see the script)\n", a.output);
  return kOk;
}

}  // namespace

Runner add_export(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "export",
      "Export the graph for other tools (GraphML, DOT, Neo4j, Spark GraphFrames) or as a state-year and "
      "dyad-year panel (CSV)");
  auto args = std::make_shared<ExportArgs>();
  add_common(*cmd, args->common, false);
  add_as_of(*cmd, args->common);
  cmd->add_option("--format", args->format, "graphml, dot, neo4j, graphframes or panel")
      ->required()
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"graphml", "dot", "neo4j", "graphframes", "panel"}));
  args->at_opt =
      cmd->add_option("--at", args->at, "only nodes and edges valid on this date (YYYY[-MM[-DD]])")->type_name("DATE");
  args->types_opt = cmd->add_option("--types", args->types,
                                    "only these node types, and edges between kept nodes; edge type names keep only "
                                    "those edges (comma-separated, e.g. State,Treaty,PARTY_TO)")
                        ->type_name("T1,T2,...")
                        ->delimiter(',');
  cmd->add_option("-o,--output", args->output,
                  "output file (graphml, dot; default: stdout) or directory (neo4j, graphframes, panel; required), "
                  "created when missing")
      ->type_name("FILE|DIR");
  args->from_opt = cmd->add_option("--from-year", args->from_year, "panel: the first year")->type_name("YEAR");
  args->to_opt = cmd->add_option("--to-year", args->to_year, "panel: the last year (inclusive)")->type_name("YEAR");
  args->day_opt = cmd->add_option("--day", args->day,
                                  "panel: the day each year is read on (default: 12-31), or 'any': a state, an "
                                  "alliance counts in a year when it holds on any day of it (peacesciencer's and "
                                  "COW's convention)")
                      ->type_name("MM-DD|any");
  args->directed_opt = cmd->add_flag("--directed", args->directed,
                                     "panel: directed dyads, both (a,b) and (b,a), obligations those of state1 "
                                     "(default: undirected, state1 < state2 by key, either member's obligations)");
  args->all_opt = cmd->add_flag("--all-dyads", args->all_dyads,
                                "panel: every dyad of existing states, not only those with an alliance, a visit or "
                                "trade");
  cmd->footer(kFooter);
  return [args] {
    check_export_options(*args);
    const ExportOptions options = export_options(*args);
    if (args->format == "panel") (void)panel_options(*args);  // --day checked before the database opens
    auto db = open_for_read(args->common.db);
    auto snap = snapshot_of(*db, args->common);
    if (is_dir_format(args->format)) return export_directory(*snap, *args, options);
    return export_one_file(*snap, *args, options);
  };
}

}  // namespace entente::cli
