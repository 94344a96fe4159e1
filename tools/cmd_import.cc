// entente import --db DIR [--format FORMAT] FILE...: load JSON Lines files, or data sets in
// their own formats (COW, ATOP, ...; docs/import.md).
#include <unistd.h>

#include <chrono>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli.h"

namespace entente::cli {
namespace {

std::string formats_help() {
  std::string s = "Formats:\n";
  for (const auto& f : import_formats()) s += fmt::format("  {:<14} {}\n", f.name, f.description);
  return s;
}

std::string duration(double seconds) {
  auto s = static_cast<long long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60) : fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string counts(const WriteCounts& c) {
  return fmt::format("{} created, {} updated, {} unchanged", c.created, c.updated, c.unchanged);
}

nlohmann::ordered_json counts_json(const WriteCounts& c) {
  return {{"created", c.created}, {"updated", c.updated}, {"unchanged", c.unchanged}};
}

struct ImportArgs {
  Common common;
  std::vector<std::string> files;
  std::string format = "jsonl";
  bool single = false;
  bool bulk = false;
  std::string message;
  std::uint64_t bulk_memory_mib = 384;
  std::uint64_t transaction_memory_mib = 64;
  bool skip_bad = false;
  std::uint64_t commit_every = 0;
  std::string person_names;
  bool quiet = false;
};

// Usage errors the options' own checks cannot see: a format that does not exist, and
// options given to a format they do not apply to.
void check_combination(const ImportArgs& a) {
  bool known = false;
  for (const auto& f : import_formats()) known = known || f.name == a.format;
  if (!known) {
    std::vector<std::string> names;
    for (const auto& f : import_formats()) names.push_back(f.name);
    throw CLI::ValidationError("--format",
                               fmt::format("unknown format '{}' (formats: {})", a.format, fmt::join(names, ", ")));
  }
  if (a.format == "jsonl" && a.commit_every > 0) {
    throw CLI::ValidationError("--commit-every", "is for the data set formats; a jsonl file is imported whole");
  }
  if (a.format == "jsonl" && !a.person_names.empty()) {
    throw CLI::ValidationError("--person-names", "is for the data set formats; a jsonl file names its persons by key");
  }
  if (a.format == "jsonl" && a.skip_bad) {
    throw CLI::ValidationError("--skip-bad-rows", "is for the data set formats; a jsonl file is imported whole");
  }
  if (a.bulk && a.format != "jsonl") {
    throw CLI::ValidationError("--bulk", "is for jsonl files; the data set formats import in a transaction");
  }
  if (a.bulk && a.single) {
    throw CLI::ValidationError("--bulk", "imports all files at once already; drop --single-transaction");
  }
}

// A jsonl import's progress on a terminal: the file and its lines so far.
std::function<void(const std::filesystem::path&, std::uint64_t)> line_progress(bool tty) {
  if (!tty) return {};
  return [](const std::filesystem::path& f, std::uint64_t lines) { fmt::print(stderr, "\r{}: {} lines", f.string(), lines); };
}

// A jsonl import's summary: a line, or with --json an object.
void print_jsonl_summary(const ImportArgs& a, std::size_t files, const ImportStats& stats) {
  const std::uint64_t lines = stats.lines, nodes = stats.nodes, edges = stats.edges;
  if (a.common.json) {
    nlohmann::ordered_json j = {{"format", "jsonl"}};
    if (a.bulk) j["bulk"] = true;
    j["files"] = files;
    j["lines"] = lines;
    j["nodes"] = nodes;
    j["edges"] = edges;
    j["deletions"] = stats.deletions;
    j["absent"] = stats.absent;
    fmt::print("{}\n", j.dump());
  } else if (!a.quiet) {
    std::string deleted;
    if (stats.deletions + stats.absent > 0) {
      deleted = fmt::format(", {} deletion{}", stats.deletions, plural(stats.deletions));
      if (stats.absent > 0) deleted += fmt::format(" ({} more already absent)", stats.absent);
    }
    fmt::print("imported {} file{}{}: {} line{}, {} node{}, {} edge{}{}\n", files, plural(files), a.bulk ? " (bulk)" : "",
               lines, plural(lines), nodes, plural(nodes), edges, plural(edges), deleted);
  }
}

// A data set format's progress on a terminal: the share of the bytes read, rows, rate, ETA.
std::function<void(const FormatProgress&)> format_progress(bool tty, std::chrono::steady_clock::time_point started) {
  if (!tty) return {};
  return [started, last = std::chrono::steady_clock::time_point()](const FormatProgress& p) mutable {
    auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::milliseconds(200)) return;
    last = now;
    double secs = std::chrono::duration<double>(now - started).count();
    double rate = secs > 0 ? static_cast<double>(p.rows) / secs : 0;
    std::string where = p.file.filename().string();
    if (p.total_bytes > 0 && p.bytes > 0) {
      double done = static_cast<double>(p.bytes) / static_cast<double>(p.total_bytes);
      double eta = done > 0 ? secs * (1 - done) / done : 0;
      fmt::print(stderr, "\r\033[K{}: {:3.0f}% {} rows, {:.0f} rows/s, ETA {}", where, done * 100, p.rows, rate,
                 duration(eta));
    } else {
      fmt::print(stderr, "\r\033[K{}: {} rows, {:.0f} rows/s", where, p.rows, rate);
    }
  };
}

// A data set format's summary: what was created, updated, skipped and warned of.
void print_format_summary(const ImportArgs& a, const FormatImportStats& stats, double secs) {
  if (a.common.json) {
    nlohmann::ordered_json skipped = nlohmann::ordered_json::array();
    for (const auto& s : stats.skipped_rows) skipped.push_back({{"where", s.where}, {"reason", s.reason}});
    nlohmann::ordered_json j = {{"format", a.format},           {"files", stats.files},
                                {"rows", stats.rows},           {"nodes", counts_json(stats.nodes)},
                                {"edges", counts_json(stats.edges)}, {"skipped", stats.skipped},
                                {"skipped_rows", skipped}};
    nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
    for (const auto& w : stats.warnings) warnings.push_back({{"where", w.where}, {"warning", w.reason}});
    j["warned"] = stats.warned;
    j["warnings"] = warnings;
    fmt::print("{}\n", j.dump());
    return;
  }
  if (a.quiet) return;
  fmt::print("imported {} file{} ({}) in {:.1f} s: {} rows read, {} skipped\n", stats.files, stats.files == 1 ? "" : "s",
             a.format, secs, stats.rows, stats.skipped);
  fmt::print("  nodes: {}\n  edges: {}\n", counts(stats.nodes), counts(stats.edges));
  for (const auto& s : stats.skipped_rows) fmt::print("  skipped {}: {}\n", s.where, s.reason);
  if (stats.skipped > stats.skipped_rows.size()) {
    fmt::print("  ... and {} more skipped\n", stats.skipped - stats.skipped_rows.size());
  }
  for (const auto& w : stats.warnings) fmt::print("  warning {}: {}\n", w.where, w.reason);
  if (stats.warned > stats.warnings.size()) {
    fmt::print("  ... and {} more warnings\n", stats.warned - stats.warnings.size());
  }
}

int run_import(const ImportArgs& a) {
  check_combination(a);
  std::vector<std::filesystem::path> files(a.files.begin(), a.files.end());
  const bool tty = !a.quiet && isatty(STDERR_FILENO);
  Options open_options;
  open_options.transaction_kb = static_cast<std::size_t>(a.transaction_memory_mib) << 10;
  auto db = open_for_write(a.common.db, open_options);

  if (a.bulk) {
    BulkImportOptions options;
    options.memory = static_cast<std::size_t>(a.bulk_memory_mib) << 20;
    options.progress = line_progress(tty);
    options.message = a.message;
    if (options.message.empty()) {
      std::vector<std::string> names;
      for (const auto& f : files) names.push_back(f == "-" ? "<stdin>" : f.string());
      options.message = fmt::format("import --bulk {}", fmt::join(names, " "));
    }
    auto stats = import_bulk(*db, files, options);
    if (tty) fmt::print(stderr, "\r\033[K");
    print_jsonl_summary(a, files.size(), stats);
    return kOk;
  }
  if (a.format == "jsonl" && !a.single) {
    ImportOptions options;
    options.progress = line_progress(tty);
    options.message = a.message;
    auto stats = import_files(*db, files, options);
    if (tty) fmt::print(stderr, "\r\033[K");
    print_jsonl_summary(a, files.size(), stats);
    return kOk;
  }
  FormatImportOptions options;
  options.skip_bad_rows = a.skip_bad;
  options.commit_every = a.commit_every;
  options.person_names = a.person_names;
  options.message = a.message;
  const auto started = std::chrono::steady_clock::now();
  options.progress = format_progress(tty, started);
  auto stats = import_format(*db, a.format, files, options);
  if (tty) fmt::print(stderr, "\r\033[K");
  print_format_summary(a, stats, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return kOk;
}

}  // namespace

Runner add_import(CLI::App& app) {
  auto* cmd = app.add_subcommand("import", "Import JSON Lines files (docs/interchange.md) or data sets (docs/import.md)");
  auto args = std::make_shared<ImportArgs>();
  add_common(*cmd, args->common);
  cmd->add_option("FILE", args->files, "files to import ('-' for standard input)")->required();
  cmd->add_option("-f,--format", args->format, "the files' format (default: jsonl; see below)");
  cmd->add_flag("--single-transaction", args->single,
                "jsonl: import all files in one transaction (default: one transaction per file; the other "
                "formats always import all files in one)");
  cmd->add_flag("--bulk", args->bulk,
                "jsonl into a new or empty database: write sorted tables and add them in one step, in bounded "
                "memory (docs/import.md, \"Bulk loading\"); all files or nothing; each node and edge once");
  cmd->add_option("--bulk-memory", args->bulk_memory_mib, "--bulk: MiB of memory for the names and the adjacency; past it they are sorted in runs on disk (default: 384)")
      ->check(CLI::Range(16, 1 << 20));
  cmd->add_option("--transaction-memory", args->transaction_memory_mib,
                  "without --bulk: MiB of a transaction's writes held in memory; past it they are sorted into "
                  "runs on disk and the commit adds them as tables (default: 64)")
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_flag("--skip-bad-rows", args->skip_bad,
                "data set formats: leave bad rows out, import the rest and list what was skipped "
                "(default: a bad row fails the import and nothing is written)");
  cmd->add_option("--commit-every", args->commit_every,
                  "data set formats: commit after every N rows, so that memory stays bounded for a file "
                  "larger than memory; a bad row then stops the import with earlier batches kept "
                  "(default: 0, the whole import in one transaction)");
  cmd->add_option("--person-names", args->person_names,
                  "data set formats: a table of leaders' name variants (the columns of data/person-names.csv), "
                  "tried before the built-in one, so that two spellings of one leader make one person")
      ->type_name("FILE");
  cmd->add_option("-m,--message", args->message,
                  "what the commit log says of the import (entente log; default: 'import' and the files)");
  cmd->add_flag("-q,--quiet", args->quiet, "no progress and no summary");
  cmd->footer(formats_help() +
              "\nA bad row fails the import with its file, line and reason, and the database is unchanged\n"
              "(jsonl without --single-transaction: files before the bad one stay imported).\n"
              "Importing the same file twice changes nothing. Exit status: 0 imported, 1 a data error,\n"
              "2 a usage error.");
  return [args] { return run_import(*args); };
}

}  // namespace entente::cli
