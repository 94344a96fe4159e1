// Fuzzes the record decoder (lib/graph/records.h): graph::decode_node, decode_edge and
// node_tag on arbitrary bytes, as if a stored record were damaged, with the built-in
// catalog. Invariant: only entente::Error escapes (kCorruption), never a crash, a
// sanitizer report or another exception; a record that decodes encodes and decodes
// again to the same node or edge.
#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/catalog.h"
#include "entente/entente.h"
#include "fuzz_util.h"
#include "graph/records.h"

namespace {

using namespace entente;

const catalog::Catalog& builtin() {
  static auto c = catalog::Catalog::builtin();
  return *c;
}

void check_node(const catalog::Catalog& cat, std::string_view bytes) {
  Node n;
  try {
    n = graph::decode_node(cat, 7, bytes);
  } catch (const Error& e) {
    FUZZ_CHECK(e.kind() == ErrorKind::kCorruption);
    return;
  }
  // (The type may be an edge type: decode_node does not check the kind of its tag.)
  FUZZ_CHECK(n.id == 7 && cat.find(n.type));
  // What decodes can be written back (unless it breaks a rule of writing), and reads the same.
  NodeInput in{n.type, n.key, n.name, n.aliases, n.valid, n.props, n.sources};
  std::string again;
  try {
    again = graph::encode_node(*cat.find(n.type), in);
  } catch (const Error& e) {
    return;
  }
  Node m = graph::decode_node(cat, 7, again);
  FUZZ_CHECK(m.key == n.key && m.name == n.name && m.aliases == n.aliases && m.valid == n.valid);
  FUZZ_CHECK(m.sources == n.sources && m.props == n.props);
}

void check_edge(const catalog::Catalog& cat, std::string_view bytes) {
  Edge e;
  try {
    e = graph::decode_edge(cat, 9, bytes);
  } catch (const Error& err) {
    FUZZ_CHECK(err.kind() == ErrorKind::kCorruption);
    return;
  }
  FUZZ_CHECK(e.id == 9 && cat.find(e.type));
  EdgeInput in{e.type, {}, {}, e.key, e.valid, e.props, e.sources};
  std::string again;
  try {
    again = graph::encode_edge(*cat.find(e.type), e.from, e.to, in);
  } catch (const Error&) {
    return;
  }
  Edge f = graph::decode_edge(cat, 9, again);
  FUZZ_CHECK(f.from == e.from && f.to == e.to && f.key == e.key && f.valid == e.valid);
  FUZZ_CHECK(f.sources == e.sources && f.props == e.props);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto& cat = builtin();
  check_node(cat, bytes);
  check_edge(cat, bytes);
  try {
    graph::node_tag(7, bytes);
  } catch (const Error& e) {
    FUZZ_CHECK(e.kind() == ErrorKind::kCorruption);
  }
  return 0;
}
