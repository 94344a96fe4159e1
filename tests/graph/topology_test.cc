// The in-memory topology answers every adjacency read exactly as the adjacency index does:
// two databases receive the same random writes, one with Options::topology and one without,
// and their answers are compared after every commit, through old snapshots as well, across
// overlays and merges.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <tuple>

#include "entente/entente.h"
#include "graph/state.h"
#include "graph/topology.h"
#include "test_util.h"

using namespace entente;

namespace {

using Answer = std::vector<std::tuple<EdgeId, NodeId, std::string, std::string, int>>;

// The steps of a walk that stops after `limit` of them (the visitor returns false on the
// last): a read that checks the other ends' validity a batch at a time must still stop
// where the visitor asked, with the same steps.
Answer adjacent(const Reader& r, NodeId id, const NeighborQuery& q, std::size_t limit = SIZE_MAX) {
  Answer out;
  r.adjacent(id, q, [&](const Reader::Step& s) {
    out.emplace_back(s.edge, s.node, s.edge_type, s.node_type, static_cast<int>(s.direction));
    return out.size() < limit;
  });
  return out;
}

std::optional<Interval> some_interval(std::mt19937& rng) {
  switch (rng() % 4) {
    case 0: return std::nullopt;
    case 1: return Interval{Date::parse(std::to_string(1950 + rng() % 60)), std::nullopt};
    case 2: {
      int y = 1950 + static_cast<int>(rng() % 60);
      return Interval{Date::parse(fmt::format("{}-{:02}", y, 1 + rng() % 12)), Date::parse(std::to_string(y + 1 + rng() % 20))};
    }
    default: return Interval{std::nullopt, Date::parse(std::to_string(1960 + rng() % 60))};
  }
}

// The same random writes, applied to several databases.
struct Writer {
  std::mt19937 rng;
  std::vector<NodeRef> nodes;  // written, and perhaps removed since
  explicit Writer(unsigned seed) : rng(seed) {}

  NodeRef some_node(const std::vector<std::string>& types) {
    for (int tries = 0; tries < 100; ++tries) {
      const auto& n = nodes[rng() % nodes.size()];
      if (std::find(types.begin(), types.end(), n.type) != types.end()) return n;
    }
    return {types.front(), "missing"};
  }

