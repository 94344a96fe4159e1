#include "storage/store.h"

#include <algorithm>
#include <cstring>

#include <kj/exception.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include "common/error.h"

namespace entente::storage {
namespace {

const char* const kCfNames[kCfCount] = {"nodes", "edges", "adj", "keys", "names", "meta"};

rocksdb::Slice slice(std::string_view s) { return {s.data(), s.size()}; }

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
//  - `cache`: the block cache shared by all column families (null: RocksDB's own default).
rocksdb::ColumnFamilyOptions cf_options(Cf cf, const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions o;
  rocksdb::BlockBasedTableOptions t;
  if (cache) t.block_cache = cache;
  if (cf == Cf::kNodes || cf == Cf::kEdges || cf == Cf::kKeys) {
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  o.compression = rocksdb::kLZ4Compression;
  o.bottommost_compression = rocksdb::kZSTD;
  return o;
}

Error from_status(const rocksdb::Status& s, std::string_view doing) {
  if (s.IsCorruption()) return corruption("{}: the database is damaged: {}", doing, s.ToString());
  return io_error("{}: {}", doing, s.ToString());
}

void scan_iterator(rocksdb::Iterator& it, std::string_view prefix, const Visitor& visit) {
  for (it.Seek(slice(prefix)); it.Valid(); it.Next()) {
    auto k = it.key();
    if (k.size() < prefix.size() || std::memcmp(k.data(), prefix.data(), prefix.size()) != 0) break;
    if (!visit({k.data(), k.size()}, {it.value().data(), it.value().size()})) return;
  }
  if (!it.status().ok()) throw from_status(it.status(), "reading");
}

class SnapshotView : public View {
 public:
  SnapshotView(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs)
      : db_(db), cfs_(cfs), snapshot_(db->GetSnapshot()) {
    options_.snapshot = snapshot_;
  }
  ~SnapshotView() override { db_->ReleaseSnapshot(snapshot_); }

  std::optional<std::string> get(Cf cf, std::string_view key) const override {
    std::string value;
    auto s = db_->Get(options_, cfs_[static_cast<int>(cf)], slice(key), &value);
    if (s.IsNotFound()) return std::nullopt;
    if (!s.ok()) throw from_status(s, "reading");
    return value;
  }
  void scan(Cf cf, std::string_view prefix, const Visitor& visit) const override {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options_, cfs_[static_cast<int>(cf)]));
    scan_iterator(*it, prefix, visit);
  }

 private:
  rocksdb::DB* db_;
  const std::vector<rocksdb::ColumnFamilyHandle*>& cfs_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
};

// A transaction's writes. They go into a plain WriteBatch until something reads through
// the batch (or sets a savepoint); only then is the WriteBatchWithIndex built, by replaying
// them, and used from there on. An import that reads only what the transaction's own caches
// hold (graph/state.h) thus never pays for the index: a skip list over every key written,
// which cost about half of an import's time.
class BatchImpl : public Store::Batch {
 public:
  BatchImpl(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& cfs)
      : db_(db), cfs_(cfs), snapshot_(db->GetSnapshot()),
        batch_(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true) {
    options_.snapshot = snapshot_;
  }
  ~BatchImpl() override { db_->ReleaseSnapshot(snapshot_); }

