// The machinery shared by the format importers (include/entente/formats.h): the row loop
// with savepoints, merging into existing records, the datasets' Document nodes and the
// resolution of states through the crosswalk.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/database.h"
#include "entente/formats.h"
#include "io/crosswalk.h"
#include "io/names.h"
#include "io/table.h"

namespace entente::io {

class ImportContext {
 public:
  // Begins the import's (first) transaction.
  ImportContext(Database& db, const FormatImportOptions& options, FormatImportStats& stats);

  Transaction& txn() { return *txn_; }
  // Commits the last transaction and adds the write counts to the stats.
  void finish();
  const Crosswalk& countries() const { return *countries_; }
  // The leaders' name variants: the built-in table, with FormatImportOptions::person_names
  // tried first.
  const PersonNames& person_names() const { return person_names_; }

  // The file being read (as named in errors) and its size (0: unknown).
  void begin_file(std::filesystem::path file, std::string source, std::uint64_t size);
  const std::string& source() const { return source_; }

  // Runs one row's writes as a unit: on Error they are all undone, and the row is skipped
  // (skip_bad_rows) or the error rethrown as "<source>:<line>: <reason>"; on LeftOut they
  // are undone and the row is skipped.
  void row(std::uint64_t line, const std::function<void()>& body);
  // Notes that the current row was imported with a value left out or replaced.
  void warn(std::uint64_t line, std::string_view what);
  // Reports progress (rate-limited by the caller: call it every few thousand rows).
  void progress(std::uint64_t bytes);

  // How a merge treats the validity of an existing node: take the new one (with its gaps),
  // keep the old (with its gaps), or the smallest interval holding both (keeping the old
  // gaps the new validity does not touch).
  enum class Validity { kReplace, kKeepExisting, kHull };
  // Writes the node, merged into an existing one with the same type and key: its name
  // stays (the new name becomes an alias), aliases and sources are united, the new
  // properties are laid over the old, validity as asked.
  NodeId merge_node(NodeInput in, Validity validity = Validity::kReplace);
  // Writes the edge, merged into an existing one of the same identity (type, ends,
  // valid-from, key): properties laid over, sources united.
  EdgeId merge_edge(EdgeInput in);
  // Writes the Document node when there is none with its key (an existing one is kept).
  void ensure_document(const NodeInput& doc);
  // The State node for a crosswalk row, created from the row (name, aliases, codes) when
  // missing. Returns its reference.
  NodeRef ensure_state(const Country& c, const std::vector<Citation>& sources = {});
  // The node ensure_state() would write for a crosswalk row (to lay a row's own facts
  // over before merge_node(), so that a new state is written once).
  NodeInput state_node(const Country& c) const;

 private:
  // Commits the transaction and begins the next (options.commit_every).
  void flush();
  // Counts a row left out, listing it (up to max_skipped_listed) with the reason.
  void skip(std::uint64_t line, std::string_view reason);

  Database& db_;
  std::unique_ptr<Transaction> txn_;
  std::uint64_t rows_in_txn_ = 0;
  const FormatImportOptions& options_;
  FormatImportStats& stats_;
  const Crosswalk* countries_;
  PersonNames person_names_;
  std::filesystem::path file_;
  std::string source_;
  std::uint64_t size_ = 0;
};

// ---- The record loop every format shares.
//
// A format declares its layout (a table's columns and missing-value codes, or an XML
// file's record element), and maps one record to nodes and edges. The framework reads the
// records, checks each one's shape, runs each mapping as one unit of writes
// (ImportContext::row: undone whole on an error, which is reported at "<source>:<line>"),
// reports progress and counts what was imported, skipped and warned of.

// Thrown by a mapping to leave its record out on purpose (a country the crosswalk leaves
// out, not an error): the record's writes are undone and it is counted as skipped, with
// the reason, whether or not bad rows are skipped.
struct LeftOut {
  std::string reason;
};

// Maps every record of `reader` (anything with next(record) and bytes(): TableReader,
// XmlRecordReader) through `map(record)`, each as one unit, with progress every `every`
// records and at the end.
template <class Reader, class Record, class Map>
void each_record(ImportContext& ctx, Reader& reader, Record& record, std::uint64_t every, Map&& map) {
  std::uint64_t n = 0;
  while (reader.next(record)) {
    ctx.row(record.line, [&] { map(static_cast<const Record&>(record)); });
    if (++n % every == 0) ctx.progress(reader.bytes());
  }
  ctx.progress(reader.bytes());
}

// A table format's layout: CSV or tab-separated, with a header row naming its columns
// (or, header = false, none: columns are then read by position).
struct TableLayout {
  TableFormat format{};
  bool header = true;
  std::vector<std::string_view> required{};  // columns the header must name
  std::vector<std::string_view> missing{};   // the format's codes for a missing value ("NA", "-999")
  // Whether every row must have as many fields as the header (a format whose rows vary,
  // GDELT's, checks its own).
  bool same_width = true;
  std::uint64_t progress_every = 256;
};

// One row of a table, as a format's mapping reads it: fields by column name (or position),
// trimmed, a missing-value code read as blank. Errors name the column: "column 'x': ...".
// A column the header does not name (an optional one) reads as blank.
class TableRecord {
 public:
  TableRecord(const TableRow& row, const TableHeader& header, const TableLayout& layout)
      : row_(row), header_(header), layout_(layout) {}

