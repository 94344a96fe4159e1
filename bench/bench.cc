// entente-bench: the measurements of make bench (bench/run.py drives it; docs/performance.md).
//
//   entente-bench floor --like DB --dir TMP
//       the storage floor: raw RocksDB writing as many keys, of the same sizes, per column
//       family, as the database DB holds: once through WriteBatches (the WAL and
//       memtables, as a transaction commits) and once as SST files ingested (as the bulk
//       import does). Prints JSON.
//   entente-bench queries --db DB --manifest M [--samples N] [--cold N] [--only Q1,Q2] [--as-of #N|TIME]
//       point lookups, neighbours, allies, 2- and 3-hop expansions, shortest path, blocs,
//       median and p99 latency warm and cold; projection build and BFS against a plain
//       compressed_sparse_row_graph. Prints JSON.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/range/iterator_range.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <rocksdb/db.h>
#include <rocksdb/sst_file_writer.h>

#include "entente/entente.h"

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

[[noreturn]] void die(const std::string& msg) {
  fmt::print(stderr, "entente-bench: {}\n", msg);
  std::exit(1);
}

void check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) die(fmt::format("{}: {}", what, s.ToString()));
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }

 private:
  std::uint64_t s_;
};

// ------------------------------------------------------------------ the storage floor

const char* const kCfs[] = {"nodes", "edges", "adj", "keys", "names", "meta"};

struct Entry {
  std::uint8_t cf;
  std::uint16_t key;
  std::uint32_t value;
};

std::vector<Entry> sizes_of(const std::string& path) {
  rocksdb::DBOptions o;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs{{rocksdb::kDefaultColumnFamilyName, {}}};
  for (const char* c : kCfs) cfs.emplace_back(c, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  check(rocksdb::DB::OpenForReadOnly(o, path, cfs, &handles, &raw), "opening the database");
  std::unique_ptr<rocksdb::DB> db(raw);
  std::vector<Entry> out;
  for (std::uint8_t c = 0; c < 6; ++c) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[c + 1]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.push_back({c, static_cast<std::uint16_t>(std::min<std::size_t>(it->key().size(), 65535)),
                     static_cast<std::uint32_t>(it->value().size())});
    }
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  return out;
}

// Incompressible filler: the floor's values are random bytes (entente's records compress
// somewhat with Snappy, so the floor writes at least as many bytes as entente does).
const std::string& noise() {
  static const std::string bytes = [] {
    std::string s(4 << 20, '\0');
    Rng r(42);
    for (auto& c : s) c = static_cast<char>(r.next());
    return s;
  }();
  return bytes;
}

std::string floor_key(std::uint64_t n, std::size_t size, bool scatter) {
  std::uint64_t v = scatter ? (n * 0x9e3779b97f4a7c15ULL) : n;  // scattered: random order
  std::string k(std::max<std::size_t>(size, 8), '\0');
  for (int i = 0; i < 8; ++i) k[i] = static_cast<char>(v >> (56 - 8 * i));
  for (std::size_t i = 8; i < k.size(); ++i) k[i] = static_cast<char>('a' + (n + i) % 26);
  k.resize(size < 8 ? 8 : size);
  return k;
}

struct FloorDb {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  ~FloorDb() {
    for (auto* h : cfs) db->DestroyColumnFamilyHandle(h);
  }
};

