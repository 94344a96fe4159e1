// Shared pieces of the entente command's subcommands.
#pragma once

#include <cstddef>
#include <cstdio>
#include <utility>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "entente/entente.h"

namespace entente::cli {

// Exit statuses.
inline constexpr int kOk = 0;
inline constexpr int kDataError = 1;   // a data or query error
inline constexpr int kUsageError = 2;  // bad arguments

// Options every subcommand has.
struct Common {
  std::string db;
  bool json = false;
  std::string as_of;  // --as-of: "#N" or an ISO 8601 time; empty: the present
};

// Adds --db (required) and, when with_json, --json to a subcommand.
void add_common(CLI::App& cmd, Common& common, bool with_json = true);

// Adds --as-of TIME|#N to a subcommand that reads (record time, docs/history.md).
void add_as_of(CLI::App& cmd, Common& common);
// The snapshot a reading subcommand reads: the present, or as of --as-of.
std::unique_ptr<Snapshot> snapshot_of(const Database& db, const Common& common);
// Opens the database for reading (it must exist) or for writing (created if missing).
std::unique_ptr<Database> open_for_read(const std::string& dir);
std::unique_ptr<Database> open_for_write(const std::string& dir, const Options& options = {});

// "State:PRK (Democratic People's Republic of Korea)"
std::string describe(const Node& n);
// "key=value, key=value" for display.
std::string describe_props(const Props& props);
// "[1961-09-10, open)", or "always" when no validity is given.
std::string describe_valid(const std::optional<Interval>& valid);
// The validity that holds for a neighbour: the edge's own, else (a PARTY_TO edge following
// its treaty) the node's: "[1961-09-10, open)", "in force [2024-12-04, open)", "always".
std::string describe_step(const Node& start, const Neighbor& n);
// Prints a node's properties, one a line, lists of objects one element a line.
void print_props(const Props& props, const char* indent);
// "pism-89-2024 (para 2): “quote”"
std::string describe_citation(const Citation& c);

// A JSON object of a node or an edge, as in the interchange format, with its id.
nlohmann::ordered_json node_json(const Node& n);
nlohmann::ordered_json edge_json(const Edge& e);

// Parses a DATE argument; throws CLI::ValidationError when it is not a date.
Date parse_date_arg(const std::string& text, const char* option);

// ---- shared by the query subcommands (allies, path, blocs, visits, treaties, ...)

// Adds a repeatable --obligation option, checked against the ATOP obligations.
CLI::Option* add_obligation_option(CLI::App& cmd, std::vector<std::string>& chosen);
// The obligations asked for, or {"defense"} when none was given.
std::vector<std::string> obligations_or_default(const std::vector<std::string>& given);

// A node named in a result: {"key": "State:PRK", "name": "..."}.
nlohmann::ordered_json ref_json(const Node& n);
// An array of ref_json.
nlohmann::ordered_json refs_json(const std::vector<Node>& nodes);
// Citations as in the interchange format: [{"doc": ..., "locator": ..., "quote": ...}],
// empty locator and quote left out.
// {"from": ..., "to": ...} with a missing bound left out, or null when no validity is given.
nlohmann::ordered_json valid_json(const std::optional<Interval>& valid);
// A treaty or agreement: ref_json plus "signed" (null when unknown), "valid" (its period in
// force, valid_json) and "sources".
nlohmann::ordered_json treaty_json(const Node& t);
// One step of a path: {"from": ref_json, "edge": edge_json, "reversed": bool, "to": ref_json}.
nlohmann::ordered_json step_json(const PathStep& s);
// A term of office: {"person": ref_json, "office": "...", "of": ref_json, "valid": valid_json,
// "sources": to_json(sources)} (validity and sources of the HOLDS_OFFICE edge).
nlohmann::ordered_json office_term_json(const OfficeTerm& t);

// "State:KOR (Republic of Korea) -MEMBER_OF-> Organization:un (United Nations)", with
// "<-MEMBER_OF-" when the step runs against the edge; with_names false: refs only.
std::string describe_path_step(const PathStep& s, bool with_names = true);
// A property as text (a string as it is, anything else as JSON); empty when absent or null.
std::string prop_text(const Properties& props, const char* key);
// The same for a JSON object (a Treaty's article).
std::string prop_text(const Props& object, const char* key);
// "pism-89-2024 (para 2)": a citation without its quote.
std::string describe_source(const Citation& c);
// Each document and place once ("doc (locator)"), in first-cited order.
std::vector<std::string> distinct_sources(const std::vector<Citation>& sources);
// The text cut to at most max_chars characters (UTF-8), ending in "..." when cut.
std::string shorten(std::string_view text, std::size_t max_chars = 100);
// A short name for display: the first alias when shorter than the name ("North Korea"),
// else the name, else the key.
std::string short_name(const Node& n);
// "in force [1961-09-10, open)", or "not in force" for a treaty without validity.
std::string describe_in_force(const Node& treaty);
// "1st", "2nd", "3rd", "4th", "11th", "21st".
std::string numeral_ordinal(int n);
// "s" unless n == 1.
inline const char* plural(std::size_t n) { return n == 1 ? "" : "s"; }

// ---- shared by query and shell

enum class OutputFormat { kTable, kJson, kCsv };
// "table", "json" or "csv"; throws CLI::ValidationError otherwise.
OutputFormat parse_format(const std::string& text);
// A query's result: a table with a "(N rows)" line, a JSON array of objects (one per row,
// keyed by column) or CSV with a header line (null as an empty field).
void print_result(const QueryResult& r, OutputFormat format, std::FILE* out = stdout);
// "name=value": the value as JSON when it parses as JSON (3, true, "x", [1,2]), else as
// text (PRK, 2024-12-31). Throws CLI::ValidationError for a missing '=' or a bad name.
std::pair<std::string, Value> parse_param(const std::string& text);
// Letters, digits and '_', at least one: what $name may be.
bool is_param_name(std::string_view name);
// True when the statement starts with EXPLAIN or PROFILE (its result is the plan, printed as lines).
bool is_explain(std::string_view text);

// --timeout SECONDS (default 60; 0: none) and --memory-limit SIZE (default 4G; 0: none) on a
// command that runs queries (kQuery) or walks the graph (kWalk: paths, neighbourhoods,
// blocs, ...); limits() gives them as the API takes them.
struct LimitOptions {
  double timeout = 60;
  std::string memory = "4G";
  Limits limits() const;
};
enum class Bounded { kQuery, kWalk };
void add_limits(CLI::App& cmd, LimitOptions& options, Bounded what = Bounded::kQuery);

// A subcommand registers its options on `app` and returns the function that runs it.
using Runner = std::function<int()>;
Runner add_import(CLI::App& app);
Runner add_dump(CLI::App& app);
Runner add_stats(CLI::App& app);
Runner add_log(CLI::App& app);
Runner add_history_command(CLI::App& app);  // not add_history: readline has one
Runner add_diff(CLI::App& app);
Runner add_compact_history(CLI::App& app);
Runner add_get(CLI::App& app);
Runner add_neighbors(CLI::App& app);
Runner add_schema(CLI::App& app);
Runner add_allies(CLI::App& app);
Runner add_path(CLI::App& app);
Runner add_blocs(CLI::App& app);
Runner add_centrality(CLI::App& app);
Runner add_neighborhood(CLI::App& app);
Runner add_visits(CLI::App& app);
Runner add_officeholders(CLI::App& app);
Runner add_offices(CLI::App& app);
Runner add_treaties(CLI::App& app);
Runner add_check(CLI::App& app);
Runner add_backup(CLI::App& app);
Runner add_restore(CLI::App& app);
Runner add_salvage(CLI::App& app);
Runner add_export(CLI::App& app);
Runner add_render(CLI::App& app);
Runner add_query(CLI::App& app);
Runner add_shell(CLI::App& app);

}  // namespace entente::cli
