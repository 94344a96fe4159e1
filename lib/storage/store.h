// The storage layer: a RocksDB database with entente's column families, consistent
// read views (a snapshot, or a write batch over a snapshot), and the Cap'n Proto record
// codec. Knows nothing of types or the graph.
//
// Durability (docs/reliability.md): a database is created in a temporary directory and
// renamed into place; an existing one is first opened read-only and verified (the caller's
// check, and the acknowledgement record, files.h) before it is opened for writing, so a
// damaged database is refused before RocksDB writes or deletes anything in it; a writer
// flushes its memtables when it closes, so a closed database replays no log.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
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

#include "storage/files.h"

namespace entente::storage {

// Column families. DO NOT CHANGE the names: they are on disk.
// kHistory (format 6) is absent from a database written before it: a read-only open
// leaves it out (its reads find nothing), a writable one creates it.
enum class Cf { kNodes, kEdges, kAdj, kKeys, kNames, kMeta, kHistory };
inline constexpr int kCfCount = 7;
const char* cf_name(Cf cf);

class View;
class Store;

struct StoreOptions {
  bool create_if_missing = true;  // only an absent or empty directory is ever made a database
  bool error_if_exists = false;
  bool read_only = false;
  bool sync = true;  // fsync the write-ahead log on every commit
  std::size_t cache_bytes = std::size_t{256} << 20;  // the block cache (uncompressed blocks read)
  // A batch whose writes pass this many bytes spills them into sorted runs on disk
  // (storage/runs.h) and commits them as tables ingested in one step; 0: never.
  std::size_t transaction_bytes = std::size_t{64} << 20;
  // Writes what a new database holds before anyone may see it (the format version, the
  // catalog): run in the temporary directory, before it is renamed into place.
  std::function<void(Store&)> initialize{};
  // Refuses an existing database (throws) from a read-only view of it, before it is opened
  // for writing; also run on every read-only open.
  std::function<void(const View&)> verify{};
  // For repair and salvage: table files are opened when first read, so that a damaged
  // table does not stop the open (a read of it fails instead).
  bool lazy_tables = false;
  // For salvage: replay the write-ahead log up to its first damage (RocksDB's point-in-time
  // recovery) instead of refusing it, and skip the acknowledgement check.
  bool salvage = false;
};

// A problem with the files of a database (Store::verify_files).
struct FileProblem {
  std::string file;    // its name in the directory
  std::string reason;
};

// Calls visit(key, value) for each entry whose key starts with prefix, in key order,
// until visit returns false.
using Visitor = std::function<bool(std::string_view key, std::string_view value)>;

// An iterator over one column family of a View, in key order: seek, then read and step
// while valid(). Made once and reused with seeks, it costs no allocation and no callback per
// entry (the adjacency cursors of lib/graph read through it). It must not outlive its View.
class Cursor {
 public:
  explicit Cursor(std::unique_ptr<rocksdb::Iterator> it);
  ~Cursor();
  Cursor(Cursor&&) noexcept;
  Cursor& operator=(Cursor&&) noexcept;
  // Positions at the first key >= `key`; an empty key: the first entry.
  void seek(std::string_view key);
  // Whether the cursor is at an entry. Throws Error when reading failed.
  bool valid() const;
  void next();
  std::string_view key() const;
  std::string_view value() const;

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

// A consistent read view of the store.
class View {
 public:
  virtual ~View() = default;
  // How a cursor will be used: seeks and short runs (kept in the block cache), or one long
  // pass in key order (read ahead, and not kept in the block cache, which it would flush).
  enum class Access { kPoint, kSequential };
  // A cursor over column family cf (unpositioned: seek first). `upper`, when not empty, is
  // an exclusive upper bound on the keys the cursor visits, which lets RocksDB skip the
  // tables past it; it is copied.
  virtual Cursor cursor(Cf cf, std::string_view upper = {}, Access access = Access::kPoint) const = 0;
  virtual std::optional<std::string> get(Cf cf, std::string_view key) const = 0;
  virtual void scan(Cf cf, std::string_view prefix, const Visitor& visit) const = 0;
  // Calls visit for each entry from key `start` on, to the end of the column family.
  virtual void scan_from(Cf cf, std::string_view start, const Visitor& visit) const = 0;
  // About how many bytes the keys [lo, hi) of column family cf take in the database's files
  // and memory tables, from their indexes (RocksDB's estimate, at a data block's grain; it
  // may count what a snapshot does not see). For splitting a long read into even parts; 0
  // where the view cannot tell.
  virtual std::uint64_t approximate_bytes(Cf, std::string_view /*lo*/, std::string_view /*hi*/) const { return 0; }
};

class Store {
 public:
  // Opens (or creates) the database at path. Throws Error: kConflict when another process
  // holds the write lock, kNotFound when it does not exist and may not be created,
  // kCorruption when it is damaged (nothing is written then), kInvalid when the directory
  // holds other files, kIO.
  static std::unique_ptr<Store> open(const std::filesystem::path& path, const StoreOptions& options);
  // Flushes the memtables (a writer) and closes, best effort: close() reports failures.
  ~Store();
  // Flushes the memtables into table files (a writer), records the acknowledgement and
  // closes. Throws Error on failure; the data stays in the write-ahead log then.
  void close();
  // Writes the memtables into table files: afterwards, opening the database replays no log.
  void flush();

  // A view of the database as it is now, unchanged by later writes.
  std::unique_ptr<View> snapshot() const;

