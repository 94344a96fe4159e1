// The bulk load: lines of input into an empty database through sorted tables written
// directly and ingested in one step (docs/import.md, "Bulk loading"). The parsing of a line
// belongs to lib/io (the interchange format); the graph layer checks and encodes what it
// parsed, numbers the nodes and edges, resolves the edges' ends, sorts the keys and names
// and adjacency entries, and writes and ingests the tables.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "entente/database.h"
#include "entente/load.h"
#include "graph/line_format.h"

namespace entente::graph {

// import_bulk (interchange.h): the lines of `files` into the empty database.
ImportStats bulk_load(Database& db, const std::vector<std::filesystem::path>& files, const BulkImportOptions& options,
                      LineFormat format);

}  // namespace entente::graph
