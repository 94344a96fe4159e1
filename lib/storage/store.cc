#include "storage/store.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <system_error>
#include <thread>

#include <kj/exception.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/sst_file_reader.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include "common/error.h"
#include "common/parallel.h"
#include "storage/limited_env.h"
#include "storage/runs.h"

namespace entente::storage {
namespace {

const char* const kCfNames[kCfCount] = {"nodes", "edges", "adj", "keys", "names", "meta", "history"};

// A commit at least this large is flushed into table files at once (Store::commit).
constexpr std::size_t kFlushAfterBytes = std::size_t{64} << 20;
// A batch that did not spill but holds this much is committed as tables (Store::prepare).
constexpr std::size_t kTablesAfterBytes = std::size_t{8} << 20;

rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }

// Creates `dir` (and its parents) unless it exists; Error(kIO) naming it.
void make_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw io_error("creating {}: {}", dir.string(), ec.message());
}

// The options of column family `cf` (docs/format.md, "Table options"). They change how
// tables are laid out and compressed, never a key or a value: RocksDB reads tables written
// with other options, so they can change between versions without a format change.
//  - A Bloom filter (10 bits a key, ~1% false positives) in the column families read by
//    exact key (nodes, edges, keys): a Get skips the tables that cannot hold its key, which
//    keeps a lookup at one table read however many levels the database has. adj and names
//    are read by prefix scans, which a whole-key filter does not help; they have none.
//  - LZ4 above the bottom level (fast to write and read), ZSTD at the bottom, where most
//    of the data ends up and the bulk import writes its tables: about a third smaller than
//    the default Snappy on these records.
//  - Blocks of 16 KiB, not RocksDB's 4 KiB: ZSTD compresses them a fifth smaller (a 10^6-
//    record bulk import: 28.3 MiB on disk with 4 KiB blocks, 22.8 MiB with 16 KiB) and
//    faster (the bulk import spent 15% of its time compressing 4 KiB blocks); a point read
//    from the block cache costs the same, and scans of `adj` read fewer blocks.
//  - `cache`: the block cache shared by all column families (null: RocksDB's own default).
rocksdb::ColumnFamilyOptions cf_options(Cf cf, const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  if (cache) t.block_cache = cache;
  if (cf == Cf::kNodes || cf == Cf::kEdges || cf == Cf::kKeys) {
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  t.block_size = 16 * 1024;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  o.compression = rocksdb::kLZ4Compression;
  o.bottommost_compression = rocksdb::kZSTD;
  return o;
}

// RocksDB's informational log, kept out of the database directory: its LOG file shares the
// database's disk, and RocksDB 7.8 (built with assertions, as Debian's is) aborts the
// process when it writes to a LOG file whose earlier write failed on a full disk. Warnings
// and errors go to standard error when ENTENTE_ROCKSDB_LOG is set; they are otherwise
// dropped (every failure that matters reaches entente as a Status).
class InfoLog : public rocksdb::Logger {
 public:
  InfoLog() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), on_(std::getenv("ENTENTE_ROCKSDB_LOG") != nullptr) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (!on_) return;
    std::fputs("rocksdb: ", stderr);
    std::vfprintf(stderr, format, ap);
    std::fputc('\n', stderr);
  }

 private:
  bool on_;
};

std::shared_ptr<rocksdb::Logger> info_log() {
  static auto log = std::make_shared<InfoLog>();
  return log;
}

Error from_status(const rocksdb::Status& s, std::string_view doing) {
  if (s.IsCorruption()) return corruption("{}: the database is damaged: {}", doing, s.ToString());
  if (s.IsNoSpace()) return io_error("{}: no space left on device ({})", doing, s.ToString());
  return io_error("{}: {}", doing, s.ToString());
}

void scan_from_iterator(rocksdb::Iterator& it, std::string_view start, const Visitor& visit) {
  for (it.Seek(slice(start)); it.Valid(); it.Next()) {
    if (!visit({it.key().data(), it.key().size()}, {it.value().data(), it.value().size()})) return;
  }
  if (!it.status().ok()) throw from_status(it.status(), "reading");
}

void scan_iterator(rocksdb::Iterator& it, std::string_view prefix, const Visitor& visit) {
  for (it.Seek(slice(prefix)); it.Valid(); it.Next()) {
    auto k = it.key();
    if (k.size() < prefix.size() || std::memcmp(k.data(), prefix.data(), prefix.size()) != 0) break;
    if (!visit({k.data(), k.size()}, {it.value().data(), it.value().size()})) return;
  }
  if (!it.status().ok()) throw from_status(it.status(), "reading");
}

}  // namespace

Cursor::Cursor(std::unique_ptr<rocksdb::Iterator> it) : it_(std::move(it)) {}
Cursor::~Cursor() = default;
Cursor::Cursor(Cursor&&) noexcept = default;
Cursor& Cursor::operator=(Cursor&&) noexcept = default;
void Cursor::seek(std::string_view key) {
  if (key.empty()) {
    it_->SeekToFirst();
  } else {
    it_->Seek(slice(key));
  }
}
bool Cursor::valid() const {
  if (it_->Valid()) return true;
  if (!it_->status().ok()) throw from_status(it_->status(), "reading");
  return false;
}
void Cursor::next() { it_->Next(); }
std::string_view Cursor::key() const { return {it_->key().data(), it_->key().size()}; }
std::string_view Cursor::value() const { return {it_->value().data(), it_->value().size()}; }

namespace {

// An iterator that owns its upper bound (ReadOptions keeps only a pointer to it).
class BoundedIterator : public rocksdb::Iterator {
 public:
  BoundedIterator(std::string upper, const std::function<rocksdb::Iterator*(const rocksdb::Slice*)>& make)
      : upper_(std::move(upper)), bound_(upper_), it_(make(upper_.empty() ? nullptr : &bound_)) {}
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(const rocksdb::Slice& k) override { it_->Seek(k); }
  void SeekForPrev(const rocksdb::Slice& k) override { it_->SeekForPrev(k); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  rocksdb::Slice key() const override { return it_->key(); }
  rocksdb::Slice value() const override { return it_->value(); }
  rocksdb::Status status() const override { return it_->status(); }

 private:
  std::string upper_;
  rocksdb::Slice bound_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// The read options of a cursor used as `access` says.
rocksdb::ReadOptions read_options(const rocksdb::ReadOptions& base, View::Access access) {
  rocksdb::ReadOptions o = base;
  if (access == View::Access::kSequential) {
    o.fill_cache = false;
    o.readahead_size = 2 << 20;
  }
  return o;
}

// An empty column family (one left out of a read-only open).
class EmptyIterator : public rocksdb::Iterator {
 public:
  bool Valid() const override { return false; }
  void SeekToFirst() override {}
  void SeekToLast() override {}
  void Seek(const rocksdb::Slice&) override {}
  void SeekForPrev(const rocksdb::Slice&) override {}
  void Next() override {}
  void Prev() override {}
  rocksdb::Slice key() const override { return {}; }
  rocksdb::Slice value() const override { return {}; }
  rocksdb::Status status() const override { return rocksdb::Status::OK(); }
};

class SnapshotView : public View {
 public:
  SnapshotView(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs)
      : db_(db), cfs_(cfs), snapshot_(db->GetSnapshot()) {
    options_.snapshot = snapshot_;
  }
  ~SnapshotView() override { db_->ReleaseSnapshot(snapshot_); }

  std::optional<std::string> get(Cf cf, std::string_view key) const override {
    if (!cfs_[static_cast<int>(cf)]) return std::nullopt;  // a column family left out of a read-only open
    std::string value;
    auto s = db_->Get(options_, cfs_[static_cast<int>(cf)], slice(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) throw from_status(s, "reading");
    return value;
  }
  void scan(Cf cf, std::string_view prefix, const Visitor& visit) const override {
    if (!cfs_[static_cast<int>(cf)]) return;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options_, cfs_[static_cast<int>(cf)]));
    scan_iterator(*it, prefix, visit);
  }
  void scan_from(Cf cf, std::string_view start, const Visitor& visit) const override {
    if (!cfs_[static_cast<int>(cf)]) return;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options_, cfs_[static_cast<int>(cf)]));
    scan_from_iterator(*it, start, visit);
  }
  std::uint64_t approximate_bytes(Cf cf, std::string_view lo, std::string_view hi) const override {
    auto* handle = cfs_[static_cast<int>(cf)];
    if (!handle) return 0;
    rocksdb::SizeApproximationOptions o;
    o.include_memtables = true;
    o.include_files = true;
    const rocksdb::Range range(slice(lo), slice(hi));
    std::uint64_t bytes = 0;
    if (!db_->GetApproximateSizes(o, handle, &range, 1, &bytes).ok()) return 0;
    return bytes;
  }
  Cursor cursor(Cf cf, std::string_view upper, Access access) const override {
    auto* handle = cfs_[static_cast<int>(cf)];
    if (!handle) return Cursor(std::make_unique<EmptyIterator>());
    return Cursor(std::make_unique<BoundedIterator>(std::string(upper), [&](const rocksdb::Slice* bound) {
      rocksdb::ReadOptions o = read_options(options_, access);
      o.iterate_upper_bound = bound;
      return db_->NewIterator(o, handle);
    }));
  }

