// Sorted runs of a transaction's writes (storage/runs.h).
//
// A run file is its entries back to back, sorted by (column family, key):
//   [u32 cf][u8 put][u32 key size][u32 value size][key][value]
// with every kIndexEvery-th entry's column family, key and offset kept in memory, so that a
// seek reads from the nearest indexed entry on.
#include "storage/runs.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>

#include <rocksdb/sst_file_reader.h>

#include "common/coding.h"
#include "common/error.h"
#include "storage/files.h"

namespace entente::storage {

namespace {

constexpr std::size_t kIndexEvery = 32;

using files::File;

int compare(std::uint32_t cf_a, std::string_view a, std::uint32_t cf_b, std::string_view b) {
  if (cf_a != cf_b) return cf_a < cf_b ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

}  // namespace

class Runs::Run {
 public:
  struct Mark {
    std::uint32_t cf;
    std::string key;
    std::uint64_t offset;
  };
  std::filesystem::path path;
  std::vector<Mark> index;
  std::uint64_t bytes = 0;
  std::uint64_t families = 0;  // bit cf: the run holds an entry of column family cf
  // A table run (add_table): a sorted table of one column family's puts, read through
  // RocksDB's reader (opened once, on the first read).
  std::optional<std::uint32_t> table_cf;
  std::string smallest, largest;
  std::unique_ptr<rocksdb::SstFileReader> reader;
  std::once_flag opened;
  std::exception_ptr open_error;

