// HugePageAllocator: a std allocator for large arrays read at random (the in-memory
// topology). Blocks of 2 MiB and more are mapped on their own and advised to transparent
// huge pages, where the system gives them on request (the `madvise` setting of
// /sys/kernel/mm/transparent_hugepage/enabled). A random read of a large array then misses
// the TLB far less often: one entry covers 2 MiB instead of 4 KiB (at 10^7 records a neighbor
// read on a date went from 0.88 to 0.77 µs, and the topology's build faults far less:
// docs/performance.md, "sixth step"). Smaller blocks come from operator new. The advice is
// only advice: where it is refused, ordinary pages serve.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace entente::memory {

// The size from which blocks are mapped and advised (2 MiB, one huge page).
inline constexpr std::size_t kHugePage = std::size_t{2} << 20;

// Maps `bytes` (rounded up to a huge page) advised to huge pages; throws std::bad_alloc
// when the system has no memory to map.
void* map_huge(std::size_t bytes);
void unmap_huge(void* p, std::size_t bytes);

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() noexcept = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= kHugePage) return static_cast<T*>(map_huge(bytes));
    return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= kHugePage) {
      unmap_huge(p, bytes);
    } else {
      ::operator delete(p, std::align_val_t{alignof(T)});
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};

// A vector whose large buffers lie on huge pages.
template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

// The same, except that resize() leaves the new elements unwritten (T trivially copyable):
// a vector resized to what it reserved holds address space only, and each page is faulted in
// when something is first written to it. Whoever resizes one writes every element before it
// is read.
template <typename T>
struct UnwrittenHugePageAllocator : HugePageAllocator<T> {
  UnwrittenHugePageAllocator() noexcept = default;
  template <typename U>
  UnwrittenHugePageAllocator(const UnwrittenHugePageAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U*) noexcept {
    static_assert(std::is_trivially_copyable_v<U> && std::is_trivially_destructible_v<U>);
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
template <typename T>
using UnwrittenHugeVector = std::vector<T, UnwrittenHugePageAllocator<T>>;

// Gives the whole pages inside [from, to) back to the system (a block's unused end): they
// hold no memory until written again, and read as zeros.
void release_pages(void* from, void* to) noexcept;

}  // namespace entente::memory