void open_floor(FloorDb& f, const std::string& path) {
  rocksdb::DBOptions o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs{{rocksdb::kDefaultColumnFamilyName, {}}};
  for (const char* c : kCfs) cfs.emplace_back(c, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  check(rocksdb::DB::Open(o, path, cfs, &handles, &raw), "opening the floor database");
  f.db.reset(raw);
  f.db->DestroyColumnFamilyHandle(handles[0]);
  f.cfs.assign(handles.begin() + 1, handles.end());
}

std::uint64_t dir_bytes(const std::filesystem::path& p) {
  std::uint64_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return n;
}

int run_floor(const std::string& like, const std::filesystem::path& dir) {
  auto entries = sizes_of(like);
  std::uint64_t bytes = 0;
  for (const auto& e : entries) bytes += e.key + e.value;
  const auto& filler = noise();
  Json out = {{"entries", entries.size()}, {"bytes", bytes}};
  std::filesystem::create_directories(dir);

  {  // WriteBatch: 10,000 entries a batch, column family by column family, keys in order
     // (the memtable's fastest case), the WAL synced at the end.
    std::filesystem::remove_all(dir / "batch");
    FloorDb f;
    open_floor(f, (dir / "batch").string());
    auto t = Clock::now();
    rocksdb::WriteBatch batch;
    std::uint64_t n = 0, off = 0;
    for (const auto& e : entries) {
      auto k = floor_key(n++, e.key, false);
      off = (off + 4099) % (filler.size() - e.value - 1);
      batch.Put(f.cfs[e.cf], k, rocksdb::Slice(filler.data() + off, e.value));
      if (batch.Count() >= 10000) {
        check(f.db->Write(rocksdb::WriteOptions(), &batch), "writing");
        batch.Clear();
      }
    }
    rocksdb::WriteOptions sync;
    sync.sync = true;
    check(f.db->Write(sync, &batch), "writing");
    out["batch_seconds"] = seconds_since(t);
    f.db->Flush(rocksdb::FlushOptions());
  }
  {  // SST: keys in order, one file per column family, then one ingestion.
    std::filesystem::remove_all(dir / "sst");
    std::filesystem::create_directories(dir / "sst-files");
    FloorDb f;
    open_floor(f, (dir / "sst").string());
    auto t = Clock::now();
    std::vector<rocksdb::IngestExternalFileArg> args;
    for (std::uint8_t c = 0; c < 6; ++c) {
      rocksdb::SstFileWriter w{rocksdb::EnvOptions(), rocksdb::Options()};
      auto path = (dir / "sst-files" / fmt::format("{}.sst", kCfs[c])).string();
      check(w.Open(path), "opening an SST");
      std::uint64_t n = 0, off = 0, count = 0;
      for (const auto& e : entries) {
        if (e.cf != c) continue;
        off = (off + 4099) % (filler.size() - e.value - 1);
        check(w.Put(floor_key(n++, e.key, false), rocksdb::Slice(filler.data() + off, e.value)), "writing an SST");
        ++count;
      }
      if (count == 0) continue;
      check(w.Finish(), "finishing an SST");
      rocksdb::IngestExternalFileArg a;
      a.column_family = f.cfs[c];
      a.external_files = {path};
      a.options.move_files = true;
      args.push_back(a);
    }
    check(f.db->IngestExternalFiles(args), "ingesting");
    out["sst_seconds"] = seconds_since(t);
  }
  out["batch_db_bytes"] = dir_bytes(dir / "batch");
  std::filesystem::remove_all(dir / "batch");
  std::filesystem::remove_all(dir / "sst");
  std::filesystem::remove_all(dir / "sst-files");
  fmt::print("{}\n", out.dump());
  return 0;
}

// ------------------------------------------------------------------ queries

struct Latency {
  std::vector<double> us;
  Json json() {
    std::sort(us.begin(), us.end());
    if (us.empty()) return nullptr;
    auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<std::size_t>(q * static_cast<double>(us.size())))]; };
    return {{"median_us", at(0.5)}, {"p90_us", at(0.9)}, {"p99_us", at(0.99)}, {"samples", us.size()}};
  }
};

struct Counter : boost::default_bfs_visitor {
  std::size_t* n = nullptr;
  template <typename G>
  void discover_vertex(std::uint32_t, const G&) { ++*n; }
};

struct Manifest {
  std::uint64_t persons = 0, events = 0, states = 0, treaties = 0;
};

using Question = std::function<std::size_t(const entente::Reader&, std::uint64_t sample)>;