 private:
  rocksdb::DB* db_;
  const std::vector<rocksdb::ColumnFamilyHandle*>& cfs_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
};

// One write of a batch: RocksDB's column family id, put or delete, and slices into the batch.
// `head` (the key's first 8 bytes, big-endian, zero-padded) and `seq` (the write's place in
// the batch) are for the sort. Keys are compared as bytes (RocksDB's bytewise order); zero
// padding makes "ab" and "ab\0" heads equal, and the keys themselves then decide.
struct BatchOp {
  std::uint64_t head, head2;  // the key's bytes [0, 8) and [8, 16)
  std::uint32_t cf;
  std::uint32_t seq;
  rocksdb::Slice key, value;
  bool put;
};

std::uint64_t key_head(const rocksdb::Slice& k, std::size_t from) {
  std::uint64_t h = 0;
  if (k.size() >= from + 8) {
    std::memcpy(&h, k.data() + from, 8);
    // As a big-endian number, so that integers compare as the bytes do.
    return std::endian::native == std::endian::little ? __builtin_bswap64(h) : h;
  }
  for (std::size_t i = from; i < k.size(); ++i) h |= std::uint64_t{static_cast<unsigned char>(k[i])} << (56 - 8 * (i - from));
  return h;
}

// The puts and deletes of `b` into `ops`, in key order within each column family id (writes
// to one key keep their order); false when it holds any other kind of operation. `doing`
// names the work for an error. Most keys differ in their first 16 bytes (node and edge ids;
// an adjacency entry's node, direction and type; a name), so most comparisons are of
// integers: a stable sort comparing the slices spent a tenth of a large import in memcmp.
bool sorted_ops(const rocksdb::WriteBatch& b, const char* doing, std::vector<BatchOp>& ops) {
  struct Collect : rocksdb::WriteBatch::Handler {
    std::vector<BatchOp>& ops;
    bool other = false;
    explicit Collect(std::vector<BatchOp>& o) : ops(o) {}
    rocksdb::Status PutCF(std::uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
      ops.push_back({key_head(k, 0), key_head(k, 8), cf, static_cast<std::uint32_t>(ops.size()), k, v, true});
      return rocksdb::Status::OK();
    }
    rocksdb::Status DeleteCF(std::uint32_t cf, const rocksdb::Slice& k) override {
      ops.push_back({key_head(k, 0), key_head(k, 8), cf, static_cast<std::uint32_t>(ops.size()), k, {}, false});
      return rocksdb::Status::OK();
    }
    rocksdb::Status SingleDeleteCF(std::uint32_t, const rocksdb::Slice&) override { return fail(); }
    rocksdb::Status DeleteRangeCF(std::uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override { return fail(); }
    rocksdb::Status MergeCF(std::uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override { return fail(); }
    rocksdb::Status PutBlobIndexCF(std::uint32_t, const rocksdb::Slice&, const rocksdb::Slice&) override { return fail(); }
    void LogData(const rocksdb::Slice&) override { other = true; }
    rocksdb::Status fail() {
      other = true;
      return rocksdb::Status::OK();
    }
  } collect(ops);
  ops.clear();
  ops.reserve(b.Count());
  auto s = b.Iterate(&collect);
  if (!s.ok()) throw from_status(s, doing);
  if (collect.other) return false;
  std::sort(ops.begin(), ops.end(), [](const BatchOp& x, const BatchOp& y) {
    if (x.cf != y.cf) return x.cf < y.cf;
    if (x.head != y.head) return x.head < y.head;
    if (x.head2 != y.head2) return x.head2 < y.head2;
    if (int c = x.key.compare(y.key); c != 0) return c < 0;
    return x.seq < y.seq;
  });
  return true;
}

// A WriteBatch whose buffer has room for `bytes` (untouched pages cost nothing), holding
// the writes of `from`: it is not copied over and over as it grows.
rocksdb::WriteBatch reserved_batch(const rocksdb::WriteBatch& from, std::size_t bytes) {
  std::string rep;
  rep.reserve(std::max(bytes, from.GetDataSize()));
#ifdef MADV_HUGEPAGE
  // Transparent huge pages for the buffer, where the system gives them on request: a fault
  // every 2 MiB instead of every 4 KiB (the faults of filling fresh buffers were a tenth of
  // an import's time in a virtual machine). Only advice: its failure changes nothing.
  {
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    auto begin = (reinterpret_cast<std::uintptr_t>(rep.data()) + page - 1) / page * page;
    auto end = (reinterpret_cast<std::uintptr_t>(rep.data()) + rep.capacity()) / page * page;
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
#endif
  rep.append(from.Data());
  return rocksdb::WriteBatch(std::move(rep));
}

// A transaction's writes. They go into a plain WriteBatch until something reads through
// the batch (or sets a savepoint); only then is the WriteBatchWithIndex built, by replaying
// them, and used from there on. An import that reads only what the transaction's own caches
// hold (graph/state.h) thus never pays for the index: a skip list over every key written,
// which cost about half of an import's time.
//
// Past `budget` bytes (StoreOptions::transaction_bytes), with no savepoint set, the writes
// are spilled into a sorted run on disk (storage/runs.h) and the batch starts empty again;
// reads then merge the batch, the runs and the database, and the commit adds the runs as
// tables (Store::commit). The sorting and writing of a run happens on a thread of its own
// while the transaction goes on writing into a fresh batch (so up to twice the budget is
// held); anything that reads the batch or the runs, or ends the transaction, first waits
// for it (await_spill), and a failure there (a full disk) is thrown to that caller.
class BatchImpl : public Store::Batch {
 public:
  BatchImpl(const Store& store, rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs, std::size_t budget,
            std::filesystem::path spill_dir)
      : store_(store), db_(db), cfs_(cfs), snapshot_(db->GetSnapshot()),
        batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true), budget_(budget),
        spill_dir_(std::move(spill_dir)) {
    options_.snapshot = snapshot_;
  }
  ~BatchImpl() override {
    if (spiller_.joinable()) spiller_.join();
    db_->ReleaseSnapshot(snapshot_);
    drop_tables_dir();
  }

  std::optional<std::string> get(Cf cf, std::string_view key) const override {
    await_spill();
    if (runs_) {
      // Through the runs: an iterator, which sees the batch's and the runs' deletes.
      std::unique_ptr<rocksdb::Iterator> it(iterator(cf, options_));
      it->Seek(slice(key));
      if (!it->status().ok()) throw from_status(it->status(), "reading");
      if (!it->Valid() || it->key() != slice(key)) return std::nullopt;
      return it->value().ToString();
    }
    index();
    std::string value;
    auto s = batch_.GetFromBatchAndDB(db_, options_, cfs_[static_cast<int>(cf)], slice(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) throw from_status(s, "reading");
    return value;
  }
  std::optional<std::string> get_base(Cf cf, std::string_view key) const override {
    std::string value;
    auto s = db_->Get(options_, cfs_[static_cast<int>(cf)], slice(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) throw from_status(s, "reading");
    return value;
  }
  void scan(Cf cf, std::string_view prefix, const Visitor& visit) const override {
    std::unique_ptr<rocksdb::Iterator> it(iterator(cf, options_));
    scan_iterator(*it, prefix, visit);
  }
  void scan_from(Cf cf, std::string_view start, const Visitor& visit) const override {
    std::unique_ptr<rocksdb::Iterator> it(iterator(cf, options_));
    scan_from_iterator(*it, start, visit);
  }
  Cursor cursor(Cf cf, std::string_view upper, Access access) const override {
    // The batch's own entries are not bounded by `upper`: readers check their prefix.
    return Cursor(std::make_unique<BoundedIterator>(std::string(upper), [this, cf, access](const rocksdb::Slice* bound) {
      rocksdb::ReadOptions o = read_options(options_, access);
      o.iterate_upper_bound = bound;
      return iterator(cf, o);
    }));
  }
  void put(Cf cf, std::string_view key, std::string_view value) override {
    if (failed_) await_spill();  // throws
    auto s = indexed_ ? batch_.Put(cfs_[static_cast<int>(cf)], slice(key), slice(value))
                      : plain_.Put(cfs_[static_cast<int>(cf)], slice(key), slice(value));
    if (!s.ok()) throw from_status(s, "writing");
    maybe_spill();
  }
  // A plain batch past 1 MiB (or half its budget, if less) is moved once into a buffer
  // reserved to the budget, on huge pages, so that it is not copied at every doubling on
  // its way there nor faulted in 4 KiB at a time (a small transaction does not reserve;
  // the reserved pages are only address space until written). At 1 MiB rather than half
  // the budget, a 10^6-record transactional import took 2.55 s rather than 3.0 s.
  void reserve_plain() {
    if (reserved_ || indexed_ || budget_ == 0 || plain_.GetDataSize() < std::min<std::size_t>(budget_ / 2, 1 << 20)) return;
    reserved_ = true;
    if (budget_ > plain_.GetDataSize()) plain_ = reserved_batch(plain_, budget_ + (budget_ >> 4));
  }
  void del(Cf cf, std::string_view key) override {
    if (failed_) await_spill();  // throws
    auto s = indexed_ ? batch_.Delete(cfs_[static_cast<int>(cf)], slice(key))
                      : plain_.Delete(cfs_[static_cast<int>(cf)], slice(key));
    if (!s.ok()) throw from_status(s, "writing");
    maybe_spill();
  }
  void set_savepoint() override {
    await_spill();
    index(true);
    batch_.SetSavePoint();
    ++savepoints_;
  }
  void rollback_to_savepoint() override {
    await_spill();
    index(true);
    auto s = batch_.RollbackToSavePoint();
    if (!s.ok()) throw from_status(s, "rolling back to a savepoint");
    --savepoints_;
  }
  void pop_savepoint() override {
    index(true);
    auto s = batch_.PopSavePoint();
    if (!s.ok()) throw from_status(s, "releasing a savepoint");
    --savepoints_;
    maybe_spill();
  }

  // The runs the batch spilled, or null (after any spill under way is done).
  const Runs* runs() const {
    await_spill();
    return runs_.get();
  }
  // Frees the buffers kept from one spill to the next (the commit's merge needs the memory).
  void drop_spill_space() {
    await_spill();
    spare_.reset();
    spill_ops_ = {};
    spill_entries_ = {};
    if (!indexed_ && plain_.Count() == 0) plain_ = rocksdb::WriteBatch();
  }
  // Removes the runs and their directory (after the commit).
  void release() {
    await_spill();
    tables.reset();
    runs_.reset();
    drop_tables_dir();
  }
  // The last write of each key of a batch that did not spill, sorted by column family and
  // key (for Store::prepare to write as tables); false if it holds an operation other than
  // a put or a delete. Views the batch's bytes.
  bool own_writes(std::vector<RunEntry>& e) {
    await_spill();
    std::vector<BatchOp> ops;
    return last_writes(*write_batch(), "committing", ops, e);
  }
  std::size_t bytes() const { return indexed_ ? batch_.GetWriteBatch()->GetDataSize() : plain_.GetDataSize(); }
  bool indexed() const override { return indexed_; }
  // Where the tables of a batch that did not spill are written (the spill directory),
  // created here, and removed by release() or the destructor.
  const std::filesystem::path& tables_dir() {
    make_dir(spill_dir_);
    made_tables_dir_ = true;
    return spill_dir_;
  }
  // The runs as tables, once Store::prepare made them.
  std::optional<std::vector<std::pair<Cf, std::filesystem::path>>> tables;

  // Writes the batch's writes as a run, sorted, the last write of each key only, and
  // empties the batch; returns when the run is written. REQUIRES: no savepoint set.
  void spill() {
    await_spill();
    if (!runs_) make_runs();
    write_run(*write_batch());
    plain_.Clear();
    batch_.Clear();
  }

  // The same on the spill thread: the plain batch's writes move to it, and the batch
  // starts empty at once. An indexed batch (one that was read) spills here and now.
  void spill_in_background() {
    await_spill();
    if (indexed_) return spill();
    if (!runs_) make_runs();
    // The next batch fills to the budget too: the buffer of the batch spilled before this
    // one, emptied, whose pages are already mapped (fresh pages cost a fault each, a tenth
    // of an import's time), or else a buffer reserved at once. Made before plain_ is moved
    // from, so that a failure here leaves the writes where they were.
    auto next = spare_ ? std::move(spare_) : std::make_unique<rocksdb::WriteBatch>(
                                                 reserved_batch(rocksdb::WriteBatch(), budget_ + (budget_ >> 4)));
    spilling_ = std::make_unique<rocksdb::WriteBatch>(std::move(plain_));
    plain_ = std::move(*next);
    try {
      spiller_ = std::thread([this] {
        try {
          write_run(*spilling_);
        } catch (...) {
          spill_error_ = std::current_exception();
        }
      });
    } catch (const std::system_error&) {  // no thread to be had: spill here and now
      write_run(*spilling_);
      spilling_->Clear();
      spare_ = std::move(spilling_);
    }
  }

  // Waits for the spill under way, if any; rethrows its failure.
  // A failed spill lost the writes it held: the batch is then unusable (every later write,
  // read and the commit throw), so that a caller who caught the first error cannot commit
  // the rest as if it were whole.
  void await_spill() const {
    if (failed_) throw io_error("a transaction's writes could not be spilled to disk earlier; it can only be rolled back");
    if (!spiller_.joinable()) return;
    spiller_.join();
    spilling_->Clear();  // keeps its buffer
    spare_ = std::move(spilling_);
    if (auto e = std::exchange(spill_error_, nullptr)) {
      failed_ = true;
      std::rethrow_exception(e);
    }
  }

  void make_runs() {
    runs_ = std::make_unique<Runs>(spill_dir_);
    runs_->set_table_options([](std::uint32_t cf) {
      return rocksdb::Options(rocksdb::DBOptions(), cf_options(static_cast<Cf>(cf), nullptr));
    });
  }

  // Adds the writes of `b` to the runs as one sorted run: the last write of each key.
  // The records (nodes, edges) go into a table of their own instead (a table run), while
  // each spill's keys of the family lie past the last's and are all puts, as an import's
  // new records do (their ids grow): the commit then ingests those tables as they are,
  // rather than writing the records into a run, reading them back and writing them into
  // a table (at 10^7 records, the kernel's copying of the runs' bytes was 14% of the
  // import's CPU samples).
  void write_run(const rocksdb::WriteBatch& b) {
    if (!last_writes(b, "spilling a transaction's writes", spill_ops_, spill_entries_)) {
      throw corruption("a transaction's writes hold an operation other than a put or a delete");
    }
    auto& e = spill_entries_;
    std::size_t kept = 0;  // e[0, kept): what goes into the run
    for (std::size_t i = 0; i < e.size();) {
      std::size_t j = i;
      while (j < e.size() && e[j].cf == e[i].cf) ++j;
      if (!table_run(e, i, j)) {
        if (kept != i) std::copy(e.begin() + static_cast<std::ptrdiff_t>(i), e.begin() + static_cast<std::ptrdiff_t>(j),
                                 e.begin() + static_cast<std::ptrdiff_t>(kept));
        kept += j - i;
      }
      i = j;
    }
    e.resize(kept);
    if (!e.empty()) runs_->add(e);
  }
  // Writes e[i, j) (one column family's) as a table run when it can be one (write_run);
  // false when it goes into the run.
  bool table_run(const std::vector<RunEntry>& e, std::size_t i, std::size_t j) {
    const std::uint32_t cf = e[i].cf;
    if (cf != static_cast<std::uint32_t>(Cf::kNodes) && cf != static_cast<std::uint32_t>(Cf::kEdges)) return false;
    if (in_runs_ >> cf & 1) return false;
    const std::string* last = runs_->largest_in_tables(cf);
    const bool puts = std::all_of(e.begin() + static_cast<std::ptrdiff_t>(i), e.begin() + static_cast<std::ptrdiff_t>(j),
                                  [](const RunEntry& x) { return x.put; });
    if (!puts || (last && !(*last < e[i].key))) {
      in_runs_ |= std::uint64_t{1} << cf;  // from now on in runs: the commit merges the family
      return false;
    }
    make_dir(runs_->dir());
    auto path = runs_->dir() / fmt::format("table-{}-{}.sst", cf_name(static_cast<Cf>(cf)), runs_->size());
    SstWriter sst(store_, path, static_cast<Cf>(cf));
    for (std::size_t k = i; k < j; ++k) sst.put(e[k].key, e[k].value);
    sst.finish();
    runs_->add_table(cf, path, std::string(e[i].key), std::string(e[j - 1].key));
    return true;
  }

  // The last write of each key of `b` into `e`, sorted by column family (Cf) and key,
  // viewing `b`'s bytes; false (and nothing in `e`) when `b` holds an operation other than
  // a put or a delete. `ops` is sorting space.
  bool last_writes(const rocksdb::WriteBatch& b, const char* doing, std::vector<BatchOp>& ops,
                   std::vector<RunEntry>& e) const {
    std::vector<std::uint32_t> index_of;  // RocksDB's column family id -> Cf
    for (std::size_t i = 0; i < cfs_.size(); ++i) {
      auto id = cfs_[i]->GetID();
      if (index_of.size() <= id) index_of.resize(id + 1, ~0u);
      index_of[id] = static_cast<std::uint32_t>(i);
    }
    e.clear();
    if (!sorted_ops(b, doing, ops)) return false;
    e.reserve(ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const BatchOp& op = ops[i];
      // The last write of each key.
      if (i + 1 < ops.size() && ops[i + 1].head == op.head && ops[i + 1].head2 == op.head2 && ops[i + 1].cf == op.cf &&
          ops[i + 1].key == op.key) {
        continue;
      }
      if (op.cf >= index_of.size() || index_of[op.cf] == ~0u) throw corruption("unknown column family in a batch");
      e.push_back({index_of[op.cf], op.put, {op.key.data(), op.key.size()}, {op.value.data(), op.value.size()}});
    }
    // Sorted by RocksDB's ids; Cf's order is the same where the families were made in it,
    // but need not be.
    if (!std::is_sorted(e.begin(), e.end(), [](const RunEntry& x, const RunEntry& y) { return x.cf < y.cf; })) {
      std::stable_sort(e.begin(), e.end(), [](const RunEntry& x, const RunEntry& y) { return x.cf < y.cf; });
    }
    return true;
  }
  rocksdb::WriteBatch* write_batch() { return indexed_ ? batch_.GetWriteBatch() : &plain_; }

  // The batch's writes in key order within each column family (writes to the same key
  // keep their order, so the batch means the same): a memtable takes keys in order several
  // times faster than in random order, and a large import's commit is mostly that.
  // nullptr when the batch is small enough for the order not to matter.
  std::unique_ptr<rocksdb::WriteBatch> sorted() {
    await_spill();
    rocksdb::WriteBatch* b = write_batch();
    if (b->Count() < 1024) return nullptr;
    std::vector<BatchOp> ops;
    if (!sorted_ops(*b, "committing", ops)) return nullptr;  // an operation other than put and delete: leave the batch as it is
    auto out = std::make_unique<rocksdb::WriteBatch>(b->GetDataSize());
    std::vector<rocksdb::ColumnFamilyHandle*> by_id;
    for (auto* h : cfs_) {
      if (by_id.size() <= h->GetID()) by_id.resize(h->GetID() + 1, nullptr);
      by_id[h->GetID()] = h;
    }
    for (const auto& op : ops) {
      auto* h = op.cf < by_id.size() ? by_id[op.cf] : nullptr;
      if (!h) return nullptr;
      auto s = op.put ? out->Put(h, op.key, op.value) : out->Delete(h, op.key);
      if (!s.ok()) throw from_status(s, "committing");
    }
    return out;
  }

 private:
  // Moves the plain batch's writes into the indexed one, and writes there from then on.
  // A read while nothing is written yet (the id counters at begin()) does not need it.
  void index(bool savepoint = false) const {
    if (indexed_ || (!savepoint && plain_.Count() == 0)) return;
    struct Replay : rocksdb::WriteBatch::Handler {
      const std::vector<rocksdb::ColumnFamilyHandle*>& cfs;
      rocksdb::WriteBatchWithIndex& into;
      Replay(const std::vector<rocksdb::ColumnFamilyHandle*>& c, rocksdb::WriteBatchWithIndex& i) : cfs(c), into(i) {}
      rocksdb::ColumnFamilyHandle* handle(std::uint32_t id) {
        for (auto* h : cfs) {
          if (h->GetID() == id) return h;
        }
        return nullptr;
      }
      rocksdb::Status PutCF(std::uint32_t id, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
        auto* h = handle(id);
        return h ? into.Put(h, k, v) : rocksdb::Status::Corruption("unknown column family in a batch");
      }
      rocksdb::Status DeleteCF(std::uint32_t id, const rocksdb::Slice& k) override {
        auto* h = handle(id);
        return h ? into.Delete(h, k) : rocksdb::Status::Corruption("unknown column family in a batch");
      }
    } replay(cfs_, batch_);
    auto s = plain_.Iterate(&replay);
    if (!s.ok()) throw from_status(s, "indexing a transaction's writes");
    plain_.Clear();
    indexed_ = true;
  }

  // The batch's writes over the runs' over the database's, for column family `cf`.
  rocksdb::Iterator* iterator(Cf cf, const rocksdb::ReadOptions& o) const {
    await_spill();
    index();
    auto* handle = cfs_[static_cast<int>(cf)];
    std::unique_ptr<rocksdb::Iterator> base(db_->NewIterator(o, handle));
    if (runs_) base = runs_->merged(static_cast<std::uint32_t>(cf), std::move(base));
    return batch_.NewIteratorWithBase(handle, base.release());
  }

  void maybe_spill() {
    reserve_plain();
    if (budget_ == 0 || savepoints_ > 0 || write_batch()->GetDataSize() < budget_) return;
    spill_in_background();
  }

  const Store& store_;
  rocksdb::DB* db_;
  const std::vector<rocksdb::ColumnFamilyHandle*>& cfs_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
  mutable rocksdb::WriteBatch plain_;
  mutable rocksdb::WriteBatchWithIndex batch_;
  mutable bool indexed_ = false;
  std::size_t budget_;
  std::filesystem::path spill_dir_;
  // The spill under way: its thread and the writes it sorts (see await_spill).
  mutable std::thread spiller_;
  mutable std::unique_ptr<rocksdb::WriteBatch> spilling_;
  mutable std::unique_ptr<rocksdb::WriteBatch> spare_;  // the last spilled batch, emptied, for its buffer
  mutable std::exception_ptr spill_error_;
  mutable bool failed_ = false;  // a spill failed (await_spill)
  bool reserved_ = false;
  // The spill thread's sorting space, kept from one spill to the next (its pages mapped).
  std::vector<BatchOp> spill_ops_;
  std::vector<RunEntry> spill_entries_;
  int savepoints_ = 0;
  std::unique_ptr<Runs> runs_;
  std::uint64_t in_runs_ = 0;  // bit cf: the family's spilled writes go into runs (table_run)
  bool made_tables_dir_ = false;
  void drop_tables_dir() noexcept {
    if (!made_tables_dir_) return;
    std::error_code ec;
    std::filesystem::remove_all(spill_dir_, ec);  // what is left: files not moved in, or none
    made_tables_dir_ = false;
  }
};

}  // namespace

const char* cf_name(Cf cf) { return kCfNames[static_cast<int>(cf)]; }

namespace {

namespace fs = std::filesystem;

// The run directories (`<db>.txn-<pid>-<n>`) of transactions whose process died: only a
// writer makes them, and this one holds the database's lock.
void remove_stale_runs(const fs::path& db) {
  std::error_code ec;
  auto parent = db.parent_path().empty() ? fs::path(".") : db.parent_path();
  const std::string prefix = db.filename().string() + ".txn-";
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) continue;
    if (name.find_first_not_of("0123456789-", prefix.size()) != std::string::npos) continue;
    std::error_code ignored;
    fs::remove_all(it->path(), ignored);
  }
}


// The writers of this process, by directory (a read-only open beside one of them retries
// when it races the writer's file deletions, as it does beside another process's writer).
std::mutex writers_mu;
std::set<std::string> writers;

std::string writer_key(const fs::path& path) {
  std::error_code ec;
  auto canonical = fs::weakly_canonical(path, ec);
  return (ec ? path : canonical).string();
}

// Whether a process holds the database's write lock: this one (writers) or another (the
// POSIX lock RocksDB takes on LOCK, seen with F_GETLK).
bool writer_active(const fs::path& path) {
  {
    std::lock_guard<std::mutex> lock(writers_mu);
    if (writers.count(writer_key(path))) return true;
  }
  int fd = ::open((path / "LOCK").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  bool locked = ::fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
  ::close(fd);
  return locked;
}

// What the directory looks like, to tell a race with a writer (its files changed while we
// opened) from damage (the same failure on the same files).
std::string dir_state(const fs::path& path) {
  std::string out;
  std::error_code ec;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    out += it->path().filename().string();
    out += '\n';
  }
  std::ifstream current(path / "CURRENT");
  std::string line;
  std::getline(current, line);
  return out + "CURRENT=" + line;
}

// The files in the directory whose names end with `suffix` (".log": the write-ahead logs).
std::set<std::string> files_ending(const fs::path& path, std::string_view suffix) {
  std::set<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (n.size() > suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) out.insert(std::move(n));
  }
  return out;
}

bool is_lock_error(const rocksdb::Status& s) {
  std::string msg = s.ToString();
  return s.IsIOError() && (msg.find("lock") != std::string::npos || msg.find("LOCK") != std::string::npos);
}

// Whether a failed open means damage (a file missing or unreadable as RocksDB's), rather
// than an I/O error such as a permission.
bool is_damage(const rocksdb::Status& s) {
  std::string msg = s.ToString();
  return s.IsCorruption() || s.IsPathNotFound() || s.IsNotFound() ||
         msg.find("No such file") != std::string::npos || msg.find("Column family not found") != std::string::npos ||
         msg.find("does not exist") != std::string::npos;
}

std::string salvage_hint(const fs::path& path) {
  return fmt::format("Nothing was changed. 'entente salvage --db {} --to NEW' copies what can still be read into a "
                     "new database",
                     path.string());
}

Error open_error(const fs::path& path, const rocksdb::Status& s, bool salvage) {
  if (s.IsNoSpace()) return io_error("opening {}: no space left on device ({})", path.string(), s.ToString());
  if (is_damage(s)) {
    if (salvage) return corruption("{} cannot be opened: {}", path.string(), s.ToString());
    return corruption("{} is damaged and cannot be opened: {}. {}", path.string(), s.ToString(), salvage_hint(path));
  }
  return io_error("opening {}: {}", path.string(), s.ToString());
}

}  // namespace

