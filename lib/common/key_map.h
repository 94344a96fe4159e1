// KeyMap: a hash map from byte strings to 64-bit ids, kept compact for the millions of
// entries a large transaction caches (graph/state.h: node keys and edge identities). The
// keys lie end to end in one arena; an entry is 16 bytes (where its key lies, and the id)
// and a slot of the open-addressing table 8 (the entry's number and half the key's hash;
// the table at most half full). With 16-byte keys that is about 48 bytes an entry, where
// std::unordered_map<std::string, std::uint64_t> takes 70-100 by its layout, in separate
// allocations; the import of 10^7 records holds about ten million.
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
  static_assert(sizeof(std::size_t) == 8, "KeyMap takes its slots' fingerprints from a 64-bit hash");

 public:
  // The hash a key is filed under by the overloads without one. A caller may give its own
  // (worked out ahead, on another thread, or early enough to prefetch): any 64-bit hash,
  // as long as every call for a key of the map gives the same one (the table grows from
  // the halves its slots keep, never hashing a key again).
  static std::size_t hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

  // The id under `key`, or nullopt.
  std::optional<std::uint64_t> find(std::string_view key) const { return find(key, hash(key)); }
  std::optional<std::uint64_t> find(std::string_view key, std::size_t h) const {
    const Entry* e = entry(key, h);
    if (!e || e->id == kErased) return std::nullopt;
    return e->id;
  }

  // Adds `key` -> `id` unless the key is there already (as std::unordered_map::emplace).
  // Returns whether it was added.
  bool insert(std::string_view key, std::uint64_t id) { return insert(key, id, hash(key)); }
  bool insert(std::string_view key, std::uint64_t id, std::size_t h) {
    if (Entry* e = entry(key, h)) {
      if (e->id != kErased) return false;
      e->id = id;  // an erased key comes back in its old entry
      ++live_;
      return true;
    }
    if (entries_.size() >= 0xffffffffu) throw std::length_error("KeyMap: more than 2^32 - 1 keys");
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    entries_.push_back({pack(arena_.size(), key.size()), id});
    arena_.append(key);
    place(static_cast<std::uint32_t>(entries_.size()), half(h));
    ++live_;
    return true;
  }

  // Asks for the slot a look-up of hash `h` reads first, ahead of the look-up.
  void prefetch(std::size_t h) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[home(half(h))]);
  }

  // Removes `key` (its entry stays, marked, so that the probes past it still find theirs).
  void erase(std::string_view key) {
    if (Entry* e = entry(key, hash(key)); e && e->id != kErased) {
      e->id = kErased;
      --live_;
    }
  }

  void clear() {
    std::vector<std::uint64_t>().swap(slots_);
    std::vector<Entry>().swap(entries_);
    std::string().swap(arena_);
    live_ = 0;
  }

  std::size_t size() const { return live_; }
  // The memory held.
  std::size_t bytes() const {
    return slots_.capacity() * sizeof(std::uint64_t) + entries_.capacity() * sizeof(Entry) + arena_.capacity();
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
  std::size_t mask() const { return slots_.size() - 1; }
  // A slot: the entry's number (1-based; 0: free) in its low half, the high half of its
  // key's hash in its high half. The key's first slot is taken from that half too, so that
  // growing the table needs neither the keys nor their hashes. A probe passes another
  // key's slot without reading its entry or its key unless the halves agree: a look-up
  // that misses (a new key) reads the slots alone, most of the time.
  static std::uint64_t half(std::size_t h) { return static_cast<std::uint64_t>(h) >> 32; }
  std::size_t home(std::uint64_t high) const { return static_cast<std::size_t>(high) & mask(); }

  // The entry of `key`, erased or not; null when it never was there.
  const Entry* entry(std::string_view key, std::size_t h) const {
    if (entries_.empty()) return nullptr;
    const std::uint64_t high = half(h);
    for (std::size_t i = home(high); slots_[i] != 0; i = (i + 1) & mask()) {
      if (slots_[i] >> 32 != high) continue;
      const Entry& e = entries_[(slots_[i] & 0xffffffffu) - 1];
      if (key_of(e) == key) return &e;
    }
    return nullptr;
  }
  Entry* entry(std::string_view key, std::size_t h) { return const_cast<Entry*>(std::as_const(*this).entry(key, h)); }
  // Puts entry number n (1-based) in the first free slot from its home.
  void place(std::uint32_t n, std::uint64_t high) {
    std::size_t i = home(high);
    while (slots_[i] != 0) i = (i + 1) & mask();
    slots_[i] = high << 32 | n;
  }
  void grow() {
    std::vector<std::uint64_t> old(slots_.empty() ? 1024 : slots_.size() * 2, 0);
    old.swap(slots_);
    for (std::uint64_t s : old) {
      if (s != 0) place(static_cast<std::uint32_t>(s & 0xffffffffu), s >> 32);
    }
  }

  std::vector<std::uint64_t> slots_;
  std::vector<Entry> entries_;
  std::string arena_;
  std::size_t live_ = 0;
};

}  // namespace entente