  std::optional<std::string> get(Cf cf, std::string_view key) const override {
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
    index();
    auto* handle = cfs_[static_cast<int>(cf)];
    std::unique_ptr<rocksdb::Iterator> it(batch_.NewIteratorWithBase(handle, db_->NewIterator(options_, handle)));
    scan_iterator(*it, prefix, visit);
  }
  void put(Cf cf, std::string_view key, std::string_view value) override {
    auto s = indexed_ ? batch_.Put(cfs_[static_cast<int>(cf)], slice(key), slice(value))
                      : plain_.Put(cfs_[static_cast<int>(cf)], slice(key), slice(value));
    if (!s.ok()) throw from_status(s, "writing");
  }
  void del(Cf cf, std::string_view key) override {
    auto s = indexed_ ? batch_.Delete(cfs_[static_cast<int>(cf)], slice(key))
                      : plain_.Delete(cfs_[static_cast<int>(cf)], slice(key));
    if (!s.ok()) throw from_status(s, "writing");
  }
  void set_savepoint() override {
    index(true);
    batch_.SetSavePoint();
  }
  void rollback_to_savepoint() override {
    index(true);
    auto s = batch_.RollbackToSavePoint();
    if (!s.ok()) throw from_status(s, "rolling back to a savepoint");
  }
  void pop_savepoint() override {
    index(true);
    auto s = batch_.PopSavePoint();
    if (!s.ok()) throw from_status(s, "releasing a savepoint");
  }
  rocksdb::WriteBatch* write_batch() { return indexed_ ? batch_.GetWriteBatch() : &plain_; }

