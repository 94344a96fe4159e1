// Database::check finds each broken invariant (docs/format.md, "Invariants") and names the
// record it concerns; Database::repair rebuilds every derived index and leaves damaged
// records reported. The damage is done through the storage layer, on a closed database.
#include <catch2/catch.hpp>

#include <algorithm>

#include <fmt/format.h>

#include "common/coding.h"
#include "common/text.h"
#include "entente/entente.h"
#include "storage/adj_run.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "test_util.h"

using namespace entente;
using storage::Cf;

namespace {

// A database holding test::kSmallData, closed between steps so that the storage layer can
// open it directly.
struct Damaged {
  test::TempDir dir;
  std::filesystem::path db = dir / "db";
  std::string dump;

  Damaged() {
    auto d = Database::open(db);
    test::load(*d, test::kSmallData);
    dump = test::dump_of(*d);
  }
  std::unique_ptr<Database> open(bool read_only = false) const {
    Options o;
    o.create_if_missing = false;
    o.read_only = read_only;
    return Database::open(db, o);
  }
  NodeId node(const char* ref) const { return open(true)->snapshot()->resolve(ref).id; }
  // The id of the (only) edge of the type leaving `from`.
  EdgeId edge(const char* from, const char* type) const {
    auto db = open(true);
    auto snap = db->snapshot();
    auto out = snap->neighbors(snap->resolve(from).id, {.edge_types = {type}, .direction = Direction::kOut});
    REQUIRE(out.size() == 1);
    return out[0].edge.id;
  }
  // Runs f on a write batch of the raw store, then commits it.
  template <typename F>
  void damage(F&& f) const {
    auto store = storage::Store::open(db, {.create_if_missing = false});
    auto batch = store->batch();
    f(*batch);
    store->commit(*batch);
  }
  CheckReport check() const { return open(true)->check(); }
};

std::string u64(std::uint64_t v) {
  std::string out;
  coding::put_u64(out, v);
  return out;
}

// Node `node`'s run keys, and its adjacency (its runs merged, docs/format.md "Format 5").
keys::NodeRuns merged_runs(const storage::View& view, NodeId node, std::vector<std::string>* ks = nullptr) {
  keys::RunMerger m(node);
  view.scan(Cf::kAdj, keys::id(node), [&](std::string_view k, std::string_view v) {
    if (ks) ks->emplace_back(k);
    m.add(v);
    return true;
  });
  return m.finish();
}

// Node `node`'s adjacency changed by `edit`, and stored back as one run in place of its
// runs: damage that no write would leave.
void edit_runs(storage::Store::Batch& b, NodeId node, const std::function<void(keys::NodeRuns&)>& edit) {
  std::vector<std::string> ks;
  auto runs = merged_runs(b, node, &ks);
  edit(runs);
  for (const auto& k : ks) b.del(Cf::kAdj, k);
  keys::RunWriter w;
  if (runs.has_head) w.head(runs.head);
  std::sort(runs.arcs.begin(), runs.arcs.end(), keys::adjacency_less);
  for (const auto& a : runs.arcs) w.arc(a);
  b.put(Cf::kAdj, keys::run_key({node, 0, 0}), w.bytes());
}

// The arc of edge `edge` at node `node`, in direction `dir`.
keys::RunArc arc_of(storage::Store::Batch& b, NodeId node, EdgeId edge, std::uint8_t dir) {
  std::optional<keys::RunArc> found;
  for (const auto& a : merged_runs(b, node).arcs) {
    if (a.edge == edge && a.dir == dir) found = a;
  }
  REQUIRE(found);
  return *found;
}

// Removes the arcs of edge `edge` at node `node`.
void drop_arcs(storage::Store::Batch& b, NodeId node, EdgeId edge) {
  edit_runs(b, node, [&](keys::NodeRuns& runs) {
    std::erase_if(runs.arcs, [&](const keys::RunArc& a) { return a.edge == edge; });
  });
}

std::string describe(const CheckReport& r) {
  std::string out;
  for (const auto& p : r.problems) out += p.where + ": " + p.reason + "\n";
  return out;
}

// The problem whose `where` contains `where` and whose reason contains `reason`, if any.
bool has_problem(const CheckReport& r, const std::string& where, const std::string& reason) {
  return std::any_of(r.problems.begin(), r.problems.end(), [&](const Problem& p) {
    return p.where.find(where) != std::string::npos && p.reason.find(reason) != std::string::npos;
  });
}

// A problem with a derived index or a counter: what repair() must leave none of. (An index
// entry that leads to a damaged record is reported with the damage: that is the record's
// problem, and repair keeps such entries on purpose.)
bool is_index_problem(const Problem& p) {
  if (p.reason.find("the record is damaged") != std::string::npos) return false;
  for (const char* s : {"adjacency", "key index", "name index", "meta next_"}) {
    if (p.where.find(s) != std::string::npos || p.reason.find(s) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("check: a clean database checks clean and counts what it read", "[reliability][check]") {
  Damaged d;
  auto r = d.check();
  INFO(describe(r));
  CHECK(r.clean());
  CHECK(r.more_problems == 0);
  CHECK(r.nodes == 8);
  CHECK(r.edges == 9);
  CHECK(r.adjacency == 18);
  CHECK(r.keys == 8);
  CHECK(r.names == 12);  // brief 1, PRK 3, CHN 2, RUS 2, four treaties 1 each
}

TEST_CASE("check: a new empty database and the bundled dataset check clean", "[reliability][check]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  auto r = db->check();
  CHECK(r.clean());
  CHECK(r.nodes == 0);
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(ENTENTE_DATA_DIR)) {
    if (e.path().extension() == ".jsonl") files.push_back(e.path());
  }
  import_files(*db, files);
  r = db->check();
  INFO(describe(r));
  CHECK(r.clean());
  CHECK(r.nodes > 50);
  CHECK(r.adjacency == 2 * r.edges);
}

TEST_CASE("check: a missing outgoing adjacency entry is reported with its edge", "[reliability][check]") {
  Damaged d;
  EdgeId e = d.edge("State:RUS", "PARTNERSHIP");
  NodeId rus = d.node("State:RUS");
  d.damage([&](storage::Store::Batch& b) { drop_arcs(b, rus, e); });
  auto r = d.check();
  INFO(describe(r));
  CHECK(r.problems.size() == 1);
  CHECK(has_problem(r, fmt::format("edge record {} (PARTNERSHIP State:RUS -> State:PRK)", e),
                    "outgoing adjacency entry is missing"));
  auto after = d.open()->repair();
  INFO(describe(after));
  CHECK(after.clean());
  CHECK(test::dump_of(*d.open(true)) == d.dump);
}

TEST_CASE("check: a stray adjacency entry is reported with its node and edge", "[reliability][check]") {
  Damaged d;
  NodeId prk = d.node("State:PRK"), chn = d.node("State:CHN");
  EdgeId real = d.edge("State:RUS", "PARTNERSHIP");
  NodeId rus = d.node("State:RUS");
  d.damage([&](storage::Store::Batch& b) {
    auto a = arc_of(b, rus, real, keys::kOut);  // RUS -> PRK: both ends are States
    auto stray = a;
    stray.other = chn;
    stray.edge = 999;  // no edge 999
    edit_runs(b, prk, [&](keys::NodeRuns& runs) { runs.arcs.push_back(stray); });
    auto wrong = a;
    wrong.other = prk;  // wrong ends
    edit_runs(b, chn, [&](keys::NodeRuns& runs) { runs.arcs.push_back(wrong); });
  });
  auto r = d.check();
  INFO(describe(r));
  CHECK(r.problems.size() == 2);
  CHECK(has_problem(r, fmt::format("adjacency entry of node {} for edge 999", prk), "the edge does not exist"));
  CHECK(has_problem(r, fmt::format("adjacency entry of node {} for edge {}", chn, real),
                    "does not match the edge's type and ends"));
  auto after = d.open()->repair();
  INFO(describe(after));
  CHECK(after.clean());
  CHECK(after.adjacency == 18);
  CHECK(test::dump_of(*d.open(true)) == d.dump);
}

TEST_CASE("check: an adjacency entry giving the other node a wrong type is reported and repaired",
          "[reliability][check]") {
  Damaged d;
  NodeId rus = d.node("State:RUS");
  EdgeId e = d.edge("State:RUS", "PARTNERSHIP");
  std::uint32_t state = 0;
  d.damage([&](storage::Store::Batch& b) {
    edit_runs(b, rus, [&](keys::NodeRuns& runs) {
      for (auto& a : runs.arcs) {
        if (a.edge != e || a.dir != keys::kOut) continue;
        state = a.other_tag;
        a.other_tag = state + 1;  // not the State tag
      }
    });
  });
  REQUIRE(state != 0);
  auto r = d.check();
  INFO(describe(r));
  CHECK(r.problems.size() == 2);
  CHECK(has_problem(r, fmt::format("adjacency entry of node {} for edge {}", rus, e),
                    fmt::format("the type tag {}, but the node's type tag is {}", state + 1, state)));
  CHECK(has_problem(r, fmt::format("edge record {} (PARTNERSHIP State:RUS -> State:PRK)", e),
                    "outgoing adjacency entry is missing"));
  auto after = d.open()->repair();
  INFO(describe(after));
  CHECK(after.clean());
  CHECK(test::dump_of(*d.open(true)) == d.dump);
}

TEST_CASE("check: a missing key index entry is reported with its node", "[reliability][check]") {
  Damaged d;
  NodeId chn = d.node("State:CHN");
  d.damage([&](storage::Store::Batch& b) {
    std::string doomed;
    b.scan(Cf::kKeys, "", [&](std::string_view k, std::string_view v) {
      if (keys::decode_id(v) == chn) doomed = k;
      return true;
    });
    REQUIRE_FALSE(doomed.empty());
    b.del(Cf::kKeys, doomed);
  });
  auto r = d.check();
  INFO(describe(r));
  CHECK(r.problems.size() == 1);
  CHECK(has_problem(r, fmt::format("node record {} (State:CHN)", chn), "the key index has no entry for it"));
  CHECK_FALSE(d.open(true)->snapshot()->node(NodeRef{"State", "CHN"}));  // the damage is real
  auto after = d.open()->repair();
  INFO(describe(after));
  CHECK(after.clean());
  CHECK(d.open(true)->snapshot()->node(NodeRef{"State", "CHN"}));
  CHECK(test::dump_of(*d.open(true)) == d.dump);
}

TEST_CASE("check: a name index entry naming a missing node is reported", "[reliability][check]") {
  Damaged d;
  d.damage([&](storage::Store::Batch& b) { b.put(Cf::kNames, keys::name(text::fold("Atlantis"), 999), ""); });
  auto r = d.check();
  INFO(describe(r));
  CHECK(r.problems.size() == 1);
  CHECK(has_problem(r, "name index entry 'atlantis'", "names node 999, which does not exist"));
  auto after = d.open()->repair();
  INFO(describe(after));
  CHECK(after.clean());
  CHECK(after.names == 12);
  CHECK(d.open(true)->snapshot()->find("Atlantis").empty());
}

TEST_CASE("check: a name index entry missing for an alias is reported with its node", "[reliability][check]") {
  Damaged d;
  NodeId prk = d.node("State:PRK");
  d.damage([&](storage::Store::Batch& b) { b.del(Cf::kNames, keys::name("dprk", prk)); });
  auto r = d.check();
  INFO(describe(r));
  CHECK(r.problems.size() == 1);
  CHECK(has_problem(r, fmt::format("node record {} (State:PRK)", prk), "the name index lacks 'dprk'"));
  CHECK(d.open()->repair().clean());
  CHECK(d.open(true)->snapshot()->find("DPRK").size() == 1);
}

TEST_CASE("check: id counters behind the largest ids are reported", "[reliability][check]") {
  Damaged d;
  d.damage([&](storage::Store::Batch& b) {
    b.put(Cf::kMeta, keys::kNextNodeId, u64(3));
    b.put(Cf::kMeta, keys::kNextEdgeId, u64(9));  // the largest edge id is 9: the counter must be 10
  });
  auto r = d.check();
  INFO(describe(r));
  CHECK(r.problems.size() == 2);
  CHECK(has_problem(r, "meta next_node_id", "is 3, not ahead of the largest node id 8"));
  CHECK(has_problem(r, "meta next_edge_id", "is 9, not ahead of the largest edge id 9"));
  auto after = d.open()->repair();
  INFO(describe(after));
  CHECK(after.clean());
  // New ids do not collide with existing ones.
  auto db = d.open();
  auto txn = db->begin();
  NodeId fresh = txn->put_node({.type = "State", .key = "NEW"});
  txn->commit();
  CHECK(fresh == 9);
  CHECK(db->check().clean());
}

TEST_CASE("check: an edge whose end node record is deleted is reported, repair keeps reporting it",
          "[reliability][check]") {
  Damaged d;
  NodeId treaty = d.node("Treaty:signed-only");
  EdgeId e = 0;
  {
    auto db = d.open(true);
    auto snap = db->snapshot();
    auto in = snap->neighbors(treaty, {.direction = Direction::kIn});
    REQUIRE(in.size() == 1);  // PRK -PARTY_TO-> signed-only
    e = in[0].edge.id;
  }
  d.damage([&](storage::Store::Batch& b) { b.del(Cf::kNodes, keys::id(treaty)); });
  auto r = d.check();
  INFO(describe(r));
  CHECK(has_problem(r, fmt::format("edge record {} (PARTY_TO)", e),
                    fmt::format("its to end, node {}, does not exist", treaty)));
  // The indexes still name the deleted node.
  CHECK(has_problem(r, "key index entry", fmt::format("names node {}, which does not exist", treaty)));
  CHECK(has_problem(r, "name index entry 'a treaty never in force'",
                    fmt::format("names node {}, which does not exist", treaty)));

  auto after = d.open()->repair();
  INFO("after repair:\n" << describe(after));
  CHECK_FALSE(after.clean());
  CHECK(has_problem(after, fmt::format("edge record {}", e), fmt::format("node {}, does not exist", treaty)));
  // The record counts (format 3) still say a Treaty was lost: repair cannot bring it back.
  CHECK(has_problem(after, "meta count.node.Treaty", "records have been lost"));
  for (const auto& p : after.problems) {
    INFO(p.where << ": " << p.reason);
    if (p.where.rfind("meta count.", 0) == 0) continue;
    CHECK_THAT(p.where, Catch::StartsWith(fmt::format("edge record {} ", e)));  // only the broken edge is left
  }
}

TEST_CASE("check: a damaged node record is reported, repair leaves it, and only it, reported", "[reliability][check]") {
  Damaged d;
  NodeId chn = d.node("State:CHN");
  d.damage([&](storage::Store::Batch& b) { b.put(Cf::kNodes, keys::id(chn), std::string(64, '\xa5')); });
  auto r = d.check();
  INFO(describe(r));
  CHECK(has_problem(r, fmt::format("node record {}", chn), "damaged"));

  auto after = d.open()->repair();
  INFO("after repair:\n" << describe(after));
  CHECK(has_problem(after, fmt::format("node record {}", chn), "damaged"));
  // Every derived-index problem is gone: the edges at the damaged node keep their adjacency,
  // and whatever is left concerns the damaged node.
  // A record that cannot be read is not counted as read: the counts name the loss.
  CHECK(has_problem(after, "meta count.node.State", "records have been lost"));
  for (const auto& p : after.problems) {
    INFO(p.where << ": " << p.reason);
    CHECK_FALSE(is_index_problem(p));
    if (p.where.rfind("meta count.", 0) == 0) continue;
    CHECK_THAT(p.where + " " + p.reason,
               Catch::Contains(fmt::format("node record {}", chn)) || Catch::Contains(fmt::format("node {},", chn)));
  }
}

TEST_CASE("check: an edge at a damaged node is reported as such, not as at a missing node", "[reliability][check]") {
  Damaged d;
  NodeId chn = d.node("State:CHN");
  EdgeId e = d.edge("State:CHN", "PARTY_TO");
  d.damage([&](storage::Store::Batch& b) { b.put(Cf::kNodes, keys::id(chn), std::string(64, '\xa5')); });
  auto r = d.check();
  INFO(describe(r));
  const std::string edge = fmt::format("edge record {} (PARTY_TO)", e);
  CHECK(has_problem(r, edge, fmt::format("node record {}: the record is damaged", chn)));
  // The record of node 3 is there: it is damaged, it does not "not exist".
  CHECK_FALSE(has_problem(r, edge, fmt::format("node {}, does not exist", chn)));
}

TEST_CASE("check: after repair, a read that reaches a damaged node still fails, never answers wrongly",
          "[reliability][check]") {
  Damaged d;
  NodeId chn = d.node("State:CHN");
  NodeId treaty = d.node("Treaty:prk-chn-1961");
  d.damage([&](storage::Store::Batch& b) { b.put(Cf::kNodes, keys::id(chn), std::string(64, '\xa5')); });
  auto parties = [&] {
    auto db = d.open(true);
    return db->snapshot()->neighbors(treaty, {.edge_types = {"PARTY_TO"}, .direction = Direction::kIn});
  };
  auto resolve_chn = [&] { return d.open(true)->snapshot()->node(NodeRef{"State", "CHN"}); };
  // Before the repair: China's damage surfaces as an error.
  CHECK_THROWS_AS(parties(), Error);
  CHECK_THROWS_AS(resolve_chn(), Error);
  d.open()->repair();
  // After it: still an error; not the 1961 treaty with PRK as its only party, not "no State:CHN".
  try {
    auto found = parties();
    FAIL_CHECK("the treaty's parties were read without error: " << found.size() << " part"
                                                                << (found.size() == 1 ? "y" : "ies"));
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kCorruption);
  }
  try {
    auto n = resolve_chn();
    FAIL_CHECK("State:CHN read without error: " << (n ? "found" : "no such node"));
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kCorruption);
  }
}

TEST_CASE("check: after repair, a read that reaches a damaged edge still fails, never answers wrongly",
          "[reliability][check]") {
  Damaged d;
  NodeId rus = d.node("State:RUS");
  EdgeId e = d.edge("State:RUS", "PARTNERSHIP");
  d.damage([&](storage::Store::Batch& b) { b.put(Cf::kEdges, keys::id(e), std::string(40, '\x11')); });
  auto partners = [&] {
    auto db = d.open(true);
    return db->snapshot()->neighbors(rus, {.edge_types = {"PARTNERSHIP"}});
  };
  CHECK_THROWS_AS(partners(), Error);  // before the repair
  d.open()->repair();
  try {
    auto found = partners();
    FAIL_CHECK("RUS's partnerships were read without error: " << found.size());
  } catch (const Error& err) {
    CHECK(err.kind() == ErrorKind::kCorruption);
  }
}

TEST_CASE("check: a damaged edge record is reported, repair leaves it reported", "[reliability][check]") {
  Damaged d;
  EdgeId e = d.edge("State:RUS", "PARTNERSHIP");
  d.damage([&](storage::Store::Batch& b) { b.put(Cf::kEdges, keys::id(e), std::string(40, '\x11')); });
  auto r = d.check();
  INFO(describe(r));
  CHECK(has_problem(r, fmt::format("edge record {}", e), "damaged"));
  auto after = d.open()->repair();
  INFO("after repair:\n" << describe(after));
  CHECK(has_problem(after, fmt::format("edge record {}", e), "damaged"));
  for (const auto& p : after.problems) {
    INFO(p.where << ": " << p.reason);
    CHECK_FALSE(is_index_problem(p));
  }
}

TEST_CASE("check: repair fixes every index and counter problem at once and restores the original data",
          "[reliability][check]") {
  Damaged d;
  NodeId prk = d.node("State:PRK"), chn = d.node("State:CHN"), rus = d.node("State:RUS");
  EdgeId e = d.edge("State:RUS", "PARTNERSHIP");
  d.damage([&](storage::Store::Batch& b) {
    auto a = arc_of(b, rus, e, keys::kOut);  // RUS -> PRK: States
    drop_arcs(b, rus, e);
    drop_arcs(b, prk, e);
    keys::RunArc ghost = a;
    ghost.dir = keys::kIn;
    ghost.tag = 10;
    ghost.other = chn;
    ghost.edge = 4242;
    edit_runs(b, prk, [&](keys::NodeRuns& runs) { runs.arcs.push_back(ghost); });
    b.del(Cf::kNames, keys::name("north korea", prk));
    b.put(Cf::kNames, keys::name("ghost", 77), "");
    std::string state_tag;  // the State tag, as the CHN key entry holds it
    b.scan(Cf::kKeys, "", [&](std::string_view k, std::string_view v) {
      if (keys::decode_id(v) == chn) state_tag = k.substr(0, 4);
      return true;
    });
    b.put(Cf::kKeys, state_tag + "GHOST", keys::id(chn));
    b.put(Cf::kMeta, keys::kNextNodeId, u64(1));
    b.del(Cf::kMeta, keys::kNextEdgeId);
  });
  auto r = d.check();
  INFO(describe(r));
  CHECK(r.problems.size() >= 7);
  auto after = d.open()->repair();
  INFO("after repair:\n" << describe(after));
  CHECK(after.clean());
  CHECK(test::dump_of(*d.open(true)) == d.dump);
}

TEST_CASE("check: repair of a clean database changes nothing", "[reliability][check]") {
  Damaged d;
  auto after = d.open()->repair();
  CHECK(after.clean());
  CHECK(test::dump_of(*d.open(true)) == d.dump);
}

TEST_CASE("check: repair of a database opened read-only is refused", "[reliability][check]") {
  Damaged d;
  try {
    d.open(true)->repair();
    FAIL("repaired a read-only database");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kConflict);
  }
}