  // One transaction of `ops` writes, the same in every database.
  void round(const std::vector<Database*>& dbs, int ops) {
    std::vector<std::unique_ptr<Transaction>> txns;
    for (auto* db : dbs) txns.push_back(db->begin());
    for (int i = 0; i < ops; ++i) {
      const unsigned what = nodes.size() < 20 ? 0 : rng() % 10;
      if (what <= 1) {  // a node, new or replaced
        static const char* kTypes[] = {"State", "Treaty", "Organization"};
        NodeInput n;
        n.type = kTypes[rng() % 3];
        n.key = fmt::format("k{}", rng() % 400);
        n.name = n.key;
        n.valid = some_interval(rng);
        // A gap of the 1970s, where it falls strictly inside the validity: the topology
        // must skip the node there as the index does.
        if (n.valid && rng() % 2 == 0) {
          const Interval gap{Date::parse("1970"), Date::parse("1980")};
          if ((!n.valid->from || before(*n.valid->from, *gap.from)) && (!n.valid->to || before(*gap.to, *n.valid->to))) {
            n.gaps = {gap};
          }
        }
        nodes.push_back({n.type, n.key});
        for (auto& t : txns) t->put_node(n);
      } else if (what <= 7) {  // an edge, new or replaced
        static const char* kEdges[] = {"PARTY_TO", "TRADE", "SUCCEEDS"};
        EdgeInput e;
        e.type = kEdges[rng() % 3];
        if (e.type == "PARTY_TO") {
          e.from = some_node({"State", "Organization"});
          e.to = some_node({"Treaty"});
        } else if (e.type == "TRADE") {
          e.from = some_node({"State", "Organization"});
          e.to = some_node({"State", "Organization"});
        } else {
          e.from = some_node({"State"});
          e.to = rng() % 4 == 0 ? e.from : some_node({"State"});  // self-loops too
        }
        e.valid = rng() % 3 == 0 ? std::optional<Interval>() : Interval{Date::parse(std::to_string(1950 + rng() % 5)), some_interval(rng) ? std::optional<Date>(Date::parse(std::to_string(1990 + rng() % 30))) : std::nullopt};
        for (auto& t : txns) {
          try {
            t->put_edge(e);
          } catch (const Error&) {  // an end that was removed: refused alike everywhere
          }
        }
      } else if (what == 8) {  // an edge removed
        const EdgeId id = 1 + rng() % 3000;
        for (auto& t : txns) t->remove_edge(id);
      } else {  // a node removed, or a savepoint rolled back
        if (rng() % 2 == 0) {
          NodeRef ref = nodes[rng() % nodes.size()];
          for (auto& t : txns) t->remove_node(ref);
        } else {
          for (auto& t : txns) t->savepoint();
          NodeInput n{.type = "State", .key = fmt::format("gone{}", rng() % 50), .name = "gone"};
          for (auto& t : txns) {
            NodeId id = t->put_node(n);
            (void)id;
            t->put_edge({.type = "SUCCEEDS", .from = {"State", n.key}, .to = {"State", n.key}});
            t->rollback_to_savepoint();
          }
        }
      }
    }
    for (auto& t : txns) t->commit();
  }
};

std::vector<NeighborQuery> queries() {
  std::vector<NeighborQuery> out{{}};
  for (auto dir : {Direction::kOut, Direction::kIn, Direction::kBoth}) {
    for (const char* at : {"", "1955", "1975-06-01", "2010-12-31"}) {
      std::optional<Date> d = *at ? std::optional<Date>(Date::parse(at)) : std::nullopt;
      out.push_back({{}, dir, d, {}});
      out.push_back({{"PARTY_TO"}, dir, d, {}});
      out.push_back({{"TRADE", "SUCCEEDS"}, dir, d, {"State"}});
      out.push_back({{"TRADE"}, dir, d, {"Organization", "State"}});
      out.push_back({{}, dir, d, {"Treaty"}});
    }
  }
  return out;
}

// Every answer of `a` equals `b`'s, for every node id up to `ids`.
void same_answers(const Reader& a, const Reader& b, NodeId ids) {
  static const auto qs = queries();
  std::size_t compared = 0;
  for (NodeId id = 1; id <= ids; ++id) {
    for (const auto& q : qs) {
      auto x = adjacent(a, id, q), y = adjacent(b, id, q);
      INFO("node " << id << ", query #" << (&q - qs.data()));
      REQUIRE(x == y);
      compared += x.size();
      for (std::size_t limit : {1, 5, 17}) {
        if (x.size() <= limit) break;
        auto xs = adjacent(a, id, q, limit);
        REQUIRE(xs.size() == limit);
        REQUIRE(xs == adjacent(b, id, q, limit));
        REQUIRE(std::equal(xs.begin(), xs.end(), x.begin()));
      }
    }
    auto n1 = a.neighbors(id, {{"TRADE"}, Direction::kBoth, Date::parse("1990")});
    auto n2 = b.neighbors(id, {{"TRADE"}, Direction::kBoth, Date::parse("1990")});
    REQUIRE(n1.size() == n2.size());
    for (std::size_t i = 0; i < n1.size(); ++i) {
      CHECK(n1[i].edge.id == n2[i].edge.id);
      CHECK(n1[i].edge.from_ref == n2[i].edge.from_ref);
      CHECK(n1[i].edge.to_ref == n2[i].edge.to_ref);
      CHECK(n1[i].node.ref() == n2[i].node.ref());
    }
  }
  CHECK(compared > 0);
}

}  // namespace

