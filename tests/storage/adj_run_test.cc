// Format 5's adjacency runs (storage/adj_run.h, docs/format.md section 4.3): the key, the
// ops' encoding, a damaged value refused, and the merge of a node's runs.
#include <catch2/catch.hpp>

#include "common/error.h"
#include "storage/adj_run.h"

using namespace entente;
using keys::RunArc;

namespace {

RunArc arc(std::uint8_t dir, std::uint32_t tag, std::uint64_t other, std::uint64_t edge, std::uint32_t from = 0,
           std::uint32_t to = 0) {
  RunArc a;
  a.dir = dir;
  a.tag = tag;
  a.other_tag = 1;
  a.from = from;
  a.to = to;
  a.has_valid = from || to;
  a.other = other;
  a.edge = edge;
  return a;
}

keys::NodeRuns merge(const std::vector<std::string>& runs) {
  keys::RunMerger m(7);
  for (const auto& r : runs) m.add(r);
  return m.finish();
}

}  // namespace

TEST_CASE("adjacency runs: the key sorts a node's runs together, oldest first", "[format][runs]") {
  auto k = keys::run_key({7, 3, 1});
  CHECK(k.size() == keys::kRunKeySize);
  auto d = keys::decode_run_key(k);
  CHECK(d.node == 7);
  CHECK(d.commit == 3);
  CHECK(d.part == 1);
  CHECK(keys::run_key({7, 3, 1}) < keys::run_key({7, 4, 0}));
  CHECK(keys::run_key({7, 9, 9}) < keys::run_key({8, 0, 0}));
  CHECK_THROWS_AS(keys::decode_run_key("short"), Error);
}

TEST_CASE("adjacency runs: every op reads back as written", "[format][runs]") {
  keys::RunHead head{4, true, 19480909, 0, {{19500625, 19530727}}};
  keys::RunWriter w;
  w.head(head);
  const RunArc a = arc(keys::kOut, 10, 5, 1);
  const RunArc b = arc(keys::kIn, 22, 3, 1ull << 40, 20240600, 20250101);
  w.arc(a);
  w.arc(b);
  w.arc_removed(keys::kIn, 9, 77);
  w.head_removed();
  keys::RunReader r(w.bytes(), 7);
  REQUIRE(r.next());
  CHECK(r.op() == keys::RunReader::Op::kHead);
  CHECK(r.head() == head);
  REQUIRE(r.next());
  CHECK(r.op() == keys::RunReader::Op::kArc);
  CHECK(r.arc() == a);
  REQUIRE(r.next());
  CHECK(r.arc() == b);
  REQUIRE(r.next());
  CHECK(r.op() == keys::RunReader::Op::kArcRemoved);
  CHECK(r.arc().edge == 77);
  CHECK(r.arc().dir == keys::kIn);
  CHECK(r.arc().tag == 9);
  REQUIRE(r.next());
  CHECK(r.op() == keys::RunReader::Op::kHeadRemoved);
  CHECK_FALSE(r.next());
}

TEST_CASE("adjacency runs: a damaged value is refused naming the node, never read past", "[format][runs]") {
  keys::RunWriter w;
  w.arc(arc(keys::kOut, 10, 5, 1));
  const std::string good = w.bytes();
  for (std::size_t cut = 1; cut < good.size(); ++cut) {
    keys::RunReader r(std::string_view(good).substr(0, cut), 42);
    CHECK_THROWS_WITH(r.next(), Catch::Contains("node 42"));
  }
  // An unterminated varint, and a gap count past the bytes left.
  CHECK_THROWS_AS(keys::RunReader(std::string(11, '\xff'), 1).next(), Error);
  std::string gaps = "\x06";  // head put, tag 1
  gaps += "\x7e";             // 63 gaps, no validity
  CHECK_THROWS_WITH(keys::RunReader(gaps, 1).next(), Catch::Contains("gap count"));
}

TEST_CASE("adjacency runs: a later run replaces and removes arcs and the head of earlier ones", "[format][runs]") {
  keys::RunWriter first;
  first.head({1, false, 0, 0, {}});
  first.arc(arc(keys::kOut, 10, 5, 1));
  first.arc(arc(keys::kOut, 10, 6, 2));
  first.arc(arc(keys::kIn, 3, 9, 3));
  keys::RunWriter second;
  second.head({1, true, 19480909, 0, {}});
  second.arc(arc(keys::kOut, 10, 6, 2, 19610711));  // edge 2 replaced: now with a validity
  second.arc(arc(keys::kOut, 4, 8, 5));             // edge 5 added: sorts first
  second.arc_removed(keys::kIn, 3, 3);              // edge 3 removed
  auto one = merge({first.bytes()});
  CHECK(one.runs == 1);
  CHECK(one.has_head);
  CHECK(one.arcs.size() == 3);
  auto both = merge({first.bytes(), second.bytes()});
  CHECK(both.runs == 2);
  CHECK(both.head.has_valid);
  CHECK(both.head.from == 19480909);
  REQUIRE(both.arcs.size() == 3);
  CHECK(both.arcs[0] == arc(keys::kOut, 4, 8, 5));
  CHECK(both.arcs[1] == arc(keys::kOut, 10, 5, 1));
  CHECK(both.arcs[2] == arc(keys::kOut, 10, 6, 2, 19610711));
  // The same arc at both directions of a self-loop is two arcs.
  keys::RunWriter loop;
  loop.arc(arc(keys::kOut, 10, 7, 9));
  loop.arc(arc(keys::kIn, 10, 7, 9));
  CHECK(merge({loop.bytes()}).arcs.size() == 2);
  keys::RunWriter removed;
  removed.head_removed();
  removed.arc_removed(keys::kOut, 10, 9);
  auto gone = merge({loop.bytes(), removed.bytes()});
  CHECK_FALSE(gone.has_head);
  CHECK(gone.head_removed);
  REQUIRE(gone.arcs.size() == 1);
  CHECK(gone.arcs[0].dir == keys::kIn);
}