std::unique_ptr<Store> Store::open_rocksdb(const fs::path& path, const StoreOptions& options, bool read_only,
                                           bool create, bool records_only) {
  std::unique_ptr<Store> store(new Store());
  store->path_ = path;
  store->options_ = options;
  store->options_.read_only = read_only;

  rocksdb::DBOptions db_options;
  if (auto* env = limited_env()) db_options.env = env;
  db_options.create_if_missing = create;
  db_options.create_missing_column_families = create;
  db_options.error_if_exists = create;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db_options.info_log = info_log();
  // Lenient (repair): a table file that is missing, cut short or damaged does not stop the
  // open. Only after a strict read-only open of the records (records_only) has read every
  // write-ahead log with its checksums, since paranoid checks off would also skip damaged
  // log records.
  db_options.paranoid_checks = !(options.lazy_tables && !read_only);
  // A long-running writer's log is flushed into tables once it reaches this size: a reader
  // opened beside it replays at most this much.
  db_options.max_total_wal_size = std::uint64_t{4} << 20;
  // A damaged record in the middle of a write-ahead log fails the open; only a record cut
  // short at the very end (a write the process died in, never acknowledged) is dropped. A
  // log that lost acknowledged commits at its end is caught by the acknowledgement record.
  db_options.wal_recovery_mode = options.salvage ? rocksdb::WALRecoveryMode::kPointInTimeRecovery
                                                 : rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  // Every table file is opened (and its footer read) at open: a damaged or missing table
  // fails the open instead of a later read, and a reader keeps the files it opened even
  // when a writer beside it deletes them.
  db_options.max_open_files = options.lazy_tables ? 512 : -1;

  // The history family (format 6) is missing from an older database: a read-only open
  // leaves it out, a writable one creates it (the format-6 upgrade then fills it). Any other
  // family missing fails the open below, as damage.
  bool no_history = false;
  if (!create) {
    std::vector<std::string> existing;
    if (rocksdb::DB::ListColumnFamilies(db_options, path.string(), &existing).ok()) {
      no_history = std::find(existing.begin(), existing.end(), kCfNames[static_cast<int>(Cf::kHistory)]) == existing.end();
    }
    if (no_history && !read_only) db_options.create_missing_column_families = true;
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  store->cache_ = rocksdb::NewLRUCache(options.cache_bytes);
  std::vector<int> opened;  // the Cf of each descriptor after the default one
  for (int i = 0; i < kCfCount; ++i) {
    Cf cf = static_cast<Cf>(i);
    // A read-only open may leave column families out: their tables are then not even opened.
    if (records_only && cf != Cf::kNodes && cf != Cf::kEdges && cf != Cf::kMeta) continue;
    if (cf == Cf::kHistory && no_history && read_only) continue;
    descriptors.emplace_back(kCfNames[i], cf_options(cf, store->cache_));
    opened.push_back(i);
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = read_only ? rocksdb::DB::OpenForReadOnly(db_options, path.string(), descriptors, &handles, &raw)
                                : rocksdb::DB::Open(db_options, path.string(), descriptors, &handles, &raw);
  if (!s.ok()) {
    if (is_lock_error(s)) {
      throw conflict("{} is open for writing by another process (lock file {}); open it read-only "
                     "or wait for the writer to finish",
                     path.string(), (path / "LOCK").string());
    }
    throw open_error(path, s, options.salvage);
  }
  store->db_.reset(raw);
  // handles[0] is the default column family, unused; keep the others in Cf order.
  store->db_->DestroyColumnFamilyHandle(handles[0]);
  store->cfs_.assign(kCfCount, nullptr);
  for (std::size_t i = 0; i < opened.size(); ++i) store->cfs_[opened[i]] = handles[i + 1];
  if (!read_only) {
    std::lock_guard<std::mutex> lock(writers_mu);
    writers.insert(writer_key(path));
    store->registered_ = true;
  }
  return store;
}

std::unique_ptr<Store> Store::open(const fs::path& path, const StoreOptions& options) {
  auto info = files::inspect(path);
  switch (info.kind) {
    case files::DirKind::kNotDirectory:
      throw invalid("{} is a file, not a database directory", path.string());
    case files::DirKind::kAbsent:
    case files::DirKind::kEmpty:
      if (options.read_only || !options.create_if_missing) throw not_found("no entente database at {}", path.string());
      create(path, options);
      break;
    case files::DirKind::kNoCurrent:
      throw corruption("{} is damaged: it holds a database's files ({}) but no CURRENT file, which names the current "
                       "MANIFEST. {}",
                       path.string(), fmt::join(info.rocksdb_files, ", "), salvage_hint(path));
    case files::DirKind::kForeign:
      if (options.read_only || !options.create_if_missing) {
        throw not_found("no entente database at {} (the directory holds other files)", path.string());
      }
      throw invalid("{} is not empty and holds no entente database; a new database is made only in an absent or "
                    "empty directory",
                    path.string());
    case files::DirKind::kDatabase:
      if (options.error_if_exists) throw invalid("{} already holds a database", path.string());
      break;
  }
  return open_existing(path, options);
}

// The new database is made whole in `.NAME.creating-PID` beside `path` and renamed into
// place: a kill leaves either no database or a complete one (and a temporary directory that
// the next creation removes).
void Store::create(const fs::path& path, const StoreOptions& options) {
  fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::string name = path.filename().string();
  if (name.empty() || name == "." || name == "..") throw invalid("{} cannot be a new database directory", path.string());
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw io_error("creating {}: {}", parent.string(), ec.message());
  files::remove_stale_siblings(path, "creating");
  fs::path tmp = files::sibling(path, "creating");
  fs::remove_all(tmp, ec);
  try {
    {
      auto store = open_rocksdb(tmp, options, false, true, false);
      store->ack_ = std::make_unique<files::AckWriter>(tmp);
      if (options.initialize) options.initialize(*store);
      store->close();
    }
    files::sync_dir(tmp);
    // What a failed open may have left in an otherwise empty directory.
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      std::string n = it->path().filename().string();
      if (n.rfind("LOG", 0) == 0 || n == "LOCK") fs::remove(it->path(), ec);
    }
    ec.clear();
    fs::rename(tmp, path, ec);
    if (ec && files::inspect(path).kind != files::DirKind::kDatabase) {
      throw io_error("creating {}: {}", path.string(), ec.message());
    }
    // else another process created it at the same moment: open theirs.
    if (ec) fs::remove_all(tmp, ec);
    files::sync_dir(parent);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

std::unique_ptr<Store> Store::open_existing(const fs::path& path, const StoreOptions& options) {
  if (!options.read_only && writer_active(path)) {
    throw conflict("{} is open for writing by another process (lock file {}); open it read-only "
                   "or wait for the writer to finish",
                   path.string(), (path / "LOCK").string());
  }
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  auto pause = [](int attempt) { std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2 << std::min(attempt, 5), 50))); };
  for (int attempt = 0;; ++attempt) {
    std::string before = dir_state(path);
    const auto logs_before = files_ending(path, ".log");
    // Read before the database: it is then a lower bound of what the open must find.
    auto ack = files::read_ack(path);
    try {
      // A repair (lazy_tables) verifies the records and every log before it opens the rest.
      auto probe = open_rocksdb(path, options, true, false, options.lazy_tables && !options.read_only);
      probe->ack_at_open_ = ack;
      if (!options.salvage) probe->verify(ack);
      if (options.read_only) {
        // A writer beside us that flushed while we opened may have deleted a log the MANIFEST
        // we read still needed (the flush's tables came after that MANIFEST): that log's
        // commits, or those of some column families (each flushes on its own), would be
        // missing from what we read, with later ones present, and no error. So a log gone
        // since we began, while the directory holds a table our version does not list (a
        // flush we did not see), means the open raced the writer: open again.
        if (probe->raced(logs_before)) {
          probe.reset();
        } else {
          return probe;
        }
        if (Clock::now() > deadline) {
          throw conflict("{}: a writer beside this read-only open kept replacing its logs for 20 seconds; try again",
                         path.string());
        }
        pause(attempt);
        continue;
      }
      probe.reset();
      auto store = open_rocksdb(path, options, false, false, false);
      store->ack_at_open_ = ack;
      if (!options.salvage) store->verify(ack);
      store->ack_ = std::make_unique<files::AckWriter>(path);
      store->ack_->write(store->sequence());  // throws: a writer must be able to keep it
      remove_stale_runs(path);
      return store;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kConflict || e.kind() == ErrorKind::kInvalid) throw;
      // A read-only open races a writer that deletes obsolete files (a WAL after a flush,
      // tables after a compaction, an old MANIFEST): the same open, a moment later, reads
      // the writer's new files. Damage fails the same way on the same files every time.
      // (A writable open has no writer beside it: it failed at once.)
      bool racing = options.read_only && (writer_active(path) || dir_state(path) != before);
      if (!racing || Clock::now() > deadline) throw;
      pause(attempt);
    }
  }
}

