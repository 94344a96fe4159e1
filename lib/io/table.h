// Streaming reader of delimited text tables: CSV (RFC 4180 quoting) and tab-separated
// files. Reads one record at a time with bounded memory, accepts LF, CRLF and bare CR
// line endings, and counts physical lines so that errors name the line a record starts on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace entente::io {

struct TableFormat {
  char delimiter = ',';
  // Whether '"' quotes fields (CSV). Without quoting (GDELT, ICEWS), a '"' is an ordinary
  // character and a field cannot hold the delimiter or a line break.
  bool quoting = true;
  // The longest record accepted, in bytes: 1 MiB. A longer one is an error, read no further.
  std::size_t max_record_bytes = std::size_t{1} << 20;
  // The most fields in a record: 4,096.
  std::size_t max_fields = 4096;
};

// One record: its fields and the line it starts on (1-based).
struct TableRow {
  std::uint64_t line = 0;
  std::vector<std::string> fields;
};

class TableReader {
 public:
  // `source` names the input in errors ("states2016.csv").
  TableReader(std::istream& in, std::string source, TableFormat format = {});

  // Reads the next record into row; false at the end of input. A blank line (no bytes
  // before its line ending) is skipped. Throws Error(kInvalid) "<source>:<line>: <reason>"
  // for a record over the limits, an unterminated quote, or bytes after a closing quote.
  bool next(TableRow& row);

  // Bytes consumed so far (for progress).
  std::uint64_t bytes() const { return bytes_; }
  const std::string& source() const { return source_; }

 private:
  int get();
  void unget(int c);

  std::istream& in_;
  std::string source_;
  TableFormat format_;
  std::uint64_t line_ = 1;
  std::uint64_t bytes_ = 0;
  int pending_ = -1;
};

// The columns of a table, from its header row. Lookups are case-sensitive, as the data
// sets' documentation spells them.
class TableHeader {
 public:
  TableHeader() = default;
  TableHeader(const TableRow& header, std::string source);

  // The column's index. Throws Error(kInvalid) "<source>:<line>: no column 'x' in the
  // header (did you mean ...?)" when missing.
  std::size_t require(std::string_view name) const;
  std::optional<std::size_t> find(std::string_view name) const;
  const std::vector<std::string>& names() const { return names_; }
  std::size_t size() const { return names_.size(); }
  // The line the header is on.
  std::uint64_t line() const { return line_; }

 private:
  std::vector<std::string> names_;
  std::string source_;
  std::uint64_t line_ = 1;
};

// Row checks for row-level parsing, each throwing Error(kInvalid): check_utf8 names the first
// field (1-based) that is not well-formed UTF-8 (the graph stores text as UTF-8); check_row
// also requires `columns` fields ("12 fields where the header has 20").
void check_utf8(const TableRow& row);
void check_row(const TableRow& row, std::size_t columns);

// Field helpers for row-level parsing: each throws Error(kInvalid) "column 'x': reason".
// Surrounding spaces are ignored.
std::string_view trim(std::string_view s);
// The items of a ';'-separated cell ("Russia;USSR"), each trimmed; empty items are kept
// (the caller decides whether a blank one is an error).
std::vector<std::string_view> split_list(std::string_view cell);
// An integer; nullopt when the field is blank or one of `missing` (e.g. "NA", "-999").
std::optional<std::int64_t> int_field(std::string_view value, std::string_view column,
                                      const std::vector<std::string_view>& missing = {});
std::optional<double> float_field(std::string_view value, std::string_view column,
                                  const std::vector<std::string_view>& missing = {});

}  // namespace entente::io
