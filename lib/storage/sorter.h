// An external sort of key/value byte strings in bounded memory: entries gather in a
// buffer; a full buffer is sorted and written to a run file; finish() merges the runs.
// The bulk import sorts with it (lib/io/bulk_import.cc).
//
//   storage::Sorter s(tmp_dir, "keys", 64 << 20);
//   s.add(key, value);                         // any number of times
//   s.finish([](std::string_view k, std::string_view v) { ... });   // in key order
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/huge_pages.h"

namespace entente::storage {

class Sorter {
 public:
  // Runs go to files `<dir>/<name>-<n>.run`, removed by finish() and the destructor.
  // memory: the buffer's size before it is spilled (entries and an index of 24 bytes each).
  Sorter(std::filesystem::path dir, std::string name, std::size_t memory);
  ~Sorter();
  Sorter(const Sorter&) = delete;
  Sorter& operator=(const Sorter&) = delete;

  // Keys and values up to 4 GiB each. Throws Error(kIO) when a run cannot be written.
  void add(std::string_view key, std::string_view value);
  // Calls visit for every entry, in bytewise key order (entries with equal keys in no set
  // order); the views die when visit returns. Call once.
  void finish(const std::function<void(std::string_view key, std::string_view value)>& visit);

  std::uint64_t size() const { return count_; }
  std::size_t runs() const { return runs_.size(); }

 private:
  struct Ref {
    std::uint64_t prefix[2];  // the key's first 16 bytes, big-endian: most comparisons end here
    std::uint64_t offset;
  };
  void sort_buffer();
  void spill();

  std::filesystem::path dir_;
  std::string name_;
  std::size_t memory_;
  // Reserved to the memory on first use, on huge pages: filling them neither copies nor
  // faults in 4 KiB at a time.
  memory::HugeVector<char> buffer_;  // [u32 key size][u32 value size][key][value]...
  memory::HugeVector<Ref> index_;
  void append(const char* p, std::size_t n) { buffer_.insert(buffer_.end(), p, p + n); }
  std::vector<std::filesystem::path> runs_;
  std::uint64_t count_ = 0;
};

}  // namespace entente::storage