bool Store::raced(const std::set<std::string>& logs_before) const {
  const auto logs_after = files_ending(path_, ".log");
  if (std::includes(logs_after.begin(), logs_after.end(), logs_before.begin(), logs_before.end())) return false;
  std::vector<rocksdb::LiveFileMetaData> live;
  db_->GetLiveFilesMetaData(&live);
  std::set<std::string> ours;
  for (const auto& f : live) ours.insert(fs::path(f.name).filename().string());
  for (const auto& table : files_ending(path_, ".sst")) {
    if (!ours.count(table)) return true;
  }
  return false;
}

void Store::verify(const files::AckRead& ack) const {
  if (options_.verify) {
    auto view = snapshot();
    options_.verify(*view);
  }
  if (ack.state == files::AckState::kRead && sequence() < ack.ack.sequence) {
    std::vector<std::string> logs;
    std::error_code ec;
    for (fs::directory_iterator it(path_, ec), end; !ec && it != end; it.increment(ec)) {
      std::string n = it->path().filename().string();
      if (n.size() > 4 && (n.substr(n.size() - 4) == ".log" || n.rfind("MANIFEST-", 0) == 0)) logs.push_back(n);
    }
    std::sort(logs.begin(), logs.end());
    throw corruption(
        "{} is damaged: it acknowledged commits up to sequence number {}, but its files reach only {}: the "
        "write-ahead log or the MANIFEST ({}) has lost acknowledged writes. {}. (If the directory was "
        "deliberately replaced by an older copy, delete {} to accept it as it is.)",
        path_.string(), ack.ack.sequence, sequence(), fmt::join(logs, ", "), salvage_hint(path_),
        (path_ / files::kAckFile).string());
  }
}

