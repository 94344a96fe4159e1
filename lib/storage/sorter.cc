#include "storage/sorter.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <queue>

#include "common/error.h"
#include "storage/files.h"

namespace entente::storage {
namespace {

std::uint32_t load_u32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Bytes [at, at + 8) of the key, big-endian, zeros past its end.
std::uint64_t key_prefix(std::string_view key, std::size_t at) {
  unsigned char b[8] = {};
  if (key.size() > at) std::memcpy(b, key.data() + at, std::min<std::size_t>(8, key.size() - at));
  std::uint64_t v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

using files::File;

// A run file read an entry at a time from a buffer of 1 MiB, refilled with one read; an
// entry is a view into it (no copy, no stdio call per entry). An entry larger than the
// buffer grows it.
class RunReader {
 public:
  explicit RunReader(const std::filesystem::path& path) : path_(path), f_(std::fopen(path.c_str(), "rb")) {
    if (!f_) throw io_error("reading {}: {}", path.string(), std::strerror(errno));
    std::setvbuf(f_.get(), nullptr, _IONBF, 0);  // the buffer here is the only one
    buf_.resize(1 << 20);
  }
  // Reads the next entry; false at the end.
  bool next() {
    at_ += entry_size_;
    entry_size_ = 0;
    if (!have(8)) {
      if (end_ == at_) return false;
      throw io_error("reading {}: truncated run", path_.string());
    }
    const std::uint32_t k = load_u32(buf_.data() + at_), v = load_u32(buf_.data() + at_ + 4);
    const std::size_t size = 8 + std::size_t{k} + v;
    if (!have(size)) throw io_error("reading {}: truncated run", path_.string());
    key_ = std::string_view(buf_.data() + at_ + 8, k);
    value_ = std::string_view(buf_.data() + at_ + 8 + k, v);
    entry_size_ = size;
    return true;
  }
  std::string_view key() const { return key_; }
  std::string_view value() const { return value_; }

 private:
  // Whether `n` bytes from at_ are in the buffer, reading more as needed.
  bool have(std::size_t n) {
    if (end_ - at_ >= n) return true;
    std::memmove(buf_.data(), buf_.data() + at_, end_ - at_);
    end_ -= at_;
    at_ = 0;
    if (buf_.size() < n) buf_.resize(std::max(n, 2 * buf_.size()));
    while (end_ < n) {
      const std::size_t got = std::fread(buf_.data() + end_, 1, buf_.size() - end_, f_.get());
      if (got == 0) {
        if (std::ferror(f_.get())) throw io_error("reading {}: {}", path_.string(), std::strerror(errno));
        return false;
      }
      end_ += got;
    }
    return true;
  }

  std::filesystem::path path_;
  File f_;
  std::vector<char> buf_;
  std::size_t at_ = 0, end_ = 0;  // the unread bytes: [at_, end_)
  std::size_t entry_size_ = 0;    // the current entry's bytes, from at_
  std::string_view key_, value_;
};

}  // namespace

Sorter::Sorter(std::filesystem::path dir, std::string name, std::size_t memory)
    : dir_(std::move(dir)), name_(std::move(name)), memory_(std::max<std::size_t>(memory, 4096)) {}

Sorter::~Sorter() {
  std::error_code ec;
  for (const auto& r : runs_) std::filesystem::remove(r, ec);
}

void Sorter::add(std::string_view key, std::string_view value) {
  if (key.size() > UINT32_MAX || value.size() > UINT32_MAX) throw invalid("an entry of 4 GiB or more cannot be sorted");
  if (!index_.empty() && buffer_.size() + index_.size() * sizeof(Ref) + key.size() + value.size() > memory_) spill();
  if (buffer_.capacity() == 0) {
    buffer_.reserve(memory_);
    index_.reserve(memory_ / (sizeof(Ref) + 8));
  }
  index_.push_back({key_prefix(key, 0), key_prefix(key, 8), buffer_.size()});
  auto k = static_cast<std::uint32_t>(key.size()), v = static_cast<std::uint32_t>(value.size());
  append(reinterpret_cast<const char*>(&k), 4);
  append(reinterpret_cast<const char*>(&v), 4);
  append(key.data(), key.size());
  append(value.data(), value.size());
  ++count_;
}

void Sorter::sort_buffer() {
  const char* base = buffer_.data();
  std::sort(index_.begin(), index_.end(), [base](const Ref& a, const Ref& b) {
    if (a.prefix[0] != b.prefix[0]) return a.prefix[0] < b.prefix[0];
    if (a.prefix[1] != b.prefix[1]) return a.prefix[1] < b.prefix[1];
    // The first 16 bytes are equal, or the keys are shorter: compare what follows.
    const char* pa = base + a.offset;
    const char* pb = base + b.offset;
    const std::uint32_t na = load_u32(pa), nb = load_u32(pb);
    if (na <= 16 || nb <= 16) return na < nb;  // a shorter key that is a prefix (zeros aside) first
    return std::string_view(pa + 8 + 16, na - 16) < std::string_view(pb + 8 + 16, nb - 16);
  });
}

void Sorter::spill() {
  sort_buffer();
  auto path = dir_ / fmt::format("{}-{}.run", name_, runs_.size());
  File f(std::fopen(path.c_str(), "wb"));
  if (!f) throw io_error("writing {}: {}", path.string(), std::strerror(errno));
  runs_.push_back(path);
  std::setvbuf(f.get(), nullptr, _IOFBF, 1 << 20);
  for (const auto& r : index_) {
    const char* p = buffer_.data() + r.offset;
    std::size_t n = 8 + std::size_t{load_u32(p)} + load_u32(p + 4);
    if (std::fwrite(p, 1, n, f.get()) != n) throw io_error("writing {}: {}", path.string(), std::strerror(errno));
  }
  if (std::fflush(f.get()) != 0) throw io_error("writing {}: {}", path.string(), std::strerror(errno));
  buffer_.clear();
  index_.clear();
}

void Sorter::finish(const std::function<void(std::string_view, std::string_view)>& visit) {
  if (runs_.empty()) {
    sort_buffer();
    for (const auto& r : index_) {
      const char* p = buffer_.data() + r.offset;
      std::uint32_t k = load_u32(p), v = load_u32(p + 4);
      visit({p + 8, k}, {p + 8 + k, v});
    }
  } else {
    if (!index_.empty()) spill();
    decltype(buffer_)().swap(buffer_);
    decltype(index_)().swap(index_);
    std::vector<std::unique_ptr<RunReader>> readers;
    for (const auto& r : runs_) readers.push_back(std::make_unique<RunReader>(r));
    auto later = [&](std::size_t a, std::size_t b) { return readers[a]->key() > readers[b]->key(); };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heap(later);
    for (std::size_t i = 0; i < readers.size(); ++i) {
      if (readers[i]->next()) heap.push(i);
    }
    while (!heap.empty()) {
      std::size_t i = heap.top();
      heap.pop();
      visit(readers[i]->key(), readers[i]->value());
      if (readers[i]->next()) heap.push(i);
    }
  }
  std::error_code ec;
  for (const auto& r : runs_) std::filesystem::remove(r, ec);
  runs_.clear();
  decltype(buffer_)().swap(buffer_);
  decltype(index_)().swap(index_);
}

}  // namespace entente::storage
