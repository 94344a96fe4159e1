// The format registry, the import driver and the merge rules (lib/io/importer.h).
#include "io/importer.h"

#include <algorithm>
#include <fstream>
#include <set>

#include <fmt/ranges.h>

#include "common/error.h"
#include "common/text.h"
#include "entente/interchange.h"
#include "io/stdin.h"

namespace entente {
namespace io {
namespace {

const std::vector<Format>& formats() {
  static const std::vector<Format> all = {
      {"cow-states", "Correlates of War State System Membership (states2016.csv): states and their spells",
       read_cow_states},
      {"cow-alliances", "Correlates of War Formal Alliances v4.1, by member: treaties and member spells",
       read_cow_alliances},
      {"atop", "ATOP member-level file: alliances, member spells and each member's obligations", read_atop},
      {"archigos", "Archigos leaders: Person nodes and their spells in office (HOLDS_OFFICE)", read_archigos},
      {"gdelt", "GDELT 1.0 or 2.0 event export (tab-separated, no header): events, visits (042, 043), agreements (057)",
       read_gdelt},
      {"icews", "ICEWS coded event data (.tab): events, visits (042, 043), agreements (057)", read_icews},
      {"us-trips", "U.S. Office of the Historian, presidents' foreign trips (XML): visits", read_us_trips},
      {"us-visits", "U.S. Office of the Historian, visits of foreign leaders to the U.S. (XML): visits",
       read_us_visits},
      {"csv", "generic node or edge CSV with a header (type,key,... or type,from,to,...): docs/import.md", read_csv},
  };
  return all;
}

}  // namespace

ImportContext::ImportContext(Database& db, const FormatImportOptions& options, FormatImportStats& stats)
    : db_(db),
      txn_(db.begin()),
      options_(options),
      stats_(stats),
      countries_(&Crosswalk::builtin()),
      person_names_(PersonNames::builtin()) {
  txn_->set_message(options.message);
  if (!options.person_names.empty()) {
    std::ifstream in(options.person_names, std::ios::binary);
    if (!in)
      throw Error(ErrorKind::kIO, fmt::format("{}: cannot read the person-name table", options.person_names.string()));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    person_names_.add(PersonNames::parse(text, options.person_names.string()));
  }
}

namespace {

void add_counts(WriteCounts& into, const WriteCounts& c) {
  into.created += c.created;
  into.updated += c.updated;
  into.unchanged += c.unchanged;
  into.removed += c.removed;
}

}  // namespace

void ImportContext::flush() {
  add_counts(stats_.nodes, txn_->node_counts());
  add_counts(stats_.edges, txn_->edge_counts());
  txn_->commit();
  ++stats_.commits;
  txn_ = db_.begin();
  txn_->set_message(options_.message);
  rows_in_txn_ = 0;
}

void ImportContext::finish() {
  add_counts(stats_.nodes, txn_->node_counts());
  add_counts(stats_.edges, txn_->edge_counts());
  txn_->commit();
  ++stats_.commits;
  txn_.reset();
}

void ImportContext::begin_file(std::filesystem::path file, std::string source, std::uint64_t size) {
  file_ = std::move(file);
  source_ = std::move(source);
  size_ = size;
}

void ImportContext::row(std::uint64_t line, const std::function<void()>& body) {
  ++stats_.rows;
  txn_->savepoint();
  const auto warned = stats_.warned;
  const auto warnings = stats_.warnings.size();
  // The row's writes undone; a row left out leaves no warnings either.
  auto undo = [&] {
    txn_->rollback_to_savepoint();
    stats_.warned = warned;
    stats_.warnings.resize(warnings);
  };
  try {
    body();
    txn_->release_savepoint();
  } catch (const LeftOut& out) {
    undo();
    skip(line, out.reason);
    return;
  } catch (const Error& e) {
    undo();
    if (!options_.skip_bad_rows) throw Error(e.kind(), fmt::format("{}:{}: {}", source_, line, e.what()));
    skip(line, e.what());
    return;
  }
  if (options_.commit_every > 0 && ++rows_in_txn_ >= options_.commit_every) flush();
}

std::string_view TableRecord::raw(std::string_view column) const {
  auto i = header_.find(column);
  if (!i || *i >= row_.fields.size()) return {};
  return row_.fields[*i];
}

std::string_view TableRecord::at(std::size_t index) const {
  return index < row_.fields.size() ? trim(row_.fields[index]) : std::string_view();
}

std::optional<std::string_view> TableRecord::value(std::string_view column) const {
  auto v = trim(raw(column));
  if (v.empty() || std::find(layout_.missing.begin(), layout_.missing.end(), v) != layout_.missing.end()) {
    return std::nullopt;
  }
  return v;
}

std::string TableRecord::text(std::string_view column) const { return std::string(value(column).value_or("")); }

std::string TableRecord::required(std::string_view column) const {
  auto v = value(column);
  if (!v) throw invalid("column '{}' is blank", column);
  return std::string(*v);
}

std::optional<std::int64_t> TableRecord::integer(std::string_view column) const {
  return int_field(raw(column), column, layout_.missing);
}

std::int64_t TableRecord::required_integer(std::string_view column) const {
  auto v = integer(column);
  if (!v) throw invalid("column '{}' is blank", column);
  return *v;
}

std::optional<double> TableRecord::number(std::string_view column) const {
  return float_field(raw(column), column, layout_.missing);
}

std::optional<Date> TableRecord::date(std::string_view column) const {
  auto v = value(column);
  if (!v) return std::nullopt;
  auto d = Date::try_parse(*v);
  if (!d) throw invalid("column '{}': '{}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", column, v->substr(0, 40));
  return d;
}

std::optional<Date> TableRecord::date(std::string_view year, std::string_view month, std::string_view day) const {
  return ymd_date(integer(year), integer(month), integer(day), year);
}

void read_table(ImportContext& ctx, std::istream& in, const TableLayout& layout,
                const std::function<void(const TableRecord&)>& map,
                const std::function<void(const TableHeader&)>& on_header) {
  TableReader reader(in, ctx.source(), layout.format);
  TableRow row;
  TableHeader header;
  if (layout.header) {
    if (!reader.next(row)) throw invalid("{}: empty file (expected a header)", ctx.source());
    header = TableHeader(row, ctx.source());
    for (auto column : layout.required) (void)header.require(column);
    if (on_header) on_header(header);
  }
  each_record(ctx, reader, row, layout.progress_every, [&](const TableRow& r) {
    if (layout.header && layout.same_width) {
      check_row(r, header.size());
    } else {
      check_utf8(r);
    }
    map(TableRecord(r, header, layout));
  });
}

void ImportContext::skip(std::uint64_t line, std::string_view reason) {
  ++stats_.skipped;
  if (stats_.skipped_rows.size() < options_.max_skipped_listed) {
    stats_.skipped_rows.push_back({fmt::format("{}:{}", source_, line), std::string(reason)});
  }
}

void ImportContext::warn(std::uint64_t line, std::string_view what) {
  ++stats_.warned;
  if (stats_.warnings.size() < options_.max_skipped_listed) {
    stats_.warnings.push_back({fmt::format("{}:{}", source_, line), std::string(what)});
  }
}

void ImportContext::progress(std::uint64_t bytes) {
  if (options_.progress) options_.progress({file_, bytes, size_, stats_.rows});
}

namespace {

void unite_aliases(std::vector<std::string>& into, const std::string& name, const std::vector<std::string>& more) {
  std::set<std::string> seen;
  seen.insert(text::fold(name));
  for (const auto& a : into) seen.insert(text::fold(a));
  for (const auto& a : more) {
    if (a.empty()) continue;
    if (seen.insert(text::fold(a)).second) into.push_back(a);
  }
}

void unite_sources(std::vector<Citation>& into, const std::vector<Citation>& more) {
  for (const auto& c : more) {
    if (std::find(into.begin(), into.end(), c) == into.end()) into.push_back(c);
  }
}

void overlay(Props& into, const Props& more) {
  if (!into.is_object()) into = Props::object();
  for (auto it = more.begin(); it != more.end(); ++it) into[it.key()] = it.value();
}

}  // namespace

NodeId ImportContext::merge_node(NodeInput in, Validity validity) {
  auto existing = txn_->node(NodeRef{in.type, in.key});
  if (!existing) return txn_->put_node(in);
  NodeInput out;
  out.type = in.type;
  out.key = in.key;
  out.name = existing->name.empty() ? in.name : existing->name;
  out.aliases = existing->aliases;
  std::vector<std::string> more = in.aliases;
  if (!in.name.empty()) more.insert(more.begin(), in.name);
  unite_aliases(out.aliases, out.name, more);
  switch (validity) {
    case Validity::kReplace:
      out.valid = in.valid ? in.valid : existing->valid;
      out.gaps = in.valid ? in.gaps : existing->gaps;
      break;
    case Validity::kKeepExisting:
      out.valid = existing->valid ? existing->valid : in.valid;
      out.gaps = existing->valid ? existing->gaps : in.gaps;
      break;
    case Validity::kHull:
      if (!existing->valid || !in.valid) {
        out.valid = existing->valid ? existing->valid : in.valid;
        out.gaps = existing->valid ? existing->gaps : in.gaps;
      } else {
        // The smallest interval holding both: an open side stays open.
        const Interval& a = *existing->valid;
        const Interval& b = *in.valid;
        Interval h;
        if (a.from && b.from) h.from = before(*b.from, *a.from) ? b.from : a.from;
        if (a.to && b.to) h.to = before(*a.to, *b.to) ? b.to : a.to;
        out.valid = h;
        for (const auto& g : existing->gaps) {
          if (!intersect(g, b)) out.gaps.push_back(g);
        }
      }
      break;
  }
  out.props = existing->props.to_json();
  overlay(out.props, in.props);
  out.sources = existing->sources;
  unite_sources(out.sources, in.sources);
  return txn_->put_node(out);
}

EdgeId ImportContext::merge_edge(EdgeInput in) {
  if (auto existing = txn_->edge(in)) {
    Props props = existing->props.to_json();
    overlay(props, in.props);
    in.props = std::move(props);
    auto sources = existing->sources;
    unite_sources(sources, in.sources);
    in.sources = std::move(sources);
  }
  return txn_->put_edge(in);
}

void ImportContext::ensure_document(const NodeInput& doc) {
  if (!txn_->node(NodeRef{"Document", doc.key})) txn_->put_node(doc);
}

NodeInput ImportContext::state_node(const Country& c) const {
  NodeInput n;
  n.type = "State";
  n.key = c.key;
  // The key's current row names it: "Vietnam", not the windowed "North Vietnam".
  const Country* named = countries_->by_key(c.key);
  n.name = named && !named->name.empty() ? named->name : c.name;
  std::vector<std::string> aliases;
  for (const auto& row : countries_->countries()) {
    if (row.key != c.key) continue;
    aliases.push_back(row.name);
    aliases.insert(aliases.end(), row.aliases.begin(), row.aliases.end());
  }
  unite_aliases(n.aliases, n.name, aliases);
  const Country& codes = named ? *named : c;
  if (!codes.iso3.empty()) n.props["iso3"] = codes.iso3;
  if (codes.cow) n.props["cow"] = *codes.cow;
  if (!codes.cow_abbrev.empty()) n.props["cow_abbrev"] = codes.cow_abbrev;
  if (codes.gw) n.props["gw_code"] = *codes.gw;
  return n;
}

NodeRef ImportContext::ensure_state(const Country& c, const std::vector<Citation>& sources) {
  NodeRef ref{"State", c.key};
  if (txn_->node(ref)) return ref;
  NodeInput n = state_node(c);
  n.sources = sources;
  txn_->put_node(n);
  return ref;
}

std::optional<Date> ymd_date(std::optional<std::int64_t> y, std::optional<std::int64_t> m,
                             std::optional<std::int64_t> d, std::string_view what) {
  if (!y) return std::nullopt;
  int year = static_cast<int>(*y);
  if (*y < 1 || *y > 9999) throw invalid("{}: year {} is out of range", what, *y);
  if (!m || *m == 0) return Date(year);
  if (*m < 1 || *m > 12) throw invalid("{}: month {} is not 1 to 12", what, *m);
  if (!d || *d == 0) return Date(year, static_cast<int>(*m));
  auto text = fmt::format("{:04}-{:02}-{:02}", year, *m, *d);
  auto date = Date::try_parse(text);
  if (!date) throw invalid("{}: {} is not a day of the calendar", what, text);
  return date;
}

Date day_after(const Date& last) {
  switch (last.precision()) {
    case Precision::kYear:
      return Date(last.year() + 1);
    case Precision::kMonth:
      return last.month() == 12 ? Date(last.year() + 1, 1) : Date(last.year(), last.month() + 1);
    case Precision::kDay:
      break;
  }
  return last.next_day();
}

void warn_uncovered(ImportContext& ctx, std::uint64_t line, std::string_view what,
                    const std::vector<Crosswalk::Piece>& pieces, const Date& from, const std::optional<Date>& to) {
  std::vector<Interval> covered;
  for (const auto& p : pieces) covered.push_back(Interval{p.from, p.to});
  covered = unite(std::move(covered));
  std::vector<std::string> gaps;
  std::optional<Date> at = from;  // the first day not yet known to be covered
  for (const auto& c : covered) {
    if (at && c.from && before(*at, *c.from)) gaps.push_back(Interval{at, c.from}.str());
    at = c.to;
    if (!at) break;
  }
  if (at && (!to || before(*at, *to))) gaps.push_back(Interval{at, to}.str());
  if (gaps.empty()) return;
  ctx.warn(line, fmt::format("{} names no state in the country crosswalk on {} (data/countries.md); those days are "
                             "left out",
                             what, fmt::join(gaps, " and ")));
}

}  // namespace io

const std::vector<FormatInfo>& import_formats() {
  static const std::vector<FormatInfo> all = [] {
    std::vector<FormatInfo> v{{"jsonl", "entente JSON Lines interchange (docs/interchange.md)"}};
    for (const auto& f : io::formats()) v.push_back({std::string(f.name), std::string(f.description)});
    return v;
  }();
  return all;
}

FormatImportStats import_format(Database& db, std::string_view format, const std::vector<std::filesystem::path>& files,
                                const FormatImportOptions& options) {
  const io::Format* fmt = nullptr;
  for (const auto& f : io::formats()) {
    if (f.name == format) fmt = &f;
  }
  FormatImportStats stats;
  const bool jsonl = format == "jsonl";
  if (jsonl && options.skip_bad_rows) {
    throw invalid("skipping bad rows is for the data set formats; a jsonl file is imported whole or not at all");
  }
  if (!fmt && !jsonl) {
    std::vector<std::string> names;
    for (const auto& f : import_formats()) names.push_back(f.name);
    throw invalid("unknown import format '{}'{} (formats: {})", format, text::did_you_mean(format, names),
                  fmt::join(names, ", "));
  }
  if (jsonl && options.commit_every > 0) {
    throw invalid("committing every N rows is for the data set formats; a jsonl file is imported whole");
  }
  FormatImportOptions with_message = options;
  if (with_message.message.empty()) {
    std::vector<std::string> names;
    for (const auto& f : files) names.push_back(f == "-" ? "<stdin>" : f.string());
    with_message.message = fmt::format("import {} {}", format, fmt::join(names, " "));
  }
  io::ImportContext ctx(db, with_message, stats);
  for (const auto& file : files) {
    std::ifstream stream;
    io::StdinBuffer stdin_buffer;
    std::istream stdin_stream(&stdin_buffer);
    std::istream* in = &stdin_stream;
    std::uint64_t size = 0;
    std::string source = file == "-" ? "<stdin>" : file.string();
    if (file != "-") {
      if (std::filesystem::is_directory(file)) throw invalid("{}: is a directory, not a file", source);
      stream.open(file, std::ios::binary);
      if (!stream) throw not_found("{}: cannot open: {}", source, std::strerror(errno));
      std::error_code ec;
      size = std::filesystem::file_size(file, ec);
      if (ec) size = 0;
      in = &stream;
    }
    ctx.begin_file(file, source, size);
    try {
      if (jsonl) {
        std::function<void(std::uint64_t)> progress;
        if (options.progress)
          progress = [&](std::uint64_t lines) { options.progress({file, 0, size, stats.rows + lines}); };
        stats.rows += import_jsonl(ctx.txn(), *in, source, progress).lines;
      } else {
        fmt->read(ctx, *in);
      }
    } catch (const std::ios_base::failure& e) {
      throw io_error("{}: read error: {}", source, e.what());
    }
    ++stats.files;
  }
  ctx.finish();
  return stats;
}

}  // namespace entente