void Store::compact(Cf cf) {
  rocksdb::CompactRangeOptions o;
  o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  auto s = db_->CompactRange(o, handle(cf), nullptr, nullptr);
  if (!s.ok()) throw from_status(s, fmt::format("compacting {}", cf_name(cf)));
}

std::uint64_t Store::sequence() const { return db_->GetLatestSequenceNumber(); }

// After a commit that succeeded, a record that cannot be advanced must not turn the commit
// into a failure: it only stays a lower bound, as it is meant to be. (Its block is written
// when the database is opened for writing, so a full disk cannot stop it later.)
void Store::acknowledge() {
  if (!ack_) return;
  std::lock_guard<std::mutex> lock(ack_mu_);
  try {
    ack_->write(sequence());
  } catch (const Error&) {
  }
}

void Store::flush() {
  if (options_.read_only || !db_) return;
  if (!failed_.empty()) throw io_error("{}: an earlier write failed ({}); reopen the database", path_.string(), failed_);
  rocksdb::FlushOptions fo;
  fo.wait = true;
  fo.allow_write_stall = true;
  auto s = db_->Flush(fo, cfs_);
  if (!s.ok()) throw from_status(s, fmt::format("writing the tables of {}", path_.string()));
  acknowledge();
}

void Store::close() {
  if (!db_) return;
  std::optional<Error> error;
  try {
    if (!options_.read_only && failed_.empty()) flush();
  } catch (const Error& e) {
    error = e;
  }
  for (auto* h : cfs_) {
    if (h) db_->DestroyColumnFamilyHandle(h);
  }
  cfs_.clear();
  auto s = db_->Close();
  db_.reset();
  ack_.reset();
  if (registered_) {
    std::lock_guard<std::mutex> lock(writers_mu);
    writers.erase(writer_key(path_));
    registered_ = false;
  }
  if (error) throw *error;
  if (!s.ok() && failed_.empty()) throw from_status(s, fmt::format("closing {}", path_.string()));
}