int run_queries(const std::filesystem::path& db_path, const Manifest& m, int samples, int cold_samples,
                const std::set<std::string>& only, const std::string& as_of) {
  using namespace entente;
  Options ro;
  ro.read_only = true;
  ro.create_if_missing = false;
  const Date on = Date::parse("2000-01-01");
  auto state_key = [](std::uint64_t s) { return fmt::format("State:S{:03}", s % 200); };

  std::map<std::string, Question> questions;
  questions["lookup_key"] = [&](const Reader& r, std::uint64_t s) {
    return r.node(NodeRef{"Event", fmt::format("e{}", s % m.events)}) ? 1 : 0;
  };
  // Names of some persons, read before timing.
  std::vector<std::string> names;
  {
    auto db = Database::open(db_path, ro);
    auto snap = db->snapshot();
    Rng r(7);
    for (int i = 0; i < 1000; ++i) {
      if (auto n = snap->node(NodeRef{"Person", fmt::format("p{}", r.below(m.persons))})) names.push_back(n->name);
    }
  }
  questions["lookup_name"] = [&](const Reader& r, std::uint64_t s) { return r.find(names[s % names.size()]).size(); };
  // Neighbors on a date through the C++ API's cursor: a person's edges valid on the date,
  // each with its other end's id and type (both from the adjacency index or the topology;
  // no record is read). The person's id is looked up before timing, as the names above are.
  std::vector<NodeId> person_ids;
  {
    auto db = Database::open(db_path, ro);
    auto snap = db->snapshot();
    for (std::uint64_t i = 0; i < std::min<std::uint64_t>(m.persons, 100000); ++i) {
      person_ids.push_back(snap->id_of(NodeRef{"Person", fmt::format("p{}", i)}).value());
    }
  }
  questions["neighbors_at"] = [&](const Reader& r, std::uint64_t s) {
    std::size_t n = 0;
    for (auto c = r.cursor(person_ids[s % person_ids.size()], {.at = on}); c.next();) {
      n += c->node_type.size() > 0 && c->node != 0;
    }
    return n;
  };
  // The same with every record read: the person by key, then neighbors(), which decodes
  // each edge and each node at its other end.
  questions["neighbors_records_at"] = [&](const Reader& r, std::uint64_t s) {
    auto p = r.node(NodeRef{"Person", fmt::format("p{}", s % m.persons)});
    return r.neighbors(p->id, {.at = on}).size();
  };
  questions["allies"] = [&](const Reader& r, std::uint64_t s) {
    return allies(r, state_key(s), {.at = on}).size();
  };
  // 2 hops: the states a person visited (Person <-VISITOR- Visit -HOST-> State).
  // The person is found by key inside the timing.
  auto visited = [](const Reader& r, NodeId person) {
    std::set<NodeId> states;
    for (auto v = r.cursor(person, {{"VISITOR"}, Direction::kIn, std::nullopt}); v.next();) {
      for (auto h = r.cursor(v->node, {{"HOST"}, Direction::kOut, std::nullopt}); h.next();) states.insert(h->node);
    }
    return states.size();
  };
  questions["hop2"] = [&](const Reader& r, std::uint64_t s) {
    return visited(r, r.id_of(NodeRef{"Person", fmt::format("p{}", s % m.persons)}).value());
  };
  // hop2's two parts, for telling where its time goes: the person's id by key (the `keys`
  // index), and the walk from the id (the person among the ids read before the timing).
  questions["id_of"] = [&](const Reader& r, std::uint64_t s) {
    return static_cast<std::size_t>(r.id_of(NodeRef{"Person", fmt::format("p{}", s % m.persons)}).value_or(0) != 0);
  };
  questions["hop2_walk"] = [&](const Reader& r, std::uint64_t s) { return visited(r, person_ids[s % person_ids.size()]); };
  // 3 hops, on a date: the treaties of a state's treaty partners
  // (State -PARTY_TO-> Treaty <-PARTY_TO- State -PARTY_TO-> Treaty).
  questions["hop3"] = [&](const Reader& r, std::uint64_t s) {
    auto st = r.node(NodeRef{"State", fmt::format("S{:03}", s % 200)});
    std::set<NodeId> partners, treaties;
    NeighborQuery out{{"PARTY_TO"}, Direction::kOut, on, {"Treaty"}}, in{{"PARTY_TO"}, Direction::kIn, on};
    r.adjacent(st->id, out, [&](const Reader::Step& t) {
      if (t.node_type != "Treaty") return true;
      r.adjacent(t.node, in, [&](const Reader::Step& o) {
        if (o.node != st->id) partners.insert(o.node);
        return true;
      });
      return true;
    });
    for (NodeId p : partners) {
      r.adjacent(p, out, [&](const Reader::Step& t) {
        if (t.node_type == "Treaty") treaties.insert(t.node);
        return true;
      });
    }
    return treaties.size();
  };
  // The same 2-hop question in the query language (docs/query.md).
  questions["query_2hop"] = [&](const Reader& r, std::uint64_t s) {
    Params params{{"k", Value(fmt::format("p{}", s % m.persons))}};
    return query(r, "MATCH (p:Person {key: $k})<-[:VISITOR]-(v:Visit)-[:HOST]->(s:State) RETURN DISTINCT s.key",
                 params)
        .rows.size();
  };
  // The four kinds of question of the side-by-side comparison with Kuzu and DuckDB, in the
  // query language, on the date (bench/kuzu/bench.mjs asks the same).
  const std::string on_text = " AT DATE date('2000-01-01')";
  questions["q_1hop"] = [&](const Reader& r, std::uint64_t s) {
    Params params{{"k", Value(fmt::format("S{:03}", s % 200))}};
    return query(r, "MATCH (s:State {key: $k})-[:PARTY_TO]->(t:Treaty) RETURN t.key" + on_text, params).rows.size();
  };
  questions["q_2hop"] = [&](const Reader& r, std::uint64_t s) {
    Params params{{"k", Value(fmt::format("S{:03}", s % 200))}};
    return query(r,
                 "MATCH (s:State {key: $k})-[:PARTY_TO]->(:Treaty)<-[:PARTY_TO]-(o:State) RETURN DISTINCT o.key" +
                     on_text,
                 params)
        .rows.size();
  };
  questions["q_reach4"] = [&](const Reader& r, std::uint64_t s) {
    Params params{{"k", Value(fmt::format("S{:03}", s % 200))}};
    auto res = query(r, "MATCH (a:State {key: $k})-[:PARTY_TO*1..4]-(b) RETURN count(DISTINCT b)" + on_text, params);
    return static_cast<std::size_t>(res.rows.at(0).at(0).as_int());
  };
  questions["q_shortest_path"] = [&](const Reader& r, std::uint64_t s) {
    Params params{{"a", Value(fmt::format("S{:03}", s % 200))}, {"b", Value(fmt::format("S{:03}", (s * 7 + 13) % 200))}};
    return query(r,
                 "MATCH (a:State {key: $a}), (b:State {key: $b}), p = shortestPath((a)-[:PARTY_TO*..8]-(b)) "
                 "RETURN length(p)" +
                     on_text,
                 params)
        .rows.size();
  };
  questions["shortest_path"] = [&](const Reader& r, std::uint64_t s) {
    return shortest_path(r, state_key(s), state_key(s * 7 + 13), {"PARTY_TO"}, on).size();
  };
  questions["blocs"] = [&](const Reader& r, std::uint64_t) { return blocs(r, on).size(); };

  Json out = Json::object();
  // Warm: a long-running process, whose database keeps its topology in memory from the
  // start. Cold: a database just opened (as a command's), which builds it only for a
  // traversal that walks far.
  Options warm_options = ro;
  warm_options.topology = TopologyMode::kAtOpen;
  std::unique_ptr<Database> db;
  // Each question gets `samples` warm samples, or as many as fit in kWarmBudget seconds
  // (at least 3), after a warm-up of up to 50 runs or 2 s; and `cold_samples` cold ones, or
  // as many as fit in kColdBudget seconds (at least 1).
  constexpr double kWarmBudget = 8, kColdBudget = 8;
  for (auto& [name, q] : questions) {
    if (!only.empty() && !only.count(name)) continue;
    Latency warm, cold;
    {
      db.reset();
      db = Database::open(db_path, warm_options);
      // --as-of: the questions read as of that commit (record time), for comparing with the
      // present's figures on the same database.
      auto snap = as_of.empty() ? db->snapshot() : db->snapshot_as_of(db->commit_as_of(as_of));
      auto t0 = Clock::now();
      for (int i = 0; i < 50 && seconds_since(t0) < 2; ++i) q(*snap, 1000003ULL * i);  // warm-up
      t0 = Clock::now();
      for (int i = 0; i < samples && (i < 3 || seconds_since(t0) < kWarmBudget); ++i) {
        auto t = Clock::now();
        q(*snap, 7919ULL * i + 11);
        warm.us.push_back(seconds_since(t) * 1e6);
      }
    }
    auto c0 = Clock::now();
    for (int i = 0; i < cold_samples && (i < 1 || seconds_since(c0) < kColdBudget); ++i) {
      db.reset();
      db = Database::open(db_path, ro);  // a new block cache: nothing of the database in it
      auto snap = as_of.empty() ? db->snapshot() : db->snapshot_as_of(db->commit_as_of(as_of));
      auto t = Clock::now();
      q(*snap, 104729ULL * i + 5);
      cold.us.push_back(seconds_since(t) * 1e6);
    }
    out[name] = {{"warm", warm.json()}, {"cold", cold.json()}};
  }

  // The in-memory topology: built by the first traversal of a database just opened.
  {
    db.reset();
    db = Database::open(db_path, ro);
    auto snap = db->snapshot();
    auto t = Clock::now();
    snap->load_topology();
    double build = seconds_since(t);
    auto stats = snap->stats();
    out["topology"] = {{"arcs", stats.topology_arcs},
                       {"bytes", stats.topology_bytes},
                       {"bytes_per_arc", static_cast<double>(stats.topology_bytes) / std::max<double>(1, static_cast<double>(stats.topology_arcs))},
                       {"seconds", build},
                       {"arcs_per_s", static_cast<double>(stats.topology_arcs) / build}};
  }

  // Projection: every node and edge, symmetric; then BFS on it and on a plain CSR graph.
  {
    auto snap = db->snapshot();
    auto t = Clock::now();
    auto p = Projection::build(*snap, {});
    double build = seconds_since(t);
    std::uint64_t stored_edges = p.arcs() / 2;
    out["projection"] = {{"vertices", p.size()},
                         {"arcs", p.arcs()},
                         {"edges", stored_edges},
                         {"seconds", build},
                         {"edges_per_s", static_cast<double>(stored_edges) / build}};
    using Plain = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                     boost::no_property, std::uint32_t, std::uint32_t>;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
    edges.reserve(p.arcs());
    for (auto [ei, ee] = boost::edges(p.graph()); ei != ee; ++ei) {
      edges.emplace_back(boost::source(*ei, p.graph()), boost::target(*ei, p.graph()));
    }
    Plain plain(boost::edges_are_sorted, edges.begin(), edges.end(), p.size());
    auto bfs = [&](const auto& g, std::uint32_t start) {
      std::vector<double> times;
      std::size_t reached = 0;
      for (int i = 0; i < 15; ++i) {  // the median of 15: one search takes well under a millisecond at 10^5
        using boost::num_vertices;  // and entente::num_vertices, by argument-dependent lookup
        std::vector<boost::default_color_type> color(num_vertices(g));
        std::size_t count = 0;
        Counter vis;
        vis.n = &count;
        auto t0 = Clock::now();
        boost::breadth_first_search(g, start, boost::visitor(vis).color_map(color.data()));
        times.push_back(seconds_since(t0));
        reached = count;
      }
      std::sort(times.begin(), times.end());
      return std::make_pair(times[times.size() / 2], reached);
    };
    if (p.size() > 0) {
      auto [tp, rp] = bfs(p.graph(), 0);
      auto [tc, rc] = bfs(plain, 0);
      out["bfs"] = {{"projection_seconds", tp}, {"csr_seconds", tc}, {"ratio", tp / tc}, {"reached", rp},
                    {"reached_csr", rc}};

      // The view over the topology (GraphView: no copy), from the same node, against a
      // plain CSR of the view's own arcs with the same vertex numbering (node ids).
      auto t1 = Clock::now();
      auto view = GraphView::of(*snap, {});
      double view_build = seconds_since(t1);
      std::vector<std::pair<std::uint32_t, std::uint32_t>> view_edges;
      view_edges.reserve(p.arcs());
      for (auto v : boost::make_iterator_range(vertices(view))) {
        for (auto e : boost::make_iterator_range(out_edges(v, view))) view_edges.emplace_back(v, target(e, view));
      }
      Plain by_id(boost::edges_are_sorted, view_edges.begin(), view_edges.end(), view.id_bound());
      const auto start = static_cast<std::uint32_t>(p.node(0));
      auto [tv, rv] = bfs(view, start);
      auto [tvc, rvc] = bfs(by_id, start);
      out["bfs"]["view_seconds"] = tv;
      out["bfs"]["view_csr_seconds"] = tvc;
      out["bfs"]["view_ratio"] = tv / tvc;
      out["bfs"]["view_reached"] = rv;
      out["bfs"]["view_reached_csr"] = rvc;
      out["bfs"]["view_build_seconds"] = view_build;
    }
  }
  fmt::print("{}\n", out.dump());
  return 0;
}

