// The bulk load (graph/bulk_load.h; include/entente/interchange.h, import_bulk;
// docs/import.md, "Bulk loading"): lines of input into an empty database through sorted
// tables. lib/io gives the readers of a line (the interchange format's); everything from
// the line's views or parsed input on (checks, records, keys, tables, ingestion) is here.
//
// 1. Read. The files are cut into blocks of whole lines; threads read each block (the
//    fast reader where it can, the full parser where it cannot), check its lines and
//    encode their records into the block's arena (edges with their ends left 0).
// 2. Number, in file order, on the calling thread: nodes and edges get ids as a
//    transaction would give them. A node's key goes into an in-memory index (a repeated
//    node is refused there); an edge's ends are looked up in it (an end not on an earlier
//    line is refused), so records go straight into the `nodes` and `edges` tables, whose
//    ids ascend. Names go to an external sorter; each edge's adjacency is kept in memory
//    (EdgeArc), or, past the adjacency's share of memory, goes to an external sorter too.
// 3. Tables: on this thread the `keys` table from the index sorted, the `names` table and
//    the id counters in a `meta` table; on two others the `adj` table, in two files for
//    two halves of the nodes, with each node's directions placed by counting (a repeated
//    edge identity is refused). All are ingested in one step.
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <type_traits>
#include <unordered_set>

#include <rocksdb/sst_file_reader.h>

#include "common/coding.h"
#include "common/huge_pages.h"
#include "graph/runs.h"
#include "storage/adj_run.h"
#include "common/error.h"
#include "common/parallel.h"
#include "common/text.h"
#include "entente/load.h"
#include "graph/bulk_load.h"
#include "graph/history.h"
#include "graph/records.h"
#include "graph/state.h"
#include "graph/validate.h"
#include "storage/keys.h"
#include "storage/sorter.h"

namespace entente {

using storage::Cf;

namespace bulk {
namespace {

constexpr std::size_t kBlockBytes = 4 << 20;
constexpr std::size_t kPadding = 64;  // readable bytes after a block's text (simdjson's padding)

// A place in the input: file index and line number (1-based).
struct Where {
  std::uint32_t file = 0;
  std::uint64_t line = 0;
  bool operator<(const Where& o) const { return std::tie(file, line) < std::tie(o.file, o.line); }
  // Packed into 64 bits: 16 for the file, 48 for the line.
  std::uint64_t pack() const { return (std::uint64_t{file} << 48) | line; }
  static Where unpack(std::uint64_t v) { return {static_cast<std::uint32_t>(v >> 48), v & ((std::uint64_t{1} << 48) - 1)}; }
};

// The hash the KeyIndex files a node's key under; the edges' keys are hashed alike.
std::uint64_t index_hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

// Bytes in a block's arena.
struct Span {
  std::uint32_t at = 0, size = 0;
};

// One line read.
struct Item {
  bool is_node = true;
  bool is_document = false;
  std::uint32_t tag = 0;
  std::uint64_t line = 0;  // within its block, 0-based
  Span key;                // node: tag | key (the keys index key); edge: its key
  Span record;
  Span from, to;           // edge: tag | key of each end
  Span doc_self;           // a Document's own key (it may cite itself)
  std::uint32_t names = 0, names_end = 0;  // node: folded names, in Block::spans
  std::uint32_t cited = 0, cited_end = 0;  // cited Document keys, in Block::spans
  std::uint32_t valid_from = 0, valid_to = 0;
  std::uint8_t adj_flags = 0;
  Span head;  // node: its head op (storage/adj_run.h), the start of its adjacency run
  std::uint64_t key_hash = 0, from_hash = 0, to_hash = 0;  // index_hash of key, from and to
};

// A block of lines and what was read from them. Blocks are used again once taken, so
// that their buffers are not allocated (and faulted in) anew for every 4 MiB.
struct Block {
  std::string own;             // the lines when copied from a stream, then kPadding bytes
  const char* text = nullptr;  // the lines, without the last newline: in `own` or a mapped file
  std::size_t size = 0;        // the lines' bytes
  std::size_t readable = 0;    // bytes readable from `text` on (at least size + kPadding)
  std::string arena;
  std::vector<Item> items;
  std::vector<Span> spans;
  std::uint64_t lines = 0;  // lines in the block
  std::uint64_t fast = 0;   // lines read by the fast reader
  std::optional<std::pair<std::uint64_t, Error>> error;  // the first bad line (0-based)
  std::uint32_t recorded = 0;  // the load's commit: every record's `recorded` (format 6)