  // The batch's writes in key order within each column family (writes to the same key
  // keep their order, so the batch means the same): a memtable takes keys in order several
  // times faster than in random order, and a large import's commit is mostly that.
  // nullptr when the batch is small enough for the order not to matter.
  std::unique_ptr<rocksdb::WriteBatch> sorted() {
    rocksdb::WriteBatch* b = write_batch();
    if (b->Count() < 1024) return nullptr;
    struct Op {
      std::uint32_t cf;
      bool put;
      rocksdb::Slice key, value;
    };
    struct Collect : rocksdb::WriteBatch::Handler {
      std::vector<Op> ops;
      bool other = false;  // an operation other than put and delete: leave the batch as it is
      rocksdb::Status PutCF(std::uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice& v) override {
        ops.push_back({cf, true, k, v});
        return rocksdb::Status::OK();
      }
      rocksdb::Status DeleteCF(std::uint32_t cf, const rocksdb::Slice& k) override {
        ops.push_back({cf, false, k, {}});
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
    } collect;
    collect.ops.reserve(b->Count());
    auto s = b->Iterate(&collect);
    if (!s.ok()) throw from_status(s, "committing");
    if (collect.other) return nullptr;
    std::stable_sort(collect.ops.begin(), collect.ops.end(), [](const Op& a, const Op& b) {
      return a.cf != b.cf ? a.cf < b.cf : a.key.compare(b.key) < 0;
    });
    auto out = std::make_unique<rocksdb::WriteBatch>(b->GetDataSize());
    std::vector<rocksdb::ColumnFamilyHandle*> by_id;
    for (auto* h : cfs_) {
      if (by_id.size() <= h->GetID()) by_id.resize(h->GetID() + 1, nullptr);
      by_id[h->GetID()] = h;
    }
    for (const auto& op : collect.ops) {
      auto* h = op.cf < by_id.size() ? by_id[op.cf] : nullptr;
      if (!h) return nullptr;
      s = op.put ? out->Put(h, op.key, op.value) : out->Delete(h, op.key);
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

  rocksdb::DB* db_;
  const std::vector<rocksdb::ColumnFamilyHandle*>& cfs_;
  const rocksdb::Snapshot* snapshot_;
  rocksdb::ReadOptions options_;
  mutable rocksdb::WriteBatch plain_;
  mutable rocksdb::WriteBatchWithIndex batch_;
  mutable bool indexed_ = false;
};

}  // namespace

const char* cf_name(Cf cf) { return kCfNames[static_cast<int>(cf)]; }

std::unique_ptr<Store> Store::open(const std::filesystem::path& path, const StoreOptions& options) {
  std::unique_ptr<Store> store(new Store());
  store->path_ = path;
  store->options_ = options;

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing && !options.read_only;
  db_options.create_missing_column_families = !options.read_only;
  db_options.error_if_exists = options.error_if_exists;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db_options.keep_log_file_num = 2;
  db_options.paranoid_checks = true;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  auto cache = rocksdb::NewLRUCache(options.cache_bytes);
  for (int i = 0; i < kCfCount; ++i) descriptors.emplace_back(kCfNames[i], cf_options(static_cast<Cf>(i), cache));

  if (!options.create_if_missing || options.read_only) {
    if (!std::filesystem::exists(path / "CURRENT")) {
      throw not_found("no entente database at {}", path.string());
    }
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.read_only) {
    s = rocksdb::DB::OpenForReadOnly(db_options, path.string(), descriptors, &handles, &raw);
  } else {
    s = rocksdb::DB::Open(db_options, path.string(), descriptors, &handles, &raw);
  }
  if (!s.ok()) {
    std::string msg = s.ToString();
    if (s.IsIOError() && (msg.find("lock") != std::string::npos || msg.find("LOCK") != std::string::npos)) {
      throw conflict("{} is open for writing by another process (lock file {}); open it read-only "
                     "or wait for the writer to finish",
                     path.string(), (path / "LOCK").string());
    }
    throw from_status(s, fmt::format("opening {}", path.string()));
  }
  store->db_.reset(raw);
  // handles[0] is the default column family, unused; keep the others in Cf order.
  store->db_->DestroyColumnFamilyHandle(handles[0]);
  store->cfs_.assign(handles.begin() + 1, handles.end());
  return store;
}

Store::~Store() {
  for (auto* h : cfs_) db_->DestroyColumnFamilyHandle(h);
  if (db_) db_->Close();
}

std::unique_ptr<View> Store::snapshot() const { return std::make_unique<SnapshotView>(db_.get(), cfs_); }

std::unique_ptr<Store::Batch> Store::batch() const { return std::make_unique<BatchImpl>(db_.get(), cfs_); }

void Store::commit(Batch& batch) {
  if (options_.read_only) throw conflict("{} is open read-only", path_.string());
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  auto& impl = static_cast<BatchImpl&>(batch);
  auto sorted = impl.sorted();
  auto s = db_->Write(wo, sorted ? sorted.get() : impl.write_batch());
  if (!s.ok()) throw from_status(s, "committing");
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
    }
    arg->external_files.push_back(file.string());
  }
  if (args.empty()) return;
  auto s = db_->IngestExternalFiles(args);
  if (!s.ok()) throw from_status(s, "adding the sorted tables");
}

SstWriter::SstWriter(const std::filesystem::path& path, Cf cf) : path_(path) {
  rocksdb::Options options(rocksdb::DBOptions(), cf_options(cf, nullptr));
  writer_ = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), options);
  auto s = writer_->Open(path.string());
  if (!s.ok()) throw from_status(s, fmt::format("writing {}", path.string()));
}

SstWriter::~SstWriter() = default;

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
  s = cp->CreateCheckpoint(to.string());
  if (!s.ok()) throw from_status(s, fmt::format("backing up to {}", to.string()));
}

RecordReader::RecordReader(std::string_view bytes, std::string_view what) {
  if (bytes.size() % sizeof(capnp::word) != 0 || bytes.empty()) {
    throw corruption("{}: the record is damaged ({} bytes, not a whole number of words)", what, bytes.size());
  }
  words_ = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words_.begin(), bytes.data(), bytes.size());
  capnp::ReaderOptions limits;
  // A valid record is read in about as many words as it holds; a damaged one claiming a
  // list of millions of empty elements must not make its reader do (or allocate) more.
  limits.traversalLimitInWords = std::max<std::uint64_t>(4096, 4 * words_.size());
  limits.nestingLimit = 32;
  try {
    reader_ = kj::heap<capnp::FlatArrayMessageReader>(words_.asPtr(), limits);
  } catch (const kj::Exception& e) {
    throw corruption("{}: the record is damaged: {}", what, e.getDescription().cStr());
  }
}

std::string encode(capnp::MessageBuilder& message) {
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

}  // namespace entente::storage
