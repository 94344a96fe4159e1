// KeyMap: a hash map from byte strings to 64-bit ids, kept compact for the millions of
// entries a large transaction caches (graph/state.h: node keys and edge identities). The
// keys lie end to end in one arena; an entry is 16 bytes (where its key lies, and the id)
// and a slot of the open-addressing table 4 (at most half full). With 16-byte keys that is
// about 40 bytes an entry, where std::unordered_map<std::string, std::uint64_t> takes
// 70-100 by its layout, in separate allocations; the import of 10^7 records holds about
// ten million.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace entente {

class KeyMap {
 public:
  // The id under `key`, or nullopt.
  std::optional<std::uint64_t> find(std::string_view key) const {
    const Entry* e = entry(key);
    if (!e || e->id == kErased) return std::nullopt;
    return e->id;
  }

  // Adds `key` -> `id` unless the key is there already (as std::unordered_map::emplace).
  // Returns whether it was added.
  bool insert(std::string_view key, std::uint64_t id) {
    if (Entry* e = entry(key)) {
      if (e->id != kErased) return false;
      e->id = id;  // an erased key comes back in its old entry
      ++live_;
      return true;
    }
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    entries_.push_back({pack(arena_.size(), key.size()), id});
    arena_.append(key);
    place(static_cast<std::uint32_t>(entries_.size()), hash(key));
    ++live_;
    return true;
  }

  // Removes `key` (its entry stays, marked, so that the probes past it still find theirs).
  void erase(std::string_view key) {
    if (Entry* e = entry(key); e && e->id != kErased) {
      e->id = kErased;
      --live_;
    }
  }

  void clear() {
    std::vector<std::uint32_t>().swap(slots_);
    std::vector<Entry>().swap(entries_);
    std::string().swap(arena_);
    live_ = 0;
  }

  std::size_t size() const { return live_; }
  // The memory held.
  std::size_t bytes() const {
    return slots_.capacity() * sizeof(std::uint32_t) + entries_.capacity() * sizeof(Entry) + arena_.capacity();
  }

 private:
  struct Entry {
    std::uint64_t where;  // arena offset << 24 | key length
    std::uint64_t id;     // kErased: removed
  };
  static constexpr std::uint64_t kErased = ~std::uint64_t{0};
  static constexpr std::size_t kMaxKey = (std::size_t{1} << 24) - 1;

  static std::uint64_t pack(std::size_t offset, std::size_t length) {
    if (length > kMaxKey) throw std::length_error("KeyMap: a key of more than 16 MiB");
    return std::uint64_t{offset} << 24 | length;
  }
  std::string_view key_of(const Entry& e) const {
    return std::string_view(arena_).substr(e.where >> 24, e.where & kMaxKey);
  }
  static std::size_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }
  std::size_t mask() const { return slots_.size() - 1; }

  // The entry of `key`, erased or not; null when it never was there.
  const Entry* entry(std::string_view key) const {
    if (entries_.empty()) return nullptr;
    for (std::size_t i = hash(key) & mask(); slots_[i] != 0; i = (i + 1) & mask()) {
      const Entry& e = entries_[slots_[i] - 1];
      if (key_of(e) == key) return &e;
    }
    return nullptr;
  }
  Entry* entry(std::string_view key) { return const_cast<Entry*>(std::as_const(*this).entry(key)); }
  // Puts entry number n (1-based) in the first free slot from its hash.
  void place(std::uint32_t n, std::size_t h) {
    std::size_t i = h & mask();
    while (slots_[i] != 0) i = (i + 1) & mask();
    slots_[i] = n;
  }
  void grow() {
    slots_.assign(slots_.empty() ? 1024 : slots_.size() * 2, 0);
    for (std::size_t n = 0; n < entries_.size(); ++n) place(static_cast<std::uint32_t>(n + 1), hash(key_of(entries_[n])));
  }

  std::vector<std::uint32_t> slots_;  // entry number + 1; 0: free
  std::vector<Entry> entries_;
  std::string arena_;
  std::size_t live_ = 0;
};

}  // namespace entente
