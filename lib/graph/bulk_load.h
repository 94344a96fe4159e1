// The bulk load: lines of input into an empty database through sorted tables written
// directly and ingested in one step (docs/import.md, "Bulk loading"). The parsing of a line
// belongs to lib/io (the interchange format); the graph layer checks and encodes what it
// parsed, numbers the nodes and edges, resolves the edges' ends, sorts the keys and names
// and adjacency entries, and writes and ingests the tables.
#pragma once

#include <filesystem>
#include <string_view>
#include <variant>
#include <vector>

#include "entente/database.h"
#include "entente/load.h"

namespace entente::graph {

// Parses one line (not blank) into a node or an edge; throws Error naming what is wrong
// ("line {}" in the message stands for the line's number). Called from several threads.
using LineParser = std::variant<NodeInput, EdgeInput> (*)(std::string_view line);

// import_bulk (interchange.h) with `parse` reading each line.
ImportStats bulk_load(Database& db, const std::vector<std::filesystem::path>& files, const BulkImportOptions& options,
                      LineParser parse);

}  // namespace entente::graph
