// The JSON Lines interchange format (docs/interchange.md): one node or edge a line.
//
//   {"node":"State","key":"PRK","name":"North Korea","props":{"cow":731}}
//   {"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:prk-chn-1961"}
//
// Importing is idempotent (a node is identified by type and key, an edge by type, ends,
// valid-from and key), and dump output imported into an empty database dumps the same.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "entente/database.h"
#include "entente/load.h"
#include "entente/record.h"

namespace entente {

// Limits on hostile input (docs/interchange.md, "Limits"). Each keeps the memory and time
// spent on one line bounded; a line over a limit is refused with an Error naming it. The
// longest line, kMaxLineBytes (64 MiB), is in load.h.
//
// The deepest nesting of JSON arrays and objects in a line: 64 (a node line with a
// Treaty's articles needs 5). Deeper lines are refused before they are parsed.
inline constexpr int kMaxJsonDepth = 64;
// The most JSON values in a line, counted as array elements and object members (each ','
// and each '[' or '{' counts one): 1,000,000. A parsed value takes some 50 bytes or more, so
// this keeps a line's parse to tens of MiB where a 64 MiB line of "[[],[],..." would take
// over 1 GiB. (10,000 aliases and 10,000 citations need about 50,000.)
inline constexpr std::size_t kMaxJsonValues = 1000000;
// The longest field name (object key) anywhere in a line: 1 KiB.
inline constexpr std::size_t kMaxFieldNameBytes = 1024;

// Parses one line. Throws Error(kInvalid) naming the field and the reason: malformed JSON,
// ill-formed UTF-8, nesting deeper than kMaxJsonDepth, more than kMaxJsonValues values, a
// field name longer than kMaxFieldNameBytes, an unknown or repeated field, a value of the
// wrong type.
// A line is a node, an edge, or a deletion ({"delete": ...}, docs/interchange.md).
std::variant<NodeInput, EdgeInput, Deletion> parse_line(std::string_view line);

// The line for a node or an edge (edges need from_ref and to_ref), without a newline.
std::string to_line(const Node& node);
std::string to_line(const Edge& edge);

// Reads every line of `in` into the transaction. On the first bad line, throws Error
// whose message begins "<source>:<line>: " and leaves the transaction as it was before
// that line (the caller decides whether to commit the rest; import_files does not).
// A line longer than max_line_bytes (without its newline) is refused after reading at most
// max_line_bytes plus 64 KiB of it: "<source>:N: line N is longer than the limit of 64 MiB".
ImportStats import_jsonl(Transaction& txn, std::istream& in, std::string_view source,
                         const std::function<void(std::uint64_t lines)>& progress = {},
                         std::size_t max_line_bytes = kMaxLineBytes);

struct ImportOptions {
  // All files in one transaction (true), or one transaction per file (false). Default: false.
  bool single_transaction = false;
  // Called now and then with the file and the lines read so far. Default: none.
  std::function<void(const std::filesystem::path& file, std::uint64_t lines)> progress;
  // The longest line accepted, in bytes, without its newline. Default: kMaxLineBytes (64 MiB).
  std::size_t max_line_bytes = kMaxLineBytes;
  // What the commit log says of each transaction (Database::log). Default: empty, which
  // logs "import " and the files the transaction imported.
  std::string message{};
};

// Imports files ("-" is standard input). A file with a bad line is not applied at all;
// files before it (in their own transactions) stay. Throws Error on the first failure.
ImportStats import_files(Database& db, const std::vector<std::filesystem::path>& files,
                         const ImportOptions& options = {});

// The bulk load (docs/import.md, "Bulk loading"): imports JSON Lines files into a database
// that holds no nodes and no edges, by writing sorted tables and adding them to the
// database in one step (RocksDB SST ingestion), in memory bounded by options.memory
// whatever the files' size. The database is then what import_files would have written
// (the same records, indexes and ids). All files or nothing: on any error the database
// is unchanged. Stricter than import_files: each node (type and key) and each edge
// (identity) may appear once; a repeat is refused naming both lines.
// Throws Error: kConflict when the database holds nodes or edges (or is read-only),
// kInvalid or kNotFound naming "<file>:<line>: " for a bad line, kIO.
ImportStats import_bulk(Database& db, const std::vector<std::filesystem::path>& files,
                        const BulkImportOptions& options = {});

// Writes every node, then every edge, one a line, in a deterministic order: Document
// nodes first (so that citations resolve on import), then other node types by name,
// each in key order; then each node's outgoing edges, by type, other end, valid-from, key.
void dump_jsonl(const Reader& reader, std::ostream& out);

// What diff_jsonl wrote: nodes and edges added, replaced and deleted.
struct DiffStats {
  WriteCounts nodes, edges;  // created, updated (replaced) and removed
};
// Writes what changed from commit `from` to commit `to` (from < to; Database::log) as
// interchange lines that, imported into the database as it stood after `from`, make it
// as it stood after `to` (record time, docs/history.md): the edges deleted, then the nodes
// added or replaced, the edges added or replaced, and the nodes deleted; each group by id.
// A record written in between but back as it was is not listed. Throws as
// Database::snapshot_as_of does for a commit it cannot read.
DiffStats diff_jsonl(const Database& db, std::uint64_t from, std::uint64_t to, std::ostream& out);

}  // namespace entente
