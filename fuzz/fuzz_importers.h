// Shared by fuzz_table and fuzz_xml: a database opened once per process in a temporary
// directory, and one run of a format reader (lib/io/importer.h) on bytes, in a
// transaction that is rolled back (commit_every stays 0, so there is only one).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "entente/entente.h"
#include "fuzz_util.h"
#include "io/importer.h"

namespace entente::fuzz {

class ImportFixture {
 public:
  explicit ImportFixture(const std::string& name) {
    dir_ = std::filesystem::temp_directory_path() / ("entente-fuzz-" + name + "-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Options options;
    options.sync = false;
    db_ = Database::open(dir_ / "db", options);
  }
  ~ImportFixture() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Database& db() { return *db_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

// Reads `bytes` with a format reader, skipping bad rows or not. Invariants: only
// entente::Error escapes; skipping, no row error escapes (only file-level ones: a header,
// malformed XML); the counts add up.
inline void run_reader(Database& db, void (*read)(io::ImportContext&, std::istream&), std::string_view bytes,
                       bool skip_bad_rows) {
  FormatImportOptions options;
  options.skip_bad_rows = skip_bad_rows;
  FormatImportStats stats;
  io::ImportContext ctx(db, options, stats);  // begins a transaction
  ctx.begin_file("fuzz-input", "fuzz-input", bytes.size());
  std::istringstream in{std::string(bytes)};
  try {
    read(ctx, in);
  } catch (const Error&) {
  }
  FUZZ_CHECK(stats.skipped <= stats.rows);
  FUZZ_CHECK(stats.skipped_rows.size() <= stats.skipped);
  ctx.txn().rollback();
}

}  // namespace entente::fuzz
