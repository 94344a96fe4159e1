// import_bulk (include/entente/interchange.h): the interchange format's lines, loaded by
// the graph layer's bulk load (graph/bulk_load.h), read by the fast reader where it can
// (io/jsonl_fast.h) and by parse_line where it cannot.
#include "entente/interchange.h"
#include "graph/bulk_load.h"
#include "io/jsonl_fast.h"

namespace entente {

ImportStats import_bulk(Database& db, const std::vector<std::filesystem::path>& files, const BulkImportOptions& options) {
  return graph::bulk_load(db, files, options, {&parse_line, &make_fast_line_reader});
}

}  // namespace entente