  std::uint64_t line() const { return row_.line; }
  const TableRow& row() const { return row_; }

  // The field as read (untrimmed); empty when the header has no such column.
  std::string_view raw(std::string_view column) const;
  // The field at a position (0-based), trimmed; empty past the row's end.
  std::string_view at(std::size_t index) const;
  // The field trimmed; empty when blank or a missing-value code.
  std::string text(std::string_view column) const;
  // The same, required: Error(kInvalid) "column 'x' is blank" when it is.
  std::string required(std::string_view column) const;
  std::optional<std::int64_t> integer(std::string_view column) const;
  std::int64_t required_integer(std::string_view column) const;
  std::optional<double> number(std::string_view column) const;
  // A date (YYYY, YYYY-MM or YYYY-MM-DD); nullopt when blank.
  std::optional<Date> date(std::string_view column) const;
  // A date from year, month and day columns (blank month or day: a partial date);
  // nullopt when the year is blank.
  std::optional<Date> date(std::string_view year, std::string_view month, std::string_view day) const;

 private:
  // The field trimmed; nullopt when blank or a missing-value code.
  std::optional<std::string_view> value(std::string_view column) const;

  const TableRow& row_;
  const TableHeader& header_;
  const TableLayout& layout_;
};

// Reads a table: its header (each required column must be there; `on_header`, when given,
// checks the rest), then maps every row through `map`, as each_record() does, after
// checking its width (TableLayout::same_width) and that it is well-formed UTF-8.
void read_table(ImportContext& ctx, std::istream& in, const TableLayout& layout,
                const std::function<void(const TableRecord&)>& map,
                const std::function<void(const TableHeader&)>& on_header = {});

// One format: reads a stream, calling ctx.row() for each row.
struct Format {
  std::string_view name;
  std::string_view description;
  void (*read)(ImportContext& ctx, std::istream& in);
};

// The formats, by file (import_cow.cc, ...).
void read_cow_states(ImportContext& ctx, std::istream& in);
void read_cow_alliances(ImportContext& ctx, std::istream& in);
void read_atop(ImportContext& ctx, std::istream& in);
void read_archigos(ImportContext& ctx, std::istream& in);
void read_gdelt(ImportContext& ctx, std::istream& in);      // import_gdelt.cc
void read_icews(ImportContext& ctx, std::istream& in);      // import_icews.cc
void read_us_trips(ImportContext& ctx, std::istream& in);   // import_us_history.cc
void read_us_visits(ImportContext& ctx, std::istream& in);  // import_us_history.cc
void read_csv(ImportContext& ctx, std::istream& in);        // import_csv.cc

// A state's PARTY_TO edge to Treaty:`treaty_key` over a crosswalk piece (the state, and
// the part of the membership it covers), carrying the member's obligations and citation.
EdgeInput party_to(ImportContext& ctx, const Crosswalk::Piece& piece, const std::string& treaty_key,
                   const std::vector<std::string>& obligations, const Citation& cite);

// The union of a treaty's stored obligations and `more`, in schema order.
std::vector<std::string> unite_obligations(const Transaction& txn, const NodeRef& treaty,
                                           const std::vector<std::string>& more);

// Date helpers shared by the formats.
// A date from year, month and day columns, any of which may be blank or a missing-value
// code (then the date is partial: 1961-07 or 1961); nullopt when the year is missing.
std::optional<Date> ymd_date(std::optional<std::int64_t> y, std::optional<std::int64_t> m,
                             std::optional<std::int64_t> d, std::string_view what);
// The day after a date given as its last day (an inclusive end made exclusive); partial
// dates end after their month or year.
Date day_after(const Date& last);

// Warns of the parts of [from, to) that no piece covers: days on which a code names no
// state in the crosswalk (Archigos's Serbia, 340, from 2006-06-04, a day before the
// crosswalk's Serbia begins). Those days are left out of the row's edges; the warning says
// so, naming `what` (the row's code).
void warn_uncovered(ImportContext& ctx, std::uint64_t line, std::string_view what,
                    const std::vector<Crosswalk::Piece>& pieces, const Date& from, const std::optional<Date>& to);

}  // namespace entente::io
