// The bulk load (graph/bulk_load.h; include/entente/interchange.h, import_bulk;
// docs/import.md, "Bulk loading"): lines of input into an empty database through sorted
// tables. lib/io gives the parser of a line (the interchange format's); everything from
// the parsed node or edge on (checks, records, keys, tables, ingestion) is here.
//
// 1. Parse. The files are cut into blocks of whole lines; threads parse and check each
//    block and encode its records (edges with their ends left 0). In file order, nodes
//    and edges are numbered as a transaction would number them; node records go straight
//    into the `nodes` table (ids ascend), edge records to a temporary file, and the keys,
//    names and edge ends to external sorters.
// 2. Keys and names: sorted, a repeated node refused, written as tables.
// 3. Ends: the ends, sorted by Type:key, are joined with the `keys` table: each edge's
//    from and to ids, sorted back by edge id.
// 4. Edges: the records are read back in id order, their ends set, written to the
//    `edges` table; both adjacency entries go to a sorter, then the `adj` table (a
//    repeated edge identity is refused).
// 5. The id counters in a `meta` table, and all tables are ingested in one step.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <future>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <unordered_set>

#include <rocksdb/sst_file_reader.h>

#include "common/coding.h"
#include "common/error.h"
#include "common/text.h"
#include "entente/load.h"
#include "graph/bulk_load.h"
#include "graph/records.h"
#include "graph/state.h"
#include "graph/validate.h"
#include "storage/keys.h"
#include "storage/sorter.h"