int usage() {
  fmt::print(stderr,
             "usage: entente-bench floor --like DB --dir TMP\n"
             "       entente-bench queries --db DB --manifest MANIFEST [--samples N] [--cold N] [--only Q1,Q2] [--as-of #N]\n"
             "       entente-bench history-size --db DB\n"
             "       entente-bench topology --db DB [--runs N]\n");
  return 2;
}

}  // namespace

// Builds the in-memory topology of a database `runs` times, each from a database just
// opened (for profiling the build alone: ENTENTE_TOPOLOGY_TRACE=1 prints its phases).
int run_topology(const std::filesystem::path& db_path, int runs) {
  using namespace entente;
  Options ro;
  ro.read_only = true;
  ro.create_if_missing = false;
  Json all = Json::array();
  for (int i = 0; i < runs; ++i) {
    auto db = Database::open(db_path, ro);
    auto snap = db->snapshot();
    auto t = Clock::now();
    snap->load_topology();
    all.push_back(Json{{"seconds", seconds_since(t)}});
    if (i + 1 == runs && !std::getenv("ENTENTE_BENCH_NO_STATS")) {  // stats() counts the edge records: once, after the builds
      auto stats = snap->stats();
      for (auto& r : all) {
        r["arcs"] = stats.topology_arcs;
        r["bytes"] = stats.topology_bytes;
        r["arcs_per_s"] = static_cast<double>(stats.topology_arcs) / r["seconds"].get<double>();
      }
    }
  }
  fmt::print("{}\n", all.dump());
  return 0;
}

