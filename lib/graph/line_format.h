// How a line import reads its lines: the parser of the format (lib/io), and its fast reader
// into views where it has one. Shared by the bulk load (graph/bulk_load.h) and the
// transactional one (graph/load_lines.h).
#pragma once

#include <memory>
#include <string_view>
#include <variant>

#include "entente/record.h"
#include "graph/records.h"

namespace entente::graph {

// Parses one line (not blank) into a node or an edge; throws Error naming what is wrong
// ("line {}" in the message stands for the line's number). Called from several threads.
using LineParser = std::variant<NodeInput, EdgeInput, Deletion> (*)(std::string_view line);

// A line read into views (valid until the reader reads the next line).
struct LineView {
  bool is_node = true;
  NodeView node;
  EdgeView edge;
};

// Reads lines into views, fast, for the lines it can read exactly as the LineParser
// would. One per parsing thread.
class LineReader {
 public:
  virtual ~LineReader() = default;
  // Reads `line` into `out`. `capacity` is the readable bytes from line.data() on, at
  // least line.size() plus 64 (simdjson's padding). False when the line is outside what
  // it reads or is not a good line: the import then parses it with the LineParser,
  // whose reading or error is the one that counts. The text it gives is valid UTF-8
  // (graph/records.h, the views), as simdjson checks a whole line, escapes included.
  virtual bool read(std::string_view line, std::size_t capacity, LineView& out) = 0;
};

// How lines are read: `parse` reads any line (and names what is wrong); `fast`, when
// given, makes a LineReader for each parsing thread.
struct LineFormat {
  LineParser parse = nullptr;
  std::unique_ptr<LineReader> (*fast)() = nullptr;
};

}  // namespace entente::graph
