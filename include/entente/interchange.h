// The JSON Lines interchange format (docs/interchange.md): one node or edge a line.
//
//   {"node":"State","key":"PRK","name":"North Korea","props":{"cow":731}}
//   {"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:prk-chn-1961"}
//
// Importing is idempotent (a node is identified by type and key, an edge by type, ends,
// valid-from and key), and dump output imported into an empty database dumps the same.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "entente/database.h"
#include "entente/record.h"

namespace entente {

// Parses one line. Throws Error(kInvalid) naming the field and the reason.
std::variant<NodeInput, EdgeInput> parse_line(std::string_view line);

// The line for a node or an edge (edges need from_ref and to_ref), without a newline.
std::string to_line(const Node& node);
std::string to_line(const Edge& edge);

struct ImportStats {
  std::uint64_t lines = 0;  // lines read, blank ones included
  std::uint64_t nodes = 0;  // node lines
  std::uint64_t edges = 0;  // edge lines
};

// Reads every line of `in` into the transaction. On the first bad line, throws Error
// whose message begins "<source>:<line>: " and leaves the transaction as it was before
// that line (the caller decides whether to commit the rest; import_files does not).
ImportStats import_jsonl(Transaction& txn, std::istream& in, std::string_view source,
                         const std::function<void(std::uint64_t lines)>& progress = {});

struct ImportOptions {
  // All files in one transaction (true), or one transaction per file (false). Default: false.
  bool single_transaction = false;
  // Called now and then with the file and the lines read so far. Default: none.
  std::function<void(const std::filesystem::path& file, std::uint64_t lines)> progress;
};

// Imports files ("-" is standard input). A file with a bad line is not applied at all;
// files before it (in their own transactions) stay. Throws Error on the first failure.
ImportStats import_files(Database& db, const std::vector<std::filesystem::path>& files,
                         const ImportOptions& options = {});

// Writes every node, then every edge, one a line, in a deterministic order: Document
// nodes first (so that citations resolve on import), then other node types by name,
// each in key order; then each node's outgoing edges, by type, other end, valid-from, key.
void dump_jsonl(const Reader& reader, std::ostream& out);

}  // namespace entente