// ------------------------------------------------------------------ history size

// Record time's storage (docs/history.md): the bytes the history family's kept versions
// take on disk, against what the replaced records would take there, compressed as the
// current records are (their disk bytes over their raw bytes). Read with RocksDB directly,
// read-only, from a database closed by its writer (its memtables flushed into tables).
int run_history_size(const std::filesystem::path& db_path) {
  rocksdb::DBOptions o;
  std::vector<std::string> names;
  check(rocksdb::DB::ListColumnFamilies(o, db_path.string(), &names), "listing column families");
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  check(rocksdb::DB::OpenForReadOnly(o, db_path.string(), cfs, &handles, &raw), "opening read-only");
  std::unique_ptr<rocksdb::DB> db(raw);
  auto handle = [&](const std::string& name) -> rocksdb::ColumnFamilyHandle* {
    for (auto* h : handles) {
      if (h->GetName() == name) return h;
    }
    die(fmt::format("no column family {}", name));
  };
  auto disk = [&](const std::string& name) {
    rocksdb::ColumnFamilyMetaData m;
    db->GetColumnFamilyMetaData(handle(name), &m);
    return static_cast<double>(m.size);
  };
  auto raw_bytes = [&](const std::string& name, const std::function<bool(const rocksdb::Slice&)>& keep) {
    double bytes = 0, entries = 0;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handle(name)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (!keep(it->key())) continue;
      bytes += static_cast<double>(it->key().size() + it->value().size());
      entries += 1;
    }
    check(it->status(), "reading");
    return std::make_pair(bytes, entries);
  };
  auto all = [](const rocksdb::Slice&) { return true; };
  auto [record_raw, records] = raw_bytes("nodes", all);
  auto [edge_raw, edges] = raw_bytes("edges", all);
  const double record_disk = disk("nodes") + disk("edges");
  const double compression = record_disk / std::max(1.0, record_raw + edge_raw);
  double replaced_raw = 0, versions = 0, history_raw = 0, versions_raw = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handle("history")));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      history_raw += static_cast<double>(it->key().size() + it->value().size());
      const char kind = it->key().size() > 0 ? it->key()[0] : 0;
      if (kind != 'n' && kind != 'e') continue;  // the log, removed keys, former names
      versions_raw += static_cast<double>(it->key().size() + it->value().size());
      replaced_raw += static_cast<double>(8 + it->value().size());  // as stored in nodes/edges: an 8-byte id key
      versions += 1;
    }
    check(it->status(), "reading");
  }
  const double history_disk = disk("history");
  // The versions' share of the family's disk bytes, by their share of its raw bytes.
  const double versions_disk = history_raw > 0 ? history_disk * versions_raw / history_raw : 0;
  Json out = {{"records", records + edges},
              {"versions", versions},
              {"history_disk_bytes", history_disk},
              {"replaced_raw_bytes", replaced_raw},
              {"records_compression", compression},
              {"replaced_disk_bytes_estimate", replaced_raw * compression},
              {"versions_disk_bytes_estimate", versions_disk},
              {"ratio", versions > 0 ? history_disk / (replaced_raw * compression) : 0.0},
              {"versions_ratio", versions > 0 ? versions_disk / (replaced_raw * compression) : 0.0}};
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  fmt::print("{}\n", out.dump());
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string cmd = argv[1];
  std::map<std::string, std::string> args;
  for (int i = 2; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  try {
    if (cmd == "floor") {
      if (!args.count("--like") || !args.count("--dir")) return usage();
      return run_floor(args["--like"], args["--dir"]);
    }
    if (cmd == "history-size") {
      if (!args.count("--db")) return usage();
      return run_history_size(args["--db"]);
    }
    if (cmd == "topology") {
      if (!args.count("--db")) return usage();
      return run_topology(args["--db"], args.count("--runs") ? std::stoi(args["--runs"]) : 5);
    }
    if (cmd == "queries") {
      if (!args.count("--db") || !args.count("--manifest")) return usage();
      std::ifstream in(args["--manifest"]);
      auto j = Json::parse(in);
      Manifest m;
      m.persons = j["nodes"]["Person"].get<std::uint64_t>();
      m.events = j["nodes"]["Event"].get<std::uint64_t>();
      m.treaties = j["nodes"]["Treaty"].get<std::uint64_t>();
      int samples = args.count("--samples") ? std::stoi(args["--samples"]) : 1000;
      int cold = args.count("--cold") ? std::stoi(args["--cold"]) : 10;
      std::set<std::string> only;  // --only q_1hop,q_2hop: those questions alone (for profiling)
      if (args.count("--only")) {
        std::string list = args["--only"];
        for (std::size_t at = 0; at <= list.size();) {
          auto comma = std::min(list.find(',', at), list.size());
          only.insert(list.substr(at, comma - at));
          at = comma + 1;
        }
      }
      return run_queries(args["--db"], m, samples, cold, only, args.count("--as-of") ? args["--as-of"] : std::string());
    }
  } catch (const std::exception& e) {
    die(e.what());
  }
  return usage();
}
