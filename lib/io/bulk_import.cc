// import_bulk (include/entente/interchange.h): the interchange format's lines, loaded by
// the graph layer's bulk load (graph/bulk_load.h).
#include "entente/interchange.h"
#include "graph/bulk_load.h"

namespace entente {

ImportStats import_bulk(Database& db, const std::vector<std::filesystem::path>& files, const BulkImportOptions& options) {
  return graph::bulk_load(db, files, options, &parse_line);
}

}  // namespace entente
