// A transaction's writes past its memory budget (StoreOptions::transaction_bytes): sorted
// runs in files, newest last. A run holds the batch's last write of each key at the time
// it was spilled, a put or a delete; a table run (add_table) holds one column family's
// puts in a sorted table. Reads through the transaction merge the runs with the database
// (an iterator); the commit merges them into one table per column family, or takes a
// family's table runs as they are (tables_of), and ingests those in one step
// (docs/format.md, "Transactions past their memory budget").
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/iterator.h>
#include <rocksdb/options.h>

namespace entente::storage {

// One write of a batch.
struct RunEntry {
  std::uint32_t cf = 0;  // the column family's index (Cf)
  bool put = true;       // false: a delete
  std::string_view key, value;
};

class Runs {
 public:
  // Run files go to `dir` (created on the first spill, removed with everything in it by
  // the destructor).
  explicit Runs(std::filesystem::path dir);
  ~Runs();
  Runs(const Runs&) = delete;
  Runs& operator=(const Runs&) = delete;

  // Writes a run of `entries`, which are sorted by (cf, key) with one entry a key.
  // Throws Error(kIO).
  void add(const std::vector<RunEntry>& entries);
  // Adds a table run: a sorted table (SstWriter's) of column family `cf`, puts only, at
  // `path` in dir(), whose least and greatest keys are `smallest` and `largest`; newer
  // than the runs before it. The commit ingests a family's tables as they are when the
  // family's writes are all in such tables and they do not overlap (tables_of).
  void add_table(std::uint32_t cf, const std::filesystem::path& path, std::string smallest, std::string largest);
  // How table runs of column family cf are opened for reading (the family's options).
  void set_table_options(std::function<rocksdb::Options(std::uint32_t cf)> options) { table_options_ = std::move(options); }
  // The table runs of cf in key order, when every write of cf is in one of them and no two
  // overlap; else nullopt (the commit merges cf's writes into a table of its own).
  std::optional<std::vector<std::filesystem::path>> tables_of(std::uint32_t cf) const;
  // The greatest key of cf's table runs; null when it has none.
  const std::string* largest_in_tables(std::uint32_t cf) const;
  bool empty() const { return runs_.empty(); }
  std::size_t size() const { return runs_.size(); }
  const std::filesystem::path& dir() const { return dir_; }

  // The keys of column family `cf` as the runs and then `base` hold them (the newest run's
  // write of a key wins; a delete hides the key), as an iterator over `base`, which it
  // owns. Forward only: Prev, SeekToLast and SeekForPrev make it invalid with an error.
  std::unique_ptr<rocksdb::Iterator> merged(std::uint32_t cf, std::unique_ptr<rocksdb::Iterator> base) const;

  // Visits the runs' last write of each key of `cf`, in key order (for the commit's tables).
  void each(std::uint32_t cf, const std::function<void(const RunEntry&)>& visit) const;

  class Run;
  class Cursor;

 private:
  std::unique_ptr<rocksdb::Iterator> table_iterator(const Run& run) const;

  std::filesystem::path dir_;
  std::vector<std::unique_ptr<Run>> runs_;  // oldest first
  std::function<rocksdb::Options(std::uint32_t cf)> table_options_;
};

}  // namespace entente::storage
