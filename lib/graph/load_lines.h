// The transactional line import: import_jsonl (include/entente/interchange.h) on the graph
// layer. One thread reads each line, parses it (the fast reader's views where it can, the
// format's parser where it cannot), checks it and encodes its record (graph/prepared.h);
// the caller's thread puts what was prepared into the transaction, in the lines' order.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string_view>

#include "entente/database.h"
#include "entente/load.h"
#include "graph/line_format.h"

namespace entente::graph {

// Every line of `in` into the transaction. On the first bad line, throws Error whose
// message begins "<source>:<line>: ", and the transaction is as it was before that line.
ImportStats load_lines(Transaction& txn, std::istream& in, std::string_view source,
                       const std::function<void(std::uint64_t lines)>& progress, std::size_t max_line_bytes,
                       LineFormat format);

}  // namespace entente::graph