void Store::close_quietly() noexcept {
  try {
    close();
  } catch (...) {
    // The data stays in the write-ahead log, replayed by the next open.
  }
}

Store::~Store() { close_quietly(); }

std::unique_ptr<View> Store::snapshot() const { return std::make_unique<SnapshotView>(db_.get(), cfs_); }

std::unique_ptr<Store::Batch> Store::batch() const {
  static std::atomic<std::uint64_t> batches{0};
  auto dir = fs::path(path_.string() + fmt::format(".txn-{}-{}", ::getpid(), batches++));
  return std::make_unique<BatchImpl>(*this, db_.get(), cfs_, options_.read_only ? 0 : options_.transaction_bytes, dir);
}

void Store::commit(Batch& batch) {
  if (options_.read_only) throw conflict("{} is open read-only", path_.string());
  if (!failed_.empty()) {
    throw io_error("cannot commit to {}: an earlier write failed ({}); nothing of this transaction was applied. "
                   "Reopen the database",
                   path_.string(), failed_);
  }
  auto& impl = static_cast<BatchImpl&>(batch);
  prepare(impl);  // a batch that spilled, or a large one: its tables (unless made already)
  if (impl.tables) {
    commit_runs(impl);
    return;
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  auto sorted = impl.sorted();
  auto* write = sorted ? sorted.get() : impl.write_batch();
  auto s = db_->Write(wo, write);
  if (!s.ok()) {
    failed_ = s.ToString();
    if (s.IsNoSpace()) {
      throw io_error("no space left on device while committing to {}; nothing of this transaction was applied "
                     "(every earlier commit is kept)",
                     path_.string());
    }
    throw io_error("committing to {}: {}; nothing of this transaction was applied (every earlier commit is kept)",
                   path_.string(), s.ToString());
  }
  // Only a synced commit is acknowledged as durable (files.h): an unsynced one may be lost
  // with the machine, and must not make the next open refuse the database.
  if (options_.sync) acknowledge();
  // A large commit is written into table files at once: a reader opened beside this writer,
  // or the next open after a crash, replays a short log instead.
  if (write->GetDataSize() >= kFlushAfterBytes) flush();
}

// A batch committed as tables: one per column family (deletes as tombstones), ready to be
// ingested. A batch past its memory budget spills its last writes too, and the runs are
// merged. A batch that did not spill but holds kTablesAfterBytes or more is sorted and
// written out as it is: ingesting its tables costs less than writing it to the log, then
// into the memtable, then flushing the memtable into tables (which a commit of that size
// did at once), and the two threads write the families side by side.
void Store::prepare(Batch& batch) {
  try {
    prepare_tables(batch);
  } catch (const Error& e) {
    // Nothing is in the database yet: say so, and name the database, not a table being
    // written beside it.
    if (e.kind() != ErrorKind::kIO) throw;
    if (std::string_view(e.what()).find("no space left on device") != std::string_view::npos) {
      throw io_error("no space left on device while committing to {}; nothing of this transaction was applied "
                     "(every earlier commit is kept)",
                     path_.string());
    }
    throw io_error("committing to {}: {}; nothing of this transaction was applied (every earlier commit is kept)",
                   path_.string(), e.what());
  }
}

void Store::prepare_tables(Batch& batch) {
  auto& impl = static_cast<BatchImpl&>(batch);
  if (impl.tables) return;
  // Visits the writes of column family i in key order.
  std::function<void(std::size_t, const std::function<void(const RunEntry&)>&)> each;
  fs::path dir;
  std::vector<RunEntry> own;  // sorted by family, then key
  if (impl.runs()) {
    impl.spill();
    impl.drop_spill_space();
    const Runs& runs = *impl.runs();
    dir = runs.dir();
    each = [&runs](std::size_t i, const std::function<void(const RunEntry&)>& visit) {
      runs.each(static_cast<std::uint32_t>(i), visit);
    };
  } else {
    if (options_.read_only || impl.bytes() < kTablesAfterBytes || !impl.own_writes(own)) return;
    dir = impl.tables_dir();
    each = [&own](std::size_t i, const std::function<void(const RunEntry&)>& visit) {
      RunEntry probe;
      probe.cf = static_cast<std::uint32_t>(i);
      auto family = std::equal_range(own.begin(), own.end(), probe,
                                     [](const RunEntry& x, const RunEntry& y) { return x.cf < y.cf; });
      std::for_each(family.first, family.second, visit);
    };
  }
  // The families whose spilled writes are all in table runs that do not overlap: those
  // tables as they are (Runs::tables_of).
  std::vector<std::vector<fs::path>> made(kCfCount);
  if (impl.runs()) {
    for (int i = 0; i < kCfCount; ++i) {
      if (auto t = impl.runs()->tables_of(static_cast<std::uint32_t>(i))) made[i] = std::move(*t);
    }
  }
  // One table for each other column family, on two threads (the families are independent).
  parallel::for_each(kCfCount, 2, [&](std::size_t i) {
    if (!made[i].empty()) return;  // its table runs, as they are
    auto cf = static_cast<Cf>(i);
    auto file = dir / fmt::format("commit-{}.sst", cf_name(cf));
    SstWriter sst(*this, file, cf);
    each(i, [&](const RunEntry& e) {
      if (e.put) {
        sst.put(e.key, e.value);
      } else {
        sst.del(e.key);
      }
    });
    if (sst.finish()) made[i].push_back(file);
  });
  std::vector<std::pair<Cf, fs::path>> tables;
  for (int i = 0; i < kCfCount; ++i) {
    for (auto& f : made[i]) tables.emplace_back(static_cast<Cf>(i), std::move(f));
  }
  impl.tables = std::move(tables);
}

// The prepared tables ingested in one step, all or none, durably (the MANIFEST is synced).
void Store::commit_runs(Batch& batch) {
  auto& impl = static_cast<BatchImpl&>(batch);
  prepare(batch);
  try {
    ingest(*impl.tables);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kIO) failed_ = e.what();
    throw;
  }
  impl.release();  // the runs, and the tables' names left after the move
}