  // The offset to read from to find the first entry at or after (cf, key).
  std::uint64_t start(std::uint32_t cf, std::string_view key) const {
    // The last mark at or before (cf, key).
    std::size_t lo = 0, hi = index.size();
    while (lo < hi) {
      std::size_t mid = (lo + hi) / 2;
      if (compare(index[mid].cf, index[mid].key, cf, key) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? 0 : index[lo - 1].offset;
  }
};

// Reads one run forward, from a seek, through a buffer of its own (three freads an entry,
// each taking the stream's lock, were a twentieth of a large commit).
class Runs::Cursor {
 public:
  Cursor(const Runs& runs, const Run& run) : runs_(runs), run_(run) {
    if (run.table_cf) return;  // opened by a seek into its column family
    f_.reset(std::fopen(run.path.c_str(), "rb"));
    if (!f_) throw io_error("reading {}: {}", run.path.string(), std::strerror(errno));
    std::setvbuf(f_.get(), nullptr, _IONBF, 0);
  }
  // Positions at the first entry at or after (cf, key). A table run holds one column
  // family: a seek into another leaves it invalid (a reader of a family takes only its
  // entries).
  void seek(std::uint32_t cf, std::string_view key) {
    if (run_.table_cf) {
      valid_ = false;
      if (cf != *run_.table_cf) return;
      if (!table_) table_ = runs_.table_iterator(run_);
      table_->Seek(rocksdb::Slice(key.data(), key.size()));
      settle_table();
      return;
    }
    at_ = run_.start(cf, key);
    if (std::fseek(f_.get(), static_cast<long>(at_), SEEK_SET) != 0) fail();
    pos_ = end_ = 0;
    for (next(); valid_ && compare(cf_, key_, cf, key) < 0;) next();
  }
  void next() {
    if (table_) {
      table_->Next();
      settle_table();
      return;
    }
    if (at_ >= run_.bytes) {
      valid_ = false;
      return;
    }
    char head[13];
    take(head, sizeof head);
    cf_ = coding::get_u32(head);
    put_ = head[4] != 0;
    key_.resize(coding::get_u32(head + 5));
    value_.resize(coding::get_u32(head + 9));
    take(key_.data(), key_.size());
    take(value_.data(), value_.size());
    at_ += sizeof head + key_.size() + value_.size();
    valid_ = true;
  }
  bool valid() const { return valid_; }
  std::uint32_t cf() const { return cf_; }
  bool put() const { return put_; }
  const std::string& key() const { return key_; }
  const std::string& value() const { return value_; }

 private:
  static constexpr std::size_t kBuffer = 256 << 10;

  void take(char* p, std::size_t n) {
    while (n > 0) {
      if (pos_ == end_) {
        if (!buf_) buf_.reset(new char[kBuffer]);  // not zeroed: fread fills what is read
        pos_ = 0;
        end_ = std::fread(buf_.get(), 1, kBuffer, f_.get());
        if (end_ == 0) fail();
      }
      std::size_t k = std::min(n, end_ - pos_);
      std::memcpy(p, buf_.get() + pos_, k);
      pos_ += k;
      p += k;
      n -= k;
    }
  }
  [[noreturn]] void fail() { throw io_error("reading {}: truncated or unreadable", run_.path.string()); }

  void settle_table() {
    valid_ = table_->Valid();
    if (!table_->status().ok()) throw io_error("reading {}: {}", run_.path.string(), table_->status().ToString());
    if (!valid_) return;
    cf_ = *run_.table_cf;
    put_ = true;
    key_.assign(table_->key().data(), table_->key().size());
    value_.assign(table_->value().data(), table_->value().size());
  }

  const Runs& runs_;
  const Run& run_;
  std::unique_ptr<rocksdb::Iterator> table_;  // a table run's
  File f_;
  std::unique_ptr<char[]> buf_;
  std::size_t pos_ = 0, end_ = 0;  // the unread bytes of buf_
  std::uint64_t at_ = 0;
  bool valid_ = false;
  std::uint32_t cf_ = 0;
  bool put_ = true;
  std::string key_, value_;
};

Runs::Runs(std::filesystem::path dir) : dir_(std::move(dir)) {}

Runs::~Runs() {
  // Whether or not a run was written whole: a first run that failed (a full disk) leaves
  // the directory and part of its file.
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void Runs::add_table(std::uint32_t cf, const std::filesystem::path& path, std::string smallest, std::string largest) {
  auto run = std::make_unique<Run>();
  run->path = path;
  run->table_cf = cf;
  run->families = std::uint64_t{1} << cf;
  run->smallest = std::move(smallest);
  run->largest = std::move(largest);
  runs_.push_back(std::move(run));
}

std::unique_ptr<rocksdb::Iterator> Runs::table_iterator(const Run& run) const {
  auto& r = const_cast<Run&>(run);
  std::call_once(r.opened, [&] {
    try {
      if (!table_options_) throw corruption("a table run without the options to read it");
      auto reader = std::make_unique<rocksdb::SstFileReader>(table_options_(*run.table_cf));
      auto s = reader->Open(run.path.string());
      if (!s.ok()) throw io_error("reading {}: {}", run.path.string(), s.ToString());
      r.reader = std::move(reader);
    } catch (...) {
      r.open_error = std::current_exception();
    }
  });
  if (r.open_error) std::rethrow_exception(r.open_error);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  return std::unique_ptr<rocksdb::Iterator>(r.reader->NewIterator(ro));
}

std::optional<std::vector<std::filesystem::path>> Runs::tables_of(std::uint32_t cf) const {
  std::vector<const Run*> tables;
  for (const auto& r : runs_) {
    if (!(r->families >> cf & 1)) continue;
    if (!r->table_cf) return std::nullopt;  // a run of entries holds some of cf's writes
    tables.push_back(r.get());
  }
  std::sort(tables.begin(), tables.end(), [](const Run* a, const Run* b) { return a->smallest < b->smallest; });
  for (std::size_t i = 1; i < tables.size(); ++i) {
    if (!(tables[i - 1]->largest < tables[i]->smallest)) return std::nullopt;  // they overlap: merged instead
  }
  std::vector<std::filesystem::path> out;
  for (const Run* t : tables) out.push_back(t->path);
  return out;
}

const std::string* Runs::largest_in_tables(std::uint32_t cf) const {
  const std::string* out = nullptr;
  for (const auto& r : runs_) {
    if (r->table_cf == cf && (!out || *out < r->largest)) out = &r->largest;
  }
  return out;
}

void Runs::add(const std::vector<RunEntry>& entries) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw io_error("creating {}: {}", dir_.string(), ec.message());
  auto run = std::make_unique<Run>();
  run->path = dir_ / fmt::format("run-{}", runs_.size());
  File f(std::fopen(run->path.c_str(), "wb"));
  if (!f) throw io_error("writing {}: {}", run->path.string(), std::strerror(errno));
  // The entries are laid out in a buffer of our own and written a megabyte at a time: three
  // fwrite calls an entry, each taking the stream's lock, cost a twentieth of an import.
  std::string out;
  out.reserve((1 << 20) + 4096);
  auto flush = [&] {
    if (!out.empty() && std::fwrite(out.data(), 1, out.size(), f.get()) != out.size()) {
      throw io_error("writing {}: {}", run->path.string(), std::strerror(errno));
    }
    out.clear();
  };
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (i % kIndexEvery == 0) run->index.push_back({e.cf, std::string(e.key), offset});
    if (e.cf < 64) run->families |= std::uint64_t{1} << e.cf;
    const std::size_t before = out.size();
    coding::put_u32(out, e.cf);
    out.push_back(e.put ? 1 : 0);
    coding::put_u32(out, static_cast<std::uint32_t>(e.key.size()));
    coding::put_u32(out, static_cast<std::uint32_t>(e.value.size()));
    out.append(e.key);
    out.append(e.value);
    offset += out.size() - before;
    if (out.size() >= (std::size_t{1} << 20)) flush();
  }
  flush();
  if (std::fclose(f.release()) != 0) throw io_error("writing {}: {}", run->path.string(), std::strerror(errno));
  run->bytes = offset;
  runs_.push_back(std::move(run));
}

namespace {

// The runs (newest first) and a base iterator merged: at each key, the newest run's write
// wins, and a delete hides the key.
class MergedIterator : public rocksdb::Iterator {
 public:
  MergedIterator(std::uint32_t cf, std::vector<std::unique_ptr<Runs::Cursor>> runs, std::unique_ptr<rocksdb::Iterator> base)
      : cf_(cf), runs_(std::move(runs)), base_(std::move(base)) {}

