// The storage layer: a RocksDB database with entente's column families, consistent
// read views (a snapshot, or a write batch over a snapshot), and the Cap'n Proto record
// codec. Knows nothing of types or the graph.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/array.h>
#include <rocksdb/db.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/utilities/write_batch_with_index.h>

namespace entente::storage {

// Column families. DO NOT CHANGE the names: they are on disk.
enum class Cf { kNodes, kEdges, kAdj, kKeys, kNames, kMeta };
inline constexpr int kCfCount = 6;
const char* cf_name(Cf cf);

struct StoreOptions {
  bool create_if_missing = true;
  bool error_if_exists = false;
  bool read_only = false;
  bool sync = true;  // fsync the write-ahead log on every commit
  std::size_t cache_bytes = std::size_t{256} << 20;  // the block cache (uncompressed blocks read)
};

// Calls visit(key, value) for each entry whose key starts with prefix, in key order,
// until visit returns false.
using Visitor = std::function<bool(std::string_view key, std::string_view value)>;

// A consistent read view of the store.
class View {
 public:
  virtual ~View() = default;
  virtual std::optional<std::string> get(Cf cf, std::string_view key) const = 0;
  virtual void scan(Cf cf, std::string_view prefix, const Visitor& visit) const = 0;
};

class Store {
 public:
  // Opens (or creates) the database at path. Throws Error: kConflict when another process
  // holds the write lock, kNotFound when it does not exist and may not be created.
  static std::unique_ptr<Store> open(const std::filesystem::path& path, const StoreOptions& options);
  ~Store();

  // A view of the database as it is now, unchanged by later writes.
  std::unique_ptr<View> snapshot() const;

  // A batch of writes read through over a snapshot: reads see the batch's own writes.
  class Batch : public View {
   public:
    // What the database held when the batch began, without the batch's own writes.
    virtual std::optional<std::string> get_base(Cf cf, std::string_view key) const = 0;
    virtual void put(Cf cf, std::string_view key, std::string_view value) = 0;
    virtual void del(Cf cf, std::string_view key) = 0;
    // Marks the batch as it is now; rollback_to_savepoint() undoes every write since the
    // newest mark and drops it; pop_savepoint() drops it keeping the writes.
    virtual void set_savepoint() = 0;
    virtual void rollback_to_savepoint() = 0;
    virtual void pop_savepoint() = 0;
  };
  std::unique_ptr<Batch> batch() const;
  // Writes the batch atomically (one RocksDB WriteBatch) with the WAL synced per options.
  void commit(Batch& batch);

  // Whether any of the column families nodes, edges, adj, keys and names holds an entry.
  bool has_data() const;

  // Adds sorted tables (written by SstWriter) to the column families, all of them or none
  // (one RocksDB IngestExternalFiles call; the files are moved in where the file system
  // allows). On return they are in the database durably: the MANIFEST is synced. The keys
  // of one file must not overlap those of another file of the same column family.
  void ingest(const std::vector<std::pair<Cf, std::filesystem::path>>& files);

  // A consistent copy of the database as it is now, in a new directory `to` (hard links
  // where the file system allows, else copies), taken while readers and a writer go on.
  void checkpoint(const std::filesystem::path& to) const;

  bool read_only() const { return options_.read_only; }
  const std::filesystem::path& path() const { return path_; }

 private:
  Store() = default;
  std::filesystem::path path_;
  StoreOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
};

// Writes one sorted table for Store::ingest, in the format of column family `cf` (its
// table options, filter and compression, as Store::open sets them; the bytewise
// comparator). Keys must be put in strictly increasing order.
class SstWriter {
 public:
  SstWriter(const std::filesystem::path& path, Cf cf);
  ~SstWriter();
  void put(std::string_view key, std::string_view value);
  // Completes the file. Returns false, writing nothing, when no entry was put.
  bool finish();
  std::uint64_t entries() const { return entries_; }

 private:
  std::filesystem::path path_;
  std::unique_ptr<rocksdb::SstFileWriter> writer_;
  std::uint64_t entries_ = 0;
  bool finished_ = false;
};

// A Cap'n Proto message read from stored bytes. RocksDB values are not word-aligned,
// so the bytes are copied into an aligned buffer first. Reader limits are set on purpose:
// a record is small; a damaged one must fail cleanly, never read out of bounds.
class RecordReader {
 public:
  // Throws Error(kCorruption) naming `what` when the bytes are not a message.
  RecordReader(std::string_view bytes, std::string_view what);
  template <typename T>
  typename T::Reader root() { return reader_->getRoot<T>(); }

 private:
  kj::Array<capnp::word> words_;
  kj::Own<capnp::FlatArrayMessageReader> reader_;
};

// The bytes of a message, as stored.
std::string encode(capnp::MessageBuilder& message);

}  // namespace entente::storage
