// What loading a database takes and reports, whatever the format read: the longest line
// accepted, the counts of an import and the bulk load's options. The formats are in
// interchange.h (JSON Lines) and formats.h (the field's data sets).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace entente {

// The default longest line, in bytes, without its newline: 64 MiB. import_jsonl reads no
// more than this (plus a small buffer) before refusing a line (docs/interchange.md, "Limits").
inline constexpr std::size_t kMaxLineBytes = std::size_t{64} << 20;

struct ImportStats {
  std::uint64_t lines = 0;  // lines read, blank ones included
  std::uint64_t nodes = 0;  // node lines
  std::uint64_t edges = 0;  // edge lines
  std::uint64_t deletions = 0;  // deletion lines that removed a node or an edge
  std::uint64_t absent = 0;     // deletion lines whose node or edge was not there (nothing to do)
};

struct BulkImportOptions {
  // Memory for the names and the adjacency, in bytes: a quarter sorts the names, the rest
  // holds the adjacency (36 bytes an edge). What does not fit is sorted in runs on disk and
  // merged. Default: 384 MiB, which holds the adjacency of some 8 million edges. Peak
  // memory is about this, plus the index of node keys (docs/import.md, "Bounded memory"),
  // plus the blocks of lines being read.
  std::size_t memory = std::size_t{384} << 20;
  // Threads parsing lines. Default: 2.
  unsigned threads = 2;
  // Where the sorted runs and tables are written before they join the database; it must
  // not exist, and is removed afterwards. Default: "<database>.bulk-<pid>" next to the
  // database, on the same file system, so that the tables are moved in, not copied.
  std::filesystem::path temp_dir{};
  // Called now and then with the file and the lines read so far. Default: none.
  std::function<void(const std::filesystem::path& file, std::uint64_t lines)> progress;
  // The longest line accepted, in bytes, without its newline. Default: kMaxLineBytes.
  std::size_t max_line_bytes = kMaxLineBytes;
  // What the commit log says of the load (Database::log). Default: empty.
  std::string message{};
};

}  // namespace entente