  bool Valid() const override { return valid_; }
  void SeekToFirst() override { Seek(rocksdb::Slice()); }
  void Seek(const rocksdb::Slice& target) override {
    guard([&] {
      std::string_view t(target.data(), target.size());
      for (auto& r : runs_) r->seek(cf_, t);
      if (base_) base_->Seek(target);
      settle();
    });
  }
  void Next() override {
    guard([&] {
      advance(key_);
      settle();
    });
  }
  void SeekToLast() override { unsupported(); }
  void SeekForPrev(const rocksdb::Slice&) override { unsupported(); }
  void Prev() override { unsupported(); }
  rocksdb::Slice key() const override { return key_; }
  rocksdb::Slice value() const override { return value_; }
  rocksdb::Status status() const override {
    if (!status_.ok()) return status_;
    return base_ ? base_->status() : rocksdb::Status::OK();
  }

 private:
  bool run_at(const Runs::Cursor& r) const { return r.valid() && r.cf() == cf_; }
  bool base_at() const { return base_ && base_->Valid(); }

  // Moves every source at `key` past it.
  void advance(const std::string& key) {
    for (auto& r : runs_) {
      if (run_at(*r) && r->key() == key) r->next();
    }
    if (base_at() && base_->key() == rocksdb::Slice(key)) base_->Next();
  }

  void settle() {
    for (;;) {
      const std::string* least = nullptr;
      std::string base_key;
      for (auto& r : runs_) {
        if (run_at(*r) && (!least || r->key() < *least)) least = &r->key();
      }
      if (base_at()) {
        base_key = base_->key().ToString();
        if (!least || base_key < *least) least = &base_key;
      }
      if (!least) {
        valid_ = false;
        return;
      }
      std::string k = *least;
      const Runs::Cursor* winner = nullptr;
      for (auto& r : runs_) {
        if (run_at(*r) && r->key() == k) {
          winner = r.get();
          break;
        }
      }
      if (winner && !winner->put()) {
        advance(k);
        continue;
      }
      key_ = std::move(k);
      value_ = winner ? winner->value() : base_->value().ToString();
      valid_ = true;
      return;
    }
  }

  void unsupported() {
    valid_ = false;
    status_ = rocksdb::Status::NotSupported("a transaction's spilled writes are read forward only");
  }
  template <typename F>
  void guard(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      valid_ = false;
      status_ = rocksdb::Status::IOError(e.what());
    }
  }

  std::uint32_t cf_;
  std::vector<std::unique_ptr<Runs::Cursor>> runs_;  // newest first
  std::unique_ptr<rocksdb::Iterator> base_;
  bool valid_ = false;
  std::string key_, value_;
  rocksdb::Status status_;
};

}  // namespace

std::unique_ptr<rocksdb::Iterator> Runs::merged(std::uint32_t cf, std::unique_ptr<rocksdb::Iterator> base) const {
  std::vector<std::unique_ptr<Cursor>> cursors;
  for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) cursors.push_back(std::make_unique<Cursor>(*this, **it));
  return std::make_unique<MergedIterator>(cf, std::move(cursors), std::move(base));
}

void Runs::each(std::uint32_t cf, const std::function<void(const RunEntry&)>& visit) const {
  std::vector<std::unique_ptr<Cursor>> cursors;  // newest first
  for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) {
    cursors.push_back(std::make_unique<Cursor>(*this, **it));
    cursors.back()->seek(cf, "");
  }
  auto at = [&](const Cursor& c) { return c.valid() && c.cf() == cf; };
  // A heap of the cursors still in `cf`, the least key on top and, at one key, the newest
  // run: a commit of many runs compares each key with a few others, not with every run.
  auto after = [&](std::size_t a, std::size_t b) {
    int c = cursors[a]->key().compare(cursors[b]->key());
    return c != 0 ? c > 0 : a > b;
  };
  std::vector<std::size_t> heap;
  for (std::size_t i = 0; i < cursors.size(); ++i) {
    if (at(*cursors[i])) heap.push_back(i);
  }
  std::make_heap(heap.begin(), heap.end(), after);
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), after);
    const std::size_t winner = heap.back();
    heap.pop_back();
    const Cursor& w = *cursors[winner];
    visit({cf, w.put(), w.key(), w.value()});
    // The older runs' writes of the same key are hidden by the winner's.
    while (!heap.empty() && cursors[heap.front()]->key() == w.key()) {
      std::pop_heap(heap.begin(), heap.end(), after);
      const std::size_t older = heap.back();
      heap.pop_back();
      cursors[older]->next();
      if (at(*cursors[older])) {
        heap.push_back(older);
        std::push_heap(heap.begin(), heap.end(), after);
      }
    }
    cursors[winner]->next();
    if (at(*cursors[winner])) {
      heap.push_back(winner);
      std::push_heap(heap.begin(), heap.end(), after);
    }
  }
}

}  // namespace entente::storage