namespace entente {

using storage::Cf;

namespace {

constexpr std::size_t kBlockBytes = 4 << 20;


// A place in the input: file index and line number (1-based).
struct Where {
  std::uint32_t file = 0;
  std::uint64_t line = 0;
  bool operator<(const Where& o) const { return std::tie(file, line) < std::tie(o.file, o.line); }
};

void put_where(std::string& out, Where w) {
  coding::put_u32(out, w.file);
  coding::put_u64(out, w.line);
}
Where get_where(const char* p) { return {coding::get_u32(p), coding::get_u64(p + 4)}; }

// One parsed line.
struct Item {
  bool is_node = true;
  std::uint64_t line = 0;  // within its block, 0-based
  std::uint32_t tag = 0;
  std::string key;         // node: tag | key (the keys index key); edge: its key
  std::string record;
  std::vector<std::string> names;  // node: folded names
  bool is_document = false;
  std::string doc_self;            // a Document's own key (it may cite itself)
  std::vector<std::string> cited;  // cited Document keys
  std::string from, to;            // edge: tag | key of each end
  std::uint32_t valid_from = 0;
  std::string adj_value;
};

struct Block {
  std::vector<Item> items;
  std::uint64_t lines = 0;  // lines in the block
  std::optional<std::pair<std::uint64_t, Error>> error;  // the first bad line (0-based)
};

// The keys-index key of an edge end, or an Error when the key cannot name a node (a
// control character: stored keys have none, and the sort order of the ends relies on it).
std::string end_key(const catalog::Catalog& catalog, const NodeRef& ref, const char* side) {
  if (text::has_control(ref.key)) throw not_found("{}: no node {}", side, ref.str());
  return keys::node_key(catalog.find(ref.type)->tag, ref.key);
}

// Parses one line into `out`; false for a blank line.
bool parse_one(const catalog::Catalog& catalog, graph::LineParser parse, std::string_view line,
               std::size_t max_line_bytes, Item& it) {
  if (line.size() > max_line_bytes) {
    throw invalid("line {{}} is longer than the limit of {}", text::human_size(max_line_bytes));
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return false;
  auto parsed = parse(line);
  if (auto* n = std::get_if<NodeInput>(&parsed)) {
    const auto& type = graph::check_node(catalog, *n);
    it.tag = type.tag;
    it.key = keys::node_key(type.tag, n->key);
    it.record = graph::encode_node(type, *n);
    it.names = graph::folded_names(n->name, n->aliases);
    it.is_document = n->type == "Document";
    if (it.is_document) it.doc_self = n->key;
    for (const auto& c : n->sources) it.cited.push_back(c.doc);
    return true;
  }
  auto& e = std::get<EdgeInput>(parsed);
  const auto& type = graph::check_edge(catalog, e);
  it.is_node = false;
  it.tag = type.tag;
  it.from = end_key(catalog, e.from, "from");
  it.to = end_key(catalog, e.to, "to");
  it.key = e.key;
  it.record = graph::encode_edge(type, 0, 0, e);
  it.valid_from = keys::adj_from(e.valid);
  it.adj_value = keys::adj_value(e.valid);
  for (const auto& c : e.sources) it.cited.push_back(c.doc);
  return true;
}

// Parses a block of lines: `text` without its last newline (so "" is one blank line).
Block parse_block(const catalog::Catalog& catalog, graph::LineParser parse, std::string text,
                  std::size_t max_line_bytes) {
  Block b;
  std::string_view all = text;
  std::size_t pos = 0;
  for (;;) {
    auto nl = all.find('\n', pos);
    std::string_view line = all.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    std::uint64_t at = b.lines++;
    try {
      Item it;
      it.line = at;
      if (parse_one(catalog, parse, line, max_line_bytes, it)) b.items.push_back(std::move(it));
    } catch (const Error& e) {
      b.error.emplace(at, e);
      return b;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return b;
}

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

// The records of the edges, in id order, between parsing and writing the edges table.
// Each: [u32 tag][u32 valid-from][5 adj value][u32 key size][key][u32 record size][record][where]
class EdgeSpool {
 public:
  explicit EdgeSpool(const std::filesystem::path& path) : path_(path), f_(std::fopen(path.c_str(), "w+b")) {
    if (!f_) throw io_error("writing {}: {}", path.string(), std::strerror(errno));
    std::setvbuf(f_.get(), nullptr, _IOFBF, 1 << 20);
  }
  void write(const Item& it, Where w) {
    buf_.clear();
    coding::put_u32(buf_, it.tag);
    coding::put_u32(buf_, it.valid_from);
    buf_.append(it.adj_value);
    coding::put_u32(buf_, static_cast<std::uint32_t>(it.key.size()));
    buf_.append(it.key);
    coding::put_u32(buf_, static_cast<std::uint32_t>(it.record.size()));
    buf_.append(it.record);
    put_where(buf_, w);
    if (std::fwrite(buf_.data(), 1, buf_.size(), f_.get()) != buf_.size()) fail();
  }
  void rewind() {
    if (std::fflush(f_.get()) != 0 || std::fseek(f_.get(), 0, SEEK_SET) != 0) fail();
  }
  struct Edge {
    std::uint32_t tag, valid_from;
    std::string adj_value, key, record;
    Where where;
  };
  void read(Edge& e) {
    char head[13];
    take(head, 13);
    e.tag = coding::get_u32(head);
    e.valid_from = coding::get_u32(head + 4);
    e.adj_value.assign(head + 8, 5);
    e.key.resize(take_u32());
    take(e.key.data(), e.key.size());
    e.record.resize(take_u32());
    take(e.record.data(), e.record.size());
    char w[12];
    take(w, 12);
    e.where = get_where(w);
  }

 private:
  std::uint32_t take_u32() {
    char b[4];
    take(b, 4);
    return coding::get_u32(b);
  }
  void take(char* p, std::size_t n) {
    if (n > 0 && std::fread(p, 1, n, f_.get()) != n) throw io_error("reading {}: truncated", path_.string());
  }
  [[noreturn]] void fail() { throw io_error("writing {}: {}", path_.string(), std::strerror(errno)); }
  std::filesystem::path path_;
  InputFile f_;
  std::string buf_;
};

class BulkLoad {
 public:
  BulkLoad(detail::DatabaseState& db, const std::vector<std::filesystem::path>& files, const BulkImportOptions& o,
           graph::LineParser parse)
      : db_(db), catalog_(*db.catalog), files_(files), options_(o), parse_(parse) {}

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
    const std::size_t share = std::max<std::size_t>(options_.memory / 3, 1 << 20);
    keys_ = std::make_unique<storage::Sorter>(tmp_.path, "keys", share);
    names_ = std::make_unique<storage::Sorter>(tmp_.path, "names", share);
    ends_ = std::make_unique<storage::Sorter>(tmp_.path, "ends", share);
    spool_ = std::make_unique<EdgeSpool>(tmp_.path / "edges.spool");
    nodes_sst_ = std::make_unique<storage::SstWriter>(*db_.store, tmp_.path / "nodes.sst", Cf::kNodes);

    for (std::uint32_t f = 0; f < files_.size() && !error_; ++f) read_file(f);
    nodes_sst_->finish();
    phase("parse");
    write_keys();
    phase("keys");
    write_names();
    phase("names");
    resolve_ends();
    phase("ends");
    if (error_) fail();
    write_edges();
    phase("edges and adjacency");
    if (error_) fail();
    write_meta();

    std::vector<std::pair<Cf, std::filesystem::path>> tables;
    auto add = [&](Cf cf, const char* name, bool wrote) {
      if (wrote) tables.emplace_back(cf, tmp_.path / name);
    };
    add(Cf::kNodes, "nodes.sst", nodes_sst_->entries() > 0);
    add(Cf::kKeys, "keys.sst", keys_written_);
    add(Cf::kNames, "names.sst", names_written_);
    add(Cf::kEdges, "edges.sst", edges_written_);
    add(Cf::kAdj, "adj.sst", adj_written_);
    add(Cf::kMeta, "meta.sst", true);
    db_.publish_write([&] { store.ingest(tables); });
    phase("ingest");
    return stats_;
  }

 private:
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
    if (trace) fmt::print(stderr, "bulk: {}: {:.3f} s\n", name, std::chrono::duration<double>(now - last_).count());
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
    if (file == "-") {
      in.reset(stdin);
    } else {
      if (std::filesystem::is_directory(file)) throw invalid("{}: is a directory, not a file", file.string());
      in.reset(std::fopen(file.c_str(), "rb"));
      if (!in) throw not_found("{}: cannot open: {}", file.string(), std::strerror(errno));
    }
    std::deque<std::future<Block>> pending;
    std::uint64_t line_base = 0;  // lines of the blocks consumed so far
    auto consume = [&] {
      Block b = pending.front().get();
      pending.pop_front();
      take(f, line_base, b);
      line_base += b.lines;
      stats_.lines += b.lines;
      if (options_.progress) options_.progress(file, stats_.lines);
    };
    std::string carry;
    std::vector<char> buf(kBlockBytes);
    const unsigned threads = std::max(1u, options_.threads);
    for (;;) {
      std::size_t n = std::fread(buf.data(), 1, buf.size(), in.get());
      if (n == 0) {
        if (std::ferror(in.get())) throw io_error("{}: read error", source(f));
        break;
      }
      carry.append(buf.data(), n);
      auto last = carry.rfind('\n');
      if (last == std::string::npos) {
        if (carry.size() > options_.max_line_bytes + kBlockBytes) break;  // refused by parse_block below
        continue;
      }
      std::string text = carry.substr(0, last);  // whole lines, without the last '\n'
      carry.erase(0, last + 1);
      while (pending.size() > threads) consume();
      if (error_) return;
      pending.push_back(std::async(std::launch::async, parse_block, std::cref(catalog_), parse_, std::move(text),
                                   options_.max_line_bytes));
    }
    if (!carry.empty()) {
      pending.push_back(std::async(std::launch::async, parse_block, std::cref(catalog_), parse_, std::move(carry),
                                   options_.max_line_bytes));
    }
    while (!pending.empty() && !error_) consume();
    while (!pending.empty()) pending.front().wait(), pending.pop_front();
  }

  // A parsed block, in file order.
  void take(std::uint32_t f, std::uint64_t line_base, Block& b) {
    for (auto& it : b.items) {
      Where w{f, line_base + it.line + 1};
      for (const auto& doc : it.cited) {
        if (doc == it.doc_self || documents_.count(doc)) continue;
        note(w, not_found("sources: no Document node '{}' (a cited document must be imported first)", doc));
        return;
      }
      if (it.is_node) {
        NodeId id = next_node_++;
        nodes_sst_->put(keys::id(id), it.record);
        std::string value = keys::id(id);
        put_where(value, w);
        keys_->add(it.key, value);
        for (const auto& name : it.names) names_->add(keys::name(name, id), "");
        if (it.is_document) documents_.insert(it.doc_self);
        ++stats_.nodes;
        ++counts_.nodes[it.tag];
      } else {
        EdgeId id = next_edge_++;
        spool_->write(it, w);
        std::string value = keys::id(next_node_);  // the ids of the nodes before this line are below it
        put_where(value, w);
        std::string k = it.from + keys::id(id);
        k.push_back('\0');
        ends_->add(k, value);
        k = it.to + keys::id(id);
        k.push_back('\1');
        ends_->add(k, value);
        ++stats_.edges;
        ++counts_.edges[it.tag];
      }
    }
    if (b.error) note({f, line_base + b.error->first + 1}, b.error->second);
  }

  std::string ref_text(std::string_view key_key) const {
    return fmt::format("{}:{}", catalog_.by_tag(coding::get_u32(key_key.data())).name, key_key.substr(4));
  }

  void write_keys() {
    storage::SstWriter sst(*db_.store, tmp_.path / "keys.sst", Cf::kKeys);
    std::string last;
    Where last_where;
    bool first = true;
    keys_->finish([&](std::string_view k, std::string_view v) {
      Where w = get_where(v.data() + 8);
      if (!first && k == last) {
        Where a = std::min(w, last_where), b = std::max(w, last_where);
        note(b, invalid("node {} repeats {}:{} (the bulk import takes each node once: import without --bulk, "
                        "or remove the repeat)",
                        ref_text(k), source(a.file), a.line));
        return;
      }
      sst.put(k, v.substr(0, 8));
      last.assign(k);
      last_where = w;
      first = false;
    });
    keys_.reset();
    keys_written_ = sst.finish();
  }

  void write_names() {
    storage::SstWriter sst(*db_.store, tmp_.path / "names.sst", Cf::kNames);
    names_->finish([&](std::string_view k, std::string_view) { sst.put(k, ""); });
    names_.reset();
    names_written_ = sst.finish();
  }

  // Joins the edge ends with the keys table: resolved_ gets (edge id | side) -> node id |
  // the node's type tag (the first 4 bytes of its keys-index key).
  void resolve_ends() {
    resolved_ = std::make_unique<storage::Sorter>(tmp_.path, "resolved", std::max<std::size_t>(options_.memory / 2, 1 << 20));
    rocksdb::SstFileReader reader{rocksdb::Options()};
    std::unique_ptr<rocksdb::Iterator> it;  // after the reader: it dies first
    if (keys_written_) {
      auto s = reader.Open((tmp_.path / "keys.sst").string());
      if (!s.ok()) throw io_error("reading {}: {}", (tmp_.path / "keys.sst").string(), s.ToString());
      it.reset(reader.NewIterator(rocksdb::ReadOptions()));
      it->SeekToFirst();
    }
    ends_->finish([&](std::string_view k, std::string_view v) {
      std::string_view ref = k.substr(0, k.size() - 9);
      bool from = k.back() == '\0';
      NodeId before = coding::get_u64(v.data());
      Where w = get_where(v.data() + 8);
      std::optional<NodeId> id;
      if (it) {
        while (it->Valid() && it->key().compare(rocksdb::Slice(ref.data(), ref.size())) < 0) it->Next();
        if (it->Valid() && it->key() == rocksdb::Slice(ref.data(), ref.size())) {
          id = coding::get_u64(it->value().data());
        }
      }
      if (!id || *id >= before) {  // none, or only on a later line
        note(w, not_found("{}: no node {}", from ? "from" : "to", ref_text(ref)));
        return;
      }
      std::string resolved = keys::id(*id);
      resolved.append(ref.substr(0, 4));
      resolved_->add(k.substr(k.size() - 9), resolved);
    });
    if (it && !it->status().ok()) throw io_error("reading the keys table: {}", it->status().ToString());
    ends_.reset();
  }

  void write_edges() {
    spool_->rewind();
    storage::SstWriter sst(*db_.store, tmp_.path / "edges.sst", Cf::kEdges);
    auto adj = std::make_unique<storage::Sorter>(tmp_.path, "adj", std::max<std::size_t>(options_.memory / 2, 1 << 20));
    EdgeSpool::Edge e;
    NodeId ends[2] = {0, 0};
    std::uint32_t end_tags[2] = {0, 0};
    EdgeId expect = first_edge_;
    resolved_->finish([&](std::string_view k, std::string_view v) {
      EdgeId id = coding::get_u64(k.data());
      int side = k[8];
      if (id != expect) throw corruption("bulk import: edge {} has no resolved end", expect);
      ends[side] = coding::get_u64(v.data());
      end_tags[side] = coding::get_u32(v.data() + 8);
      if (side == 0) return;
      ++expect;
      spool_->read(e);
      graph::set_edge_ends(e.record, ends[0], ends[1]);
      sst.put(keys::id(id), e.record);
      std::string value = e.adj_value;
      put_where(value, e.where);
      value.append(e.key);
      adj->add(keys::adj({ends[0], keys::kOut, e.tag, end_tags[1], e.valid_from, ends[1], id}), value);
      adj->add(keys::adj({ends[1], keys::kIn, e.tag, end_tags[0], e.valid_from, ends[0], id}), e.adj_value);
    });
    resolved_.reset();
    if (expect != next_edge_) throw corruption("bulk import: {} edges written of {}", expect - first_edge_, next_edge_ - first_edge_);
    edges_written_ = sst.finish();

    // Adjacency: a repeated edge identity (type, ends, valid-from, key) shows as two out
    // entries with the same identity prefix (all but the edge id) and the same key.
    storage::SstWriter adj_sst(*db_.store, tmp_.path / "adj.sst", Cf::kAdj);
    constexpr std::size_t kIdentity = keys::kAdjKeySize - 8;
    std::string run;  // the identity prefix of the current run of out entries
    std::vector<std::pair<std::string, Where>> seen;
    adj->finish([&](std::string_view k, std::string_view v) {
      adj_sst.put(k, v.substr(0, 5));
      if (static_cast<std::uint8_t>(k[8]) != keys::kOut) return;
      std::string_view prefix = k.substr(0, kIdentity);
      if (prefix != run) {
        run.assign(prefix);
        seen.clear();
      }
      Where w = get_where(v.data() + 5);
      std::string key(v.substr(17));
      for (const auto& [other, at] : seen) {
        if (other != key) continue;
        auto a = keys::decode_adj(k);
        Where first = std::min(w, at), second = std::max(w, at);
        note(second, invalid("edge {} from {} to {} repeats {}:{} (the bulk import takes each edge once: import "
                             "without --bulk, or remove the repeat)",
                             catalog_.by_tag(a.tag).name, a.node, a.other, source(first.file), first.line));
      }
      seen.emplace_back(std::move(key), w);
    });
    adj_written_ = adj_sst.finish();
  }

  // In key order: "count.edge.*" < "count.node.*" < "next_edge_id" < "next_node_id".
  void write_meta() {
    storage::SstWriter sst(*db_.store, tmp_.path / "meta.sst", Cf::kMeta);
    for (const auto& [tag, n] : counts_.edges) sst.put(keys::edge_count(tag), keys::id(static_cast<std::uint64_t>(n)));
    for (const auto& [tag, n] : counts_.nodes) sst.put(keys::node_count(tag), keys::id(static_cast<std::uint64_t>(n)));
    sst.put(keys::kNextEdgeId, keys::id(next_edge_));
    sst.put(keys::kNextNodeId, keys::id(next_node_));
    sst.finish();
  }

  detail::DatabaseState& db_;
  const catalog::Catalog& catalog_;
  const std::vector<std::filesystem::path>& files_;
  const BulkImportOptions& options_;
  graph::LineParser parse_;
  ImportStats stats_;
  graph::TypeCounts counts_;  // records per type tag (meta count.*)
  TempDir tmp_;
  NodeId next_node_ = 1;
  EdgeId first_edge_ = 1, next_edge_ = 1;
  std::unordered_set<std::string> documents_;
  std::unique_ptr<storage::Sorter> keys_, names_, ends_, resolved_;
  std::unique_ptr<EdgeSpool> spool_;
  std::unique_ptr<storage::SstWriter> nodes_sst_;
  bool keys_written_ = false, names_written_ = false, edges_written_ = false, adj_written_ = false;
  std::optional<std::pair<Where, Error>> error_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

ImportStats graph::bulk_load(Database& db, const std::vector<std::filesystem::path>& files,
                             const BulkImportOptions& options, LineParser parse) {
  auto& state = detail::state_of(db);
  std::unique_lock<std::mutex> lock(state.writer);  // no transaction meanwhile
  BulkLoad load(state, files, options, parse);
  return load.run();
}

}  // namespace entente