bool Store::has_data() const {
  rocksdb::ReadOptions ro;
  for (Cf cf : {Cf::kNodes, Cf::kEdges, Cf::kAdj, Cf::kKeys, Cf::kNames}) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cfs_[static_cast<int>(cf)]));
    it->SeekToFirst();
    if (it->Valid()) return true;
    if (!it->status().ok()) throw from_status(it->status(), "reading");
  }
  return false;
}

void Store::ingest(const std::vector<std::pair<Cf, std::filesystem::path>>& files) {
  if (options_.read_only) throw conflict("{} is open read-only", path_.string());
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (const auto& [cf, file] : files) {
    rocksdb::IngestExternalFileArg* arg = nullptr;
    for (auto& a : args) {
      if (a.column_family == cfs_[static_cast<int>(cf)]) arg = &a;
    }
    if (!arg) {
      args.emplace_back();
      arg = &args.back();
      arg->column_family = cfs_[static_cast<int>(cf)];
      arg->options.move_files = true;  // a hard link where it can, else a copy
      arg->options.snapshot_consistency = true;
      arg->options.allow_global_seqno = true;
      arg->options.allow_blocking_flush = true;
      // The global sequence number only in the MANIFEST, never written into the file: a file
      // holding one cannot be read without the MANIFEST, and salvage rebuilds a lost MANIFEST
      // from the files (repair_files).
      arg->options.write_global_seqno = false;
    }
    arg->external_files.push_back(file.string());
  }
  if (args.empty()) return;
  auto s = db_->IngestExternalFiles(args);
  if (!s.ok()) {
    if (s.IsNoSpace()) {
      throw io_error("no space left on device while adding the sorted tables to {}; nothing was added",
                     path_.string());
    }
    throw from_status(s, "adding the sorted tables");
  }
  acknowledge();  // the MANIFEST that names them is synced
}

SstWriter::SstWriter(const Store& store, const std::filesystem::path& path, Cf cf) : path_(path) {
  rocksdb::Options options(rocksdb::DBOptions(), cf_options(cf, nullptr));
  // ZSTD at level 1, not RocksDB's 3, for the tables written here (the bulk load's, a big
  // transaction's): at 10^7 records the bulk load spent 2.7 s of 19 s of CPU compressing
  // at level 3; level 1 makes its tables 1.7% larger (227.2 to 231.0 MB) for about half a
  // second less (docs/performance.md, "ninth step"). Compactions keep the default.
  options.bottommost_compression_opts.level = 1;
  options.bottommost_compression_opts.enabled = true;
  if (auto* env = limited_env()) options.env = env;
  writer_ = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), options, store.handle(cf));
  auto s = writer_->Open(path.string());
  if (!s.ok()) throw from_status(s, fmt::format("writing {}", path.string()));
}

SstWriter::~SstWriter() = default;