  Span put(std::string_view s) {
    Span out{static_cast<std::uint32_t>(arena.size()), static_cast<std::uint32_t>(s.size())};
    arena.append(s);
    return out;
  }
  std::string_view view(Span s) const { return std::string_view(arena).substr(s.at, s.size); }
  char* data(Span s) { return arena.data() + s.at; }
};

// The keys-index key of an edge end, or an Error when the key cannot name a node (a
// control character: stored keys have none).
template <typename Ref>
std::string end_key(const catalog::Catalog& catalog, const Ref& ref, const char* side) {
  if (text::has_control(ref.key)) throw not_found("{}: no node {}:{}", side, ref.type, ref.key);
  return keys::node_key(catalog.find(ref.type)->tag, ref.key);
}

// What the block keeps of a checked node or edge (views or parsed input alike).
template <typename Node, typename Sources>
void keep_node(Block& b, Item& it, const catalog::TypeDef& type, const Node& n, const Sources& sources, Span record,
               const std::vector<std::string>& names) {
  it.is_node = true;
  it.tag = type.tag;
  it.record = record;  // in the arena already
  it.key = b.put(keys::node_key(type.tag, n.key));
  it.key_hash = index_hash(b.view(it.key));
  it.names = static_cast<std::uint32_t>(b.spans.size());
  for (const auto& name : names) b.spans.push_back(b.put(name));
  it.names_end = static_cast<std::uint32_t>(b.spans.size());
  it.is_document = n.type == "Document";
  if (it.is_document) it.doc_self = b.put(n.key);
  it.cited = static_cast<std::uint32_t>(b.spans.size());
  for (const auto& c : sources) b.spans.push_back(b.put(c.doc));
  it.cited_end = static_cast<std::uint32_t>(b.spans.size());
  // The head as stored: a partial valid.from clamped to the type's floor, read back from
  // the record (as graph/prepared.cc does).
  std::optional<Interval> valid =
      type.validity_floor() && n.valid ? graph::node_head(0, b.view(it.record)).valid : n.valid;
  std::vector<Interval> gaps;
  if constexpr (requires { n.gaps; }) gaps = n.gaps;
  keys::RunWriter w;
  w.head(graph::run_head(type.tag, valid, gaps));
  it.head = b.put(w.bytes());
}

template <typename Edge>
void keep_edge(Block& b, Item& it, const catalog::Catalog& catalog, const catalog::TypeDef& type, const Edge& e,
               Span record) {
  it.is_node = false;
  it.tag = type.tag;
  it.record = record;  // in the arena already
  it.from = b.put(end_key(catalog, e.from, "from"));
  it.to = b.put(end_key(catalog, e.to, "to"));
  it.from_hash = index_hash(b.view(it.from));
  it.to_hash = index_hash(b.view(it.to));
  it.key = b.put(e.key);
  it.key_hash = index_hash(e.key);
  it.valid_from = keys::adj_from(e.valid);
  auto value = keys::decode_adj_value(keys::adj_value(e.valid));
  it.valid_to = value.to;
  it.adj_flags = value.flags;
  it.cited = static_cast<std::uint32_t>(b.spans.size());
  for (const auto& c : e.sources) b.spans.push_back(b.put(c.doc));
  it.cited_end = static_cast<std::uint32_t>(b.spans.size());
}

// Reads one line into the block; false for a blank line. The fast reader first; where
// it declines, or what it read is refused or cannot be encoded from views, the full
// parser (whose error is the one reported).
bool read_one(const catalog::Catalog& catalog, const graph::LineFormat& format, graph::LineReader* reader,
              graph::LineView& view, std::string_view line, std::size_t capacity, std::size_t max_line_bytes,
              Block& b, Item& it) {
  if (line.size() > max_line_bytes) {
    throw invalid("line {{}} is longer than the limit of {}", text::human_size(max_line_bytes));
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return false;
  const std::size_t arena = b.arena.size(), spans = b.spans.size();
  if (reader && reader->read(line, capacity, view)) {
    try {
      if (view.is_node) {
        const auto& type = graph::check_node(catalog, view.node);
        if (graph::encode_view(type, view.node, b.arena)) {  // the record, into the arena
          const Span record{static_cast<std::uint32_t>(arena), static_cast<std::uint32_t>(b.arena.size() - arena)};
          graph::set_recorded(b.data(record), record.size, b.recorded);
          keep_node(b, it, type, view.node, view.node.sources, record, graph::folded_names(view.node.name, view.node.aliases));
          ++b.fast;
          return true;
        }
      } else {
        const auto& type = graph::check_edge(catalog, view.edge);
        if (graph::encode_view(type, view.edge, b.arena)) {
          const Span record{static_cast<std::uint32_t>(arena), static_cast<std::uint32_t>(b.arena.size() - arena)};
          graph::set_recorded(b.data(record), record.size, b.recorded);
          keep_edge(b, it, catalog, type, view.edge, record);
          ++b.fast;
          return true;
        }
      }
    } catch (const Error&) {
      // The full parser reads the line again and reports.
    }
    b.arena.resize(arena);
    b.spans.resize(spans);
  }
  auto parsed = format.parse(line);
  if (std::holds_alternative<Deletion>(parsed)) {
    throw invalid("line {{}} deletes: the bulk import loads a new database and deletes nothing (import without --bulk)");
  }
  if (auto* n = std::get_if<NodeInput>(&parsed)) {
    const auto& type = graph::check_node(catalog, *n);
    const Span record = b.put(graph::encode_node(type, *n));
    graph::set_recorded(b.data(record), record.size, b.recorded);
    keep_node(b, it, type, *n, n->sources, record, graph::folded_names(n->name, n->aliases));
    return true;
  }
  auto& e = std::get<EdgeInput>(parsed);
  const auto& type = graph::check_edge(catalog, e);
  const Span record = b.put(graph::encode_edge(type, 0, 0, e));
  graph::set_recorded(b.data(record), record.size, b.recorded);
  keep_edge(b, it, catalog, type, e, record);
  return true;
}

// Reads a block's lines: text[0, size) without its last newline (so "" is one blank
// line), followed by at least kPadding readable bytes. The text is not read after.
Block read_block(const catalog::Catalog& catalog, graph::LineFormat format, Block b, std::size_t max_line_bytes) {
  b.arena.clear();
  b.items.clear();
  b.spans.clear();
  b.lines = b.fast = 0;
  b.error.reset();
  std::unique_ptr<graph::LineReader> reader = format.fast ? format.fast() : nullptr;
  graph::LineView view;
  std::string_view all(b.text, b.size);
  std::size_t pos = 0;
  for (;;) {
    auto nl = all.find('\n', pos);
    std::string_view line = all.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    std::uint64_t at = b.lines++;
    try {
      Item it;
      it.line = at;
      if (read_one(catalog, format, reader.get(), view, line, b.readable - pos, max_line_bytes, b, it)) {
        b.items.push_back(it);
      }
    } catch (const Error& e) {
      b.error.emplace(at, e);
      return b;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return b;
}

// A regular file mapped for reading, so that blocks are read where they lie (no copy into
// a buffer). The pages of each block read are given back (memory::release_pages), so that
// the file does not stay in the process's memory. Anything else (a pipe, standard input,
// a file that cannot be mapped) is read through a buffer instead: data stays null.
struct MappedInput {
  const char* data = nullptr;
  std::size_t size = 0;    // the file's bytes
  std::size_t length = 0;  // readable bytes: the size rounded up to whole pages (zeros past the end)

  void map(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    size = static_cast<std::size_t>(st.st_size);
    length = (size + page - 1) / page * page;
    void* p = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      size = length = 0;
      return;
    }
    ::madvise(p, length, MADV_SEQUENTIAL);
    data = static_cast<const char*>(p);
  }
  ~MappedInput() {
    if (data) ::munmap(const_cast<char*>(data), length);
  }
};

struct InputCloser {
  void operator()(std::FILE* f) const {
    if (f && f != stdin) std::fclose(f);
  }
};
using InputFile = std::unique_ptr<std::FILE, InputCloser>;

// The temporary directory, removed however the import ends.
struct TempDir {
  std::filesystem::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

// The nodes' keys-index keys (type tag | key) and their ids, in memory: about 36 bytes a
// node besides the keys themselves. Ids are given in order, from `first`. Callers pass
// each key's hash (index_hash), computed where the line was read.
class KeyIndex {
 public:
  explicit KeyIndex(NodeId first) : first_(first) { slots_.assign(1024, 0); }

  // The id of `key`, or nullopt.
  std::optional<NodeId> find(std::string_view key, std::uint64_t h) const {
    const std::uint64_t fp = fingerprint(h);
    for (std::size_t i = h & mask(); slots_[i] != 0; i = (i + 1) & mask()) {
      const std::uint64_t slot = slots_[i];
      if ((slot & kFingerprintMask) != fp) continue;
      const char* rec = bytes_.data() + (slot >> kFingerprintBits) - 1;
      if (u32_at(rec + 4) == key.size() && std::memcmp(rec + 8, key.data(), key.size()) == 0) return first_ + u32_at(rec);
    }
    return std::nullopt;
  }
  // Asks for the cache line of `h`'s first slot, and for the key that slot names: a
  // lookup a few lines later then finds both in the cache.
  void prefetch_slot(std::uint64_t h) const { __builtin_prefetch(&slots_[h & mask()]); }
  void prefetch_key(std::uint64_t h) const {
    const std::uint64_t slot = slots_[h & mask()];
    if (slot != 0) __builtin_prefetch(bytes_.data() + (slot >> kFingerprintBits) - 1);
  }
  // Adds the next id under `key`; when the key is taken, returns where it was given.
  std::optional<Where> add(std::string_view key, std::uint64_t h, Where where) {
    if (auto id = find(key, h)) return Where::unpack(wheres_[*id - first_]);
    if ((offsets_.size() + 1) * 2 > slots_.size()) grow();
    auto n = static_cast<std::uint32_t>(offsets_.size());
    offsets_.push_back(bytes_.size());
    wheres_.push_back(where.pack());
    char head[8];
    std::memcpy(head, &n, 4);
    const auto size = static_cast<std::uint32_t>(key.size());
    std::memcpy(head + 4, &size, 4);
    bytes_.insert(bytes_.end(), head, head + 8);
    bytes_.insert(bytes_.end(), key.begin(), key.end());
    place(offsets_.back(), h);
    return std::nullopt;
  }
  std::size_t size() const { return offsets_.size(); }
  // Room for `nodes` keys in the arrays that grow with them (not the slots, read at random).
  void reserve(std::size_t nodes) {
    offsets_.reserve(nodes);
    wheres_.reserve(nodes);
    bytes_.reserve(nodes * 24);
  }
  std::string_view key(std::uint32_t n) const {
    const char* rec = bytes_.data() + offsets_[n];
    return {rec + 8, u32_at(rec + 4)};
  }
  // The node numbers (id - first) in key order.
  std::vector<std::uint32_t> sorted() const {
    // By the keys' first 16 bytes (the type tag and 12 bytes of the key), then the rest.
    struct Ref {
      std::uint64_t prefix[2];
      std::uint32_t n;
    };
    auto bytes = [](std::string_view k, std::size_t at) {
      std::uint64_t v = 0;
      for (std::size_t i = at; i < at + 8; ++i) v = (v << 8) | (i < k.size() ? static_cast<unsigned char>(k[i]) : 0);
      return v;
    };
    std::vector<Ref> order;
    order.reserve(size());
    for (std::uint32_t n = 0; n < size(); ++n) {
      auto k = key(n);
      order.push_back({{bytes(k, 0), bytes(k, 8)}, n});
    }
    std::sort(order.begin(), order.end(), [&](const Ref& a, const Ref& b) {
      if (a.prefix[0] != b.prefix[0]) return a.prefix[0] < b.prefix[0];
      if (a.prefix[1] != b.prefix[1]) return a.prefix[1] < b.prefix[1];
      return key(a.n) < key(b.n);
    });
    std::vector<std::uint32_t> out;
    out.reserve(order.size());
    for (const auto& o : order) out.push_back(o.n);
    return out;
  }
  NodeId first() const { return first_; }

 private:
  // A slot: 0 empty, else (where its key's entry begins in bytes_ + 1) << kFingerprintBits
  // | the low bits of the key's hash past those that chose the slot, so that most slots of
  // other keys are passed over without reading their keys.
  static constexpr unsigned kFingerprintBits = 20;
  static constexpr std::uint64_t kFingerprintMask = (std::uint64_t{1} << kFingerprintBits) - 1;
  static std::uint64_t fingerprint(std::uint64_t h) { return h >> (64 - kFingerprintBits); }
  static std::uint32_t u32_at(const char* p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  std::size_t mask() const { return slots_.size() - 1; }
  void place(std::uint64_t offset, std::uint64_t h) {
    std::size_t i = h & mask();
    while (slots_[i] != 0) i = (i + 1) & mask();
    slots_[i] = (offset + 1) << kFingerprintBits | fingerprint(h);
  }
  void grow() {
    slots_.assign(slots_.size() * 2, 0);
    for (std::uint32_t n = 0; n < offsets_.size(); ++n) place(offsets_[n], index_hash(key(n)));
  }

  NodeId first_;
  // On huge pages: the slots are read at random, and the rest grow large.
  memory::HugeVector<std::uint64_t> slots_;
  memory::HugeVector<std::uint64_t> offsets_;  // by node number: where its entry begins in bytes_
  memory::HugeVector<std::uint64_t> wheres_;   // by node number: its line (Where::pack)
  memory::HugeVector<char> bytes_;             // entries: node number, key size (u32 each), key
};

// An adjacency entry (storage/keys.h, adj) with what the checks after the sort need.
struct AdjEntry {
  std::uint64_t node = 0, other = 0, id = 0;
  std::uint64_t where = 0;  // out entries: the edge's line (Where::pack)
  std::uint32_t tag = 0, other_tag = 0, from = 0, to = 0;
  std::uint32_t key_hash = 0;  // out entries: a hash of the edge's key
  std::uint8_t dir = 0, flags = 0;
};
bool adj_less(const AdjEntry& a, const AdjEntry& b) {
  return std::tie(a.node, a.dir, a.tag, a.other_tag, a.from, a.other, a.id) <
         std::tie(b.node, b.dir, b.tag, b.other_tag, b.from, b.other, b.id);
}
bool same_identity(const AdjEntry& a, const AdjEntry& b) {
  return std::tie(a.node, a.dir, a.tag, a.other_tag, a.from, a.other) ==
         std::tie(b.node, b.dir, b.tag, b.other_tag, b.from, b.other);
}

// An edge as the in-memory adjacency keeps it (BulkLoad::write_adjacency_in_memory): its
// ends as node numbers (id - the first id), what its arcs hold, and where it was read.
struct EdgeArc {
  std::uint32_t from = 0, to = 0;
  std::uint32_t valid_from = 0, valid_to = 0;
  std::uint32_t key_hash = 0;
  std::uint32_t line = 0;  // within its block, 0-based
  std::uint16_t tag = 0;
  std::uint8_t flags = 0;
};
// An edge's memory in the in-memory adjacency: the EdgeArc and its two directions' slots.
constexpr std::size_t kInMemoryEdgeBytes = sizeof(EdgeArc) + 2 * sizeof(std::uint32_t);
static_assert(kInMemoryEdgeBytes == 36, "docs/import.md and tests/io/bulk_import_test.cc reckon 36 bytes an edge");
// A direction's slot holds the edge number and a bit.
constexpr std::size_t kMaxInMemoryEdges = std::size_t{1} << 31;

// One direction of an edge at a node, as the in-memory adjacency sorts a node's arcs:
// `order` and `other` compare as adj_less's (dir, tag, other_tag) and (from, other).
struct NodeArc {
  std::uint64_t order = 0;  // dir << 32 | tag << 16 | other_tag
  std::uint64_t other = 0;  // valid_from << 32 | the other end's node number
  std::uint32_t edge = 0;   // the edge's number (id - the first edge id)
  std::uint32_t to = 0, key_hash = 0;
  std::uint8_t flags = 0;
  bool operator<(const NodeArc& o) const {
    if (order != o.order) return order < o.order;
    if (other != o.other) return other < o.other;
    return edge < o.edge;
  }
};

// Room for up to `cap` entries in memory mapped for it, with transparent huge pages asked
// for: as it fills, it faults in 2 MiB at a time rather than 4 KiB (page faults took a
// tenth of a bulk load's time).
template <typename T>
class MappedBuffer {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  explicit MappedBuffer(std::size_t cap) : cap_(cap), bytes_(std::max<std::size_t>(cap * sizeof(T), 1)) {
    void* p = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw io_error("bulk import: cannot map {} of memory: {}", text::human_size(bytes_), std::strerror(errno));
#ifdef MADV_HUGEPAGE
    ::madvise(p, bytes_, MADV_HUGEPAGE);  // advice: without it, ordinary pages
#endif
    data_ = static_cast<T*>(p);
  }
  ~MappedBuffer() { ::munmap(data_, bytes_); }
  MappedBuffer(const MappedBuffer&) = delete;
  MappedBuffer& operator=(const MappedBuffer&) = delete;

  void push_back(const T& v) { data_[size_++] = v; }
  void clear() { size_ = 0; }
  // Gives back the pages wholly within the first n entries, which are not read again.
  void release_prefix(std::size_t n) { memory::release_pages(data_, data_ + n); }
  // Empties it and gives its pages back (they are taken again as it fills).
  void release() {
    size_ = 0;
    ::madvise(data_, bytes_, MADV_DONTNEED);
  }
  std::size_t size() const { return size_; }
  bool full() const { return size_ == cap_; }
  bool empty() const { return size_ == 0; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  T* data() { return data_; }
  const T* data() const { return data_; }

 private:
  T* data_ = nullptr;
  std::size_t cap_, size_ = 0, bytes_;
};

// Sorts fixed-size entries in bounded memory: runs of `memory` bytes sorted and spilled
// to `<dir>/<name>-<n>.run`, merged at the end.
template <typename T>
class RunSorter {
 public:
  using Less = bool (*)(const T&, const T&);
  RunSorter(std::filesystem::path dir, std::string name, std::size_t memory, Less less)
      : dir_(std::move(dir)), name_(std::move(name)), cap_(std::max<std::size_t>(memory / sizeof(T), 1024)), less_(less),
        buf_(cap_) {}
  ~RunSorter() {
    std::error_code ec;
    for (const auto& r : runs_) std::filesystem::remove(r, ec);
  }
  void add(const T& v) {
    if (buf_.full()) spill();
    buf_.push_back(v);
  }
  void finish(const std::function<void(const T&)>& visit) {
    if (runs_.empty()) {
      std::sort(buf_.begin(), buf_.end(), less_);
      for (const auto& v : buf_) visit(v);
      return;
    }
    spill();
    buf_.release();  // the merge's buffers take its place
    struct Run {
      InputFile f;
      std::vector<T> buf;
      std::size_t at = 0, size = 0;
      bool refill(std::size_t batch) {
        buf.resize(batch);
        size = std::fread(buf.data(), sizeof(T), batch, f.get());
        at = 0;
        return size > 0;
      }
      bool next(std::size_t batch) { return ++at < size || refill(batch); }
    };
    std::vector<Run> runs(runs_.size());
    const std::size_t batch = std::max<std::size_t>(cap_ / (runs_.size() + 1), 256);
    auto cmp = [&](std::size_t a, std::size_t b) { return less_(runs[b].buf[runs[b].at], runs[a].buf[runs[a].at]); };
    std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(cmp)> heap(cmp);
    for (std::size_t i = 0; i < runs_.size(); ++i) {
      runs[i].f.reset(std::fopen(runs_[i].c_str(), "rb"));
      if (!runs[i].f) throw io_error("reading {}: {}", runs_[i].string(), std::strerror(errno));
      if (runs[i].refill(batch)) heap.push(i);
    }
    while (!heap.empty()) {
      std::size_t i = heap.top();
      heap.pop();
      visit(runs[i].buf[runs[i].at]);
      if (runs[i].next(batch)) heap.push(i);
    }
  }

 private:
  void spill() {
    std::sort(buf_.begin(), buf_.end(), less_);
    auto path = dir_ / fmt::format("{}-{}.run", name_, runs_.size());
    InputFile f(std::fopen(path.c_str(), "wb"));
    if (!f) throw io_error("writing {}: {}", path.string(), std::strerror(errno));
    runs_.push_back(path);
    if (!buf_.empty() && std::fwrite(buf_.data(), sizeof(T), buf_.size(), f.get()) != buf_.size()) {
      throw io_error("writing {}: {}", path.string(), std::strerror(errno));
    }
    if (std::fclose(f.release()) != 0) throw io_error("writing {}: {}", path.string(), std::strerror(errno));
    buf_.clear();
  }

  std::filesystem::path dir_;
  std::string name_;
  std::size_t cap_;
  Less less_;
  MappedBuffer<T> buf_;
  std::vector<std::filesystem::path> runs_;
};

// Document keys, looked up by view.
struct ViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class BulkLoad {
 public:
  BulkLoad(detail::DatabaseState& db, const std::vector<std::filesystem::path>& files, const BulkImportOptions& o,
           graph::LineFormat format)
      : db_(db), catalog_(*db.catalog), files_(files), options_(o), format_(format) {}
  // A load that failed may leave blocks being written: they are waited for before the
  // tables and sorts they write into go.
  ~BulkLoad() {
    for (auto& w : writing_) {
      w.nodes.wait();
      w.edges.wait();
    }
  }
  BulkLoad(const BulkLoad&) = delete;
  BulkLoad& operator=(const BulkLoad&) = delete;

  ImportStats run() {
    auto& store = *db_.store;
    if (store.read_only()) throw conflict("{} is open read-only", store.path().string());
    if (store.has_data()) {
      throw conflict("{} already holds nodes or edges; the bulk import loads a new or empty database "
                     "(import into this one without --bulk)",
                     store.path().string());
    }
    auto view = store.snapshot();
    next_node_ = counter(*view, keys::kNextNodeId);
    first_edge_ = counter(*view, keys::kNextEdgeId);
    next_edge_ = first_edge_;
    commit_ = counter(*view, keys::kNextCommit);
    if (commit_ > 0xffffffffu) throw invalid("{}: commit {} is past the last a record can hold", store.path().string(), commit_);
    commit_time_ = graph::commit_time(*view, commit_);
    index_ = std::make_unique<KeyIndex>(next_node_);
    reserve_nodes();

    std::error_code ec;
    if (options_.temp_dir.empty()) remove_stale_temp_dirs(store.path());
    tmp_.path = options_.temp_dir.empty()
                    ? std::filesystem::path(store.path().string() + fmt::format(".bulk-{}", ::getpid()))
                    : options_.temp_dir;
    if (std::filesystem::exists(tmp_.path)) {
      auto taken = tmp_.path;
      tmp_.path.clear();  // not ours: leave it
      throw invalid("{} exists; the bulk import needs a new temporary directory", taken.string());
    }
    if (!std::filesystem::create_directories(tmp_.path, ec) || ec) {
      auto p = tmp_.path;
      tmp_.path.clear();
      throw io_error("creating {}: {}", p.string(), ec ? ec.message() : "failed");
    }
    // The sort memory: a quarter for the names, the rest for the adjacency entries. The
    // names are sorted in runs of at most kNamesRunBytes, by the thread that writes the
    // nodes, while lines are still read: the run left to sort when reading ends (the end
    // phase waits for it) is then small. With runs of a quarter of 384 MiB, the end phase
    // at 10^7 records took 1.54-1.65 s; with 16 MiB, 1.30-1.38 s.
    const std::size_t memory = std::max<std::size_t>(options_.memory, 64 << 10);
    names_ = std::make_unique<storage::Sorter>(tmp_.path, "names", std::min(memory / 4, kNamesRunBytes));
    adj_memory_ = memory - memory / 4;
    // The adjacency in memory while it fits in its share; an external sort past that.
    arcs_ = std::make_unique<MappedBuffer<EdgeArc>>(
        std::max<std::size_t>(std::min<std::size_t>(adj_memory_ / kInMemoryEdgeBytes, kMaxInMemoryEdges), 1));
    nodes_sst_ = std::make_unique<storage::SstWriter>(*db_.store, tmp_.path / "nodes.sst", Cf::kNodes);
    edges_sst_ = std::make_unique<storage::SstWriter>(*db_.store, tmp_.path / "edges.sst", Cf::kEdges);

    for (std::uint32_t f = 0; f < files_.size() && !error_; ++f) read_file(f);
    if (error_) fail();
    const bool nodes_written = nodes_sst_->finish(), edges_written = edges_sst_->finish();
    nodes_sst_.reset();
    edges_sst_.reset();
    phase("read and number");

    // The adjacency on two threads, the names on a third; keys and counters on this one.
    auto adjacency = std::async(std::launch::async, [this] { return arcs_ ? write_adjacency_in_memory() : write_adjacency(); });
    auto names = std::async(std::launch::async, [this] { return write_names(); });
    bool keys_written = false, names_written = false;
    try {
      keys_written = write_keys();
      write_meta();
      names_written = names.get();
    } catch (...) {
      if (names.valid()) names.wait();
      adjacency.wait();
      throw;
    }
    auto repeats = adjacency.get();
    phase("keys, names and adjacency");
    check_repeats(repeats);
    if (error_) fail();

    std::vector<std::pair<Cf, std::filesystem::path>> tables;
    auto add = [&](Cf cf, const char* name, bool wrote) {
      if (wrote) tables.emplace_back(cf, tmp_.path / name);
    };
    add(Cf::kNodes, "nodes.sst", nodes_written);
    add(Cf::kKeys, "keys.sst", keys_written);
    add(Cf::kNames, "names.sst", names_written);
    add(Cf::kEdges, "edges.sst", edges_written);
    add(Cf::kAdj, "adj-0.sst", adj_written_[0]);
    add(Cf::kAdj, "adj-1.sst", adj_written_[1]);
    add(Cf::kMeta, "meta.sst", true);
    add(Cf::kHistory, "history.sst", true);
    db_.publish_write([&] { store.ingest(tables); });
    phase("ingest");
    return stats_;
  }

 private:
  // Two out entries with the same identity prefix and key hash: edges that may repeat
  // an identity, told apart by their keys once the edges table is written.
  struct Repeat {
    EdgeId first, second;
    Where first_at, second_at;
  };

  // The temporary directories of bulk imports of this database that were killed: this one
  // holds the database's write lock, so no other bulk import of it is running.
  static void remove_stale_temp_dirs(const std::filesystem::path& db) {
    std::error_code ec;
    auto parent = db.parent_path().empty() ? std::filesystem::path(".") : db.parent_path();
    const std::string prefix = db.filename().string() + ".bulk-";
    for (std::filesystem::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) continue;
      if (name.find_first_not_of("0123456789", prefix.size()) != std::string::npos) continue;
      std::error_code ignored;
      std::filesystem::remove_all(it->path(), ignored);
    }
  }

  static std::uint64_t counter(const storage::View& view, std::string_view key) {
    auto v = view.get(Cf::kMeta, key);
    if (!v) return 1;
    if (v->size() != 8) throw corruption("meta {} is damaged", key);
    return coding::get_u64(v->data());
  }

  // ENTENTE_BULK_TRACE=1 prints each phase's time to stderr (docs/performance.md).
  void phase(const char* name) {
    static const bool trace = std::getenv("ENTENTE_BULK_TRACE") != nullptr;
    auto now = std::chrono::steady_clock::now();
    if (trace) {
      fmt::print(stderr, "bulk: {}: {:.3f} s{}\n", name, std::chrono::duration<double>(now - last_).count(),
                 last_ == start_ ? fmt::format(" ({} of {} lines read fast)", fast_, stats_.lines) : "");
    }
    last_ = now;
  }

  std::string source(std::uint32_t f) const { return files_[f] == "-" ? "<stdin>" : files_[f].string(); }

  // Keeps the earliest error in the input (the one a transaction would have met first).
  void note(Where w, const Error& e) {
    if (!error_ || w < error_->first) {
      std::string what = e.what();
      // "line {}" in a message stands for the line's number.
      if (auto p = what.find("{}"); p != std::string::npos) what.replace(p, 2, std::to_string(w.line));
      error_.emplace(w, Error(e.kind(), fmt::format("{}:{}: {}", source(w.file), w.line, what)));
    }
  }
  [[noreturn]] void fail() { throw error_->second; }

  void read_file(std::uint32_t f) {
    const auto& file = files_[f];
    InputFile in;
    MappedInput mapped;
    if (file == "-") {
      in.reset(stdin);
    } else {
      if (std::filesystem::is_directory(file)) throw invalid("{}: is a directory, not a file", file.string());
      in.reset(std::fopen(file.c_str(), "rb"));
      if (!in) throw not_found("{}: cannot open: {}", file.string(), std::strerror(errno));
      mapped.map(::fileno(in.get()));
    }
    // Declared after the mapping: the blocks still being read are waited for before it goes.
    std::deque<std::future<Block>> pending;
    struct WaitAll {
      std::deque<std::future<Block>>& futures;
      ~WaitAll() {
        for (auto& f : futures) {
          if (f.valid()) f.wait();
        }
      }
    } wait_all{pending};
    std::uint64_t line_base = 0;  // lines of the blocks consumed so far
    auto consume = [&] {
      Block b = pending.front().get();
      pending.pop_front();
      if (b.own.empty()) {  // read in place from the mapped file, and not read again
        char* text = const_cast<char*>(b.text);
        memory::release_pages(text, text + b.size);
      }
      auto first_node = next_node_;
      auto first_edge = next_edge_;
      take(f, line_base, b);
      line_base += b.lines;
      stats_.lines += b.lines;
      fast_ += b.fast;
      write_records(std::move(b), first_node, first_edge);
      if (options_.progress) options_.progress(file, stats_.lines);
    };
    // Reads text[0, size), which has `readable` bytes from text on, on another thread;
    // copies it first when fewer than size + kPadding.
    const unsigned threads = std::max(1u, options_.threads);
    auto start = [&](const char* text, std::size_t size, std::size_t readable) {
      while (pending.size() > threads) consume();
      if (error_) return false;
      Block b;
      if (!spares_.empty()) {
        b = std::move(spares_.back());
        spares_.pop_back();
      }
      b.own.clear();
      if (readable >= size + kPadding) {
        b.text = text;
        b.readable = readable;
      } else {
        b.own.assign(text, size);
        b.own.append(kPadding, ' ');
        b.text = b.own.data();
        b.readable = b.own.size();
      }
      b.size = size;
      b.recorded = static_cast<std::uint32_t>(commit_);
      if (!readers_) readers_ = std::make_unique<parallel::Pool>(threads);
      pending.push_back(readers_->run([this, b = std::move(b)]() mutable {
        return read_block(catalog_, format_, std::move(b), options_.max_line_bytes);
      }));
      return true;
    };
    if (mapped.data) {
      // Blocks of whole lines read where they lie in the mapped file.
      const char* data = mapped.data;
      std::size_t pos = 0;
      while (pos < mapped.size) {
        std::size_t cut = 0;  // the block is [pos, cut); the next begins after cut's newline
        const std::size_t limit = pos + kBlockBytes;
        if (limit >= mapped.size) {
          cut = data[mapped.size - 1] == '\n' ? mapped.size - 1 : mapped.size;
        } else if (const void* nl = ::memrchr(data + pos, '\n', limit - pos)) {
          cut = static_cast<std::size_t>(static_cast<const char*>(nl) - data);
        } else if (const void* far = std::memchr(data + limit, '\n', mapped.size - limit)) {
          cut = static_cast<std::size_t>(static_cast<const char*>(far) - data);  // a long line: read_block judges it
        } else {
          cut = mapped.size;
        }
        if (!start(data + pos, cut - pos, mapped.length - pos)) return;
        pos = cut + 1;
      }
    } else {
      std::string carry;
      std::vector<char> buf(kBlockBytes);
      for (;;) {
        std::size_t n = std::fread(buf.data(), 1, buf.size(), in.get());
        if (n == 0) {
          if (std::ferror(in.get())) throw io_error("{}: read error", source(f));
          break;
        }
        carry.append(buf.data(), n);
        auto last = carry.rfind('\n');
        if (last == std::string::npos) {
          if (carry.size() > options_.max_line_bytes + kBlockBytes) break;  // refused by read_block below
          continue;
        }
        if (!start(carry.data(), last, 0)) return;  // whole lines, without the last '\n'
        carry.erase(0, last + 1);
      }
      if (!carry.empty() && !start(carry.data(), carry.size(), 0)) return;
    }
    while (!pending.empty() && !error_) consume();
    while (!pending.empty()) pending.front().wait(), pending.pop_front();
    finish_writing();
  }

  // Room for as many nodes as the input files could hold, at a guess, in the arrays kept
  // by node: address space only (a page is faulted in when first written), so that they
  // are not copied and faulted in again at each doubling on their way (at 10^7 records:
  // the time within the spread, the peak 809-814 -> 773 MiB in two runs of three). A guess
  // short of the nodes costs only the doublings past it; standard input is not guessed.
  void reserve_nodes() {
    std::uint64_t bytes = 0;
    for (const auto& file : files_) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(file, ec)) bytes += std::filesystem::file_size(file, ec);
    }
    const std::size_t nodes = static_cast<std::size_t>(std::min<std::uint64_t>(bytes / kBytesPerNodeGuess, 1u << 30));
    if (nodes < (1u << 16)) return;
    try {
      index_->reserve(nodes);
      heads_.reserve(nodes * 16);
      head_at_.reserve(nodes);
      node_tag_.reserve(nodes);
      degree_.reserve(nodes);
    } catch (const std::bad_alloc&) {
      // Address space refused (a system that does not overcommit): the arrays grow instead.
    }
  }
  // Fewer bytes of input a node than any line takes, near enough: a node's line is more
  // than 100 bytes, and most lines are edges.
  static constexpr std::uint64_t kBytesPerNodeGuess = 96;

  // Puts a numbered block's records into the `nodes` and `edges` tables, and its nodes'
  // names into their sort, on two other threads, while the next blocks are numbered. Each
  // thread takes the blocks in order (a block's task waits for the one before), and up to
  // kWritingDepth blocks are in hand, so that numbering stops only when the writing is
  // that far behind. A block written is read into again.
  void write_records(Block b, NodeId first_node, EdgeId first_edge) {
    while (writing_.size() >= kWritingDepth) finish_oldest();
    auto block = std::make_shared<Block>(std::move(b));
    const std::size_t taken = next_node_ - first_node + next_edge_ - first_edge;
    std::shared_future<void> nodes_before, edges_before;
    if (!writing_.empty()) {
      nodes_before = writing_.back().nodes;
      edges_before = writing_.back().edges;
    }
    auto nodes = node_writer_.run([this, block, nodes_before, first_node, taken] {
      if (nodes_before.valid()) nodes_before.get();  // an earlier block's error stops this one
      NodeId node = first_node;
      const Block& b = *block;
      for (std::size_t i = 0; i < b.items.size() && i < taken; ++i) {
        const Item& it = b.items[i];
        if (!it.is_node) continue;
        for (auto n = it.names; n < it.names_end; ++n) names_->add(keys::name(b.view(b.spans[n]), node), "");
        nodes_sst_->put(keys::id(node++), b.view(it.record));
      }
    });
    auto edges = edge_writer_.run([this, block, edges_before, first_edge, taken] {
      if (edges_before.valid()) edges_before.get();
      EdgeId edge = first_edge;
      const Block& b = *block;
      for (std::size_t i = 0; i < b.items.size() && i < taken; ++i) {
        const Item& it = b.items[i];
        if (!it.is_node) edges_sst_->put(keys::id(edge++), b.view(it.record));
      }
    });
    writing_.push_back({block, nodes.share(), edges.share()});
  }
  // Waits for the oldest block in writing (rethrowing a write's error) and keeps it to read into.
  void finish_oldest() {
    Writing w = std::move(writing_.front());
    writing_.pop_front();
    w.edges.wait();
    w.nodes.get();
    w.edges.get();
    spares_.push_back(std::move(*w.block));
  }
  void finish_writing() {
    while (!writing_.empty()) finish_oldest();
  }

  // A block read, in file order: numbered, its records written, its names and adjacency
  // entries sorted. Stops at the first bad line.
  void take(std::uint32_t f, std::uint64_t line_base, Block& b) {
    if (arcs_) block_starts_.push_back({next_edge_ - first_edge_, line_base, f});
    // The index's slots are asked for 16 lines ahead, and the keys they name 8 lines ahead.
    constexpr std::size_t kAhead = 8;
    auto ask = [&](std::size_t i, bool key) {
      if (i >= b.items.size()) return;
      const Item& x = b.items[i];
      for (std::uint64_t h : {x.is_node ? x.key_hash : x.from_hash, x.is_node ? 0 : x.to_hash}) {
        if (h == 0) continue;
        if (key) index_->prefetch_key(h); else index_->prefetch_slot(h);
      }
    };
    for (std::size_t i = 0; i < 2 * kAhead; ++i) ask(i, false);
    for (std::size_t i = 0; i < kAhead; ++i) ask(i, true);
    for (std::size_t i = 0; i < b.items.size(); ++i) {
      ask(i + 2 * kAhead, false);
      ask(i + kAhead, true);
      Item& it = b.items[i];
      Where w{f, line_base + it.line + 1};
      for (auto c = it.cited; c < it.cited_end; ++c) {
        std::string_view doc = b.view(b.spans[c]);
        if ((it.is_document && doc == b.view(it.doc_self)) || documents_.find(doc) != documents_.end()) continue;
        note(w, not_found("sources: no Document node '{}' (a cited document must be imported first)", doc));
        return;
      }
      if (it.is_node) {
        std::string_view key = b.view(it.key);
        if (auto first = index_->add(key, it.key_hash, w)) {
          note(w, invalid("node {} repeats {}:{} (the bulk import takes each node once: import without --bulk, "
                          "or remove the repeat)",
                          ref_text(key), source(first->file), first->line));
          return;
        }
        ++next_node_;
        if (arcs_ && it.tag > 0xffff) to_sorter();
        if (arcs_) {
          node_tag_.push_back(static_cast<std::uint16_t>(it.tag));
          degree_.push_back(0);
        }
        head_at_.push_back(heads_.size());
        const std::string_view head = b.view(it.head);
        heads_.insert(heads_.end(), head.begin(), head.end());
        if (it.is_document) documents_.emplace(b.view(it.doc_self));
        ++stats_.nodes;
        count(node_counts_, counts_.nodes, it.tag);
      } else {
        std::string_view from_key = b.view(it.from), to_key = b.view(it.to);
        auto from = index_->find(from_key, it.from_hash);
        if (!from) {
          note(w, not_found("from: no node {}", ref_text(from_key)));
          return;
        }
        auto to = index_->find(to_key, it.to_hash);
        if (!to) {
          note(w, not_found("to: no node {}", ref_text(to_key)));
          return;
        }
        EdgeId id = next_edge_++;
        graph::set_edge_ends(b.data(it.record), it.record.size, *from, *to);
        EdgeArc a;
        a.from = static_cast<std::uint32_t>(*from - index_->first());
        a.to = static_cast<std::uint32_t>(*to - index_->first());
        a.valid_from = it.valid_from;
        a.valid_to = it.valid_to;
        a.key_hash = static_cast<std::uint32_t>(it.key_hash);
        a.tag = static_cast<std::uint16_t>(it.tag);
        a.flags = it.adj_flags;
        a.line = static_cast<std::uint32_t>(it.line);
        if (arcs_ && (arcs_->full() || it.tag > 0xffff || it.line > 0xffffffffu)) to_sorter();
        if (arcs_) {
          arcs_->push_back(a);
          ++degree_[a.from];
          ++degree_[a.to];
        } else {
          add_entries(id, *from, *to, it.tag, coding::get_u32(from_key.data()), coding::get_u32(to_key.data()), a, w);
        }
        ++stats_.edges;
        count(edge_counts_, counts_.edges, it.tag);
      }
    }
    if (b.error) note({f, line_base + b.error->first + 1}, b.error->second);
  }

  // An edge's two adjacency entries, into the external sort.
  void add_entries(EdgeId id, NodeId from, NodeId to, std::uint32_t tag, std::uint32_t from_tag, std::uint32_t to_tag,
                   const EdgeArc& a, Where w) {
    AdjEntry out;
    out.node = from;
    out.other = to;
    out.id = id;
    out.where = w.pack();
    out.tag = tag;
    out.other_tag = to_tag;
    out.from = a.valid_from;
    out.to = a.valid_to;
    out.flags = a.flags;
    out.dir = keys::kOut;
    out.key_hash = a.key_hash;
    adj_->add(out);
    AdjEntry in = out;
    in.node = to;
    in.other = from;
    in.other_tag = from_tag;
    in.dir = keys::kIn;
    in.where = 0;
    in.key_hash = 0;
    adj_->add(in);
  }

  // The adjacency outgrew its share of memory (or met a type tag past 16 bits): the edges
  // kept so far go into the external sort, and the edges after them as they come.
  void to_sorter() {
    adj_ = std::make_unique<RunSorter<AdjEntry>>(tmp_.path, "adj", adj_memory_, &adj_less);
    const NodeId first = index_->first();
    const EdgeArc* arcs = arcs_->data();
    for (std::size_t e = 0; e < arcs_->size(); ++e) {
      const EdgeArc& a = arcs[e];
      add_entries(first_edge_ + e, first + a.from, first + a.to, a.tag, node_tag_[a.from], node_tag_[a.to], a,
                  where_of(static_cast<std::uint32_t>(e)));
      if ((e + 1) % (1 << 20) == 0) arcs_->release_prefix(e + 1);  // the sort's buffer takes their place
    }
    drop_arcs();
  }

  // Frees the in-memory adjacency.
  void drop_arcs() {
    arcs_.reset();
    decltype(node_tag_)().swap(node_tag_);
    decltype(degree_)().swap(degree_);
  }

  // Where the in-memory adjacency's edge `e` (id - the first edge id) was read.
  Where where_of(std::uint32_t e) const {
    auto after = std::upper_bound(block_starts_.begin(), block_starts_.end(), e,
                                  [](std::uint64_t v, const BlockStart& b) { return v < b.first_edge; });
    const BlockStart& b = *(after - 1);  // the first block's first edge is 0
    return {b.file, b.line_base + arcs_->data()[e].line + 1};
  }

  // Node number `node`'s head op (the start of its run), and the heads freed once written.
  std::string_view head(std::size_t node) const {
    const std::size_t end = node + 1 < head_at_.size() ? head_at_[node + 1] : heads_.size();
    return {heads_.data() + head_at_[node], end - head_at_[node]};
  }
  void drop_heads() {
    decltype(heads_)().swap(heads_);
    decltype(head_at_)().swap(head_at_);
  }

  // The `adj` table from the edges kept in memory, without a sort of all of them: each
  // node's directions are placed by counting (as a CSR is built), then each node's few
  // are sorted into the adjacency order. Two threads write a table each, for two halves
  // of the nodes. Returns the pairs of edges that may repeat an identity.
  std::vector<Repeat> write_adjacency_in_memory() {
    const auto nodes = static_cast<std::uint32_t>(next_node_ - index_->first());
    const std::size_t edges = arcs_->size();
    // degree_[v] becomes where v's directions begin, then, once they are placed, end.
    std::uint32_t at = 0;
    for (auto& d : degree_) {
      const std::uint32_t n = d;
      d = at;
      at += n;
    }
    MappedBuffer<std::uint32_t> slots(2 * edges);  // written through data(), all of it
    std::uint32_t* slot = slots.data();
    const EdgeArc* arcs = arcs_->data();
    for (std::uint32_t e = 0; e < edges; ++e) {
      slot[degree_[arcs[e].from]++] = e << 1 | keys::kOut;
      slot[degree_[arcs[e].to]++] = e << 1 | keys::kIn;
    }
    // Halves of about equal work: a run a node and an arc a direction.
    auto work_before = [&](std::uint32_t v) -> std::uint64_t { return (v == 0 ? 0 : degree_[v - 1]) + std::uint64_t{v}; };
    std::uint32_t lo = 0, hi = nodes;
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      if (work_before(mid) * 2 < 2 * edges + nodes) lo = mid + 1; else hi = mid;
    }
    const std::uint32_t split = lo;
    auto second = std::async(std::launch::async, [&] { return write_adjacency_part(slot, split, nodes, 1); });
    std::vector<Repeat> repeats;
    try {
      repeats = write_adjacency_part(slot, 0, split, 0);
    } catch (...) {
      second.wait();
      throw;
    }
    auto more = second.get();
    repeats.insert(repeats.end(), more.begin(), more.end());
    for (auto& r : repeats) {  // where_of reads arcs_, freed below
      r.first_at = where_of(static_cast<std::uint32_t>(r.first - first_edge_));
      r.second_at = where_of(static_cast<std::uint32_t>(r.second - first_edge_));
    }
    drop_arcs();
    drop_heads();
    return repeats;
  }

  // The runs of nodes [lo, hi) (numbers: id - the first id) into table adj-<part>.sst.
  std::vector<Repeat> write_adjacency_part(const std::uint32_t* slot, std::uint32_t lo, std::uint32_t hi, int part) {
    storage::SstWriter sst(*db_.store, tmp_.path / fmt::format("adj-{}.sst", part), Cf::kAdj);
    std::vector<Repeat> repeats;
    std::vector<NodeArc> node_arcs;
    keys::RunWriter w;
    const NodeId first = index_->first();
    const EdgeArc* arcs = arcs_->data();
    std::uint32_t begin = lo == 0 ? 0 : degree_[lo - 1];
    const std::uint32_t last = hi == 0 ? 0 : degree_[hi - 1];
    for (std::uint32_t v = lo; v < hi; ++v) {
      const std::uint32_t end = degree_[v];
      node_arcs.clear();
      for (std::uint32_t k = begin; k < end; ++k) {
        if (k + 16 < last) __builtin_prefetch(&arcs[slot[k + 16] >> 1]);
        const std::uint32_t s = slot[k];
        const EdgeArc& a = arcs[s >> 1];
        const std::uint32_t dir = s & 1;
        const std::uint32_t other = dir == keys::kOut ? a.to : a.from;
        NodeArc n;
        n.order = std::uint64_t{dir} << 32 | std::uint64_t{a.tag} << 16 | node_tag_[other];
        n.other = std::uint64_t{a.valid_from} << 32 | other;
        n.edge = s >> 1;
        n.to = a.valid_to;
        n.key_hash = a.key_hash;
        n.flags = a.flags;
        node_arcs.push_back(n);
      }
      begin = end;
      std::sort(node_arcs.begin(), node_arcs.end());
      const NodeId node = first + v;
      w.clear();
      w.raw(head(v));
      std::size_t same = 0;  // the first out arc with the identity of the current one
      for (std::size_t i = 0; i < node_arcs.size(); ++i) {
        const NodeArc& n = node_arcs[i];
        const auto dir = static_cast<std::uint8_t>(n.order >> 32);
        w.arc(keys::run_arc({node, dir, static_cast<std::uint32_t>(n.order >> 16 & 0xffff),
                             static_cast<std::uint32_t>(n.order & 0xffff), static_cast<std::uint32_t>(n.other >> 32),
                             first + (n.other & 0xffffffffu), first_edge_ + n.edge},
                            n.to, n.flags));
        if (dir != keys::kOut) continue;
        if (i == 0 || node_arcs[i - 1].order != n.order || node_arcs[i - 1].other != n.other) {
          same = i;
          continue;
        }
        for (std::size_t j = same; j < i; ++j) {
          if (node_arcs[j].key_hash == n.key_hash) repeats.push_back({first_edge_ + node_arcs[j].edge, first_edge_ + n.edge, {}, {}});
        }
      }
      sst.put(keys::run_key({node, commit_, 0}), w.bytes());
    }
    adj_written_[part] = sst.finish();
    return repeats;
  }

  // Type:key of a node numbered in this load.
  std::string node_text(NodeId id) const { return ref_text(index_->key(static_cast<std::uint32_t>(id - index_->first()))); }

  std::string ref_text(std::string_view key_key) const {
    return fmt::format("{}:{}", catalog_.by_tag(coding::get_u32(key_key.data())).name, key_key.substr(4));
  }

  bool write_keys() {
    storage::SstWriter sst(*db_.store, tmp_.path / "keys.sst", Cf::kKeys);
    for (std::uint32_t n : index_->sorted()) sst.put(index_->key(n), keys::id(index_->first() + n));
    return sst.finish();
  }

  bool write_names() {
    storage::SstWriter sst(*db_.store, tmp_.path / "names.sst", Cf::kNames);
    names_->finish([&](std::string_view k, std::string_view) { sst.put(k, ""); });
    names_.reset();
    return sst.finish();
  }

  // The `adj` table: one run a node (storage/adj_run.h), its head then its arcs in the
  // adjacency order, as the sort gives them. Returns the pairs of edges that may repeat an
  // identity.
  std::vector<Repeat> write_adjacency() {
    storage::SstWriter sst(*db_.store, tmp_.path / "adj-0.sst", Cf::kAdj);
    std::vector<Repeat> repeats;
    std::vector<AdjEntry> run;  // out entries with the identity of the last one
    const NodeId first = index_->first();
    NodeId at = first;  // the next node whose run is not yet begun
    keys::RunWriter w;
    bool open = false;  // w holds node at - 1's run
    auto close = [&] {
      if (open) sst.put(keys::run_key({at - 1, commit_, 0}), w.bytes());
      open = false;
    };
    auto begin = [&](NodeId node) {  // closes the runs before `node`, then begins its own
      for (; at <= node; ++at) {
        close();
        w.clear();
        w.raw(head(at - first));
        open = true;
      }
    };
    adj_->finish([&](const AdjEntry& e) {
      if (e.node + 1 != at || !open) begin(e.node);
      w.arc(keys::run_arc({e.node, e.dir, e.tag, e.other_tag, e.from, e.other, e.id}, e.to, e.flags));
      if (e.dir != keys::kOut) return;
      if (!run.empty() && !same_identity(run.front(), e)) run.clear();
      for (const auto& other : run) {
        if (other.key_hash == e.key_hash) {
          repeats.push_back({other.id, e.id, Where::unpack(other.where), Where::unpack(e.where)});
        }
      }
      run.push_back(e);
    });
    if (next_node_ > first) begin(next_node_ - 1);
    close();
    adj_.reset();
    drop_heads();
    adj_written_[0] = sst.finish();
    return repeats;
  }

  // Edges with one identity (type, ends, valid-from and key) are refused: the pairs whose
  // keys' hashes agree are compared by their keys, read back from the edges table.
  void check_repeats(const std::vector<Repeat>& repeats) {
    if (repeats.empty()) return;
    rocksdb::SstFileReader reader{rocksdb::Options()};
    auto path = (tmp_.path / "edges.sst").string();
    if (auto s = reader.Open(path); !s.ok()) throw io_error("reading {}: {}", path, s.ToString());
    std::unique_ptr<rocksdb::Iterator> it(reader.NewIterator(rocksdb::ReadOptions()));
    auto edge = [&](EdgeId id) {
      std::string k = keys::id(id);
      it->Seek(k);
      if (!it->Valid() || it->key() != rocksdb::Slice(k)) throw corruption("bulk import: edge {} was not written", id);
      return graph::decode_edge(catalog_, id, std::string_view(it->value().data(), it->value().size()));
    };
    for (const auto& r : repeats) {
      Edge a = edge(r.first), b = edge(r.second);
      if (a.key != b.key) continue;
      Where first = std::min(r.first_at, r.second_at), second = std::max(r.first_at, r.second_at);
      note(second, invalid("edge {} from {} to {} repeats {}:{} (the bulk import takes each edge once: import "
                           "without --bulk, or remove the repeat)",
                           a.type, node_text(a.from), node_text(a.to), source(first.file), first.line));
    }
  }

  // In key order: "count.edge.*" < "count.node.*" < "next_edge_id" < "next_node_id".
  void write_meta() {
    storage::SstWriter sst(*db_.store, tmp_.path / "meta.sst", Cf::kMeta);
    auto fold = [](const std::vector<std::int64_t>& by_tag, std::map<std::uint32_t, std::int64_t>& into) {
      for (std::uint32_t tag = 0; tag < by_tag.size(); ++tag) {
        if (by_tag[tag] != 0) into[tag] += by_tag[tag];
      }
    };
    fold(node_counts_, counts_.nodes);
    fold(edge_counts_, counts_.edges);
    for (const auto& [tag, n] : counts_.edges) sst.put(keys::edge_count(tag), keys::id(static_cast<std::uint64_t>(n)));
    for (const auto& [tag, n] : counts_.nodes) sst.put(keys::node_count(tag), keys::id(static_cast<std::uint64_t>(n)));
    sst.put(keys::kNextCommit, keys::id(commit_ + 1));
    sst.put(keys::kNextEdgeId, keys::id(next_edge_));
    sst.put(keys::kNextNodeId, keys::id(next_node_));
    sst.finish();
    // The load's entry in the commit log (format 6).
    CommitInfo info;
    info.number = commit_;
    info.time_us = commit_time_;
    info.message = options_.message;
    info.nodes.created = stats_.nodes;
    info.edges.created = stats_.edges;
    storage::SstWriter history(*db_.store, tmp_.path / "history.sst", Cf::kHistory);
    history.put(keys::commit_entry(commit_), graph::encode_commit(info));
    history.finish();
  }

  detail::DatabaseState& db_;
  const catalog::Catalog& catalog_;
  const std::vector<std::filesystem::path>& files_;
  const BulkImportOptions& options_;
  graph::LineFormat format_;
  ImportStats stats_;
  std::uint64_t fast_ = 0;    // lines read by the fast reader
  graph::TypeCounts counts_;  // records per type tag (meta count.*)
  // The same for tags below kCountedByIndex, counted by index as lines are numbered (a map
  // lookup a line cost more) and folded into counts_ at the end.
  static constexpr std::uint32_t kCountedByIndex = 4096;
  std::vector<std::int64_t> node_counts_, edge_counts_;
  static void count(std::vector<std::int64_t>& by_tag, std::map<std::uint32_t, std::int64_t>& other, std::uint32_t tag) {
    if (tag >= kCountedByIndex) {
      ++other[tag];
      return;
    }
    if (by_tag.size() <= tag) by_tag.resize(tag + 1, 0);
    ++by_tag[tag];
  }
  TempDir tmp_;
  NodeId next_node_ = 1;
  EdgeId first_edge_ = 1, next_edge_ = 1;
  std::uint64_t commit_ = 1;  // the load's commit number (meta next_commit)
  std::int64_t commit_time_ = 0;  // its time in the log
  // Each node's head op, by id - the first id: where it begins in heads_.
  memory::HugeVector<char> heads_;
  memory::HugeVector<std::size_t> head_at_;
  std::unique_ptr<KeyIndex> index_;
  std::unordered_set<std::string, ViewHash, std::equal_to<>> documents_;
  std::unique_ptr<storage::Sorter> names_;
  // The adjacency: in memory (arcs_ by edge number, with each node's tag and count of
  // directions), or, past its share of memory, the external sort adj_.
  std::size_t adj_memory_ = 0;
  std::unique_ptr<MappedBuffer<EdgeArc>> arcs_;
  memory::HugeVector<std::uint16_t> node_tag_;
  memory::HugeVector<std::uint32_t> degree_;
  struct BlockStart {
    std::uint64_t first_edge;  // the block's first edge number (id - the first edge id)
    std::uint64_t line_base;   // lines of its file before it
    std::uint32_t file;
  };
  std::vector<BlockStart> block_starts_;  // while the adjacency is in memory: where_of
  std::unique_ptr<RunSorter<AdjEntry>> adj_;
  std::vector<Block> spares_;  // blocks written, to be read into again
  struct Writing {
    std::shared_ptr<Block> block;
    std::shared_future<void> nodes, edges;
  };
  static constexpr std::size_t kWritingDepth = 3;
  static constexpr std::size_t kNamesRunBytes = std::size_t{16} << 20;
  std::deque<Writing> writing_;  // blocks being written, oldest first
  std::unique_ptr<storage::SstWriter> nodes_sst_, edges_sst_;
  bool adj_written_[2] = {false, false};  // adj-0.sst, adj-1.sst
  std::optional<std::pair<Where, Error>> error_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_ = start_;
  // Last: their threads end (running what was given them) before the rest goes.
  std::unique_ptr<parallel::Pool> readers_;    // blocks read (options_.threads)
  parallel::Pool node_writer_{1}, edge_writer_{1};  // blocks written, in order
};

}  // namespace
}  // namespace bulk

ImportStats graph::bulk_load(Database& db, const std::vector<std::filesystem::path>& files,
                             const BulkImportOptions& options, LineFormat format) {
  auto& state = graph::Internals::state(db);
  std::unique_lock<std::mutex> lock(state.writer);  // no transaction meanwhile
  bulk::BulkLoad load(state, files, options, format);
  return load.run();
}

}  // namespace entente
