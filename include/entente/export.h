// Exporting the graph to other tools (docs/export.md): GraphML (Gephi, yEd, NetworkX),
// Graphviz DOT, the CSV files of neo4j-admin import, Spark GraphFrames CSV, state-year and
// dyad-year panels (CSV, in the shape of peacesciencer), and pictures through Graphviz.
//
//   auto snap = db->snapshot();
//   std::ofstream out("geo.graphml");
//   entente::export_graphml(*snap, out, {.at = entente::Date::parse("2024-12-31"),
//                                        .types = {"State", "Treaty", "PARTY_TO"}});
//   entente::export_neo4j(*snap, "neo4j-import");            // then run neo4j-import/import.sh
//   entente::export_panel(*snap, "panel", {.from_year = 1950, .to_year = 2024});
//
// Every call throws entente::Error naming the reason: an unknown type (kInvalid), a file
// that cannot be written (kIO).
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/database.h"
#include "entente/limits.h"
#include "entente/questions.h"

namespace entente {

// Which part of the graph to export.
struct ExportOptions {
  // Only nodes valid on this date, and edges valid on it whose both ends are kept.
  std::optional<Date> at{};
  // Node and edge type names (empty: all). Node types keep only nodes of those types; edge
  // types keep only edges of those types. Either way an edge is kept only when both its ends
  // are. Throws Error(kInvalid) for a name that is neither.
  std::vector<std::string> types{};
};

// GraphML, directed: node id "Type:key"; node attributes type, key, name, label, aliases
// (JSON), valid_from, valid_to and each property (integers int or long, floats double, Bool
// boolean, other scalars string; lists and structs as JSON text); edge attributes type,
// label, key, valid_from, valid_to and each property. Each attribute is declared as a
// <key> with its attr.type.
void export_graphml(const Reader& reader, std::ostream& out, const ExportOptions& options = {});

// Graphviz DOT (a digraph): nodes labelled by name and coloured and shaped by type, edges
// labelled by type; ids "Type:key".
void export_dot(const Reader& reader, std::ostream& out, const ExportOptions& options = {});

// The CSV files of `neo4j-admin database import full` into `dir` (created when missing):
// nodes_<Type>.csv for each node type and relationships_<TYPE>.csv for each edge type
// present, with typed headers (id:ID, :LABEL, cow:int, signed:date, aliases:string[], ...;
// arrays separated by ';'), and import.sh holding the exact import command. Returns the
// files written, import.sh last.
std::vector<std::filesystem::path> export_neo4j(const Reader& reader, const std::filesystem::path& dir,
                                                const ExportOptions& options = {});

// vertices.csv (id, type, key, name, aliases, valid_from, valid_to, props) and edges.csv
// (src, dst, relationship, key, valid_from, valid_to, props) for Spark GraphFrames, into
// `dir` (created when missing); props and aliases as JSON text. Returns the files written.
std::vector<std::filesystem::path> export_graphframes(const Reader& reader, const std::filesystem::path& dir,
                                                      const ExportOptions& options = {});

// ------------------------------------------------------------------ panels

// PanelOptions is in entente/questions.h, with the panel itself (panel()).

struct PanelSummary {
  std::size_t state_years = 0;  // rows written, header not counted
  std::size_t dyad_years = 0;
};

// The state-year and dyad-year tables of panel() as CSV with a header (every column in
// docs/export.md). Throws Error(kInvalid) for a bad span or day.
PanelSummary export_panel(const Reader& reader, std::ostream& state_year, std::ostream& dyad_year,
                          const PanelOptions& options);
// The same into `dir` (created when missing) as state_year.csv and dyad_year.csv.
PanelSummary export_panel(const Reader& reader, const std::filesystem::path& dir, const PanelOptions& options);

// ------------------------------------------------------------------ pictures (Graphviz)

// DOT of the ego network of `start` (Type:key, name or alias): the nodes within `hops`
// steps (the neighborhood query) and every edge between them, valid on `at` when given.
[[nodiscard]] std::string dot_neighborhood(const Reader& reader, std::string_view start, int hops, std::optional<Date> at = {},
                             const Limits& limits = {});
// DOT of the alliance blocs on `at` (the blocs query): one cluster per bloc with its states,
// its treaties and their PARTY_TO edges.
[[nodiscard]] std::string dot_blocs(const Reader& reader, Date at, const std::vector<std::string>& obligations = {"defense"},
                      const Limits& limits = {});
// DOT of a person's visits (the visits query) on a horizontal time axis, each a numbered
// mark labelled with its date, host and ordinal ("5th visit to Vietnam"). Positions are
// fixed (layout=neato with pinned nodes). Throws Error(kNotFound) for an unknown visitor.
[[nodiscard]] std::string dot_timeline(const Reader& reader, std::string_view visitor);

// Runs Graphviz's `dot` (found on PATH) on the DOT text, writing `out` in the format its
// extension names (.svg, .png, .pdf). Throws Error(kNotFound) when dot is not on PATH,
// Error(kInvalid) for another extension, and Error(kIO) with dot's own error text when it
// fails. `out` is written whole or not at all.
void render_graphviz(std::string_view dot, const std::filesystem::path& out);

}  // namespace entente
