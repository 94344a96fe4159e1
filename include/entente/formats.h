// Importing the field's data sets as they are distributed: COW, ATOP, Archigos, GDELT,
// ICEWS, the U.S. Office of the Historian's records, and generic node and edge CSV
// (docs/import.md). Each maps its rows onto the typed schema; states are resolved through
// one country crosswalk (data/countries.md), so every format names a state by one node.
//
//   auto stats = entente::import_format(*db, "cow-alliances", {"alliance_v4.1_by_member.csv"});
//
// An import is one transaction (unless commit_every asks for batches): by default the first
// bad row fails it and the database is unchanged; with skip_bad_rows, bad rows are left out whole and listed. Importing the same
// file again changes nothing (the stats count the rows' records as unchanged).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/database.h"

namespace entente {

struct FormatInfo {
  std::string name;         // "cow-states"
  std::string description;  // one line
};

// The formats import_format() reads, "jsonl" (docs/interchange.md) first.
const std::vector<FormatInfo>& import_formats();

struct FormatProgress {
  std::filesystem::path file;
  std::uint64_t bytes = 0;        // read so far in this file
  std::uint64_t total_bytes = 0;  // the file's size; 0 when unknown (standard input)
  std::uint64_t rows = 0;         // rows read so far, all files
};

struct SkippedRow {
  std::string where;   // "file:line"
  std::string reason;
};

struct FormatImportOptions {
  // Leave bad rows out (each whole: none of its records is written) and import the rest,
  // instead of failing. Default: false.
  bool skip_bad_rows = false;
  // Called now and then while reading. Default: none.
  std::function<void(const FormatProgress&)> progress;
  // Commit after every this many rows and begin a new transaction, so that memory stays
  // bounded however large the input (a GDELT file larger than memory). 0: the whole import
  // is one transaction. Default: 0. With it, a bad row stops the import with the rows
  // before its batch committed; fix the row and import again (an import is idempotent).
  std::uint64_t commit_every = 0;
  // How many skipped rows to list in the stats (all are counted). Default: 1,000.
  std::size_t max_skipped_listed = 1000;
  // A table of leaders' name variants (the columns of data/person-names.csv) tried before
  // the built-in one, so that two spellings of one leader make one Person. Default: none.
  std::filesystem::path person_names{};
  // What the commit log says of each transaction (Database::log). Default: empty, which
  // logs "import FORMAT " and the files.
  std::string message{};
};

struct FormatImportStats {
  std::uint64_t files = 0;
  std::uint64_t rows = 0;     // data rows read (headers and blank lines not counted)
  std::uint64_t skipped = 0;  // bad rows left out (skip_bad_rows) or rows the format ignores
  std::uint64_t commits = 0;  // transactions committed (1 unless commit_every)
  WriteCounts nodes;          // what the import did to nodes ...
  WriteCounts edges;          // ... and to edges
  std::vector<SkippedRow> skipped_rows;  // the first max_skipped_listed of them
  // Rows imported with a value left out or replaced (a malformed birth date where the
  // birth year is given): counted, and the first max_skipped_listed listed.
  std::uint64_t warned = 0;
  std::vector<SkippedRow> warnings;
};

// Imports files ("-" is standard input) of one format in one transaction. Throws
// Error(kInvalid) for an unknown format (naming the nearest), and for a bad row
// "<file>:<line>: <reason>" (unless skip_bad_rows), in which case nothing is written.
FormatImportStats import_format(Database& db, std::string_view format,
                                const std::vector<std::filesystem::path>& files,
                                const FormatImportOptions& options = {});

}  // namespace entente
