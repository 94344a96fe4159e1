// Shared pieces of the entente command's subcommands.
#pragma once

#include <memory>
#include <string>
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
};

// Adds --db (required) and, when with_json, --json to a subcommand.
void add_common(CLI::App& cmd, Common& common, bool with_json = true);

// Opens the database for reading (it must exist) or for writing (created if missing).
std::unique_ptr<Database> open_for_read(const std::string& dir);
std::unique_ptr<Database> open_for_write(const std::string& dir);

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

// A subcommand registers its options on `app` and returns the function that runs it.
using Runner = std::function<int()>;
Runner add_import(CLI::App& app);
Runner add_dump(CLI::App& app);
Runner add_stats(CLI::App& app);
Runner add_get(CLI::App& app);
Runner add_neighbors(CLI::App& app);
Runner add_schema(CLI::App& app);

}  // namespace entente::cli