void SstWriter::del(std::string_view key) {
  auto s = writer_->Delete(slice(key));
  if (!s.ok()) throw from_status(s, fmt::format("writing {}", path_.string()));
  ++entries_;
}

void SstWriter::put(std::string_view key, std::string_view value) {
  auto s = writer_->Put(slice(key), slice(value));
  if (!s.ok()) throw from_status(s, fmt::format("writing {}", path_.string()));
  ++entries_;
}

bool SstWriter::finish() {
  if (finished_) return entries_ > 0;
  finished_ = true;
  if (entries_ == 0) return false;
  auto s = writer_->Finish();
  if (!s.ok()) throw from_status(s, fmt::format("writing {}", path_.string()));
  return true;
}

void Store::checkpoint(const std::filesystem::path& to) const {
  if (std::filesystem::exists(to)) throw invalid("{} already exists; a backup goes into a new directory", to.string());
  rocksdb::Checkpoint* raw = nullptr;
  auto s = rocksdb::Checkpoint::Create(db_.get(), &raw);
  if (!s.ok()) throw from_status(s, "starting a backup");
  std::unique_ptr<rocksdb::Checkpoint> cp(raw);
  // log_size_for_flush 0: the memtables are flushed first, so the copy holds no log to replay
  // (a read-only store has none to flush).
  s = cp->CreateCheckpoint(to.string(), options_.read_only ? std::numeric_limits<std::uint64_t>::max() : 0);
  if (!s.ok()) throw from_status(s, fmt::format("backing up to {}", to.string()));
}

std::vector<Store::TableFile> Store::table_files() const {
  std::vector<rocksdb::LiveFileMetaData> live;
  db_->GetLiveFilesMetaData(&live);
  std::vector<TableFile> out;
  for (const auto& f : live) {
    std::string name = f.name;
    while (!name.empty() && name.front() == '/') name.erase(0, 1);
    out.push_back({name, f.column_family_name, f.size});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

std::vector<FileProblem> Store::verify_files() const {
  std::vector<FileProblem> problems;
  // A writer's own compactions delete files while they are read here: not meanwhile.
  struct Hold {
    rocksdb::DB* db;
    bool held;
    ~Hold() {
      if (held) db->EnableFileDeletions(false);
    }
  } hold{db_.get(), !options_.read_only && db_->DisableFileDeletions().ok()};
  std::vector<rocksdb::LiveFileMetaData> live;
  db_->GetLiveFilesMetaData(&live);
  // A strict open opened every table (max_open_files = -1) and failed on a missing one: a
  // table missing now was deleted since by a writer (this one, or another process's, beside
  // a reader), which is no damage. A lenient open (repair) opened none of them.
  std::sort(live.begin(), live.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& f : live) {
    std::string name = f.name;
    while (!name.empty() && name.front() == '/') name.erase(0, 1);
    fs::path file = fs::path(f.db_path) / name;
    std::error_code ec;
    auto size = fs::file_size(file, ec);
    std::string what = fmt::format("table file {} (column family {})", name, f.column_family_name);
    if (ec) {
      if (options_.lazy_tables) problems.push_back({name, fmt::format("{} is missing: {}", what, ec.message())});
      continue;
    }
    if (size != f.size) {
      problems.push_back({name, fmt::format("{} is {} bytes; the MANIFEST says {}", what, size, f.size)});
      continue;
    }
    int cf = -1;
    for (int i = 0; i < kCfCount; ++i) {
      if (f.column_family_name == kCfNames[i]) cf = i;
    }
    rocksdb::Options o(rocksdb::DBOptions(), cf >= 0 ? cf_options(static_cast<Cf>(cf), nullptr)
                                                     : rocksdb::ColumnFamilyOptions());
    rocksdb::SstFileReader reader(o);
    auto s = reader.Open(file.string());
    if (s.ok()) s = reader.VerifyChecksum();
    if (!s.ok() && (options_.lazy_tables || fs::exists(file))) {
      problems.push_back({name, fmt::format("{} is damaged: {}", what, s.ToString())});
    }
  }
  rocksdb::VectorLogPtr logs;
  if (auto s = db_->GetSortedWalFiles(logs); !s.ok()) {
    problems.push_back({"*.log", fmt::format("the write-ahead log files cannot be listed: {}", s.ToString())});
  }
  for (const auto& log : logs) {
    if (log->Type() != rocksdb::kAliveLogFile) continue;
    std::string name = log->PathName();
    while (!name.empty() && name.front() == '/') name.erase(0, 1);
    if (!fs::exists(path_ / name)) problems.push_back({name, "the write-ahead log file is missing"});
  }
  return problems;
}

void Store::reset(const std::vector<Cf>& which) {
  if (options_.read_only) throw conflict("{} is open read-only", path_.string());
  for (Cf cf : which) {
    auto& handle = cfs_[static_cast<int>(cf)];
    auto s = db_->DropColumnFamily(handle);
    if (!s.ok()) throw from_status(s, fmt::format("dropping column family {}", cf_name(cf)));
    db_->DestroyColumnFamilyHandle(handle);
    handle = nullptr;
    s = db_->CreateColumnFamily(cf_options(cf, cache_), cf_name(cf), &handle);
    if (!s.ok()) throw from_status(s, fmt::format("creating column family {}", cf_name(cf)));
  }
}

void repair_files(const std::filesystem::path& path) {
  rocksdb::DBOptions db_options;
  db_options.info_log = info_log();
  db_options.paranoid_checks = false;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (int i = 0; i < kCfCount; ++i) descriptors.emplace_back(kCfNames[i], cf_options(static_cast<Cf>(i), nullptr));
  auto s = rocksdb::RepairDB(path.string(), db_options, descriptors);
  if (!s.ok()) throw from_status(s, fmt::format("rebuilding the MANIFEST of {}", path.string()));
  // A column family that had no table is not in the rebuilt MANIFEST: created, empty.
  db_options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::Open(db_options, path.string(), descriptors, &handles, &raw);
  if (!s.ok()) throw from_status(s, fmt::format("opening the rebuilt {}", path.string()));
  for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
  s = raw->Close();
  delete raw;
  if (!s.ok()) throw from_status(s, fmt::format("closing the rebuilt {}", path.string()));
}

RecordReader::RecordReader(std::string_view bytes, std::string_view what) {
  if (bytes.size() % sizeof(capnp::word) != 0 || bytes.empty()) {
    throw corruption("{}: the record is damaged ({} bytes, not a whole number of words)", what, bytes.size());
  }
  words_ = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words_.begin(), bytes.data(), bytes.size());
  try {
    reader_ = kj::heap<capnp::FlatArrayMessageReader>(words_.asPtr(), limits(words_.size()));
  } catch (const kj::Exception& e) {
    throw corruption("{}: the record is damaged: {}", what, e.getDescription().cStr());
  }
}

capnp::ReaderOptions RecordReader::limits(std::size_t words) {
  capnp::ReaderOptions o;
  o.traversalLimitInWords = std::max<std::uint64_t>(4096, 4 * words);
  o.nestingLimit = 32;
  return o;
}

std::string encode(capnp::MessageBuilder& message) {
  std::string out;
  encode_append(message, out);
  return out;
}

void encode_append(capnp::MessageBuilder& message, std::string& out) {
  // Cap'n Proto's flat array (messageToFlatArray's bytes), written straight into the
  // string: the segment count less one and each segment's size in words (u32 each,
  // little-endian, padded to a word), then the segments.
  auto segments = message.getSegmentsForOutput();
  const std::size_t table = (segments.size() / 2 + 1) * sizeof(capnp::word);
  std::size_t bytes = table;
  for (const auto& s : segments) bytes += s.size() * sizeof(capnp::word);
  const std::size_t base = out.size();
  out.resize(base + bytes);  // the table's padding stays zero
  auto put = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out[base + at + i] = static_cast<char>(v >> (8 * i));
  };
  put(0, static_cast<std::uint32_t>(segments.size() - 1));
  std::size_t at = table;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    put(4 + 4 * i, static_cast<std::uint32_t>(segments[i].size()));
    std::memcpy(out.data() + base + at, segments[i].begin(), segments[i].size() * sizeof(capnp::word));
    at += segments[i].size() * sizeof(capnp::word);
  }
}

}  // namespace entente::storage