  // A batch of writes read through over a snapshot: reads see the batch's own writes.
  class Batch : public View {
   public:
    // What the database held when the batch began, without the batch's own writes.
    virtual std::optional<std::string> get_base(Cf cf, std::string_view key) const = 0;
    // Whether the batch has indexed its writes (a read through the batch needs that: a
    // large import's batch then costs a third more; tests check that commits avoid it).
    virtual bool indexed() const = 0;
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
  // A batch that spilled (StoreOptions::transaction_bytes), or that holds 8 MiB or more, is
  // added as tables instead (one a column family), in one step, all or nothing, durably.
  void commit(Batch& batch);
  // Makes such a batch's tables ahead of commit() (the long part of its commit), so that
  // the caller need not hold readers off meanwhile; nothing for another batch. The batch
  // takes no more writes after it.
  void prepare(Batch& batch);

  // Compacts column family `cf` whole into its bottom level, so that the entries a write
  // deleted or replaced leave its files (after an upgrade rewrote the family, its scans
  // would otherwise step over every deleted key). A writer's; throws Error on failure.
  void compact(Cf cf);

  // Whether any of the column families nodes, edges, adj, keys and names holds an entry.
  bool has_data() const;

  // Adds sorted tables (written by SstWriter) to the column families, all of them or none
  // (one RocksDB IngestExternalFiles call; the files are moved in where the file system
  // allows). On return they are in the database durably: the MANIFEST is synced. The keys
  // of one file must not overlap those of another file of the same column family.
  void ingest(const std::vector<std::pair<Cf, std::filesystem::path>>& files);

  // A consistent copy of the database as it is now, flushed (no write-ahead log to replay),
  // in the new directory `to`: RocksDB's checkpoint, whose files are hard links where the
  // file system allows. Taken while readers and a writer go on. backup.h makes copies of it.
  void checkpoint(const std::filesystem::path& to) const;

  // The table and log files RocksDB lists against the files present: each missing file,
  // each of another size, each table whose blocks fail their checksums.
  std::vector<FileProblem> verify_files() const;
  // The table files the database is made of (RocksDB's live files).
  struct TableFile {
    std::string name;           // in the directory: "000012.sst"
    std::string column_family;  // "nodes", ...
    std::uint64_t size = 0;
  };
  std::vector<TableFile> table_files() const;
  // Empties column families whose table files may be unreadable (repair): each is dropped
  // with its files, unread, and created again empty. REQUIRES: no view of this store is
  // open. The other column families are untouched.
  void reset(const std::vector<Cf>& cfs);

  // RocksDB's newest sequence number: it grows with every commit and ingestion.
  std::uint64_t sequence() const;
  // The acknowledgement record (files.h) as the open found it.
  files::AckRead acknowledged() const { return ack_at_open_; }

  bool read_only() const { return options_.read_only; }
  const std::filesystem::path& path() const { return path_; }
  rocksdb::ColumnFamilyHandle* handle(Cf cf) const { return cfs_[static_cast<int>(cf)]; }

 private:
  void prepare_tables(Batch& batch);  // prepare(), its errors as they come
  Store() = default;
  static std::unique_ptr<Store> open_rocksdb(const std::filesystem::path& path, const StoreOptions& options,
                                             bool read_only, bool create, bool records_only);
  static std::unique_ptr<Store> open_existing(const std::filesystem::path& path, const StoreOptions& options);
  static void create(const std::filesystem::path& path, const StoreOptions& options);
  void verify(const files::AckRead& ack) const;
  // Whether a read-only open may have raced a writer's flush: a log listed before it
  // (`logs_before`) is gone, and the directory holds a table this open's version lacks.
  bool raced(const std::set<std::string>& logs_before) const;
  void acknowledge();
  void commit_runs(Batch& batch);
  void close_quietly() noexcept;

  std::filesystem::path path_;
  StoreOptions options_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  files::AckRead ack_at_open_;
  std::unique_ptr<files::AckWriter> ack_;
  std::mutex ack_mu_;
  // Set when a write failed: RocksDB then refuses writes until the database is reopened.
  std::string failed_;
  bool registered_ = false;  // in the process's list of writers (writer_active)
};

// Writes one sorted table for Store::ingest, in the format of column family `cf` (its
// table options, filter and compression, as Store::open sets them; the bytewise
// comparator). Keys must be put in strictly increasing order.
class SstWriter {
 public:
  // The table records the column family's name and id (as a flush would), so that a
  // MANIFEST rebuilt from the tables (storage::repair_files) puts it back in its family.
  SstWriter(const Store& store, const std::filesystem::path& path, Cf cf);
  ~SstWriter();
  void put(std::string_view key, std::string_view value);
  void del(std::string_view key);
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
  // Hands over the record's words (the message was read from them where they are, so
  // readers taken from root() stay valid while the caller keeps them). The RecordReader
  // must not be used after.
  kj::Array<capnp::word> release() { return std::move(words_); }

  // What a reader of a record of `words` words may do: a valid record is read in about as
  // many words as it holds; a damaged one claiming a list of millions of empty elements
  // must not make its reader do (or allocate) more.
  static capnp::ReaderOptions limits(std::size_t words);

 private:
  kj::Array<capnp::word> words_;
  kj::Own<capnp::FlatArrayMessageReader> reader_;
};

// RocksDB's repair of a database directory that does not open (a lost CURRENT, a damaged
// MANIFEST): a new MANIFEST from the table files, whose column family each table records;
// the logs turned into tables, skipping damaged records; unreadable tables moved to lost/.
// Used by salvage on a private copy, never on a user's database.
void repair_files(const std::filesystem::path& path);

// The bytes of a message, as stored.
std::string encode(capnp::MessageBuilder& message);
// The same bytes appended to `out` (a bulk load's block of records: no string a record).
void encode_append(capnp::MessageBuilder& message, std::string& out);

}  // namespace entente::storage