TEST_CASE("the topology answers every adjacency read as the index does, across commits, overlays and merges",
          "[topology]") {
  // A small merge floor, so that a few hundred writes go through overlays and merges.
  graph::Topology::set_merge_floor(200);
  test::TempDir dir;
  Options with, without;
  without.topology = TopologyMode::kOff;
  auto a = Database::open(dir / "with", with);
  auto b = Database::open(dir / "without", without);
  Writer w(42);
  w.round({a.get(), b.get()}, 60);
  std::vector<std::pair<std::unique_ptr<Snapshot>, std::unique_ptr<Snapshot>>> old;
  for (int round = 0; round < 12; ++round) {
    auto sa = a->snapshot(), sb = b->snapshot();
    if (round % 2 == 0) {
      // Half the rounds read the topology carried forward from the first one's build; the
      // others first read the index (nothing built for the new commit yet), then memory.
      same_answers(*sa, *sb, 420);
    }
    REQUIRE(sa->load_topology());
    CHECK_FALSE(sb->load_topology());
    same_answers(*sa, *sb, 420);
    auto stats = sa->stats();
    std::uint64_t edges = 0;
    for (const auto& [type, n] : stats.edges) edges += n;
    CHECK(stats.topology_arcs == 2 * edges);
    CHECK(stats.topology_bytes > 0);
    CHECK(sb->stats().topology_arcs == 0);
    old.emplace_back(std::move(sa), std::move(sb));
    w.round({a.get(), b.get()}, round % 4 == 3 ? 150 : 12);
  }
  // A snapshot keeps the topology of its own commit.
  for (auto& [sa, sb] : old) same_answers(*sa, *sb, 420);
  old.clear();
  // Built anew from the store: most nodes were written by several commits, so the build
  // merges their runs (format 5), removals included.
  a.reset();
  a = Database::open(dir / "with", with);
  auto sa = a->snapshot(), sb = b->snapshot();
  REQUIRE(sa->load_topology());
  same_answers(*sa, *sb, 420);
  // The build's chunks write their arcs in place, each in its stretch of the arrays, and
  // past it into arrays of their own; the join moves them down, or copies them when a
  // chunk outgrew its room before a later one was moved. Every shape gives the same graph.
  const auto arcs = sa->stats().topology_arcs;
  sa.reset();
  for (auto [chunks, capacity] : {std::pair<std::uint64_t, std::uint64_t>{7, 0}, {7, 1}, {7, 40}, {3, 500}, {1, 2}, {64, 0}}) {
    INFO("chunks " << chunks << ", room " << capacity);
    graph::Topology::set_build_shape({chunks, capacity});
    a.reset();
    a = Database::open(dir / "with", with);
    auto s = a->snapshot();
    REQUIRE(s->load_topology());
    CHECK(s->stats().topology_arcs == arcs);
    same_answers(*s, *sb, 420);
  }
  graph::Topology::set_build_shape({});
  graph::Topology::set_merge_floor(0);
}

TEST_CASE("a bulk import or a repair drops the topology, and the next snapshot sees the new graph", "[topology]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  auto before = db->snapshot();
  CHECK(adjacent(*before, 1, {}).empty());  // builds the (empty) topology
  test::write_file(dir / "data.jsonl", test::kSmallData);
  import_bulk(*db, {dir / "data.jsonl"});
  auto after = db->snapshot();
  const NodeId prk = after->resolve("State:PRK").id;
  const auto n = adjacent(*after, prk, {}).size();
  CHECK(n > 0);
  CHECK(after->stats().topology_arcs > 0);
  CHECK(adjacent(*before, prk, {}).empty());  // the old snapshot keeps its own
  before.reset();
  after.reset();
  db->repair();
  CHECK(adjacent(*db->snapshot(), prk, {}).size() == n);
}

// A transaction that begins with no topology in the database keeps a small delta only,
// for its own traversals, and lets it go past that: a large import into a database that
// nothing has traversed does not fill one for nothing. A topology a reader builds while
// the transaction runs (from a view before its commit) is dropped by the commit; the next
// snapshot builds one that holds the transaction's writes.
TEST_CASE("a transaction that began with no topology lets its delta go, and its commit drops one built meanwhile",
          "[topology]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  test::write_file(dir / "data.jsonl", test::kSmallData);
  import_files(*db, {dir / "data.jsonl"});  // nothing traversed: no topology
  const NodeId prk = db->snapshot()->resolve("State:PRK").id;
  const NeighborQuery holders{{"HOLDS_OFFICE"}, Direction::kIn, std::nullopt};
  const std::size_t before = adjacent(*db->snapshot(), prk, holders).size();

  constexpr int kPersons = 25000;  // past WriteState::kUnusedTopologyBytes of delta
  auto txn = db->begin();
  for (int i = 0; i < kPersons; ++i) test::put_office_holder(*txn, fmt::format("t{}", i), "PRK");
  CHECK(graph::Internals::context(*txn).write->topology_dropped);
  // The transaction's own traversal sees its writes all the same.
  CHECK(adjacent(*txn, prk, holders).size() == before + kPersons);
  // A reader builds the topology from the view before the commit, and shares it.
  auto old = db->snapshot();
  CHECK(adjacent(*old, prk, holders).size() == before);
  CHECK(old->stats().topology_arcs > 0);
  txn->commit();
  CHECK(adjacent(*db->snapshot(), prk, holders).size() == before + kPersons);
  CHECK(adjacent(*old, prk, holders).size() == before);
}
